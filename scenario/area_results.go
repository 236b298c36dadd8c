package scenario

import (
	"context"
	"math"
	"slices"
	"strings"
)

// AreaResult is what a scored scenario says of one small area: the area's
// own need score, rank and share among every area scored (ScoreAreas),
// and, for the areas of the scenario's scored localities, the locality and
// that locality's need rank.
type AreaResult struct {
	Code      string
	NeedScore float64 // NaN when the area lacks a value for some indicator
	NeedRank  int     // 1 = the most need among the areas scored; 0 when not scored
	NeedShare float64 // the share of areas scored with less need, 0–1; NaN when not scored
	// Locality is the area's locality in the scenario's scheme, "" when it
	// is in none of the localities ranked; LocalityNeedRank is that
	// locality's need rank, 0 with no locality.
	Locality         string
	LocalityNeedRank int
}

// AreaResults gives every small area a scored scenario speaks of — every
// area ScoreAreas scores and every area of its ranked localities — with
// its need and locality, in code order. The map layers, the tiles and the
// per-area answers of the score routes all read it.
func AreaResults(ctx context.Context, st AreaData, res *Result) ([]AreaResult, error) {
	an, err := ScoreAreas(ctx, st, res)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]*AreaResult, len(an.Input.Localities))
	out := make([]AreaResult, 0, len(an.Input.Localities))
	for i, code := range an.Input.Localities {
		out = append(out, AreaResult{Code: code, NeedScore: an.Scores[i], NeedRank: an.Ranks[i], NeedShare: an.Shares[i]})
	}
	for i := range out {
		byCode[out[i].Code] = &out[i]
	}
	locs, err := st.Localities(ctx, res.Geography)
	if err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for _, l := range res.Need.Localities {
		rank[l.Locality] = l.Rank
	}
	var unscored []AreaResult // areas of a ranked locality without a need score of their own
	for _, l := range locs {
		if l.Scheme != res.Scenario.Localities.Scheme || rank[l.Name] == 0 {
			continue
		}
		for _, code := range l.Areas {
			a := byCode[code]
			if a == nil {
				unscored = append(unscored, AreaResult{Code: code, NeedScore: math.NaN(), NeedShare: math.NaN(),
					Locality: l.Name, LocalityNeedRank: rank[l.Name]})
				continue
			}
			a.Locality, a.LocalityNeedRank = l.Name, rank[l.Name]
		}
	}
	if len(unscored) > 0 {
		out = append(out, unscored...)
		slices.SortFunc(out, func(a, b AreaResult) int { return strings.Compare(a.Code, b.Code) })
	}
	return out, nil
}

// AreaPlan is what a plan says of one of its demand areas: the chosen
// site serving it, the rollout phase it is first reached in, and its
// travel to that site.
type AreaPlan struct {
	Code     string
	ServedBy string // the chosen site nearest it within the standard; "" when none reaches it
	// Phase is the index into Rollout.Phases of the phase in which it is
	// first reached, −1 when never; PhaseLabel that phase's label.
	Phase      int
	PhaseLabel string
	Travel     float64 // to ServedBy, in the plan's Unit; NaN when not served
}

// AreaPlans returns what the plan says of each demand area, in the order
// of Demand (code order): the same ServedBy and ReachedIn the catchments
// and phases layers group areas by.
func (r *PlanResult) AreaPlans() []AreaPlan {
	out := make([]AreaPlan, len(r.Demand))
	for i, d := range r.Demand {
		a := AreaPlan{Code: d.Code, Phase: r.ReachedIn[i], Travel: r.ServedCost[i]}
		if k := r.ServedBy[i]; k >= 0 {
			a.ServedBy = r.Selection.Selected[k]
		}
		if a.Phase >= 0 {
			a.PhaseLabel = r.Rollout.Phases[a.Phase].Label
		}
		out[i] = a
	}
	return out
}
