package tile

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"placeplan"
)

// decode decodes an MVT with orb's decoder, an implementation independent
// of Encode's writer, failing the test on error.
func decode(t *testing.T, data []byte) mvt.Layers {
	t.Helper()
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("orb cannot decode the tile: %v", err)
	}
	return layers
}

// checkTile checks what every encoded tile must satisfy: one MVT 2 layer
// per name given with extent 4096, the feature count Encode reported, no
// "null" property, every vertex within the tile plus buffer, exterior rings
// positive and holes negative in tile coordinates.
func checkTile(t *testing.T, data []byte, n, bufferUnits int, names ...string) mvt.Layers {
	t.Helper()
	layers := decode(t, data)
	got := 0
	for i, l := range layers {
		if i >= len(names) || l.Name != names[i] || l.Version != 2 || l.Extent != Extent {
			t.Fatalf("layer %d: %q version %d extent %d, want %q version 2 extent 4096", i, l.Name, l.Version, l.Extent, names)
		}
		got += len(l.Features)
		for _, f := range l.Features {
			for k, v := range f.Properties {
				if v == nil || v == "null" {
					t.Fatalf("feature property %s = %#v", k, v)
				}
			}
			lo, hi := -float64(bufferUnits), float64(Extent+bufferUnits)
			b := f.Geometry.Bound()
			if b.Min[0] < lo || b.Min[1] < lo || b.Max[0] > hi || b.Max[1] > hi {
				t.Fatalf("feature %v: geometry bound %v outside [%v, %v]", f.Properties, b, lo, hi)
			}
			checkWinding(t, f.Geometry)
		}
	}
	if got != n {
		t.Fatalf("tile holds %d features, Encode said %d", got, n)
	}
	return layers
}

func checkWinding(t *testing.T, g orb.Geometry) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for i, r := range p {
			a := signedArea(r)
			if (i == 0 && a <= 0) || (i > 0 && a >= 0) {
				t.Fatalf("ring %d has signed area %v: MVT wants exterior > 0, holes < 0", i, a)
			}
		}
	}
}

// tileWith returns a tile at zoom z holding the first vertex of feature i.
func tileWith(fc *geojson.FeatureCollection, i int, z maptile.Zoom) maptile.Tile {
	var p orb.Point
	switch g := fc.Features[i].Geometry.(type) {
	case orb.Polygon:
		p = g[0][0]
	case orb.MultiPolygon:
		p = g[0][0][0]
	}
	return maptile.At(p, z)
}

// TestEncodeDefaultDataset encodes every tile covering the 708 LSOA
// polygons of the default dataset at zoom 8 and 11 and checks that every
// LSOA appears and that every tile is valid.
func TestEncodeDefaultDataset(t *testing.T) {
	fc := defaultFC(t)
	if len(fc.Features) != 708 {
		t.Fatalf("%d features, want 708", len(fc.Features))
	}
	l, err := NewLayer("lsoa", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 708 {
		t.Fatalf("Len %d", l.Len())
	}
	b := l.Bounds()
	if b.Min[0] < -3.3 || b.Max[0] > -0.8 || b.Min[1] < 51.4 || b.Max[1] > 53.1 {
		t.Errorf("bounds %v not around Shropshire and Oxfordshire", b)
	}
	for _, z := range []maptile.Zoom{8, 11} {
		tiles := tilecover.Bound(b, z)
		seen := map[string]bool{}
		empty := 0
		for tl := range tiles {
			data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				if data != nil {
					t.Fatalf("%v: no features but %d bytes", tl, len(data))
				}
				empty++
				continue
			}
			for _, f := range checkTile(t, data, n, DefaultBufferPixels, "lsoa")[0].Features {
				code, ok := f.Properties["LSOA11CD"].(string)
				if !ok || !strings.HasPrefix(code, "E01") {
					t.Fatalf("LSOA11CD %#v", f.Properties["LSOA11CD"])
				}
				if len(f.Properties) != 4 {
					t.Fatalf("properties %v", f.Properties)
				}
				seen[code] = true
			}
		}
		if len(seen) != 708 {
			t.Errorf("zoom %d: %d LSOAs in %d tiles (%d empty), want 708", z, len(seen), len(tiles), empty)
		}
	}
}

