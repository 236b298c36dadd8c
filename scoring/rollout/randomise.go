package rollout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"placeplan"
)

// RandomiseOptions configures Randomise.
type RandomiseOptions struct {
	Seed        uint64 // seeds a math/rand/v2 PCG; the same seed gives the same draw
	StratumSize int    // consecutive non-fixed sites per stratum; 0 = 2; at most MaxStratumSize

	ClusterName   string // plural noun for the sites in the verdict, e.g. "teams"; empty = "sites"
	FinerUnits    int    // how many finer units could be randomised instead; 0 = the units the non-fixed sites newly reach
	FinerUnitName string // plural noun for them, e.g. "neighbourhoods (MSOAs)"; empty = "small areas"
}

// Limits and thresholds of Randomise.
const (
	MaxStratumSize = 8 // strata are enumerated: 8! = 40,320 orders
	// MinAllocations is the fewest distinct allocations with which a
	// randomisation test can reach p < 0.05.
	MinAllocations = 20
	// maxJointAllocations is the most combinations of strata enumerated to
	// count and draw the allocations exactly.
	maxJointAllocations = 200_000
)

// Stratum is a run of consecutive non-fixed sites in the planned order,
// sites of similar need, whose order Randomise shuffles over the same phase
// slots.
type Stratum struct {
	Sites       []string // in the planned order
	Phases      []int    // the phase slots (0-based), in the planned order
	Drawn       []string // the randomised order: Drawn[k] opens in Phases[k]
	Allocations int      // distinct assignments of its sites to its slots that honour the constraints, the other strata as planned
	Note        string   // why the stratum cannot be randomised, if it cannot
}

// BalanceRow compares the units a phase newly reaches in a randomised plan.
// Means are NaN when the phase reaches no new unit.
type BalanceRow struct {
	Label             string
	Sites             int     // sites opening in the phase
	Units             int     // units newly reached
	MeanWeight        float64 // weight per newly reached unit
	Population        float64 // population newly reached
	MostDeprivedShare float64 // share of Population living in most deprived decile units
	ProfileMeans      []float64
}

// Evaluation is a stepped-wedge rollout: a plan whose order within strata of
// similar need was drawn at random, and what the design can show.
type Evaluation struct {
	Plan        *Plan // the randomised plan
	Seed        uint64
	StratumSize int
	Strata      []Stratum

	// Allocations is the number of distinct phase assignments the design
	// could have drawn. When AllocationsExact it was counted over all
	// strata jointly and the draw is uniform over them; otherwise it is the
	// product of the strata's own counts and each stratum was drawn in turn
	// given the strata before it.
	Allocations      float64
	AllocationsExact bool
	MinPValue        float64 // 1 / Allocations: the smallest p-value a randomisation test can reach

	RandomisedSites  int // non-fixed sites in strata with more than one allocation
	RandomisedStrata int // strata with more than one allocation

	AUCLoss      float64 // planned AUC − randomised AUC, weight × days
	AUCLossShare float64 // AUCLoss / planned AUC

	ProfileNames []string
	Balance      []BalanceRow // per phase of the randomised plan

	Evaluable bool   // at least 2 randomised sites and strata and MinAllocations allocations
	Verdict   string // plain words
}

