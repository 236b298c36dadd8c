package tile

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb/geojson"
)

// defaultLSOAPath is the embedded default dataset's LSOA 2011 boundaries:
// 708 polygons of Shropshire, Telford and Wrekin and Oxfordshire, WGS84.
var defaultLSOAPath = filepath.Join("..", "..", "data", "default", "lsoa2011_bgc.geojson.gz")

// readGzipFC reads a gzipped GeoJSON FeatureCollection.
func readGzipFC(path string) (*geojson.FeatureCollection, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	return geojson.UnmarshalFeatureCollection(raw)
}

var defaultData struct {
	once sync.Once
	fc   *geojson.FeatureCollection
	err  error
}

// defaultFC reads the default dataset's boundaries once per test binary.
// Callers must not modify the collection.
func defaultFC(tb testing.TB) *geojson.FeatureCollection {
	tb.Helper()
	defaultData.once.Do(func() { defaultData.fc, defaultData.err = readGzipFC(defaultLSOAPath) })
	if defaultData.err != nil {
		tb.Fatal(defaultData.err)
	}
	return defaultData.fc
}
