package tile

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb/geojson"
)

func TestTileJSON(t *testing.T) {
	fc := defaultFC(t)
	a, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 4, MaxZoom: 14, Description: "LSOA 2011 boundaries",
		Fields: map[string]string{"LSOA11CD": "LSOA 2011 code"}})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := NewLayer("sites", geojson.NewFeatureCollection(), LayerOptions{MinZoom: 8, MaxZoom: 16})
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://example.org/tiles/areas/{z}/{x}/{y}.mvt"
	doc := TileJSON([]*Layer{a, empty}, url, TileJSONOptions{Name: "areas", Attribution: "Contains OS data © Crown copyright"})
	if doc.MinZoom != 4 || doc.MaxZoom != 16 {
		t.Errorf("zoom %d–%d, want 4–16", doc.MinZoom, doc.MaxZoom)
	}
	b := a.Bounds()
	if doc.Bounds != [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		t.Errorf("bounds %v, want the LSOA layer's %v", doc.Bounds, b)
	}
	// The data spans about 2.4° of longitude: a zoom-7 tile (2.8°) holds it.
	if c := b.Center(); doc.Center != [3]float64{c[0], c[1], 7} {
		t.Errorf("center %v", doc.Center)
	}

	raw, err := json.Marshal(doc.Map())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"tilejson": "3.0.0", "name": "areas", "scheme": "xyz", "minzoom": 4.0, "maxzoom": 16.0,
		"attribution": "Contains OS data © Crown copyright",
	} {
		if m[k] != want {
			t.Errorf("%s = %#v, want %#v", k, m[k], want)
		}
	}
	for _, k := range []string{"description", "version"} {
		if _, ok := m[k]; ok {
			t.Errorf("empty %s written", k)
		}
	}
	if tiles := m["tiles"].([]any); len(tiles) != 1 || tiles[0] != url {
		t.Errorf("tiles %v", tiles)
	}
	if bounds := m["bounds"].([]any); len(bounds) != 4 || bounds[0] != b.Min[0] {
		t.Errorf("bounds %v", bounds)
	}
	if center := m["center"].([]any); len(center) != 3 || center[2] != 7.0 {
		t.Errorf("center %v", center)
	}
	vls := m["vector_layers"].([]any)
	if len(vls) != 2 {
		t.Fatalf("vector_layers %v", vls)
	}
	lsoa := vls[0].(map[string]any)
	if lsoa["id"] != "lsoa" || lsoa["description"] != "LSOA 2011 boundaries" || lsoa["minzoom"] != 4.0 || lsoa["maxzoom"] != 14.0 {
		t.Errorf("lsoa layer %v", lsoa)
	}
	fields := lsoa["fields"].(map[string]any)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"LAD19CD", "LAD19NM", "LSOA11CD", "LSOA11NM"}) || fields["LSOA11CD"] != "LSOA 2011 code" || fields["LAD19NM"] != "String" {
		t.Errorf("fields %v", fields)
	}
	if sites := vls[1].(map[string]any); sites["id"] != "sites" || len(sites["fields"].(map[string]any)) != 0 {
		t.Errorf("sites layer %v", sites)
	}
}

func TestTileJSONNoData(t *testing.T) {
	doc := TileJSON(nil, "/tiles/{z}/{x}/{y}.mvt", TileJSONOptions{})
	if doc.Bounds[0] != -180 || doc.Bounds[2] != 180 || math.Abs(doc.Bounds[3]-85.0511287798) > 1e-9 {
		t.Errorf("bounds %v, want the Web Mercator world", doc.Bounds)
	}
	if doc.MinZoom != 0 || doc.MaxZoom != DefaultMaxZoom || doc.Center != [3]float64{0, 0, 0} {
		t.Errorf("zoom %d–%d centre %v", doc.MinZoom, doc.MaxZoom, doc.Center)
	}
	if vl := doc.Map()["vector_layers"].([]any); len(vl) != 0 {
		t.Errorf("vector_layers %v", vl)
	}
}
