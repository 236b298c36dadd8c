package tile

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
	"github.com/paulmach/orb/planar"

	"placeplan/geo"
)

// unionRings returns the number of rings of the union of geoms' polygons:
// where neighbours share their boundaries exactly, the union of a boundary
// set is its outline; every sliver between neighbours adds a ring.
func unionRings(geoms []orb.Geometry) int {
	var polys []orb.Polygon
	for _, g := range geoms {
		polys = append(polys, polygons(g)...)
	}
	n := 0
	for _, p := range geo.Dissolve(polys) {
		n += len(p)
	}
	return n
}

// TestSimplifyKeepsSharedBoundaries simplifies the default dataset's 708
// LSOAs at tolerances of 1 to 8 tile units (a pixel of a 512-pixel tile): neighbours still share their
// boundaries vertex for vertex, so the union of the simplified areas has
// no more rings than the union of the originals (independent
// Douglas–Peucker leaves hundreds of slivers at these tolerances), and the
// areas keep their total area.
func TestSimplifyKeepsSharedBoundaries(t *testing.T) {
	fc := defaultFC(t)
	for _, tol := range []float64{1, 4, 8} {
		l, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 6, MaxZoom: 12, Tolerance: func(maptile.Zoom) float64 { return tol }})
		if err != nil {
			t.Fatal(err)
		}
		full, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 12, MaxZoom: 12, Tolerance: func(maptile.Zoom) float64 { return 0 }})
		if err != nil {
			t.Fatal(err)
		}
		want := unionRings(full.byZoom[0])
		wantArea := 0.0
		for _, g := range full.byZoom[0] {
			wantArea += planar.Area(g)
		}
		for zi, geoms := range l.byZoom {
			z := 6 + zi
			if got := unionRings(geoms); got > want {
				t.Errorf("tolerance %v, zoom %d: the union has %d rings, the originals' %d: slivers between neighbours", tol, z, got, want)
			}
			area, points := 0.0, 0
			for _, g := range geoms {
				area += planar.Area(g)
				eachRing(g, func(r orb.Ring) { points += len(r) })
			}
			// Simplification moves a boundary by at most tol on either
			// side: the outline's length times tol bounds the change.
			if d := math.Abs(area-wantArea) / wantArea; d > 0.02 {
				t.Errorf("tolerance %v, zoom %d: total area %.6g, originals' %.6g (%.1f %%)", tol, z, area, wantArea, 100*d)
			}
			if z == 6 && tol >= 4 && points > 708*20 {
				t.Errorf("tolerance %v, zoom 6: %d points left for 708 areas", tol, points)
			}
		}
	}
}

// withGroup returns fc's features with a "district" property, the LAD
// code, for coalescing.
func withGroup(fc *geojson.FeatureCollection) *geojson.FeatureCollection {
	out := geojson.NewFeatureCollection()
	for _, f := range fc.Features {
		g := geojson.NewFeature(f.Geometry)
		g.ID = f.ID
		for k, v := range f.Properties {
			g.Properties[k] = v
		}
		g.Properties["district"] = f.Properties["LAD19CD"]
		out.Append(g)
	}
	return out
}

// coalescing merges features under 16 square pixels within 8-pixel cells
// at zooms 6 to 8, counting them in "merged".
func coalescing(z maptile.Zoom) (CoalesceOptions, bool) {
	return CoalesceOptions{MinAreaUnits: 16 * 64, CellUnits: 64, CountProperty: "merged",
		Group: func(p geojson.Properties) string { s, _ := p["district"].(string); return s }}, z <= 8
}

