package rollout

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchInput is nu units and ns sites scattered over a unit square, each
// site reaching the units within radius, over np phases of three months
// with room for ns sites in all, a budget, readiness and a little
// precedence. Seeded.
func benchInput(nu, ns, np int, radius float64) Input {
	rng := rand.New(rand.NewPCG(2026, uint64(ns)))
	type pt struct{ x, y float64 }
	ups := make([]pt, nu)
	in := Input{ProfileNames: []string{"income", "employment", "education"}}
	for i := range ups {
		ups[i] = pt{rng.Float64(), rng.Float64()}
		in.Units = append(in.Units, Unit{
			ID: fmt.Sprintf("E0100%04d", i), Weight: 1 + 9*rng.Float64(), Population: float64(200 + rng.IntN(800)),
			MostDeprived: rng.IntN(10) == 0, Profile: []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()},
		})
	}
	perPhase := (ns + np - 1) / np
	for j := range ns {
		c := pt{rng.Float64(), rng.Float64()}
		s := Site{ID: fmt.Sprintf("site%02d", j), Cost: float64(1 + rng.IntN(3)), EarliestPhase: rng.IntN(max(1, np/3))}
		for i, u := range ups {
			if dx, dy := u.x-c.x, u.y-c.y; dx*dx+dy*dy <= radius*radius {
				s.Covers = append(s.Covers, i)
			}
		}
		in.Sites = append(in.Sites, s)
	}
	for t := range np {
		in.Phases = append(in.Phases, Phase{Start: day(2027, 1, 1).AddDate(0, 3*t, 0), MaxSites: perPhase + 1, Budget: float64(3 * (perPhase + 1))})
	}
	in.Precedence = [][2]string{{"site01", "site02"}}
	return in
}

func benchmarkSequence(b *testing.B, in Input) {
	b.ReportAllocs()
	var pl *Plan
	for b.Loop() {
		var err error
		if pl, err = Sequence(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*pl.AUCShare, "auc%")
	b.Logf("%s, proven %v, AUC %.4g (bound %.4g)", pl.Solver, pl.ProvenOptimal, pl.AUC, pl.AUCBound)
}

// BenchmarkSequenceGreedy30x6000x10 is 30 sites, 6,000 units, 10 phases:
// the greedy+exchange path.
func BenchmarkSequenceGreedy30x6000x10(b *testing.B) {
	benchmarkSequence(b, benchInput(6000, 30, 10, 0.15))
}

// BenchmarkSequenceExact10 is 10 sites over 5 phases of two each.
func BenchmarkSequenceExact10(b *testing.B) {
	benchmarkSequence(b, benchInput(2000, 10, 5, 0.2))
}

// BenchmarkSequenceExact16 is 16 sites over 4 phases of up to five each,
// Auto's largest exact instance by default.
func BenchmarkSequenceExact16(b *testing.B) {
	benchmarkSequence(b, benchInput(2000, 16, 4, 0.2))
}

func BenchmarkRandomise(b *testing.B) {
	in := benchInput(6000, 30, 10, 0.15)
	pl, err := Sequence(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Randomise(in, pl, RandomiseOptions{Seed: 1, StratumSize: 3}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComparisonAreas(b *testing.B) {
	in := benchInput(6000, 30, 10, 0.05)
	pl, err := Sequence(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComparisonAreas(in, pl, MatchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
