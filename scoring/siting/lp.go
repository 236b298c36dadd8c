package siting

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Settings of lpDual and perturb, tuned on England (32,844 LSOAs, 6,791
// MSOA centres, p = 50, 10 km), where they take the Lagrangian bound from
// 0.14 % above the LP optimum to 0.025 % and the answer 0.15 % higher.
const (
	lpStages      = 20    // smoothing levels of lpDual
	lpSweeps      = 6     // coordinate sweeps per level
	lpDecay       = 0.6   // each level's τ over the last's
	lpTauShare    = 0.012 // the first τ as a share of the k-th largest ρ
	perturbPool   = 1500  // free sites of largest ρ that perturb's swaps try
	perturbDraw   = 2     // × k: the sites of largest ρ that replace chosen ones
	perturbSites  = 5     // sites replaced per perturbation
	perturbRounds = 80    // perturbations tried, over all chains
	perturbChains = 2     // independent seeded chains, run side by side
)

// lpDual tightens the Lagrangian multipliers lam of a uniform instance
// (every pair of demand point i worth w_i, as in MCLP) towards the LP
// relaxation's optimum, whose value the Lagrangian dual equals. With λ_i in
// [0, w_i] and t the k-th largest ρ, the dual is
//
//	min Σ_i λ_i + Σ_{j fixed} ρ_j + k·t + Σ_{j free} max(ρ_j − t, 0),
//	ρ_j = Σ_{i reached by j} (w_i − λ_i),
//
// convex but not smooth, which is why subgradient steps stall short of
// its optimum. lpDual replaces max(z, 0) by τ·log(1 + e^{z/τ}) and
// minimises exactly along one λ_i at a time (coordinate descent, t kept
// optimal), halving τ's scale level by level from lam — which must already
// be good: coordinate descent refines, it does not travel far. Any λ gives
// a valid bound, so L is evaluated exactly after each level, and the
// least is returned with ρ at its multipliers (lam then holds them). It
// stops early, returning what it has, once the caller's context is done.
func (in *instance) lpDual(lam []float64) (float64, []float64) {
	w := make([]float64, in.nd)
	covered := make([]bool, in.nd) // by a fixed site: λ_i = w_i is optimal
	for i := 0; i < in.nd; i++ {
		if s := in.dStart[i]; s < in.dStart[i+1] {
			w[i] = in.dVal[s]
		}
		for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
			covered[i] = covered[i] || in.isFixed[in.dSite[t]]
		}
		lam[i] = min(max(lam[i], 0), w[i])
		if covered[i] {
			lam[i] = w[i]
		}
	}
	rho := make([]float64, in.nc)
	reduced := make([]float64, in.nd)
	free := make([]float64, len(in.free))
	exact := func() float64 {
		in.rhoInto(rho, lam, reduced)
		var l float64
		for _, v := range lam {
			l += v
		}
		for _, j := range in.fixed {
			l += rho[j]
		}
		for q, j := range in.free {
			free[q] = rho[j]
		}
		return l + topSum(free, in.k)
	}
	best := exact()
	bestLam := slices.Clone(lam)
	kth := free[in.k-1] // topSum sorted free in decreasing order
	tau := lpTauShare * math.Max(kth, in.eps)
	t := in.threshold(rho, kth, tau)
	var cs []float64
	for level := 0; level < lpStages && !in.stopped(); level++ {
		for sweep := 0; sweep < lpSweeps; sweep++ {
			for i := 0; i < in.nd; i++ {
				if covered[i] || w[i] == 0 {
					continue
				}
				li, wi := lam[i], w[i]
				// As a function of the new λ, site j's smoothed term is
				// τ·sp((c_j − λ)/τ); the sites far below stay at 0, one
				// far above pins λ at w_i.
				cs = cs[:0]
				pinned := false
				for a := in.dStart[i]; a < in.dStart[i+1]; a++ {
					switch c := rho[in.dSite[a]] + li - t; {
					case c > wi+40*tau:
						pinned = true
					case c >= -40*tau:
						cs = append(cs, c)
					}
				}
				nl := wi
				if !pinned {
					nl = rootSigmoidSum(cs, tau, 1, 0, wi, li)
				}
				if d := nl - li; d != 0 {
					for a := in.dStart[i]; a < in.dStart[i+1]; a++ {
						rho[in.dSite[a]] -= d
					}
					lam[i] = nl
				}
			}
			t = in.threshold(rho, t, tau)
		}
		if l := exact(); l < best {
			best = l
			copy(bestLam, lam)
		}
		tau *= lpDecay
		t = in.threshold(rho, t, tau)
	}
	copy(lam, bestLam)
	in.rhoInto(rho, lam, reduced)
	return best, rho
}

// threshold returns the t at which the free sites' smoothed choices
// σ((ρ_j − t)/τ) add up to k, starting from guess t.
func (in *instance) threshold(rho []float64, t, tau float64) float64 {
	cs := make([]float64, len(in.free))
	for q, j := range in.free {
		cs[q] = rho[j]
	}
	return rootSigmoidSum(cs, tau, float64(in.k), math.Inf(-1), math.Inf(1), t)
}

