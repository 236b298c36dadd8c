package siting

import (
	"cmp"
	"container/heap"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// apply opens site j over the running best values cur, recording changes
// on undo when it is not nil, and returns the gain.
func (in *instance) apply(j int32, cur []float64, undo *[]change) float64 {
	var gain float64
	for t := in.cStart[j]; t < in.cStart[j+1]; t++ {
		i, v := in.cDem[t], in.cVal[t]
		if v > cur[i] {
			if undo != nil {
				*undo = append(*undo, change{i, cur[i]})
			}
			gain += v - cur[i]
			cur[i] = v
		}
	}
	return gain
}

// gain is the marginal value of opening j given the running best values cur.
func (in *instance) gain(j int32, cur []float64) float64 {
	var g float64
	for t := in.cStart[j]; t < in.cStart[j+1]; t++ {
		if d := in.cVal[t] - cur[in.cDem[t]]; d > 0 {
			g += d
		}
	}
	return g
}

type change struct {
	i   int32
	old float64
}

// topSum returns the sum of the k largest values of xs (xs is reordered).
func topSum(xs []float64, k int) float64 {
	if k <= 0 {
		return 0
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(xs)))
	var s float64
	for q := 0; q < k && q < len(xs); q++ {
		s += xs[q]
	}
	return s
}

// celfItem is a candidate in the lazy greedy queue with the gain computed
// when round sites had been chosen.
type celfItem struct {
	j     int32
	gain  float64
	round int
}

type celfQueue struct {
	items []celfItem
	rank  []int32
}

func (q *celfQueue) Len() int { return len(q.items) }
func (q *celfQueue) Less(a, b int) bool {
	if q.items[a].gain != q.items[b].gain {
		return q.items[a].gain > q.items[b].gain
	}
	return q.rank[q.items[a].j] < q.rank[q.items[b].j]
}
func (q *celfQueue) Swap(a, b int) { q.items[a], q.items[b] = q.items[b], q.items[a] }
func (q *celfQueue) Push(x any)    { q.items = append(q.items, x.(celfItem)) }
func (q *celfQueue) Pop() any {
	it := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return it
}

// greedy opens the fixed sites and then, k times, the free site with the
// largest marginal gain (ties to the smaller id) among those that leave the
// groups meetable, evaluating gains lazily (CELF): a stale gain is an upper
// bound on the current one, so only the head of the queue needs
// recomputing. A site that may not be opened this round waits aside with its
// gain, still an upper bound, and rejoins the queue after the round. cur, if
// not nil, receives the best values.
func (in *instance) greedy(cur []float64) solution {
	if cur == nil {
		cur = make([]float64, in.nd)
	}
	var val float64
	open := func(j int32) { val += in.apply(j, cur, nil) }
	sites := in.lazyGreedy(func(j int32) float64 { return in.gain(j, cur) }, open)
	return solution{sites: sites, value: val, solver: GreedySwap}
}

// lazyGreedy opens the fixed sites, then k free sites one at a time, each
// the one of largest gain (ties to the lower id) that keeps the groups
// meetable, re-evaluating a gain only when it may have fallen (CELF: the
// objective is submodular, so gains only fall). gain gives a site's gain
// over the sites open so far; open opens one. It returns the sites in the
// order opened, fewer than k free ones if the caller's context is done.
func (in *instance) lazyGreedy(gain func(int32) float64, open func(int32)) []int32 {
	sites := append(make([]int32, 0, len(in.fixed)+in.k), in.fixed...)
	for _, j := range in.fixed {
		open(j)
	}
	q := &celfQueue{items: make([]celfItem, 0, len(in.free)), rank: in.rank}
	for _, j := range in.free {
		if in.stopped() {
			return sites
		}
		q.items = append(q.items, celfItem{j: j, gain: gain(j), round: 0})
	}
	heap.Init(q)
	var st *groupState
	if in.groups != nil {
		st = in.groups.state()
	}
	var aside []celfItem
	for round := 0; round < in.k && q.Len() > 0 && !in.stopped(); {
		top := &q.items[0]
		if st != nil && !st.allowed(top.j, in.k-round) {
			aside = append(aside, heap.Pop(q).(celfItem))
			continue
		}
		if top.round == round {
			it := heap.Pop(q).(celfItem)
			open(it.j)
			sites = append(sites, it.j)
			if st != nil {
				st.open(it.j)
			}
			for _, a := range aside {
				heap.Push(q, a)
			}
			aside = aside[:0]
			round++
			continue
		}
		top.gain = gain(top.j)
		top.round = round
		heap.Fix(q, 0)
	}
	return sites
}

