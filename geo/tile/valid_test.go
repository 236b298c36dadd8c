package tile

import (
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan/geo"
	"placeplan/internal/mvtcheck"
)

// servedTolerance is the simplification of the areas layer the server
// tiles (scenario/tiles): 4 units below zoom 11, 2 from it.
func servedTolerance(z maptile.Zoom) float64 {
	if z < 11 {
		return 4
	}
	return 2
}

// checkValidTiles encodes tiles of l at every zoom minZ..maxZ (perZoom
// sampled tiles holding features of fc, plus the tile over fc's first
// feature) and has GDAL check every polygon (package mvtcheck); it fails on any invalid one
// and logs the count per zoom.
func checkValidTiles(t *testing.T, fc *geojson.FeatureCollection, l *Layer, minZ, maxZ maptile.Zoom, perZoom int) {
	t.Helper()
	var tiles [][]byte
	var addrs []maptile.Tile
	seen := map[maptile.Tile]bool{}
	for z := minZ; z <= maxZ; z++ {
		for _, tl := range append(sampleTiles(fc, perZoom, z, z, uint64(z)+1), tileWith(fc, 0, z)) {
			if seen[tl] {
				continue
			}
			seen[tl] = true
			data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				tiles = append(tiles, data)
				addrs = append(addrs, tl)
			}
		}
	}
	zooms := make([]int, len(addrs))
	for i, a := range addrs {
		zooms[i] = int(a.Z)
	}
	line, total := mvtcheck.Tally(t, mvtcheck.Check(t, tiles), zooms, int(minZ), int(maxZ), func(i int) string {
		return fmt.Sprintf("tile %d/%d/%d", addrs[i].Z, addrs[i].X, addrs[i].Y)
	})
	t.Logf("%d tiles, invalid polygons per zoom:%s", len(tiles), line)
	if total == 0 {
		t.Fatal("no polygon was checked")
	}
}

// TestEncodeValidDefault has GDAL (GEOS) check every polygon of tiles at
// every zoom 0–14 over the embedded default dataset, simplified as the
// server does and not at all.
func TestEncodeValidDefault(t *testing.T) {
	fc := defaultFC(t)
	for _, tc := range []struct {
		name string
		tol  func(maptile.Zoom) float64
	}{
		{"served", servedTolerance},
		{"unsimplified", func(maptile.Zoom) float64 { return 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 0, MaxZoom: 14, Tolerance: tc.tol})
			if err != nil {
				t.Fatal(err)
			}
			checkValidTiles(t, fc, l, 0, 14, 12)
		})
	}
}

// TestEncodeValidEngland has GDAL (GEOS) check every polygon of 40
// sampled tiles at each zoom 0–14 over England's 32,844 LSOA 2011
// boundaries, simplified as the server does.
func TestEncodeValidEngland(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the England validity check")
	}
	fc := englandFC(t)
	l, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 0, MaxZoom: 14, Tolerance: servedTolerance})
	if err != nil {
		t.Fatal(err)
	}
	checkValidTiles(t, fc, l, 0, 14, 40)
}

