package scoring

import (
	"math"

	"placeplan"
)

// Populations holds small areas' denominator populations (people), keyed by
// denominator (placeplan.PopTotal, PopChildren, PopWorkingAge, PopOlder…)
// and then by area code.
type Populations map[string]map[string]float64

// RolledUp is one indicator's value for one locality, with how much of the
// locality it rests on so that callers can warn when coverage is low.
type RolledUp struct {
	Locality       string
	Value          float64 // NaN when no member area has a value
	Areas          int     // member areas
	AreasWithValue int     // member areas with a value
	// Population is the locality's denominator population over all member
	// areas (people); 0 when the indicator has no denominator, or is a
	// count whose denominator population is not given for every member.
	Population float64
	// Coverage is the share (0 to 1) of the locality's denominator
	// population living in member areas with a value; the share of member
	// areas when the indicator has no denominator, or is a count whose
	// denominator population is not given.
	Coverage float64
}

// RollUp aggregates one indicator's small-area values to localities:
//
//   - counts (and populations) are summed over the member areas with a
//     value; a missing value counts as nothing (the sum is not scaled up),
//     so check Coverage;
//   - rates and scores are averaged weighted by the indicator's
//     denominator population (ind.Denominator: children for IDACI, working
//     age for Employment…), over the member areas with a value, the weights
//     renormalised over those areas; with no denominator (PopNone or empty)
//     the mean is unweighted;
//   - ranks and deciles cannot be averaged and are invalid input: roll up
//     the score instead.
//
// values holds the indicator's value for each small area (NaN, or an area
// left out, means no value); pops the denominator populations, which must
// be given for every member area when the indicator is a population-weighted
// rate or score. The result follows the order of localities.
func RollUp(ind placeplan.Indicator, values []placeplan.Value, pops Populations, localities []placeplan.Locality) ([]RolledUp, error) {
	summed := false
	switch ind.Kind {
	case placeplan.KindCount, placeplan.KindPopulation:
		summed = true
	case placeplan.KindRate, placeplan.KindScore, "":
	case placeplan.KindRank, placeplan.KindDecile:
		return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q is a %s, which cannot be averaged over a locality: roll up its score instead", ind.Key, ind.Kind)
	default:
		return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q has unknown kind %q", ind.Key, ind.Kind)
	}
	byArea := make(map[string]float64, len(values))
	for _, v := range values {
		if _, dup := byArea[v.Area]; dup {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q: area %s has two values", ind.Key, v.Area)
		}
		if math.IsInf(v.Value, 0) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q: area %s has an infinite value", ind.Key, v.Area)
		}
		byArea[v.Area] = v.Value
	}
	denom := ind.Denominator
	if denom == placeplan.PopNone {
		denom = ""
	}
	pop := pops[denom]
	if denom != "" && pop == nil && !summed {
		return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q is weighted by the %s population, which is not given", ind.Key, denom)
	}
	usePop := denom != "" && pop != nil

	out := make([]RolledUp, len(localities))
	for l, loc := range localities {
		r := RolledUp{Locality: loc.Name, Areas: len(loc.Areas)}
		// A count whose denominator population is missing for a member
		// area can do without: its coverage falls back to areas.
		weighted := usePop
		if weighted {
			for _, code := range loc.Areas {
				if p, ok := pop[code]; !ok || math.IsNaN(p) || math.IsInf(p, 0) || p < 0 {
					if !summed {
						return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q: area %s of locality %q has no %s population", ind.Key, code, loc.Name, denom)
					}
					weighted = false
					break
				}
			}
		}
		var num, den, popAll, popWith float64
		for _, code := range loc.Areas {
			p := 1.0
			if weighted {
				p = pop[code]
			}
			popAll += p
			v, ok := byArea[code]
			if !ok || math.IsNaN(v) {
				continue
			}
			r.AreasWithValue++
			popWith += p
			if summed {
				num += v
			} else {
				num += p * v
				den += p
			}
		}
		switch {
		case r.AreasWithValue == 0:
			r.Value = math.NaN()
		case summed:
			r.Value = num
		case den == 0: // no one in the denominator lives in the areas with a value
			r.Value = math.NaN()
		default:
			r.Value = num / den
		}
		if weighted {
			r.Population = popAll
		}
		if popAll > 0 {
			r.Coverage = popWith / popAll
		}
		out[l] = r
	}
	return out, nil
}

// RolledValues returns the values of rolled, in order: one column of the
// NeedInput.Values matrix.
func RolledValues(rolled []RolledUp) []float64 {
	out := make([]float64, len(rolled))
	for i, r := range rolled {
		out[i] = r.Value
	}
	return out
}
