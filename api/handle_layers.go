package api

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/wire"
)

// handleLayers answers GET /api/v1/layers: the layers that can be drawn,
// with links to their GeoJSON. There is one areas layer and one localities
// layer per geography held, and one sites layer per point layer.
func (s *Server) handleLayers(c echo.Context) error {
	ctx := c.Request().Context()
	geogs, err := s.store.Geographies(ctx)
	if err != nil {
		return err
	}
	locs, err := s.store.Localities(ctx, "")
	if err != nil {
		return err
	}
	points, err := s.store.PointLayers(ctx)
	if err != nil {
		return err
	}
	localities := map[placeplan.Geography]int{}
	for _, l := range locs {
		localities[l.Geography]++
	}

	out := []wire.Layer{}
	for _, g := range sortedKeys(geogs) {
		inds, err := s.store.Indicators(ctx, g)
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(inds))
		for _, ind := range inds {
			keys = append(keys, ind.Key)
		}
		out = append(out, wire.Layer{
			ID: "areas-" + string(g), Kind: "areas", Title: g.Label() + " areas",
			Geography: string(g), GeometryType: "MultiPolygon", Count: geogs[g], Indicators: keys,
			Links: geoJSONLink("/api/v1/layers/areas?geography=" + url.QueryEscape(string(g))),
		})
	}
	for _, g := range sortedKeys(localities) {
		out = append(out, wire.Layer{
			ID: "localities-" + string(g), Kind: "localities", Title: "Localities (" + g.Label() + ")",
			Geography: string(g), GeometryType: "MultiPolygon", Count: localities[g],
			Links: geoJSONLink("/api/v1/layers/localities?geography=" + url.QueryEscape(string(g))),
		})
	}
	for _, name := range sortedKeys(points) {
		out = append(out, wire.Layer{
			ID: "sites-" + name, Kind: "sites", Title: name, Layer: name,
			GeometryType: "Point", Count: points[name],
			Links: geoJSONLink("/api/v1/layers/sites?layer=" + url.QueryEscape(name)),
		})
	}
	return c.JSON(http.StatusOK, out)
}

// geoJSONLink returns the one link of a layer: its GeoJSON.
func geoJSONLink(href string) []wire.Link {
	return []wire.Link{{Rel: "data", Href: href, Type: geoJSONContentType}}
}

// sortedKeys returns m's keys in order.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
