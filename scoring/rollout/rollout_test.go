package rollout

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"placeplan"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// randomInput is a small random rollout with every kind of constraint
// switched on at random.
func randomInput(seed uint64, maxSites int) Input {
	rng := rand.New(rand.NewPCG(seed, 99))
	nu := 10 + rng.IntN(20)
	ns := 2 + rng.IntN(maxSites-1)
	np := 1 + rng.IntN(4)
	in := Input{}
	for i := range nu {
		in.Units = append(in.Units, Unit{ID: fmt.Sprintf("u%02d", i), Weight: float64(rng.IntN(50)), Population: float64(rng.IntN(900)), MostDeprived: rng.IntN(4) == 0})
	}
	start := day(2026, 4, 1)
	for t := range np {
		ph := Phase{Start: start}
		start = start.AddDate(0, 1+rng.IntN(12), rng.IntN(20))
		if rng.IntN(2) == 0 {
			ph.MaxSites = 1 + rng.IntN(2)
		}
		if rng.IntN(3) == 0 {
			ph.Budget = float64(2 + rng.IntN(6))
		}
		ph.Label = fmt.Sprintf("P%d", t+1)
		in.Phases = append(in.Phases, ph)
	}
	if rng.IntN(2) == 0 {
		in.End = start
	}
	perm := rng.Perm(ns)
	for j := range ns {
		s := Site{ID: fmt.Sprintf("s%d", perm[j])} // ids not in index order
		for u := range nu {
			if rng.IntN(4) == 0 {
				s.Covers = append(s.Covers, u)
			}
		}
		if rng.IntN(2) == 0 {
			s.Cost = float64(1 + rng.IntN(4))
		}
		if rng.IntN(4) == 0 {
			s.EarliestPhase = rng.IntN(np)
		}
		in.Sites = append(in.Sites, s)
	}
	if rng.IntN(3) == 0 && in.Sites[0].EarliestPhase == 0 {
		in.Fixed = []string{in.Sites[0].ID}
	}
	for a := 1; a < ns; a++ {
		for b := a + 1; b < ns; b++ {
			if rng.IntN(6) == 0 {
				in.Precedence = append(in.Precedence, [2]string{in.Sites[a].ID, in.Sites[b].ID})
			}
		}
	}
	return in
}

// days are each phase's duration, computed afresh from the definition.
func days(in Input) []float64 {
	end := in.End
	last := in.Phases[len(in.Phases)-1].Start
	if end.IsZero() {
		if len(in.Phases) == 1 {
			end = last.AddDate(0, 6, 0)
		} else {
			end = last.Add(last.Sub(in.Phases[len(in.Phases)-2].Start))
		}
	}
	d := make([]float64, len(in.Phases))
	for t := range d {
		next := end
		if t+1 < len(d) {
			next = in.Phases[t+1].Start
		}
		d[t] = next.Sub(in.Phases[t].Start).Hours() / 24
	}
	return d
}

// feasible checks an assignment site → phase against in, independently of
// the package.
func feasible(in Input, phase map[string]int) error {
	count := make([]int, len(in.Phases))
	cost := make([]float64, len(in.Phases))
	for _, s := range in.Sites {
		t, ok := phase[s.ID]
		if !ok {
			return fmt.Errorf("%s not opened", s.ID)
		}
		if t < s.EarliestPhase {
			return fmt.Errorf("%s opens in %d before ready %d", s.ID, t, s.EarliestPhase)
		}
		count[t]++
		cost[t] += s.Cost
	}
	for _, id := range in.Fixed {
		if phase[id] != 0 {
			return fmt.Errorf("fixed %s in %d", id, phase[id])
		}
	}
	for _, pr := range in.Precedence {
		if phase[pr[0]] >= phase[pr[1]] {
			return fmt.Errorf("%s must precede %s", pr[0], pr[1])
		}
	}
	for t, ph := range in.Phases {
		if ph.MaxSites > 0 && count[t] > ph.MaxSites {
			return fmt.Errorf("phase %d opens %d > %d", t, count[t], ph.MaxSites)
		}
		if ph.Budget > 0 && cost[t] > ph.Budget+1e-9 {
			return fmt.Errorf("phase %d costs %v > %v", t, cost[t], ph.Budget)
		}
	}
	return nil
}

