package scoring

import (
	"math"
	"testing"

	"placeplan"
)

func TestWeightedMeans(t *testing.T) {
	cases := []struct {
		name          string
		values, w     []float64
		arith, geomet float64
	}{
		{"equal weights", []float64{1, 4, 16}, []float64{1, 1, 1}, 7, 4},
		{"weights need not sum to 1", []float64{2, 8}, []float64{3, 1}, 3.5, math.Pow(2, 0.75) * math.Pow(8, 0.25)},
		{"a zero weight ignores its value", []float64{10, 100}, []float64{1, 0}, 10, 10},
		{"one value", []float64{42}, []float64{0.3}, 42, 42},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := WeightedArithmeticMean(c.values, c.w)
			if err != nil || math.Abs(a-c.arith) > 1e-12 {
				t.Errorf("arithmetic: %v, %v; want %v", a, err, c.arith)
			}
			g, err := WeightedGeometricMean(c.values, c.w)
			if err != nil || math.Abs(g-c.geomet) > 1e-12 {
				t.Errorf("geometric: %v, %v; want %v", g, err, c.geomet)
			}
			if g > a+1e-12 {
				t.Errorf("geometric mean %v above arithmetic %v", g, a)
			}
		})
	}
}

func TestWeightedMeanErrors(t *testing.T) {
	_, err := WeightedGeometricMean([]float64{1, 0}, []float64{1, 1})
	assertInvalid(t, err, "value 2 is 0: a geometric mean needs values above zero")
	_, err = WeightedGeometricMean([]float64{1, -3}, []float64{1, 1})
	assertInvalid(t, err, "value 2 is -3")
	_, err = WeightedArithmeticMean([]float64{1, 2}, []float64{1})
	assertInvalid(t, err, "2 values and 1 weights")
	_, err = WeightedArithmeticMean([]float64{1, 2}, []float64{0, 0})
	assertInvalid(t, err, "the weights sum to zero")
	_, err = WeightedArithmeticMean([]float64{1, 2}, []float64{1, -1})
	assertInvalid(t, err, "weight 2 is -1")
	_, err = WeightedArithmeticMean([]float64{math.NaN(), 2}, []float64{1, 1})
	assertInvalid(t, err, "value 1 is NaN")
}

func TestGeometricScale(t *testing.T) {
	cases := []struct {
		name      string
		y, lo, hi float64
		want      float64
	}{
		{"low end is 1", -2.5, -2.5, 3.5, 1},
		{"high end is 100", 3.5, -2.5, 3.5, 100},
		{"middle", 0.5, -2.5, 3.5, 50.5},
		{"below the range clamps to 1", -9, 0, 1, 1},
		{"above the range clamps to 100", 1.5, 0, 1, 100},
		{"no spread maps to 1", 0.4, 0.4, 0.4, 1},
	}
	for _, c := range cases {
		if got := GeometricScale(c.y, c.lo, c.hi); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: GeometricScale(%v, %v, %v) = %v, want %v", c.name, c.y, c.lo, c.hi, got, c.want)
		}
	}
}

func TestParseAggregation(t *testing.T) {
	for in, want := range map[string]Aggregation{
		"arithmetic": Arithmetic, "Arithmetic mean": Arithmetic, "mean": Arithmetic,
		"geometric": Geometric, "GEOMETRIC MEAN": Geometric, "geo": Geometric,
	} {
		if got, err := ParseAggregation(in); err != nil || got != want {
			t.Errorf("ParseAggregation(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParseAggregation("median")
	assertInvalid(t, err, `unknown aggregation "median"`)
}

// FuzzParseAggregation: any input either parses to an aggregation that
// round-trips or is refused as invalid input.
func FuzzParseAggregation(f *testing.F) {
	for _, s := range []string{"arithmetic", "Geometric Mean", "geo", "", "harmonic"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAggregation(s)
		if err != nil {
			if placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Fatalf("ParseAggregation(%q): %v has code %q", s, err, placeplan.ErrorCode(err))
			}
			return
		}
		if again, err := ParseAggregation(string(a)); err != nil || again != a || !a.valid() {
			t.Fatalf("%q does not round-trip: %q, %v", a, again, err)
		}
	})
}
