package scenario

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/input"
	"placeplan/data/table"
	"placeplan/internal/suggest"
	"placeplan/scoring"
	"placeplan/scoring/rollout"
	"placeplan/scoring/siting"
)

// PlanStore is what Plan reads. *data.Store satisfies it.
type PlanStore interface {
	Store
	Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error)
	Sites(ctx context.Context, layer string) ([]placeplan.Site, error)
}

// Defaults of a scenario's sites section (its travel defaults are
// siting.Travel's).
const (
	DefaultStratumSize = 2
	// DefaultSuppressBelow is the small-number threshold used when demand
	// is a confidential count and the scenario sets none.
	DefaultSuppressBelow = 5
)

// DemandArea is one small area as demand: where it is, which locality it
// is in, and what it counts for.
type DemandArea struct {
	Code       string
	Name       string
	MSOA       string
	Locality   string
	Point      orb.Point // WGS84 lon,lat: the area's representative point
	Weight     float64   // the demand weight (Sites.Demand.Weight)
	NeedShare  float64   // where its need score sits among all loaded areas, 0–1; NaN when not scored
	Population float64
	// MostDeprived is true for areas in England's most deprived IMD decile.
	MostDeprived bool
	Profile      []float64 // PlanResult.ProfileKeys, for matching comparison areas
	// Withheld is true when the area's own Weight may not be published:
	// a confidential count below the threshold, or one that would let a
	// withheld figure be recovered (secondary suppression).
	Withheld bool
}

// CandidateSite is a place a team could be based.
type CandidateSite struct {
	ID       string
	Locality string    // the locality it is in (that of its nearest demand area)
	Point    orb.Point // WGS84 lon,lat
	Placed   string    // how the point was chosen, in words
	Capacity float64   // NaN = none
}

// Stability is how often a candidate is chosen when the selection is re-run
// under other assumptions.
type Stability struct {
	ID       string
	Selected bool // in the main selection
	// Fixed is a site the scenario keeps open (sites.fixed): it is in
	// every run by definition, so its shares say nothing of the choice.
	Fixed bool
	// Draws is the share of the needs-score uncertainty draws in which it
	// is chosen (NaN when no draws were run); Standards the share of the
	// other service standards; ByStandard whether it is chosen under each
	// standard of PlanResult.Standards.
	Draws, Standards float64
	ByStandard       []bool
}

// RobustnessResult is the selection re-run under the needs score's
// uncertainty and under other service standards.
type RobustnessResult struct {
	Draws     int
	Standards []float64 // in the scenario's unit
	// Candidates are every candidate chosen at least once, most stable first.
	Candidates []Stability
	Summary    string
}

// PlanResult is a worked-out rollout plan: the locality need ranking, the
// demand and candidates, the sites chosen and why, the phased order with
// coverage per phase, the evaluable variant and comparison areas when
// asked, and the stability of the choice.
type PlanResult struct {
	Score       *Result
	Demand      []DemandArea
	ProfileKeys []string
	Candidates  []CandidateSite
	Unit        siting.Unit
	Standard    float64
	Noun        string
	Model       siting.Model
	Groups      []siting.Group
	Selection   *siting.Result
	Explanation []siting.SiteExplanation // in the order of Selection.Selected
	Rollout     *rollout.Plan
	Evaluation  *rollout.Evaluation  // nil unless sites.evaluation.stepped_wedge
	Comparisons []rollout.Comparison // nil unless sites.evaluation.comparison_areas
	Robustness  *RobustnessResult    // nil unless sites.robustness asks

	// ServedBy[i] is the position in Selection.Selected of the chosen site
	// nearest demand area i within the standard, −1 when none reaches it;
	// ReachedIn[i] the rollout phase (index into Rollout.Phases) in which
	// it is first reached, −1 when never. Maps draw catchments and phases
	// from them. ServedCost[i] is the travel cost from area i to that site
	// in Unit, NaN when none reaches it.
	ServedBy, ReachedIn []int
	ServedCost          []float64

	// TotalWeight and TotalPopulation sum Demand's weights and populations.
	TotalWeight, TotalPopulation float64

	// Disclosure is the small-number policy of the demand figures: when
	// demand is a confidential count, every figure counted from it (totals,
	// coverage, reach, what each site serves, marginal, phase and
	// cumulative weights, balance means, areas under the curve, travel
	// means, and the objective and bound of the model) that the policy
	// withholds is NaN, with the shares of it, and the texts say "fewer
	// than" the threshold or "[withheld]". Figures are withheld when below
	// the threshold and when they would let another withheld figure be
	// recovered (secondary suppression, disclosure.go). MinCount is 0 when
	// demand needs no suppression. Demand's per-area weights are the
	// model's input and are left as they are; DemandArea.Withheld says
	// which may not be published.
	Disclosure  placeplan.Disclosure
	Warnings    []string
	Attribution []string

	audited *figureSet // the demand figures withhold audited, for its tests
}

