package siting

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"placeplan"
)

// Model names a location model. Its string is the name scenario files,
// the command line ("placeplan sites --model") and the HTTP API use.
type Model string

// The models Solve dispatches to.
const (
	ModelMCLP        Model = "mclp"        // MCLP: the most demand weight within the standard
	ModelPMedian     Model = "pmedian"     // PMedian: the least weighted travel cost
	ModelLSCP        Model = "lscp"        // LSCP: the fewest sites that cover a share of the demand
	ModelCapacitated Model = "capacitated" // CapacitatedMCLP: MCLP with each site serving at most its capacity
)

// Models returns every model, in the order they are documented.
func Models() []Model { return []Model{ModelMCLP, ModelPMedian, ModelLSCP, ModelCapacitated} }

// ParseModel returns the model named s, or an invalid-input error that
// lists the models.
func ParseModel(s string) (Model, error) {
	ms := Models()
	if m := Model(s); slices.Contains(ms, m) {
		return m, nil
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = string(m)
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "siting: model %q: use %s or %s", s, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// String returns the model's name.
func (m Model) String() string { return string(m) }

// Minimises reports whether the model minimises its objective (p-median:
// travel cost; LSCP: sites), so that its Result bounds the optimum from
// below (LowerBound); MCLP and the capacitated model maximise the demand
// covered and bound it from above (UpperBound).
func (m Model) Minimises() bool { return m == ModelPMedian || m == ModelLSCP }

// Solve solves model m over n with pr: the one dispatch from a model's
// name to MCLP, PMedian, LSCP or CapacitatedMCLP. Like them, it stops soon
// after ctx is done and returns an error that wraps ctx.Err().
func Solve(ctx context.Context, n *Network, m Model, pr Problem) (*Result, error) {
	switch m {
	case ModelMCLP:
		return MCLP(ctx, n, pr)
	case ModelPMedian:
		return PMedian(ctx, n, pr)
	case ModelLSCP:
		return LSCP(ctx, n, pr)
	case ModelCapacitated:
		return CapacitatedMCLP(ctx, n, pr)
	}
	_, err := ParseModel(string(m))
	return nil, err
}

// Solver names an algorithm.
type Solver string

// The solvers. Auto picks exhaustive search when the number of combinations
// is small, branch and bound for a moderate number of candidates (falling
// back to greedy+swap if its node budget runs out), and greedy+swap otherwise.
const (
	Auto           Solver = ""
	Exhaustive     Solver = "exhaustive"
	BranchAndBound Solver = "branch-and-bound"
	GreedySwap     Solver = "greedy+swap"
)

// ProvenGap is the relative gap between a solution and its bound below
// which the solution is reported as proven optimal. The bound and the
// objective are sums of floating-point weights and the Lagrangian bound
// converges to the optimum without quite meeting it (Oxfordshire's hubs:
// 2.8e-9 apart), so one part in ten million counts as met.
const ProvenGap = 1e-7

// Defaults for Problem's zero values. CapacitatedMCLP's branch and bound
// has its own, smaller node budget: each of its nodes updates a maximum flow.
const (
	DefaultMaxCombinations       = 200_000
	DefaultMaxNodes              = 2_000_000
	DefaultCapacitatedMaxNodes   = 100_000
	DefaultLagrangianIterations  = 1000
	DefaultBranchAndBoundMaxFree = 120
)

// Problem is what to solve over a Network: how many sites, which are forced
// open or shut, fairness constraints, and solver limits. Zero limits take the
// defaults above.
type Problem struct {
	P        int      // sites to open, fixed sites included (ignored by LSCP)
	Fixed    []string // site ids always open; they count toward P
	Excluded []string // site ids never opened
	Groups   []Group  // every model opens at least Min sites of each group
	Solver   Solver

	// TargetShare (LSCP only) is the share of the total demand weight the
	// sites must cover, in (0, 1]; 0 means 1, all of it.
	TargetShare float64

	// UnreachableCost (p-median only, in the network's unit) is what a demand
	// point with no open site within the network's standard costs. Zero means
	// the network's standard, or, for a complete network (infinite standard),
	// the largest cost in it. See PMedian.
	UnreachableCost float64

	MaxCombinations      int // exhaustive search when C(free, P−fixed) ≤ this
	MaxNodes             int // branch-and-bound node budget (0: DefaultMaxNodes, or DefaultCapacitatedMaxNodes for CapacitatedMCLP)
	LagrangianIterations int // subgradient iterations for the greedy+swap bound
}

// Result is a solution. For MCLP and CapacitatedMCLP, Objective is the
// covered (served) demand weight and UpperBound bounds the optimum from
// above; for p-median, Objective is the weighted travel cost (weight × unit)
// and LowerBound bounds the optimum from below; for LSCP, Objective is the
// number of sites and LowerBound the fewest sites that could possibly reach
// the target.
//
// Served[k] is the demand weight that Selected[k] serves. For MCLP, p-median
// and LSCP each covered demand point's whole weight goes to its nearest open
// site within the standard (ties to the smaller site id); for
// CapacitatedMCLP it is the flow into the site, at most its capacity. Served
// sums to CoveredWeight.
type Result struct {
	Selected      []string  // site ids: the fixed ones (in id order), then each next the one that adds most to the objective given those before it
	Served        []float64 // demand weight served by each selected site, aligned with Selected
	Objective     float64
	UpperBound    float64 // MCLP and CapacitatedMCLP; equals Objective when ProvenOptimal
	LowerBound    float64 // p-median and LSCP
	CoveredWeight float64 // demand weight with an open site within the standard; for CapacitatedMCLP, the weight served within capacity
	TotalWeight   float64
	Solver        Solver
	ProvenOptimal bool
	Gap           float64 // relative: (bound − objective) / bound for MCLP, (objective − bound) / objective for p-median
}

// instance is the common form of the models: maximise
// f(S) = Σ_i max_{j∈S} v_ij over sets S of p sites containing the fixed ones,
// a monotone submodular function. MCLP has v_ij = w_i for pairs within the
// standard; p-median has v_ij = w_i (U − c_ij), the saving over the
// unreachable cost U.
type instance struct {
	nd, nc int
	dStart []int32
	dSite  []int32
	dVal   []float64
	cStart []int32
	cDem   []int32
	cVal   []float64
	cArc   []int32 // index of each candidate-major pair in the demand-major arrays

	ids      []string
	rank     []int32 // rank of each candidate in id order
	byID     []int32 // candidates in id order
	fixed    []int32 // in id order
	isFixed  []bool
	excluded []bool
	free     []int32 // candidates neither fixed nor excluded, in id order
	k        int     // free slots: p − len(fixed)
	eps      float64 // tolerance on objective comparisons
	// uniform is true when every pair of a demand point has the same value
	// (MCLP: its weight), which makes the Lagrangian's ρ a plain gather.
	uniform bool
	groups  *groupSet // nil without group minimums

	ctx  context.Context // the caller's: the solvers stop when it is done
	done <-chan struct{} // ctx.Done()
}

func newInstance(ctx context.Context, n *Network, pr Problem, value func(i int, a Arc) float64) (*instance, error) {
	if n == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: no network")
	}
	in := &instance{nd: len(n.Demands), nc: len(n.Candidates), ctx: ctx, done: ctx.Done()}
	in.ids = make([]string, in.nc)
	index := make(map[string]int32, in.nc)
	for j, c := range n.Candidates {
		in.ids[j] = c.ID
		index[c.ID] = int32(j)
	}
	in.byID = make([]int32, in.nc)
	for j := range in.byID {
		in.byID[j] = int32(j)
	}
	sort.Slice(in.byID, func(a, b int) bool { return in.ids[in.byID[a]] < in.ids[in.byID[b]] })
	in.rank = make([]int32, in.nc)
	for r, j := range in.byID {
		in.rank[j] = int32(r)
	}
	in.isFixed = make([]bool, in.nc)
	in.excluded = make([]bool, in.nc)
	for _, id := range pr.Excluded {
		j, ok := index[id]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: excluded site %q is not a candidate", id)
		}
		in.excluded[j] = true
	}
	for _, id := range pr.Fixed {
		j, ok := index[id]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: fixed site %q is not a candidate", id)
		}
		if in.excluded[j] {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: site %q is both fixed and excluded", id)
		}
		in.isFixed[j] = true
	}
	for _, j := range in.byID {
		switch {
		case in.isFixed[j]:
			in.fixed = append(in.fixed, j)
		case !in.excluded[j]:
			in.free = append(in.free, j)
		}
	}
	var err error
	if in.groups, err = newGroupSet(pr.Groups, index, in); err != nil {
		return nil, err
	}

	// Demand-major values, then the candidate-major transpose.
	in.dStart = make([]int32, in.nd+1)
	count := make([]int32, in.nc+1)
	var scale float64
	for i := 0; i < in.nd; i++ {
		for _, a := range n.Reach(i) {
			if in.excluded[a.Site] {
				continue
			}
			if v := value(i, a); v > 0 {
				in.dSite = append(in.dSite, int32(a.Site))
				in.dVal = append(in.dVal, v)
				count[a.Site+1]++
				scale = math.Max(scale, v)
			}
		}
		in.dStart[i+1] = int32(len(in.dSite))
	}
	for j := 0; j < in.nc; j++ {
		count[j+1] += count[j]
	}
	in.cStart = append([]int32(nil), count...)
	in.cDem = make([]int32, len(in.dSite))
	in.cVal = make([]float64, len(in.dSite))
	in.cArc = make([]int32, len(in.dSite))
	for i := 0; i < in.nd; i++ {
		for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
			j := in.dSite[t]
			in.cDem[count[j]] = int32(i)
			in.cVal[count[j]] = in.dVal[t]
			in.cArc[count[j]] = t
			count[j]++
		}
	}
	in.eps = 1e-9 * math.Max(scale, 1)
	in.uniform = true
	for i := 0; i < in.nd && in.uniform; i++ {
		for t := in.dStart[i] + 1; t < in.dStart[i+1]; t++ {
			if in.dVal[t] != in.dVal[in.dStart[i]] {
				in.uniform = false
				break
			}
		}
	}
	return in, nil
}

