package tiles

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo"
	"placeplan/geo/tile"
)

// The basemap layers: what a web map draws under and over the data when
// it has no basemap of its own, so that no request leaves the machine —
// the outlines of the local authority districts loaded, and labels for
// districts, localities and towns (text drawn by the map from system
// fonts). Both follow the request's geography, as the areas do.
const (
	LayerDistricts = "districts" // one outline per district: the union of its small areas
	LayerLabels    = "labels"    // label points of districts, localities and towns
)

// BasemapMinZoom is the lowest zoom of the basemap layers: England fits
// on one 512-pixel tile at zoom 4.
const BasemapMinZoom = 4

// Label kinds and their ranks, for a style's symbol-sort-key: the lower
// the rank, the more a label matters.
const (
	LabelDistrict = "district"
	LabelLocality = "locality"
	LabelTown     = "town"
)

// LabelRank returns the rank of a kind of label: districts 1, localities
// 2, towns 3.
func LabelRank(kind string) int {
	switch kind {
	case LabelDistrict:
		return 1
	case LabelLocality:
		return 2
	}
	return 3
}

// TownLayer is the name of the point layer whose points are towns (the
// default data's towns.csv); points of any layer whose kind is "town" are
// towns too.
const TownLayer = "towns"

// outlines are the dissolved outlines of one geography at one revision,
// which the districts, localities and labels layers share: each district
// (the union of its small areas, by lad_code) and each locality.
type outlines struct {
	districts  []districtOutline
	localities []placeplan.Locality
	locOutline []orb.MultiPolygon // aligned with localities; nil when a locality has no boundary
}

// districtOutline is one district: its code, name and outline (WGS84).
type districtOutline struct {
	code, name string
	outline    orb.MultiPolygon
}

// outlinesFor returns the outlines of geog at revision rev (or later),
// built once per revision for the layers that draw them.
func (s *Service) outlinesFor(ctx context.Context, geog placeplan.Geography, rev int64) (*outlines, error) {
	o, _, err := s.outlines.Get(ctx, string(geog), rev, func(ctx context.Context) (*outlines, error) {
		return s.buildOutlines(ctx, geog)
	})
	return o, err
}

// buildOutlines dissolves the small areas of geog by district, two
// districts at a time, and the localities of geog (LocalityOutlines).
func (s *Service) buildOutlines(ctx context.Context, geog placeplan.Geography) (*outlines, error) {
	o := &outlines{}
	if geog == "" {
		return o, nil
	}
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	byCode := map[string]int{}
	var members [][]orb.Polygon
	for _, a := range areas {
		if a.LADCode == "" || len(a.Geometry) == 0 {
			continue
		}
		i, ok := byCode[a.LADCode]
		if !ok {
			i = len(o.districts)
			byCode[a.LADCode] = i
			o.districts = append(o.districts, districtOutline{code: a.LADCode, name: a.LADName})
			members = append(members, nil)
		}
		members[i] = append(members[i], a.Geometry...)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Go(func() {
			for i := range next {
				o.districts[i].outline = geo.Dissolve(members[i])
			}
		})
	}
	for i := range o.districts {
		next <- i
	}
	close(next)
	wg.Wait()
	slices.SortFunc(o.districts, func(a, b districtOutline) int { return cmp.Compare(a.code, b.code) })

	if o.localities, err = s.store.Localities(ctx, geog); err != nil {
		return nil, err
	}
	if o.locOutline, err = LocalityOutlines(ctx, s.store, geog, o.localities, false); err != nil {
		return nil, err
	}
	return o, nil
}

// basemapToleranceUnits is the simplification tolerance of the basemap
// layers at zoom z, in tile units: as the areas' (half a pixel, a quarter
// from AreasDetailMinZoom), so that district outlines lie on the areas'
// boundaries.
func basemapToleranceUnits(z maptile.Zoom) float64 {
	if z < AreasDetailMinZoom {
		return areasOverviewToleranceUnits
	}
	return areasDetailToleranceUnits
}

// buildDistrictsTileLayer builds the districts layer of geog: one outline
// per district with its code and name, at zooms BasemapMinZoom to
// MaxZoom, simplified per zoom.
func (s *Service) buildDistrictsTileLayer(ctx context.Context, geog placeplan.Geography, rev int64, cat *tileCatalog) (*tileLayer, error) {
	o, err := s.outlinesFor(ctx, geog, rev)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, d := range o.districts {
		if len(d.outline) == 0 {
			continue
		}
		f := geojson.NewFeature(d.outline)
		f.Properties = geojson.Properties{"code": d.code, "name": d.name}
		fc.Append(f)
	}
	fields := map[string]string{"code": "local authority district code", "name": "local authority district name"}
	l, err := tile.NewLayer(LayerDistricts, fc, tile.LayerOptions{
		MinZoom: BasemapMinZoom, MaxZoom: MaxZoom, Fields: fields, Tolerance: basemapToleranceUnits,
		Description: "local authority districts, each the union of its small areas",
	})
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: areasAttribution(cat, geog)}, nil
}

// buildLabelsTileLayer builds the labels layer of geog: a point for each
// district and each locality, inside its outline (geo.RepresentativePoint
// of the dissolved outline), and each town — the points of the towns
// point layer and any point whose kind is "town" — with name, kind
// (district, locality or town), rank (1, 2, 3: districts first) and, for
// localities, scheme.
func (s *Service) buildLabelsTileLayer(ctx context.Context, geog placeplan.Geography, rev int64, cat *tileCatalog) (*tileLayer, error) {
	o, err := s.outlinesFor(ctx, geog, rev)
	if err != nil {
		return nil, err
	}
	sites, err := s.store.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	add := func(p orb.Point, name, kind string, extra geojson.Properties) {
		if name == "" || math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			return
		}
		f := geojson.NewFeature(p)
		f.Properties = geojson.Properties{"name": name, "kind": kind, "rank": LabelRank(kind)}
		for k, v := range extra {
			f.Properties[k] = v
		}
		fc.Append(f)
	}
	for _, d := range o.districts {
		if len(d.outline) > 0 {
			add(geo.RepresentativePoint(d.outline), d.name, LabelDistrict, nil)
		}
	}
	for i, l := range o.localities {
		if mp := o.locOutline[i]; len(mp) > 0 {
			add(geo.RepresentativePoint(mp), l.Name, LabelLocality, geojson.Properties{"scheme": l.Scheme})
		}
	}
	for _, st := range sites {
		if st.Layer == TownLayer || st.Kind == LabelTown {
			add(st.Point, st.Name, LabelTown, nil)
		}
	}
	fields := map[string]string{
		"name": "the label", "kind": "district, locality or town",
		"rank":   "label priority: 1 districts, 2 localities, 3 towns",
		"scheme": "for localities: the set of localities it belongs to",
	}
	l, err := tile.NewLayer(LayerLabels, fc, tile.LayerOptions{
		MinZoom: BasemapMinZoom, MaxZoom: MaxZoom, Fields: fields,
		Description: "label points of districts, localities and towns, ranked for priority",
	})
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return geog != "" && d.Geography == geog || d.Kind == "localities" || d.Kind == "points"
	})}, nil
}