// amountText formats a demand figure for the plan's texts, withholding it
// when small-number suppression covers it: "fewer than" the threshold
// below it, "[withheld]" for a figure withheld to protect another (NaN).
func (r *PlanResult) amountText(v float64) string {
	if math.IsNaN(v) {
		return "[withheld]"
	}
	if r.Disclosure.Withholds(v) {
		return fmt.Sprintf("fewer than %s", siting.Amount(r.Disclosure.MinCount))
	}
	return siting.Amount(v)
}

// Plan works out the scenario's rollout: it scores the localities (as
// Score), weights each small area's demand, places candidate sites, builds
// the travel network, chooses the sites with the scenario's model (fixed
// sites kept, fairness constraints honoured), explains each choice,
// sequences the openings over the phases to reach the most need soonest,
// and — when asked — randomises the order within strata for a stepped-wedge
// evaluation, matches comparison areas, and re-runs the selection under the
// needs score's uncertainty and other service standards.
//
// Small figures are withheld under the default policy (DefaultSuppressBelow)
// and networks are bounded by siting.DefaultMaxArcs; PlanUnder takes a
// deployment's policy.
func Plan(ctx context.Context, st PlanStore, sc *Scenario) (*PlanResult, error) {
	return PlanUnder(ctx, st, sc, DefaultPolicy())
}

// Policy is what a deployment imposes on every plan: its small-number
// floor and the most work one analysis may ask for.
type Policy struct {
	// Disclosure is the small-number floor (serve --suppress-below).
	Disclosure placeplan.Disclosure
	// MaxPairs bounds the demand–site pairs within the service standard
	// of each travel network the plan builds (siting.CostOptions.MaxArcs;
	// 0 means siting.DefaultMaxArcs). A server derives it from its memory
	// budget.
	MaxPairs int
	// MaxDrawCells bounds the needs score's uncertainty draws × localities
	// (scoring.UncertaintySettings.MaxCells; 0: scoring.MaxDrawCells).
	MaxDrawCells int
}

// DefaultPolicy is the policy of the command line: the default threshold
// and network bound.
func DefaultPolicy() Policy {
	return Policy{Disclosure: placeplan.Disclosure{MinCount: DefaultSuppressBelow}}
}