// newProblem is newInstance for a problem of pr.P sites.
func newProblem(ctx context.Context, n *Network, pr Problem, value func(i int, a Arc) float64) (*instance, error) {
	in, err := newInstance(ctx, n, pr, value)
	if err != nil {
		return nil, err
	}
	if err := in.setP(pr.P); err != nil {
		return nil, err
	}
	return in, nil
}

// stopped reports whether the caller's context is done. The solvers poll
// it between units of work (a search node, a greedy step, a swap tried, a
// subgradient iteration) and unwind; a poll is a non-blocking receive.
func (in *instance) stopped() bool {
	select {
	case <-in.done:
		return true
	default:
		return false
	}
}

// stopErr returns the context's error, wrapped, once it is done; else nil.
func (in *instance) stopErr() error {
	if err := in.ctx.Err(); err != nil {
		return fmt.Errorf("siting: solve stopped: %w", err)
	}
	return nil
}

func (in *instance) setP(p int) error {
	if p < len(in.fixed) {
		return placeplan.Errorf(placeplan.EINVALID, "siting: p = %d is fewer than the %d fixed sites", p, len(in.fixed))
	}
	if p-len(in.fixed) > len(in.free) {
		return placeplan.Errorf(placeplan.EINVALID, "siting: p = %d needs more sites than the %d available", p, len(in.fixed)+len(in.free))
	}
	in.k = p - len(in.fixed)
	return in.checkGroups(p)
}

