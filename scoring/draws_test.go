package scoring

import (
	"math"
	"slices"
	"testing"
)

// With nothing varied every draw is the chosen score; with weights varied the
// draws are reproducible from the seed, average out near the chosen weights,
// and each one is the weighted sum of normalised values for some weights on
// the simplex.
func TestNeedDraws(t *testing.T) {
	in := syntheticNeed(t, 5, 9, 3, 500, func(j int, z float64) float64 { return float64(j) + z })
	base, err := Need(in)
	if err != nil {
		t.Fatal(err)
	}
	fixed := UncertaintySettings{Draws: 5, Seed: 1}
	calls := 0
	err = NeedDraws(in, fixed, func(r int, scores []float64) error {
		if r != calls {
			t.Errorf("draw %d reported as %d", calls, r)
		}
		calls++
		for i, l := range base.Localities {
			if math.Abs(scores[i]-l.Score) > 1e-12 {
				t.Errorf("draw %d, %s: score %v, want the chosen %v", r, l.Locality, scores[i], l.Score)
			}
		}
		return nil
	})
	if err != nil || calls != 5 {
		t.Fatalf("err %v after %d draws", err, calls)
	}

	varied := UncertaintySettings{Draws: 400, Seed: 7, Concentration: 20}
	collect := func(s UncertaintySettings) [][]float64 {
		var out [][]float64
		if err := NeedDraws(in, s, func(_ int, scores []float64) error {
			out = append(out, slices.Clone(scores))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := collect(varied), collect(varied)
	for r := range a {
		if !slices.Equal(a[r], b[r]) {
			t.Fatalf("draw %d differs between runs with one seed", r)
		}
	}
	other := varied
	other.Seed = 8
	if c := collect(other); slices.Equal(c[0], a[0]) {
		t.Error("another seed gave the same first draw")
	}
	// Scores are linear in the weights, so their mean over draws is the
	// score under the mean weights — the chosen ones (Dirichlet mean).
	for i, l := range base.Localities {
		var mean float64
		for r := range a {
			mean += a[r][i] / float64(len(a))
		}
		if math.Abs(mean-l.Score) > 0.02 {
			t.Errorf("%s: mean draw score %.4f, chosen score %.4f", l.Locality, mean, l.Score)
		}
	}
	// Every score lies between the smallest and largest normalised value of
	// its locality (a convex combination).
	for r := range a {
		for i, l := range base.Localities {
			lo, hi := slices.Min(l.Normalised), slices.Max(l.Normalised)
			if a[r][i] < lo-1e-12 || a[r][i] > hi+1e-12 {
				t.Fatalf("draw %d, %s: score %v outside [%v, %v]", r, l.Locality, a[r][i], lo, hi)
			}
		}
	}
	if err := NeedDraws(in, UncertaintySettings{Draws: 0}, func(int, []float64) error { return nil }); err == nil {
		t.Error("0 draws accepted")
	}
}