// PlanUnder is Plan under a deployment's policy. When demand is a
// confidential count, its figures are withheld below the larger of the
// policy's threshold and the scenario's disclosure.suppress_below (default
// DefaultSuppressBelow), so a scenario may raise the threshold but never
// lower it; a network over the policy's MaxPairs is refused before it is
// built.
func PlanUnder(ctx context.Context, st PlanStore, sc *Scenario, pol Policy) (*PlanResult, error) {
	policy := pol.Disclosure
	ss := sc.Sites
	if ss == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "sites: missing: add a sites section to plan a rollout (docs/SCENARIOS.md)")
	}
	score, err := ScoreUnder(ctx, st, sc, pol)
	if err != nil {
		return nil, err
	}
	res := &PlanResult{Score: score, Model: ss.Model, Noun: ss.Demand.Noun, Attribution: score.Attribution}
	res.Warnings = append(res.Warnings, score.Warnings...)
	if res.Noun == "" {
		res.Noun = "need-weighted people"
	}
	pb, err := newPlanBuilder(ctx, st, sc, score)
	if err != nil {
		return nil, err
	}
	pb.maxPairs = pol.MaxPairs
	res.Demand, res.ProfileKeys = pb.demand, pb.profileKeys
	for _, d := range res.Demand {
		res.TotalWeight += d.Weight
		res.TotalPopulation += d.Population
	}
	if pb.confidential {
		want := float64(DefaultSuppressBelow)
		if sc.Disclosure != nil {
			want = sc.Disclosure.SuppressBelow
		}
		res.Disclosure.MinCount = max(want, policy.MinCount)
		if want < policy.MinCount {
			res.Warnings = append(res.Warnings, fmt.Sprintf("disclosure.suppress_below %s is below this deployment's %s, which applies: a scenario may raise the threshold, never lower it",
				siting.Amount(want), siting.Amount(policy.MinCount)))
		}
	}
	if res.Candidates, err = pb.candidates(ctx); err != nil {
		return nil, err
	}
	res.Standard, res.Unit = ss.travel().Standard()
	weights := make([]float64, len(res.Demand))
	for i, d := range res.Demand {
		weights[i] = d.Weight
	}
	net, err := pb.network(res.Candidates, weights, res.Standard)
	if err != nil {
		return nil, err
	}
	if res.Groups, err = pb.groups(res.Candidates); err != nil {
		return nil, err
	}
	if res.Selection, err = pb.solve(ctx, net, res.Groups); err != nil {
		return nil, err
	}
	explain := siting.ExplainOptions{Noun: res.Noun, Fixed: ss.Fixed, Excluded: ss.Exclude, Amount: res.amountText}
	if res.Explanation, err = siting.ExplainSelection(net, res.Selection.Selected, explain); err != nil {
		return nil, err
	}
	in, err := pb.rolloutInput(net, res.Selection.Selected)
	if err != nil {
		return nil, err
	}
	in.WeightName, in.WeightText = res.Noun, res.amountText
	if res.Rollout, err = rollout.Sequence(in); err != nil {
		return nil, err
	}
	res.ServedBy, res.ServedCost = servedBy(net, res.Selection.Selected)
	res.ReachedIn = reachedIn(len(res.Demand), res.Rollout)
	implemented := res.Rollout
	if ss.Evaluation.SteppedWedge {
		opts := rollout.RandomiseOptions{Seed: ss.Evaluation.Seed, StratumSize: ss.Evaluation.StratumSize,
			FinerUnits: pb.msoasReached(net, res.Selection.Selected), FinerUnitName: "neighbourhoods (MSOAs)"}
		if opts.StratumSize == 0 {
			opts.StratumSize = DefaultStratumSize
		}
		if res.Evaluation, err = rollout.Randomise(in, res.Rollout, opts); err != nil {
			return nil, err
		}
		implemented = res.Evaluation.Plan
	}
	if k := ss.Evaluation.ComparisonAreas; k > 0 {
		if len(res.ProfileKeys) == 0 {
			res.Warnings = append(res.Warnings, "no deprivation domain scores are loaded, so no comparison areas can be matched")
		} else if res.Comparisons, err = rollout.ComparisonAreas(in, implemented, rollout.MatchOptions{PerTreated: k}); err != nil {
			return nil, err
		}
	}
	if ss.Robustness.Draws > 0 || len(ss.Robustness.Standards) > 0 {
		if res.Robustness, err = pb.robustness(ctx, res); err != nil {
			return nil, err
		}
	}
	// The steps' warnings, from the demand to the re-runs, once they
	// have all run.
	res.Warnings = append(res.Warnings, pb.warnings...)
	if err := res.withhold(net, in, explain); err != nil {
		return nil, err
	}
	return res, nil
}

// planBuilder holds what the steps of Plan share.
type planBuilder struct {
	st    PlanStore
	sc    *Scenario
	ss    *Sites
	score *Result
	geog  placeplan.Geography

	localities  []placeplan.Locality // of the scheme, as scored
	demand      []DemandArea
	profileKeys []string
	// areaNeed is the need input over every loaded area with a value for
	// every indicator, for the need share and its draws; needIndex maps a
	// demand area to its row there (-1 when not scored).
	areaNeed     scoring.NeedInput
	needIndex    []int
	population   []float64 // per demand area, for need weighting in draws
	confidential bool
	maxPairs     int // the policy's bound on a network's pairs
	warnings     []string
	// matrixChecked is set once the travel matrix's gaps are warned of:
	// network reads it for every standard re-run.
	matrixChecked bool
}

func (pb *planBuilder) warnf(format string, args ...any) {
	pb.warnings = append(pb.warnings, fmt.Sprintf(format, args...))
}

