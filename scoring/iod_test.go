package scoring

import (
	"compress/gzip"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestExponentialTransformEnds(t *testing.T) {
	cases := []struct {
		name    string
		rank, n int
		want    float64
	}{
		{"most deprived is 100", 1, 32844, 100},
		{"least deprived is near 0", 32844, 32844, -23 * math.Log(1-(1-math.Exp(-100.0/23))/32844)},
		{"a single area", 1, 1, 100},
	}
	for _, c := range cases {
		got, err := ExponentialTransform(c.rank, c.n)
		if err != nil || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: ExponentialTransform(%d, %d) = %v, %v; want %v", c.name, c.rank, c.n, got, err, c.want)
		}
	}
	for _, bad := range [][2]int{{0, 10}, {11, 10}, {1, 0}} {
		if _, err := ExponentialTransform(bad[0], bad[1]); err == nil {
			t.Errorf("rank %d of %d: no error", bad[0], bad[1])
		}
	}
}

// TestExponentialTransformMatchesFile9 checks the transformation against
// MHCLG's published transformed domain scores (IoD2019 File 9) for every
// LSOA in England, using the published domain ranks (File 2).
func TestExponentialTransformMatchesFile9(t *testing.T) {
	p := filepath.Join("..", "..", "shared", "data", "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz")
	f, err := os.Open(p)
	if err != nil {
		t.Skipf("national IoD2019 file %s is absent: %v", p, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	n := len(rows) - 1
	if n != 32844 {
		t.Fatalf("%d rows, want 32844", n)
	}
	// Published ranks share a value where scores tie at published
	// precision; MHCLG transformed the untied ranks, so a tied LSOA's
	// transformed score lies between those of the first and last rank its
	// tie spans. File 9 publishes 3 decimal places.
	worst, tied := 0.0, 0
	for d := range IoDDomainWeights() {
		count := map[int]int{}
		for _, r := range rows[1:] {
			rank, _ := strconv.Atoi(r[col[d+"_rank"]])
			count[rank]++
		}
		for _, r := range rows[1:] {
			rank, _ := strconv.Atoi(r[col[d+"_rank"]])
			want, _ := strconv.ParseFloat(r[col[d+"_exp"]], 64)
			hi, err := ExponentialTransform(rank, n)
			if err != nil {
				t.Fatal(err)
			}
			lo, _ := ExponentialTransform(rank+count[rank]-1, n)
			if count[rank] > 1 {
				tied++
				if want < lo-0.0005 || want > hi+0.0005 {
					t.Errorf("%s rank %d (tied %d ways): published %v outside [%v, %v]", d, rank, count[rank], want, lo, hi)
				}
				continue
			}
			worst = math.Max(worst, math.Abs(hi-want))
		}
	}
	if worst > 0.001 {
		t.Errorf("largest difference from File 9 on untied ranks: %v, want ≤ 0.001 (one unit of the published 3 decimals)", worst)
	}
	t.Logf("largest difference from File 9 over 7 domains × %d LSOAs: %.6f (%d tied ranks checked by interval)", n, worst, tied)
}

// The published weights (22.5, 22.5, 13.5, 13.5, 9.3, 9.3, 9.3 %) sum to
// 99.9 %: they are rounded, and are kept exactly as published.
func TestIoDDomainWeightsArePublished(t *testing.T) {
	sum := 0.0
	for _, w := range IoDDomainWeights() {
		sum += w
	}
	if len(IoDDomainWeights()) != 7 || math.Abs(sum-0.999) > 1e-12 {
		t.Errorf("%d weights summing to %v, want 7 summing to 0.999", len(IoDDomainWeights()), sum)
	}
}
