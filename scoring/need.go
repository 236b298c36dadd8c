package scoring

import (
	"cmp"
	"math"
	"slices"

	"placeplan"
)

// NeedInput is everything a composite need score for localities rests on:
// the indicators (rolled up to the localities with RollUp), the reference
// distributions that set each indicator's scale, the weights, the
// normalisation method and the aggregation.
type NeedInput struct {
	// Indicators describe the columns of Values: Key and Name name them,
	// Direction orients them.
	Indicators []placeplan.Indicator
	// Localities names the units scored, in the order of each column.
	Localities []string
	// Values[j][i] is indicator j's value for locality i (RolledValues of
	// a RollUp). Every value must be present: a missing value would
	// silently change what the locality is compared on.
	Values [][]float64
	// References[j] sets indicator j's scale (NewReference over every
	// small area loaded, for "England-scale" normalisation).
	References []Reference
	// Weights[j] is indicator j's weight; renormalised to sum to 1.
	Weights     []float64
	Method      Method
	Aggregation Aggregation
}

// NeedResult is a composite need score, rank and breakdown per locality.
type NeedResult struct {
	Indicators  []placeplan.Indicator
	Weights     []float64 // as used: renormalised to sum to 1
	Method      Method
	Aggregation Aggregation
	ReferenceN  []int          // number of values in each indicator's reference
	Localities  []LocalityNeed // in the order of NeedInput.Localities
}

// LocalityNeed is one locality's need score and what makes it up.
type LocalityNeed struct {
	Locality string
	// Score is the weighted arithmetic mean of the normalised values, or
	// the weighted geometric mean of those values rescaled onto [1, 100]
	// (GeometricScale). Higher is more need; its scale depends on Method.
	Score float64
	// Rank is 1 for the most need; localities with equal scores share the
	// better rank and the next rank is skipped (1, 2, 2, 4).
	Rank int
	// Normalised[j] is indicator j's normalised value, higher = more need.
	Normalised []float64
	// Contributions[j] is indicator j's part of the score: wⱼ·yⱼ for the
	// arithmetic mean (they sum to Score), wⱼ·ln ỹⱼ for the geometric
	// mean (they sum to ln Score).
	Contributions []float64
	// Shares[j] is Contributions[j] / Σ|Contributions|: the share of the
	// score (of the log-score for the geometric mean), 0 to 1 when every
	// contribution is zero or more. Contributions can be negative with
	// z-scores, and then the shares are signed. All zero when every
	// contribution is zero.
	Shares []float64
}

// Need scores localities for need: each indicator is normalised against its
// reference (oriented so higher is more need), weighted, and aggregated;
// localities are ranked with 1 the most need. It returns an EINVALID error
// naming the indicator or locality when the input does not fit together.
func Need(in NeedInput) (NeedResult, error) {
	w, err := in.check()
	if err != nil {
		return NeedResult{}, err
	}
	cols, err := normalisedColumns(in, in.Method)
	if err != nil {
		return NeedResult{}, err
	}
	var logs [][]float64
	if in.Aggregation == Geometric {
		logs = logScaledColumns(in, in.Method, cols)
	}
	n, k := len(in.Localities), len(in.Indicators)
	res := NeedResult{
		Indicators: slices.Clone(in.Indicators), Weights: w,
		Method: in.Method, Aggregation: in.Aggregation,
		ReferenceN: make([]int, k),
		Localities: make([]LocalityNeed, n),
	}
	for j, ref := range in.References {
		res.ReferenceN[j] = ref.N()
	}
	keys := make([]float64, n) // what is ranked: the score, or the log-score
	for i := range n {
		ln := LocalityNeed{
			Locality:      in.Localities[i],
			Normalised:    make([]float64, k),
			Contributions: make([]float64, k),
			Shares:        make([]float64, k),
		}
		var sum, abs float64
		for j := range k {
			ln.Normalised[j] = cols[j][i]
			c := w[j] * cols[j][i]
			if logs != nil {
				c = w[j] * logs[j][i]
			}
			ln.Contributions[j] = c
			sum += c
			abs += math.Abs(c)
		}
		if abs > 0 {
			for j, c := range ln.Contributions {
				ln.Shares[j] = c / abs
			}
		}
		keys[i] = sum
		ln.Score = sum
		if logs != nil {
			ln.Score = math.Exp(sum)
		}
		res.Localities[i] = ln
	}
	for i, r := range needRanks(keys) {
		res.Localities[i].Rank = r
	}
	return res, nil
}

