// Package rollout sequences a phased rollout of service sites and makes the
// rollout evaluable.
//
// Sequence decides in which phase each site opens so as to maximise the area
// under the cumulative coverage curve, Σ_t (weight covered after phase t) ×
// (days from phase t's start to the next start, or to End): the need reached
// soonest. Equivalently it maximises Σ_u weight_u × days from the start of
// the phase in which unit u is first reached to End.
//
// Randomise turns a plan into a stepped-wedge design by shuffling the order
// within strata of sites of similar need, and ComparisonAreas matches the
// units each phase newly reaches to units not yet served.
//
// Inputs are abstract: the caller builds the units (small areas) and the
// units each site reaches within the service standard from a travel network.
package rollout

import (
	"fmt"
	"math"
	"slices"
	"time"

	"placeplan"
)

// Unit is a small area that sites may reach.
type Unit struct {
	ID           string
	Weight       float64   // need-weighted demand, ≥ 0
	Population   float64   // relevant population (people), ≥ 0
	MostDeprived bool      // in England's most deprived decile
	Profile      []float64 // deprivation profile for matching comparison areas; the same length for every unit, may be empty
}

// Site is a service site to open in one of the phases.
type Site struct {
	ID            string
	Covers        []int   // indices into Input.Units reached within the service standard
	Cost          float64 // counts against a phase's Budget; 0 = none
	EarliestPhase int     // readiness: the first phase (0-based) the site can open in
}

// Phase is one step of the rollout. MaxSites and Budget count every site
// opening in the phase, the Fixed sites in the first phase included.
type Phase struct {
	Label    string    // e.g. "Phase 1"; empty means "Phase n"
	Start    time.Time // when the phase's sites open
	MaxSites int       // most sites opening in the phase; 0 = no limit
	Budget   float64   // most total Cost of the sites opening in the phase; 0 = no limit
}

// Solver names a sequencing algorithm.
type Solver string

// The solvers. Auto uses Exact up to Input.MaxExactSites non-fixed sites and
// Greedy beyond. Exact is a dynamic programme over the set of sites open at
// each phase boundary, proven optimal; if its transition budget runs out it
// falls back to Greedy. Greedy opens, phase by phase, the site adding the
// most covered weight that fits, then improves the schedule by moving sites
// earlier and exchanging pairs of sites between phases. Randomised marks a
// plan that Randomise drew.
const (
	Auto       Solver = ""
	Exact      Solver = "exact"
	Greedy     Solver = "greedy+exchange"
	Randomised Solver = "randomised"
)

// Defaults for Input's zero values.
const (
	DefaultMaxExactSites  = 16
	DefaultMaxTransitions = 20_000_000
	// MaxExactSitesLimit is the most non-fixed sites Exact accepts: its
	// tables hold 2^n entries per phase.
	MaxExactSitesLimit = 20
)

// Input is a rollout problem.
type Input struct {
	Units      []Unit
	Sites      []Site      // the sites to sequence; every one opens by the last phase
	Phases     []Phase     // in time order, starts strictly increasing
	End        time.Time   // end of the horizon; zero = last start + the last gap between starts (+6 months with one phase)
	Fixed      []string    // site ids already running or that must open first: they open in the first phase, in this order
	Precedence [][2]string // {a, b}: site a opens in an earlier phase than site b

	ProfileNames []string // names of the Profile variables; empty = "profile 1", "profile 2", …
	Noun         string   // plural noun for the population in summaries, e.g. "children"; empty = "people"
	WeightName   string   // what the weight is called in summaries, e.g. "children in income-deprived families"; empty = "need weight"
	// WeightText formats a weight in summaries; nil formats the number.
	// Callers use it to withhold small confidential counts.
	WeightText func(float64) string

	Solver         Solver
	MaxExactSites  int // Auto solves exactly up to this many non-fixed sites (at most MaxExactSitesLimit); 0 = DefaultMaxExactSites
	MaxTransitions int // Exact's budget of phase transitions examined before it falls back to Greedy; 0 = DefaultMaxTransitions
}

// unlimited stands for a phase without a MaxSites limit.
const unlimited = math.MaxInt32