func newPlanBuilder(ctx context.Context, st PlanStore, sc *Scenario, score *Result) (*planBuilder, error) {
	pb := &planBuilder{st: st, sc: sc, ss: sc.Sites, score: score, geog: score.Geography}
	locs, err := st.Localities(ctx, pb.geog)
	if err != nil {
		return nil, err
	}
	scored := map[string]bool{}
	for _, l := range score.Need.Localities {
		scored[l.Locality] = true
	}
	for _, l := range locs {
		if l.Scheme == sc.Localities.Scheme && scored[l.Name] {
			pb.localities = append(pb.localities, l)
		}
	}
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: pb.geog})
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]placeplan.Area, len(areas))
	for _, a := range areas {
		byCode[a.Code] = a
	}
	inds, err := st.Indicators(ctx, pb.geog)
	if err != nil {
		return nil, err
	}
	byKey := map[string]placeplan.Indicator{}
	for _, ind := range inds {
		byKey[ind.Key] = ind
	}
	values := func(key string) (map[string]float64, error) {
		ind, ok := byKey[key]
		if !ok {
			return nil, nil
		}
		return st.ValuesByArea(ctx, ind.ID)
	}

	// The demand areas: every area of the scheme's localities with a point.
	missing := 0
	for _, l := range pb.localities {
		for _, code := range l.Areas {
			a, ok := byCode[code]
			if !ok || a.Point == (orb.Point{}) {
				missing++
				continue
			}
			pb.demand = append(pb.demand, DemandArea{Code: code, Name: a.Name, MSOA: a.MSOAName, Locality: l.Name,
				Point: a.Point, NeedShare: math.NaN()})
		}
	}
	if missing > 0 {
		pb.warnf("%d areas of %s have no boundary or point loaded and are left out of the demand", missing, sc.Localities.Scheme)
	}
	if len(pb.demand) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "sites: no area of %q has a point: load boundaries or centroids", sc.Localities.Scheme)
	}
	slices.SortFunc(pb.demand, func(a, b DemandArea) int { return cmp.Compare(a.Code, b.Code) })

	// Population.
	popKey := pb.ss.Demand.PopulationKey()
	pop, err := values(popKey)
	if err != nil {
		return nil, err
	}
	if pop == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.population: no indicator %q on %s%s; placeplan indicators lists them",
			popKey, pb.geog.Label(), suggest.Hint(popKey, sortedSet(byKey)))
	}
	if ind := byKey[popKey]; ind.Kind != placeplan.KindPopulation && ind.Kind != placeplan.KindCount {
		return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.population: %s is a %s, not a population", popKey, ind.Kind)
	}
	pb.population = make([]float64, len(pb.demand))
	noPop := 0
	for i := range pb.demand {
		p, ok := pop[pb.demand[i].Code]
		if !ok || math.IsNaN(p) {
			noPop++
			p = 0
		}
		pb.demand[i].Population, pb.population[i] = p, p
	}
	if noPop > 0 {
		pb.warnf("%d demand areas have no %s and count as empty", noPop, popKey)
	}

	// Most deprived decile (IMD) and the deprivation profile.
	if dec, err := values("imd_decile"); err != nil {
		return nil, err
	} else if dec == nil {
		pb.warnf("no IMD decile is loaded, so the share of the most deprived decile reached cannot be reported")
	} else {
		for i := range pb.demand {
			pb.demand[i].MostDeprived = dec[pb.demand[i].Code] == 1
		}
	}
	if err := pb.loadProfile(byKey, values); err != nil {
		return nil, err
	}

	// Need shares over every loaded area.
	if err := pb.needShares(ctx); err != nil {
		return nil, err
	}

	// Weights.
	switch w := pb.ss.Demand.Weight; w {
	case "need":
		for i := range pb.demand {
			d := &pb.demand[i]
			if math.IsNaN(d.NeedShare) {
				continue
			}
			d.Weight = d.Population * d.NeedShare
		}
	case "population":
		for i := range pb.demand {
			pb.demand[i].Weight = pb.demand[i].Population
		}
	default:
		ind, ok := byKey[w]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.weight: %q is not need, population or an indicator on %s%s",
				w, pb.geog.Label(), suggest.Hint(w, append([]string{"need", "population"}, sortedSet(byKey)...)))
		}
		vals, err := values(w)
		if err != nil {
			return nil, err
		}
		var denom map[string]float64
		switch ind.Kind {
		case placeplan.KindCount, placeplan.KindPopulation:
		case placeplan.KindRate:
			if denom, err = pb.denominator(ind, byKey, values); err != nil {
				return nil, err
			}
		default:
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.weight: %s is a %s; use a count, or a rate (weighted by its population)", w, ind.Kind)
		}
		pb.confidential = ind.Confidential && ind.Kind == placeplan.KindCount
		lacking := 0
		for i := range pb.demand {
			d := &pb.demand[i]
			v, ok := vals[d.Code]
			if !ok || math.IsNaN(v) {
				lacking++
				continue
			}
			if denom != nil {
				v *= denom[d.Code]
			}
			d.Weight = v
		}
		if lacking > 0 {
			pb.warnf("%d demand areas have no %s and carry no demand", lacking, w)
		}
	}
	var total float64
	for _, d := range pb.demand {
		if d.Weight < 0 || math.IsNaN(d.Weight) || math.IsInf(d.Weight, 0) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.weight: area %s has demand %v; weights must be zero or more", d.Code, d.Weight)
		}
		total += d.Weight
	}
	if total == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.weight: every demand area of %q weighs zero", sc.Localities.Scheme)
	}
	return pb, nil
}

