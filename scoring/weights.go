package scoring

import (
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"placeplan"
)

// Renormalise returns weights scaled to sum to 1. keys names the indicator
// each weight belongs to (same length), for error messages. A negative, NaN
// or infinite weight, or weights that are all zero, are invalid input.
// Zero weights are allowed and stay zero: the indicator is shown but does
// not count.
func Renormalise(keys []string, weights []float64) ([]float64, error) {
	if len(keys) != len(weights) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%d weights for %d indicators", len(weights), len(keys))
	}
	if len(weights) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "no weights given")
	}
	var sum float64
	for j, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q: weight %v is not a finite number of zero or more", keys[j], w)
		}
		sum += w
	}
	if sum == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "every weight is zero (indicators %s): at least one must be positive", strings.Join(keys, ", "))
	}
	out := make([]float64, len(weights))
	for j, w := range weights {
		out[j] = w / sum
	}
	return out, nil
}

// EqualWeights returns n weights of 1/n.
func EqualWeights(n int) []float64 {
	out := make([]float64, n)
	for j := range out {
		out[j] = 1 / float64(n)
	}
	return out
}

// IoDWeights returns the IoD domain weights (IoDDomainWeights: Income and
// Employment 22.5 %, Education and Health 13.5 %, Crime, Barriers and
// Living Environment 9.3 %) for indicators belonging to the given IoD
// domains (placeplan.Indicator.Index: "income", "employment", "education",
// "health", "crime", "barriers", "living_env"), renormalised to sum to 1
// over the domains given. A domain without an IoD weight, or one given
// twice, is invalid input.
func IoDWeights(domains []string) ([]float64, error) {
	weights := IoDDomainWeights()
	w := make([]float64, len(domains))
	for j, d := range domains {
		v, ok := weights[d]
		if !ok {
			known := make([]string, 0, len(weights))
			for k := range weights {
				known = append(known, k)
			}
			slices.Sort(known)
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator domain %q has no IoD domain weight: want one of %s", d, strings.Join(known, ", "))
		}
		if slices.Contains(domains[:j], d) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator domain %q is given twice: the IoD weights each domain once", d)
		}
		w[j] = v
	}
	return Renormalise(domains, w)
}

// PCAWeights derives weights from the indicators' shared variation by
// principal components analysis (gonum stat.PC). cols[j] holds indicator
// j's values over the units (areas or localities), oriented so that higher
// is more need (normalised values are ideal); keys names the indicators.
//
// The rule, kept simple: the analysis is of the correlation matrix (each
// column is standardised), and indicator j's weight is its squared loading
// on the first principal component, scaled so the weights sum to 1 — that
// is, the square of its element of the first eigenvector. Indicators that
// move together with the others get more weight; an indicator that varies
// independently of the rest (noise, or a separate dimension of need) gets
// little. No rotation is done and later components are not used. Units
// with a missing (NaN) value for any indicator are left out.
func PCAWeights(keys []string, cols [][]float64) ([]float64, error) {
	d := len(cols)
	if d != len(keys) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%d columns for %d indicators", d, len(keys))
	}
	if d == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "no indicators given")
	}
	n := len(cols[0])
	for j, c := range cols {
		if len(c) != n {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q has %d values, want %d like %q", keys[j], len(c), n, keys[0])
		}
	}
	var rows []int
	for i := 0; i < n; i++ {
		ok := true
		for _, c := range cols {
			if math.IsNaN(c[i]) || math.IsInf(c[i], 0) {
				ok = false
				break
			}
		}
		if ok {
			rows = append(rows, i)
		}
	}
	if len(rows) < 3 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "principal components weights need at least 3 units with every indicator, have %d", len(rows))
	}
	if d == 1 {
		return []float64{1}, nil
	}
	a := mat.NewDense(len(rows), d, nil)
	col := make([]float64, len(rows))
	for j, c := range cols {
		for r, i := range rows {
			col[r] = c[i]
		}
		mean, sd := stat.MeanStdDev(col, nil)
		if sd == 0 || math.IsNaN(sd) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "indicator %q has the same value for every unit, so it has no principal components weight", keys[j])
		}
		for r, v := range col {
			a.Set(r, j, (v-mean)/sd)
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(a, nil) {
		return nil, placeplan.Errorf(placeplan.EINTERNAL, "principal components analysis of %d indicators did not converge", d)
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	w := make([]float64, d)
	var sum float64
	for j := range w {
		v := vecs.At(j, 0)
		w[j] = v * v
		sum += w[j]
	}
	for j := range w {
		w[j] /= sum // the eigenvector has unit length; this only removes rounding
	}
	return w, nil
}
