package scoring

import (
	"errors"
	"math"
	"strings"
	"testing"

	"placeplan"
)

func mustReference(t testing.TB, key string, values []float64) Reference {
	t.Helper()
	ref, err := NewReference(key, values)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestNormalise(t *testing.T) {
	// Mean 5, population standard deviation 2, min 2, max 9.
	zref := []float64{2, 4, 4, 4, 5, 5, 7, 9}
	cases := []struct {
		name   string
		ref    []float64
		dir    placeplan.Direction
		method Method
		values []float64
		want   []float64
	}{
		{"z-score uses the population sd", zref, placeplan.HigherIsWorse, ZScore, []float64{9, 5, 1}, []float64{2, 0, -2}},
		{"z-score turned for higher is better", zref, placeplan.HigherIsBetter, ZScore, []float64{9, 5, 1}, []float64{-2, 0, 2}},
		{"min–max 0 to 1 over the reference", zref, placeplan.HigherIsWorse, MinMax, []float64{2, 9, 5.5}, []float64{0, 1, 0.5}},
		{"min–max is not clamped outside the reference", zref, placeplan.HigherIsWorse, MinMax, []float64{16, -5}, []float64{2, -1}},
		{"min–max turned for higher is better", zref, placeplan.HigherIsBetter, MinMax, []float64{2, 9}, []float64{1, 0}},
		{"rank: most need 1, least need 1/N", []float64{1, 2, 3, 4}, placeplan.HigherIsWorse, Rank, []float64{4, 3, 1}, []float64{1, 0.75, 0.25}},
		{"rank: between reference values takes the midpoint", []float64{1, 2, 3, 4}, placeplan.HigherIsWorse, Rank, []float64{2.5, 0}, []float64{0.625, 0.125}},
		{"rank: beyond the most-need end is capped at 1", []float64{1, 2, 3, 4}, placeplan.HigherIsWorse, Rank, []float64{9}, []float64{1}},
		{"rank: ties take the mid-rank", []float64{1, 2, 2, 3}, placeplan.HigherIsWorse, Rank, []float64{2, 3}, []float64{0.625, 1}},
		{"rank turned for higher is better", []float64{1, 2, 3, 4}, placeplan.HigherIsBetter, Rank, []float64{1, 4, 2}, []float64{1, 0.25, 0.75}},
		{"rank: all-equal reference is the middle", []float64{5, 5, 5, 5}, placeplan.HigherIsWorse, Rank, []float64{5}, []float64{0.625}},
		{"exponential: most need is 100", []float64{1, 2, 3, 4}, placeplan.HigherIsWorse, Exponential, []float64{4}, []float64{100}},
		{"missing values stay missing", zref, placeplan.HigherIsWorse, Rank, []float64{math.NaN()}, []float64{math.NaN()}},
		{"the reference ignores missing values", []float64{1, math.NaN(), 2, 3, 4}, placeplan.HigherIsWorse, Rank, []float64{4}, []float64{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref := mustReference(t, "x", c.ref)
			got, err := Normalise(c.values, ref, c.dir, c.method)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if !(math.Abs(got[i]-c.want[i]) < 1e-12 || math.IsNaN(got[i]) && math.IsNaN(c.want[i])) {
					t.Errorf("value %v: got %v, want %v", c.values[i], got[i], c.want[i])
				}
			}
		})
	}
}

// The exponential method applied to a reference value of untied rank k of
// n (1 = most deprived) is the IoD's ExponentialTransform(k, n).
func TestExponentialMatchesIoDTransform(t *testing.T) {
	for _, n := range []int{1, 2, 10, 32844} {
		values := make([]float64, n)
		for i := range values {
			values[i] = float64(i) * 0.37
		}
		ref := mustReference(t, "x", values)
		for _, dir := range []placeplan.Direction{placeplan.HigherIsWorse, placeplan.HigherIsBetter} {
			got, err := Normalise(values, ref, dir, Exponential)
			if err != nil {
				t.Fatal(err)
			}
			for i, g := range got {
				rank := n - i // the largest value is rank 1 when higher is worse
				if dir == placeplan.HigherIsBetter {
					rank = i + 1
				}
				want, err := ExponentialTransform(rank, n)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(g-want) > 1e-9 {
					t.Fatalf("n=%d %v rank %d: got %v, want %v", n, dir, rank, g, want)
				}
			}
		}
	}
}

