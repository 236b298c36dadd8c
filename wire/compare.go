package wire

import "placeplan/scenario"

// Compare is a comparison of scenarios on the wire: what
// "placeplan compare --format json" prints and /api/v1/compare sends.
// Slices inside follow the order of Labels; shares are null where a
// scenario has no value (no plan, or fewer phases).
type Compare struct {
	Labels      []string            `json:"labels"`
	Names       []string            `json:"names"`
	Summary     []string            `json:"summary"`
	Differences []CompareDifference `json:"differences"`
	Localities  []CompareLocality   `json:"localities"`
	Sites       []CompareSite       `json:"sites"`
	Phases      []ComparePhase      `json:"phases"`
	Equity      []CompareEquity     `json:"equity"`
	// Areas is the coverage difference between the first two plans, by
	// area code: both, a_only, b_only or neither; AreasCompared names the
	// two (a, then b), as in Labels.
	Areas         map[string]string `json:"areas,omitempty"`
	AreasCompared []string          `json:"areas_compared,omitempty"`
}

// CompareDifference is one assumption that differs.
type CompareDifference struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// CompareLocality is one locality's need rank in each scenario (null where
// not ranked) and the change from the first to the last.
type CompareLocality struct {
	Locality string `json:"locality"`
	Ranks    []*int `json:"ranks"`
	Change   int    `json:"change"`
}

// CompareSite is one site and the phase it opens in under each scenario.
type CompareSite struct {
	ID     string   `json:"id"`
	Chosen []bool   `json:"chosen"`
	Phase  []string `json:"phase"`
}

// ComparePhase is one phase position across the rollouts.
type ComparePhase struct {
	Index             int        `json:"index"`
	Labels            []string   `json:"labels"`
	Starts            []string   `json:"starts"`
	WeightShare       []*float64 `json:"cumulative_weight_share"`
	PopulationShare   []*float64 `json:"cumulative_population_share"`
	MostDeprivedShare []*float64 `json:"cumulative_most_deprived_share"`
}

// CompareEquity is one scenario's whole-plan reach.
type CompareEquity struct {
	WeightShare       *float64 `json:"weight_share"`
	PopulationShare   *float64 `json:"population_share"`
	MostDeprivedShare *float64 `json:"most_deprived_share"`
}

// NewCompare converts a comparison for the wire.
func NewCompare(c *scenario.Comparison) Compare {
	d := Compare{Labels: c.Labels, Names: c.Names, Summary: c.Summary,
		Differences: []CompareDifference{}, Localities: []CompareLocality{}, Sites: []CompareSite{}, Phases: []ComparePhase{}}
	for _, x := range c.Differences {
		d.Differences = append(d.Differences, CompareDifference{Field: x.Field, Values: x.Values})
	}
	for _, l := range c.Localities {
		row := CompareLocality{Locality: l.Locality, Change: l.Change}
		for _, r := range l.Ranks {
			if r > 0 {
				r := r
				row.Ranks = append(row.Ranks, &r)
			} else {
				row.Ranks = append(row.Ranks, nil)
			}
		}
		d.Localities = append(d.Localities, row)
	}
	for _, s := range c.Sites {
		d.Sites = append(d.Sites, CompareSite{ID: s.ID, Chosen: s.Chosen, Phase: s.Phase})
	}
	nums := func(xs []float64) []*float64 {
		out := make([]*float64, len(xs))
		for i, x := range xs {
			out[i] = Finite(x)
		}
		return out
	}
	for _, p := range c.Phases {
		d.Phases = append(d.Phases, ComparePhase{Index: p.Index, Labels: p.Labels, Starts: p.Starts,
			WeightShare: nums(p.WeightShare), PopulationShare: nums(p.PopulationShare), MostDeprivedShare: nums(p.MostDeprivedShare)})
	}
	for _, e := range c.Equity {
		d.Equity = append(d.Equity, CompareEquity{WeightShare: Finite(e.WeightShare), PopulationShare: Finite(e.PopulationShare), MostDeprivedShare: Finite(e.MostDeprivedShare)})
	}
	if len(c.Areas) > 0 {
		d.AreasCompared = []string{c.Labels[c.AreasOf[0]], c.Labels[c.AreasOf[1]]}
		d.Areas = make(map[string]string, len(c.Areas))
		for _, a := range c.Areas {
			d.Areas[a.Code] = a.Status
		}
	}
	return d
}
