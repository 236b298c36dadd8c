package siting

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
)

// ExampleCapacitatedMCLP chooses two of three sites when the site next to
// the largest demand point (weight 10) can serve only 6 and the one next to
// the third (weight 7) can serve all of it.
func ExampleCapacitatedMCLP() {
	d, c := toy()
	c[0].Capacity = 6 // S, by a
	c[2].Capacity = 7 // L, by c; O, by b (5), has no limit
	n, _ := BuildNetwork(d, c, CostOptions{Circuity: 1, StandardKm: 5})
	r, _ := CapacitatedMCLP(context.Background(), n, Problem{P: 2})
	fmt.Println(r.Selected, r.Served, r.Objective, r.ProvenOptimal)
	// Output: [L S] [7 6] 13 true
}

// edmondsKarp is the served weight of the open sites, computed plainly: a
// dense residual matrix over source, demand points, sites and sink, and
// shortest augmenting paths.
func edmondsKarp(n *Network, open []bool) float64 {
	nd, nc := len(n.Demands), len(n.Candidates)
	size := nd + nc + 2
	src, sink := 0, size-1
	total := n.TotalWeight()
	res := make([][]float64, size)
	for u := range res {
		res[u] = make([]float64, size)
	}
	for i, d := range n.Demands {
		res[src][1+i] = d.Weight
		for _, a := range n.Reach(i) {
			if open[a.Site] {
				res[1+i][1+nd+a.Site] = total + 1
			}
		}
	}
	for j, c := range n.Candidates {
		if open[j] {
			res[1+nd+j][sink] = total + 1
			if !math.IsNaN(c.Capacity) {
				res[1+nd+j][sink] = c.Capacity
			}
		}
	}
	var flow float64
	for {
		prev := make([]int, size)
		for u := range prev {
			prev[u] = -1
		}
		prev[src] = src
		queue := []int{src}
		for len(queue) > 0 && prev[sink] < 0 {
			u := queue[0]
			queue = queue[1:]
			for v := range size {
				if prev[v] < 0 && res[u][v] > 1e-12 {
					prev[v] = u
					queue = append(queue, v)
				}
			}
		}
		if prev[sink] < 0 {
			return flow
		}
		d := math.Inf(1)
		for v := sink; v != src; v = prev[v] {
			d = math.Min(d, res[prev[v]][v])
		}
		for v := sink; v != src; v = prev[v] {
			res[prev[v]][v] -= d
			res[v][prev[v]] += d
		}
		flow += d
	}
}

// bruteCapacitated is the best served weight over all sets of p sites that
// contain fixed, avoid excluded and meet the groups.
func bruteCapacitated(n *Network, pr Problem) (best float64, feasible bool) {
	best = -1
	met := groupChecker(n, pr.Groups)
	eachSet(n, pr.P, pr.Fixed, pr.Excluded, func(open []bool) {
		if met(open) {
			feasible = true
			best = math.Max(best, edmondsKarp(n, open))
		}
	})
	return best, feasible
}

// randomCapacities gives each site no limit (1 in 5), nothing (1 in 10) or
// a capacity up to about a third of the total weight.
func randomCapacities(rng *rand.Rand, c []Candidate, total float64) {
	for j := range c {
		switch r := rng.Float64(); {
		case r < 0.2:
			c[j].Capacity = math.NaN()
		case r < 0.3:
			c[j].Capacity = 0
		default:
			c[j].Capacity = math.Round(rng.Float64()*total/3*100) / 100
		}
	}
}

// checkCapacitated checks a capacitated result against its network: the
// common checks, each site within capacity, and the objective equal to the
// served weight of the selection computed independently.
func checkCapacitated(t *testing.T, n *Network, r *Result, pr Problem) {
	t.Helper()
	checkResult(t, n, r, pr.P, pr)
	open := make([]bool, len(n.Candidates))
	for k, id := range r.Selected {
		for j, c := range n.Candidates {
			if c.ID == id {
				open[j] = true
				if !math.IsNaN(c.Capacity) && r.Served[k] > c.Capacity+1e-9 {
					t.Errorf("site %s serves %v over its capacity %v", id, r.Served[k], c.Capacity)
				}
			}
		}
		if r.Served[k] < -1e-9 {
			t.Errorf("site %s serves %v", id, r.Served[k])
		}
	}
	if want := edmondsKarp(n, open); math.Abs(r.Objective-want) > 1e-6*math.Max(1, want) || r.CoveredWeight != r.Objective {
		t.Errorf("objective %v, covered %v; the selection serves %v", r.Objective, r.CoveredWeight, want)
	}
}

