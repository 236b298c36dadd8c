package scoring

import (
	"math"

	"placeplan"
)

// Aggregation names how normalised, weighted indicators are combined into
// one score.
type Aggregation string

// The aggregation methods.
const (
	// Arithmetic is the weighted arithmetic mean Σ wⱼ·yⱼ of the normalised
	// values: fully compensatory (a low value on one indicator is offset
	// by a high value on another).
	Arithmetic Aggregation = "arithmetic"
	// Geometric is the weighted geometric mean Π ỹⱼ^wⱼ: partly
	// compensatory, so a locality needs to be high on several indicators
	// to score high. It needs strictly positive inputs, so each normalised
	// value is first rescaled onto [1, 100] by GeometricScale, using the
	// normalised values of the indicator's reference minimum and maximum as
	// the ends (so the rescaling, like the normalisation, depends only on
	// the reference, not on which localities are compared).
	Geometric Aggregation = "geometric"
)

// Aggregations returns every aggregation method, in a fixed order.
func Aggregations() []Aggregation { return []Aggregation{Arithmetic, Geometric} }

// ParseAggregation reads an aggregation method: "arithmetic" or
// "geometric" (case ignored; "mean", "arithmetic mean", "geometric mean"
// and "geo" are accepted too).
func ParseAggregation(s string) (Aggregation, error) {
	switch normMethodWord(s) {
	case "arithmetic", "arithmeticmean", "mean", "weightedmean", "linear":
		return Arithmetic, nil
	case "geometric", "geometricmean", "geo":
		return Geometric, nil
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "unknown aggregation %q: want arithmetic or geometric", s)
}

// Label returns the aggregation as a paper would name it: "weighted
// arithmetic mean" or "weighted geometric mean".
func (a Aggregation) Label() string {
	switch a {
	case Arithmetic:
		return "weighted arithmetic mean"
	case Geometric:
		return "weighted geometric mean"
	}
	return string(a)
}

func (a Aggregation) valid() bool { return a == Arithmetic || a == Geometric }

// Ends of the scale GeometricScale maps normalised values onto.
const (
	GeometricScaleMin = 1.0
	GeometricScaleMax = 100.0
)

// GeometricScale rescales a normalised value y onto [1, 100] by min–max
// between lo and hi (the normalised values of the reference's two ends),
// clamping values beyond them, so that the weighted geometric mean is
// defined whatever the normalisation (z-scores are negative below the
// mean; min–max and ranks can be 0). When lo equals hi every value maps
// to 1.
func GeometricScale(y, lo, hi float64) float64 {
	if hi <= lo {
		return GeometricScaleMin
	}
	s := GeometricScaleMin + (GeometricScaleMax-GeometricScaleMin)*(y-lo)/(hi-lo)
	return math.Min(math.Max(s, GeometricScaleMin), GeometricScaleMax)
}

// WeightedArithmeticMean returns Σ wⱼ·xⱼ / Σ wⱼ. Weights must be zero or
// more with a positive sum; NaN values are invalid.
func WeightedArithmeticMean(values, weights []float64) (float64, error) {
	sumW, err := checkMean(values, weights)
	if err != nil {
		return 0, err
	}
	var s float64
	for j, v := range values {
		s += weights[j] * v
	}
	return s / sumW, nil
}

// WeightedGeometricMean returns exp(Σ wⱼ·ln xⱼ / Σ wⱼ). Every value with a
// positive weight must be strictly positive (rescale with GeometricScale
// first); weights must be zero or more with a positive sum.
func WeightedGeometricMean(values, weights []float64) (float64, error) {
	sumW, err := checkMean(values, weights)
	if err != nil {
		return 0, err
	}
	var s float64
	for j, v := range values {
		if weights[j] == 0 {
			continue
		}
		if v <= 0 {
			return 0, placeplan.Errorf(placeplan.EINVALID, "value %d is %v: a geometric mean needs values above zero", j+1, v)
		}
		s += weights[j] * math.Log(v)
	}
	return math.Exp(s / sumW), nil
}

func checkMean(values, weights []float64) (float64, error) {
	if len(values) != len(weights) {
		return 0, placeplan.Errorf(placeplan.EINVALID, "%d values and %d weights", len(values), len(weights))
	}
	var sumW float64
	for j, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return 0, placeplan.Errorf(placeplan.EINVALID, "weight %d is %v: want a finite number of zero or more", j+1, w)
		}
		if math.IsNaN(values[j]) || math.IsInf(values[j], 0) {
			return 0, placeplan.Errorf(placeplan.EINVALID, "value %d is %v: want a finite number", j+1, values[j])
		}
		sumW += w
	}
	if sumW == 0 {
		return 0, placeplan.Errorf(placeplan.EINVALID, "the weights sum to zero")
	}
	return sumW, nil
}