// Randomise makes plan evaluable as a stepped wedge. It keeps the fixed
// sites in the first phase, cuts the other sites, in the plan's order, into
// strata of StratumSize consecutive sites, and draws at random which site of
// each stratum takes which of the stratum's phase slots, among the
// assignments that honour readiness, precedence, MaxSites and Budget.
// Rather than re-drawing until a draw fits, it enumerates the assignments:
// when the strata allow at most 200,000 combinations it counts those that
// fit jointly and draws one uniformly; otherwise it draws each stratum in
// turn, uniformly among its assignments that fit given the strata before.
// in must be the input plan was made from.
func Randomise(in Input, plan *Plan, opts RandomiseOptions) (*Evaluation, error) {
	p, err := newProblem(in)
	if err != nil {
		return nil, err
	}
	planned, err := p.phaseOfPlan(plan)
	if err != nil {
		return nil, err
	}
	size := opts.StratumSize
	if size == 0 {
		size = 2
	}
	if size < 2 || size > MaxStratumSize {
		return nil, invalid("stratum size %d: want 2 to %d", size, MaxStratumSize)
	}
	if opts.FinerUnits < 0 {
		return nil, invalid("FinerUnits %d is negative", opts.FinerUnits)
	}

	// Strata over the non-fixed sites in planned order.
	var seq []int
	for _, ph := range plan.Phases {
		for _, o := range ph.Sites {
			if j := p.index[o.ID]; !p.isFixed[j] {
				seq = append(seq, j)
			}
		}
	}
	type stratum struct {
		sites   []int
		choices [][]int // distinct phase vectors, aligned with sites
	}
	var strata []stratum
	for k := 0; k < len(seq); k += size {
		st := stratum{sites: seq[k:min(k+size, len(seq))]}
		slots := make([]int, len(st.sites))
		for i, j := range st.sites {
			slots[i] = planned[j]
		}
		slices.Sort(slots)
		for {
			st.choices = append(st.choices, slices.Clone(slots))
			if !nextPermutation(slots) {
				break
			}
		}
		strata = append(strata, st)
	}

	ev := &Evaluation{Seed: opts.Seed, StratumSize: size, ProfileNames: p.profileNames}
	phaseOf := slices.Clone(planned)
	apply := func(st stratum, choice []int) {
		for i, j := range st.sites {
			phaseOf[j] = choice[i]
		}
	}
	restore := func(st stratum) {
		for _, j := range st.sites {
			phaseOf[j] = planned[j]
		}
	}

	// Each stratum's feasible choices with the others as planned.
	feasible := make([][]int, len(strata)) // indices into choices
	joint := 1.0
	for s, st := range strata {
		for c, choice := range st.choices {
			apply(st, choice)
			if p.check(phaseOf) == nil {
				feasible[s] = append(feasible[s], c)
			}
		}
		restore(st)
		joint *= float64(len(st.choices))
	}

	rng := rand.New(rand.NewPCG(opts.Seed, 0x726f6c6c6f7574)) // stream "rollout"
	if joint <= maxJointAllocations {
		// Count the jointly feasible allocations, then draw one uniformly.
		digits := make([]int, len(strata))
		each := func(visit func() bool) {
			clear(digits)
			for {
				for s, st := range strata {
					apply(st, st.choices[digits[s]])
				}
				if p.check(phaseOf) == nil && !visit() {
					return
				}
				s := len(strata) - 1
				for ; s >= 0; s-- {
					if digits[s]++; digits[s] < len(strata[s].choices) {
						break
					}
					digits[s] = 0
				}
				if s < 0 {
					return
				}
			}
		}
		n := 0
		each(func() bool { n++; return true })
		pick := rng.IntN(n) // n ≥ 1: the plan itself is feasible
		each(func() bool { pick--; return pick >= 0 })
		ev.Allocations, ev.AllocationsExact = float64(n), true
	} else {
		// Draw stratum by stratum, each given the strata already drawn.
		ev.Allocations = 1
		for s, st := range strata {
			ev.Allocations *= float64(len(feasible[s]))
			var ok []int
			for c, choice := range st.choices {
				apply(st, choice)
				if p.check(phaseOf) == nil {
					ok = append(ok, c)
				}
			}
			if len(ok) == 0 {
				restore(st) // cannot happen while later strata are as planned
				continue
			}
			apply(st, st.choices[ok[rng.IntN(len(ok))]])
		}
	}
	if err := p.check(phaseOf); err != nil {
		return nil, internalError(err)
	}
	ev.MinPValue = 1 / ev.Allocations

	for s, st := range strata {
		out := Stratum{Allocations: len(feasible[s])}
		for _, j := range st.sites {
			out.Sites = append(out.Sites, p.in.Sites[j].ID)
			out.Phases = append(out.Phases, planned[j])
		}
		drawn := slices.Clone(st.sites)
		slices.SortStableFunc(drawn, func(a, b int) int { return phaseOf[a] - phaseOf[b] })
		for _, j := range drawn {
			out.Drawn = append(out.Drawn, p.in.Sites[j].ID)
		}
		switch {
		case len(st.sites) < 2:
			out.Note = "a single site: nothing to randomise"
		case len(st.choices) == 1:
			out.Note = "all its sites open in the same phase: nothing to randomise"
		case len(feasible[s]) < 2:
			out.Note = "readiness, precedence or budget allow only the planned order"
		}
		if out.Allocations > 1 {
			ev.RandomisedStrata++
			ev.RandomisedSites += len(st.sites)
		}
		ev.Strata = append(ev.Strata, out)
	}

	ev.Plan = p.plan(phaseOf, Randomised, false)
	if a := p.auc(planned); a > 0 {
		ev.AUCLoss = a - ev.Plan.AUC
		ev.AUCLossShare = ev.AUCLoss / a
	}
	ev.Balance = p.balance(ev.Plan)
	p.verdict(ev, len(seq), opts)
	return ev, nil
}

