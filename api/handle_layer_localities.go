package api

import (
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan/data"
	"placeplan/geo"
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
	geog, err := layerGeography(c.QueryParam("geography"), held)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	if geog == "" {
		return writeGeoJSON(c, fc)
	}
	locs, err := s.store.Localities(ctx, geog)
	if err != nil {
		return err
	}
	var codes []string
	for _, l := range locs {
		codes = append(codes, l.Areas...)
	}
	if len(codes) == 0 {
		return writeGeoJSON(c, fc) // an empty Codes would select every area
	}
	areas, err := s.store.Areas(ctx, data.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
	if err != nil {
		return err
	}
	geoms := make(map[string]orb.MultiPolygon, len(areas))
	for _, a := range areas {
		if len(a.Geometry) > 0 {
			geoms[a.Code] = roundMultiPolygon(a.Geometry)
		}
	}
	for _, l := range locs {
		var members orb.MultiPolygon
		for _, code := range l.Areas {
			members = append(members, geoms[code]...)
		}
		mp := geo.Dissolve(members) // one outline, not the member polygons side by side
		if len(mp) == 0 || bbox != nil && !mp.Bound().Intersects(*bbox) {
			continue
		}
		f := geojson.NewFeature(mp)
		f.ID = l.ID
		f.Properties = geojson.Properties{
			"id":         l.ID,
			"scheme":     l.Scheme,
			"name":       l.Name,
			"area_count": len(l.Areas),
		}
		fc.Append(f)
	}
	return writeGeoJSON(c, fc)
}
