package rollout

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"placeplan"
)

// matchInput has one profile variable: site A reaches units 0 (x = 0) and
// 1 (x = 10) in the first phase, site B unit 2 (x = 5) in the second; units
// 3, 4 and 5 (x = 1, 9, 20) are never reached.
func matchInput() Input {
	xs := []float64{0, 10, 5, 1, 9, 20}
	in := Input{ProfileNames: []string{"income"}}
	for _, x := range xs {
		in.Units = append(in.Units, Unit{Weight: 1, Population: 10, Profile: []float64{x}})
	}
	in.Units[0].Weight = 5 // A before B
	in.Sites = []Site{{ID: "A", Covers: []int{0, 1}}, {ID: "B", Covers: []int{2}}}
	in.Phases = []Phase{{Start: day(2027, 1, 1), MaxSites: 1}, {Start: day(2027, 7, 1), MaxSites: 1}}
	return in
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComparisonAreasHandBuilt(t *testing.T) {
	in := matchInput()
	pl := mustSequence(t, in)
	cs, err := ComparisonAreas(in, pl, MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Phase 1: pool {0, 10, 5, 1, 9, 20}, SD √53.9.
	sdPool := math.Sqrt(53.9)
	c := cs[0]
	if !slices.Equal(c.Treated, []int{0, 1}) || c.Controls != 4 || c.Metric != Mahalanobis {
		t.Fatalf("phase 1: treated %v, %d controls, %s", c.Treated, c.Controls, c.Metric)
	}
	if want := []Match{{0, 3, 1 / sdPool}, {1, 4, 1 / sdPool}}; len(c.Pairs) != 2 ||
		c.Pairs[0].Treated != 0 || c.Pairs[0].Control != 3 || !near(c.Pairs[0].Distance, want[0].Distance) ||
		c.Pairs[1].Treated != 1 || c.Pairs[1].Control != 4 || !near(c.Pairs[1].Distance, want[1].Distance) {
		t.Errorf("phase 1 pairs %+v, want %+v", c.Pairs, want)
	}
	// Treated mean 5, variance 50; controls {5, 1, 9, 20} mean 8.75,
	// variance 200.75/3. Matched controls {1, 9}: mean 5.
	sd := math.Sqrt((50 + 200.75/3) / 2)
	if s := c.Balance[0]; s.Name != "income" || !near(s.Before, (5-8.75)/sd) || !near(s.After, 0) || s.BalancedBefore || !s.BalancedAfter || !c.Balanced {
		t.Errorf("phase 1 balance %+v, want before %v, after 0", s, (5-8.75)/sd)
	}
	if len(c.Unmatched) != 0 {
		t.Errorf("phase 1 unmatched %v", c.Unmatched)
	}

	// Phase 2: unit 2 (x = 5) is as near to unit 3 (x = 1) as to unit 4
	// (x = 9): the smaller index wins.
	c = cs[1]
	if !slices.Equal(c.Treated, []int{2}) || c.Controls != 3 || len(c.Pairs) != 1 || c.Pairs[0].Control != 3 {
		t.Fatalf("phase 2: %+v", c)
	}
	sd = math.Sqrt((0 + 91.0) / 2)
	if s := c.Balance[0]; !near(s.Before, -5/sd) || !near(s.After, 4/sd) || s.BalancedAfter || c.Balanced {
		t.Errorf("phase 2 balance %+v, want before %v, after %v", s, -5/sd, 4/sd)
	}
	if want := "Phase 2 (1 Jul 2027): 1 of 1 newly reached unit matched to 1 of 3 not yet reached, by Mahalanobis distance; after matching 0 of 1 profile variables balanced (|SMD| < 0.1), worst income 0.59 (-0.74 before)."; c.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", c.Summary, want)
	}
}

func TestComparisonAreasOptions(t *testing.T) {
	in := matchInput()
	pl := mustSequence(t, in)

	// Two controls each: the second round gives unit 0 unit 2 (distance 5)
	// before unit 1 can take it, so unit 1 gets unit 5.
	cs, err := ComparisonAreas(in, pl, MatchOptions{PerTreated: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]int
	for _, m := range cs[0].Pairs {
		got = append(got, [2]int{m.Treated, m.Control})
	}
	if want := [][2]int{{0, 3}, {0, 2}, {1, 4}, {1, 5}}; !slices.Equal(got, want) {
		t.Errorf("pairs %v, want %v", got, want)
	}
	// Controls weighted ½ each: (1 + 5)/2 = 3 and (9 + 20)/2 = 14.5 → 8.75.
	sd := math.Sqrt((50 + 200.75/3) / 2)
	if s := cs[0].Balance[0]; !near(s.After, (5-8.75)/sd) {
		t.Errorf("after %v, want %v", s.After, (5-8.75)/sd)
	}

	// A caliper tighter than every distance leaves all unmatched.
	cs, err = ComparisonAreas(in, pl, MatchOptions{Caliper: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs[0].Pairs) != 0 || !slices.Equal(cs[0].Unmatched, []int{0, 1}) || !math.IsNaN(cs[0].Balance[0].After) ||
		!strings.HasSuffix(cs[0].Summary, "; 2 unmatched; none within the caliper.") {
		t.Errorf("caliper 0.1: %+v", cs[0])
	}
}

func TestComparisonAreasNoControlsLeft(t *testing.T) {
	in := matchInput()
	in.Sites[1].Covers = []int{2, 3, 4, 5}
	pl := mustSequence(t, in)
	cs, err := ComparisonAreas(in, pl, MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := cs[1]
	if c.Controls != 0 || len(c.Pairs) != 0 || len(c.Unmatched) != 4 ||
		!strings.Contains(c.Summary, "no comparison areas left: every unit is reached by the end of this phase") {
		t.Errorf("last phase: %+v", c)
	}
}

func TestComparisonAreasMetric(t *testing.T) {
	// Two strongly correlated variables. Treated unit 0 at (0, 0) is
	// Euclidean-nearest to unit 2 at (1, −1), against the correlation, but
	// Mahalanobis-nearest to unit 3 at (1.5, 1.5), along it.
	in := Input{ProfileNames: []string{"income", "employment"}}
	pts := [][]float64{{0, 0}, {4, 4.2}, {1, -1}, {1.5, 1.5}, {-3, -3.1}, {3, 2.9}, {-2, -2.2}, {5, 5.1}, {-4, -3.8}}
	for _, x := range pts {
		in.Units = append(in.Units, Unit{Weight: 1, Profile: x})
	}
	in.Units[0].Weight = 2
	in.Sites = []Site{{ID: "A", Covers: []int{0}}, {ID: "B", Covers: []int{1}}}
	in.Phases = []Phase{{Start: day(2027, 1, 1), MaxSites: 1}, {Start: day(2027, 7, 1), MaxSites: 1}}
	pl := mustSequence(t, in)
	cs, err := ComparisonAreas(in, pl, MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := cs[0]; c.Metric != Mahalanobis || len(c.Pairs) != 1 || c.Pairs[0].Control != 3 {
		t.Errorf("correlated profile: %s pairs %+v, want Mahalanobis to unit 3", c.Metric, c.Pairs)
	}

	// Perfectly collinear: the covariance is singular.
	for i := range in.Units {
		in.Units[i].Profile[1] = 2 * in.Units[i].Profile[0]
	}
	cs, err = ComparisonAreas(in, pl, MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := cs[0]; c.Metric != StandardisedEuclidean || len(c.Pairs) != 1 || c.Pairs[0].Control != 2 && c.Pairs[0].Control != 3 {
		t.Errorf("collinear profile: %s pairs %+v", c.Metric, c.Pairs)
	}
	if !strings.Contains(cs[0].Summary, "by standardised Euclidean distance") {
		t.Errorf("summary %q", cs[0].Summary)
	}
}

func TestComparisonAreasInvalid(t *testing.T) {
	in := matchInput()
	pl := mustSequence(t, in)
	noProfile := matchInput()
	noProfile.ProfileNames = nil
	for i := range noProfile.Units {
		noProfile.Units[i].Profile = nil
	}
	for _, tc := range []struct {
		name string
		in   Input
		opts MatchOptions
		want string
	}{
		{"no profile", noProfile, MatchOptions{}, "no Profile to match on"},
		{"negative caliper", in, MatchOptions{Caliper: -1}, "caliper -1"},
		{"negative per treated", in, MatchOptions{PerTreated: -2}, "PerTreated -2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ComparisonAreas(tc.in, pl, tc.opts)
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want EINVALID containing %q", err, tc.want)
			}
		})
	}
}

// TestMatchingIsGlobalGreedy checks the lazy matching against the plain
// definition: sort every pair by distance, then take pairs in order.
func TestMatchingIsGlobalGreedy(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 3))
		in := Input{ProfileNames: []string{"a", "b"}}
		for range 60 {
			// Coarse values make exact ties common.
			in.Units = append(in.Units, Unit{Weight: float64(rng.IntN(5)), Profile: []float64{float64(rng.IntN(5)), float64(rng.IntN(4))}})
		}
		for j := range 4 {
			s := Site{ID: string(rune('A' + j))}
			for u := range 60 {
				if rng.IntN(6) == 0 {
					s.Covers = append(s.Covers, u)
				}
			}
			in.Sites = append(in.Sites, s)
		}
		for k := range 4 {
			in.Phases = append(in.Phases, Phase{Start: day(2027, time.Month(1+3*k), 1), MaxSites: 1})
		}
		pl, err := Sequence(in)
		if err != nil {
			t.Fatal(err)
		}
		opts := MatchOptions{PerTreated: 1 + int(seed%3), Caliper: []float64{0, 1.5}[seed%2]}
		cs, err := ComparisonAreas(in, pl, opts)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := newProblem(in)
		for _, c := range cs {
			var controls []int
			for u := range in.Units {
				if !slices.Contains(c.Treated, u) && !reachedBy(pl, u, c.Phase) {
					controls = append(controls, u)
				}
			}
			if len(c.Treated) == 0 || len(controls) == 0 {
				continue
			}
			w, _ := p.metric(slices.Concat(c.Treated, controls))
			var all []pair
			diff := make([]float64, 2)
			for i, tu := range c.Treated {
				for j, cu := range controls {
					if d := distance(w, in.Units[tu].Profile, in.Units[cu].Profile, diff); opts.Caliper == 0 || d <= opts.Caliper {
						all = append(all, pair{d, i, j})
					}
				}
			}
			slices.SortFunc(all, func(a, b pair) int {
				if a.less(b) {
					return -1
				}
				if b.less(a) {
					return 1
				}
				return 0
			})
			got := make([]int, len(c.Treated))
			used := make([]bool, len(controls))
			var want []Match
			for round := 1; round <= opts.PerTreated; round++ {
				for _, pr := range all {
					if got[pr.i] < round && !used[pr.j] {
						got[pr.i]++
						used[pr.j] = true
						want = append(want, Match{c.Treated[pr.i], controls[pr.j], pr.d})
					}
				}
			}
			slices.SortStableFunc(want, func(a, b Match) int { return a.Treated - b.Treated })
			if !slices.Equal(c.Pairs, want) {
				t.Errorf("seed %d phase %d: pairs\n got %v\nwant %v", seed, c.Phase, c.Pairs, want)
			}
		}
	}
}

// reachedBy reports whether unit u is reached by the end of phase t.
func reachedBy(pl *Plan, u, t int) bool {
	for _, ph := range pl.Phases[:t+1] {
		if slices.Contains(ph.NewlyCovered, u) {
			return true
		}
	}
	return false
}
