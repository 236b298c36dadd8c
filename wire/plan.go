package wire

import (
	"cmp"
	"slices"
	"strings"

	"placeplan/scenario"
	"placeplan/scoring/rollout"
)

// Plan is a worked-out rollout plan on the wire: what
// "placeplan plan --format json" prints and what the plan endpoints send.
// Demand figures are null where small-number suppression withheld them in
// scenario.Plan (SuppressedBelow says the threshold); other unknown figures
// are null too.
type Plan struct {
	Scenario        string             `json:"scenario"`
	Geography       string             `json:"geography"`
	Scheme          string             `json:"scheme"`
	Model           string             `json:"model"`
	Teams           int                `json:"teams"`
	Standard        float64            `json:"standard"`
	Unit            string             `json:"unit"`
	Demand          PlanDemand         `json:"demand"`
	Selection       PlanSelection      `json:"selection"`
	Sites           []PlanSite         `json:"sites"`
	Rollout         PlanRollout        `json:"rollout"`
	Evaluation      *PlanEvaluation    `json:"evaluation,omitempty"`
	Comparisons     []PlanComparison   `json:"comparisons,omitempty"`
	Robustness      *PlanRobustness    `json:"robustness,omitempty"`
	Localities      []PlanLocalityNeed `json:"localities"`
	Candidates      []PlanCandidate    `json:"candidates"`      // every candidate site considered, chosen or not
	Areas           []PlanArea         `json:"areas,omitempty"` // with ?areas=true: each demand area, in code order
	SuppressedBelow float64            `json:"suppressed_below,omitempty"`
	Warnings        []string           `json:"warnings"`
	Attribution     []string           `json:"attribution"`
}

// PlanCandidate is one candidate site: where it is, how it was placed,
// and whether the plan chose it, keeps it open (fixed) or may never choose
// it (excluded).
type PlanCandidate struct {
	ID       string  `json:"id"`
	Locality string  `json:"locality"`
	Lon      float64 `json:"lon"`
	Lat      float64 `json:"lat"`
	Placed   string  `json:"placed"`
	Selected bool    `json:"selected"`
	Fixed    bool    `json:"fixed"`
	Excluded bool    `json:"excluded"`
}

// PlanArea is one demand area of a plan: the chosen site serving it (its
// nearest within the standard), the label and 0-based index of the phase
// it is first reached in, and its travel to that site in the plan's unit;
// each null when no chosen site reaches it. These are the groups of the
// catchments and phases layers. They carry no demand figure, so
// small-number suppression has nothing to withhold here.
type PlanArea struct {
	Code       string   `json:"code"`
	ServedBy   *string  `json:"served_by"`
	ReachedIn  *string  `json:"reached_in"`
	PhaseIndex *int     `json:"phase_index"`
	Travel     *float64 `json:"travel"`
}

// NewPlanAreas converts what a plan says of each demand area for the wire.
func NewPlanAreas(r *scenario.PlanResult) []PlanArea {
	rows := r.AreaPlans()
	out := make([]PlanArea, len(rows))
	for i, a := range rows {
		out[i] = PlanArea{Code: a.Code, Travel: Finite(a.Travel)}
		if a.ServedBy != "" {
			out[i].ServedBy = &a.ServedBy
		}
		if a.Phase >= 0 {
			out[i].ReachedIn, out[i].PhaseIndex = &a.PhaseLabel, &a.Phase
		}
	}
	return out
}

// PlanDemand describes the demand: what it weighs, how many areas, totals.
type PlanDemand struct {
	Weight          string   `json:"weight"`
	Population      string   `json:"population"`
	Noun            string   `json:"noun"`
	Areas           int      `json:"areas"`
	TotalWeight     *float64 `json:"total_weight"`
	TotalPopulation float64  `json:"total_population"`
}

// PlanSelection is the answer of the location model.
type PlanSelection struct {
	Selected      []string `json:"selected"`
	Objective     *float64 `json:"objective"`
	UpperBound    *float64 `json:"upper_bound,omitempty"`
	LowerBound    *float64 `json:"lower_bound,omitempty"`
	Gap           float64  `json:"gap"`
	CoveredWeight *float64 `json:"covered_weight"`
	TotalWeight   *float64 `json:"total_weight"`
	Solver        string   `json:"solver"`
	ProvenOptimal bool     `json:"proven_optimal"`
}

