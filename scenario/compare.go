package scenario

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"placeplan"
)

// Compared is one scenario (or one revision of one) to compare: its label
// (such as "shropshire-five-teams@2"), document, need ranking, and plan
// when it has a sites section.
type Compared struct {
	Label    string
	Scenario *Scenario
	Score    *Result
	Plan     *PlanResult // nil without a sites section
}

// Comparison sets two or more scenarios side by side. Slices indexed "per
// scenario" follow the order of the scenarios compared.
type Comparison struct {
	Labels []string
	Names  []string
	// Differences are the assumptions that differ: document fields (as
	// dotted paths, e.g. "sites.teams") with each scenario's value.
	Differences []Difference
	// Localities are every locality ranked by any scenario, with its rank
	// in each (0 when a scenario does not rank it) and the change from the
	// first scenario to the last.
	Localities []LocalityRanks
	// Sites are every site chosen by any scenario, with whether each
	// chooses it and the phase it opens in.
	Sites []SiteChoice
	// Phases compare the rollouts phase by phase (by position).
	Phases []PhaseCoverage
	// Equity is, per scenario, what the whole plan reaches within the
	// standard: shares of the demand weight, of the population, and of the
	// population in England's most deprived decile.
	Equity []Equity
	// Areas is the map-ready difference between the first two scenarios
	// with plans, AreasOf (indices into Labels): each demand area covered
	// in the first only (CoveredAOnly), the second only, both or neither.
	// Empty unless both have plans on one geography.
	Areas   []AreaCoverage
	AreasOf [2]int
	Summary []string // plain-words lines
}

// Difference is one assumption and its value in each scenario ("" when a
// scenario does not set it).
type Difference struct {
	Field  string
	Values []string
}

// LocalityRanks is one locality's need rank per scenario.
type LocalityRanks struct {
	Locality string
	Ranks    []int
	Change   int // rank in the last scenario − rank in the first (negative: more need)
}

// SiteChoice is one site's place in each scenario's plan.
type SiteChoice struct {
	ID     string
	Chosen []bool
	Phase  []string // the phase it opens in, "" when not chosen
}

// PhaseCoverage is one phase position across the rollouts.
type PhaseCoverage struct {
	Index int // 0-based
	// Per scenario; NaN where a scenario has fewer phases or no plan.
	Labels            []string
	Starts            []string // YYYY-MM-DD
	WeightShare       []float64
	PopulationShare   []float64
	MostDeprivedShare []float64
}

// Equity is one scenario's whole-plan reach.
type Equity struct {
	WeightShare, PopulationShare, MostDeprivedShare float64
	MostDeprivedPopulation                          float64 // reached
}

// Coverage states of an area in a two-scenario comparison.
const (
	CoveredBoth    = "both"
	CoveredAOnly   = "a_only"
	CoveredBOnly   = "b_only"
	CoveredNeither = "neither"
)

// AreaCoverage is one demand area in the difference layer.
type AreaCoverage struct {
	Code   string
	Status string // CoveredBoth, CoveredAOnly, CoveredBOnly or CoveredNeither
}

// Compare sets the scenarios side by side.
func Compare(items []Compared) (*Comparison, error) {
	if len(items) < 2 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "compare: give at least two scenarios (got %d)", len(items))
	}
	c := &Comparison{}
	docs := make([]map[string]string, len(items))
	for k, it := range items {
		if it.Scenario == nil || it.Score == nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "compare: %s has no scored scenario", it.Label)
		}
		c.Labels = append(c.Labels, it.Label)
		c.Names = append(c.Names, it.Scenario.Name)
		flat, err := flatten(it.Scenario)
		if err != nil {
			return nil, err
		}
		docs[k] = flat
	}
	c.Differences = differences(docs)
	c.Localities = localityRanks(items)
	c.Sites = siteChoices(items)
	c.Phases = phaseCoverage(items)
	for _, it := range items {
		c.Equity = append(c.Equity, equity(it.Plan))
	}
	c.Areas, c.AreasOf = areaDifference(items)
	c.Summary = comparisonSummary(c, items)
	return c, nil
}