// rootSigmoidSum returns the x in [lo, hi] at which
// Σ_c σ((c − x)/τ) = target, a decreasing function of x (lo when the sum
// is at most target there, hi when it is at least target there), by
// Newton's method from guess, kept in a shrinking bracket; an end of the
// interval is evaluated only when a step reaches it.
func rootSigmoidSum(cs []float64, tau, target, lo, hi, guess float64) float64 {
	sum := func(x float64) (float64, float64) {
		var s, d float64
		for _, c := range cs {
			z := (c - x) / tau
			if z < -40 {
				continue
			}
			if z > 40 {
				s++
				continue
			}
			g := 1 / (1 + math.Exp(-z))
			s += g
			d += g * (1 - g) / tau
		}
		return s, d
	}
	x := min(max(guess, lo), hi)
	atLo, atHi := false, false // an end of the interval has been evaluated
	for it := 0; it < 60; it++ {
		s, d := sum(x)
		if math.Abs(s-target) < 1e-7*max(target, 1) {
			break
		}
		if s > target {
			if x == hi {
				return x // at the upper end, still above target
			}
			lo, atLo = x, true
		} else {
			if x == lo {
				return x
			}
			hi, atHi = x, true
		}
		n := x + (s-target)/max(d, 1e-300)
		switch {
		case n > lo && n < hi:
		case n >= hi && !atHi && !math.IsInf(hi, 1):
			n, atHi = hi, true
		case n <= lo && !atLo && !math.IsInf(lo, -1):
			n, atLo = lo, true
		case math.IsInf(lo, -1):
			n = hi - 2*math.Max(math.Abs(hi), tau)
		case math.IsInf(hi, 1):
			n = lo + 2*math.Max(math.Abs(lo), tau)
		default:
			n = (lo + hi) / 2
		}
		if n == x {
			break
		}
		x = n
	}
	return x
}

// perturb is an iterated local search from a swap-optimal set (fixed sites
// first, no groups). It starts from the better of that set and the LP
// dual's own choice (the k free sites of largest reduced profit ρ), both
// polished by swaps. Then, perturbRounds times, perturbSites chosen free
// sites are replaced by unchosen ones drawn from the perturbDraw·k of
// largest ρ (near the LP optimum's support: drawing from further down
// finds less on England), the result is polished by swaps over the
// perturbPool sites of largest ρ, and an improvement, polished by swaps
// over every site, is kept. The draws are seeded, so the
// answer is reproducible. It returns the best set's sites, value, best
// values and open set, as swap does.
func (in *instance) perturb(sites []int32, val float64, best1 []float64, open []bool, rho []float64) ([]int32, float64, []float64, []bool) {
	nfixed := len(in.fixed)
	if in.k < perturbSites || len(in.free) < in.k+perturbSites {
		return sites, val, best1, open
	}
	pool := slices.Clone(in.free)
	slices.SortFunc(pool, func(a, b int32) int {
		if rho[a] != rho[b] {
			return cmp.Compare(rho[b], rho[a])
		}
		return cmp.Compare(in.rank[a], in.rank[b])
	})
	pool = pool[:min(len(pool), max(perturbPool, perturbDraw*in.k))]
	draw := min(len(pool), perturbDraw*in.k)
	// The LP dual's own choice, the k free sites of largest ρ, is a start.
	if s, v, b, o := in.swap(append(slices.Clone(in.fixed), pool[:in.k]...)); v > val+in.eps {
		sites, val, best1, open = s, v, b, o
	}
	// Two seeded chains, run side by side, each from the start above; the
	// better answer wins (the first chain's on a tie), so the result does
	// not depend on how many processors run them.
	type answer struct {
		sites []int32
		val   float64
		best1 []float64
		open  []bool
	}
	var chains [perturbChains]answer
	var wg sync.WaitGroup
	for c := range chains {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			a := answer{slices.Clone(sites), val, best1, open}
			rng := rand.New(rand.NewPCG(uint64(in.nd), uint64(in.k*perturbChains+c)))
			try := make([]int32, len(a.sites))
			for round := 0; round < perturbRounds/perturbChains && !in.stopped(); round++ {
				copy(try, a.sites)
				chosen := openSet(in.nc, try)
				for q := 0; q < perturbSites; q++ {
					p := nfixed + rng.IntN(in.k)
					j := pool[rng.IntN(draw)]
					for chosen[j] {
						j = pool[rng.IntN(draw)]
					}
					chosen[try[p]], chosen[j] = false, true
					try[p] = j
				}
				if s, v, _, _ := in.swapOver(try, pool); v > a.val+in.eps {
					a.sites, a.val, a.best1, a.open = in.swap(s)
				}
			}
			chains[c] = a
		}(c)
	}
	wg.Wait()
	for _, a := range chains {
		if a.val > val+in.eps {
			sites, val, best1, open = a.sites, a.val, a.best1, a.open
		}
	}
	return sites, val, best1, open
}
