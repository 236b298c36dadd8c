package api

import (
	"context"
	"html"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/data"
	"placeplan/geo/tile"
)

// Zoom ranges of the tile layers; clients over-zoom beyond tileMaxZoom.
// The areas layer starts at zoom 6, where England's small areas begin to
// be told apart (at zoom 5 an urban LSOA is under a tile unit across), and
// comes in two bands: below areasDetailMinZoom a tile over a city holds
// thousands of areas (15,560 in the zoom-6 tile over London), and with
// every indicator it would be 2–4 MB before compression and take a few
// hundred milliseconds to build, so the overview band carries only the
// areas' codes and names and the deciles; from areasDetailMinZoom every
// indicator value is there.
const (
	areasMinZoom       = 6
	areasDetailMinZoom = 10
	tileMaxZoom        = 14
)

// overviewFields are the area properties of the areas layer's overview
// band, besides the deciles.
func overviewFields() []string { return []string{"code", "name", "lad_code", "lad_name"} }

// buildAreasTileLayer builds the areas tile layer of geog: every small area
// with a boundary, its names and parents, and every indicator value, with
// small numbers withheld exactly as in the GeoJSON layer (areaProperties).
// Counts, ranks, deciles and populations go out as integers, other values
// as doubles. The overview band (zooms areasMinZoom to
// areasDetailMinZoom−1) keeps only overviewFields and the deciles. With no
// geography loaded the layer is empty.
func (s *Server) buildAreasTileLayer(ctx context.Context, geog placeplan.Geography, cat *tileCatalog) (*tileLayer, error) {
	fields := map[string]string{
		"code":       "small area code",
		"name":       "small area name",
		"msoa_code":  "MSOA code",
		"msoa_name":  "MSOA name",
		"lad_code":   "local authority district code",
		"lad_name":   "local authority district name",
		"suppressed": "comma-separated keys of the values withheld as small numbers",
	}
	detail, overview := geojson.NewFeatureCollection(), geojson.NewFeatureCollection()
	if geog != "" {
		inds, err := s.store.Indicators(ctx, geog)
		if err != nil {
			return nil, err
		}
		areas, err := s.store.Areas(ctx, data.AreaQuery{Geography: geog, WithGeometry: true})
		if err != nil {
			return nil, err
		}
		values := make([]map[string]float64, len(inds))
		integral := map[string]bool{}
		keepOverview := overviewFields()
		for i, ind := range inds {
			vs, err := s.store.Values(ctx, ind.ID)
			if err != nil {
				return nil, err
			}
			values[i] = make(map[string]float64, len(vs))
			for _, v := range vs {
				values[i][v.Area] = v.Value
			}
			fields[ind.Key] = indicatorField(ind)
			switch ind.Kind {
			case placeplan.KindCount, placeplan.KindRank, placeplan.KindDecile, placeplan.KindPopulation:
				integral[ind.Key] = true
			}
			if ind.Kind == placeplan.KindDecile {
				keepOverview = append(keepOverview, ind.Key)
			}
		}
		for _, a := range areas {
			if len(a.Geometry) == 0 {
				continue
			}
			p := tileProperties(areaProperties(a, inds, values, s.cfg.Disclosure), integral)
			f := geojson.NewFeature(a.Geometry)
			f.Properties = p
			detail.Append(f)
			o := geojson.NewFeature(a.Geometry) // shared: NewLayer copies what it keeps
			o.Properties = make(geojson.Properties, len(keepOverview))
			for _, k := range keepOverview {
				if v, ok := p[k]; ok {
					o.Properties[k] = v
				}
			}
			overview.Append(o)
		}
	}
	desc := "small areas with every indicator value"
	ov, err := tile.NewLayer(tileAreas, overview, tile.LayerOptions{
		MinZoom: areasMinZoom, MaxZoom: areasDetailMinZoom - 1, Fields: fields, Description: desc,
	})
	if err != nil {
		return nil, err
	}
	dl, err := tile.NewLayer(tileAreas, detail, tile.LayerOptions{
		MinZoom: areasDetailMinZoom, MaxZoom: tileMaxZoom, Fields: fields, Description: desc,
	})
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{ov, dl}, fields: fields, attribution: attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return geog != "" && d.Geography == geog
	})}, nil
}

