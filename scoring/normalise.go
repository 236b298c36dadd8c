package scoring

import (
	"math"
	"slices"
	"sort"

	"placeplan"
)

// Method names a normalisation method: how an indicator's values are put on
// a common scale before they are weighted and combined.
type Method string

// The normalisation methods. Each is computed against a Reference (the
// distribution that sets the scale) and each returns values oriented so that
// a higher value means more need, whatever the indicator's Direction.
const (
	// ZScore is (x − mean) / sd of the reference, using the population
	// standard deviation (divisor N): the reference is every area loaded,
	// not a sample. Unbounded; 0 is the reference mean.
	ZScore Method = "zscore"
	// MinMax is (x − min) / (max − min) of the reference: 0 at the least
	// need in the reference, 1 at the most. Values are not clamped: a value
	// outside the reference's range maps outside 0 to 1, so no difference
	// between localities is hidden.
	MinMax Method = "minmax"
	// Rank is the percentile rank: the share of reference values at or
	// below x (in the direction of need), ties taking the mid-rank, as a
	// fraction in (0, 1]. The reference's most-need value is at 1 and its
	// least-need value at 1/N, as the IoD scales ranks.
	Rank Method = "rank"
	// Exponential is the IoD's exponential transformation of the
	// percentile rank R: X = −23 · ln(1 − R · (1 − exp(−100/23))), from
	// near 0 (least need) to 100 (most need), stretching the most-need end.
	Exponential Method = "exponential"
)

// Methods returns every normalisation method, in a fixed order.
func Methods() []Method { return []Method{ZScore, MinMax, Rank, Exponential} }

// ParseMethod reads a normalisation method as users write it: "zscore",
// "minmax", "rank" or "exponential" (case and surrounding space ignored;
// "z-score", "min-max", "percentile" and "exp" are accepted too).
func ParseMethod(s string) (Method, error) {
	switch normMethodWord(s) {
	case "zscore", "z":
		return ZScore, nil
	case "minmax":
		return MinMax, nil
	case "rank", "percentile", "percentilerank":
		return Rank, nil
	case "exponential", "exp":
		return Exponential, nil
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "unknown normalisation method %q: want zscore, minmax, rank or exponential", s)
}

// Label returns the method as a reader of a paper would name it:
// "z-score", "min–max", "percentile rank", "exponential transformation".
func (m Method) Label() string {
	switch m {
	case ZScore:
		return "z-score"
	case MinMax:
		return "min–max"
	case Rank:
		return "percentile rank"
	case Exponential:
		return "exponential transformation"
	}
	return string(m)
}

func (m Method) valid() bool {
	return m == ZScore || m == MinMax || m == Rank || m == Exponential
}

// Reference is the distribution that sets an indicator's scale when it is
// normalised: typically the indicator's values over every small area loaded
// (all of England when England is loaded), so that a locality's value is
// judged against the country rather than against its neighbours. It must be
// on the same scale as the values normalised against it (a rate against
// rates; for counts use a reference of localities, or a rate). A Reference
// is immutable and safe for concurrent use.
type Reference struct {
	indicator string
	sorted    []float64
	mean, sd  float64
}

// NewReference builds the reference distribution of the named indicator
// from values. NaN values (missing) are left out; infinite values are an
// error, as is a reference with no values.
func NewReference(indicator string, values []float64) (Reference, error) {
	sorted := make([]float64, 0, len(values))
	for _, v := range values {
		switch {
		case math.IsNaN(v):
			continue
		case math.IsInf(v, 0):
			return Reference{}, placeplan.Errorf(placeplan.EINVALID, "indicator %q: the reference holds an infinite value", indicator)
		}
		sorted = append(sorted, v)
	}
	if len(sorted) == 0 {
		return Reference{}, placeplan.Errorf(placeplan.EINVALID, "indicator %q: the reference has no values", indicator)
	}
	slices.Sort(sorted)
	// Two-pass mean and population variance.
	var sum float64
	for _, v := range sorted {
		sum += v
	}
	mean := sum / float64(len(sorted))
	var ss float64
	for _, v := range sorted {
		ss += (v - mean) * (v - mean)
	}
	return Reference{indicator: indicator, sorted: sorted, mean: mean, sd: math.Sqrt(ss / float64(len(sorted)))}, nil
}

// Indicator returns the key of the indicator the reference belongs to.
func (r Reference) Indicator() string { return r.indicator }

