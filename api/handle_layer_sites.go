package api

import (
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan/scenario/tiles"
)

// handleSitesLayer answers GET /api/v1/layers/sites?layer=NAME&bbox=: one
// point layer as GeoJSON Points (WGS84, 6 decimals), with bbox only the
// points inside it.
func (s *Server) handleSitesLayer(c echo.Context) error {
	ctx := c.Request().Context()
	bbox, err := parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	name := c.QueryParam("layer")
	if name == "" {
		return invalidf("missing layer: name a point layer (see /api/v1/layers)")
	}
	layers, err := s.store.PointLayers(ctx)
	if err != nil {
		return err
	}
	if _, ok := layers[name]; !ok {
		return notFoundf("no point layer %q", name)
	}
	sites, err := s.store.Sites(ctx, name)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, st := range sites {
		if bbox != nil && !bbox.Contains(st.Point) {
			continue
		}
		f := geojson.NewFeature(orb.Round(st.Point, coordFactor))
		f.ID = st.ID
		f.Properties = tiles.SiteProperties(st)
		fc.Append(f)
	}
	return writeLayer(c, fc)
}
