package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan/scenario"
	"placeplan/wire"
)

// searchResult is one place found, for a map to list and fly to.
type searchResult struct {
	Kind      string     `json:"kind"` // area, msoa, locality, district or town
	Code      string     `json:"code"` // area, MSOA or district code; locality id; town id in its layer
	Name      string     `json:"name"`
	Detail    string     `json:"detail"`
	Geography *string    `json:"geography"` // null for a town
	BBox      [4]float64 `json:"bbox"`      // west, south, east, north of its areas' boundaries (WGS84)
	Lon       float64    `json:"lon"`
	Lat       float64    `json:"lat"`
}

// handleSearch answers GET /api/v1/search?q=TEXT[&geography=][&limit=N]:
// small areas, MSOAs, localities, districts and towns whose code or name
// matches, best first (scenario.SearchIndex). Without geography the
// places are those of the layers' default geography (lsoa11 when both are
// loaded), with the towns. The index is built once per data revision.
func (s *Server) handleSearch(c echo.Context) error {
	q := c.QueryParams()
	query := scenario.SearchQuery{Text: q.Get("q")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return invalidf("limit %q: want a whole number from 1 (more than %d is served as %d)", v, scenario.MaxSearchLimit, scenario.MaxSearchLimit)
		}
		query.Limit = n
	}
	if strings.TrimSpace(query.Text) == "" {
		return invalidf("q: missing: give at least %d letters or digits of a code or name", scenario.MinSearchLength)
	}
	ctx := c.Request().Context()
	rev, err := s.requestRevision(c)
	if err != nil {
		return err
	}
	if query.Geography, err = s.layerGeography(c, q.Get("geography")); err != nil {
		return err
	}
	ix, _, err := s.search.Get(ctx, "", rev, func(ctx context.Context) (*scenario.SearchIndex, error) {
		return scenario.NewSearchIndex(ctx, s.store)
	})
	if err != nil {
		return err
	}
	found, err := ix.Search(query)
	if err != nil {
		return err
	}
	out := make([]searchResult, len(found))
	for i, r := range found {
		out[i] = searchResult{Kind: r.Kind, Code: r.Code, Name: r.Name, Detail: r.Detail,
			BBox: [4]float64{wire.RoundCoord(r.Bound.Min[0]), wire.RoundCoord(r.Bound.Min[1]), wire.RoundCoord(r.Bound.Max[0]), wire.RoundCoord(r.Bound.Max[1])},
			Lon:  wire.RoundCoord(r.Point[0]), Lat: wire.RoundCoord(r.Point[1])}
		if r.Geography != "" {
			out[i].Geography = new(string(r.Geography))
		}
	}
	return c.JSON(http.StatusOK, out)
}