// problem is a validated Input in index form.
type problem struct {
	in         Input
	nu, ns, np int
	labels     []string
	end        time.Time
	index      map[string]int

	covers    [][]int32 // per site, the units it reaches
	unitSites [][]int32 // per unit, the sites reaching it
	fixed     []int     // fixed sites in the given order
	isFixed   []bool
	free      []int // non-fixed sites in id order
	preds     [][]int
	succs     [][]int
	early     []int // earliest feasible phase under readiness and precedence
	late      []int // latest feasible phase under precedence

	durDays  []float64 // phase t: days from its start to the next start or End
	remDays  []float64 // phase t: days from its start to End
	maxSites []int     // unlimited when no limit
	budget   []float64 // +Inf when no limit

	totalWeight, totalPop, totalMD float64
	profileNames                   []string
	noun                           string
	weightName                     string
	weightText                     func(float64) string
	eps                            float64 // tolerance on objective comparisons (weight·days)
}

func invalid(format string, args ...any) error {
	return placeplan.Errorf(placeplan.EINVALID, "rollout: "+format, args...)
}

func finiteNonNeg(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// budgetTol is the tolerance on budget comparisons.
func budgetTol(b float64) float64 { return 1e-9 * math.Max(1, math.Abs(b)) }

func (p *problem) phaseName(t int) string { return fmt.Sprintf("phase %d (%q)", t, p.labels[t]) }

// newProblem validates in.
func newProblem(in Input) (*problem, error) {
	p := &problem{in: in, nu: len(in.Units), ns: len(in.Sites), np: len(in.Phases)}
	if p.np == 0 {
		return nil, invalid("no phases")
	}
	if p.ns == 0 {
		return nil, invalid("no sites to sequence")
	}
	switch in.Solver {
	case Auto, Exact, Greedy:
	default:
		return nil, invalid("unknown solver %q", in.Solver)
	}
	if in.MaxExactSites < 0 || in.MaxTransitions < 0 {
		return nil, invalid("MaxExactSites and MaxTransitions must not be negative")
	}

	// Phases and the horizon.
	p.labels = make([]string, p.np)
	p.maxSites = make([]int, p.np)
	p.budget = make([]float64, p.np)
	for t, ph := range in.Phases {
		p.labels[t] = ph.Label
		if p.labels[t] == "" {
			p.labels[t] = fmt.Sprintf("Phase %d", t+1)
		}
		switch {
		case ph.Start.IsZero():
			return nil, invalid("%s has no start", p.phaseName(t))
		case t > 0 && !ph.Start.After(in.Phases[t-1].Start):
			return nil, invalid("phases out of order: %s starts %s, not after %s", p.phaseName(t), ph.Start.Format(time.DateOnly), p.phaseName(t-1))
		case ph.MaxSites < 0:
			return nil, invalid("%s has negative MaxSites %d", p.phaseName(t), ph.MaxSites)
		case !finiteNonNeg(ph.Budget):
			return nil, invalid("%s has budget %v; want a finite number ≥ 0", p.phaseName(t), ph.Budget)
		}
		p.maxSites[t], p.budget[t] = ph.MaxSites, ph.Budget
		if ph.MaxSites == 0 {
			p.maxSites[t] = unlimited
		}
		if ph.Budget == 0 {
			p.budget[t] = math.Inf(1)
		}
	}
	last := in.Phases[p.np-1].Start
	p.end = in.End
	if p.end.IsZero() {
		if p.np == 1 {
			p.end = last.AddDate(0, 6, 0)
		} else {
			p.end = last.Add(last.Sub(in.Phases[p.np-2].Start))
		}
	}
	if !p.end.After(last) {
		return nil, invalid("end %s is not after the last phase's start %s", p.end.Format(time.DateOnly), last.Format(time.DateOnly))
	}
	p.durDays = make([]float64, p.np)
	p.remDays = make([]float64, p.np)
	for t := range in.Phases {
		next := p.end
		if t+1 < p.np {
			next = in.Phases[t+1].Start
		}
		p.durDays[t] = next.Sub(in.Phases[t].Start).Hours() / 24
		p.remDays[t] = p.end.Sub(in.Phases[t].Start).Hours() / 24
	}

	// Units.
	dims := -1
	for i, u := range in.Units {
		if !finiteNonNeg(u.Weight) {
			return nil, invalid("unit %d (%q) has weight %v; want a finite number ≥ 0", i, u.ID, u.Weight)
		}
		if !finiteNonNeg(u.Population) {
			return nil, invalid("unit %d (%q) has population %v; want a finite number ≥ 0", i, u.ID, u.Population)
		}
		if dims < 0 {
			dims = len(u.Profile)
		} else if len(u.Profile) != dims {
			return nil, invalid("unit %d (%q) has %d profile values; unit 0 has %d", i, u.ID, len(u.Profile), dims)
		}
		for k, x := range u.Profile {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, invalid("unit %d (%q) has profile value %d = %v", i, u.ID, k, x)
			}
		}
		p.totalWeight += u.Weight
		p.totalPop += u.Population
		if u.MostDeprived {
			p.totalMD += u.Population
		}
	}
	dims = max(dims, 0)
	switch {
	case len(in.ProfileNames) == 0:
		for k := range dims {
			p.profileNames = append(p.profileNames, fmt.Sprintf("profile %d", k+1))
		}
	case len(in.ProfileNames) != dims:
		return nil, invalid("%d profile names for %d profile values per unit", len(in.ProfileNames), dims)
	default:
		p.profileNames = slices.Clone(in.ProfileNames)
	}
	p.setWording(in)

	// Sites.
	p.index = make(map[string]int, p.ns)
	p.covers = make([][]int32, p.ns)
	p.unitSites = make([][]int32, p.nu)
	seen := make([]int, p.nu) // site index + 1 that last marked the unit
	for j, s := range in.Sites {
		if s.ID == "" {
			return nil, invalid("site %d has no id", j)
		}
		if _, dup := p.index[s.ID]; dup {
			return nil, invalid("site id %q appears twice", s.ID)
		}
		p.index[s.ID] = j
		if !finiteNonNeg(s.Cost) {
			return nil, invalid("site %q has cost %v; want a finite number ≥ 0", s.ID, s.Cost)
		}
		if s.EarliestPhase < 0 || s.EarliestPhase >= p.np {
			return nil, invalid("site %q has EarliestPhase %d; the phases are 0 to %d", s.ID, s.EarliestPhase, p.np-1)
		}
		p.covers[j] = make([]int32, 0, len(s.Covers))
		for _, u := range s.Covers {
			if u < 0 || u >= p.nu {
				return nil, invalid("site %q covers unit index %d, out of range [0, %d)", s.ID, u, p.nu)
			}
			if seen[u] == j+1 {
				return nil, invalid("site %q covers unit %d twice", s.ID, u)
			}
			seen[u] = j + 1
			p.covers[j] = append(p.covers[j], int32(u))
			p.unitSites[u] = append(p.unitSites[u], int32(j))
		}
	}

	// Fixed sites.
	p.isFixed = make([]bool, p.ns)
	fixedCost := 0.0
	for _, id := range in.Fixed {
		j, ok := p.index[id]
		if !ok {
			return nil, invalid("fixed site %q is not one of the sites", id)
		}
		if p.isFixed[j] {
			return nil, invalid("fixed site %q is listed twice", id)
		}
		if e := in.Sites[j].EarliestPhase; e > 0 {
			return nil, invalid("fixed site %q opens in the first phase but is not ready until %s", id, p.phaseName(e))
		}
		p.isFixed[j] = true
		p.fixed = append(p.fixed, j)
		fixedCost += in.Sites[j].Cost
	}
	if len(p.fixed) > p.maxSites[0] {
		return nil, invalid("%d fixed sites exceed %s's MaxSites of %d", len(p.fixed), p.phaseName(0), p.maxSites[0])
	}
	if fixedCost > p.budget[0]+budgetTol(p.budget[0]) {
		return nil, invalid("the fixed sites cost %v, more than %s's budget of %v", fixedCost, p.phaseName(0), p.budget[0])
	}
	for j := range p.ns {
		if !p.isFixed[j] {
			p.free = append(p.free, j)
		}
	}
	slices.SortFunc(p.free, func(a, b int) int { return compareStrings(in.Sites[a].ID, in.Sites[b].ID) })

	if err := p.precedence(); err != nil {
		return nil, err
	}
	if err := p.capacity(); err != nil {
		return nil, err
	}
	p.eps = 1e-9 * math.Max(1, p.totalWeight*p.remDays[0])
	return p, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// precedence builds the precedence graph, rejects cycles and works out each
// site's earliest and latest feasible phase.
func (p *problem) precedence() error {
	p.preds = make([][]int, p.ns)
	p.succs = make([][]int, p.ns)
	for _, pr := range p.in.Precedence {
		a, ok := p.index[pr[0]]
		if !ok {
			return invalid("precedence {%q, %q}: %q is not one of the sites", pr[0], pr[1], pr[0])
		}
		b, ok := p.index[pr[1]]
		if !ok {
			return invalid("precedence {%q, %q}: %q is not one of the sites", pr[0], pr[1], pr[1])
		}
		if a == b {
			return invalid("precedence {%q, %q}: a site cannot precede itself", pr[0], pr[1])
		}
		if p.isFixed[b] {
			return invalid("precedence {%q, %q}: fixed site %q opens in the first phase, so no site can open before it", pr[0], pr[1], pr[1])
		}
		if slices.Contains(p.succs[a], b) {
			continue
		}
		p.succs[a] = append(p.succs[a], b)
		p.preds[b] = append(p.preds[b], a)
	}

	// Kahn's algorithm, taking sites in index order.
	indeg := make([]int, p.ns)
	for b := range p.ns {
		indeg[b] = len(p.preds[b])
	}
	var topo, queue []int
	for j := range p.ns {
		if indeg[j] == 0 {
			queue = append(queue, j)
		}
	}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		topo = append(topo, j)
		for _, b := range p.succs[j] {
			if indeg[b]--; indeg[b] == 0 {
				queue = append(queue, b)
			}
		}
	}
	if len(topo) < p.ns {
		return invalid("precedence has a cycle: %s", p.cycle(indeg))
	}

	p.early = make([]int, p.ns)
	p.late = make([]int, p.ns)
	for _, j := range topo {
		p.early[j] = p.in.Sites[j].EarliestPhase
		for _, a := range p.preds[j] {
			p.early[j] = max(p.early[j], p.early[a]+1)
		}
		if p.early[j] >= p.np {
			return invalid("site %q cannot open by the last phase: readiness (EarliestPhase %d) and the sites it must follow put its earliest phase at %d, but the last is %s",
				p.in.Sites[j].ID, p.in.Sites[j].EarliestPhase, p.early[j], p.phaseName(p.np-1))
		}
	}
	for k := len(topo) - 1; k >= 0; k-- {
		j := topo[k]
		p.late[j] = p.np - 1
		if p.isFixed[j] {
			p.late[j] = 0
		}
		for _, b := range p.succs[j] {
			p.late[j] = min(p.late[j], p.late[b]-1)
		}
		if p.late[j] < p.early[j] {
			return invalid("precedence is impossible with readiness: site %q cannot open before %s but its successors need it open by phase %d",
				p.in.Sites[j].ID, p.phaseName(p.early[j]), p.late[j])
		}
	}
	return nil
}