// TestEncodeMatchesOrbProjection checks the projection against orb's
// encoding/mvt: with simplification off, each feature that lies inside the
// tile decodes to exactly the vertices orb's ProjectToTile gives (repeated
// points removed, rings possibly reversed to MVT's winding).
func TestEncodeMatchesOrbProjection(t *testing.T) {
	fc := defaultFC(t)
	l, err := NewLayer("lsoa", fc, LayerOptions{Tolerance: func(maptile.Zoom) float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*geojson.Feature{}
	for _, f := range fc.Features {
		byCode[f.Properties.MustString("LSOA11CD")] = f
	}
	compared := 0
	for _, tl := range []maptile.Tile{tileWith(fc, 0, 12), tileWith(fc, 300, 13), tileWith(fc, 700, 11)} {
		data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
		if err != nil || n == 0 {
			t.Fatalf("%v: %d features, %v", tl, n, err)
		}
		for _, got := range decode(t, data)[0].Features {
			orig := byCode[got.Properties["LSOA11CD"].(string)]
			ref := &mvt.Layer{Name: "ref", Extent: Extent, Features: []*geojson.Feature{{Geometry: orb.Clone(orig.Geometry)}}}
			ref.ProjectToTile(tl)
			want := ref.Features[0].Geometry
			if b := want.Bound(); b.Min[0] < 0 || b.Min[1] < 0 || b.Max[0] > Extent || b.Max[1] > Extent {
				continue // clipped: compared by other tests
			}
			p, ok := got.Geometry.(orb.Polygon)
			wp, wok := want.(orb.Polygon)
			if !ok || !wok || len(p) != len(wp) {
				t.Fatalf("%v: got %T with %d rings, orb %T", tl, got.Geometry, len(p), want)
			}
			for i := range p {
				w := dedupe(wp[i])
				if !slices.Equal(p[i], w) && !slices.Equal(p[i], reversed(w)) {
					t.Fatalf("%v ring %d:\n got %v\nwant %v", tl, i, p[i], w)
				}
			}
			compared++
		}
	}
	if compared < 20 {
		t.Fatalf("only %d features compared", compared)
	}
}

func dedupe(r orb.Ring) orb.Ring {
	return orb.Ring(slices.Compact(slices.Clone(r)))
}

func reversed(r orb.Ring) orb.Ring {
	c := slices.Clone(r)
	slices.Reverse(c)
	return c
}

// square returns a closed square ring with corners lo and hi, lon,lat
// degrees, anticlockwise as RFC 7946 wants exterior rings.
func square(lo, hi orb.Point) orb.Ring {
	return orb.Ring{lo, {hi[0], lo[1]}, hi, {lo[0], hi[1]}, lo}
}

func TestEncodeProperties(t *testing.T) {
	fc := geojson.NewFeatureCollection()
	f := geojson.NewFeature(orb.Polygon{square(orb.Point{-1.3, 51.7}, orb.Point{-1.2, 51.8})})
	f.ID = 42.0
	f.Properties = geojson.Properties{
		"score":   37.25,
		"rank":    12,
		"big":     uint64(1 << 40),
		"ratio":   float32(0.5),
		"name":    "Oxford 001A",
		"urban":   true,
		"missing": nil,
		"nested":  map[string]any{"a": 1.0},
		"count":   json.Number("7"),
	}
	fc.Append(f)
	l, err := NewLayer("areas", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(orb.Point{-1.25, 51.75}, 10)
	data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
	if err != nil || n != 1 {
		t.Fatalf("%d features, %v", n, err)
	}
	got := checkTile(t, data, n, DefaultBufferPixels, "areas")[0].Features[0]
	want := geojson.Properties{
		"score": 37.25, "rank": 12.0, "big": float64(1 << 40), "ratio": 0.5,
		"name": "Oxford 001A", "urban": true, "nested": `{"a":1}`, "count": 7.0,
	}
	if fmt.Sprint(got.Properties) != fmt.Sprint(want) {
		t.Errorf("properties\n got %v\nwant %v", got.Properties, want)
	}
	if got.ID != 42.0 { // orb decodes ids as float64
		t.Errorf("id %#v, want 42", got.ID)
	}
	if _, ok := got.Properties["missing"]; ok {
		t.Error("nil property was written")
	}
	fields := l.Fields()
	wantFields := map[string]string{"score": "Number", "rank": "Number", "big": "Number", "ratio": "Number",
		"name": "String", "urban": "Boolean", "nested": "String", "count": "Number"}
	if fmt.Sprint(fields) != fmt.Sprint(wantFields) {
		t.Errorf("fields %v, want %v", fields, wantFields)
	}
}

// TestEncodeFields checks EncodeOptions.Fields: only the named properties
// are written (and only the keys and values they use), an empty list
// writes none, names no feature has are ignored, and geometry and ids are
// unchanged.
func TestEncodeFields(t *testing.T) {
	fc := geojson.NewFeatureCollection()
	for i, name := range []string{"Oxford 001A", "Oxford 001B"} {
		f := geojson.NewFeature(orb.Polygon{square(orb.Point{-1.3 + 0.02*float64(i), 51.7}, orb.Point{-1.29 + 0.02*float64(i), 51.71})})
		f.ID = float64(i + 1)
		f.Properties = geojson.Properties{"code": fmt.Sprintf("E0100000%d", i), "name": name, "score": 10.5 + float64(i), "lad": "Oxford"}
		fc.Append(f)
	}
	l, err := NewLayer("areas", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(orb.Point{-1.28, 51.705}, 10)
	all, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
	if err != nil || n != 2 {
		t.Fatalf("%d features, %v", n, err)
	}
	for _, tc := range []struct {
		name   string
		fields []string
		want   []string // property keys of every feature
	}{
		{"all", nil, []string{"code", "lad", "name", "score"}},
		{"code and name", []string{"name", "code"}, []string{"code", "name"}},
		{"a name no feature has", []string{"code", "nothing"}, []string{"code"}},
		{"none", []string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{Fields: tc.fields})
			if err != nil || n != 2 {
				t.Fatalf("%d features, %v", n, err)
			}
			if tc.fields != nil && len(data) >= len(all) {
				t.Errorf("%d bytes with fields %v, %d with every property", len(data), tc.fields, len(all))
			}
			layers := checkTile(t, data, n, DefaultBufferPixels, "areas")
			full := decode(t, all)[0]
			for i, f := range layers[0].Features {
				var keys []string
				for k, v := range f.Properties {
					keys = append(keys, k)
					if v != full.Features[i].Properties[k] {
						t.Errorf("feature %d: %s = %v, want %v", i, k, v, full.Features[i].Properties[k])
					}
				}
				slices.Sort(keys)
				if !slices.Equal(keys, tc.want) {
					t.Errorf("feature %d: properties %v, want %v", i, keys, tc.want)
				}
				if f.ID != full.Features[i].ID || fmt.Sprint(f.Geometry) != fmt.Sprint(full.Features[i].Geometry) {
					t.Errorf("feature %d: id or geometry changed by the field filter", i)
				}
			}
		})
	}
}

// TestEncodeFeatureCrossingTiles checks that a polygon over the boundary
// between two tiles appears, clipped, in both, and reaches into the buffer.
func TestEncodeFeatureCrossingTiles(t *testing.T) {
	const z = 12
	left := maptile.New(2030, 1360, z)
	right := maptile.New(2031, 1360, z)
	edge := right.Bound().Min[0] // longitude of the shared edge
	mid := left.Bound().Center()[1]
	fc := geojson.NewFeatureCollection()
	f := geojson.NewFeature(orb.Polygon{square(orb.Point{edge - 0.01, mid - 0.01}, orb.Point{edge + 0.01, mid + 0.01})})
	f.Properties = geojson.Properties{"id": "straddler"}
	fc.Append(f)
	l, err := NewLayer("x", fc, LayerOptions{BufferPixels: 128})
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range []maptile.Tile{left, right} {
		data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
		if err != nil || n != 1 {
			t.Fatalf("%v: %d features, %v", tl, n, err)
		}
		g := checkTile(t, data, n, 128, "x")[0].Features[0].Geometry
		b := g.Bound()
		// Clipped at the buffer's edge on the far side of the boundary.
		if tl == left && b.Max[0] != Extent+128 {
			t.Errorf("left tile: bound %v, want max x %d", b, Extent+128)
		}
		if tl == right && b.Min[0] != -128 {
			t.Errorf("right tile: bound %v, want min x -128", b)
		}
	}
	// The tile beyond the buffer has nothing.
	if data, n, err := Encode([]*Layer{l}, maptile.New(2033, 1360, z), EncodeOptions{}); data != nil || n != 0 || err != nil {
		t.Errorf("far tile: %d bytes, %d features, %v", len(data), n, err)
	}
}

func TestEncodeEmptyAndOutOfZoom(t *testing.T) {
	l, err := NewLayer("lsoa", defaultFC(t), LayerOptions{MinZoom: 5, MaxZoom: 12})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tile maptile.Tile
	}{
		{"tile in the Pacific", maptile.At(orb.Point{-150, 0}, 10)},
		{"below the layer's min zoom", maptile.At(orb.Point{-1.25, 51.75}, 4)},
		{"above the layer's max zoom", tileWith(defaultFC(t), 0, 13)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, n, err := Encode([]*Layer{l}, tt.tile, EncodeOptions{})
			if data != nil || n != 0 || err != nil {
				t.Errorf("%d bytes, %d features, %v; want nil, 0, nil", len(data), n, err)
			}
		})
	}
	if data, n, err := Encode(nil, maptile.New(0, 0, 0), EncodeOptions{}); data != nil || n != 0 || err != nil {
		t.Errorf("no layers: %d bytes, %d features, %v", len(data), n, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	l, err := NewLayer("lsoa", defaultFC(t), LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		layers []*Layer
		tile   maptile.Tile
		want   string
	}{
		{"x beyond the zoom's range", []*Layer{l}, maptile.New(4, 0, 2), "does not exist"},
		{"zoom beyond MaxZoom", []*Layer{l}, maptile.New(0, 0, 23), "does not exist"},
		{"nil layer", []*Layer{l, nil}, maptile.New(0, 0, 0), "layer 2 is nil"},
		{"two layers with one name", []*Layer{l, l}, maptile.New(0, 0, 0), `two layers are called "lsoa"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Encode(tt.layers, tt.tile, EncodeOptions{})
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want EINVALID with %q", err, tt.want)
			}
		})
	}
}

func TestNewLayerErrors(t *testing.T) {
	poly := orb.Polygon{square(orb.Point{0, 0}, orb.Point{1, 1})}
	fcOf := func(g orb.Geometry, props geojson.Properties) *geojson.FeatureCollection {
		fc := geojson.NewFeatureCollection()
		f := geojson.NewFeature(g)
		f.Properties = props
		return fc.Append(f)
	}
	tests := []struct {
		name string
		fc   *geojson.FeatureCollection
		opts LayerOptions
		want string
	}{
		{"geometry collection", fcOf(orb.Collection{orb.Point{0, 0}}, nil), LayerOptions{}, "geometry collections"},
		{"longitude out of range", fcOf(orb.Point{200, 10}, nil), LayerOptions{}, "not a WGS84 lon,lat"},
		{"NaN latitude", fcOf(orb.LineString{{0, 0}, {1, math.NaN()}}, nil), LayerOptions{}, "not a WGS84 lon,lat"},
		{"min zoom above max zoom", fcOf(poly, nil), LayerOptions{MinZoom: 10, MaxZoom: 8}, "min zoom 10 is above max zoom 8"},
		{"max zoom too high", fcOf(poly, nil), LayerOptions{MaxZoom: 23}, "max zoom 23"},
		{"negative buffer", fcOf(poly, nil), LayerOptions{BufferPixels: -1}, "buffer -1"},
		{"negative tolerance", fcOf(poly, nil), LayerOptions{Tolerance: func(maptile.Zoom) float64 { return -1 }}, "tolerance -1"},
		{"unencodable property", fcOf(poly, geojson.Properties{"f": func() {}}), LayerOptions{}, "property f"},
		{"no collection", nil, LayerOptions{}, "no feature collection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewLayer("x", tt.fc, tt.opts)
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want EINVALID with %q", err, tt.want)
			}
		})
	}
	if _, err := NewLayer("", geojson.NewFeatureCollection(), LayerOptions{}); placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Errorf("empty name: %v", err)
	}
}

func TestNewLayerDoesNotModifyInput(t *testing.T) {
	fc := defaultFC(t)
	before, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLayer("lsoa", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range []maptile.Zoom{6, 9, 14} {
		if _, _, err := Encode([]*Layer{l}, tileWith(fc, 10, z), EncodeOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := json.Marshal(fc)
	if !bytes.Equal(before, after) {
		t.Error("NewLayer or Encode modified the feature collection")
	}
}

// TestEncodeWinding gives a polygon with a hole in the wrong (clockwise)
// orientation and checks the tile follows MVT 2.1: orb decodes one polygon
// with one hole, not two polygons.
func TestEncodeWinding(t *testing.T) {
	outer := square(orb.Point{-1.3, 51.7}, orb.Point{-1.1, 51.9})
	hole := square(orb.Point{-1.25, 51.75}, orb.Point{-1.15, 51.85})
	slices.Reverse(outer) // clockwise: wrong for RFC 7946
	fc := geojson.NewFeatureCollection()
	fc.Append(geojson.NewFeature(orb.Polygon{outer, hole}))
	l, err := NewLayer("x", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, n, err := Encode([]*Layer{l}, maptile.At(orb.Point{-1.2, 51.8}, 9), EncodeOptions{})
	if err != nil || n != 1 {
		t.Fatalf("%d features, %v", n, err)
	}
	g := checkTile(t, data, n, DefaultBufferPixels, "x")[0].Features[0].Geometry
	if p, ok := g.(orb.Polygon); !ok || len(p) != 2 {
		t.Fatalf("decoded %T %v, want a polygon with one hole", g, g)
	}
}

// TestEncodeSimplifies checks that lower zooms carry fewer vertices and
// that a polygon smaller than one tile unit disappears.
func TestEncodeSimplifies(t *testing.T) {
	fc := defaultFC(t)
	l, err := NewLayer("lsoa", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vertices := func(z maptile.Zoom) int {
		n := 0
		for _, g := range l.byZoom[z-l.minZ] {
			if g == nil {
				continue
			}
			switch g := g.(type) {
			case orb.Polygon:
				for _, r := range g {
					n += len(r)
				}
			case orb.MultiPolygon:
				for _, p := range g {
					for _, r := range p {
						n += len(r)
					}
				}
			}
		}
		return n
	}
	prev := 0
	for z := maptile.Zoom(4); z <= 14; z += 2 {
		v := vertices(z)
		if v < prev {
			t.Errorf("zoom %d keeps %d vertices, fewer than zoom %d's %d", z, v, z-2, prev)
		}
		prev = v
	}
	if v0, v14 := vertices(4), vertices(14); v0*4 > v14 {
		t.Errorf("zoom 4 keeps %d vertices of zoom 14's %d", v0, v14)
	}

	tiny := geojson.NewFeatureCollection()
	tiny.Append(geojson.NewFeature(orb.Polygon{square(orb.Point{-1.2, 51.7}, orb.Point{-1.1999, 51.7001})}))
	tl, err := NewLayer("tiny", tiny, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, n, _ := Encode([]*Layer{tl}, maptile.At(orb.Point{-1.2, 51.7}, 6), EncodeOptions{}); n != 0 {
		t.Errorf("an 11 m square is drawn at zoom 6: %d features", n)
	}
	if _, n, _ := Encode([]*Layer{tl}, maptile.At(orb.Point{-1.2, 51.7}, 14), EncodeOptions{}); n != 1 {
		t.Errorf("an 11 m square is missing at zoom 14: %d features", n)
	}
}

func TestEncodeLinesAndPoints(t *testing.T) {
	fc := geojson.NewFeatureCollection()
	fc.Append(geojson.NewFeature(orb.Point{-1.25, 51.75}))
	fc.Append(geojson.NewFeature(orb.MultiPoint{{-1.25, 51.75}, {-1.26, 51.76}, {50, 50}}))
	fc.Append(geojson.NewFeature(orb.LineString{{-2, 51.75}, {-1.25, 51.75}, {-1.25, 52.5}}))
	fc.Append(geojson.NewFeature(orb.MultiLineString{{{-1.3, 51.7}, {-1.2, 51.8}}, {{-1.3, 51.8}, {-1.2, 51.7}}}))
	fc.Append(geojson.NewFeature(orb.MultiPolygon{
		{square(orb.Point{-1.3, 51.7}, orb.Point{-1.27, 51.73})},
		{square(orb.Point{-1.23, 51.77}, orb.Point{-1.2, 51.8})},
	}))
	fc.Append(&geojson.Feature{Type: "Feature"}) // no geometry: skipped
	l, err := NewLayer("mixed", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 5 {
		t.Errorf("Len %d, want 5", l.Len())
	}
	data, n, err := Encode([]*Layer{l}, maptile.At(orb.Point{-1.25, 51.75}, 10), EncodeOptions{})
	if err != nil || n != 5 {
		t.Fatalf("%d features, %v", n, err)
	}
	var types []string
	for _, f := range checkTile(t, data, n, DefaultBufferPixels, "mixed")[0].Features {
		types = append(types, f.Geometry.GeoJSONType())
	}
	want := []string{"Point", "MultiPoint", "MultiLineString", "MultiLineString", "MultiPolygon"}
	// orb decodes a one-part line as LineString and two-part lines as
	// MultiLineString; the long line is clipped to one part here.
	want[2] = "LineString"
	if !slices.Equal(types, want) {
		t.Errorf("types %v, want %v", types, want)
	}
}

func TestEncodeGzipAndSeveralLayers(t *testing.T) {
	fc := defaultFC(t)
	a, _ := NewLayer("a", fc, LayerOptions{})
	b, _ := NewLayer("b", fc, LayerOptions{MinZoom: 12})
	tl := tileWith(fc, 5, 11)
	plain, n, err := Encode([]*Layer{a, b}, tl, EncodeOptions{})
	if err != nil || n == 0 {
		t.Fatalf("%d features, %v", n, err)
	}
	layers := checkTile(t, plain, n, DefaultBufferPixels, "a") // b starts at zoom 12
	if len(layers) != 1 {
		t.Fatalf("%d layers", len(layers))
	}
	if cap(plain) != len(plain) {
		t.Errorf("capacity %d for %d bytes", cap(plain), len(plain))
	}
	zipped, zn, err := Encode([]*Layer{a, b}, tl, EncodeOptions{Gzip: true})
	if err != nil || zn != n {
		t.Fatalf("gzip: %d features, %v", zn, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain) {
		t.Error("gzip tile does not unzip to the plain tile")
	}
	tl12 := tileWith(fc, 5, 12)
	both, n2, err := Encode([]*Layer{a, b}, tl12, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if layers := checkTile(t, both, n2, DefaultBufferPixels, "a", "b"); len(layers) != 2 || len(layers[0].Features) != len(layers[1].Features) {
		t.Errorf("two layers of the same data: %d layers", len(layers))
	}
}

// TestEncodeConcurrent encodes the same tiles from several goroutines and
// checks every result equals the sequential one (run with -race).
func TestEncodeConcurrent(t *testing.T) {
	fc := defaultFC(t)
	l, err := NewLayer("lsoa", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tiles := sampleTiles(fc, 40, 6, 14, 7)
	want := make([][]byte, len(tiles))
	for i, tl := range tiles {
		want[i], _, _ = Encode([]*Layer{l}, tl, EncodeOptions{})
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range tiles {
				j := (i + g*7) % len(tiles)
				got, _, err := Encode([]*Layer{l}, tiles[j], EncodeOptions{})
				if err != nil || !bytes.Equal(got, want[j]) {
					t.Errorf("goroutine %d tile %v: different bytes (%v)", g, tiles[j], err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestEncodeGDALReads opens tiles with GDAL's MVT driver, an independent
// reader, when ogr2ogr is installed: the same features and field types,
// no warnings, and polygons back in WGS84 near their sources.
func TestEncodeGDALReads(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr (gdal-bin) is not installed; skipping the GDAL oracle")
	}
	fc := geojson.NewFeatureCollection()
	for i, f := range defaultFC(t).Features[:60] {
		g := geojson.NewFeature(f.Geometry)
		g.Properties = geojson.Properties{"code": f.Properties["LSOA11CD"], "score": float64(i) + 0.5, "rank": i}
		fc.Append(g)
	}
	l, err := NewLayer("lsoa", fc, LayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tl := tileWith(fc, 0, 11)
	data, n, err := Encode([]*Layer{l}, tl, EncodeOptions{})
	if err != nil || n == 0 {
		t.Fatalf("%d features, %v", n, err)
	}
	dir := filepath.Join(t.TempDir(), fmt.Sprint(tl.Z), fmt.Sprint(tl.X))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%d.pbf", tl.Y)) // z/x/y.pbf: GDAL georeferences it
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "/vsistdout/", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ogr2ogr: %v\n%s", err, stderr.String())
	}
	got, err := geojson.UnmarshalFeatureCollection(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Features) != n {
		t.Fatalf("GDAL reads %d features, Encode wrote %d", len(got.Features), n)
	}
	src := map[string]*geojson.Feature{}
	for _, f := range fc.Features {
		src[f.Properties.MustString("code")] = f
	}
	for _, f := range got.Features {
		code := f.Properties.MustString("code")
		s := src[code]
		if s == nil {
			t.Fatalf("GDAL read unknown code %q", code)
		}
		if _, ok := f.Properties["score"].(float64); !ok {
			t.Fatalf("%s: score %#v is not a number", code, f.Properties["score"])
		}
		if f.Properties["score"] != s.Properties["score"] || f.Properties["rank"] != float64(s.Properties["rank"].(int)) {
			t.Fatalf("%s: GDAL %v, source %v", code, f.Properties, s.Properties)
		}
		if f.Geometry.GeoJSONType() != "Polygon" && f.Geometry.GeoJSONType() != "MultiPolygon" {
			t.Fatalf("%s: %s", code, f.Geometry.GeoJSONType())
		}
		if !s.Geometry.Bound().Pad(0.01).Intersects(f.Geometry.Bound()) {
			t.Fatalf("%s: GDAL puts it at %v, source at %v", code, f.Geometry.Bound(), s.Geometry.Bound())
		}
	}
}