// TestCoalesce merges the default dataset's small areas at low zooms and
// checks the tiles: fewer features, each merged one with its members'
// count and its largest member's properties and id, drawn from members of
// one district only, and the land still covered.
func TestCoalesce(t *testing.T) {
	fc := withGroup(defaultFC(t))
	opts := LayerOptions{MinZoom: 6, MaxZoom: 10, Coalesce: coalescing}
	l, err := NewLayer("lsoa", fc, opts)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 6, MaxZoom: 10})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*geojson.Feature{}
	for _, f := range fc.Features {
		byCode[f.Properties.MustString("LSOA11CD")] = f
	}
	for _, z := range []maptile.Zoom{6, 7, 8, 9} {
		// Oxford: small urban areas beside large rural ones.
		tl := maptile.At(orb.Point{-1.2578, 51.7520}, z)
		data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		plainData, plainN, err := Encode([]*Layer{plain}, tl, EncodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, merges := coalescing(z)
		drawn, area, plainArea := 0, 0.0, 0.0
		for _, f := range checkTile(t, data, n, DefaultBufferPixels, "lsoa")[0].Features {
			area += planar.Area(f.Geometry)
			count := 1
			if m, ok := f.Properties["merged"]; ok {
				count = int(m.(float64))
				if !merges || count < 2 {
					t.Errorf("z%d: merged = %v", z, m)
				}
			}
			drawn += count
			src := byCode[f.Properties["LSOA11CD"].(string)]
			for k, v := range src.Properties {
				if f.Properties[k] != v {
					t.Errorf("z%d: %s = %v, want %v as in %s", z, k, f.Properties[k], v, src.Properties["LSOA11CD"])
				}
			}
		}
		for _, f := range decode(t, plainData)[0].Features {
			plainArea += planar.Area(f.Geometry)
		}
		switch {
		case merges && n >= plainN:
			t.Errorf("z%d: %d features merged, %d without merging", z, n, plainN)
		case !merges && !bytes.Equal(data, plainData):
			t.Errorf("z%d: no merging at this zoom, yet the tile differs", z)
		case drawn < plainN:
			t.Errorf("z%d: the features draw %d areas, the tile without merging has %d", z, drawn, plainN)
		}
		if d := math.Abs(area-plainArea) / plainArea; d > 0.01 {
			t.Errorf("z%d: merged features cover %.0f square units, unmerged %.0f (%.1f %% apart)", z, area, plainArea, 100*d)
		}
	}

	// Districts stay apart: no merged feature draws areas of two.
	for zi, geoms := range l.byZoom {
		for i := len(fc.Features); i < len(geoms); i++ {
			if geoms[i] == nil {
				continue
			}
			var districts []string
			for _, f := range fc.Features {
				if planar.MultiPolygonContains(geoms[i].(orb.MultiPolygon), mustWorld(t, geo.RepresentativePoint(f.Geometry))) {
					districts = append(districts, f.Properties.MustString("district"))
				}
			}
			if ds := slices.Compact(slices.Sorted(slices.Values(districts))); len(ds) > 1 {
				t.Errorf("zoom %d: merged feature %d holds areas of %v", 6+zi, i, ds)
			}
		}
	}
}

