// Package scoring turns indicators into need: normalisation, weights,
// composite indices, summaries for groupings of small areas, and
// uncertainty. It imports neither net/http nor database/sql.
package scoring

import (
	"fmt"
	"math"

	"placeplan"
)

// IoDDomainWeights returns the weights MHCLG combines the seven domains of
// deprivation with to make the Index of Multiple Deprivation (IoD2019 and
// IoD2025), keyed by placeplan's index keys, from placeplan's catalogue
// (placeplan.IoDIndices).
func IoDDomainWeights() map[string]float64 {
	w := map[string]float64{}
	for _, info := range placeplan.IoDIndices() {
		if info.Group == placeplan.IoDDomain {
			w[string(info.Index)] = info.Weight
		}
	}
	return w
}

// ExponentialTransform is the IoD's exponential transformation of a rank:
// the rank is scaled to (0, 1] with the least deprived of n areas at 1/n
// and the most deprived (rank 1) at 1, then
// X = −23 · ln(1 − R · (1 − exp(−100/23))), which runs from near 0 to 100
// and stretches the most deprived end.
func ExponentialTransform(rank, n int) (float64, error) {
	if n < 1 || rank < 1 || rank > n {
		return 0, fmt.Errorf("rank %d is outside 1 to %d", rank, n)
	}
	r := float64(n-rank+1) / float64(n)
	return -23 * math.Log(1-r*(1-math.Exp(-100.0/23))), nil
}
