package data

import (
	"context"
	"testing"
)

// BenchmarkIngestDefault loads the embedded default dataset (Shropshire,
// Telford and Wrekin, Oxfordshire: 742 LSOA 2011 and 2021 areas, their
// IoD files, boundaries, lookups, names, centroids, towns and localities)
// into a new in-memory database, as `placeplan serve` does at start.
func BenchmarkIngestDefault(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s, err := Open(ctx, ":memory:")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := LoadDefault(ctx, s); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
