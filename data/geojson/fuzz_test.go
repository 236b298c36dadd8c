package geojson

import (
	"bytes"
	"testing"

	"placeplan/data/internal/datatest"
)

// FuzzRead feeds arbitrary bytes to the GeoJSON reader and the splitter
// behind its parallel path: neither may panic, and every error must be a
// *placeplan.Error with a code.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA11CD":"E01028826"},"geometry":{"type":"Polygon","coordinates":[[[-2.29,52.63],[-2.28,52.63],[-2.28,52.64],[-2.29,52.63]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[{"type":"Feature","id":7,"properties":{"name":"Ludlow"},"geometry":{"type":"Point","coordinates":[351141,274643]}}]}`))
	f.Add([]byte("\ufeff{\"type\":\"FeatureCollection\",\"features\":[]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Read(bytes.NewReader(b))
		datatest.CheckFuzzErr(t, err)
		if members, raw, err := splitFeatureCollection(b); err == nil && members == nil {
			t.Fatalf("split %d features without members", len(raw))
		}
	})
}