// N returns the number of values in the reference.
func (r Reference) N() int { return len(r.sorted) }

// Mean returns the reference mean.
func (r Reference) Mean() float64 { return r.mean }

// SD returns the reference's population standard deviation (divisor N).
func (r Reference) SD() float64 { return r.sd }

// Min returns the smallest reference value.
func (r Reference) Min() float64 { return r.sorted[0] }

// Max returns the largest reference value.
func (r Reference) Max() float64 { return r.sorted[len(r.sorted)-1] }

// Normalise puts values on the scale method m sets against ref, oriented by
// dir so that higher always means more need. NaN values stay NaN. It fails
// when the reference is empty, or has no spread for z-score or min–max.
func Normalise(values []float64, ref Reference, dir placeplan.Direction, m Method) ([]float64, error) {
	if err := checkNormalisable(ref, m); err != nil {
		return nil, err
	}
	out := make([]float64, len(values))
	for i, v := range values {
		out[i] = normaliseValue(v, ref, dir, m)
	}
	return out, nil
}

func checkNormalisable(ref Reference, m Method) error {
	if !m.valid() {
		return placeplan.Errorf(placeplan.EINVALID, "indicator %q: unknown normalisation method %q", ref.indicator, string(m))
	}
	if len(ref.sorted) == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "indicator %q: the reference has no values", ref.indicator)
	}
	switch {
	case m == ZScore && ref.sd == 0:
		return placeplan.Errorf(placeplan.EINVALID, "indicator %q: every reference value is %v, so z-scores are undefined", ref.indicator, ref.mean)
	case m == MinMax && ref.Max() == ref.Min():
		return placeplan.Errorf(placeplan.EINVALID, "indicator %q: every reference value is %v, so min–max scaling is undefined", ref.indicator, ref.Min())
	}
	return nil
}

func normaliseValue(v float64, ref Reference, dir placeplan.Direction, m Method) float64 {
	if math.IsNaN(v) {
		return v
	}
	sign := 1.0
	if dir == placeplan.HigherIsBetter {
		sign = -1
	}
	switch m {
	case ZScore:
		return sign * (v - ref.mean) / ref.sd
	case MinMax:
		lo, hi := ref.Min(), ref.Max()
		if sign < 0 {
			return (hi - v) / (hi - lo)
		}
		return (v - lo) / (hi - lo)
	case Rank:
		return percentileShare(v, ref, dir)
	case Exponential:
		return exponentialOfShare(percentileShare(v, ref, dir))
	}
	return math.NaN()
}

// percentileShare is the mid-rank share of reference values at or below v in the
// direction of need: (L + (E+1)/2) / N, where L counts the reference values
// showing less need than v and E those equal to v. A reference value with no
// tie gets its rank i/N (1/N for the least need, 1 for the most); a value
// between reference values gets the midpoint (L + ½)/N; a value beyond the
// reference's most-need end is capped at 1.
func percentileShare(v float64, ref Reference, dir placeplan.Direction) float64 {
	n := len(ref.sorted)
	// lo counts the values below v, hi those at or below it.
	lo := sort.SearchFloat64s(ref.sorted, v)
	hi := lo + sort.Search(n-lo, func(i int) bool { return ref.sorted[lo+i] > v })
	less := lo // values showing less need than v
	if dir == placeplan.HigherIsBetter {
		less = n - hi
	}
	p := (float64(less) + float64(hi-lo+1)/2) / float64(n)
	return math.Min(p, 1)
}

// exponentialOfShare is ExponentialTransform's formula applied to a share R
// in (0, 1] (1 = most need), which need not come from a whole rank.
func exponentialOfShare(r float64) float64 {
	return -23 * math.Log(1-r*(1-math.Exp(-100.0/23)))
}

// normalisedRange returns the normalised values of the reference's two ends,
// lowest first: the range onto which the geometric mean's rescaling maps.
func normalisedRange(ref Reference, dir placeplan.Direction, m Method) (lo, hi float64) {
	a := normaliseValue(ref.Min(), ref, dir, m)
	b := normaliseValue(ref.Max(), ref, dir, m)
	return min(a, b), max(a, b)
}

// normMethodWord lower-cases s and drops spaces, hyphens, dashes and underscores.
func normMethodWord(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '_' || r == '–' || r == '\t':
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