// TestRebuildTable rebuilds hand-made rings that snapping can leave —
// pinched, crossing, folded, collapsed, holes and parts that touch or
// overlap — and checks the polygons that come back: how many, their
// rings, their area (exteriors positive, holes negative) and that every
// ring is simple (geo.Validate, an implementation of its own).
func TestRebuildTable(t *testing.T) {
	sq := func(x0, y0, x1, y1 int64) []ipt { // positive (exterior)
		return []ipt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	rev := func(r []ipt) []ipt { r = slices.Clone(r); slices.Reverse(r); return r }
	for _, tc := range []struct {
		name   string
		rings  [][]ipt
		simple bool  // needs no rebuilding
		rings1 []int // rings of each polygon
		area2  int64 // twice the total area
	}{
		{"square", [][]ipt{sq(0, 0, 8, 8)}, true, []int{1}, 128},
		{"square with hole", [][]ipt{sq(0, 0, 8, 8), rev(sq(2, 2, 4, 4))}, true, []int{2}, 128 - 8},
		{"pinched at a vertex", [][]ipt{{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}, {0, 0}}}, false, []int{1, 1}, 16},
		{"bow-tie", [][]ipt{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}, false, []int{1}, 8},
		{"bow-tie crossing off the grid", [][]ipt{{{0, 0}, {3, 2}, {3, 0}, {0, 2}, {0, 0}}}, false, []int{1}, 4},
		{"spike", [][]ipt{{{0, 0}, {4, 0}, {4, 4}, {4, 8}, {4, 4}, {0, 4}, {0, 0}}}, false, []int{1}, 32},
		{"collapsed to a line", [][]ipt{{{0, 0}, {4, 0}, {2, 0}, {0, 0}}}, false, nil, 0},
		{"hole touching the exterior at a point", [][]ipt{sq(0, 0, 8, 8), {{0, 4}, {4, 6}, {4, 2}, {0, 4}}}, false, []int{2}, 128 - 16},
		{"hole touching the exterior at three points", [][]ipt{sq(0, 0, 8, 8), {{0, 4}, {4, 8}, {4, 0}, {0, 4}}}, false, []int{1, 1, 1}, 128 - 32},
		{"hole crossing the exterior", [][]ipt{sq(0, 0, 8, 8), rev(sq(6, 2, 10, 6))}, false, []int{1}, 128 - 16},
		{"overlapping parts", [][]ipt{sq(0, 0, 4, 4), sq(2, 2, 6, 6)}, false, []int{1}, 56},
		{"parts sharing an edge", [][]ipt{sq(0, 0, 4, 4), sq(4, 0, 8, 4)}, false, []int{1}, 64},
		{"parts touching at a corner", [][]ipt{sq(0, 0, 4, 4), sq(4, 4, 8, 8)}, false, []int{1, 1}, 64},
		{"inverted ring (dropped when written)", [][]ipt{rev(sq(0, 0, 4, 4))}, true, nil, 0},
		{"inverted lobe", [][]ipt{{{0, 0}, {8, 0}, {8, 4}, {4, 4}, {4, 8}, {6, 8}, {6, 6}, {4, 6}, {4, 4}, {0, 4}, {0, 0}}}, false, []int{1}, 64},
		{"island in a hole", [][]ipt{sq(0, 0, 12, 12), rev(sq(2, 2, 10, 10)), sq(4, 4, 8, 8)}, true, []int{2, 1}, 288 - 128 + 32},
		{"island touching its lake at a point", [][]ipt{sq(0, 0, 12, 12), rev(sq(2, 2, 10, 10)), {{2, 6}, {4, 4}, {6, 6}, {4, 8}, {2, 6}}}, false, []int{2, 1}, 288 - 128 + 16},
		{"island sharing an edge with its lake", [][]ipt{sq(0, 0, 12, 12), rev(sq(2, 2, 10, 10)), sq(2, 4, 6, 8)}, false, []int{2}, 288 - 128 + 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f fixer
			f.load(tc.rings)
			tg := f.check()
			if got := tg == untouched; got != tc.simple {
				t.Fatalf("check() = %v, want untouched %v", tg, tc.simple)
			}
			if tc.simple {
				return
			}
			polys := f.rebuild(tg)
			if tg == noded {
				// The same without the short cut: snapped first.
				f.load(tc.rings)
				if snapped := f.rebuild(tangled); !slices.EqualFunc(snapped, polys, func(a, b [][]ipt) bool { return slices.EqualFunc(a, b, slices.Equal) }) {
					t.Errorf("noded %v, snapped %v", polys, snapped)
				}
			}
			var counts []int
			var area int64
			for _, p := range polys {
				counts = append(counts, len(p))
				for i, r := range p {
					a := ringArea2(r)
					if (i == 0) != (a > 0) {
						t.Errorf("polygon ring %d has twice-area %d: want exteriors positive, holes negative", i, a)
					}
					area += a
					ring := make(orb.Ring, len(r))
					for k, q := range r {
						ring[k] = orb.Point{float64(q.x), float64(q.y)}
					}
					if probs := geo.Validate(orb.Polygon{ring}); probs != nil {
						t.Errorf("ring %v: %v", r, probs)
					}
				}
			}
			if !slices.Equal(counts, tc.rings1) || area != tc.area2 {
				t.Fatalf("got %d polygons with rings %v and twice-area %d, want rings %v and %d:\n%v", len(polys), counts, area, tc.rings1, tc.area2, polys)
			}
		})
	}
}
