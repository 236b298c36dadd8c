package scenario

import (
	"context"
	"maps"
	"math"
	"slices"
	"sort"

	"placeplan"
	"placeplan/scoring"
)

// AreaNeed is a scenario's need score for each loaded small area that has a
// value for every indicator of the scenario: the same indicators, weights,
// normalisation and aggregation as its locality ranking, applied to the
// areas themselves.
type AreaNeed struct {
	// Input is the need input over the areas (Input.Localities holds the
	// area codes), kept for re-scoring under the uncertainty draws.
	Input  scoring.NeedInput
	Scores []float64 // higher is more need; the scale depends on the normalisation
	Ranks  []int     // 1 = the most need among the areas scored
	// Shares are NeedShares(Scores): the share of areas with less need.
	Shares []float64
	row    map[string]int
}

// Row returns the position of area code in the AreaNeed slices.
func (a *AreaNeed) Row(code string) (int, bool) {
	r, ok := a.row[code]
	return r, ok
}

// ScoreAreas scores every loaded small area on a scored scenario's
// indicators (as res used them: directions overridden, weights
// renormalised), normalised against the same references.
func ScoreAreas(ctx context.Context, st AreaData, res *Result) (*AreaNeed, error) {
	need := res.Need
	in := scoring.NeedInput{Indicators: need.Indicators, Weights: need.Weights, Method: need.Method, Aggregation: need.Aggregation}
	cols := make([]map[string]float64, len(need.Indicators))
	for j, ind := range need.Indicators {
		col, err := st.ValuesByArea(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		cols[j] = col
		r, err := scoring.NewReference(ind.Key, slices.Collect(maps.Values(col))) // NewReference sorts
		if err != nil {
			return nil, err
		}
		in.References = append(in.References, r)
	}
	var codes []string
	for code := range cols[0] {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	in.Values = make([][]float64, len(cols))
	a := &AreaNeed{row: map[string]int{}}
	for _, code := range codes {
		ok := true
		for _, c := range cols {
			if v, has := c[code]; !has || math.IsNaN(v) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		a.row[code] = len(in.Localities)
		in.Localities = append(in.Localities, code)
		for j, c := range cols {
			in.Values[j] = append(in.Values[j], c[code])
		}
	}
	if len(in.Localities) < 2 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "fewer than 2 areas have a value for every indicator of the scenario")
	}
	nr, err := scoring.Need(in)
	if err != nil {
		return nil, err
	}
	a.Input = in
	a.Scores = make([]float64, len(nr.Localities))
	a.Ranks = make([]int, len(nr.Localities))
	for i, l := range nr.Localities {
		a.Scores[i], a.Ranks[i] = l.Score, l.Rank
	}
	a.Shares = NeedShares(a.Scores)
	return a, nil
}