// denominator returns the population a rate is a share of.
func (pb *planBuilder) denominator(ind placeplan.Indicator, byKey map[string]placeplan.Indicator, values func(string) (map[string]float64, error)) (map[string]float64, error) {
	if key, ok := placeplan.PopulationKey(ind.Denominator); ok {
		if _, ok := byKey[key]; ok {
			return values(key)
		}
	}
	return nil, placeplan.Errorf(placeplan.EINVALID, "sites.demand.weight: %s is a rate of the %s population, which is not loaded", ind.Key, ind.Denominator)
}

func (pb *planBuilder) loadProfile(byKey map[string]placeplan.Indicator, values func(string) (map[string]float64, error)) error {
	var cols []map[string]float64
	// The deprivation profile comparison areas are matched on: the seven
	// domains, by score or else transformed score.
	for _, d := range placeplan.IoDDomains() {
		for _, key := range []string{d.Key(placeplan.MeasureScore), d.Key(placeplan.MeasureExp)} {
			if _, ok := byKey[key]; !ok {
				continue
			}
			m, err := values(key)
			if err != nil {
				return err
			}
			pb.profileKeys = append(pb.profileKeys, key)
			cols = append(cols, m)
			break
		}
	}
	if len(cols) == 0 {
		return nil
	}
	for i := range pb.demand {
		d := &pb.demand[i]
		d.Profile = make([]float64, len(cols))
		for j, m := range cols {
			v, ok := m[d.Code]
			if !ok {
				v = math.NaN()
			}
			d.Profile[j] = v
		}
	}
	return nil
}

// needShares gives each demand area its need share among all loaded areas
// (ScoreAreas). A share, unlike a z-score, has a true zero, so it can
// weight a population; and it is the same whatever the normalisation's
// scale, so the uncertainty draws can be compared.
func (pb *planBuilder) needShares(ctx context.Context) error {
	an, err := ScoreAreas(ctx, pb.st, pb.score)
	if err != nil {
		return placeplan.Wrap(placeplan.ErrorCode(err), err, "sites")
	}
	pb.areaNeed = an.Input
	pb.needIndex = make([]int, len(pb.demand))
	unscored := 0
	for i := range pb.demand {
		r, ok := an.Row(pb.demand[i].Code)
		if !ok {
			pb.needIndex[i] = -1
			unscored++
			continue
		}
		pb.needIndex[i] = r
		pb.demand[i].NeedShare = an.Shares[r]
	}
	if unscored > 0 && pb.ss.Demand.Weight == "need" {
		pb.warnf("%d demand areas lack a value for some indicator of the scenario and carry no need-weighted demand", unscored)
	}
	return nil
}

