package rollout

import (
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Sequence decides in which phase each site opens, maximising the area under
// the cumulative coverage curve, and reports the plan phase by phase. Fixed
// sites open first, in the first phase; every other site opens in a phase no
// earlier than its EarliestPhase, after the sites that must precede it, and
// within every phase's MaxSites and Budget. Among equally good schedules it
// prefers, phase by phase, the one opening the smallest ids first; within a
// phase, sites are listed by marginal weight, ties by id. Sequence returns an EINVALID error
// naming the site or phase at fault when the input is malformed or the sites
// cannot all open by the last phase.
func Sequence(in Input) (*Plan, error) {
	p, err := newProblem(in)
	if err != nil {
		return nil, err
	}
	phaseOf, solver, proven, err := p.solve()
	if err != nil {
		return nil, err
	}
	return p.plan(phaseOf, solver, proven), nil
}

// solve returns the phase of each site.
func (p *problem) solve() (phaseOf []int, solver Solver, proven bool, err error) {
	limit := p.in.MaxExactSites
	if limit == 0 {
		limit = DefaultMaxExactSites
	}
	n := len(p.free)
	useExact := false
	switch p.in.Solver {
	case Exact:
		if n > MaxExactSitesLimit {
			return nil, "", false, invalid("the exact solver handles at most %d non-fixed sites; this rollout has %d", MaxExactSitesLimit, n)
		}
		useExact = true
	case Auto:
		useExact = n <= min(limit, MaxExactSitesLimit)
	}
	if useExact {
		phaseOf, ok, err := p.exact()
		if err != nil {
			return nil, "", false, err
		}
		if ok {
			return phaseOf, Exact, true, nil
		}
	}
	phaseOf, err = p.greedy()
	if err != nil {
		return nil, "", false, err
	}
	return phaseOf, Greedy, p.auc(phaseOf) >= p.aucBound()-p.eps, nil
}

// aucBound bounds the area under the curve from above: every unit reached
// from the earliest phase any of its sites could open in.
func (p *problem) aucBound() float64 {
	return p.auc(p.early)
}

// newPhaseOf returns a phase assignment with the fixed sites in the first
// phase and the others unassigned (-1).
func (p *problem) newPhaseOf() []int {
	phaseOf := make([]int, p.ns)
	for j := range phaseOf {
		phaseOf[j] = -1
	}
	for _, j := range p.fixed {
		phaseOf[j] = 0
	}
	return phaseOf
}

// phaseRoom returns the sites and budget left in each phase once the fixed
// sites are placed.
func (p *problem) phaseRoom() ([]int, []float64) {
	room := slices.Clone(p.maxSites)
	money := slices.Clone(p.budget)
	for _, j := range p.fixed {
		room[0]--
		money[0] -= p.in.Sites[j].Cost
	}
	return room, money
}

// exact is the dynamic programme over the set S of non-fixed sites open
// before each phase. V(t, S) is the best area still to come from phase t on;
// phase t opens a set T of available sites (ready, their predecessors in S)
// within its room and budget. Opening a site earlier never lowers the area
// and never makes a later phase harder, so only maximal sets T (no further
// available site fits) need be tried.
type exact struct {
	p        *problem
	n        int
	full     uint32
	covered  []float64 // covered weight of each set of non-fixed sites, fixed coverage included
	pred     []uint32  // per bit, the predecessors' bits
	ready    []int     // per bit, EarliestPhase
	lateMask []uint32  // per phase t, the bits whose latest phase is before t
	mustMask []uint32  // per phase t, the bits whose latest phase is t
	cost     []float64
	room     []int
	money    []float64
	memo     [][]float64 // per phase, NaN when not yet computed

	transitions, maxTransitions int
	aborted                     bool
}

// exact solves the problem exactly. It returns ok = false when its
// transition budget runs out, and an error when no schedule exists.
func (p *problem) exact() (phaseOf []int, ok bool, err error) {
	n := len(p.free)
	e := &exact{p: p, n: n, full: uint32(1)<<n - 1, maxTransitions: p.in.MaxTransitions}
	if e.maxTransitions == 0 {
		e.maxTransitions = DefaultMaxTransitions
	}
	bit := make([]int, p.ns) // site → bit, -1 for fixed
	for j := range bit {
		bit[j] = -1
	}
	for b, j := range p.free {
		bit[j] = b
	}
	e.pred = make([]uint32, n)
	e.ready = make([]int, n)
	e.cost = make([]float64, n)
	e.lateMask = make([]uint32, p.np+1)
	e.mustMask = make([]uint32, p.np)
	for b, j := range p.free {
		for _, a := range p.preds[j] {
			if bit[a] >= 0 {
				e.pred[b] |= 1 << bit[a]
			}
		}
		e.ready[b] = p.in.Sites[j].EarliestPhase
		e.cost[b] = p.in.Sites[j].Cost
		e.mustMask[p.late[j]] |= 1 << b
		for t := p.late[j] + 1; t <= p.np; t++ {
			e.lateMask[t] |= 1 << b
		}
	}
	e.room, e.money = p.phaseRoom()

	// Covered weight of every set by a zeta transform: g(X) is the weight of
	// the units whose non-fixed sites all lie in X, so a set S leaves exactly
	// g(full − S) of the coverable weight uncovered.
	mass := make([]float64, 1<<n)
	base, coverable := 0.0, 0.0
	for u := range p.nu {
		var mask uint32
		byFixed := false
		for _, j := range p.unitSites[u] {
			if bit[j] < 0 {
				byFixed = true
			} else {
				mask |= 1 << bit[j]
			}
		}
		w := p.in.Units[u].Weight
		switch {
		case byFixed:
			base += w
		case mask != 0:
			mass[mask] += w
			coverable += w
		}
	}
	for b := range n {
		step := uint32(1) << b
		for x := uint32(0); x <= e.full; x++ {
			if x&step != 0 {
				mass[x] += mass[x^step]
			}
		}
	}
	e.covered = make([]float64, 1<<n)
	for s := uint32(0); s <= e.full; s++ {
		e.covered[s] = base + coverable - mass[e.full&^s]
	}
	e.memo = make([][]float64, p.np)

	if v := e.value(0, 0); e.aborted {
		return nil, false, nil
	} else if math.IsInf(v, -1) {
		return nil, false, invalid("no schedule opens all %d sites by the last phase within the phases' MaxSites and Budget, readiness and precedence", p.ns)
	}

	// Walk forward through the optimal choices, breaking ties towards the
	// set holding the smallest id that differs. Every value on the way is
	// memoised, so the walk needs no budget.
	e.maxTransitions = math.MaxInt
	phaseOf = p.newPhaseOf()
	var s uint32
	for t := range p.np {
		var best uint32
		bestV := math.Inf(-1)
		e.maximal(t, s, func(set uint32) {
			v := p.durDays[t]*e.covered[s|set] + e.value(t+1, s|set)
			if v > bestV+p.eps || (v >= bestV-p.eps && prefer(set, best)) {
				best, bestV = set, math.Max(v, bestV)
			}
		})
		for rest := best; rest != 0; rest &= rest - 1 {
			phaseOf[p.free[bits.TrailingZeros32(rest)]] = t
		}
		s |= best
	}
	return phaseOf, true, nil
}

// prefer reports whether set a opens the site with the smallest id on which
// a and b differ.
func prefer(a, b uint32) bool {
	d := a ^ b
	return d != 0 && a&(d&-d) != 0
}

// value is V(t, s).
func (e *exact) value(t int, s uint32) float64 {
	if t == e.p.np {
		if s == e.full {
			return 0
		}
		return math.Inf(-1)
	}
	if e.lateMask[t]&^s != 0 {
		return math.Inf(-1) // a site missed its latest phase
	}
	if e.memo[t] == nil {
		e.memo[t] = make([]float64, 1<<e.n)
		for i := range e.memo[t] {
			e.memo[t][i] = math.NaN()
		}
	}
	if v := e.memo[t][s]; !math.IsNaN(v) {
		return v
	}
	best := math.Inf(-1)
	e.maximal(t, s, func(set uint32) {
		if e.aborted {
			return
		}
		if v := e.p.durDays[t]*e.covered[s|set] + e.value(t+1, s|set); v > best {
			best = v
		}
	})
	if e.aborted {
		return math.Inf(-1)
	}
	e.memo[t][s] = best
	return best
}

// maximal calls visit with each maximal set of sites phase t can open after
// the sites in s, the sites whose latest phase is t always included.
func (e *exact) maximal(t int, s uint32, visit func(uint32)) {
	var avail []int
	must := e.mustMask[t] &^ s
	var set uint32
	count, spent := 0, 0.0
	for b := range e.n {
		m := uint32(1) << b
		if s&m != 0 || e.ready[b] > t || e.pred[b]&^s != 0 {
			continue
		}
		if must&m != 0 {
			set |= m
			count++
			spent += e.cost[b]
		} else {
			avail = append(avail, b)
		}
	}
	room, money := e.room[t], e.money[t]
	tol := budgetTol(money)
	if set != must || count > room || spent > money+tol {
		return // a site that must open now is not available or does not fit
	}
	restCost := make([]float64, len(avail)+1)
	for k := len(avail) - 1; k >= 0; k-- {
		restCost[k] = restCost[k+1] + e.cost[avail[k]]
	}
	var dfs func(k int, set uint32, count int, spent, minOut float64)
	dfs = func(k int, set uint32, count int, spent, minOut float64) {
		if e.aborted {
			return
		}
		if k == len(avail) {
			if count < room && !math.IsInf(minOut, 1) && spent+minOut <= money+tol {
				return // not maximal: a left-out site still fits
			}
			if e.transitions++; e.transitions > e.maxTransitions {
				e.aborted = true
				return
			}
			visit(set)
			return
		}
		b := avail[k]
		if count < room && spent+e.cost[b] <= money+tol {
			dfs(k+1, set|1<<b, count+1, spent+e.cost[b], minOut)
		}
		// Leave b out only if the set could still end up full or over
		// budget for b.
		left := len(avail) - k - 1
		if count+left >= room || spent+restCost[k+1]+e.cost[b] > money+tol {
			dfs(k+1, set, count, spent, math.Min(minOut, e.cost[b]))
		}
	}
	dfs(0, set, count, spent, math.Inf(1))
}

// greedy tries three orderings of the sites within each phase — the most
// covered weight added, the most added per unit of cost, and a packing order
// (latest phase first, dearest first) — improves each feasible result by
// exchange and keeps the best.
func (p *problem) greedy() ([]int, error) {
	var best []int
	bestAUC := math.Inf(-1)
	var left []int
	keys := []greedyKey{byGain, byPacking}
	if slices.ContainsFunc(p.budget, func(b float64) bool { return !math.IsInf(b, 1) }) {
		keys = []greedyKey{byGain, byGainPerCost, byPacking}
	}
	for _, key := range keys {
		phaseOf, unplaced := p.greedyPass(key)
		if len(unplaced) > 0 {
			if left == nil {
				left = unplaced
			}
			continue
		}
		p.exchange(phaseOf)
		if a := p.auc(phaseOf); a > bestAUC+p.eps {
			best, bestAUC = phaseOf, a
		}
	}
	if best == nil {
		ids := make([]string, len(left))
		for k, j := range left {
			ids[k] = p.in.Sites[j].ID
		}
		return nil, invalid("the greedy solver could not fit site(s) %s into the phases; the phases' MaxSites and Budget with readiness and precedence may leave no room for them", strings.Join(ids, ", "))
	}
	return best, nil
}

type greedyKey int

const (
	byGain greedyKey = iota
	byGainPerCost
	byPacking
)

// greedyPass fills the phases in order; within a phase it opens sites that
// must open by then first, then the best by key. It returns the sites it
// could not place.
func (p *problem) greedyPass(key greedyKey) (phaseOf []int, unplaced []int) {
	phaseOf = p.newPhaseOf()
	covered := make([]bool, p.nu)
	for _, j := range p.fixed {
		for _, u := range p.covers[j] {
			covered[u] = true
		}
	}
	gain := func(j int) float64 {
		g := 0.0
		for _, u := range p.covers[j] {
			if !covered[u] {
				g += p.in.Units[u].Weight
			}
		}
		return g
	}
	room, money := p.phaseRoom()
	// better reports whether candidate a (gain ga) beats b (gain gb).
	better := func(t, a int, ga float64, b int, gb float64) bool {
		if fa, fb := p.late[a] == t, p.late[b] == t; fa != fb {
			return fa
		}
		ca, cb := p.in.Sites[a].Cost, p.in.Sites[b].Cost
		switch key {
		case byGainPerCost:
			ra, rb := ratio(ga, ca), ratio(gb, cb)
			if ra != rb {
				return ra > rb
			}
		case byPacking:
			if p.late[a] != p.late[b] {
				return p.late[a] < p.late[b]
			}
			if ca != cb {
				return ca > cb
			}
		}
		if ga != gb {
			return ga > gb
		}
		return p.in.Sites[a].ID < p.in.Sites[b].ID
	}
	for t := range p.np {
		for {
			best, bestGain := -1, 0.0
			for _, j := range p.free {
				if phaseOf[j] >= 0 || p.in.Sites[j].EarliestPhase > t || room[t] < 1 ||
					p.in.Sites[j].Cost > money[t]+budgetTol(money[t]) || !p.predsBefore(j, t, phaseOf) {
					continue
				}
				if g := gain(j); best < 0 || better(t, j, g, best, bestGain) {
					best, bestGain = j, g
				}
			}
			if best < 0 {
				break
			}
			phaseOf[best] = t
			room[t]--
			money[t] -= p.in.Sites[best].Cost
			for _, u := range p.covers[best] {
				covered[u] = true
			}
		}
	}
	for _, j := range p.free {
		if phaseOf[j] < 0 {
			unplaced = append(unplaced, j)
		}
	}
	return phaseOf, unplaced
}

func ratio(gain, cost float64) float64 {
	if cost == 0 {
		return math.Inf(1)
	}
	return gain / cost
}

// predsBefore reports whether all of site j's predecessors open before phase t.
func (p *problem) predsBefore(j, t int, phaseOf []int) bool {
	for _, a := range p.preds[j] {
		if phaseOf[a] < 0 || phaseOf[a] >= t {
			return false
		}
	}
	return true
}

// exchange improves a feasible schedule in place by the best of: moving one
// site to an earlier phase, or swapping the phases of two sites; until no
// move gains more than the tolerance.
//
// Each pass first tabulates gain[s][t], what moving site s alone to an
// earlier phase t adds. That is a single move's exact value and bounds a
// swap's: when s moves from q to r's later phase and r to q, the area
// changes by gain[r][q] minus what s loses, so swaps whose bound cannot beat
// the best move so far are not evaluated.
func (p *problem) exchange(phaseOf []int) {
	count := make([]int, p.np)
	spent := make([]float64, p.np)
	for j, t := range phaseOf {
		count[t]++
		spent[t] += p.in.Sites[j].Cost
	}
	cost := func(j int) float64 { return p.in.Sites[j].Cost }
	first := make([]int, p.nu)
	gain := make([][]float64, p.ns)
	for j := range gain {
		gain[j] = make([]float64, p.np)
	}
	stamp := make([]int, p.nu)
	round := 0
	var units []int32
	// swapDelta is the change in area when sites s and r trade phases.
	swapDelta := func(s, r int) float64 {
		round++
		units = units[:0]
		for _, j := range [2]int{s, r} {
			for _, u := range p.covers[j] {
				if stamp[u] != round {
					stamp[u] = round
					units = append(units, u)
				}
			}
		}
		before := 0.0
		for _, u := range units {
			before += p.in.Units[u].Weight * p.remDays[first[u]]
		}
		phaseOf[s], phaseOf[r] = phaseOf[r], phaseOf[s]
		after := 0.0
		for _, u := range units {
			after += p.in.Units[u].Weight * p.remDays[p.firstPhase(int(u), phaseOf)]
		}
		phaseOf[s], phaseOf[r] = phaseOf[r], phaseOf[s]
		return after - before
	}
	// fits reports whether site j may open in phase t while site o (or -1)
	// opens in phase to.
	fits := func(j, t, o, to int) bool {
		if t < p.in.Sites[j].EarliestPhase {
			return false
		}
		phaseAt := func(a int) int {
			if a == o {
				return to
			}
			return phaseOf[a]
		}
		for _, a := range p.preds[j] {
			if phaseAt(a) >= t {
				return false
			}
		}
		for _, b := range p.succs[j] {
			if phaseAt(b) <= t {
				return false
			}
		}
		return true
	}
	for pass := 0; pass < 10*p.ns+100; pass++ {
		for u := range p.nu {
			first[u] = p.firstPhase(u, phaseOf)
		}
		for _, j := range p.free {
			g := gain[j]
			clear(g)
			for _, u := range p.covers[j] {
				w := p.in.Units[u].Weight
				for t := 0; t < first[u]; t++ {
					g[t] += w * (p.remDays[t] - p.remDays[first[u]])
				}
			}
		}
		bestGain := p.eps
		bestS, bestR, bestT := -1, -1, -1
		for _, s := range p.free {
			q := phaseOf[s]
			for t := range q {
				if gain[s][t] > bestGain && count[t] < p.maxSites[t] &&
					spent[t]+cost(s) <= p.budget[t]+budgetTol(p.budget[t]) && fits(s, t, -1, 0) {
					bestGain, bestS, bestR, bestT = gain[s][t], s, -1, t
				}
			}
			for _, r := range p.free {
				pr := phaseOf[r]
				if pr <= q || gain[r][q] <= bestGain {
					continue
				}
				// s moves later to pr, r earlier to q.
				if spent[q]-cost(s)+cost(r) > p.budget[q]+budgetTol(p.budget[q]) ||
					spent[pr]-cost(r)+cost(s) > p.budget[pr]+budgetTol(p.budget[pr]) ||
					!fits(s, pr, r, q) || !fits(r, q, s, pr) {
					continue
				}
				if g := swapDelta(s, r); g > bestGain {
					bestGain, bestS, bestR, bestT = g, s, r, -1
				}
			}
		}
		switch {
		case bestS < 0:
			return
		case bestR < 0: // move
			from := phaseOf[bestS]
			count[from]--
			spent[from] -= cost(bestS)
			count[bestT]++
			spent[bestT] += cost(bestS)
			phaseOf[bestS] = bestT
		default: // swap
			ps, pr := phaseOf[bestS], phaseOf[bestR]
			spent[ps] += cost(bestR) - cost(bestS)
			spent[pr] += cost(bestS) - cost(bestR)
			phaseOf[bestS], phaseOf[bestR] = pr, ps
		}
	}
}