// PlanSite is one chosen site and why it was chosen.
type PlanSite struct {
	ID          string   `json:"id"`
	Locality    string   `json:"locality"`
	Lon         float64  `json:"lon"`
	Lat         float64  `json:"lat"`
	Placed      string   `json:"placed"`
	Fixed       bool     `json:"fixed"`
	Reach       *float64 `json:"reach"`
	ReachShare  *float64 `json:"reach_share"`
	Served      *float64 `json:"served"`
	Unique      *float64 `json:"unique"`
	MeanTravel  *float64 `json:"mean_travel"`
	MaxTravel   *float64 `json:"max_travel"`
	Capacity    *float64 `json:"capacity,omitempty"`
	Explanation string   `json:"explanation"`
	// Alternative is the unchosen candidate that would reach the most in
	// this site's place, and AlternativeLoss how much less it would reach
	// (withheld when a small number); absent when there is none.
	Alternative     string   `json:"alternative,omitempty"`
	AlternativeLoss *float64 `json:"alternative_loss,omitempty"`
}

// PlanRollout is the phased order.
type PlanRollout struct {
	Order         []string    `json:"order"`
	Solver        string      `json:"solver"`
	ProvenOptimal bool        `json:"proven_optimal"`
	AUCShare      *float64    `json:"auc_share"`
	End           string      `json:"end"`
	Phases        []PlanPhase `json:"phases"`
}

// PlanPhase is one phase of the rollout.
type PlanPhase struct {
	Label                     string        `json:"label"`
	Start                     string        `json:"start"`
	Sites                     []PlanOpening `json:"sites"`
	NewWeight                 *float64      `json:"new_weight"`
	NewPopulation             float64       `json:"new_population"`
	NewMostDeprivedPopulation float64       `json:"new_most_deprived_population"`
	WeightShare               *float64      `json:"cumulative_weight_share"`
	PopulationShare           float64       `json:"cumulative_population_share"`
	MostDeprivedShare         float64       `json:"cumulative_most_deprived_share"`
	Summary                   string        `json:"summary"`
}

// PlanOpening is a site opening in a phase with its marginal value.
type PlanOpening struct {
	ID                 string   `json:"id"`
	Fixed              bool     `json:"fixed"`
	MarginalWeight     *float64 `json:"marginal_weight"`
	MarginalPopulation float64  `json:"marginal_population"`
}

// PlanEvaluation is the stepped-wedge randomisation.
type PlanEvaluation struct {
	Seed        uint64        `json:"seed"`
	StratumSize int           `json:"stratum_size"`
	Strata      [][]string    `json:"strata"`
	Order       []string      `json:"order"`
	Allocations float64       `json:"allocations"`
	MinPValue   float64       `json:"min_p_value"`
	Evaluable   bool          `json:"evaluable"`
	Verdict     string        `json:"verdict"`
	Profile     []string      `json:"profile"`
	Balance     []PlanBalance `json:"balance"`
}

// PlanBalance is one row of the balance table across phases.
type PlanBalance struct {
	Label             string     `json:"label"`
	Sites             int        `json:"sites"`
	Units             int        `json:"units"`
	MeanWeight        *float64   `json:"mean_weight"`
	Population        float64    `json:"population"`
	MostDeprivedShare *float64   `json:"most_deprived_share"`
	ProfileMeans      []*float64 `json:"profile_means"`
}

// PlanComparison is one phase's matched comparison areas.
type PlanComparison struct {
	Label     string     `json:"label"`
	Metric    string     `json:"metric"`
	Treated   int        `json:"treated"`
	Pairs     []PlanPair `json:"pairs"`
	Unmatched []string   `json:"unmatched"`
	Balance   []PlanSMD  `json:"balance"`
	Balanced  bool       `json:"balanced"`
	Summary   string     `json:"summary"`
}

// PlanPair is a newly served area and its comparison area.
type PlanPair struct {
	Treated  string  `json:"treated"`
	Control  string  `json:"control"`
	Distance float64 `json:"distance"`
}

// PlanSMD is a standardised mean difference before and after matching.
type PlanSMD struct {
	Name   string   `json:"name"`
	Before *float64 `json:"before"`
	After  *float64 `json:"after"`
}