// NeedShares returns, for each score, the share of the scores below it,
// ties counting half: (below + (equal−1)/2) / (n−1), so the lowest score
// gets 0 and the highest 1 when there are no ties.
func NeedShares(scores []float64) []float64 {
	n := len(scores)
	out := make([]float64, n)
	if n < 2 {
		for i := range out {
			out[i] = 0.5
		}
		return out
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
	for lo := 0; lo < n; {
		hi := lo
		for hi+1 < n && scores[order[hi+1]] == scores[order[lo]] {
			hi++
		}
		share := (float64(lo) + float64(hi-lo)/2) / float64(n-1)
		for k := lo; k <= hi; k++ {
			out[order[k]] = share
		}
		lo = hi + 1
	}
	return out
}

// candidates places the candidate sites.
func (pb *planBuilder) candidates(ctx context.Context) ([]CandidateSite, error) {
	cs := pb.ss.Candidates
	var out []CandidateSite
	switch cs.Source {
	case "localities":
		layer := cs.Layer
		if layer == "" {
			layer = "towns"
		}
		pts, err := pb.st.Sites(ctx, layer)
		if err != nil {
			return nil, err
		}
		named := map[string]placeplan.Site{}
		for _, p := range pts {
			named[strings.ToLower(p.Name)] = p
			named[strings.ToLower(p.ID)] = p
		}
		for _, l := range pb.localities {
			c := CandidateSite{ID: l.Name, Locality: l.Name, Capacity: math.NaN()}
			if p, ok := named[strings.ToLower(l.Name)]; ok {
				c.Point, c.Placed = p.Point, fmt.Sprintf("the %q point of the %s layer", p.Name, layer)
			} else {
				d, ok := pb.centralArea(func(d DemandArea) bool { return d.Locality == l.Name })
				if !ok {
					continue
				}
				c.Point, c.Placed = d.Point, fmt.Sprintf("the locality's most central populated area (%s)", d.Code)
			}
			out = append(out, c)
		}
	case "msoas":
		msoas := map[string]bool{}
		for _, d := range pb.demand {
			if d.MSOA != "" {
				msoas[d.MSOA] = true
			}
		}
		for _, m := range sortedSet(msoas) {
			d, ok := pb.centralArea(func(d DemandArea) bool { return d.MSOA == m })
			if !ok {
				continue
			}
			out = append(out, CandidateSite{ID: m, Locality: d.Locality, Point: d.Point, Capacity: math.NaN(),
				Placed: fmt.Sprintf("the neighbourhood's most central populated area (%s)", d.Code)})
		}
		if len(out) == 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.candidates.source: msoas, but no MSOA lookup is loaded for %s", pb.geog.Label())
		}
	case "layer":
		pts, err := pb.st.Sites(ctx, cs.Layer)
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.candidates.layer: no point layer %q is loaded", cs.Layer)
		}
		for _, p := range pts {
			id := p.Name
			if id == "" {
				id = p.ID
			}
			out = append(out, CandidateSite{ID: id, Point: p.Point, Capacity: p.Capacity, Placed: "point layer " + cs.Layer})
		}
	case "file":
		path := pb.sc.CandidatesPath()
		cands, err := input.ReadPath(path, table.ReadCandidatesCSV)
		if err != nil {
			return nil, err
		}
		for _, c := range cands {
			out = append(out, CandidateSite{ID: c.ID, Point: c.Point, Capacity: c.Capacity, Placed: "file " + cs.File})
		}
	}
	for i := range out {
		if out[i].Locality == "" {
			out[i].Locality = pb.nearestDemand(out[i].Point).Locality
		}
		if c, ok := cs.Capacity[out[i].ID]; ok {
			out[i].Capacity = c
		}
	}
	ids := map[string]bool{}
	for _, c := range out {
		if ids[c.ID] {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.candidates: two candidates are called %q", c.ID)
		}
		ids[c.ID] = true
	}
	for id := range cs.Capacity {
		if !ids[id] {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.candidates.capacity: %q is not a candidate%s (candidates: %s)", id, suggest.Hint(id, sortedSet(ids)), idList(out))
		}
	}
	for field, list := range map[string][]string{"sites.fixed": pb.ss.Fixed, "sites.exclude": pb.ss.Exclude} {
		for i, id := range list {
			if !ids[id] {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s[%d]: %q is not a candidate%s (candidates: %s)", field, i, id, suggest.Hint(id, sortedSet(ids)), idList(out))
			}
		}
	}
	return out, nil
}

func idList(cs []CandidateSite) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

// centralArea returns, among the demand areas that match, the one nearest
// the population-weighted centre of their points: a hub in a populated
// place, never in a field between towns.
func (pb *planBuilder) centralArea(match func(DemandArea) bool) (DemandArea, bool) {
	var sx, sy, sw float64
	var members []DemandArea
	for _, d := range pb.demand {
		if !match(d) {
			continue
		}
		members = append(members, d)
		w := math.Max(d.Population, 1e-9)
		sx += w * d.Point[0]
		sy += w * d.Point[1]
		sw += w
	}
	if len(members) == 0 {
		return DemandArea{}, false
	}
	c := orb.Point{sx / sw, sy / sw}
	return nearest(members, c), true
}

func (pb *planBuilder) nearestDemand(p orb.Point) DemandArea { return nearest(pb.demand, p) }

func nearest(ds []DemandArea, p orb.Point) DemandArea {
	best, bestD := 0, math.Inf(1)
	kx := math.Cos(p[1] * math.Pi / 180)
	for i, d := range ds {
		dx, dy := (d.Point[0]-p[0])*kx, d.Point[1]-p[1]
		if dd := dx*dx + dy*dy; dd < bestD {
			best, bestD = i, dd
		}
	}
	return ds[best]
}