// cycle names the sites of one precedence cycle among the sites Kahn's
// algorithm left with positive in-degree.
func (p *problem) cycle(indeg []int) string {
	start := -1
	for j := range p.ns {
		if indeg[j] > 0 {
			start = j
			break
		}
	}
	// Walk back through predecessors still in the cycle part until a site repeats.
	pos := map[int]int{}
	var path []int
	j := start
	for {
		if k, ok := pos[j]; ok {
			path = path[k:]
			break
		}
		pos[j] = len(path)
		path = append(path, j)
		for _, a := range p.preds[j] {
			if indeg[a] > 0 {
				j = a
				break
			}
		}
	}
	slices.Reverse(path)
	s := ""
	for _, j := range path {
		s += fmt.Sprintf("%q → ", p.in.Sites[j].ID)
	}
	return s + fmt.Sprintf("%q", p.in.Sites[path[0]].ID)
}

// capacity applies necessary conditions for all sites to fit the phases'
// MaxSites and Budget, so that the common infeasible inputs get a clear
// message before any search.
func (p *problem) capacity() error {
	cost := func(j int) float64 { return p.in.Sites[j].Cost }
	for j := range p.ns {
		fits := false
		for t := p.early[j]; t <= p.late[j]; t++ {
			if cost(j) <= p.budget[t]+budgetTol(p.budget[t]) {
				fits = true
			}
		}
		if !fits {
			return invalid("site %q costs %v, more than the budget of every phase it can open in (%s to %s)",
				p.in.Sites[j].ID, cost(j), p.phaseName(p.early[j]), p.phaseName(p.late[j]))
		}
	}
	for t := range p.np {
		// Sites that cannot open before t must fit phases t…last.
		n, c := 0, 0.0
		for j := range p.ns {
			if p.early[j] >= t {
				n, c = n+1, c+cost(j)
			}
		}
		slots, money := 0, 0.0
		for u := t; u < p.np; u++ {
			slots += p.maxSites[u]
			money += p.budget[u]
		}
		switch {
		case n > slots && t == 0:
			return invalid("not enough phase slots: %d sites, but the phases allow only %d (MaxSites)", n, slots)
		case n > slots:
			return invalid("not enough phase slots: %d sites cannot open before %s, but it and the later phases allow only %d (MaxSites)", n, p.phaseName(t), slots)
		case c > money+budgetTol(money) && t == 0:
			return invalid("not enough budget: the sites cost %v in all, but the phases' budgets add up to %v", c, money)
		case c > money+budgetTol(money):
			return invalid("not enough budget: the sites that cannot open before %s cost %v, but it and the later phases have only %v", p.phaseName(t), c, money)
		}
		// Sites that must open by t must fit phases 0…t.
		n, c = 0, 0
		for j := range p.ns {
			if p.late[j] <= t {
				n, c = n+1, c+cost(j)
			}
		}
		slots, money = 0, 0
		for u := 0; u <= t; u++ {
			slots += p.maxSites[u]
			money += p.budget[u]
		}
		if n > slots {
			return invalid("not enough phase slots: %d sites must open by %s, but it and the earlier phases allow only %d (MaxSites)", n, p.phaseName(t), slots)
		}
		if c > money+budgetTol(money) {
			return invalid("not enough budget: the sites that must open by %s cost %v, but it and the earlier phases have only %v", p.phaseName(t), c, money)
		}
	}
	return nil
}

