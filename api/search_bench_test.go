package api

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"placeplan/data"
)

// BenchmarkSearchEngland searches all of England through the router:
// IoD2019 and the 32,844 LSOA 2011 boundaries (englandStore), with the ONS
// LSOA → MSOA → district lookup and the House of Commons Library MSOA
// names ingested too — 32,844 areas, 6,791 MSOAs and 326 districts (no
// town layer: the shared data has none for England). It skips, saying
// why, when ../shared/data is absent. The index is built once per data
// revision, before timing (its build time is logged); each sub-benchmark
// is one query. Target (issue 10): a few milliseconds.
func BenchmarkSearchEngland(b *testing.B) {
	lookup := sharedDataPath(b, "lsoa2011_lookups", "lsoa11_msoa11_lad_lookup_england.csv.gz")
	names := sharedDataPath(b, "msoa_names_and_towns", "MSOA-Names-1.14_2011msoas_houseofcommonslibrary.csv")
	store := englandStore(b, b.TempDir())
	if _, err := store.IngestFiles(context.Background(), []string{lookup, names}, data.IngestOptions{}); err != nil {
		b.Fatalf("ingest the lookup and MSOA names: %v", err)
	}
	h := newTBServer(store, Config{}).Handler()
	start := time.Now()
	if rec := getTB(h, "/api/v1/search?q=Harlescott"); rec.Code != http.StatusOK {
		b.Fatalf("first search: %d %s", rec.Code, rec.Body)
	}
	b.Logf("search index built (and first query answered) in %v", time.Since(start).Round(time.Millisecond))
	for _, q := range []struct{ name, q string }{
		{"code", "E01028826"},
		{"area-name", "Shropshire 027A"},
		{"msoa-word", "Harlescott"},
		{"district", "Telford and Wrekin"},
		{"city-prefix", "Birm"},
		{"short-common", "st"},         // thousands of word prefixes
		{"every-code", "e0"},           // every area, MSOA and district code
		{"substring", "ingham"},        // few word starts, many substrings
		{"nothing", "qzx"},             // a full substring scan for nothing
		{"multi-word", "north shrews"}, // a word prefix of two words
	} {
		path := "/api/v1/search?limit=10&q=" + url.QueryEscape(q.q)
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec := getTB(h, path); rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
			}
		})
	}
}