// PlanRobustness is how often each candidate is chosen under other
// assumptions.
type PlanRobustness struct {
	Draws      int             `json:"draws"`
	Standards  []float64       `json:"standards"`
	Candidates []PlanStability `json:"candidates"`
	Summary    string          `json:"summary"`
}

// PlanStability is one candidate's stability. A fixed site is in every
// run by definition: its shares are not a measure of the choice.
type PlanStability struct {
	ID         string   `json:"id"`
	Selected   bool     `json:"selected"`
	Fixed      bool     `json:"fixed"`
	Draws      *float64 `json:"draws"`
	Standards  *float64 `json:"standards"`
	ByStandard []bool   `json:"by_standard"`
}

// PlanLocalityNeed is a locality's need rank.
type PlanLocalityNeed struct {
	Rank       int     `json:"rank"`
	Locality   string  `json:"locality"`
	NeedScore  float64 `json:"need_score"`
	MedianRank *int    `json:"median_rank,omitempty"`
	RankP5     *int    `json:"rank_p5,omitempty"`
	RankP95    *int    `json:"rank_p95,omitempty"`
}

// NewPlan converts a plan for the wire. It only converts: scenario.Plan
// has already withheld (as NaN) the demand figures small-number
// suppression covers, and they are null here.
func NewPlan(r *scenario.PlanResult) Plan {
	sc := r.Score.Scenario
	ss := sc.Sites
	doc := Plan{Scenario: sc.Name, Geography: string(r.Score.Geography), Scheme: sc.Localities.Scheme,
		Model: r.Model.String(), Teams: ss.Teams, Standard: r.Standard, Unit: string(r.Unit),
		SuppressedBelow: r.Disclosure.MinCount, Warnings: r.Warnings, Attribution: r.Attribution}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	doc.Demand = PlanDemand{Weight: ss.Demand.Weight, Population: ss.Demand.PopulationKey(), Noun: r.Noun, Areas: len(r.Demand),
		TotalWeight: Finite(r.TotalWeight), TotalPopulation: r.TotalPopulation}

	s := r.Selection
	doc.Selection = PlanSelection{Selected: append([]string{}, s.Selected...), Objective: Finite(s.Objective), Gap: s.Gap,
		CoveredWeight: Finite(s.CoveredWeight), TotalWeight: Finite(s.TotalWeight), Solver: string(s.Solver), ProvenOptimal: s.ProvenOptimal}
	if r.Model.Minimises() {
		doc.Selection.LowerBound = Finite(s.LowerBound)
	} else {
		doc.Selection.Objective = Finite(s.Objective)
		doc.Selection.UpperBound = Finite(s.UpperBound)
	}
	cands := map[string]scenario.CandidateSite{}
	for _, c := range r.Candidates {
		cands[c.ID] = c
	}
	for _, e := range r.Explanation {
		c := cands[e.ID]
		doc.Sites = append(doc.Sites, PlanSite{ID: e.ID, Locality: c.Locality, Lon: RoundCoord(c.Point[0]), Lat: RoundCoord(c.Point[1]),
			Placed: c.Placed, Fixed: e.Fixed, Reach: Finite(e.Reach), ReachShare: Finite(e.ReachShare), Served: Finite(e.Served),
			Unique: Finite(e.Unique), MeanTravel: Finite(e.MeanCost), MaxTravel: Finite(e.MaxCost), Capacity: Finite(c.Capacity),
			Explanation: e.Text, Alternative: e.Alternative})
		if e.Alternative != "" {
			doc.Sites[len(doc.Sites)-1].AlternativeLoss = Finite(e.AlternativeLoss)
		}
	}
	selected, fixed, excluded := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, id := range s.Selected {
		selected[id] = true
	}
	for _, id := range ss.Fixed {
		fixed[id] = true
	}
	for _, id := range ss.Exclude {
		excluded[id] = true
	}
	doc.Candidates = make([]PlanCandidate, len(r.Candidates))
	for i, c := range r.Candidates {
		doc.Candidates[i] = PlanCandidate{ID: c.ID, Locality: c.Locality, Lon: RoundCoord(c.Point[0]), Lat: RoundCoord(c.Point[1]),
			Placed: c.Placed, Selected: selected[c.ID], Fixed: fixed[c.ID], Excluded: excluded[c.ID]}
	}
	doc.Rollout = rolloutDocument(r.Rollout)
	if ev := r.Evaluation; ev != nil {
		pe := &PlanEvaluation{Seed: ev.Seed, StratumSize: ev.StratumSize, Order: ev.Plan.Order, Allocations: ev.Allocations,
			MinPValue: ev.MinPValue, Evaluable: ev.Evaluable, Verdict: ev.Verdict, Profile: ev.ProfileNames}
		for _, st := range ev.Strata {
			pe.Strata = append(pe.Strata, st.Sites)
		}
		for _, b := range ev.Balance {
			row := PlanBalance{Label: b.Label, Sites: b.Sites, Units: b.Units, MeanWeight: Finite(b.MeanWeight),
				Population: b.Population, MostDeprivedShare: Finite(b.MostDeprivedShare)}
			for _, m := range b.ProfileMeans {
				row.ProfileMeans = append(row.ProfileMeans, Finite(m))
			}
			pe.Balance = append(pe.Balance, row)
		}
		doc.Evaluation = pe
	}
	for _, c := range r.Comparisons {
		pc := PlanComparison{Label: c.Label, Metric: string(c.Metric), Treated: len(c.Treated), Balanced: c.Balanced, Summary: c.Summary,
			Pairs: []PlanPair{}, Unmatched: []string{}}
		for _, p := range c.Pairs {
			pc.Pairs = append(pc.Pairs, PlanPair{Treated: r.Demand[p.Treated].Code, Control: r.Demand[p.Control].Code, Distance: p.Distance})
		}
		for _, u := range c.Unmatched {
			pc.Unmatched = append(pc.Unmatched, r.Demand[u].Code)
		}
		for _, b := range c.Balance {
			pc.Balance = append(pc.Balance, PlanSMD{Name: b.Name, Before: Finite(b.Before), After: Finite(b.After)})
		}
		doc.Comparisons = append(doc.Comparisons, pc)
	}
	if rb := r.Robustness; rb != nil {
		pr := &PlanRobustness{Draws: rb.Draws, Standards: append([]float64{}, rb.Standards...), Summary: rb.Summary}
		for _, c := range rb.Candidates {
			pr.Candidates = append(pr.Candidates, PlanStability{ID: c.ID, Selected: c.Selected, Fixed: c.Fixed, Draws: Finite(c.Draws),
				Standards: Finite(c.Standards), ByStandard: c.ByStandard})
		}
		doc.Robustness = pr
	}
	u := r.Score.Uncertainty
	for i, l := range r.Score.Need.Localities {
		row := PlanLocalityNeed{Rank: l.Rank, Locality: l.Locality, NeedScore: l.Score}
		if u != nil {
			lu := u.Localities[i]
			row.MedianRank, row.RankP5, row.RankP95 = &lu.MedianRank, &lu.RankP5, &lu.RankP95
		}
		doc.Localities = append(doc.Localities, row)
	}
	sortByRank(doc.Localities)
	return doc
}