// flatten turns a scenario document into dotted paths and values.
func flatten(sc *Scenario) (map[string]string, error) {
	b, err := json.Marshal(sc)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, x)
			}
		case []any:
			// Indicators are keyed by their key, so reordering is no change.
			if prefix == "indicators" {
				for _, x := range t {
					if m, ok := x.(map[string]any); ok {
						key, _ := m["key"].(string)
						delete(m, "key")
						walk(prefix+"."+key, m)
					}
				}
				return
			}
			b, _ := json.Marshal(t)
			out[prefix] = string(b)
		default:
			b, _ := json.Marshal(t)
			out[prefix] = strings.Trim(string(b), `"`)
		}
	}
	walk("", v)
	return out, nil
}

// differences lists the fields whose values differ, names aside.
func differences(docs []map[string]string) []Difference {
	fields := map[string]bool{}
	for _, d := range docs {
		for f := range d {
			fields[f] = true
		}
	}
	var out []Difference
	for _, f := range sortedSet(fields) {
		if f == "name" || f == "description" {
			continue
		}
		vals := make([]string, len(docs))
		same := true
		for k, d := range docs {
			vals[k] = d[f]
			same = same && vals[k] == vals[0]
		}
		if !same {
			out = append(out, Difference{Field: f, Values: vals})
		}
	}
	return out
}

func localityRanks(items []Compared) []LocalityRanks {
	idx := map[string]int{}
	var out []LocalityRanks
	for k, it := range items {
		for _, l := range it.Score.Need.Localities {
			i, ok := idx[l.Locality]
			if !ok {
				i = len(out)
				idx[l.Locality] = i
				out = append(out, LocalityRanks{Locality: l.Locality, Ranks: make([]int, len(items))})
			}
			out[i].Ranks[k] = l.Rank
		}
	}
	last := len(items) - 1
	for i := range out {
		if r0, r1 := out[i].Ranks[0], out[i].Ranks[last]; r0 > 0 && r1 > 0 {
			out[i].Change = r1 - r0
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		ra, rb := firstRank(out[a].Ranks), firstRank(out[b].Ranks)
		if ra != rb {
			return ra < rb
		}
		return out[a].Locality < out[b].Locality
	})
	return out
}

// firstRank is the first non-zero rank, for ordering.
func firstRank(ranks []int) int {
	for _, r := range ranks {
		if r > 0 {
			return r
		}
	}
	return math.MaxInt
}