// greedySwap runs lazy greedy, then Teitz–Bart vertex substitution until no
// single swap of a chosen free site for an unchosen one improves f, then
// bounds the optimum by the better of a Lagrangian relaxation and the
// top-k marginal gains over the final solution. For MCLP (a uniform
// instance) the Lagrangian multipliers are then taken close to the LP
// optimum (lpDual) and, without groups, their reduced profits guide an
// iterated local search (perturb). Once the caller's context is done it
// returns what it has, which solve discards.
func (in *instance) greedySwap(pr Problem) solution {
	s := in.greedy(nil)
	if in.stopped() {
		return s
	}
	sites, val, best1, open := in.swap(s.sites)
	if in.stopped() {
		return s
	}

	// Lagrangian heuristic: the best relaxed solution, polished by swaps,
	// may beat greedy+swap.
	ub, y, lam := in.lagrangian(pr.LagrangianIterations, val)
	if y != nil {
		if ys, yv, yb, yo := in.swap(y); yv > val+in.eps {
			sites, val, best1, open = ys, yv, yb, yo
		}
	}
	// MCLP: multipliers near the LP optimum bound it more tightly, and
	// their reduced profits ρ point the perturbations at the sites an
	// optimum is made of.
	if in.uniform && in.k > 0 && !in.stopped() && !in.proves(val, ub) {
		lb, rho := in.lpDual(lam)
		ub = math.Min(ub, lb)
		if in.groups == nil && !in.stopped() && !in.proves(val, ub) {
			sites, val, best1, open = in.perturb(sites, val, best1, open, rho)
		}
	}
	s.sites, s.value = sites, val

	// Bound: OPT ≤ f(S) + the k largest marginal gains over S, or the
	// Lagrangian bound, whichever is tighter. Both bound the problem without
	// groups, a relaxation, so they bound the problem with them too.
	gains := make([]float64, 0, len(in.free))
	for _, j := range in.free {
		if !open[j] {
			gains = append(gains, in.gain(j, best1))
		}
	}
	s.bound = math.Min(val+topSum(gains, in.k), ub)
	s.provenOptimal = in.proves(val, s.bound)
	return s
}

// swap runs Teitz–Bart vertex substitution from sites (fixed sites first,
// the groups met): each unchosen free site in id order replaces the chosen
// free site whose removal gives the largest improvement among the swaps that
// keep every group at its minimum, until a full pass improves nothing. It
// returns the sites, f, each demand point's best value and the open set.
func (in *instance) swap(start []int32) ([]int32, float64, []float64, []bool) {
	return in.swapOver(start, in.free)
}