// network builds the travel network for the given demand weights and
// standard (in the scenario's unit).
func (pb *planBuilder) network(cands []CandidateSite, weights []float64, standard float64) (*siting.Network, error) {
	ss := pb.ss
	ds := make([]siting.Demand, len(pb.demand))
	for i, d := range pb.demand {
		ds[i] = siting.Demand{ID: d.Code, Point: d.Point, Weight: weights[i]}
	}
	cs := make([]siting.Candidate, len(cands))
	for i, c := range cands {
		cs[i] = siting.Candidate{ID: c.ID, Point: c.Point, Capacity: c.Capacity}
	}
	t := ss.travel().WithStandard(standard)
	t.MaxArcs = pb.maxPairs
	if ss.Matrix == "" {
		return t.Network(ds, cs)
	}
	var err error
	if t.Matrix, t.MatrixUnit, err = ReadMatrix(pb.sc.MatrixPath()); err != nil {
		return nil, err
	}
	net, err := t.Network(ds, cs)
	if err != nil {
		return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "sites.matrix: %s", ss.Matrix)
	}
	if !pb.matrixChecked {
		pb.matrixChecked = true
		if w := matrixWarning(siting.FindMatrixGaps(ds, cs, t.Matrix), len(ds), len(cs)); w != "" {
			pb.warnf("sites.matrix: %s: %s", ss.Matrix, w)
		}
	}
	return net, nil
}

// groups turns the fairness constraints into siting groups.
func (pb *planBuilder) groups(cands []CandidateSite) ([]siting.Group, error) {
	var out []siting.Group
	if m := pb.ss.Constraints.MinPerLocality; m > 0 {
		for _, l := range pb.localities {
			g := siting.Group{Name: l.Name, Min: m}
			for _, c := range cands {
				if c.Locality == l.Name {
					g.Sites = append(g.Sites, c.ID)
				}
			}
			if len(g.Sites) == 0 {
				return nil, placeplan.Errorf(placeplan.EINVALID, "sites.constraints.min_per_locality: no candidate site is in %s", l.Name)
			}
			out = append(out, g)
		}
		if need := m * len(pb.localities); need > pb.ss.Teams {
			return nil, placeplan.Errorf(placeplan.EINVALID, "sites.constraints.min_per_locality: %d per locality in %d localities needs %d teams, but there are %d",
				m, len(pb.localities), need, pb.ss.Teams)
		}
	}
	for _, g := range pb.ss.Constraints.Groups {
		out = append(out, siting.Group{Name: g.Name, Sites: g.Sites, Min: g.Min})
	}
	return out, nil
}

// solve chooses the sites with the scenario's model.
func (pb *planBuilder) solve(ctx context.Context, net *siting.Network, groups []siting.Group) (*siting.Result, error) {
	pr := siting.Problem{P: pb.ss.Teams, Fixed: pb.ss.Fixed, Excluded: pb.ss.Exclude, Groups: groups}
	r, err := siting.Solve(ctx, net, pb.ss.Model, pr)
	if err != nil {
		return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "sites")
	}
	return r, nil
}

// phases turns the timetable into rollout phases for the sites chosen.
func (pb *planBuilder) phases(selected int) ([]rollout.Phase, time.Time, error) {
	p := pb.ss.Phases
	if len(p.List) > 0 {
		out := make([]rollout.Phase, len(p.List))
		for i, ph := range p.List {
			t, _ := parseDate(ph.Start)
			out[i] = rollout.Phase{Label: ph.Label, Start: t, MaxSites: ph.MaxSites, Budget: ph.Budget}
			if out[i].Label == "" {
				out[i].Label = fmt.Sprintf("Phase %d", i+1)
			}
		}
		return out, time.Time{}, nil
	}
	start, _ := parseDate(p.Start)
	var out []rollout.Phase
	fixed := len(pb.ss.Fixed)
	if fixed > 0 {
		out = append(out, rollout.Phase{Label: "Live", Start: start, MaxSites: fixed})
	}
	live := len(out) // the live phase is not numbered
	for left := selected - fixed; left > 0; left -= p.SitesPerPhase {
		t := start.AddDate(0, len(out)*p.EveryMonths, 0)
		out = append(out, rollout.Phase{Label: fmt.Sprintf("Phase %d", len(out)-live+1), Start: t, MaxSites: p.SitesPerPhase, Budget: p.Budget})
	}
	if len(out) == 0 {
		return nil, time.Time{}, placeplan.Errorf(placeplan.EINVALID, "sites.phases: nothing to roll out")
	}
	end := start.AddDate(0, len(out)*p.EveryMonths, 0)
	return out, end, nil
}

