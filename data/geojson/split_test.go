package geojson

import (
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
)

// TestSplitFeatureCollectionMatchesDecoder decodes the same collections
// through the parallel path and orb's decoder and compares.
func TestSplitFeatureCollectionMatchesDecoder(t *testing.T) {
	docs := []string{
		`{"type":"FeatureCollection","name":"x","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[{"type":"Feature","properties":{"a":"}]\"[{","n":1.5e3},"geometry":{"type":"Point","coordinates":[1,2]}} , {"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
		" \n{ \"features\" : [ ] , \"type\" : \"FeatureCollection\" } ",
	}
	for _, d := range docs {
		members, raw, err := splitFeatureCollection([]byte(d))
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		got, err := decodeFeatures(raw)
		if err != nil {
			t.Fatal(err)
		}
		want, err := geojson.UnmarshalFeatureCollection([]byte(d))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want.Features) {
			t.Fatalf("%d features, want %d", len(got), len(want.Features))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i].Geometry, want.Features[i].Geometry) || !reflect.DeepEqual(got[i].Properties, want.Features[i].Properties) {
				t.Errorf("feature %d differs: %+v vs %+v", i, got[i], want.Features[i])
			}
		}
		if _, ok := members["type"]; !ok {
			t.Error("no type member")
		}
	}
	for _, bad := range []string{`[1,2]`, `{"features":[{"a":"unterminated]}`, `{"type":"FeatureCollection","features":{}}`} {
		if _, _, err := splitFeatureCollection([]byte(bad)); err == nil {
			t.Errorf("%s: split", bad)
		}
	}
	// A large collection goes through the parallel path and still gets the
	// plain decoder's positioned error when a feature is broken.
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; i < 20000; i++ {
		b.WriteString(`{"type":"Feature","properties":{"LSOA11CD":"E01028826"},"geometry":{"type":"Point","coordinates":[-2.5,52.5]}},`)
	}
	b.WriteString(`{"type":"Feature","geometry":{"type":"Point","coordinates":[-2.5,"x"]}}]}`)
	if _, err := Read(strings.NewReader(b.String())); err == nil || !strings.Contains(err.Error(), "not a GeoJSON FeatureCollection") {
		t.Errorf("broken large collection: %v", err)
	}
}