func TestNormaliseOrientsEveryMethod(t *testing.T) {
	ref := mustReference(t, "x", []float64{1, 3, 4, 8, 10, 15})
	for _, m := range Methods() {
		for _, dir := range []placeplan.Direction{placeplan.HigherIsWorse, placeplan.HigherIsBetter} {
			got, err := Normalise([]float64{2, 9}, ref, dir, m)
			if err != nil {
				t.Fatal(err)
			}
			if more := got[1] > got[0]; more != (dir == placeplan.HigherIsWorse) {
				t.Errorf("%s %v: normalised %v for values 2, 9", m, dir, got)
			}
		}
	}
}

func TestNormaliseErrors(t *testing.T) {
	flat := mustReference(t, "flat_indicator", []float64{3, 3, 3})
	cases := []struct {
		name   string
		ref    Reference
		method Method
		want   string
	}{
		{"z-score needs spread", flat, ZScore, `indicator "flat_indicator": every reference value is 3`},
		{"min–max needs spread", flat, MinMax, `indicator "flat_indicator"`},
		{"unknown method", flat, Method("logit"), `unknown normalisation method "logit"`},
		{"empty reference", Reference{indicator: "empty"}, Rank, `indicator "empty": the reference has no values`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Normalise([]float64{1}, c.ref, placeplan.HigherIsWorse, c.method)
			assertInvalid(t, err, c.want)
		})
	}
	for _, bad := range [][]float64{nil, {math.NaN()}, {1, math.Inf(1)}} {
		_, err := NewReference("bad_reference", bad)
		assertInvalid(t, err, `indicator "bad_reference"`)
	}
}

func TestParseMethod(t *testing.T) {
	cases := map[string]Method{
		"zscore": ZScore, "Z-score": ZScore, " minmax ": MinMax, "min-max": MinMax, "min–max": MinMax,
		"rank": Rank, "percentile": Rank, "exponential": Exponential, "EXP": Exponential,
	}
	for in, want := range cases {
		if got, err := ParseMethod(in); err != nil || got != want {
			t.Errorf("ParseMethod(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := ParseMethod("softmax")
	assertInvalid(t, err, `unknown normalisation method "softmax"`)
	for _, m := range Methods() {
		if got, err := ParseMethod(string(m)); err != nil || got != m {
			t.Errorf("ParseMethod(%q) does not round-trip: %q, %v", m, got, err)
		}
	}
}

func TestReferenceMoments(t *testing.T) {
	ref := mustReference(t, "x", []float64{9, 2, 4, math.NaN(), 4, 4, 5, 5, 7})
	if ref.N() != 8 || ref.Mean() != 5 || ref.SD() != 2 || ref.Min() != 2 || ref.Max() != 9 || ref.Indicator() != "x" {
		t.Errorf("reference N %d mean %v sd %v min %v max %v", ref.N(), ref.Mean(), ref.SD(), ref.Min(), ref.Max())
	}
}

// assertInvalid checks err is a *placeplan.Error coded EINVALID whose
// message contains want.
func assertInvalid(t *testing.T, err error, want string) {
	t.Helper()
	var e *placeplan.Error
	switch {
	case err == nil:
		t.Errorf("no error; want one containing %q", want)
	case !errors.As(err, &e) || e.Code != placeplan.EINVALID:
		t.Errorf("error %v has code %q, want %q", err, placeplan.ErrorCode(err), placeplan.EINVALID)
	case !strings.Contains(err.Error(), want):
		t.Errorf("error %q does not contain %q", err, want)
	case err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:]:
		t.Errorf("error %q does not start in lower case", err)
	}
}

// FuzzParseMethod: any input either parses to a method that round-trips or
// is refused as invalid input.
func FuzzParseMethod(f *testing.F) {
	for _, s := range []string{"zscore", "Min-Max", "rank", "exp", "", "–", "percentile rank"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMethod(s)
		if err != nil {
			if placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Fatalf("ParseMethod(%q): %v has code %q", s, err, placeplan.ErrorCode(err))
			}
			return
		}
		if !m.valid() {
			t.Fatalf("ParseMethod(%q) = %q, not a method", s, m)
		}
		if again, err := ParseMethod(string(m)); err != nil || again != m {
			t.Fatalf("%q does not round-trip: %q, %v", m, again, err)
		}
	})
}
