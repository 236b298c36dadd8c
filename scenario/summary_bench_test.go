package scenario

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"placeplan"
	"placeplan/data"
)

// englandIoD returns the national IoD2019 combined file and File 8 under
// ../shared/data, skipping the benchmark when they are absent.
func englandIoD(b *testing.B) IoDFiles {
	root := filepath.Join("..", "..", "shared", "data")
	f := IoDFiles{
		IoD:        filepath.Join(root, "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz"),
		Underlying: filepath.Join(root, "iod2019_underlying_indicators_lsoa11", "iod2019_underlying_indicators_lsoa11_england.csv.gz"),
	}
	for _, p := range []string{f.IoD, f.Underlying} {
		if _, err := os.Stat(p); err != nil {
			b.Skipf("national IoD file absent (national files live in ../shared/data and are not committed): %v", err)
		}
	}
	return f
}

// BenchmarkSummariseEngland is placeplan summarise on all 32,844 LSOAs of
// England: reading the combined IoD2019 file and File 8, then the summary
// measures by district (read), and the embedded default localities
// resolved over England's areas and summarised (localities); and the
// same files ingested, loaded back from the store and summarised by
// district (store), as GET /api/v1/summaries does.
func BenchmarkSummariseEngland(b *testing.B) {
	ctx := context.Background()
	files := englandIoD(b)
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ia, err := ReadIoDAreas(ctx, files)
			if err != nil {
				b.Fatal(err)
			}
			s, err := ia.Summarise(ByLAD, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Groups) != 317 {
				b.Fatalf("%d districts, want 317", len(s.Groups))
			}
		}
	})
	b.Run("localities", func(b *testing.B) {
		ia, err := ReadIoDAreas(ctx, files)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			defs, err := data.DefaultLocalities()
			if err != nil {
				b.Fatal(err)
			}
			locs, _, err := ia.ResolveLocalities(defs)
			if err != nil {
				b.Fatal(err)
			}
			s, err := ia.Summarise(ByLocality, locs)
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Groups) != 21 {
				b.Fatalf("%d localities, want 21", len(s.Groups))
			}
		}
	})
	b.Run("store", func(b *testing.B) {
		st, err := data.Open(ctx, filepath.Join(b.TempDir(), "england.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		if _, err := st.IngestFiles(ctx, []string{files.IoD, files.Underlying}, data.IngestOptions{}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s, err := SummariseStore(ctx, st, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLAD})
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Groups) != 317 {
				b.Fatalf("%d districts, want 317", len(s.Groups))
			}
		}
	})
}
