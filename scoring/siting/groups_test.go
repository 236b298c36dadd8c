package siting

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// eachSet calls visit with every set of p candidate sites (as an open mask)
// that contains fixed and avoids excluded. It visits nothing when p is out
// of range.
func eachSet(n *Network, p int, fixed, excluded []string, visit func(open []bool)) {
	idx := map[string]int{}
	for j, c := range n.Candidates {
		idx[c.ID] = j
	}
	open := make([]bool, len(n.Candidates))
	banned := make([]bool, len(n.Candidates))
	for _, id := range excluded {
		banned[idx[id]] = true
	}
	for _, id := range fixed {
		open[idx[id]] = true
	}
	var free []int
	for j := range n.Candidates {
		if !open[j] && !banned[j] {
			free = append(free, j)
		}
	}
	left := p - len(fixed)
	if left < 0 || left > len(free) {
		return
	}
	var rec func(pos, left int)
	rec = func(pos, left int) {
		if left == 0 {
			visit(open)
			return
		}
		for q := pos; q <= len(free)-left; q++ {
			open[free[q]] = true
			rec(q+1, left-1)
			open[free[q]] = false
		}
	}
	rec(0, left)
}

// groupsMet reports whether open meets every group's minimum.
func groupsMet(n *Network, open []bool, groups []Group) bool {
	return groupChecker(n, groups)(open)
}

// groupChecker returns a test of open against every group's minimum.
func groupChecker(n *Network, groups []Group) func(open []bool) bool {
	idx := map[string]int{}
	for j, c := range n.Candidates {
		idx[c.ID] = j
	}
	members := make([][]int, len(groups))
	for k, g := range groups {
		for _, id := range g.Sites {
			members[k] = append(members[k], idx[id])
		}
	}
	return func(open []bool) bool {
		for k, g := range groups {
			count := 0
			for _, j := range members[k] {
				if open[j] {
					count++
				}
			}
			if count < g.Min {
				return false
			}
		}
		return true
	}
}

// coverAndCost is the MCLP coverage and capped p-median cost of open,
// straight from the network.
func coverAndCost(n *Network, open []bool, u float64) (cover, cost float64) {
	for i, d := range n.Demands {
		c := u
		for _, a := range n.Reach(i) {
			if open[a.Site] {
				cover += d.Weight
				c = math.Min(c, a.Cost)
				break // arcs are cheapest first
			}
		}
		cost += d.Weight * c
	}
	return cover, cost
}

// bruteGroups is brute with group minimums; feasible is false when no set
// of p sites meets them.
func bruteGroups(n *Network, p int, fixed, excluded []string, groups []Group, u float64) (bestCover, bestCost float64, feasible bool) {
	bestCover, bestCost = -1, math.Inf(1)
	met := groupChecker(n, groups)
	eachSet(n, p, fixed, excluded, func(open []bool) {
		if !met(open) {
			return
		}
		feasible = true
		cover, cost := coverAndCost(n, open, u)
		bestCover = math.Max(bestCover, cover)
		bestCost = math.Min(bestCost, cost)
	})
	return bestCover, bestCost, feasible
}

// randomGroups draws 1–3 possibly overlapping groups of 2–5 sites with
// minimums of 0–2 (some then infeasible for small p, on purpose).
func randomGroups(rng *rand.Rand, c []Candidate) []Group {
	gs := make([]Group, 1+rng.IntN(3))
	for k := range gs {
		perm := rng.Perm(len(c))[:2+rng.IntN(4)]
		g := Group{Name: fmt.Sprintf("area%d", k), Min: rng.IntN(3)}
		for _, j := range perm {
			g.Sites = append(g.Sites, c[j].ID)
		}
		gs[k] = g
	}
	return gs
}

