package data

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"

	"placeplan/data/internal/datatest"
)

// BenchmarkIngestEngland ingests the whole of England — IoD2019 (combined
// file) and the LSOA 2011 boundaries, 32,844 areas — into a new database on
// disk. Target (issue 2): under 10 s and under 1 GiB peak memory.
func BenchmarkIngestEngland(b *testing.B) {
	iod := datatest.SharedData(b, "iod2019_lsoa11/iod2019_lsoa11_england.csv.gz")
	bounds := datatest.SharedData(b, "lsoa2011_boundaries/lsoa2011_bgc_england_wgs84_6dp.geojson.gz")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ctx := context.Background()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "england.db"))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s.IngestFiles(ctx, []string{iod, bounds}, IngestOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Loaded) != 2 {
			b.Fatalf("loaded %v", rep.Loaded)
		}
		s.Close()
	}
	// Peak resident memory of the whole benchmark process (Linux: KiB).
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
}