// swapOver is swap trying only the unchosen sites of pool, in its order.
func (in *instance) swapOver(start, pool []int32) ([]int32, float64, []float64, []bool) {
	sites := append([]int32(nil), start...)
	open := make([]bool, in.nc)
	for _, j := range sites {
		open[j] = true
	}
	best1 := make([]float64, in.nd)
	best2 := make([]float64, in.nd)
	site1 := make([]int32, in.nd)
	posOf := make([]int32, in.nc)
	loss := make([]float64, len(sites))
	// best values of demand point i over the open sites, and its share of
	// the loss of closing its best site.
	update := func(i int32) {
		b1, b2, s1 := 0.0, 0.0, int32(-1)
		for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
			j := in.dSite[t]
			if !open[j] {
				continue
			}
			v := in.dVal[t]
			switch {
			case v > b1 || v == b1 && s1 >= 0 && in.rank[j] < in.rank[s1]:
				b2, b1, s1 = b1, v, j
			case v > b2:
				b2 = v
			}
		}
		best1[i], best2[i], site1[i] = b1, b2, s1
		if s1 >= 0 {
			loss[posOf[s1]] += b2 - b1
		}
	}
	refresh := func() {
		for p := range posOf {
			posOf[p] = -1
		}
		for p, j := range sites {
			posOf[j] = int32(p)
			loss[p] = 0
		}
		for i := 0; i < in.nd; i++ {
			update(int32(i))
		}
	}
	refresh()
	// exchange closes the site at position p and opens j there, updating
	// only the demand points either of them reaches; every 64 exchanges a
	// full refresh clears rounding drift from the running losses.
	stamp := make([]int32, in.nd)
	var affected []int32
	exchanges := int32(0)
	exchange := func(p int, j int32) {
		out := sites[p]
		exchanges++
		affected = affected[:0]
		for _, k := range [2]int32{out, j} {
			for t := in.cStart[k]; t < in.cStart[k+1]; t++ {
				if i := in.cDem[t]; stamp[i] != exchanges {
					stamp[i] = exchanges
					affected = append(affected, i)
				}
			}
		}
		for _, i := range affected {
			if s1 := site1[i]; s1 >= 0 {
				loss[posOf[s1]] -= best2[i] - best1[i]
			}
		}
		open[out], open[j] = false, true
		posOf[out], posOf[j] = -1, int32(p)
		sites[p] = j
		loss[p] = 0
		if exchanges%64 == 0 {
			refresh()
			return
		}
		for _, i := range affected {
			update(i)
		}
	}
	nfixed := len(in.fixed)
	var st *groupState
	if in.groups != nil {
		st = in.groups.state()
		for _, j := range sites[nfixed:] {
			st.open(j)
		}
	}
	adj := make([]float64, len(sites))
	var touched []int32
	const maxPasses = 100
	for pass, improved := 0, true; improved && pass < maxPasses && in.k > 0 && !in.stopped(); pass++ {
		improved = false
		for _, j := range pool {
			if open[j] {
				continue
			}
			if in.stopped() {
				break
			}
			var g float64
			touched = touched[:0]
			for t := in.cStart[j]; t < in.cStart[j+1]; t++ {
				i, a := in.cDem[t], in.cVal[t]
				g1 := max(a-best1[i], 0)
				g += g1
				if s1 := site1[i]; s1 >= 0 {
					p := posOf[s1]
					if adj[p] == 0 {
						touched = append(touched, p)
					}
					adj[p] += max(a, best2[i]) - best2[i] - g1
				}
			}
			bestP, bestDelta := -1, in.eps
			for p := nfixed; p < len(sites); p++ {
				if st != nil && !st.swapOK(sites[p], j) {
					continue
				}
				if d := loss[p] + g + adj[p]; d > bestDelta || d == bestDelta && bestP >= 0 && in.rank[sites[p]] < in.rank[sites[bestP]] {
					bestP, bestDelta = p, d
				}
			}
			for _, p := range touched {
				adj[p] = 0
			}
			if bestP >= 0 {
				if st != nil {
					st.close(sites[bestP])
					st.open(j)
				}
				exchange(bestP, j)
				improved = true
			}
		}
	}
	var val float64
	for _, v := range best1 {
		val += v
	}
	return sites, val, best1, open
}

// lagrangian bounds max f from above by relaxing "each demand point is
// served by at most one site" with multipliers λ_i ≥ 0:
//
//	L(λ) = Σ_i λ_i + Σ_{j fixed} ρ_j + (sum of the k largest ρ_j over free j),
//	ρ_j  = Σ_i max(v_ij − λ_i, 0),
//
// minimised by subgradient optimisation (Held–Karp steps towards the best
// value found; the step factor halves after 40 iterations without a lower
// L). The groups are relaxed too, so L bounds the problem with them.
//
// It is also a heuristic. Every fifth iteration the relaxed choice (fixed
// sites plus the first k free sites in decreasing ρ that keep the groups
// meetable) is evaluated. And it rounds the relaxation: the share of
// iterations in which each site is among the k chosen tends to the LP
// optimum's site values, so at a third, two thirds and the end of the run
// the k most often chosen sites are polished by swaps (on England, 32,844
// LSOAs and 6,791 MSOA centres, this is 0.6 % better than greedy + swap).
// Each better value also sharpens the steps. It returns the smallest L
// seen, the best set found (nil if none beat best) and the multipliers
// of that L.
func (in *instance) lagrangian(iters int, best float64) (float64, []int32, []float64) {
	var bestY []int32
	cur := make([]float64, in.nd)
	lam := make([]float64, in.nd)
	for i := 0; i < in.nd; i++ {
		for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
			lam[i] = math.Max(lam[i], in.dVal[t])
		}
	}
	rho := make([]float64, in.nc)
	reduced := make([]float64, in.nd)
	freq := make([]float64, in.nc)
	order := append([]int32(nil), in.free...)
	cnt := make([]int32, in.nd)
	ub := math.Inf(1)
	bestLam := slices.Clone(lam)
	theta, stall := 2.0, 0
	byRho := func(a, b int32) int {
		if rho[a] != rho[b] {
			return cmp.Compare(rho[b], rho[a])
		}
		return cmp.Compare(in.rank[a], in.rank[b])
	}
	round := func() {
		byFreq := append([]int32(nil), in.free...)
		slices.SortFunc(byFreq, func(a, b int32) int {
			if freq[a] != freq[b] {
				return cmp.Compare(freq[b], freq[a])
			}
			return cmp.Compare(in.rank[a], in.rank[b])
		})
		if sites, v, _, _ := in.swap(in.feasiblePick(byFreq)); v > best+in.eps {
			best, bestY = v, sites
		}
	}
	for it := 0; it < iters && !in.stopped(); it++ {
		in.rhoInto(rho, lam, reduced)
		if in.groups == nil {
			topK(order, in.k, byRho) // the first k of order are the k largest, sorted
		} else {
			slices.SortFunc(order, byRho) // feasiblePick may look past the first k
		}
		var l float64
		for _, v := range lam {
			l += v
		}
		for _, j := range in.fixed {
			l += rho[j]
		}
		for _, j := range order[:in.k] {
			l += rho[j]
			freq[j]++
		}
		if it%5 == 0 {
			clear(cur)
			y := in.feasiblePick(order)
			var f float64
			for _, j := range y {
				f += in.apply(j, cur, nil)
			}
			if f > best+in.eps {
				best, bestY = f, y
			}
		}
		if it == iters/3 || it == 2*iters/3 {
			round()
		}
		if l < ub-in.eps {
			ub, stall = l, 0
			copy(bestLam, lam)
		} else if stall++; stall >= 40 {
			theta, stall = theta/2, 0
		}
		if ub-best <= in.eps || theta < 1e-3 {
			break
		}
		clear(cnt)
		mark := func(j int32) {
			for t := in.cStart[j]; t < in.cStart[j+1]; t++ {
				if i := in.cDem[t]; in.cVal[t] > lam[i] {
					cnt[i]++
				}
			}
		}
		for _, j := range in.fixed {
			mark(j)
		}
		for _, j := range order[:in.k] {
			mark(j)
		}
		var norm float64
		for i := range cnt {
			g := 1 - float64(cnt[i])
			if lam[i] <= 0 && g > 0 {
				continue
			}
			norm += g * g
		}
		if norm == 0 {
			break
		}
		step := theta * (l - best) / norm
		for i := range lam {
			lam[i] = max(0, lam[i]-step*(1-float64(cnt[i])))
		}
	}
	if in.k > 0 && !in.stopped() {
		round()
	}
	return ub, bestY, bestLam
}

