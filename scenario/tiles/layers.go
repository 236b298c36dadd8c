package tiles

import (
	"context"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/data/registry"
	"placeplan/geo/tile"
)

// Zoom ranges of the tile layers; clients over-zoom beyond MaxZoom.
// The areas layer starts at zoom 6, where England's small areas begin to
// be told apart (at zoom 5 an urban LSOA is under a tile unit across).
// Below AreasDetailMinZoom a tile over a city holds thousands of areas
// (15,560 in the zoom-6 tile over London), so the areas come in overview
// bands, one per zoom, that carry only what a style needs to draw and
// join them (AreasOverviewFields) and merge areas too small to be seen
// (AreasCoalescing); from AreasDetailMinZoom every indicator value is
// there. Each tile of England stays under MaxTileBytes (see
// TestTileSizesEngland and docs/BENCHMARKS.md).
const (
	AreasMinZoom       = 6
	AreasDetailMinZoom = 11
	MaxZoom            = 14
	// MaxTileBytes is the most an encoded tile may hold before
	// compression: tippecanoe's limit (on compressed tiles) of 500 KB.
	MaxTileBytes = 500_000
)

// AreasOverviewFields are the area properties of the areas layer below
// AreasDetailMinZoom: what a web map needs to draw the areas and to join
// values to them by code (MapLibre's feature-state with promoteId "code"),
// and the district's name for its tooltip (a tile stores each name once).
// Merged features (AreasCoalescing) also carry area_count.
func AreasOverviewFields() []string { return []string{"code", "name", "lad_code", "lad_name"} }

// areasOverviewOf is the areas layer's overview: AreasOverviewFields, and
// small areas merged within their district.
func areasOverviewOf() areaOverview {
	return areaOverview{keep: AreasOverviewFields()}
}

// Simplification tolerances of the areas layer, in tile units (a tile is
// 4096 units and 512 screen pixels a side): half a pixel in the overview
// bands, a quarter in the detail band. Shared boundaries are simplified
// once for both neighbours (geo/tile), so no sliver opens between them.
const (
	areasOverviewToleranceUnits = 4
	areasDetailToleranceUnits   = 2
)

// AreasCoalescing returns how the areas of zoom z are merged, and false
// when they are not: areas under MinAreaUnits (square tile units; 64 are a
// square pixel) are merged with the other such areas of their group
// (areaGroup: their district) whose bounds' centres share
// a grid cell of CellUnits, and drawn with the code and name of the
// largest, with the number merged in area_count. At zooms 6 and 7 areas
// under 4×4 pixels merge within 8-pixel cells, at zoom 8 areas under 3×3
// pixels within 6-pixel cells; from zoom 9 every area is drawn on its
// own.
func AreasCoalescing(z maptile.Zoom) (tile.CoalesceOptions, bool) {
	const px2 = 64 // square tile units in a square pixel
	switch {
	case z <= 7:
		return tile.CoalesceOptions{MinAreaUnits: 16 * px2, CellUnits: 64, Group: areaGroup, CountProperty: "area_count"}, true
	case z == 8:
		return tile.CoalesceOptions{MinAreaUnits: 9 * px2, CellUnits: 48, Group: areaGroup, CountProperty: "area_count"}, true
	}
	return tile.CoalesceOptions{}, false
}

// areaGroup is the group a small area merges within: its district, or,
// for areas loaded without one (IoD2025's file names none, and a lookup
// may not be loaded), the MSOA its name implies, so that merged areas
// never cross a boundary the data knows.
func areaGroup(p geojson.Properties) string {
	if lad, _ := p["lad_code"].(string); lad != "" {
		return "lad:" + lad
	}
	if name, _ := p["name"].(string); name != "" {
		if msoa, ok := registry.MSOANameOfLSOA(name); ok {
			return "msoa:" + msoa
		}
	}
	return "" // never merged
}

// areasCellUnits is the largest coalescing cell of AreasCoalescing, for
// tile.SubsetBound.
const areasCellUnits = 64

// areaOverview says what an areas layer (the small areas, or a
// scenario's) carries below AreasDetailMinZoom: the properties keep names
// (area_count too); small areas merge as AreasCoalescing says.
type areaOverview struct {
	keep []string
}

// areaLayerOptions are the options of an areas layer with overview ov:
// zooms AreasMinZoom to MaxZoom, the overview's properties and merged
// areas below AreasDetailMinZoom, every property from it, and the
// tolerance of each zoom.
func areaLayerOptions(ov areaOverview, fields map[string]string, desc string) tile.LayerOptions {
	keep := append(slices.Clone(ov.keep), "area_count")
	return tile.LayerOptions{
		MinZoom: AreasMinZoom, MaxZoom: MaxZoom, Fields: fields, Description: desc,
		Tolerance: func(z maptile.Zoom) float64 {
			if z < AreasDetailMinZoom {
				return areasOverviewToleranceUnits
			}
			return areasDetailToleranceUnits
		},
		ZoomFields: func(z maptile.Zoom) []string {
			if z < AreasDetailMinZoom {
				return keep
			}
			return nil
		},
		Coalesce: AreasCoalescing,
	}
}