// checkResult checks what every result must satisfy: p distinct sites,
// fixed in, excluded out, groups met, Served aligned and summing to
// CoveredWeight.
func checkResult(t *testing.T, n *Network, r *Result, p int, pr Problem) {
	t.Helper()
	checkSelection(t, r, p, pr.Fixed, pr.Excluded)
	open := make([]bool, len(n.Candidates))
	idx := map[string]int{}
	for j, c := range n.Candidates {
		idx[c.ID] = j
	}
	for _, id := range r.Selected {
		open[idx[id]] = true
	}
	if !groupsMet(n, open, pr.Groups) {
		t.Errorf("selection %v does not meet groups %+v", r.Selected, pr.Groups)
	}
	if len(r.Served) != len(r.Selected) {
		t.Fatalf("%d served weights for %d sites", len(r.Served), len(r.Selected))
	}
	var sum float64
	for _, w := range r.Served {
		sum += w
	}
	if math.Abs(sum-r.CoveredWeight) > 1e-9*math.Max(1, r.CoveredWeight) {
		t.Errorf("served weights sum to %v, covered weight %v", sum, r.CoveredWeight)
	}
}

func TestGroupsAgainstBruteForce(t *testing.T) {
	const tol = 1e-6
	for seed := uint64(100); seed < 130; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		nc := 7 + rng.IntN(6)
		d, c := randomInstance(seed, 30+rng.IntN(40), nc)
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10 + 15*rng.Float64()})
		if err != nil {
			t.Fatal(err)
		}
		pr := Problem{Groups: randomGroups(rng, c)}
		if rng.IntN(3) == 0 {
			pr.Fixed = []string{c[rng.IntN(nc)].ID}
		}
		if rng.IntN(3) == 0 {
			if id := c[rng.IntN(nc)].ID; len(pr.Fixed) == 0 || id != pr.Fixed[0] {
				pr.Excluded = []string{id}
			}
		}
		p := len(pr.Fixed) + rng.IntN(4)
		want, wantCost, feasible := bruteGroups(n, p, pr.Fixed, pr.Excluded, pr.Groups, n.Standard)
		for _, s := range []Solver{Auto, Exhaustive, BranchAndBound, GreedySwap} {
			t.Run(fmt.Sprintf("seed%d/p%d/%s", seed, p, s), func(t *testing.T) {
				pr := pr
				pr.P, pr.Solver = p, s
				r, err := MCLP(context.Background(), n, pr)
				if !feasible {
					// Either a group cannot be met at all or not within p.
					checkInvalid(t, err, "group")
					_, err = PMedian(context.Background(), n, pr)
					checkInvalid(t, err, "group")
					return
				}
				if err != nil {
					t.Fatalf("groups %+v, p %d: %v", pr.Groups, p, err)
				}
				checkResult(t, n, r, p, pr)
				if r.UpperBound < want-tol || r.Objective > want+tol {
					t.Errorf("MCLP objective %v, bound %v, optimum %v", r.Objective, r.UpperBound, want)
				}
				if (s != GreedySwap || r.ProvenOptimal) && math.Abs(r.Objective-want) > tol {
					t.Errorf("MCLP %s objective %v, optimum %v (proven %v)", r.Solver, r.Objective, want, r.ProvenOptimal)
				}
				m, err := PMedian(context.Background(), n, pr)
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, n, m, p, pr)
				if m.LowerBound > wantCost*(1+tol) || m.Objective < wantCost*(1-tol) {
					t.Errorf("p-median objective %v, bound %v, optimum %v", m.Objective, m.LowerBound, wantCost)
				}
				if (s != GreedySwap || m.ProvenOptimal) && math.Abs(m.Objective-wantCost) > tol*wantCost {
					t.Errorf("p-median %s objective %v, optimum %v", m.Solver, m.Objective, wantCost)
				}
			})
		}
	}
}

