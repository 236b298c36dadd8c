package scenario

import (
	"context"
	"testing"

	"placeplan/scoring/siting"
)

// BenchmarkShropshireExact times the exact selection of the five-team
// scenario: the 193-area, 18-hub network within 20 minutes and MCLP with
// Oswestry fixed, solved by exhaustive search (issue 4 target: under 1 s).
func BenchmarkShropshireExact(b *testing.B) {
	ctx := context.Background()
	st, err := defaultStore()
	if err != nil {
		b.Fatal(err)
	}
	sc, err := ReadFile("defaults/shropshire-five-teams.yaml")
	if err != nil {
		b.Fatal(err)
	}
	score, err := Score(ctx, st, sc)
	if err != nil {
		b.Fatal(err)
	}
	pb, err := newPlanBuilder(ctx, st, sc, score)
	if err != nil {
		b.Fatal(err)
	}
	cands, err := pb.candidates(ctx)
	if err != nil {
		b.Fatal(err)
	}
	w := make([]float64, len(pb.demand))
	for i, d := range pb.demand {
		w[i] = d.Weight
	}
	b.ReportAllocs()
	b.ResetTimer()
	var r *siting.Result
	for b.Loop() {
		net, err := pb.network(cands, w, sc.Sites.StandardMinutes)
		if err != nil {
			b.Fatal(err)
		}
		if r, err = siting.MCLP(ctx, net, siting.Problem{P: 5, Fixed: []string{"Oswestry"}, Solver: siting.Exhaustive}); err != nil {
			b.Fatal(err)
		}
	}
	if !r.ProvenOptimal {
		b.Fatalf("not proven: %+v", r)
	}
}

// BenchmarkPlanShropshire times the whole five-team plan on the embedded
// default data: scoring with 1,000 uncertainty draws, selection, rollout,
// stepped wedge, comparison areas and 200 + 3 re-runs for stability.
func BenchmarkPlanShropshire(b *testing.B) {
	st, err := defaultStore()
	if err != nil {
		b.Fatal(err)
	}
	sc, err := ReadFile("defaults/shropshire-five-teams.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Plan(context.Background(), st, sc); err != nil {
			b.Fatal(err)
		}
	}
}