func mustWorld(t *testing.T, p orb.Point) orb.Point {
	t.Helper()
	w, err := worldPoint(p)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// sameTile reports whether two encoded tiles hold the same features with
// the same properties and the same geometry, up to where each ring starts
// and the order of a feature's polygons.
func sameTile(t *testing.T, a, b []byte) bool {
	t.Helper()
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	la, lb := decode(t, a), decode(t, b)
	if len(la) != len(lb) {
		return false
	}
	canon := func(g orb.Geometry) []string {
		var rings []string
		for _, p := range polygons(g) {
			var key string
			for i, r := range p {
				r = r[:len(r)-1]
				lo := 0
				for j := range r {
					if lessPoint(r[j], r[lo]) {
						lo = j
					}
				}
				key += fmt.Sprint(i == 0, append(slices.Clone(r[lo:]), r[:lo]...))
			}
			rings = append(rings, key)
		}
		slices.Sort(rings)
		return rings
	}
	for i := range la {
		if len(la[i].Features) != len(lb[i].Features) {
			return false
		}
		for j, fa := range la[i].Features {
			fb := lb[i].Features[j]
			if fmt.Sprint(fa.Properties) != fmt.Sprint(fb.Properties) || fa.ID != fb.ID ||
				!slices.Equal(canon(fa.Geometry), canon(fb.Geometry)) {
				return false
			}
		}
	}
	return true
}

// TestSubsetBoundGivesTheSameTile builds, for tiles at zooms 6 to 14, a
// layer of only the features whose bounds meet SubsetBound, and checks that
// it encodes each tile as the layer of every feature does — the same
// features, properties and geometry — with shared-arc simplification,
// merging, zoom fields and a field filter.
func TestSubsetBoundGivesTheSameTile(t *testing.T) {
	fc := withGroup(defaultFC(t))
	opts := func(minZ, maxZ maptile.Zoom) LayerOptions {
		return LayerOptions{MinZoom: minZ, MaxZoom: maxZ, Coalesce: coalescing,
			Tolerance: func(z maptile.Zoom) float64 { return 4 },
			ZoomFields: func(z maptile.Zoom) []string {
				if z < 10 {
					return []string{"LSOA11CD", "district", "merged"}
				}
				return nil
			}}
	}
	whole, err := NewLayer("lsoa", fc, opts(6, 14))
	if err != nil {
		t.Fatal(err)
	}
	b := whole.Bounds()
	checked, identical := 0, 0
	for z := maptile.Zoom(6); z <= 14; z++ {
		var keys []maptile.Tile
		for tl := range tilecover.Bound(b, z) {
			keys = append(keys, tl)
		}
		slices.SortFunc(keys, func(a, b maptile.Tile) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Y, b.Y)) })
		if len(keys) > 16 { // every tile at low zooms, a spread of them higher
			step := len(keys) / 16
			var some []maptile.Tile
			for i := 0; i < len(keys); i += step {
				some = append(some, keys[i])
			}
			keys = some
		}
		for _, tl := range keys {
			sb := SubsetBound(tl, DefaultBufferPixels, 64)
			sub := geojson.NewFeatureCollection()
			for _, f := range fc.Features {
				if f.Geometry.Bound().Intersects(sb) {
					sub.Append(f)
				}
			}
			part, err := NewLayer("lsoa", sub, opts(z, z))
			if err != nil {
				t.Fatal(err)
			}
			for _, fields := range [][]string{nil, {"LSOA11NM", "LSOA11CD"}} {
				want, _, err := Encode([]*Layer{whole}, tl, EncodeOptions{Fields: fields})
				if err != nil {
					t.Fatal(err)
				}
				got, _, err := Encode([]*Layer{part}, tl, EncodeOptions{Fields: fields})
				if err != nil {
					t.Fatal(err)
				}
				if !sameTile(t, got, want) {
					t.Fatalf("tile %v (fields %v) from %d of %d features differs from the tile from all", tl, fields, len(sub.Features), len(fc.Features))
				}
				if want != nil {
					checked++
					if bytes.Equal(got, want) {
						identical++
					}
				}
			}
		}
	}
	t.Logf("%d non-empty tiles compared, %d byte for byte identical", checked, identical)
	if checked < 50 {
		t.Errorf("only %d non-empty tiles compared", checked)
	}
}

// TestZoomFields checks LayerOptions.ZoomFields with a field filter on
// top: each zoom writes its own properties, and a filter only narrows
// them.
func TestZoomFields(t *testing.T) {
	fc := defaultFC(t)
	l, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 6, MaxZoom: 12, ZoomFields: func(z maptile.Zoom) []string {
		if z < 10 {
			return []string{"LSOA11CD", "LSOA11NM"}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		z      maptile.Zoom
		fields []string
		want   []string
	}{
		{8, nil, []string{"LSOA11CD", "LSOA11NM"}},
		{8, []string{"LSOA11CD", "LAD19NM"}, []string{"LSOA11CD"}},
		{11, nil, []string{"LAD19CD", "LAD19NM", "LSOA11CD", "LSOA11NM"}},
		{11, []string{"LAD19NM"}, []string{"LAD19NM"}},
	} {
		data, n, err := Encode([]*Layer{l}, maptile.At(orb.Point{-2.75, 52.71}, tc.z), EncodeOptions{Fields: tc.fields})
		if err != nil || n == 0 {
			t.Fatalf("z%d: %d features, %v", tc.z, n, err)
		}
		for _, f := range checkTile(t, data, n, DefaultBufferPixels, "lsoa")[0].Features {
			got := slices.Sorted(func(yield func(string) bool) {
				for k := range f.Properties {
					if !yield(k) {
						return
					}
				}
			})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("z%d fields %v: properties %v, want %v", tc.z, tc.fields, got, tc.want)
			}
		}
	}
}