func siteChoices(items []Compared) []SiteChoice {
	idx := map[string]int{}
	var out []SiteChoice
	for k, it := range items {
		if it.Plan == nil {
			continue
		}
		phaseOf := map[string]string{}
		for _, ph := range it.Plan.Rollout.Phases {
			for _, o := range ph.Sites {
				phaseOf[o.ID] = ph.Label
			}
		}
		for _, id := range it.Plan.Selection.Selected {
			i, ok := idx[id]
			if !ok {
				i = len(out)
				idx[id] = i
				out = append(out, SiteChoice{ID: id, Chosen: make([]bool, len(items)), Phase: make([]string, len(items))})
			}
			out[i].Chosen[k], out[i].Phase[k] = true, phaseOf[id]
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		ca, cb := count(out[a].Chosen), count(out[b].Chosen)
		if ca != cb {
			return ca > cb
		}
		return out[a].ID < out[b].ID
	})
	return out
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func phaseCoverage(items []Compared) []PhaseCoverage {
	n := 0
	for _, it := range items {
		if it.Plan != nil {
			n = max(n, len(it.Plan.Rollout.Phases))
		}
	}
	out := make([]PhaseCoverage, n)
	for q := range out {
		pc := PhaseCoverage{Index: q}
		for _, it := range items {
			label, start, w, p, md := "", "", math.NaN(), math.NaN(), math.NaN()
			if it.Plan != nil && q < len(it.Plan.Rollout.Phases) {
				ph := it.Plan.Rollout.Phases[q]
				label, start = ph.Label, ph.Start.Format(dateLayout)
				w, p, md = ph.WeightShare, ph.PopulationShare, ph.MostDeprivedShare
			}
			pc.Labels = append(pc.Labels, label)
			pc.Starts = append(pc.Starts, start)
			pc.WeightShare = append(pc.WeightShare, w)
			pc.PopulationShare = append(pc.PopulationShare, p)
			pc.MostDeprivedShare = append(pc.MostDeprivedShare, md)
		}
		out[q] = pc
	}
	return out
}

func equity(p *PlanResult) Equity {
	if p == nil {
		return Equity{WeightShare: math.NaN(), PopulationShare: math.NaN(), MostDeprivedShare: math.NaN(), MostDeprivedPopulation: math.NaN()}
	}
	var w, pop, md, tw, tp, tmd float64
	for i, d := range p.Demand {
		tw += d.Weight
		tp += d.Population
		if d.MostDeprived {
			tmd += d.Population
		}
		if p.ServedBy[i] >= 0 {
			w += d.Weight
			pop += d.Population
			if d.MostDeprived {
				md += d.Population
			}
		}
	}
	share := func(a, b float64) float64 {
		if b == 0 {
			return math.NaN()
		}
		return a / b
	}
	return Equity{WeightShare: share(w, tw), PopulationShare: share(pop, tp), MostDeprivedShare: share(md, tmd), MostDeprivedPopulation: md}
}

// areaDifference compares the coverage of the first two plans, area by
// area, when they are on the same geography, and says which items they are.
func areaDifference(items []Compared) ([]AreaCoverage, [2]int) {
	var plans []*PlanResult
	var of []int
	for k, it := range items {
		if it.Plan != nil {
			plans = append(plans, it.Plan)
			of = append(of, k)
		}
	}
	if len(plans) < 2 || plans[0].Score.Geography != plans[1].Score.Geography {
		return nil, [2]int{}
	}
	covered := func(p *PlanResult) map[string]bool {
		m := map[string]bool{}
		for i, d := range p.Demand {
			m[d.Code] = p.ServedBy[i] >= 0
		}
		return m
	}
	a, b := covered(plans[0]), covered(plans[1])
	codes := map[string]bool{}
	for code := range a {
		codes[code] = true
	}
	for code := range b {
		codes[code] = true
	}
	out := make([]AreaCoverage, 0, len(codes))
	for _, code := range sortedSet(codes) {
		st := CoveredNeither
		switch {
		case a[code] && b[code]:
			st = CoveredBoth
		case a[code]:
			st = CoveredAOnly
		case b[code]:
			st = CoveredBOnly
		}
		out = append(out, AreaCoverage{Code: code, Status: st})
	}
	return out, [2]int{of[0], of[1]}
}

func comparisonSummary(c *Comparison, items []Compared) []string {
	var out []string
	if len(c.Differences) == 0 {
		out = append(out, "The scenarios make the same assumptions.")
	} else {
		fields := make([]string, 0, len(c.Differences))
		for _, d := range c.Differences {
			fields = append(fields, d.Field)
		}
		out = append(out, fmt.Sprintf("They differ in %d assumption(s): %s.", len(fields), strings.Join(fields, ", ")))
	}
	moved, both := 0, 0
	last := len(c.Labels) - 1
	for _, l := range c.Localities {
		if l.Ranks[0] > 0 && l.Ranks[last] > 0 {
			both++
			if l.Change != 0 {
				moved++
			}
		}
	}
	if both == 0 {
		out = append(out, fmt.Sprintf("%s and %s rank different localities.", c.Labels[0], c.Labels[last]))
	} else if moved == 0 {
		out = append(out, fmt.Sprintf("No locality changes need rank between %s and %s (%d ranked by both).", c.Labels[0], c.Labels[last], both))
	} else {
		out = append(out, fmt.Sprintf("%d of the %d localities ranked by both change need rank between %s and %s.", moved, both, c.Labels[0], c.Labels[last]))
	}
	for k, it := range items {
		if it.Plan == nil {
			continue
		}
		e := c.Equity[k]
		out = append(out, fmt.Sprintf("%s chooses %s: %s of the demand, %s of the population and %s of the most deprived decile's population within the standard.",
			c.Labels[k], strings.Join(it.Plan.Selection.Selected, ", "), pctText(e.WeightShare), pctText(e.PopulationShare), pctText(e.MostDeprivedShare)))
	}
	if len(c.Areas) > 0 {
		n := map[string]int{}
		for _, a := range c.Areas {
			n[a.Status]++
		}
		a, b := c.Labels[c.AreasOf[0]], c.Labels[c.AreasOf[1]]
		out = append(out, fmt.Sprintf("Area by area, %s against %s: %d reached by both, %d by %s only, %d by %s only, %d by neither.",
			a, b, n[CoveredBoth], n[CoveredAOnly], a, n[CoveredBOnly], b, n[CoveredNeither]))
	}
	return slices.Clip(out)
}

func pctText(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*x)
}