// rolloutInput describes the chosen sites' reach for sequencing.
func (pb *planBuilder) rolloutInput(net *siting.Network, selected []string) (rollout.Input, error) {
	in := rollout.Input{Units: make([]rollout.Unit, len(pb.demand)), ProfileNames: nil}
	for i, d := range pb.demand {
		in.Units[i] = rollout.Unit{ID: d.Code, Weight: d.Weight, Population: d.Population, MostDeprived: d.MostDeprived, Profile: d.Profile}
	}
	phases, end, err := pb.phases(len(selected))
	if err != nil {
		return in, err
	}
	in.Phases, in.End = phases, end
	index := map[string]int{}
	for k, id := range selected {
		index[id] = k
		in.Sites = append(in.Sites, rollout.Site{ID: id, Cost: pb.ss.Costs[id]})
	}
	for i := range net.Demands {
		for _, a := range net.Reach(i) {
			if k, ok := index[net.Candidates[a.Site].ID]; ok {
				in.Sites[k].Covers = append(in.Sites[k].Covers, i)
			}
		}
	}
	for id, d := range pb.ss.Readiness {
		k, ok := index[id]
		if !ok {
			pb.warnf("sites.readiness: %s is not among the sites chosen, so its readiness date does not apply", id)
			continue
		}
		t, _ := parseDate(d)
		ph := len(phases)
		for q, p := range phases {
			if !p.Start.Before(t) {
				ph = q
				break
			}
		}
		if ph == len(phases) {
			return in, placeplan.Errorf(placeplan.EINVALID, "sites.readiness.%s: %s is after the last phase starts (%s)", id, d, phases[len(phases)-1].Start.Format(dateLayout))
		}
		in.Sites[k].EarliestPhase = ph
	}
	for i, p := range pb.ss.Precedence {
		_, okB := index[p.Before]
		_, okA := index[p.After]
		if !okB || !okA {
			pb.warnf("sites.precedence[%d]: %s before %s does not apply: both must be chosen", i, p.Before, p.After)
			continue
		}
		in.Precedence = append(in.Precedence, [2]string{p.Before, p.After})
	}
	in.Fixed = pb.ss.Fixed
	in.ProfileNames = pb.profileKeys
	in.Noun = placeplan.PopulationNoun(pb.ss.Demand.PopulationKey())
	return in, nil
}

// servedBy gives each demand point the position of its nearest chosen site
// within the standard (ties to the lower id, as in siting), or −1, and the
// travel cost to it (NaN for none).
func servedBy(net *siting.Network, selected []string) ([]int, []float64) {
	pos := map[int]int{}
	for p, id := range selected {
		for j, c := range net.Candidates {
			if c.ID == id {
				pos[j] = p
			}
		}
	}
	out, cost := make([]int, len(net.Demands)), make([]float64, len(net.Demands))
	for i := range net.Demands {
		out[i], cost[i] = -1, math.NaN()
		best := math.Inf(1)
		for _, a := range net.Reach(i) {
			p, ok := pos[a.Site]
			if !ok {
				continue
			}
			if a.Cost < best || a.Cost == best && selected[p] < selected[out[i]] {
				out[i], best = p, a.Cost
			}
		}
		if out[i] >= 0 {
			cost[i] = best
		}
	}
	return out, cost
}

// reachedIn gives each demand point the phase in which it is first reached.
func reachedIn(n int, plan *rollout.Plan) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	for k, ph := range plan.Phases {
		for _, i := range ph.NewlyCovered {
			out[i] = k
		}
	}
	return out
}

// msoasReached counts the neighbourhoods (MSOAs) with an area within reach
// of the chosen sites: the finer unit a stepped wedge could randomise.
func (pb *planBuilder) msoasReached(net *siting.Network, selected []string) int {
	open := map[string]bool{}
	for _, id := range selected {
		open[id] = true
	}
	msoas := map[string]bool{}
	for i := range net.Demands {
		for _, a := range net.Reach(i) {
			if open[net.Candidates[a.Site].ID] && pb.demand[i].MSOA != "" {
				msoas[pb.demand[i].MSOA] = true
				break
			}
		}
	}
	return len(msoas)
}