// area is Σ_t covered weight after phase t × days of phase t.
func area(in Input, phase map[string]int) float64 {
	d := days(in)
	a := 0.0
	for t := range in.Phases {
		covered := make([]bool, len(in.Units))
		for _, s := range in.Sites {
			if phase[s.ID] <= t {
				for _, u := range s.Covers {
					covered[u] = true
				}
			}
		}
		for u, c := range covered {
			if c {
				a += in.Units[u].Weight * d[t]
			}
		}
	}
	return a
}

// brute tries every assignment of sites to phases.
func brute(in Input) (best float64, ok bool) {
	n, np := len(in.Sites), len(in.Phases)
	digits := make([]int, n)
	best = math.Inf(-1)
	for {
		phase := map[string]int{}
		for j, s := range in.Sites {
			phase[s.ID] = digits[j]
		}
		if feasible(in, phase) == nil {
			ok = true
			best = max(best, area(in, phase))
		}
		j := 0
		for ; j < n; j++ {
			if digits[j]++; digits[j] < np {
				break
			}
			digits[j] = 0
		}
		if j == n {
			return best, ok
		}
	}
}

func phasesOf(pl *Plan) map[string]int {
	m := map[string]int{}
	for t, ph := range pl.Phases {
		for _, o := range ph.Sites {
			m[o.ID] = t
		}
	}
	return m
}

// checkPlan asserts what every plan must satisfy.
func checkPlan(t *testing.T, in Input, pl *Plan) {
	t.Helper()
	phase := phasesOf(pl)
	if err := feasible(in, phase); err != nil {
		t.Fatalf("infeasible plan: %v", err)
	}
	if len(pl.Order) != len(in.Sites) {
		t.Fatalf("order %v has %d sites, want %d", pl.Order, len(pl.Order), len(in.Sites))
	}
	if !slices.Equal(pl.Order[:len(in.Fixed)], in.Fixed) {
		t.Errorf("order %v does not start with the fixed sites %v", pl.Order, in.Fixed)
	}
	want := area(in, phase)
	if math.Abs(pl.AUC-want) > 1e-9*math.Max(1, want) {
		t.Errorf("AUC %v, recomputed %v", pl.AUC, want)
	}
	sum, prev := 0.0, 0.0
	for _, ph := range pl.Phases {
		sum += ph.CumWeight * ph.Days
		if ph.CumWeight < prev {
			t.Errorf("cumulative weight falls to %v in %s", ph.CumWeight, ph.Label)
		}
		prev = ph.CumWeight
	}
	if math.Abs(sum-pl.AUC) > 1e-9*math.Max(1, sum) {
		t.Errorf("Σ CumWeight × Days = %v, AUC %v", sum, pl.AUC)
	}
	if pl.AUC > pl.AUCBound+1e-6 || pl.AUC > pl.MaxAUC+1e-6 {
		t.Errorf("AUC %v above bound %v or maximum %v", pl.AUC, pl.AUCBound, pl.MaxAUC)
	}
}

