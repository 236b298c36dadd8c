package api

import (
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/scenario/tiles"
)

// handleAreasLayer answers GET /api/v1/layers/areas?geography=&lad=&bbox=&fields=&scenario=:
// the small areas of one geography as GeoJSON MultiPolygons (WGS84, 6
// decimals) carrying their names, parents and indicator values, and with
// scenario=ID what that scenario says of each (see areasOf). Areas without
// a boundary are left out.
func (s *Server) handleAreasLayer(c echo.Context) error {
	ctx := c.Request().Context()
	held, err := s.store.Geographies(ctx)
	if err != nil {
		return err
	}
	geog, err := tiles.LayerGeography(c.QueryParam("geography"), held)
	if err != nil {
		return err
	}
	bound, err := parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	var inds []placeplan.Indicator
	if geog != "" {
		if inds, err = s.store.Indicators(ctx, geog); err != nil {
			return err
		}
	}
	if inds, err = selectFields(inds, c.QueryParams(), geog); err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	if geog == "" {
		return writeGeoJSON(c, fc) // nothing loaded
	}
	var named *tiles.ScenarioAreas
	if id := c.QueryParam("scenario"); id != "" {
		if named, err = s.tiles.Areas(ctx, id); err != nil {
			return err
		}
		if named.Geography != geog {
			return invalidf("scenario %s is on %s, the layer on %s: ask for geography=%s", id, named.Geography.Label(), geog.Label(), named.Geography)
		}
	}

	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{
		Geography: geog, LAD: c.QueryParam("lad"), Bound: bound, WithGeometry: true})
	if err != nil {
		return err
	}
	values, err := tiles.ValuesOf(ctx, s.store, geog, inds, areas)
	if err != nil {
		return err
	}
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		f := geojson.NewFeature(tiles.RoundMultiPolygon(a.Geometry))
		f.ID = a.Code
		f.Properties = tiles.AreaProperties(a, inds, values, s.cfg.Disclosure)
		if named != nil {
			for k, v := range named.Props[a.Code] {
				f.Properties[k] = v
			}
		}
		fc.Append(f)
	}
	return writeGeoJSON(c, fc)
}
