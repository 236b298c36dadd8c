package siting

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sort"

	"placeplan"
)

// searcher is what the branch-and-bound driver needs of a model: a set of
// open sites that grows one site at a time and rolls back, and the marginal
// gain of a site over it. The objective must be monotone and submodular in
// the open set, so that a site's gain never rises as others open: that is
// what lets the largest remaining gains bound a node, and a parent's gains
// bound its children's.
type searcher interface {
	reset()               // close every site; opens from here on can be rolled back
	open(j int32) float64 // open site j and return its gain
	mark() int            // a point to roll back to
	rollback(mark int)    // close what was opened since mark
	gain(j int32) float64 // the gain of opening j, leaving the set as it is
}

// model is a location model as the solvers see it: a searcher, how the
// driver should treat it, its own heuristics, and the objective of a set
// computed afresh.
type model interface {
	searcher
	policy() policy
	greedy() solution               // lazy greedy: the incumbent of a search
	greedySwap(pr Problem) solution // greedy, swaps and an upper bound
	evaluate(sites []int32) float64 // the objective of sites, from scratch
}

// policy is how the driver treats a model under Auto and by default.
type policy struct {
	maxNodes int // node budget when Problem.MaxNodes is zero
	// heuristicFirst runs greedy+swap before branch and bound, skips the
	// search when its bound proves it and otherwise seeds the search with
	// it; without it the search runs first, from a greedy incumbent, and
	// greedy+swap only when the search is too big or runs out of nodes.
	// The uncapacitated models' greedy+swap is cheap and its Lagrangian
	// bound often proves it optimal, saving the search; the capacitated
	// model's re-routes flow for every swap it tries, so where a search
	// is possible it runs first.
	heuristicFirst bool
}

// solve maximises the model's objective over in's sets with the solver pr
// asks for: exhaustive search, branch and bound (greedy+swap when its node
// budget runs out), greedy+swap, or, for Auto, exhaustive search when the
// sets are few, else branch and bound and greedy+swap as the model's
// policy says (the search only with at most DefaultBranchAndBoundMaxFree
// free sites). Once the caller's context is done it returns its error.
func solve(in *instance, m model, pr Problem) (solution, error) {
	s, err := choose(in, m, pr)
	if err == nil {
		err = in.stopErr()
	}
	if err == nil {
		s.sites = byGain(in, m, s.sites)
		err = in.stopErr()
	}
	if err != nil {
		return solution{}, err
	}
	return s, nil
}

// byGain orders the chosen sites by what each adds to the objective: the
// fixed sites first, in id order, then one at a time the chosen site whose
// opening adds the most to those before it (ties to the smaller id). The
// solvers find a set, not an order (an exhaustive search enumerates sets
// in id order); this is the order a reader can follow — each site's gain
// is its contribution given the ones listed above it. Gains are evaluated
// lazily, as in lazyGreedy: the objective is submodular, so a stale gain
// bounds the current one. It leaves m holding the chosen set, and stops
// early (its order then unfinished) once the caller's context is done.
func byGain(in *instance, m searcher, sites []int32) []int32 {
	m.reset()
	out := make([]int32, 0, len(sites))
	q := &celfQueue{rank: in.rank}
	for _, j := range sites {
		if in.isFixed[j] {
			out = append(out, j)
			continue
		}
		q.items = append(q.items, celfItem{j: j})
	}
	slices.SortFunc(out, func(a, b int32) int { return cmp.Compare(in.rank[a], in.rank[b]) })
	for _, j := range out {
		m.open(j)
	}
	for k := range q.items {
		q.items[k].gain = m.gain(q.items[k].j)
		q.items[k].round = 0
	}
	heap.Init(q)
	for round := 0; q.Len() > 0 && !in.stopped(); {
		if top := &q.items[0]; top.round != round {
			top.gain, top.round = m.gain(top.j), round
			heap.Fix(q, 0)
			continue
		}
		it := heap.Pop(q).(celfItem)
		m.open(it.j)
		out = append(out, it.j)
		round++
	}
	return out
}

// choose is solve's choice of solvers. A search that stops because the
// context is done reports false, like one out of nodes; then nothing
// more is run.
func choose(in *instance, m model, pr Problem) (solution, error) {
	pol := m.policy()
	if pr.MaxNodes <= 0 {
		pr.MaxNodes = pol.maxNodes
	}
	if pr.MaxCombinations <= 0 {
		pr.MaxCombinations = DefaultMaxCombinations
	}
	if pr.LagrangianIterations <= 0 {
		pr.LagrangianIterations = DefaultLagrangianIterations
	}
	switch pr.Solver {
	case Exhaustive:
		s, _ := search(in, m, false, 0, nil)
		return s, nil
	case BranchAndBound:
		if s, ok := search(in, m, true, pr.MaxNodes, nil); ok || in.stopped() {
			return s, nil
		}
		return m.greedySwap(pr), nil
	case GreedySwap:
		return m.greedySwap(pr), nil
	case Auto:
		if binomial(len(in.free), in.k, pr.MaxCombinations) <= pr.MaxCombinations {
			s, _ := search(in, m, false, 0, nil)
			return s, nil
		}
		searchable := len(in.free) <= DefaultBranchAndBoundMaxFree
		if pol.heuristicFirst {
			// When greedy+swap's bound meets it, it is proven optimal and
			// the search is not needed (Oxfordshire's 86 neighbourhoods:
			// 15 ms instead of 3 s); else it seeds the search.
			g := m.greedySwap(pr)
			if g.provenOptimal || !searchable {
				return g, nil
			}
			if s, ok := search(in, m, true, pr.MaxNodes, &g); ok {
				return s, nil
			}
			return g, nil
		}
		if searchable {
			if s, ok := search(in, m, true, pr.MaxNodes, nil); ok || in.stopped() {
				return s, nil
			}
		}
		return m.greedySwap(pr), nil
	}
	return solution{}, placeplan.Errorf(placeplan.EINVALID, "siting: unknown solver %q", pr.Solver)
}