// check validates the input and returns the renormalised weights.
func (in NeedInput) check() ([]float64, error) {
	k, n := len(in.Indicators), len(in.Localities)
	if k == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "no indicators given")
	}
	if n == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "no localities given")
	}
	if !in.Method.valid() {
		return nil, placeplan.Errorf(placeplan.EINVALID, "unknown normalisation method %q: want zscore, minmax, rank or exponential", string(in.Method))
	}
	if !in.Aggregation.valid() {
		return nil, placeplan.Errorf(placeplan.EINVALID, "unknown aggregation %q: want arithmetic or geometric", string(in.Aggregation))
	}
	if len(in.Values) != k || len(in.References) != k {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%d indicators but %d value columns and %d references", k, len(in.Values), len(in.References))
	}
	keys := make([]string, k)
	for j, ind := range in.Indicators {
		keys[j] = ind.Key
		if slices.Contains(keys[:j], ind.Key) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q is given twice", ind.Key)
		}
	}
	seen := make(map[string]bool, n) // small areas can be scored too: 30,000+ of them
	for _, name := range in.Localities {
		if seen[name] {
			return nil, placeplan.Errorf(placeplan.EINVALID, "locality %q is given twice", name)
		}
		seen[name] = true
	}
	for j, col := range in.Values {
		if len(col) != n {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q has %d values for %d localities", keys[j], len(col), n)
		}
		for i, v := range col {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, placeplan.Errorf(placeplan.EINVALID, "locality %q has no value for indicator %q", in.Localities[i], keys[j])
			}
		}
	}
	return Renormalise(keys, in.Weights)
}

// normalisedColumns returns every indicator's normalised values by method m.
func normalisedColumns(in NeedInput, m Method) ([][]float64, error) {
	cols := make([][]float64, len(in.Indicators))
	for j, ind := range in.Indicators {
		ref := in.References[j]
		if ref.indicator == "" {
			ref.indicator = ind.Key
		}
		y, err := Normalise(in.Values[j], ref, ind.Direction, m)
		if err != nil {
			return nil, err
		}
		cols[j] = y
	}
	return cols, nil
}

// logScaledColumns returns ln of the normalised values rescaled onto
// [1, 100] (GeometricScale), for the weighted geometric mean.
func logScaledColumns(in NeedInput, m Method, cols [][]float64) [][]float64 {
	out := make([][]float64, len(cols))
	for j, col := range cols {
		lo, hi := normalisedRange(in.References[j], in.Indicators[j].Direction, m)
		out[j] = make([]float64, len(col))
		for i, y := range col {
			out[j][i] = math.Log(GeometricScale(y, lo, hi))
		}
	}
	return out
}

// needRanks ranks scores with 1 the highest. Equal scores (within a
// relative 1e-12, so rounding in sums does not break ties) share the
// better rank and the next rank is skipped: 1, 2, 2, 4.
func needRanks(scores []float64) []int {
	ranks := make([]int, len(scores))
	order := make([]int, len(scores))
	rankInto(ranks, order, scores)
	return ranks
}

// rankInto writes competition ranks of scores into ranks, using order as
// scratch space; it does not allocate.
func rankInto(ranks, order []int, scores []float64) {
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for pos, i := range order {
		if pos > 0 {
			prev := order[pos-1]
			if scores[prev]-scores[i] <= 1e-12*math.Max(1, math.Abs(scores[prev])) {
				ranks[i] = ranks[prev]
				continue
			}
		}
		ranks[i] = pos + 1
	}
}