func rolloutDocument(p *rollout.Plan) PlanRollout {
	out := PlanRollout{Order: p.Order, Solver: string(p.Solver), ProvenOptimal: p.ProvenOptimal, AUCShare: Finite(p.AUCShare),
		End: p.End.Format(dateLayout)}
	for _, ph := range p.Phases {
		pp := PlanPhase{Label: ph.Label, Start: ph.Start.Format(dateLayout), NewWeight: Finite(ph.NewWeight),
			NewPopulation: ph.NewPopulation, NewMostDeprivedPopulation: ph.NewMostDeprivedPopulation,
			WeightShare: Finite(ph.WeightShare), PopulationShare: ph.PopulationShare, MostDeprivedShare: ph.MostDeprivedShare,
			Summary: ph.Summary}
		for _, s := range ph.Sites {
			pp.Sites = append(pp.Sites, PlanOpening{ID: s.ID, Fixed: s.Fixed, MarginalWeight: Finite(s.MarginalWeight), MarginalPopulation: s.MarginalPopulation})
		}
		out.Phases = append(out.Phases, pp)
	}
	return out
}

func sortByRank(rows []PlanLocalityNeed) {
	slices.SortFunc(rows, func(a, b PlanLocalityNeed) int {
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), strings.Compare(a.Locality, b.Locality))
	})
}
