package api

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// BenchmarkOGCItemsEngland pages through the OGC areas collection of all
// of England (IoD2019 and the 32,844 LSOA 2011 boundaries, englandStore)
// through the router. It skips, saying why, when ../shared/data is
// absent. The collection's table is built once per data revision, before
// timing (its build time is logged); each sub-benchmark asks for pages at
// offsets spread over the collection, as a client following next links
// does (later rounds meet features already encoded; BNG pages and the
// filtered ones' first page are encoded or selected per request). Target (issue 13, item 1): a page well under 50 ms, with no scan
// of the collection per page.
func BenchmarkOGCItemsEngland(b *testing.B) {
	h := newTBServer(englandStore(b, b.TempDir()), Config{}).Handler()
	start := time.Now()
	if rec := getTB(h, "/ogc/collections/areas/items?limit=1"); rec.Code != http.StatusOK {
		b.Fatalf("first page: %d %s", rec.Code, rec.Body)
	}
	b.Logf("areas table built (and first page answered) in %v", time.Since(start).Round(time.Millisecond))
	for _, tc := range []struct {
		name  string
		query string
	}{
		{"limit-10", "limit=10"}, // GDAL 3.6's page, with no open option
		{"default-limit", ""},
		{"limit-1000", "limit=1000"},
		{"bng-default-limit", "crs=http://www.opengis.net/def/crs/EPSG/0/27700"},
		{"filtered-default-limit", "filter=imd_decile%3C%3D2"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				path := "/ogc/collections/areas/items?offset=" + strconv.Itoa(i*97%6000) + "&" + tc.query
				if rec := getTB(h, path); rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
				i++
			}
		})
	}
}