func TestCapacitatedAgainstBruteForce(t *testing.T) {
	const tol = 1e-6
	for seed := uint64(200); seed < 240; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		nc := 6 + rng.IntN(6)
		d, c := randomInstance(seed, 15+rng.IntN(25), nc)
		var total float64
		for _, dm := range d {
			total += dm.Weight
		}
		randomCapacities(rng, c, total)
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15 + 20*rng.Float64()})
		if err != nil {
			t.Fatal(err)
		}
		var pr Problem
		if rng.IntN(2) == 0 {
			pr.Groups = randomGroups(rng, c)
		}
		if rng.IntN(3) == 0 {
			pr.Fixed = []string{c[rng.IntN(nc)].ID}
		}
		if rng.IntN(3) == 0 {
			if id := c[rng.IntN(nc)].ID; len(pr.Fixed) == 0 || id != pr.Fixed[0] {
				pr.Excluded = []string{id}
			}
		}
		pr.P = len(pr.Fixed) + 1 + rng.IntN(4)
		want, feasible := bruteCapacitated(n, pr)
		for _, s := range []Solver{Auto, Exhaustive, BranchAndBound, GreedySwap} {
			t.Run(fmt.Sprintf("seed%d/p%d/%s", seed, pr.P, s), func(t *testing.T) {
				pr := pr
				pr.Solver = s
				r, err := CapacitatedMCLP(context.Background(), n, pr)
				if !feasible {
					checkInvalid(t, err, "siting: ")
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				checkCapacitated(t, n, r, pr)
				if r.UpperBound < want-tol || r.Objective > want+tol {
					t.Errorf("objective %v, bound %v, optimum %v", r.Objective, r.UpperBound, want)
				}
				if (s != GreedySwap || r.ProvenOptimal) && math.Abs(r.Objective-want) > tol {
					t.Errorf("%s objective %v, optimum %v (proven %v)", r.Solver, r.Objective, want, r.ProvenOptimal)
				}
			})
		}
	}
}

// TestCapacitatedLargerAgainstBruteForce uses instances big enough for
// many augmenting paths through shared demand (a wide standard, tight
// capacities), where a wrong incremental update would show.
func TestCapacitatedLargerAgainstBruteForce(t *testing.T) {
	for _, seed := range []uint64{251, 252, 253} {
		rng := rand.New(rand.NewPCG(seed, 13))
		d, c := randomInstance(seed, 60, 14)
		for j := range c {
			c[j].Capacity = float64(100 + rng.IntN(500))
		}
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 45})
		if err != nil {
			t.Fatal(err)
		}
		pr := Problem{P: 4, Groups: []Group{{"west", []string{"s000", "s001", "s002", "s003", "s004"}, 2}}}
		want, _ := bruteCapacitated(n, pr)
		for _, s := range []Solver{Exhaustive, BranchAndBound, GreedySwap} {
			pr.Solver = s
			r, err := CapacitatedMCLP(context.Background(), n, pr)
			if err != nil {
				t.Fatal(err)
			}
			checkCapacitated(t, n, r, pr)
			if r.UpperBound < want-1e-6 || r.Objective > want+1e-6 || (s != GreedySwap && math.Abs(r.Objective-want) > 1e-6) {
				t.Errorf("seed %d %s: objective %v, bound %v, optimum %v", seed, s, r.Objective, r.UpperBound, want)
			}
		}
	}
}

