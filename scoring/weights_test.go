package scoring

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestRenormalise(t *testing.T) {
	cases := []struct {
		name    string
		weights []float64
		want    []float64
		err     string
	}{
		{"scaled to sum to 1", []float64{2, 1, 1}, []float64{0.5, 0.25, 0.25}, ""},
		{"already summing to 1", []float64{0.7, 0.3, 0}, []float64{0.7, 0.3, 0}, ""},
		{"a zero weight stays zero", []float64{0, 3, 1}, []float64{0, 0.75, 0.25}, ""},
		{"negative names the indicator", []float64{1, -1, 1}, nil, `indicator "employment": weight -1`},
		{"NaN names the indicator", []float64{math.NaN(), 1, 1}, nil, `indicator "idaci": weight NaN`},
		{"infinite", []float64{1, 1, math.Inf(1)}, nil, `indicator "health"`},
		{"all zero", []float64{0, 0, 0}, nil, "every weight is zero (indicators idaci, employment, health)"},
		{"wrong length", []float64{1, 1}, nil, "2 weights for 3 indicators"},
	}
	keys := []string{"idaci", "employment", "health"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Renormalise(keys, c.weights)
			if c.err != "" {
				assertInvalid(t, err, c.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for j := range got {
				if math.Abs(got[j]-c.want[j]) > 1e-15 {
					t.Errorf("got %v, want %v", got, c.want)
					break
				}
			}
		})
	}
}

func TestEqualWeights(t *testing.T) {
	w := EqualWeights(4)
	for _, v := range w {
		if v != 0.25 {
			t.Fatalf("EqualWeights(4) = %v", w)
		}
	}
}

func TestIoDWeights(t *testing.T) {
	all := []string{"income", "employment", "education", "health", "crime", "barriers", "living_env"}
	w, err := IoDWeights(all)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for j, v := range w {
		sum += v
		// Renormalising keeps the published proportions.
		if want := IoDDomainWeights()[all[j]] / 0.999; math.Abs(v-want) > 1e-12 {
			t.Errorf("%s: %v, want %v", all[j], v, want)
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v", sum)
	}
	if w[0] != w[1] || w[2] != w[3] || w[4] != w[5] || w[5] != w[6] || !(w[0] > w[2] && w[2] > w[4]) {
		t.Errorf("IoD weights out of order: %v", w)
	}

	// A subset keeps the domains' relative weights.
	sub, err := IoDWeights([]string{"income", "crime"})
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.225 / (0.225 + 0.093); math.Abs(sub[0]-want) > 1e-12 {
		t.Errorf("income among income and crime: %v, want %v", sub[0], want)
	}

	_, err = IoDWeights([]string{"income", "idaci"})
	assertInvalid(t, err, `indicator domain "idaci" has no IoD domain weight`)
	_, err = IoDWeights([]string{"income", "health", "income"})
	assertInvalid(t, err, `indicator domain "income" is given twice`)
}

// Four indicators share one underlying factor; a fifth is independent
// noise. The first principal component carries the shared factor, so the
// noise indicator gets almost no weight and the others about a quarter each.
func TestPCAWeightsDownweightsNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 500
	cols := make([][]float64, 5)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	for i := range n {
		f := rng.NormFloat64()
		for j := range 4 {
			cols[j][i] = 10*float64(j+1) + float64(j+1)*(f+0.5*rng.NormFloat64()) // scales differ: PCA is on correlations
		}
		cols[4][i] = rng.NormFloat64()
	}
	cols[2][17] = math.NaN() // a unit with a missing value is left out
	keys := []string{"a", "b", "c", "d", "noise"}
	w, err := PCAWeights(keys, cols)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for j, v := range w {
		sum += v
		if v < 0 {
			t.Errorf("%s has negative weight %v", keys[j], v)
		}
		if j < 4 && math.Abs(v-0.25) > 0.03 {
			t.Errorf("%s weight %v, want about 0.25", keys[j], v)
		}
	}
	if w[4] > 0.02 {
		t.Errorf("noise weight %v, want near 0", w[4])
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v", sum)
	}
	t.Logf("PCA weights %.4f", w)
}

func TestPCAWeightsCases(t *testing.T) {
	t.Run("two indicators are always weighted equally", func(t *testing.T) {
		w, err := PCAWeights([]string{"a", "b"}, [][]float64{{1, 2, 3, 4, 9}, {5, 1, 4, 2, 2}})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(w[0]-0.5) > 1e-9 || math.Abs(w[1]-0.5) > 1e-9 {
			t.Errorf("got %v", w)
		}
	})
	t.Run("one indicator", func(t *testing.T) {
		w, err := PCAWeights([]string{"a"}, [][]float64{{1, 2, 3}})
		if err != nil || len(w) != 1 || w[0] != 1 {
			t.Errorf("got %v, %v", w, err)
		}
	})
	errs := []struct {
		name string
		cols [][]float64
		want string
	}{
		{"a constant indicator names itself", [][]float64{{1, 2, 3, 4}, {2, 2, 2, 2}}, `indicator "b" has the same value for every unit`},
		{"too few complete units", [][]float64{{1, math.NaN(), 3}, {1, 2, 3}}, "at least 3 units"},
		{"ragged columns", [][]float64{{1, 2, 3}, {1, 2}}, `indicator "b" has 2 values, want 3`},
	}
	for _, c := range errs {
		t.Run(c.name, func(t *testing.T) {
			_, err := PCAWeights([]string{"a", "b"}, c.cols)
			assertInvalid(t, err, c.want)
		})
	}
}