// TestGroupsTightGreedy forces greedy+swap into instances where the groups
// take every slot, so any careless pick would strand a group.
func TestGroupsTightGreedy(t *testing.T) {
	d, c := randomInstance(61, 200, 32)
	randomCapacities(rand.New(rand.NewPCG(61, 1)), c, 8000)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(from, to int) []string {
		var out []string
		for j := from; j < to; j++ {
			out = append(out, c[j].ID)
		}
		return out
	}
	cases := []struct {
		name   string
		p      int
		groups []Group
	}{
		{"disjoint groups fill p", 4, []Group{{"north", ids(0, 10), 2}, {"south", ids(22, 32), 2}}},
		{"overlapping groups fill p with shared sites", 3, []Group{{"a", ids(0, 12), 2}, {"b", ids(8, 20), 2}, {"c", ids(18, 30), 1}}},
		{"nested groups", 5, []Group{{"all-west", ids(0, 16), 4}, {"far-west", ids(0, 5), 3}, {"east", ids(27, 32), 1}}},
		{"single site group", 2, []Group{{"one", []string{c[17].ID}, 1}, {"rest", ids(20, 32), 1}}},
	}
	for _, tc := range cases {
		want, wantCost, feasible := bruteGroups(n, tc.p, nil, nil, tc.groups, n.Standard)
		if !feasible {
			t.Fatalf("%s: brute force finds no feasible set", tc.name)
		}
		for _, s := range []Solver{GreedySwap, BranchAndBound} {
			t.Run(tc.name+"/"+string(s), func(t *testing.T) {
				pr := Problem{P: tc.p, Groups: tc.groups, Solver: s}
				r, err := MCLP(context.Background(), n, pr)
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, n, r, tc.p, pr)
				if r.UpperBound < want-1e-6 || (s == BranchAndBound && math.Abs(r.Objective-want) > 1e-6) {
					t.Errorf("objective %v, bound %v, optimum %v", r.Objective, r.UpperBound, want)
				}
				m, err := PMedian(context.Background(), n, pr)
				if err != nil {
					t.Fatal(err)
				}
				checkResult(t, n, m, tc.p, pr)
				if m.LowerBound > wantCost*(1+1e-9) || (s == BranchAndBound && math.Abs(m.Objective-wantCost) > 1e-6*wantCost) {
					t.Errorf("p-median objective %v, bound %v, optimum %v", m.Objective, m.LowerBound, wantCost)
				}
				// Capacitated: branch and bound's proven optimum is the
				// reference for greedy+swap.
				cr, err := CapacitatedMCLP(context.Background(), n, pr)
				if err != nil {
					t.Fatal(err)
				}
				checkCapacitated(t, n, cr, pr)
				pr.Solver = BranchAndBound
				exact, err := CapacitatedMCLP(context.Background(), n, pr)
				if err != nil {
					t.Fatal(err)
				}
				if !exact.ProvenOptimal || cr.Objective > exact.Objective+1e-6 || cr.UpperBound < exact.Objective-1e-6 {
					t.Errorf("capacitated %s objective %v, bound %v; proven optimum %v", s, cr.Objective, cr.UpperBound, exact.Objective)
				}
			})
		}
	}
}

func TestLSCPWithGroups(t *testing.T) {
	for seed := uint64(140); seed < 150; seed++ {
		rng := rand.New(rand.NewPCG(seed, 5))
		d, c := randomInstance(seed, 50, 10)
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 20})
		if err != nil {
			t.Fatal(err)
		}
		pr := Problem{Groups: randomGroups(rng, c)}
		share := 0.3 + 0.6*rng.Float64()
		want := -1
		for p := 0; p <= len(c) && want < 0; p++ {
			if cov, _, ok := bruteGroups(n, p, nil, nil, pr.Groups, n.Standard); ok && cov >= share*n.TotalWeight()-1e-9 {
				want = p
			}
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			r, err := LSCP(context.Background(), n, withTarget(pr, share))
			if want < 0 {
				checkInvalid(t, err, "covers")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, n, r, want, pr)
			if int(r.Objective) != want || !r.ProvenOptimal || r.CoveredWeight < share*r.TotalWeight-1e-9 {
				t.Errorf("got %+v, want %d sites", r, want)
			}
		})
	}
}