func TestCapacitatedMonotoneInP(t *testing.T) {
	for _, seed := range []uint64{261, 262} {
		rng := rand.New(rand.NewPCG(seed, 17))
		d, c := randomInstance(seed, 150, 30)
		randomCapacities(rng, c, 3000)
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []Solver{Auto, GreedySwap} {
			prev := -1.0
			for p := 0; p <= 10; p++ {
				r, err := CapacitatedMCLP(context.Background(), n, Problem{P: p, Solver: s})
				if err != nil {
					t.Fatal(err)
				}
				checkCapacitated(t, n, r, Problem{P: p})
				if r.Objective < prev-1e-9 {
					t.Errorf("seed %d %s: objective fell from %v to %v at p=%d", seed, s, prev, r.Objective, p)
				}
				prev = r.Objective
			}
		}
	}
}

// TestCapacitatedLimits checks the two ends: capacities that never bind
// give MCLP's optimum, and zero capacities serve nothing.
func TestCapacitatedLimits(t *testing.T) {
	d, c := randomInstance(271, 120, 20)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{1, 3, 6} {
		want, err := MCLP(context.Background(), n, Problem{P: p})
		if err != nil {
			t.Fatal(err)
		}
		got, err := CapacitatedMCLP(context.Background(), n, Problem{P: p})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Objective-want.Objective) > 1e-9 || !got.ProvenOptimal {
			t.Errorf("p=%d: uncapacitated sites serve %v, MCLP covers %v", p, got.Objective, want.Objective)
		}
	}
	zero := append([]Candidate(nil), c...)
	for j := range zero {
		zero[j].Capacity = 0
	}
	nz, err := BuildNetwork(d, zero, CostOptions{StandardKm: 15})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Solver{Exhaustive, GreedySwap} {
		r, err := CapacitatedMCLP(context.Background(), nz, Problem{P: 3, Solver: s})
		if err != nil {
			t.Fatal(err)
		}
		if r.Objective != 0 || r.UpperBound != 0 || !r.ProvenOptimal {
			t.Errorf("%s: zero capacities give %+v", s, r)
		}
	}
}

func TestCapacitatedInvalid(t *testing.T) {
	d, c := toy()
	cases := []struct {
		name     string
		capacity float64
		build    string // BuildNetwork's error, if it refuses
		solve    string // CapacitatedMCLP's error
	}{
		{"negative capacity", -1, `site "L": negative capacity -1`, `site "L": negative capacity -1`},
		{"minus infinity", math.Inf(-1), `site "L": negative capacity`, `site "L": negative capacity`},
		{"plus infinity", math.Inf(1), "", `site "L": infinite capacity; use NaN`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := append([]Candidate(nil), c...)
			x[2].Capacity = tc.capacity
			_, err := BuildNetwork(d, x, CostOptions{StandardKm: 5})
			if tc.build != "" {
				checkInvalid(t, err, tc.build)
			} else if err != nil {
				t.Fatal(err)
			}
			// A network built with good capacities and changed afterwards.
			n, err := BuildNetwork(d, append([]Candidate(nil), c...), CostOptions{StandardKm: 5})
			if err != nil {
				t.Fatal(err)
			}
			n.Candidates[2].Capacity = tc.capacity
			_, err = CapacitatedMCLP(context.Background(), n, Problem{P: 1})
			checkInvalid(t, err, tc.solve)
		})
	}
	n, _ := BuildNetwork(d, c, CostOptions{StandardKm: 5})
	solve := []struct {
		name string
		pr   Problem
		want string
	}{
		{"unknown fixed", Problem{P: 1, Fixed: []string{"X"}}, `fixed site "X"`},
		{"p above candidates", Problem{P: 4}, "available"},
		{"unknown solver", Problem{P: 1, Solver: "simplex"}, "simplex"},
		{"unknown group site", Problem{P: 1, Groups: []Group{{"north", []string{"Q"}, 1}}}, `group "north": site "Q"`},
		{"groups exceed p", Problem{P: 1, Groups: []Group{{"north", []string{"S"}, 1}, {"south", []string{"L"}, 1}}}, "p = 1 is too small for the group minimums"},
	}
	for _, tc := range solve {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CapacitatedMCLP(context.Background(), n, tc.pr)
			checkInvalid(t, err, tc.want)
		})
	}
	if _, err := CapacitatedMCLP(context.Background(), nil, Problem{}); !strings.Contains(fmt.Sprint(err), "no network") {
		t.Errorf("nil network: %v", err)
	}
}