// areaFields describes the properties of the areas layer of inds.
func areaFields(inds []placeplan.Indicator) map[string]string {
	fields := map[string]string{
		"code":       "small area code",
		"name":       "small area name",
		"msoa_code":  "MSOA code",
		"msoa_name":  "MSOA name",
		"lad_code":   "local authority district code",
		"lad_name":   "local authority district name",
		"suppressed": "comma-separated keys of the values withheld as small numbers",
		"area_count": "below zoom " + strconv.Itoa(AreasDetailMinZoom) + ": the number of small areas a merged feature draws (absent for one)",
	}
	for _, ind := range inds {
		fields[ind.Key] = IndicatorField(ind)
	}
	return fields
}

// areaFeatures returns the areas as features of the areas tile layer: each
// area with a boundary, its names and parents and every indicator value
// (values[i] holds inds[i]'s by area code), with small numbers withheld
// exactly as in the GeoJSON layer (AreaProperties). Counts, ranks,
// deciles and populations go out as integers, other values as doubles.
func (s *Service) areaFeatures(areas []placeplan.Area, inds []placeplan.Indicator, values []map[string]float64) *geojson.FeatureCollection {
	integral := map[string]bool{}
	for _, ind := range inds {
		switch ind.Kind {
		case placeplan.KindCount, placeplan.KindRank, placeplan.KindDecile, placeplan.KindPopulation:
			integral[ind.Key] = true
		}
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		f := geojson.NewFeature(a.Geometry)
		f.Properties = tileProperties(AreaProperties(a, inds, values, s.policy.Disclosure), integral)
		fc.Append(f)
	}
	return fc
}

// buildAreasTileLayer builds the areas tile layer of geog from every area
// with a boundary (areaFeatures), as one layer (areaLayerOptions). With no geography
// loaded the layer is empty.
func (s *Service) buildAreasTileLayer(ctx context.Context, geog placeplan.Geography, cat *tileCatalog) (*tileLayer, error) {
	var inds []placeplan.Indicator
	fc := geojson.NewFeatureCollection()
	if geog != "" {
		var err error
		if inds, err = s.store.Indicators(ctx, geog); err != nil {
			return nil, err
		}
		areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, WithGeometry: true})
		if err != nil {
			return nil, err
		}
		values := make([]map[string]float64, len(inds))
		for i, ind := range inds {
			vs, err := s.store.Values(ctx, ind.ID)
			if err != nil {
				return nil, err
			}
			values[i] = make(map[string]float64, len(vs))
			for _, v := range vs {
				values[i][v.Area] = v.Value
			}
		}
		fc = s.areaFeatures(areas, inds, values)
	}
	fields := areaFields(inds)
	l, err := tile.NewLayer(LayerAreas, fc, areaLayerOptions(areasOverviewOf(), fields, "small areas with every indicator value"))
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: areasAttribution(cat, geog)}, nil
}

// areasAttribution is the attribution of the areas layer of geog.
func areasAttribution(cat *tileCatalog, geog placeplan.Geography) string {
	return attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return geog != "" && d.Geography == geog
	})
}

// IndicatorField describes an indicator for TileJSON: its name and unit.
func IndicatorField(ind placeplan.Indicator) string {
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
// locality as the union of its member areas' polygons (outlinesFor, which
// the labels layer shares), so that outlines have no inner edges and each
// feature is a valid multipolygon (the GeoJSON layer keeps the member
// polygons side by side), with its id (also the MVT feature id), scheme,
// name and number of areas.
func (s *Service) buildLocalitiesTileLayer(ctx context.Context, geog placeplan.Geography, rev int64, cat *tileCatalog) (*tileLayer, error) {
	o, err := s.outlinesFor(ctx, geog, rev)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for i, l := range o.localities {
		if o.locOutline[i] == nil {
			continue
		}
		f := geojson.NewFeature(o.locOutline[i])
		f.ID = l.ID
		f.Properties = LocalityProperties(l)
		fc.Append(f)
	}
	fields := map[string]string{
		"id": "locality id", "scheme": "the set of localities it belongs to",
		"name": "locality name", "area_count": "number of member small areas",
	}
	l, err := tile.NewLayer(LayerLocalities, fc, tile.LayerOptions{
		MinZoom: BasemapMinZoom, MaxZoom: MaxZoom, Fields: fields, Tolerance: basemapToleranceUnits,
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
// point layer, with the properties of the GeoJSON layer (SiteProperties)
// and "layer", the point layer's name. Site ids are unique only within a
// layer, so they are properties, not MVT feature ids.
func (s *Service) buildSitesTileLayer(ctx context.Context, cat *tileCatalog) (*tileLayer, error) {
	sites, err := s.store.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, st := range sites {
		f := geojson.NewFeature(st.Point)
		f.Properties = SiteProperties(st)
		f.Properties["layer"] = st.Layer
		fc.Append(f)
	}
	fields := map[string]string{
		"layer": "the point layer", "id": "site id within its layer", "name": "site name",
		"kind": "kind of site", "status": "status", "capacity": "capacity, when known",
	}
	l, err := tile.NewLayer(LayerSites, fc, tile.LayerOptions{
		MaxZoom: MaxZoom, Fields: fields,
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
