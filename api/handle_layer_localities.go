package api

import (
	"context"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
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
	outlines, err := s.localityOutlines(ctx, geog, locs, true)
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
		f.Properties = localityProperties(l)
		fc.Append(f)
	}
	return writeGeoJSON(c, fc)
}

// localityOutlines returns each locality's outline, aligned with locs: the
// union of its member areas' boundaries (geo.Dissolve), rounded to 6
// decimals first when round (identical shared vertices stay identical, so
// inner edges still cancel); nil for a locality none of whose areas has a
// boundary. The GeoJSON layer, the OGC collection and the tiles share it.
func (s *Server) localityOutlines(ctx context.Context, geog placeplan.Geography, locs []placeplan.Locality, round bool) ([]orb.MultiPolygon, error) {
	var codes []string
	for _, l := range locs {
		codes = append(codes, l.Areas...)
	}
	out := make([]orb.MultiPolygon, len(locs))
	if len(codes) == 0 {
		return out, nil // an empty Codes would select every area
	}
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	geoms := make(map[string]orb.MultiPolygon, len(areas))
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		if round {
			geoms[a.Code] = roundMultiPolygon(a.Geometry)
		} else {
			geoms[a.Code] = a.Geometry
		}
	}
	for i, l := range locs {
		var members orb.MultiPolygon
		for _, code := range l.Areas {
			members = append(members, geoms[code]...)
		}
		if mp := geo.Dissolve(members); len(mp) > 0 {
			out[i] = mp
		}
	}
	return out, nil
}

// localityProperties are a locality feature's properties.
func localityProperties(l placeplan.Locality) geojson.Properties {
	return geojson.Properties{"id": l.ID, "scheme": l.Scheme, "name": l.Name, "area_count": len(l.Areas)}
}