// TestCapacitatedMCLPAgainstCBC compares the capacitated optimum with CBC's
// on the LP with continuous assignment variables, with and without groups.
func TestCapacitatedMCLPAgainstCBC(t *testing.T) {
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		t.Skip("cbc not found on PATH (Debian package coinor-cbc): skipping the LP oracle comparison")
	}
	ids := func(from, to int) []string {
		var out []string
		for j := from; j < to; j++ {
			out = append(out, fmt.Sprintf("s%03d", j))
		}
		return out
	}
	cases := []struct {
		name   string
		seed   uint64
		nc, p  int
		fixed  []string
		groups []Group
	}{
		{"seed 81 exhaustive", 81, 25, 4, nil, nil},
		{"seed 82 exhaustive with groups", 82, 25, 4, nil, []Group{{"north", ids(0, 8), 1}, {"south", ids(17, 25), 2}}},
		{"seed 83 branch and bound", 83, 40, 6, nil, nil},
		{"seed 84 branch and bound with overlapping groups and a fixed site", 84, 40, 6, []string{"s011"}, []Group{{"rural", ids(0, 15), 3}, {"deprived", ids(10, 30), 2}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(tc.seed, 19))
			d, c := randomInstance(tc.seed, 150, tc.nc)
			randomCapacities(rng, c, 2000)
			n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15})
			if err != nil {
				t.Fatal(err)
			}
			pr := Problem{P: tc.p, Fixed: tc.fixed, Groups: tc.groups}
			want := cbcOptimum(t, cbc, lpModel(n, pr, true))
			r, err := CapacitatedMCLP(context.Background(), n, pr)
			if err != nil {
				t.Fatal(err)
			}
			if !r.ProvenOptimal || math.Abs(r.Objective-want) > 1e-6*want || r.UpperBound < want*(1-1e-6) {
				t.Errorf("ours %+v, cbc optimum %v", r, want)
			}
			checkCapacitated(t, n, r, pr)
			pr.Solver = GreedySwap
			g, err := CapacitatedMCLP(context.Background(), n, pr)
			if err != nil {
				t.Fatal(err)
			}
			checkCapacitated(t, n, g, pr)
			if g.UpperBound < want*(1-1e-6) || g.Objective > want*(1+1e-6) {
				t.Errorf("greedy+swap %v, bound %v, cbc optimum %v", g.Objective, g.UpperBound, want)
			}
		})
	}
}