func TestSequenceMatchesBruteForce(t *testing.T) {
	var feasibleCases, greedyOptimal int
	for seed := range uint64(400) {
		in := randomInput(seed, 7)
		best, ok := brute(in)
		for _, solver := range []Solver{Exact, Greedy} {
			in.Solver = solver
			pl, err := Sequence(in)
			if !ok {
				if placeplan.ErrorCode(err) != placeplan.EINVALID {
					t.Fatalf("seed %d %s: no feasible schedule exists, got %v, want an EINVALID error", seed, solver, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("seed %d %s: %v (brute force optimum %v)", seed, solver, err, best)
			}
			checkPlan(t, in, pl)
			tol := 1e-9 * math.Max(1, best)
			switch solver {
			case Exact:
				if math.Abs(pl.AUC-best) > tol || !pl.ProvenOptimal || pl.Solver != Exact {
					t.Errorf("seed %d: exact AUC %v (%s, proven %v), brute force %v", seed, pl.AUC, pl.Solver, pl.ProvenOptimal, best)
				}
			case Greedy:
				if pl.AUC > best+tol {
					t.Errorf("seed %d: greedy AUC %v above the optimum %v", seed, pl.AUC, best)
				}
				if pl.ProvenOptimal && pl.AUC < best-tol {
					t.Errorf("seed %d: greedy claims optimality at %v below %v", seed, pl.AUC, best)
				}
				if pl.AUC >= best-tol {
					greedyOptimal++
				}
			}
		}
		if ok {
			feasibleCases++
		}
	}
	if feasibleCases < 200 {
		t.Errorf("only %d of 400 random instances feasible; the test is too weak", feasibleCases)
	}
	t.Logf("%d feasible instances; greedy+exchange optimal on %d", feasibleCases, greedyOptimal)
}

// shropshire is five teams: Oswestry running, four more over four phases.
func shropshire() Input {
	in := Input{Noun: "children"}
	// Units 0–2 Oswestry, 3–5 North Shrewsbury, 6–7 Ludlow, 8–9 Market
	// Drayton, 10 Whitchurch, 11 reached by no team.
	pops := []float64{1200, 800, 400, 2500, 1800, 900, 700, 600, 1100, 500, 650, 300}
	for i, pop := range pops {
		in.Units = append(in.Units, Unit{ID: fmt.Sprintf("E0100%04d", i), Population: pop, Weight: pop / 100, MostDeprived: i == 3 || i == 8 || i == 11})
	}
	in.Sites = []Site{
		{ID: "Oswestry", Covers: []int{0, 1, 2}},
		{ID: "North Shrewsbury", Covers: []int{3, 4, 5}},
		{ID: "Ludlow", Covers: []int{6, 7}},
		{ID: "Market Drayton", Covers: []int{8, 9, 4}},
		{ID: "Whitchurch", Covers: []int{10, 9}},
	}
	in.Fixed = []string{"Oswestry"}
	for k, start := range []time.Time{day(2026, 10, 1), day(2027, 4, 1), day(2027, 10, 1), day(2028, 4, 1), day(2028, 10, 1)} {
		in.Phases = append(in.Phases, Phase{Label: fmt.Sprintf("Phase %d", k+1), Start: start, MaxSites: 1})
	}
	return in
}

func TestSequenceShropshire(t *testing.T) {
	in := shropshire()
	pl, err := Sequence(in)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, in, pl)
	want := []string{"Oswestry", "North Shrewsbury", "Market Drayton", "Ludlow", "Whitchurch"}
	if !slices.Equal(pl.Order, want) || pl.Solver != Exact || !pl.ProvenOptimal {
		t.Fatalf("order %v (%s, proven %v), want %v exact and proven", pl.Order, pl.Solver, pl.ProvenOptimal, want)
	}
	p2 := pl.Phases[1]
	if p2.NewPopulation != 5200 || p2.CumMostDeprivedPopulation != 2500 || !slices.Equal(p2.NewlyCovered, []int{3, 4, 5}) {
		t.Errorf("phase 2 = %+v", p2)
	}
	// Market Drayton's marginal value excludes unit 4, already reached.
	if o := pl.Phases[2].Sites[0]; o.MarginalPopulation != 1600 || o.MarginalMostDeprivedPopulation != 1100 {
		t.Errorf("Market Drayton's marginal value = %+v, want 1,600 people, 1,100 most deprived", o)
	}
	wantShare := 3600.0 / 3900
	if got := pl.Phases[4].MostDeprivedShare; math.Abs(got-wantShare) > 1e-12 {
		t.Errorf("final most-deprived share %v, want %v", got, wantShare)
	}
	if got, want := pl.Phases[1].Summary, "Phase 2 (1 Apr 2027) opens North Shrewsbury: 5,200 more children reached (need weight +52); 64 % of children in the most deprived decile now within reach."; got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
}

func TestSequenceConstraints(t *testing.T) {
	// Six sites of equal reach except where noted, three phases.
	base := func() Input {
		in := Input{}
		for i := range 12 {
			in.Units = append(in.Units, Unit{Weight: float64(1 + i), Population: 10})
		}
		for j := range 6 {
			in.Sites = append(in.Sites, Site{ID: string(rune('a' + j)), Covers: []int{2 * j, 2*j + 1}, Cost: 1})
		}
		for k := range 3 {
			in.Phases = append(in.Phases, Phase{Start: day(2027, time.Month(1+4*k), 1), MaxSites: 2})
		}
		return in
	}
	tests := []struct {
		name  string
		edit  func(*Input)
		check func(t *testing.T, phase map[string]int)
	}{
		{"heaviest first with two a phase", func(in *Input) {}, func(t *testing.T, ph map[string]int) {
			if ph["f"] != 0 || ph["e"] != 0 || ph["a"] != 2 || ph["b"] != 2 {
				t.Errorf("phases %v", ph)
			}
		}},
		{"fixed light site opens first", func(in *Input) { in.Fixed = []string{"a"} }, func(t *testing.T, ph map[string]int) {
			if ph["a"] != 0 || ph["f"] != 0 || ph["e"] != 1 {
				t.Errorf("phases %v", ph)
			}
		}},
		{"readiness holds back the heaviest", func(in *Input) { in.Sites[5].EarliestPhase = 2 }, func(t *testing.T, ph map[string]int) {
			if ph["f"] != 2 || ph["e"] != 0 || ph["d"] != 0 {
				t.Errorf("phases %v", ph)
			}
		}},
		{"precedence light before heavy", func(in *Input) { in.Precedence = [][2]string{{"a", "f"}} }, func(t *testing.T, ph map[string]int) {
			if ph["a"] >= ph["f"] || ph["a"] != 0 {
				t.Errorf("phases %v", ph)
			}
		}},
		{"budget of the first phase fits one dear site", func(in *Input) {
			in.Sites[5].Cost = 3
			in.Sites[4].Cost = 3
			in.Phases[0].Budget = 4
		}, func(t *testing.T, ph map[string]int) {
			n := 0
			for _, id := range []string{"e", "f"} {
				if ph[id] == 0 {
					n++
				}
			}
			if n != 1 || ph["f"] != 0 {
				t.Errorf("phases %v: want f but not e in phase 0", ph)
			}
		}},
		{"overlap makes the second-best site worth less", func(in *Input) {
			in.Sites[4].Covers = []int{10, 11} // e duplicates f
		}, func(t *testing.T, ph map[string]int) {
			// e and f reach the same units: the smaller id opens first.
			if ph["e"] != 0 || ph["f"] != 2 {
				t.Errorf("phases %v: want e first and f, adding nothing, last", ph)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, solver := range []Solver{Exact, Greedy} {
				in := base()
				tc.edit(&in)
				in.Solver = solver
				pl, err := Sequence(in)
				if err != nil {
					t.Fatal(err)
				}
				checkPlan(t, in, pl)
				tc.check(t, phasesOf(pl))
			}
		})
	}
}

func TestSequenceTiesByID(t *testing.T) {
	in := Input{Units: []Unit{{Weight: 1}, {Weight: 1}, {Weight: 1}}}
	in.Sites = []Site{{ID: "c", Covers: []int{2}}, {ID: "a", Covers: []int{0}}, {ID: "b", Covers: []int{1}}}
	in.Phases = []Phase{{Start: day(2027, 1, 1), MaxSites: 1}, {Start: day(2027, 6, 1), MaxSites: 1}, {Start: day(2028, 1, 1), MaxSites: 1}}
	for _, solver := range []Solver{Exact, Greedy} {
		in.Solver = solver
		for range 3 {
			pl, err := Sequence(in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pl.Order, []string{"a", "b", "c"}) {
				t.Errorf("%s: order %v, want a b c", solver, pl.Order)
			}
		}
	}
}

// mediumInput is 10 to 14 sites over 4 to 8 phases, with readiness,
// precedence and budgets.
func mediumInput(seed uint64) Input {
	rng := rand.New(rand.NewPCG(seed, 14))
	in := Input{}
	for range 200 {
		in.Units = append(in.Units, Unit{Weight: float64(rng.IntN(100)), Population: float64(rng.IntN(1000))})
	}
	np := 4 + rng.IntN(5)
	for t := range np {
		ph := Phase{Start: day(2027, 1, 1).AddDate(0, 2*t+rng.IntN(2), 0), MaxSites: 2 + rng.IntN(3)}
		if rng.IntN(3) == 0 {
			ph.Budget = float64(6 + rng.IntN(6))
		}
		in.Phases = append(in.Phases, ph)
	}
	ns := 10 + rng.IntN(5)
	for j := range ns {
		s := Site{ID: fmt.Sprintf("s%02d", j), Cost: float64(1 + rng.IntN(4))}
		if rng.IntN(4) == 0 {
			s.EarliestPhase = rng.IntN(np / 2)
		}
		for u := range 200 {
			if rng.IntN(8) == 0 {
				s.Covers = append(s.Covers, u)
			}
		}
		in.Sites = append(in.Sites, s)
	}
	for range 3 {
		a, b := rng.IntN(ns), rng.IntN(ns)
		if a < b {
			in.Precedence = append(in.Precedence, [2]string{in.Sites[a].ID, in.Sites[b].ID})
		}
	}
	return in
}

func TestExactAtLeastGreedy(t *testing.T) {
	n, same := 0, 0
	for seed := range uint64(60) {
		in := mediumInput(seed)
		in.Solver = Exact
		ex, err := Sequence(in)
		if err != nil {
			continue
		}
		in.Solver = Greedy
		gr, err := Sequence(in)
		if err != nil {
			t.Errorf("seed %d: exact found a schedule, greedy failed: %v", seed, err)
			continue
		}
		checkPlan(t, in, ex)
		checkPlan(t, in, gr)
		if gr.AUC > ex.AUC+1e-9*ex.AUC {
			t.Errorf("seed %d: greedy %v beats exact %v", seed, gr.AUC, ex.AUC)
		}
		if gr.AUC >= ex.AUC-1e-9*ex.AUC {
			same++
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d feasible instances", n)
	}
	t.Logf("%d feasible instances, greedy+exchange optimal on %d", n, same)
}

func TestSequenceLarge(t *testing.T) {
	// Too many sites for Auto's exact solver: greedy must stay feasible and
	// the exchange must not lose to the plain greedy order.
	rng := rand.New(rand.NewPCG(5, 5))
	in := Input{}
	for i := range 400 {
		in.Units = append(in.Units, Unit{ID: fmt.Sprint(i), Weight: rng.Float64() * 10, Population: 100})
	}
	for j := range 25 {
		s := Site{ID: fmt.Sprintf("s%02d", j), Cost: float64(1 + rng.IntN(3)), EarliestPhase: rng.IntN(3)}
		for range 40 {
			s.Covers = append(s.Covers, rng.IntN(400))
		}
		slices.Sort(s.Covers)
		s.Covers = slices.Compact(s.Covers)
		in.Sites = append(in.Sites, s)
	}
	for k := range 8 {
		in.Phases = append(in.Phases, Phase{Start: day(2027, 1, 1).AddDate(0, 3*k, 0), MaxSites: 4, Budget: 9})
	}
	in.Precedence = [][2]string{{"s03", "s07"}, {"s07", "s11"}}
	pl, err := Sequence(in)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, in, pl)
	if pl.Solver != Greedy {
		t.Errorf("solver %s, want greedy for 25 sites", pl.Solver)
	}
	p, _ := newProblem(in)
	plain, unplaced := p.greedyPass(byGain)
	if len(unplaced) == 0 && pl.AUC < p.auc(plain)-1e-9 {
		t.Errorf("greedy+exchange AUC %v below plain greedy %v", pl.AUC, p.auc(plain))
	}
}

func TestSequenceValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Input)
		want string // in the message
	}{
		{"no phases", func(in *Input) { in.Phases = nil }, "no phases"},
		{"no sites", func(in *Input) { in.Sites = nil; in.Fixed = nil }, "no sites"},
		{"unknown fixed site", func(in *Input) { in.Fixed = []string{"Telford"} }, `fixed site "Telford" is not one of the sites`},
		{"fixed twice", func(in *Input) { in.Fixed = []string{"Oswestry", "Oswestry"} }, "listed twice"},
		{"fixed site not ready", func(in *Input) { in.Sites[0].EarliestPhase = 1 }, `fixed site "Oswestry" opens in the first phase but is not ready`},
		{"unknown precedence site", func(in *Input) { in.Precedence = [][2]string{{"Ludlow", "Bridgnorth"}} }, `"Bridgnorth" is not one of the sites`},
		{"self precedence", func(in *Input) { in.Precedence = [][2]string{{"Ludlow", "Ludlow"}} }, "cannot precede itself"},
		{"precedence cycle", func(in *Input) {
			in.Precedence = [][2]string{{"Ludlow", "Whitchurch"}, {"Whitchurch", "Market Drayton"}, {"Market Drayton", "Ludlow"}}
		}, "precedence has a cycle"},
		{"precedence before a fixed site", func(in *Input) { in.Precedence = [][2]string{{"Ludlow", "Oswestry"}} }, `fixed site "Oswestry" opens in the first phase`},
		{"precedence impossible with readiness", func(in *Input) {
			in.Sites[2].EarliestPhase = 4
			in.Precedence = [][2]string{{"Ludlow", "Whitchurch"}}
		}, `site "Whitchurch" cannot open by the last phase`},
		{"precedence chain too long", func(in *Input) {
			in.Phases = in.Phases[:3]
			in.Phases[0].MaxSites, in.Phases[1].MaxSites, in.Phases[2].MaxSites = 0, 0, 0
			in.Precedence = [][2]string{{"Oswestry", "Ludlow"}, {"Ludlow", "Whitchurch"}, {"Whitchurch", "Market Drayton"}}
		}, `site "Market Drayton" cannot open by the last phase`},
		{"readiness beyond the phases", func(in *Input) { in.Sites[2].EarliestPhase = 5 }, `site "Ludlow" has EarliestPhase 5`},
		{"negative readiness", func(in *Input) { in.Sites[2].EarliestPhase = -1 }, `site "Ludlow" has EarliestPhase -1`},
		{"unit index out of range", func(in *Input) { in.Sites[2].Covers = []int{6, 12} }, `site "Ludlow" covers unit index 12, out of range [0, 12)`},
		{"unit covered twice", func(in *Input) { in.Sites[2].Covers = []int{6, 6} }, `site "Ludlow" covers unit 6 twice`},
		{"negative weight", func(in *Input) { in.Units[3].Weight = -1 }, `unit 3 ("E01000003") has weight -1`},
		{"NaN weight", func(in *Input) { in.Units[3].Weight = math.NaN() }, "has weight NaN"},
		{"negative population", func(in *Input) { in.Units[3].Population = -5 }, "has population -5"},
		{"duplicate site", func(in *Input) { in.Sites[3].ID = "Ludlow" }, `site id "Ludlow" appears twice`},
		{"empty site id", func(in *Input) { in.Sites[3].ID = "" }, "site 3 has no id"},
		{"negative cost", func(in *Input) { in.Sites[3].Cost = -2 }, `site "Market Drayton" has cost -2`},
		{"phases out of order", func(in *Input) { in.Phases[2].Start = in.Phases[1].Start }, `phases out of order: phase 2 ("Phase 3")`},
		{"phase without start", func(in *Input) { in.Phases[1].Start = time.Time{} }, `phase 1 ("Phase 2") has no start`},
		{"negative MaxSites", func(in *Input) { in.Phases[1].MaxSites = -1 }, "negative MaxSites"},
		{"negative budget", func(in *Input) { in.Phases[1].Budget = -1 }, "has budget -1"},
		{"end before last start", func(in *Input) { in.End = day(2028, 1, 1) }, "is not after the last phase's start"},
		{"not enough slots", func(in *Input) { in.Phases = in.Phases[:4] }, "not enough phase slots: 5 sites, but the phases allow only 4 (MaxSites)"},
		{"not enough slots after readiness", func(in *Input) {
			in.Sites[2].EarliestPhase, in.Sites[3].EarliestPhase = 4, 4
		}, `not enough phase slots: 2 sites cannot open before phase 4 ("Phase 5")`},
		{"not enough budget", func(in *Input) {
			for j := range in.Sites {
				in.Sites[j].Cost = 10
			}
			for t := range in.Phases {
				in.Phases[t].MaxSites, in.Phases[t].Budget = 0, 15
			}
			in.Phases = in.Phases[:3]
		}, "not enough budget: the sites cost 50 in all, but the phases' budgets add up to 45"},
		{"site dearer than any budget", func(in *Input) {
			in.Sites[2].Cost = 100
			for t := range in.Phases {
				in.Phases[t].Budget = 50
			}
		}, `site "Ludlow" costs 100, more than the budget of every phase`},
		{"fixed sites over MaxSites", func(in *Input) { in.Fixed = []string{"Oswestry", "Ludlow"} }, "2 fixed sites exceed"},
		{"fixed sites over budget", func(in *Input) { in.Sites[0].Cost = 5; in.Phases[0].Budget = 4 }, "the fixed sites cost 5"},
		{"ragged profiles", func(in *Input) { in.Units[1].Profile = []float64{1} }, `unit 1 ("E01000001") has 1 profile values; unit 0 has 0`},
		{"profile names do not fit", func(in *Input) { in.ProfileNames = []string{"income"} }, "1 profile names for 0 profile values"},
		{"unknown solver", func(in *Input) { in.Solver = "simplex" }, `unknown solver "simplex"`},
		{"packing infeasible", func(in *Input) {
			// Each phase's budget of 5 fits one site of cost 3: four of
			// them need four phases, not three.
			in.Phases = in.Phases[:3]
			for t := range in.Phases {
				in.Phases[t].MaxSites, in.Phases[t].Budget = 0, 5
			}
			in.Fixed = nil
			for j := range in.Sites {
				in.Sites[j].Cost = 3
			}
			in.Sites[0].Cost = 2
		}, "no schedule opens all 5 sites"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := shropshire()
			tc.edit(&in)
			in.Solver = cmpOr(in.Solver, Exact)
			_, err := Sequence(in)
			var e *placeplan.Error
			if !errors.As(err, &e) || e.Code != placeplan.EINVALID || !strings.Contains(e.Message, tc.want) || !strings.HasPrefix(e.Message, "rollout: ") {
				t.Fatalf("got %v, want EINVALID containing %q", err, tc.want)
			}
		})
	}
}