// rhoInto computes ρ_j = Σ_i max(v_ij − λ_i, 0) for every site, over the
// candidate-major arrays, split across the processors when the network is
// large (it is most of the cost of a subgradient iteration).
func (in *instance) rhoInto(rho, lam, reduced []float64) {
	work := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			var r float64
			for t := in.cStart[j]; t < in.cStart[j+1]; t++ {
				if d := in.cVal[t] - lam[in.cDem[t]]; d > 0 {
					r += d
				}
			}
			rho[j] = r
		}
	}
	if in.uniform {
		// Every pair of demand i is worth v_i: ρ_j sums the reduced values
		// max(v_i − λ_i, 0), computed once per demand point.
		for i := 0; i < in.nd; i++ {
			reduced[i] = 0
			if s := in.dStart[i]; s < in.dStart[i+1] {
				reduced[i] = max(in.dVal[s]-lam[i], 0)
			}
		}
		work = func(lo, hi int) {
			for j := lo; j < hi; j++ {
				var r float64
				for _, i := range in.cDem[in.cStart[j]:in.cStart[j+1]] {
					r += reduced[i]
				}
				rho[j] = r
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 8)
	if len(in.cDem) < 200_000 || workers < 2 {
		work(0, in.nc)
		return
	}
	// Split by arcs, not by sites, so the workers finish together.
	var wg sync.WaitGroup
	lo := 0
	for w := 1; w <= workers; w++ {
		target := int32(int64(len(in.cDem)) * int64(w) / int64(workers))
		hi := lo
		for hi < in.nc && (in.cStart[hi] < target || w == workers) {
			hi++
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			work(lo, hi)
		}(lo, hi)
		lo = hi
	}
	wg.Wait()
}

// topK reorders xs so that its first k elements are the k smallest under
// compare, in order — a partial selection sort through a bounded heap, O(n log k).
func topK(xs []int32, k int, compare func(a, b int32) int) {
	if k <= 0 {
		return
	}
	if k >= len(xs) {
		slices.SortFunc(xs, compare)
		return
	}
	// Max-heap (under cmp) of the k best so far in xs[:k].
	h := xs[:k]
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= k {
				return
			}
			c := l
			if r := l + 1; r < k && compare(h[r], h[l]) > 0 {
				c = r
			}
			if compare(h[c], h[i]) <= 0 {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(xs); i++ {
		if compare(xs[i], h[0]) < 0 {
			xs[i], h[0] = h[0], xs[i]
			down(0)
		}
	}
	slices.SortFunc(h, compare)
}