func TestServedIsNearestOpenSite(t *testing.T) {
	d, c := randomInstance(71, 200, 25)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 20})
	if err != nil {
		t.Fatal(err)
	}
	pr := Problem{P: 6, Fixed: []string{"s004"}, Groups: []Group{{"low", []string{"s000", "s001", "s002"}, 1}}}
	check := func(t *testing.T, r *Result) {
		t.Helper()
		checkResult(t, n, r, len(r.Selected), pr)
		at := map[string]int{}
		for k, id := range r.Selected {
			at[id] = k
		}
		want := make([]float64, len(r.Selected))
		for i, dm := range d {
			best, bestCost := "", math.Inf(1)
			for j, cand := range c {
				if _, ok := at[cand.ID]; !ok {
					continue
				}
				cost := -1.0
				for _, a := range n.Reach(i) {
					if a.Site == j {
						cost = a.Cost
					}
				}
				if cost >= 0 && (cost < bestCost || cost == bestCost && cand.ID < best) {
					best, bestCost = cand.ID, cost
				}
			}
			if best != "" {
				want[at[best]] += dm.Weight
			}
		}
		for k := range want {
			if math.Abs(want[k]-r.Served[k]) > 1e-9 {
				t.Errorf("site %s serves %v, want %v", r.Selected[k], r.Served[k], want[k])
			}
		}
	}
	t.Run("mclp", func(t *testing.T) {
		r, err := MCLP(context.Background(), n, pr)
		if err != nil {
			t.Fatal(err)
		}
		check(t, r)
	})
	t.Run("pmedian", func(t *testing.T) {
		r, err := PMedian(context.Background(), n, pr)
		if err != nil {
			t.Fatal(err)
		}
		check(t, r)
	})
	t.Run("lscp", func(t *testing.T) {
		r, err := LSCP(context.Background(), n, withTarget(pr, 0.6))
		if err != nil {
			t.Fatal(err)
		}
		check(t, r)
	})
}

func TestGroupsInvalid(t *testing.T) {
	d, c := toy()
	n, _ := BuildNetwork(d, c, CostOptions{StandardKm: 5})
	cases := []struct {
		name string
		pr   Problem
		want string
		lscp bool // LSCP, which ignores P, refuses it too
	}{
		{"unknown site names group and id", Problem{P: 1, Groups: []Group{{"north", []string{"S", "Q"}, 1}}}, `group "north": site "Q" is not a candidate`, true},
		{"negative minimum", Problem{P: 1, Groups: []Group{{"north", []string{"S"}, -1}}}, `group "north": minimum -1 is negative`, true},
		{"no name", Problem{P: 1, Groups: []Group{{"", []string{"S"}, 1}}}, "group 1 has no name", true},
		{"duplicate name", Problem{P: 2, Groups: []Group{{"x", []string{"S"}, 1}, {"x", []string{"L"}, 1}}}, `duplicate group name "x"`, true},
		{"site listed twice", Problem{P: 1, Groups: []Group{{"north", []string{"S", "S"}, 1}}}, `group "north" lists site "S" twice`, true},
		{"minimum above the group's sites", Problem{P: 3, Groups: []Group{{"north", []string{"S", "O"}, 3}}}, `group "north" needs 3 open sites but has only 2`, true},
		{"minimum above the non-excluded sites", Problem{P: 2, Excluded: []string{"O"}, Groups: []Group{{"north", []string{"S", "O"}, 2}}}, "has only 1 that are not excluded", true},
		{"disjoint groups exceed p", Problem{P: 1, Groups: []Group{{"north", []string{"S", "O"}, 1}, {"south", []string{"L"}, 1}}},
			`p = 1 is too small for the group minimums: groups "north" (1 more), "south" (1 more) need 2 sites besides the 0 fixed, but p leaves 1`, false},
		{"fixed sites leave too few slots", Problem{P: 2, Fixed: []string{"S", "O"}, Groups: []Group{{"south", []string{"L"}, 1}}}, `groups "south" (1 more) need 1 sites besides the 2 fixed, but p leaves 0`, false},
		{"overlapping groups need more than p", Problem{P: 2, Groups: []Group{{"a", []string{"S", "O"}, 2}, {"b", []string{"O", "L"}, 2}}}, "need 3 sites", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MCLP(context.Background(), n, tc.pr)
			checkInvalid(t, err, tc.want)
			_, err = PMedian(context.Background(), n, tc.pr)
			checkInvalid(t, err, tc.want)
			if tc.lscp {
				_, err = LSCP(context.Background(), n, withTarget(tc.pr, 0.5))
				checkInvalid(t, err, tc.want)
			}
		})
	}
}

