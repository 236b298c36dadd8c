package wire

import (
	"placeplan/scenario"
	"placeplan/scoring/siting"
)

// Sites is a site selection on the wire: what "placeplan sites
// --format json" prints and POST /api/v1/sites answers. For MCLP and the
// capacitated model the objective is the demand weight covered and
// upper_bound bounds the optimum from above; for p-median the objective is
// the weighted travel cost, lower_bound bounds the optimum from below and
// upper_bound is the objective found; for LSCP the objective is the number
// of sites. Served[i] is the weight Selected[i] serves.
type Sites struct {
	Model         string    `json:"model"`
	Selected      []string  `json:"selected"`
	Served        []float64 `json:"served"`
	Objective     float64   `json:"objective"`
	UpperBound    float64   `json:"upper_bound"`
	LowerBound    *float64  `json:"lower_bound,omitempty"`
	Gap           float64   `json:"gap"`
	CoveredWeight float64   `json:"covered_weight"`
	TotalWeight   float64   `json:"total_weight"`
	Solver        string    `json:"solver"`
	ProvenOptimal bool      `json:"proven_optimal"`
	P             int       `json:"p"`
	Standard      float64   `json:"standard"`
	Unit          string    `json:"unit"`
	Circuity      float64   `json:"circuity,omitempty"` // 0 for an imported matrix
	Seed          int64     `json:"seed"`
	// Warnings are what in the input did not stop the selection but may
	// make it wrong: a travel matrix with no rows for some sites or areas.
	Warnings []string `json:"warnings"`
}

// NewSites converts a selection for the wire.
func NewSites(model siting.Model, r *scenario.SitesResult, circuity float64, seed int64) Sites {
	res := r.Selection
	out := Sites{Model: model.String(), Selected: res.Selected, Served: res.Served, Objective: res.Objective, UpperBound: res.UpperBound,
		Gap: res.Gap, CoveredWeight: res.CoveredWeight, TotalWeight: res.TotalWeight, Solver: string(res.Solver),
		ProvenOptimal: res.ProvenOptimal, P: len(res.Selected), Standard: r.Standard, Unit: string(r.Unit), Circuity: circuity, Seed: seed,
		Warnings: r.Warnings}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if model.Minimises() {
		lb := res.LowerBound
		out.LowerBound = &lb
		out.UpperBound = res.Objective
	}
	if out.Selected == nil {
		out.Selected, out.Served = []string{}, []float64{}
	}
	return out
}

// SitesTable is a site selection's chosen sites, one row each in the
// order of what each adds (Selected), with where it is, its capacity
// (empty for no limit) and the demand weight it serves.
func SitesTable(r Sites, cands []siting.Candidate) Table {
	at := map[string]siting.Candidate{}
	for _, c := range cands {
		at[c.ID] = c
	}
	t := Table{Name: "sites", Columns: []Column{IntCol("order"), TextCol("id"), NumberCol("lon", 6), NumberCol("lat", 6),
		NumberCol("capacity", Shortest), NumberCol("served", Shortest)}}
	for i, id := range r.Selected {
		c := at[id]
		t.Rows = append(t.Rows, []any{i + 1, id, RoundCoord(c.Point[0]), RoundCoord(c.Point[1]), c.Capacity, r.Served[i]})
	}
	return t
}