// indicatorField describes an indicator for TileJSON: its name and unit.
func indicatorField(ind placeplan.Indicator) string {
	if ind.Unit == "" || strings.EqualFold(ind.Unit, ind.Name) {
		return ind.Name
	}
	return ind.Name + " (" + ind.Unit + ")"
}

// tileProperties adapts GeoJSON area properties to a vector tile: the
// suppressed keys become one comma-separated string (MVT values are
// scalars), and whole-number values of the integral fields become int64,
// written as MVT integers rather than doubles.
func tileProperties(p geojson.Properties, integral map[string]bool) geojson.Properties {
	for k, v := range p {
		switch v := v.(type) {
		case []string:
			p[k] = strings.Join(v, ",")
		case float64:
			if integral[k] && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				p[k] = int64(v)
			}
		}
	}
	return p
}

// buildLocalitiesTileLayer builds the localities tile layer of geog: each
// locality as the union of its member areas' polygons (dissolve), so that
// outlines have no inner edges and each feature is a valid multipolygon
// (the GeoJSON layer keeps the member polygons side by side), with its id
// (also the MVT feature id), scheme, name and number of areas.
func (s *Server) buildLocalitiesTileLayer(ctx context.Context, geog placeplan.Geography, cat *tileCatalog) (*tileLayer, error) {
	fc := geojson.NewFeatureCollection()
	if geog != "" {
		locs, err := s.store.Localities(ctx, geog)
		if err != nil {
			return nil, err
		}
		outlines, err := s.localityOutlines(ctx, geog, locs, false)
		if err != nil {
			return nil, err
		}
		for i, l := range locs {
			if outlines[i] == nil {
				continue
			}
			f := geojson.NewFeature(outlines[i])
			f.ID = l.ID
			f.Properties = localityProperties(l)
			fc.Append(f)
		}
	}
	fields := map[string]string{
		"id": "locality id", "scheme": "the set of localities it belongs to",
		"name": "locality name", "area_count": "number of member small areas",
	}
	l, err := tile.NewLayer(tileLocalities, fc, tile.LayerOptions{
		MaxZoom: tileMaxZoom, Fields: fields,
		Description: "localities as the union of their member areas",
	})
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return geog != "" && (d.Kind == "boundaries" && d.Geography == geog || d.Kind == "localities")
	})}, nil
}

// buildSitesTileLayer builds the sites tile layer: the points of every
// point layer, with the properties of the GeoJSON layer (siteProperties)
// and "layer", the point layer's name. Site ids are unique only within a
// layer, so they are properties, not MVT feature ids.
func (s *Server) buildSitesTileLayer(ctx context.Context, cat *tileCatalog) (*tileLayer, error) {
	sites, err := s.store.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, st := range sites {
		f := geojson.NewFeature(st.Point)
		f.Properties = siteProperties(st)
		f.Properties["layer"] = st.Layer
		fc.Append(f)
	}
	fields := map[string]string{
		"layer": "the point layer", "id": "site id within its layer", "name": "site name",
		"kind": "kind of site", "status": "status", "capacity": "capacity, when known",
	}
	l, err := tile.NewLayer(tileSites, fc, tile.LayerOptions{
		MaxZoom: tileMaxZoom, Fields: fields,
		Description: "points of every point layer",
	})
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return d.Kind == "points"
	})}, nil
}

// attribution joins the distinct attributions of the datasets keep
// selects, in ingest order, HTML-escaped: TileJSON's attribution may hold
// HTML, which map clients render, and dataset metadata is user input.
func attribution(ds []placeplan.Dataset, keep func(placeplan.Dataset) bool) string {
	var parts []string
	for _, d := range ds {
		if a := strings.TrimSpace(d.Attribution); a != "" && keep(d) && !slices.Contains(parts, a) {
			parts = append(parts, a)
		}
	}
	return html.EscapeString(strings.Join(parts, " "))
}