// binomial returns C(n, k), saturating at limit+1.
func binomial(n, k, limit int) int {
	if k < 0 || k > n {
		return 0
	}
	if k > n-k {
		k = n - k
	}
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
		if c > float64(limit) {
			return limit + 1
		}
	}
	return int(math.Round(c))
}

// solution is a solver's answer in instance terms.
type solution struct {
	sites         []int32 // in order chosen
	value         float64
	bound         float64 // upper bound on the optimum of f
	solver        Solver
	provenOptimal bool
}

// solve maximises f with the solver pr asks for.
func (in *instance) solve(pr Problem) (solution, error) {
	return solve(in, newCover(in), pr)
}

// value computes f(S) from scratch.
func (in *instance) value(sites []int32) float64 {
	best := make([]float64, in.nd)
	for _, j := range sites {
		for t := in.cStart[j]; t < in.cStart[j+1]; t++ {
			if v := in.cVal[t]; v > best[in.cDem[t]] {
				best[in.cDem[t]] = v
			}
		}
	}
	var f float64
	for _, v := range best {
		f += v
	}
	return f
}

func (in *instance) names(sites []int32) []string {
	out := make([]string, len(sites))
	for i, j := range sites {
		out[i] = in.ids[j]
	}
	return out
}

// servedNearest gives each demand point's weight to its nearest open site in
// the network (Reach is ordered by cost, then site id) and returns the weight
// each of sites serves and the total.
func servedNearest(n *Network, sites []int32) ([]float64, float64) {
	open := openSet(len(n.Candidates), sites)
	load := make([]float64, len(n.Candidates))
	var total float64
	for i, d := range n.Demands {
		for _, a := range n.Reach(i) {
			if open[a.Site] {
				load[a.Site] += d.Weight
				total += d.Weight
				break
			}
		}
	}
	served := make([]float64, len(sites))
	for k, j := range sites {
		served[k] = load[j]
	}
	return served, total
}