func TestFixedSitesCountTowardGroups(t *testing.T) {
	d, c := toy()
	n, _ := BuildNetwork(d, c, CostOptions{StandardKm: 5})
	// O covers only b (5); without the group, p = 2 picks {L, S}. With a
	// group of {O, S} needing 1 and S fixed, {L, S} is still allowed.
	pr := Problem{P: 2, Fixed: []string{"S"}, Groups: []Group{{"west", []string{"O", "S"}, 1}}}
	r, err := MCLP(context.Background(), n, pr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Selected, ",") != "S,L" || r.Objective != 17 {
		t.Errorf("got %v covering %v, want S,L covering 17", r.Selected, r.Objective)
	}
	// Needing 2 of {O, S} forces O in.
	pr.Groups[0].Min = 2
	if r, err = MCLP(context.Background(), n, pr); err != nil || strings.Join(r.Selected, ",") != "S,O" || r.Objective != 15 {
		t.Errorf("got %+v, %v; want S,O covering 15", r, err)
	}
}

// TestGroupNeedMatchesBruteForce checks the fewest sites that meet the
// groups — by the cluster branch and bound and by the dynamic programme
// behind it — against trying every set of sites, on random overlapping
// groups, some sites fixed or excluded.
func TestGroupNeedMatchesBruteForce(t *testing.T) {
	for seed := uint64(400); seed < 460; seed++ {
		rng := rand.New(rand.NewPCG(seed, 31))
		nc := 8 + rng.IntN(5)
		d, c := randomInstance(seed, 5, nc)
		n, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
		if err != nil {
			t.Fatal(err)
		}
		groups := make([]Group, 2+rng.IntN(4))
		for k := range groups {
			g := Group{Name: fmt.Sprint("g", k), Min: 1 + rng.IntN(3)}
			for _, j := range rng.Perm(nc)[:g.Min+rng.IntN(4)] {
				g.Sites = append(g.Sites, c[j].ID)
			}
			groups[k] = g
		}
		pr := Problem{Groups: groups}
		if rng.IntN(2) == 0 {
			pr.Fixed = []string{c[0].ID}
		}
		if rng.IntN(2) == 0 {
			pr.Excluded = []string{c[1].ID}
		}
		in, err := newInstance(context.Background(), n, pr, func(i int, _ Arc) float64 { return n.Demands[i].Weight })
		if err != nil {
			continue // a group larger than its non-excluded sites
		}
		want := -1
		met := groupChecker(n, groups)
		for p := len(pr.Fixed); p <= nc && want < 0; p++ {
			eachSet(n, p, pr.Fixed, pr.Excluded, func(open []bool) {
				if want < 0 && met(open) {
					want = p - len(pr.Fixed)
				}
			})
		}
		got := in.groupNeed()
		if got != want {
			t.Errorf("seed %d groups %+v: need %d sites, brute force %d", seed, groups, got, want)
		}
		// Both cluster solvers on every cluster, from the start and after
		// opening a few sites.
		st := in.groups.state()
		opened := map[int32]bool{}
		for step := 0; step < 3; step++ {
			for c := range in.groups.clusters {
				def := make([]int, len(in.groups.clusters[c]))
				for k, g := range in.groups.clusters[c] {
					def[k] = st.deficit(g)
				}
				avail := make([]int, len(in.groups.clusterTyp[c]))
				for k, ty := range in.groups.clusterTyp[c] {
					avail[k] = st.avail[ty]
				}
				bb, ok := in.groups.coverSearch(c, def, avail)
				dp := in.groups.coverDP(c, def, avail)
				if !ok || bb != dp {
					t.Errorf("seed %d cluster %d def %v avail %v: search %d (%v), programme %d", seed, c, def, avail, bb, ok, dp)
				}
			}
			if j := in.free[rng.IntN(len(in.free))]; !opened[j] {
				opened[j] = true
				st.open(j)
			}
		}
	}
}

// withTarget returns pr asking LSCP to cover share of the demand weight.
func withTarget(pr Problem, share float64) Problem {
	pr.TargetShare = share
	return pr
}
