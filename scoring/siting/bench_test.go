package siting

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// englandInstance is 32,844 demand points (one per LSOA 2011) and 6,800
// candidate sites, uniform over England's bounding box, seeded.
func englandInstance() ([]Demand, []Candidate) {
	rng := rand.New(rand.NewPCG(2019, 32844))
	pt := func() orb.Point { return orb.Point{-5.7 + 7.5*rng.Float64(), 50.0 + 5.8*rng.Float64()} }
	d := make([]Demand, 32844)
	for i := range d {
		d[i] = Demand{ID: fmt.Sprintf("E%08d", i), Point: pt(), Weight: float64(1000 + rng.IntN(2000))}
	}
	c := make([]Candidate, 6800)
	for j := range c {
		c[j] = Candidate{ID: fmt.Sprintf("S%05d", j), Point: pt(), Capacity: math.NaN()}
	}
	return d, c
}

func BenchmarkBuildNetworkEngland(b *testing.B) {
	d, c := englandInstance()
	b.ReportAllocs()
	b.ResetTimer()
	var n *Network
	for b.Loop() {
		var err error
		if n, err = BuildNetwork(d, c, CostOptions{StandardKm: 10}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n.Pairs()), "pairs")
}

func BenchmarkMCLPEngland(b *testing.B) {
	d, c := englandInstance()
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var r *Result
	for b.Loop() {
		if r, err = MCLP(context.Background(), n, Problem{P: 50}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.Objective, "covered")
	b.ReportMetric(r.UpperBound, "bound")
	b.ReportMetric(100*r.Gap, "gap%")
	b.Logf("solver %s, covered %.0f of %.0f, bound %.0f, gap %.4f%%, proven %v", r.Solver, r.Objective, r.TotalWeight, r.UpperBound, 100*r.Gap, r.ProvenOptimal)
}

func BenchmarkPMedianEngland(b *testing.B) {
	d, c := englandInstance()
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var r *Result
	for b.Loop() {
		if r, err = PMedian(context.Background(), n, Problem{P: 50}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.Objective, "cost")
	b.ReportMetric(r.LowerBound, "bound")
	b.ReportMetric(100*r.Gap, "gap%")
	b.Logf("solver %s, cost %.0f, bound %.0f, gap %.4f%%", r.Solver, r.Objective, r.LowerBound, 100*r.Gap)
}

// clusteredEngland is the same size as englandInstance but with 70 % of
// demand and candidates in 60 Gaussian "towns" (σ ≈ 0.12°), so coverage
// areas overlap and the problem is harder than with uniform points.
func clusteredEngland() ([]Demand, []Candidate) {
	rng := rand.New(rand.NewPCG(2025, 6800))
	type town struct{ lon, lat float64 }
	towns := make([]town, 60)
	for t := range towns {
		towns[t] = town{-5.0 + 6.5*rng.Float64(), 50.4 + 5.0*rng.Float64()}
	}
	pt := func() orb.Point {
		if rng.Float64() < 0.7 {
			t := towns[rng.IntN(len(towns))]
			return orb.Point{t.lon + 0.12*rng.NormFloat64(), t.lat + 0.08*rng.NormFloat64()}
		}
		return orb.Point{-5.7 + 7.5*rng.Float64(), 50.0 + 5.8*rng.Float64()}
	}
	d := make([]Demand, 32844)
	for i := range d {
		d[i] = Demand{ID: fmt.Sprintf("E%08d", i), Point: pt(), Weight: float64(1000 + rng.IntN(2000))}
	}
	c := make([]Candidate, 6800)
	for j := range c {
		c[j] = Candidate{ID: fmt.Sprintf("S%05d", j), Point: pt(), Capacity: math.NaN()}
	}
	return d, c
}

func BenchmarkMCLPEnglandClustered(b *testing.B) {
	d, c := clusteredEngland()
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []int{50, 200} {
		b.Run(fmt.Sprintf("p=%d", p), func(b *testing.B) {
			b.ReportAllocs()
			var r *Result
			for b.Loop() {
				if r, err = MCLP(context.Background(), n, Problem{P: p}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(r.Objective, "covered")
			b.ReportMetric(r.UpperBound, "bound")
			b.ReportMetric(100*r.Gap, "gap%")
			b.Logf("pairs %d, solver %s, covered %.0f of %.0f, bound %.0f, gap %.4f%%, proven %v", n.Pairs(), r.Solver, r.Objective, r.TotalWeight, r.UpperBound, 100*r.Gap, r.ProvenOptimal)
		})
	}
}

func BenchmarkPMedianEnglandClustered(b *testing.B) {
	d, c := clusteredEngland()
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var r *Result
	for b.Loop() {
		if r, err = PMedian(context.Background(), n, Problem{P: 200}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.Objective, "cost")
	b.ReportMetric(r.LowerBound, "bound")
	b.ReportMetric(100*r.Gap, "gap%")
	b.Logf("solver %s, cost %.0f, bound %.0f, gap %.4f%%", r.Solver, r.Objective, r.LowerBound, 100*r.Gap)
}

// capacitate gives every site a seeded capacity of 20,000–60,000: a site
// reaches about 60,000 weight of uniform demand within 10 km, so most
// capacities bind.
func capacitate(c []Candidate) {
	rng := rand.New(rand.NewPCG(1, 2))
	for j := range c {
		c[j].Capacity = float64(20000 + rng.IntN(40000))
	}
}

func benchCapacitated(b *testing.B, n *Network, pr Problem) {
	b.ReportAllocs()
	var r *Result
	var err error
	for b.Loop() {
		if r, err = CapacitatedMCLP(context.Background(), n, pr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.Objective, "served")
	b.ReportMetric(r.UpperBound, "bound")
	b.ReportMetric(100*r.Gap, "gap%")
	b.Logf("pairs %d, solver %s, served %.0f of %.0f, bound %.0f, gap %.4f%%, proven %v", n.Pairs(), r.Solver, r.Objective, r.TotalWeight, r.UpperBound, 100*r.Gap, r.ProvenOptimal)
}

func BenchmarkCapacitatedMCLPEngland(b *testing.B) {
	d, c := englandInstance()
	capacitate(c)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []int{50, 200} {
		b.Run(fmt.Sprintf("p=%d", p), func(b *testing.B) { benchCapacitated(b, n, Problem{P: p}) })
	}
}

func BenchmarkCapacitatedMCLPEnglandClustered(b *testing.B) {
	d, c := clusteredEngland()
	capacitate(c)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		b.Fatal(err)
	}
	benchCapacitated(b, n, Problem{P: 50})
}

// countyInstance is a county-sized instance: 2,000 demand points and 120
// candidate sites (capacities 400–800) over 0.8° × 0.6°, seeded.
func countyInstance() ([]Demand, []Candidate) {
	rng := rand.New(rand.NewPCG(5, 5))
	pt := func() orb.Point { return orb.Point{-1.6 + 0.8*rng.Float64(), 51.5 + 0.6*rng.Float64()} }
	d := make([]Demand, 2000)
	for i := range d {
		d[i] = Demand{ID: fmt.Sprintf("d%05d", i), Point: pt(), Weight: float64(1 + rng.IntN(20))}
	}
	c := make([]Candidate, 120)
	for j := range c {
		c[j] = Candidate{ID: fmt.Sprintf("s%04d", j), Point: pt(), Capacity: float64(400 + rng.IntN(400))}
	}
	return d, c
}

// BenchmarkCapacitatedMCLPCounty is the county instance within 8 km, which
// Auto solves exactly by branch and bound.
func BenchmarkCapacitatedMCLPCounty(b *testing.B) {
	d, c := countyInstance()
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 8})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range []Solver{Auto, GreedySwap} {
		name := string(s)
		if s == Auto {
			name = "auto"
		}
		b.Run(name+"/p=10", func(b *testing.B) { benchCapacitated(b, n, Problem{P: 10, Solver: s}) })
	}
}

// BenchmarkBranchAndBoundCounty times the uncapacitated branch and bound
// itself (Auto would prove these by the Lagrangian bound and skip it): MCLP
// and p-median on the county instance within 8 km, p = 10, to optimality.
func BenchmarkBranchAndBoundCounty(b *testing.B) {
	d, c := countyInstance()
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 8})
	if err != nil {
		b.Fatal(err)
	}
	for _, model := range []struct {
		name  string
		solve func(context.Context, *Network, Problem) (*Result, error)
	}{{"mclp", MCLP}, {"pmedian", PMedian}} {
		b.Run(model.name+"/p=10", func(b *testing.B) {
			b.ReportAllocs()
			var r *Result
			for b.Loop() {
				if r, err = model.solve(context.Background(), n, Problem{P: 10, Solver: BranchAndBound}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(r.Objective, "objective")
			b.ReportMetric(100*r.Gap, "gap%")
			b.Logf("solver %s, objective %.0f, gap %.4f%%, proven %v", r.Solver, r.Objective, 100*r.Gap, r.ProvenOptimal)
		})
	}
}
