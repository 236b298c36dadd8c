package rollout

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"placeplan"
)

// chain is one fixed site and n others, one opening per phase, site k
// reaching 10 + n − k units of its own so that the planned order is s01,
// s02, … and strata pair neighbours. Each unit has a one-variable profile.
func chain(n int) Input {
	in := Input{ProfileNames: []string{"income"}}
	in.Sites = append(in.Sites, Site{ID: "s00"})
	for k := 1; k <= n; k++ {
		s := Site{ID: fmt.Sprintf("s%02d", k)}
		for range 10 + n - k {
			s.Covers = append(s.Covers, len(in.Units))
			in.Units = append(in.Units, Unit{Weight: 1, Population: 100, MostDeprived: k%3 == 0, Profile: []float64{float64(k)}})
		}
		in.Sites = append(in.Sites, s)
	}
	in.Fixed = []string{"s00"}
	for t := 0; t <= n; t++ {
		in.Phases = append(in.Phases, Phase{Start: day(2027, 1, 1).AddDate(0, 3*t, 0), MaxSites: 1})
	}
	return in
}

func mustSequence(t *testing.T, in Input) *Plan {
	t.Helper()
	pl, err := Sequence(in)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestRandomiseSameSeedSameDraw(t *testing.T) {
	in := chain(8)
	pl := mustSequence(t, in)
	a, err := Randomise(in, pl, RandomiseOptions{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Randomise(in, pl, RandomiseOptions{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Plan.Order, b.Plan.Order) || a.Verdict != b.Verdict || a.Plan.AUC != b.Plan.AUC {
		t.Errorf("seed 42 twice: %v and %v", a.Plan.Order, b.Plan.Order)
	}
}

func TestRandomiseDraws(t *testing.T) {
	in := chain(8)
	pl := mustSequence(t, in)
	if want := []string{"s00", "s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08"}; !slices.Equal(pl.Order, want) {
		t.Fatalf("planned order %v, want %v", pl.Order, want)
	}
	seen := map[string]int{}
	const draws = 400
	for seed := range uint64(draws) {
		ev, err := Randomise(in, pl, RandomiseOptions{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, in, ev.Plan)
		o := ev.Plan.Order
		if o[0] != "s00" || ev.Plan.Phases[0].Sites[0].ID != "s00" || !ev.Plan.Phases[0].Sites[0].Fixed {
			t.Fatalf("seed %d: fixed site moved: %v", seed, o)
		}
		// Each stratum keeps its pair of slots.
		for k := 1; k < len(o); k += 2 {
			pair := []string{o[k], o[k+1]}
			slices.Sort(pair)
			if want := []string{fmt.Sprintf("s%02d", k), fmt.Sprintf("s%02d", k+1)}; !slices.Equal(pair, want) {
				t.Fatalf("seed %d: slots %d–%d hold %v, want %v", seed, k, k+1, pair, want)
			}
		}
		if ev.Allocations != 16 || !ev.AllocationsExact || ev.MinPValue != 1.0/16 || ev.Plan.Solver != Randomised || ev.Plan.ProvenOptimal {
			t.Fatalf("seed %d: allocations %v (exact %v), p %v, solver %s", seed, ev.Allocations, ev.AllocationsExact, ev.MinPValue, ev.Plan.Solver)
		}
		if ev.AUCLoss < -1e-9 || math.Abs(pl.AUC-ev.Plan.AUC-ev.AUCLoss) > 1e-9*pl.AUC {
			t.Fatalf("seed %d: AUC loss %v, planned %v, randomised %v", seed, ev.AUCLoss, pl.AUC, ev.Plan.AUC)
		}
		seen[strings.Join(o, " ")]++
	}
	if len(seen) != 16 {
		t.Fatalf("%d distinct orders over %d seeds, want all 16", len(seen), draws)
	}
	for o, n := range seen {
		if n < draws/16/3 || n > draws/16*3 {
			t.Errorf("order %s drawn %d times of %d: not uniform", o, n, draws)
		}
	}
}

func TestRandomiseVerdict(t *testing.T) {
	in := shropshire()
	pl := mustSequence(t, in)
	ev, err := Randomise(in, pl, RandomiseOptions{Seed: 7, ClusterName: "teams", FinerUnits: 38, FinerUnitName: "neighbourhoods (MSOAs)"})
	if err != nil {
		t.Fatal(err)
	}
	want := "Too few units for a stepped-wedge evaluation: randomising the order of the 4 teams within 2 strata of similar need allows 4 distinct rollouts; " +
		"no randomisation test can reach p < 0.05 (the smallest attainable p is 0.25). " +
		"Randomise the order in which the 38 neighbourhoods (MSOAs) within the teams' reach join, instead of the 4 teams."
	if ev.Evaluable || ev.Verdict != want {
		t.Errorf("verdict\n got %q\nwant %q", ev.Verdict, want)
	}
	if got := [][]string{ev.Strata[0].Sites, ev.Strata[1].Sites}; !slices.Equal(got[0], []string{"North Shrewsbury", "Market Drayton"}) || !slices.Equal(got[1], []string{"Ludlow", "Whitchurch"}) {
		t.Errorf("strata %v", got)
	}

	// One stratum frozen by precedence, default finer units.
	in.Precedence = [][2]string{{"North Shrewsbury", "Market Drayton"}}
	pl = mustSequence(t, in)
	ev, err = Randomise(in, pl, RandomiseOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Strata[0].Allocations != 1 || ev.Strata[0].Note != "readiness, precedence or budget allow only the planned order" || ev.Allocations != 2 {
		t.Errorf("frozen stratum: %+v, allocations %v", ev.Strata[0], ev.Allocations)
	}
	want = "Too few units for a stepped-wedge evaluation: randomising the order of the 4 sites within 2 strata of similar need allows 2 distinct rollouts; " +
		"only 1 stratum can be randomised; no randomisation test can reach p < 0.05 (the smallest attainable p is 0.5). " +
		"Randomise the order in which the 8 small areas within the sites' reach join, instead of the 4 sites."
	if ev.Verdict != want {
		t.Errorf("verdict\n got %q\nwant %q", ev.Verdict, want)
	}

	// Ten sites in five strata allow 32 allocations: evaluable.
	in = chain(10)
	pl = mustSequence(t, in)
	ev, err = Randomise(in, pl, RandomiseOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Evaluable || ev.Allocations != 32 || !strings.HasPrefix(ev.Verdict, "Evaluable as a stepped wedge: randomising the order of the 10 sites within 5 strata of similar need allows 32 distinct rollouts, so a randomisation test can reach p = 0.031.") {
		t.Errorf("evaluable %v, allocations %v, verdict %q", ev.Evaluable, ev.Allocations, ev.Verdict)
	}
}

func TestRandomiseSameSlotsAndBudget(t *testing.T) {
	// s01 and s02 share phase 1: their stratum has one allocation.
	in := chain(4)
	in.Phases = in.Phases[:4]
	in.Phases[1].MaxSites = 2
	pl := mustSequence(t, in)
	ev, err := Randomise(in, pl, RandomiseOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Strata[0].Allocations != 1 || ev.Strata[0].Note != "all its sites open in the same phase: nothing to randomise" {
		t.Errorf("stratum 0 = %+v", ev.Strata[0])
	}

	// A budget that only the cheap site fits in the earlier slot.
	in = chain(4)
	in.Sites[1].Cost, in.Sites[2].Cost = 1, 5
	in.Phases[1].Budget = 2
	pl = mustSequence(t, in)
	ev, err = Randomise(in, pl, RandomiseOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Strata[0].Allocations != 1 || !slices.Equal(ev.Strata[0].Drawn, []string{"s01", "s02"}) {
		t.Errorf("budget-bound stratum = %+v", ev.Strata[0])
	}
}

func TestRandomiseManyStrataDrawsInTurn(t *testing.T) {
	in := chain(20)
	pl := mustSequence(t, in)
	ev, err := Randomise(in, pl, RandomiseOptions{Seed: 9, StratumSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, in, ev.Plan)
	if ev.AllocationsExact || ev.Allocations != math.Pow(24, 5) || len(ev.Strata) != 5 || !ev.Evaluable {
		t.Errorf("allocations %v (exact %v), %d strata, evaluable %v", ev.Allocations, ev.AllocationsExact, len(ev.Strata), ev.Evaluable)
	}
}

func TestRandomiseBalance(t *testing.T) {
	in := chain(4)
	pl := mustSequence(t, in)
	ev, err := Randomise(in, pl, RandomiseOptions{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Balance) != len(in.Phases) || ev.Balance[0].Units != 0 || !math.IsNaN(ev.Balance[0].MeanWeight) {
		t.Fatalf("balance %+v", ev.Balance)
	}
	for t1, row := range ev.Balance[1:] {
		ph := ev.Plan.Phases[t1+1]
		site := ph.Sites[0].ID
		var k int
		fmt.Sscanf(site, "s%02d", &k)
		if row.Sites != 1 || row.Units != 10+4-k || row.MeanWeight != 1 || row.Population != float64(100*row.Units) ||
			row.ProfileMeans[0] != float64(k) || row.MostDeprivedShare != map[bool]float64{true: 1, false: 0}[k%3 == 0] {
			t.Errorf("phase %d (%s): %+v", t1+1, site, row)
		}
	}
}

func TestRandomiseInvalid(t *testing.T) {
	in := chain(4)
	pl := mustSequence(t, in)
	other := mustSequence(t, shropshire())
	for _, tc := range []struct {
		name string
		plan *Plan
		opts RandomiseOptions
		want string
	}{
		{"stratum of one", pl, RandomiseOptions{StratumSize: 1}, "stratum size 1"},
		{"stratum too big", pl, RandomiseOptions{StratumSize: 9}, "stratum size 9"},
		{"no plan", nil, RandomiseOptions{}, "no plan"},
		{"plan of another input", other, RandomiseOptions{}, "the plan opens site"},
		{"negative finer units", pl, RandomiseOptions{FinerUnits: -1}, "FinerUnits -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Randomise(in, tc.plan, tc.opts)
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want EINVALID containing %q", err, tc.want)
			}
		})
	}
	// A plan broken by hand.
	bad := mustSequence(t, in)
	bad.Phases[1].Sites = append(bad.Phases[1].Sites, bad.Phases[2].Sites...)
	bad.Phases[2].Sites = nil
	if _, err := Randomise(in, bad, RandomiseOptions{}); placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), "the plan does not fit the input") {
		t.Errorf("broken plan: %v", err)
	}
}
