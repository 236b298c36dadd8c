package api

import (
	"placeplan/scenario/tiles"

	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// revision makes a data-derived response conditional on the store
// revision, which every ingest increments (and on the scenario revision
// when the request names a scenario, by its scenario parameter or its
// scenario collection; and on every stored scenario's revision when
// listsScenarios): the response carries
// ETag: W/"rev-N" and Cache-Control: no-cache (so clients revalidate every
// time and see a new ingest at once), and a matching If-None-Match is
// answered 304 without running the handler.
//
// The revision is read before the data. If an ingest lands in between, the
// response pairs newer data with the older tag, so the client's next
// request misses and fetches again; the other order could pin stale data
// under a new tag.
func (s *Server) revision(listsScenarios bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return s.revisioned(next, listsScenarios)
	}
}

func (s *Server) revisioned(next echo.HandlerFunc, listsScenarios bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		rev, err := s.store.Revision(c.Request().Context())
		if err != nil {
			return fmt.Errorf("read data revision: %w", err)
		}
		c.Set(ctxRevision, rev) // handlers answer at this revision
		tag := fmt.Sprintf(`W/"rev-%d"`, rev)
		// A named scenario changes with its own revisions: the tag names
		// the revision the reference resolves to ("id@3"). A bad reference
		// is left for the handler to report.
		ref := c.QueryParam("scenario")
		if r, _, ok := scenarioCollectionRef(c.Param("collectionId")); ok && ref == "" {
			ref = r
		}
		if listsScenarios {
			digest, err := s.registryDigest(c.Request().Context())
			if err != nil {
				return err
			}
			tag = fmt.Sprintf(`W/"rev-%d-%s"`, rev, digest)
		}
		if ref != "" {
			if n, err := s.tiles.Lookup(c.Request().Context(), ref); err == nil {
				tag = fmt.Sprintf(`W/"rev-%d-%s"`, rev, n.Label)
				// The handler resolves the same reference: hand it this one.
				c.SetRequest(c.Request().WithContext(tiles.WithResolved(c.Request().Context(), ref, n)))
			}
		}
		if notModified(c, tag) {
			return c.NoContent(http.StatusNotModified)
		}
		return next(c)
	}
}

// notModified sets the ETag and Cache-Control headers for tag and reports
// whether the request's If-None-Match already names it.
func notModified(c echo.Context, tag string) bool {
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "no-cache")
	return etagMatch(c.Request().Header.Get("If-None-Match"), tag)
}

// etagMatch reports whether an If-None-Match header value names tag, using
// the weak comparison RFC 9110 prescribes for If-None-Match.
func etagMatch(header, tag string) bool {
	header = strings.TrimSpace(header)
	if header == "" {
		return false
	}
	if header == "*" {
		return true
	}
	want := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}