func cmpOr(s, def Solver) Solver {
	if s != "" {
		return s
	}
	return def
}

func TestSequenceEndDefault(t *testing.T) {
	in := shropshire()
	pl, err := Sequence(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := day(2029, 4, 2); !pl.End.Equal(want) { // 1 Oct 2028 + 183 days
		t.Errorf("end %v, want %v", pl.End, want)
	}
	in.Phases = in.Phases[:1]
	in.Fixed = nil
	in.Phases[0].MaxSites = 0
	pl, err = Sequence(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := day(2027, 4, 1); !pl.End.Equal(want) || pl.Phases[0].Days != 182 {
		t.Errorf("one phase: end %v, days %v; want %v, 182", pl.End, pl.Phases[0].Days, want)
	}
}

func TestExactFallsBackWhenOverBudget(t *testing.T) {
	var in Input
	for seed := uint64(0); len(in.Sites) < 5; seed++ {
		in = randomInput(seed, 7)
		if _, ok := brute(in); !ok {
			in.Sites = nil
		}
	}
	in.Solver = Exact
	in.MaxTransitions = 1
	pl, err := Sequence(in)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Solver != Greedy {
		t.Errorf("solver %s, want a fall-back to greedy", pl.Solver)
	}
	checkPlan(t, in, pl)
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{formatCount(1234567.4), "1,234,567"},
		{formatCount(999.5), "1,000"},
		{formatCount(-1234), "-1,234"},
		{formatCount(-0.2), "0"},
		{formatNumber(12345.6), "12,346"},
		{formatNumber(52), "52"},
		{formatNumber(52.5), "52.5"},
		{formatNumber(0), "0"},
		{formatNumber(0.357), "0.36"},
		{formatPercent(0.414), "41 %"},
		{joinAnd([]string{"a", "b", "c"}), "a, b and c"},
		{formatP(1.0 / 384), "0.0026"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestSequenceMonotone(t *testing.T) {
	// Loosening a limit never lowers the optimum; neither does more need.
	n := 0
	for seed := range uint64(150) {
		in := randomInput(seed, 6)
		in.Solver = Exact
		pl, err := Sequence(in)
		if err != nil {
			continue
		}
		n++
		loosen := map[string]func(*Input){
			"no MaxSites": func(in *Input) {
				for t := range in.Phases {
					in.Phases[t].MaxSites = 0
				}
			},
			"no budgets": func(in *Input) {
				for t := range in.Phases {
					in.Phases[t].Budget = 0
				}
			},
			"no readiness": func(in *Input) {
				for j := range in.Sites {
					in.Sites[j].EarliestPhase = 0
				}
			},
			"no precedence": func(in *Input) { in.Precedence = nil },
			"more need":     func(in *Input) { in.Units[0].Weight += 10 },
		}
		for name, edit := range loosen {
			l := in
			l.Phases = slices.Clone(in.Phases)
			l.Sites = slices.Clone(in.Sites)
			l.Units = slices.Clone(in.Units)
			edit(&l)
			lp, err := Sequence(l)
			if err != nil {
				t.Fatalf("seed %d %s: %v", seed, name, err)
			}
			if lp.AUC < pl.AUC-1e-9*pl.AUC {
				t.Errorf("seed %d %s: AUC fell from %v to %v", seed, name, pl.AUC, lp.AUC)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d feasible instances", n)
	}
}

func TestSequenceAllFixed(t *testing.T) {
	in := shropshire()
	in.Phases[0].MaxSites = 0
	in.Fixed = []string{"Whitchurch", "Oswestry", "Ludlow", "Market Drayton", "North Shrewsbury"}
	pl := mustSequence(t, in)
	if !slices.Equal(pl.Order, in.Fixed) || !pl.ProvenOptimal || len(pl.Phases[1].Sites) != 0 ||
		!strings.HasPrefix(pl.Phases[1].Summary, "Phase 2 (1 Apr 2027) opens no sites: 0 more children reached (need weight +0);") {
		t.Errorf("all fixed: order %v, proven %v, phase 2 %q", pl.Order, pl.ProvenOptimal, pl.Phases[1].Summary)
	}
}