func openSet(nc int, sites []int32) []bool {
	open := make([]bool, nc)
	for _, j := range sites {
		open[j] = true
	}
	return open
}

// MCLP solves the maximal covering location problem: open P sites (the fixed
// ones included, every group's minimum met) to maximise the demand weight
// with an open site within the network's standard. UpperBound is an upper
// bound on the optimum. It stops soon after ctx is done, returning an error
// that wraps ctx.Err(); so do PMedian, LSCP and CapacitatedMCLP.
func MCLP(ctx context.Context, n *Network, pr Problem) (*Result, error) {
	in, err := newProblem(ctx, n, pr, func(i int, _ Arc) float64 { return n.Demands[i].Weight })
	if err != nil {
		return nil, err
	}
	s, err := in.solve(pr)
	if err != nil {
		return nil, err
	}
	served, _ := servedNearest(n, s.sites)
	return coverResult(n, in, s, served, s.value), nil
}

// coverResult reports a maximised coverage — the demand weight covered
// within the standard (MCLP) or served within capacity (CapacitatedMCLP),
// value, with served per site — against the solver's upper bound. The gap
// is relative to the bound; a solution proven optimal, or within ProvenGap
// of its bound, is reported with gap 0 and its own value as the bound.
func coverResult(n *Network, in *instance, s solution, served []float64, value float64) *Result {
	r := &Result{
		Selected:      in.names(s.sites),
		Served:        served,
		Objective:     value,
		UpperBound:    math.Max(s.bound, value),
		CoveredWeight: value,
		TotalWeight:   n.TotalWeight(),
		Solver:        s.solver,
		ProvenOptimal: s.provenOptimal,
	}
	if r.UpperBound > 0 {
		r.Gap = (r.UpperBound - r.Objective) / r.UpperBound
	}
	if r.ProvenOptimal || r.Gap <= ProvenGap {
		r.Gap, r.ProvenOptimal, r.UpperBound = 0, true, r.Objective
	}
	return r
}

