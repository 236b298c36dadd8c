package siting

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
)

// grid returns n points on a square grid of side km kilometres around
// Shrewsbury, with ids prefix0, prefix1, ….
func gridDemand(n int, km float64) []Demand {
	side := 1
	for side*side < n {
		side++
	}
	out := make([]Demand, n)
	for i := range out {
		x, y := float64(i%side)/float64(side), float64(i/side)/float64(side)
		out[i] = Demand{ID: fmt.Sprint("d", i), Point: orb.Point{-2.75 + x*km/68, 52.7 + y*km/111}, Weight: 1}
	}
	return out
}

func gridCandidates(n int, km float64) []Candidate {
	var out []Candidate
	for _, d := range gridDemand(n, km) {
		out = append(out, Candidate{ID: "c" + d.ID, Point: d.Point})
	}
	return out
}

// TestNetworkRefusesWhatWouldNotFit: a problem with more pairs within the
// standard than MaxArcs is refused with EUNSUPPORTED naming both numbers —
// before it is built when a sample shows it, and as soon as the build
// passes the limit when the sample missed it — and one within the limit is
// built whole.
func TestNetworkRefusesWhatWouldNotFit(t *testing.T) {
	opts := CostOptions{StandardKm: 1e6, MaxArcs: 1_000_000} // every pair is within the standard
	_, err := BuildNetwork(gridDemand(100_000, 200), gridCandidates(10_000, 200), opts)
	if placeplan.ErrorCode(err) != placeplan.EUNSUPPORTED {
		t.Fatalf("100,000 × 10,000 everywhere in reach: %v, want EUNSUPPORTED", err)
	}
	if d := placeplan.ErrorDetails(err); d["max_pairs"] != 1_000_000 || d["pairs"].(int) < 900_000_000 {
		t.Errorf("details %v, want the limit and about a billion pairs", d)
	}

	// A 5 km standard over 200 km: about 100,000 × 10,000 × π·3.8²/200² ≈ 11 million pairs.
	opts.StandardKm = 5
	if _, err := BuildNetwork(gridDemand(100_000, 200), gridCandidates(10_000, 200), opts); placeplan.ErrorCode(err) != placeplan.EUNSUPPORTED {
		t.Errorf("11 million pairs against a limit of 1 million: %v", err)
	}
	opts.MaxArcs = 20_000_000
	n, err := BuildNetwork(gridDemand(20_000, 200), gridCandidates(2_000, 200), opts)
	if err != nil {
		t.Fatalf("within the limit: %v", err)
	}
	if n.Pairs() == 0 {
		t.Error("an empty network")
	}

	// Clustered so that the sample (every other point here) sees none of
	// the pairs: the build stops at the limit instead.
	cands := gridCandidates(400, 2)
	demands := make([]Demand, 1024)
	for i := range demands {
		p := orb.Point{10, 60} // far from every candidate
		if i%2 == 1 {
			p = cands[i%len(cands)].Point
		}
		demands[i] = Demand{ID: fmt.Sprint("d", i), Point: p, Weight: 1}
	}
	_, err = BuildNetwork(demands, cands, CostOptions{StandardKm: 10, MaxArcs: 50_000})
	if placeplan.ErrorCode(err) != placeplan.EUNSUPPORTED {
		t.Errorf("a cluster the sample missed: %v, want EUNSUPPORTED", err)
	}
}

// BenchmarkRefuseTooLarge times refusing issue 15's request: 100,000
// demand points × 10,000 candidates, all within the standard (target:
// well under 100 ms).
func BenchmarkRefuseTooLarge(b *testing.B) {
	d, c := gridDemand(100_000, 200), gridCandidates(10_000, 200)
	for _, km := range []float64{1e6, 30} {
		b.Run(fmt.Sprintf("standard-%gkm", km), func(b *testing.B) {
			for b.Loop() {
				if _, err := BuildNetwork(d, c, CostOptions{StandardKm: km}); placeplan.ErrorCode(err) != placeplan.EUNSUPPORTED {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOverflowingInputsAreRefused: weights or standards so large that the
// weighted travel would overflow to +Inf are refused, naming what.
func TestOverflowingInputsAreRefused(t *testing.T) {
	d, c := gridDemand(4, 10), gridCandidates(2, 10)
	huge := append([]Demand(nil), d...)
	huge[1].Weight, huge[2].Weight = 1e308, 1e308
	for name, tc := range map[string]struct {
		demands []Demand
		opts    CostOptions
		want    string
	}{
		"weights":          {huge, CostOptions{StandardKm: 10}, "demand weights add up to"},
		"a standard":       {d, CostOptions{StandardKm: 1e308}, "service standard 1e+308 km: at most 1e+07"},
		"minutes":          {d, CostOptions{StandardMinutes: 1e300, SpeedKmh: 40}, "service standard 1e+300 minutes"},
		"every pair is ok": {d, CostOptions{StandardKm: math.Inf(1)}, ""},
	} {
		_, err := BuildNetwork(tc.demands, c, tc.opts)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want != "" && (placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want EINVALID saying %q", name, err, tc.want)
		}
	}
	rows := []ODRow{{OriginID: d[0].ID, DestinationID: c[0].ID, Cost: 1e300}}
	if _, err := NetworkFromMatrix(d, c, rows, MatrixOptions{Unit: Minutes, Standard: math.Inf(1)}); placeplan.ErrorCode(err) != placeplan.EINVALID ||
		!strings.Contains(err.Error(), "matrix row 1") {
		t.Errorf("a matrix cost of 1e300: %v", err)
	}
}