// nextPermutation advances a to its next permutation in lexicographic
// order, skipping repeats, and reports false after the last.
func nextPermutation(a []int) bool {
	i := len(a) - 2
	for i >= 0 && a[i] >= a[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(a) - 1
	for a[j] <= a[i] {
		j--
	}
	a[i], a[j] = a[j], a[i]
	slices.Reverse(a[i+1:])
	return true
}

// phaseOfPlan reads the phase of each site from a plan made for p.
func (p *problem) phaseOfPlan(plan *Plan) ([]int, error) {
	if plan == nil {
		return nil, invalid("no plan")
	}
	if len(plan.Phases) != p.np {
		return nil, invalid("the plan has %d phases; the input has %d", len(plan.Phases), p.np)
	}
	phaseOf := make([]int, p.ns)
	for j := range phaseOf {
		phaseOf[j] = -1
	}
	for t, ph := range plan.Phases {
		for _, o := range ph.Sites {
			j, ok := p.index[o.ID]
			if !ok {
				return nil, invalid("the plan opens site %q, which is not in the input", o.ID)
			}
			if phaseOf[j] >= 0 {
				return nil, invalid("the plan opens site %q twice", o.ID)
			}
			phaseOf[j] = t
		}
	}
	if err := p.check(phaseOf); err != nil {
		return nil, invalid("the plan does not fit the input: %w", err)
	}
	return phaseOf, nil
}

// internalError marks a broken invariant.
func internalError(err error) error {
	return placeplan.Errorf(placeplan.EINTERNAL, "rollout: the randomised plan breaks a constraint: %w", err)
}

// balance tabulates what each phase of a plan newly reaches.
func (p *problem) balance(pl *Plan) []BalanceRow {
	rows := make([]BalanceRow, len(pl.Phases))
	for t, ph := range pl.Phases {
		r := BalanceRow{Label: ph.Label, Sites: len(ph.Sites), Units: len(ph.NewlyCovered), Population: ph.NewPopulation,
			MeanWeight: math.NaN(), ProfileMeans: make([]float64, len(p.profileNames))}
		r.MostDeprivedShare = share(ph.NewMostDeprivedPopulation, ph.NewPopulation)
		for k := range r.ProfileMeans {
			r.ProfileMeans[k] = math.NaN()
		}
		if n := float64(r.Units); n > 0 {
			r.MeanWeight = ph.NewWeight / n
			for k := range r.ProfileMeans {
				sum := 0.0
				for _, u := range ph.NewlyCovered {
					sum += p.in.Units[u].Profile[k]
				}
				r.ProfileMeans[k] = sum / n
			}
		}
		rows[t] = r
	}
	return rows
}

// verdict says in plain words whether the design can be evaluated, and if
// not, what to randomise instead.
func (p *problem) verdict(ev *Evaluation, nSites int, opts RandomiseOptions) {
	sites := opts.ClusterName
	if sites == "" {
		sites = "sites"
	}
	ev.Evaluable = ev.RandomisedSites >= 2 && ev.RandomisedStrata >= 2 && ev.Allocations >= MinAllocations
	design := fmt.Sprintf("randomising the order of the %d %s within %d %s of similar need allows %s distinct %s",
		nSites, sites, len(ev.Strata), plural(len(ev.Strata), "stratum", "strata"),
		formatCount(ev.Allocations), plural(int(math.Min(ev.Allocations, 2)), "rollout", "rollouts"))
	if ev.Evaluable {
		ev.Verdict = fmt.Sprintf("Evaluable as a stepped wedge: %s, so a randomisation test can reach p = %s. Randomising costs %s of the planned area under the coverage curve.",
			design, formatP(ev.MinPValue), formatPercent1(ev.AUCLossShare))
		return
	}
	var why []string
	if ev.RandomisedSites < 2 {
		why = append(why, fmt.Sprintf("only %d of the %d %s can change phase", ev.RandomisedSites, nSites, sites))
	}
	if ev.RandomisedStrata < 2 {
		why = append(why, fmt.Sprintf("only %d %s can be randomised", ev.RandomisedStrata, plural(ev.RandomisedStrata, "stratum", "strata")))
	}
	if ev.Allocations < MinAllocations {
		why = append(why, fmt.Sprintf("no randomisation test can reach p < 0.05 (the smallest attainable p is %s)", formatP(ev.MinPValue)))
	}
	finer, name := opts.FinerUnits, opts.FinerUnitName
	if name == "" {
		name = "small areas"
	}
	if finer == 0 {
		byFixed := make([]bool, p.nu)
		for _, j := range p.fixed {
			for _, u := range p.covers[j] {
				byFixed[u] = true
			}
		}
		seen := make([]bool, p.nu)
		for _, j := range p.free {
			for _, u := range p.covers[j] {
				if !byFixed[u] && !seen[u] {
					seen[u] = true
					finer++
				}
			}
		}
	}
	ev.Verdict = fmt.Sprintf("Too few units for a stepped-wedge evaluation: %s; %s. Randomise the order in which the %s %s within the %s' reach join, instead of the %d %s.",
		design, strings.Join(why, "; "), formatCount(float64(finer)), name, sites, nSites, sites)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// formatP formats a p-value to two significant figures.
func formatP(x float64) string {
	if x < 0.0001 {
		return "< 0.0001"
	}
	return strconv.FormatFloat(x, 'g', 2, 64)
}

// formatPercent1 formats a share as a percentage with one decimal.
func formatPercent1(s float64) string {
	return strconv.FormatFloat(100*s, 'f', 1, 64) + "%"
}
