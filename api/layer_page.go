package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"
)

// layerDefaultLimit and layerMaxLimit bound a page of a GeoJSON layer
// under /api/v1/layers: a layer larger than the default (England's 32,844
// small areas are 121 MB) comes in pages, and a larger limit is served as
// the maximum, as OGC API – Features does, not refused.
const (
	layerDefaultLimit = 1000
	layerMaxLimit     = 10000
)

// layerPage is the page of a layer asked for: limit= and offset=.
type layerPage struct {
	limit, offset int
}

// parseLayerPage reads limit (1 or more; default layerDefaultLimit, at
// most layerMaxLimit) and offset (0 or more) of a GeoJSON layer request.
func parseLayerPage(c echo.Context) (layerPage, error) {
	limit, offset, err := parsePage(c.QueryParams(), layerDefaultLimit, layerMaxLimit)
	return layerPage{limit: limit, offset: offset}, err
}

// parsePage reads the limit and offset of a paged request, of the GeoJSON
// layers and the OGC items alike: limit 1 or more (def when absent; one
// above max is served as max, as OGC API – Features does), offset 0 or
// more.
func parsePage(q url.Values, def, max int) (limit, offset int, err error) {
	limit = def
	if q.Has("limit") {
		s := q.Get("limit")
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return def, 0, invalidf("limit %q: want a whole number from 1 to %d", s, max)
		}
		limit = min(n, max)
	}
	if q.Has("offset") {
		s := q.Get("offset")
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return limit, 0, invalidf("offset %q: want a whole number, 0 or more", s)
		}
		offset = n
	}
	return limit, offset, nil
}

// writeLayer sends every feature of fc within the page asked for.
func writeLayer(c echo.Context, fc *geojson.FeatureCollection) error {
	p, err := parseLayerPage(c)
	if err != nil {
		return err
	}
	matched := len(fc.Features)
	fc.Features = pageOf(fc.Features, p.offset, p.limit)
	return writeLayerPage(c, fc, matched, p)
}

// writeLayerPage sends fc, one page of a layer of matched features, as
// GeoJSON saying what it holds as OGC API – Features pages do:
// numberMatched, numberReturned and links (self, and next and prev where
// there are more), with the next page also in a Link header (RFC 8288)
// and the count in X-Total-Count, so that a client reading only the
// features can still tell the layer was cut short.
func writeLayerPage(c echo.Context, fc *geojson.FeatureCollection, matched int, p layerPage) error {
	req := c.Request()
	page := func(offset int) string {
		v := req.URL.Query()
		v.Set("limit", strconv.Itoa(p.limit))
		v.Set("offset", strconv.Itoa(offset))
		return baseURL(c) + req.URL.Path + "?" + v.Encode()
	}
	links := []ogcLink{{Href: baseURL(c) + req.URL.RequestURI(), Rel: "self", Type: geoJSONContentType, Title: "this page"}}
	h := c.Response().Header()
	h.Set("X-Total-Count", strconv.Itoa(matched))
	if next := p.offset + len(fc.Features); len(fc.Features) > 0 && next < matched {
		links = append(links, ogcLink{Href: page(next), Rel: "next", Type: geoJSONContentType, Title: "the next page"})
		h.Add("Link", "<"+page(next)+`>; rel="next"`)
	}
	if p.offset > 0 {
		links = append(links, ogcLink{Href: page(max(0, p.offset-p.limit)), Rel: "prev", Type: geoJSONContentType, Title: "the previous page"})
		h.Add("Link", "<"+page(max(0, p.offset-p.limit))+`>; rel="prev"`)
	}
	if fc.ExtraMembers == nil {
		fc.ExtraMembers = geojson.Properties{}
	}
	fc.ExtraMembers["numberMatched"] = matched
	fc.ExtraMembers["numberReturned"] = len(fc.Features)
	fc.ExtraMembers["links"] = links
	return writeGeoJSON(c, fc)
}