// search enumerates every set of k free sites in a fixed order, keeping the
// first strictly best one that meets the groups; nodes whose remaining
// choices cannot meet a group's deficit are skipped. With prune it is a
// branch and bound: the sites are tried in order of decreasing initial
// gain, from an incumbent (greedy's unless one is given), and a node is cut
// when its value plus the largest remaining marginal gains cannot beat the
// incumbent (valid because the objective is submodular; ignoring the groups
// only loosens the cut). A parent's gains bound its children's, so they are
// tried first and a node's own gains are computed only when they fail to
// cut. It reports false when the node budget ran out or the caller's
// context is done (polled at every node).
func search(in *instance, m model, prune bool, maxNodes int, incumbent *solution) (solution, bool) {
	order := append([]int32(nil), in.free...)
	solver := Exhaustive
	bestVal := math.Inf(-1)
	var best []int32
	if prune {
		solver = BranchAndBound
		if incumbent == nil {
			g := m.greedy()
			incumbent = &g
		}
		bestVal, best = incumbent.value, incumbent.sites[len(in.fixed):]
	}
	m.reset()
	var base float64
	for _, j := range in.fixed {
		base += m.open(j)
	}
	var stale []float64
	if prune {
		g := make([]float64, in.nc)
		for _, j := range order {
			g[j] = m.gain(j)
		}
		sort.SliceStable(order, func(a, b int) bool { return g[order[a]] > g[order[b]] })
		stale = make([]float64, len(order))
		for q, j := range order {
			stale[q] = g[j]
		}
	}
	var st *groupState
	var suf []int32
	if in.groups != nil {
		st, suf = in.groups.state(), in.groups.suffixCounts(order)
	}
	var fresh [][]float64 // a node's own gains at each depth, by position in order
	var buf []float64
	if prune {
		fresh, buf = make([][]float64, in.k+1), make([]float64, 0, len(order))
	}
	chosen := make([]int32, 0, in.k)
	nodes := 0
	aborted := false
	var rec func(pos int, val float64, stale []float64)
	rec = func(pos int, val float64, stale []float64) {
		if aborted {
			return
		}
		nodes++
		if prune && nodes > maxNodes || in.stopped() {
			aborted = true
			return
		}
		if st != nil && !st.canComplete(suf, pos, in.k-len(chosen)) {
			return
		}
		if len(chosen) == in.k {
			if val > bestVal+in.eps {
				bestVal = val
				best = append([]int32(nil), chosen...)
			}
			return
		}
		need := in.k - len(chosen)
		if prune {
			cut := func(g []float64) bool {
				buf = append(buf[:0], g[pos:]...)
				return val+topSum(buf, need) <= bestVal+in.eps
			}
			if cut(stale) {
				return
			}
			g := fresh[len(chosen)]
			if g == nil {
				g = make([]float64, len(order))
				fresh[len(chosen)] = g
			}
			for q := pos; q < len(order); q++ {
				g[q] = m.gain(order[q])
			}
			if cut(g) {
				return
			}
			stale = g
		}
		for q := pos; q <= len(order)-need; q++ {
			j := order[q]
			mark := m.mark()
			g := m.open(j)
			chosen = append(chosen, j)
			if st != nil {
				st.open(j)
			}
			rec(q+1, val+g, stale)
			if st != nil {
				st.close(j)
			}
			chosen = chosen[:len(chosen)-1]
			m.rollback(mark)
		}
	}
	rec(0, base, stale)
	if aborted {
		return solution{}, false
	}
	sites := append(append([]int32(nil), in.fixed...), best...)
	v := m.evaluate(sites)
	return solution{sites: sites, value: v, bound: v, solver: solver, provenOptimal: true}, true
}

// proves reports whether a bound on the optimum proves a value optimal:
// within the objective's rounding (eps) or ProvenGap of it.
func (in *instance) proves(value, bound float64) bool {
	return bound-value <= math.Max(in.eps, ProvenGap*value)
}

// cover is the uncapacitated models' searcher: each demand point's best
// value over the open sites, with a log of changes to roll back.
type cover struct {
	in   *instance
	cur  []float64
	undo []change
}

var _ model = (*cover)(nil)

func newCover(in *instance) *cover { return &cover{in: in} }

// policy gives the uncapacitated models the full node budget and
// greedy+swap first.
func (*cover) policy() policy { return policy{maxNodes: DefaultMaxNodes, heuristicFirst: true} }

func (c *cover) reset() {
	if c.cur == nil {
		c.cur = make([]float64, c.in.nd) // only a search needs it
	}
	clear(c.cur)
	c.undo = c.undo[:0]
}

func (c *cover) open(j int32) float64 { return c.in.apply(j, c.cur, &c.undo) }
func (c *cover) mark() int            { return len(c.undo) }

func (c *cover) rollback(mark int) {
	for u := len(c.undo) - 1; u >= mark; u-- {
		c.cur[c.undo[u].i] = c.undo[u].old
	}
	c.undo = c.undo[:mark]
}

func (c *cover) gain(j int32) float64           { return c.in.gain(j, c.cur) }
func (c *cover) greedy() solution               { return c.in.greedy(nil) }
func (c *cover) greedySwap(pr Problem) solution { return c.in.greedySwap(pr) }
func (c *cover) evaluate(sites []int32) float64 { return c.in.value(sites) }
