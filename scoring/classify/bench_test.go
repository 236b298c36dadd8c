package classify

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// englandIMDPath is the IoD2019 file of all 32,844 LSOAs in England, in the
// shared data directory beside the module.
var englandIMDPath = filepath.Join("..", "..", "..", "shared", "data", "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz")

// englandIMDScores reads the IMD 2019 score of every LSOA in England, or
// skips when the shared data is absent. The score column is found by name:
// the official "Index of Multiple Deprivation (IMD) Score" or the shared
// file's "imd_score".
func englandIMDScores(tb testing.TB) []float64 {
	tb.Helper()
	f, err := os.Open(englandIMDPath)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("shared data %s is absent; skipping the England benchmark (the synthetic one always runs)", englandIMDPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(zr)
	header, err := r.Read()
	if err != nil {
		tb.Fatal(err)
	}
	col := slices.IndexFunc(header, func(h string) bool {
		return h == "Index of Multiple Deprivation (IMD) Score" || h == "imd_score"
	})
	if col < 0 {
		tb.Fatalf("%s: no IMD score column in %v", englandIMDPath, header)
	}
	var scores []float64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		v, err := strconv.ParseFloat(rec[col], 64)
		if err != nil {
			tb.Fatalf("%s line %d: %v", englandIMDPath, len(scores)+2, err)
		}
		scores = append(scores, v)
	}
	return scores
}

// syntheticScores returns n seeded values shaped like deprivation scores:
// right-skewed, positive, rounded to 3 decimal places.
func syntheticScores(n int) []float64 {
	r := rand.New(rand.NewPCG(2019, 32844))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = math.Round(math.Exp(2.8+0.6*r.NormFloat64())*1000) / 1000
	}
	return xs
}

func TestJenksEnglandIMD(t *testing.T) {
	scores := englandIMDScores(t)
	if len(scores) != 32844 {
		t.Fatalf("%d scores, want 32,844", len(scores))
	}
	for _, k := range []int{5, 10} {
		c, err := Breaks(scores, Jenks, k)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, scores, c)
		q, _ := Breaks(scores, Quantile, k)
		e, _ := Breaks(scores, EqualInterval, k)
		if c.GVF < q.GVF || c.GVF < e.GVF {
			t.Errorf("k=%d: jenks GVF %v below quantile %v or equal %v", k, c.GVF, q.GVF, e.GVF)
		}
		t.Logf("k=%d jenks breaks %v counts %v GVF %.4f", k, c.Breaks, c.Counts, c.GVF)
	}
}

func benchmarkBreaks(b *testing.B, values []float64, m Method, k int) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Breaks(values, m, k); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJenksEngland classifies the IMD 2019 scores of England's 32,844
// LSOAs.
func BenchmarkJenksEngland(b *testing.B) {
	scores := englandIMDScores(b)
	for _, k := range []int{5, 10} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) { benchmarkBreaks(b, scores, Jenks, k) })
	}
}

// BenchmarkJenksSynthetic classifies 32,844 seeded synthetic scores; it
// always runs.
func BenchmarkJenksSynthetic(b *testing.B) {
	scores := syntheticScores(32844)
	for _, k := range []int{5, 10, 12} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) { benchmarkBreaks(b, scores, Jenks, k) })
	}
}

// BenchmarkBreaks times the other methods on the synthetic scores.
func BenchmarkBreaks(b *testing.B) {
	scores := syntheticScores(32844)
	for _, m := range []Method{Quantile, EqualInterval, StdDev} {
		b.Run(string(m), func(b *testing.B) { benchmarkBreaks(b, scores, m, 7) })
	}
}