// PMedian solves the p-median problem: open P sites (the fixed ones
// included, every group's minimum met) to minimise the weighted travel cost from each demand point to
// its nearest open site. Only pairs kept in the network count as reachable;
// a demand point with no open site in reach costs UnreachableCost (default:
// the network's standard), so the model minimises Σ w_i · min(U, c_i(S)) —
// a capped p-median that equals the classical p-median whenever the network
// is complete (built with an infinite standard) or every demand point is
// served. LowerBound is a Lagrangian lower bound on the optimum.
func PMedian(ctx context.Context, n *Network, pr Problem) (*Result, error) {
	if n == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: no network")
	}
	u := pr.UnreachableCost
	if u == 0 {
		u = n.Standard
		if math.IsInf(u, 1) {
			u = 0
			for _, a := range n.arcs {
				u = math.Max(u, a.Cost)
			}
		}
	}
	if math.IsNaN(u) || math.IsInf(u, 0) || u < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: unreachable cost %v must be finite and non-negative", pr.UnreachableCost)
	}
	in, err := newProblem(ctx, n, pr, func(i int, a Arc) float64 { return n.Demands[i].Weight * (u - a.Cost) })
	if err != nil {
		return nil, err
	}
	s, err := in.solve(pr)
	if err != nil {
		return nil, err
	}
	total := n.TotalWeight()
	base := total * u
	served, covered := servedNearest(n, s.sites)
	r := &Result{
		Selected:      in.names(s.sites),
		Served:        served,
		Objective:     math.Max(base-s.value, 0),
		LowerBound:    math.Max(base-math.Max(s.bound, s.value), 0),
		CoveredWeight: covered,
		TotalWeight:   total,
		Solver:        s.solver,
		ProvenOptimal: s.provenOptimal,
	}
	if r.Objective > 0 {
		r.Gap = (r.Objective - r.LowerBound) / r.Objective
	}
	if r.Gap <= ProvenGap {
		r.Gap, r.ProvenOptimal, r.LowerBound = 0, true, r.Objective
	}
	return r, nil
}

// LSCP solves the location set covering problem: the fewest sites (fixed
// ones included, every group's minimum met) whose coverage within the
// network's standard reaches Problem.TargetShare (0 < share ≤ 1; 0 means 1)
// of the total demand weight. It solves MCLP for p = the fewest sites that meet the
// groups, then p+1, ... and stops at the first p that reaches the target;
// the answer is proven optimal when every smaller p was proven unable to
// reach it (its MCLP upper bound falls short). Problem.P is ignored. Objective is the number of sites, LowerBound the smallest p whose
// MCLP bound reaches the target.
func LSCP(ctx context.Context, n *Network, pr Problem) (*Result, error) {
	targetShare := pr.TargetShare
	if targetShare == 0 {
		targetShare = 1
	}
	if !(targetShare > 0 && targetShare <= 1) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: target share %v must be in (0, 1]", targetShare)
	}
	in, err := newInstance(ctx, n, pr, func(i int, _ Arc) float64 { return n.Demands[i].Weight })
	if err != nil {
		return nil, err
	}
	total := n.TotalWeight()
	target := targetShare*total - in.eps
	lower := -1
	proven := true
	// Smaller p cannot meet the groups.
	for p := len(in.fixed) + in.groupNeed(); p <= len(in.fixed)+len(in.free); p++ {
		if err := in.setP(p); err != nil {
			return nil, err
		}
		s, err := in.solve(pr)
		if err != nil {
			return nil, err
		}
		if lower < 0 && math.Max(s.bound, s.value) >= target {
			lower = p
		}
		if s.value >= target {
			served, _ := servedNearest(n, s.sites)
			r := &Result{
				Selected:      in.names(s.sites),
				Served:        served,
				Objective:     float64(p),
				LowerBound:    float64(lower),
				CoveredWeight: s.value,
				TotalWeight:   total,
				Solver:        s.solver,
				ProvenOptimal: proven || lower == p,
			}
			if r.ProvenOptimal {
				r.LowerBound = r.Objective
			}
			if r.Objective > 0 {
				r.Gap = (r.Objective - r.LowerBound) / r.Objective
			}
			return r, nil
		}
		if math.Max(s.bound, s.value) >= target {
			proven = false // this p might reach the target; the heuristic did not
		}
	}
	return nil, placeplan.Errorf(placeplan.EINVALID, "siting: no set of sites covers %.4g of the demand weight within the standard", targetShare)
}
