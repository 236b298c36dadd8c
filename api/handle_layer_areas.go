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
// a boundary are left out. The layer comes in pages by code (limit=,
// offset=; see writeLayerPage); only the page's boundaries are read.
func (s *Server) handleAreasLayer(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := parseLayerPage(c)
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
		return writeLayerPage(c, fc, 0, page) // nothing loaded
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

	if bound == nil {
		bound = &world // the areas with a boundary
	}
	all, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, LAD: c.QueryParam("lad"), Bound: bound})
	if err != nil {
		return err
	}
	codes := make([]string, 0, page.limit)
	for _, a := range pageOf(all, page.offset, page.limit) {
		codes = append(codes, a.Code)
	}
	if len(codes) == 0 {
		return writeLayerPage(c, fc, len(all), page) // empty Codes would select every area
	}
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
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
	return writeLayerPage(c, fc, len(all), page)
}
