package api

import (
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"placeplan/scenario/tiles"
)

// handleLocalitiesLayer answers GET /api/v1/layers/localities?geography=&bbox=:
// the localities of one geography as GeoJSON. A locality's geometry is the
// union of its member areas (geo.Dissolve): one outline, valid as a
// MultiPolygon. Localities none of whose areas has a boundary, or (with
// bbox) that do not meet it, are left out.
func (s *Server) handleLocalitiesLayer(c echo.Context) error {
	ctx := c.Request().Context()
	bbox, err := parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	held, err := s.store.Geographies(ctx)
	if err != nil {
		return err
	}
	geog, err := tiles.LayerGeography(c.QueryParam("geography"), held)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	if geog == "" {
		return writeLayer(c, fc)
	}
	locs, err := s.store.Localities(ctx, geog)
	if err != nil {
		return err
	}
	outlines, err := tiles.LocalityOutlines(ctx, s.store, geog, locs, true)
	if err != nil {
		return err
	}
	for i, l := range locs {
		mp := outlines[i]
		if len(mp) == 0 || bbox != nil && !mp.Bound().Intersects(*bbox) {
			continue
		}
		f := geojson.NewFeature(mp)
		f.ID = l.ID
		f.Properties = tiles.LocalityProperties(l)
		fc.Append(f)
	}
	return writeLayer(c, fc)
}