// check reports whether a phase assignment (site index → phase) honours
// readiness, precedence, the fixed sites and every phase's MaxSites and
// Budget, and if not, why.
func (p *problem) check(phaseOf []int) error {
	count := make([]int, p.np)
	spent := make([]float64, p.np)
	for j, t := range phaseOf {
		s := p.in.Sites[j]
		switch {
		case t < 0 || t >= p.np:
			return invalid("site %q does not open in any phase", s.ID)
		case t < s.EarliestPhase:
			return invalid("site %q opens in %s before it is ready (EarliestPhase %d)", s.ID, p.phaseName(t), s.EarliestPhase)
		case p.isFixed[j] && t != 0:
			return invalid("fixed site %q opens in %s, not the first phase", s.ID, p.phaseName(t))
		}
		for _, b := range p.succs[j] {
			if phaseOf[b] <= t {
				return invalid("site %q must open in an earlier phase than %q", s.ID, p.in.Sites[b].ID)
			}
		}
		count[t]++
		spent[t] += s.Cost
	}
	for t := range p.np {
		if count[t] > p.maxSites[t] {
			return invalid("%s opens %d sites, more than its MaxSites of %d", p.phaseName(t), count[t], p.maxSites[t])
		}
		if spent[t] > p.budget[t]+budgetTol(p.budget[t]) {
			return invalid("%s's sites cost %v, more than its budget of %v", p.phaseName(t), spent[t], p.budget[t])
		}
	}
	return nil
}

// auc returns Σ_u weight_u × days from the start of the phase in which u is
// first reached to the end of the horizon.
func (p *problem) auc(phaseOf []int) float64 {
	a := 0.0
	for u := range p.nu {
		if t := p.firstPhase(u, phaseOf); t >= 0 {
			a += p.in.Units[u].Weight * p.remDays[t]
		}
	}
	return a
}

// firstPhase is the phase in which unit u is first reached, or -1.
func (p *problem) firstPhase(u int, phaseOf []int) int {
	first := -1
	for _, j := range p.unitSites[u] {
		if t := phaseOf[j]; t >= 0 && (first < 0 || t < first) {
			first = t
		}
	}
	return first
}

// setWording takes in's wording of the summaries, with the defaults.
func (p *problem) setWording(in Input) {
	p.noun = in.Noun
	if p.noun == "" {
		p.noun = "people"
	}
	p.weightName, p.weightText = in.WeightName, in.WeightText
	if p.weightName == "" {
		p.weightName = "need weight"
	}
	if p.weightText == nil {
		p.weightText = formatNumber
	}
}