// TestFlowModelIncremental opens, closes, probes and rolls back sites at
// random and checks after every step that the model holds a feasible flow
// whose value is the maximum flow of the open sites (Edmonds–Karp).
func TestFlowModelIncremental(t *testing.T) {
	for _, seed := range []uint64{291, 292, 293} {
		rng := rand.New(rand.NewPCG(seed, 23))
		d, c := randomInstance(seed, 60, 15)
		for j := range c {
			c[j].Capacity = float64(50 + rng.IntN(400))
		}
		c[3].Capacity, c[7].Capacity = math.NaN(), 0
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 40})
		if err != nil {
			t.Fatal(err)
		}
		in, err := newInstance(context.Background(), n, Problem{}, func(i int, _ Arc) float64 { return n.Demands[i].Weight })
		if err != nil {
			t.Fatal(err)
		}
		m := newFlowModel(n, in)
		check := func(step int, what string) {
			t.Helper()
			want := edmondsKarp(n, m.open)
			if math.Abs(m.value-want) > 1e-6 {
				t.Fatalf("seed %d step %d (%s): flow %v, maximum %v", seed, step, what, m.value, want)
			}
			out := make([]float64, in.nd)
			into := make([]float64, in.nc)
			for i := 0; i < in.nd; i++ {
				for p := in.dStart[i]; p < in.dStart[i+1]; p++ {
					if m.x[p] < 0 || m.x[p] > 0 && !m.open[in.dSite[p]] {
						t.Fatalf("seed %d step %d (%s): flow %v on a pair to a closed site or negative", seed, step, what, m.x[p])
					}
					out[i] += m.x[p]
					into[in.dSite[p]] += m.x[p]
				}
				if math.Abs(out[i]-m.served[i]) > 1e-9 || m.served[i] > m.w[i]+1e-9 {
					t.Fatalf("seed %d step %d (%s): demand %d sends %v, records %v, weighs %v", seed, step, what, i, out[i], m.served[i], m.w[i])
				}
			}
			for j := 0; j < in.nc; j++ {
				if math.Abs(into[j]-m.load[j]) > 1e-9 || m.load[j] > m.cap[j]+1e-9 {
					t.Fatalf("seed %d step %d (%s): site %d receives %v, records %v, capacity %v", seed, step, what, j, into[j], m.load[j], m.cap[j])
				}
			}
		}
		for step := 0; step < 300; step++ {
			j := int32(rng.IntN(in.nc))
			switch op := rng.IntN(4); {
			case op == 0 && !m.open[j]:
				m.add(j)
				check(step, "open")
			case op == 1 && m.open[j]:
				m.remove(j)
				check(step, "close")
			case op == 2 && !m.open[j]:
				before := m.value
				open := append([]bool(nil), m.open...)
				open[j] = true
				g := m.gain(j)
				if want := edmondsKarp(n, open) - before; math.Abs(g-want) > 1e-6 || m.value != before || m.open[j] {
					t.Fatalf("seed %d step %d: gain %v, want %v; value %v → %v", seed, step, g, want, before, m.value)
				}
				check(step, "gain")
			case op == 3:
				// A tentative close or open of several sites, rolled back.
				before := m.value
				m.logging = true
				mark := len(m.undo)
				for k := 0; k < 3; k++ {
					if j := int32(rng.IntN(in.nc)); m.open[j] {
						m.remove(j)
					} else {
						m.add(j)
					}
					check(step, "tentative")
				}
				m.rollback(mark)
				m.logging = false
				if m.value != before {
					t.Fatalf("seed %d step %d: rollback left %v, was %v", seed, step, m.value, before)
				}
				check(step, "rollback")
			}
		}
	}
}

// TestCapacitatedBoundFromAnySet checks the greedy+swap bound formula
// where it matters, away from the optimum: computed over random (mostly
// poor) sets of p sites it must still be at least the optimum. Odd seeds
// have no capacity limits, where the uncapacitated bound is the tight one.
func TestCapacitatedBoundFromAnySet(t *testing.T) {
	for seed := uint64(301); seed < 315; seed++ {
		rng := rand.New(rand.NewPCG(seed, 29))
		d, c := randomInstance(seed, 40, 10)
		if seed%2 == 0 {
			randomCapacities(rng, c, 2500)
		}
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 30})
		if err != nil {
			t.Fatal(err)
		}
		pr := Problem{P: 1 + rng.IntN(4), Fixed: []string{"s002"}}
		pr.P++
		want, _ := bruteCapacitated(n, pr)
		in, err := newInstance(context.Background(), n, pr, func(i int, _ Arc) float64 { return n.Demands[i].Weight })
		if err != nil {
			t.Fatal(err)
		}
		if err := in.setP(pr.P); err != nil {
			t.Fatal(err)
		}
		m := newFlowModel(n, in)
		for trial := 0; trial < 10; trial++ {
			sites := append([]int32(nil), in.fixed...)
			for _, q := range rng.Perm(len(in.free))[:in.k] {
				sites = append(sites, in.free[q])
			}
			m.reset()
			for _, j := range sites {
				m.add(j)
			}
			for _, iters := range []int{1, DefaultLagrangianIterations} {
				if b := m.bound(sites, iters); b < want-1e-6 {
					t.Errorf("seed %d: bound %v over %v (flow %v) is below the optimum %v", seed, b, in.names(sites), m.value, want)
				}
			}
		}
	}
}
