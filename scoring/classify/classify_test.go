package classify

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"placeplan"
)

func TestBreaksTable(t *testing.T) {
	oneToTen := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	zeroToTen := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	// -3…3: mean 0, population SD 2.
	symmetric := []float64{-3, -2, -1, 0, 1, 2, 3}
	tests := []struct {
		name       string
		values     []float64
		method     Method
		k          int
		wantBreaks []float64
		wantCounts []int
		wantNote   string // a substring of one of the notes, if any
	}{
		{"quantile quartiles of 1..10 take ranks 3, 5 and 8", oneToTen, Quantile, 4, []float64{1, 3, 5, 8, 10}, []int{3, 2, 3, 2}, ""},
		{"quantile halves", oneToTen, Quantile, 2, []float64{1, 5, 10}, []int{5, 5}, ""},
		{"quantile ties merge classes", []float64{1, 1, 1, 1, 1, 1, 2, 3}, Quantile, 3, []float64{1, 1, 3}, []int{6, 2}, "quantile breaks coincide"},
		{"quantile with fewer distinct values than classes", []float64{1, 1, 1, 1, 1, 1, 2, 3}, Quantile, 5, []float64{1, 1, 3}, []int{6, 2}, "only 3 distinct values"},
		{"equal intervals of 0..10", zeroToTen, EqualInterval, 5, []float64{0, 2, 4, 6, 8, 10}, []int{3, 2, 2, 2, 2}, ""},
		{"equal intervals keep empty classes", []float64{0, 0.5, 1, 9, 10}, EqualInterval, 4, []float64{0, 2.5, 5, 7.5, 10}, []int{3, 0, 0, 2}, ""},
		{"equal intervals, two distinct values", []float64{0, 10, 10, 0}, EqualInterval, 5, []float64{0, 5, 10}, []int{2, 2}, "only 2 distinct values"},
		{"stddev even k puts the mean on a break", symmetric, StdDev, 4, []float64{-3, -2, 0, 2, 3}, []int{2, 2, 2, 1}, ""},
		{"stddev odd k centres a class on the mean", symmetric, StdDev, 5, []float64{-3, -3, -1, 1, 3}, []int{1, 2, 2, 2}, "1 standard-deviation break fell outside"},
		{"stddev drops breaks beyond the data", symmetric, StdDev, 6, []float64{-3, -2, 0, 2, 3}, []int{2, 2, 2, 1}, "2 standard-deviation breaks fell outside"},
		{"jenks", []float64{1, 2, 3, 10, 11, 12, 20, 21, 22}, Jenks, 3, []float64{1, 3, 12, 22}, []int{3, 3, 3}, ""},
		{"all values equal", []float64{5, 5, 5}, Jenks, 4, []float64{5, 5}, []int{3}, "all 3 values are equal"},
		{"all values equal, quantile", []float64{5, 5, 5}, Quantile, 4, []float64{5, 5}, []int{3}, "all 3 values are equal"},
		{"NaN ignored and counted", []float64{math.NaN(), 1, 2, 3, 4, math.NaN()}, EqualInterval, 3, []float64{1, 2, 3, 4}, []int{2, 1, 1}, "ignored 2 NaN values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Breaks(tt.values, tt.method, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if !floatsNear(c.Breaks, tt.wantBreaks, 1e-12) || !slices.Equal(c.Counts, tt.wantCounts) {
				t.Errorf("breaks %v counts %v, want %v %v", c.Breaks, c.Counts, tt.wantBreaks, tt.wantCounts)
			}
			if tt.wantNote != "" && !slices.ContainsFunc(c.Notes, func(n string) bool { return strings.Contains(n, tt.wantNote) }) {
				t.Errorf("notes %q lack %q", c.Notes, tt.wantNote)
			}
			if tt.wantNote == "" && len(c.Notes) > 0 {
				t.Errorf("unexpected notes %q", c.Notes)
			}
			checkInvariants(t, tt.values, c)
		})
	}
}

func floatsNear(a, b []float64, tol float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) <= tol })
}

// checkInvariants checks what every classification must satisfy.
func checkInvariants(t *testing.T, values []float64, c Classification) {
	t.Helper()
	k := c.Classes()
	if k < 1 || k > c.Requested || len(c.Breaks) != k+1 || len(c.Colors) != k {
		t.Fatalf("%d classes of %d requested, %d breaks, %d colours", k, c.Requested, len(c.Breaks), len(c.Colors))
	}
	if !slices.IsSorted(c.Breaks) {
		t.Fatalf("breaks %v not sorted", c.Breaks)
	}
	for i := 2; i < len(c.Breaks); i++ {
		if c.Breaks[i] == c.Breaks[i-1] {
			t.Fatalf("breaks %v repeat an upper bound", c.Breaks)
		}
	}
	if c.Breaks[0] != c.Min || c.Breaks[k] != c.Max {
		t.Fatalf("breaks %v do not run from min %v to max %v", c.Breaks, c.Min, c.Max)
	}
	nan := 0
	counts := make([]int, k)
	for _, v := range values {
		if math.IsNaN(v) {
			nan++
			if c.Class(v) != -1 {
				t.Fatalf("Class(NaN) = %d", c.Class(v))
			}
			continue
		}
		counts[c.Class(v)]++
	}
	if nan != c.NaN || c.N != len(values)-nan {
		t.Fatalf("N=%d NaN=%d for %d values with %d NaN", c.N, c.NaN, len(values), nan)
	}
	if !slices.Equal(counts, c.Counts) {
		t.Fatalf("Class() counts %v, Counts %v (breaks %v)", counts, c.Counts, c.Breaks)
	}
	if !(c.GVF >= 0 && c.GVF <= 1) {
		t.Fatalf("GVF %v outside [0, 1]", c.GVF)
	}
	if c.Method == Jenks || c.Method == Quantile {
		for i, n := range c.Counts {
			if n == 0 {
				t.Fatalf("%s class %d is empty: %v", c.Method, i, c.Counts)
			}
		}
	}
	for _, col := range c.Colors {
		if len(col) != 7 || col[0] != '#' {
			t.Fatalf("colour %q", col)
		}
	}
}

func TestBreaksGVF(t *testing.T) {
	values := []float64{1, 2, 3, 10, 11, 12, 20, 21, 22}
	c, err := Breaks(values, Jenks, 3)
	if err != nil {
		t.Fatal(err)
	}
	// SDAM = Σ(x − 34/3)²; SDCM = 3 classes × 2.
	var sdam float64
	for _, v := range values {
		sdam += (v - 34.0/3) * (v - 34.0/3)
	}
	if want := 1 - 6/sdam; math.Abs(c.GVF-want) > 1e-12 {
		t.Errorf("GVF %v, want %v", c.GVF, want)
	}
	if math.Abs(c.Mean-34.0/3) > 1e-12 || math.Abs(c.StdDev-math.Sqrt(sdam/9)) > 1e-12 {
		t.Errorf("mean %v sd %v", c.Mean, c.StdDev)
	}
	one, _ := Breaks([]float64{4, 4}, Jenks, 2)
	if one.GVF != 1 {
		t.Errorf("GVF of equal values %v, want 1", one.GVF)
	}
}

func TestBreaksErrors(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		method Method
		k      int
		want   string
	}{
		{"one class", []float64{1, 2, 3}, Jenks, 1, "1 classes: want 2 to 12"},
		{"too many classes", []float64{1, 2, 3}, Quantile, 13, "13 classes"},
		{"no values", nil, Jenks, 5, "no values to classify"},
		{"only NaN", []float64{math.NaN(), math.NaN()}, Jenks, 5, "all 2 values are NaN"},
		{"infinite value", []float64{1, math.Inf(1)}, EqualInterval, 3, "value 2 is +Inf"},
		{"unknown method", []float64{1, 2}, Method("kmeans"), 3, "unknown classification method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Breaks(tt.values, tt.method, tt.k)
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v (code %q), want EINVALID with %q", err, placeplan.ErrorCode(err), tt.want)
			}
		})
	}
}

func TestBreaksDoesNotModifyInput(t *testing.T) {
	values := []float64{3, math.NaN(), 1, 2}
	before := slices.Clone(values)
	for _, m := range Methods() {
		if _, err := Breaks(values, m, 3); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.EqualFunc(values, before, func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }) {
		t.Errorf("input changed: %v", values)
	}
}

func TestBreaksHugeValues(t *testing.T) {
	values := []float64{-math.MaxFloat64, -1e300, 0, 1e300, math.MaxFloat64}
	for _, m := range Methods() {
		c, err := Breaks(values, m, 4)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		checkInvariants(t, values, c)
	}
}

func TestClassOutsideRange(t *testing.T) {
	c, err := Breaks([]float64{1, 2, 3, 4}, EqualInterval, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.Class(-100) != 0 || c.Class(100) != 2 || c.Class(2) != 0 || c.Class(2.01) != 1 {
		t.Errorf("Class: %d %d %d %d", c.Class(-100), c.Class(100), c.Class(2), c.Class(2.01))
	}
}

func TestBreaksColours(t *testing.T) {
	c, err := Breaks([]float64{1, 2, 3, 4, 5, 6}, Quantile, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Palette("YlOrRd", 3)
	if c.Palette != "YlOrRd" || !slices.Equal(c.Colors, want) {
		t.Errorf("palette %s %v, want YlOrRd %v", c.Palette, c.Colors, want)
	}
	// Standard-deviation classes keep their place on the diverging ramp
	// when outer classes are dropped: with k=6 on -3..3 the classes below
	// −2 SD and above +2 SD go, and the middle four keep their colours.
	s, err := Breaks([]float64{-3, -2, -1, 0, 1, 2, 3}, StdDev, 6)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := Palette("RdBu_r", 6)
	if !slices.Equal(s.Colors, full[1:5]) {
		t.Errorf("stddev colours %v, want %v", s.Colors, full[1:5])
	}
}

func TestParseMethod(t *testing.T) {
	tests := []struct {
		in   string
		want Method
	}{
		{"quantile", Quantile}, {" Quantiles ", Quantile},
		{"equal", EqualInterval}, {"equal-interval", EqualInterval}, {"Equal_Interval", EqualInterval},
		{"jenks", Jenks}, {"natural-breaks", Jenks}, {"CKMEANS", Jenks},
		{"stddev", StdDev}, {"standard deviation", StdDev}, {"std", StdDev},
	}
	for _, tt := range tests {
		got, err := ParseMethod(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseMethod(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, m := range Methods() {
		if got, err := ParseMethod(string(m)); err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %q, %v", m, got, err)
		}
		if m.Label() == string(m) {
			t.Errorf("%q has no label", m)
		}
	}
	if _, err := ParseMethod("kmeans"); placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Errorf("ParseMethod(kmeans) error %v", err)
	}
}

func TestPalette(t *testing.T) {
	got, err := Palette("ylorrd", 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"} // ColorBrewer YlOrRd 5
	if !slices.Equal(got, want) {
		t.Errorf("YlOrRd 5 = %v, want %v", got, want)
	}
	rev, _ := Palette("YlOrRd_r", 5)
	slices.Reverse(rev)
	if !slices.Equal(rev, want) {
		t.Errorf("YlOrRd_r 5 reversed = %v", rev)
	}
	for _, name := range []string{"nope", "YlOrRd_rr"} {
		if _, err := Palette(name, 5); placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("Palette(%q) error %v", name, err)
		}
	}
	for _, k := range []int{0, 13} {
		if _, err := Palette("Blues", k); placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("Palette(Blues, %d) error %v", k, err)
		}
	}
}

// TestPalettesAllCounts checks every palette for every class count:
// distinct valid colours, sequential palettes monotone in CIELAB lightness
// and diverging palettes lightest in the middle.
func TestPalettesAllCounts(t *testing.T) {
	for _, info := range Palettes() {
		if !info.ColorBlindSafe || info.Source == "" {
			t.Errorf("%s: colour-blind safe %v, source %q", info.Name, info.ColorBlindSafe, info.Source)
		}
		for k := 1; k <= MaxClasses; k++ {
			cols, err := Palette(info.Name, k)
			if err != nil {
				t.Fatalf("%s %d: %v", info.Name, k, err)
			}
			if len(cols) != k || len(slices.Compact(slices.Clone(cols))) != k {
				t.Fatalf("%s %d: %v", info.Name, k, cols)
			}
			ls := make([]float64, k)
			for i, c := range cols {
				if formatHex(parseHex(c)) != c {
					t.Fatalf("%s %d: bad colour %q", info.Name, k, c)
				}
				ls[i] = srgbToLab(parseHex(c))[0]
			}
			if k < 2 {
				continue
			}
			switch info.Kind {
			case Sequential:
				up := ls[k-1] > ls[0]
				for i := 1; i < k; i++ {
					if (ls[i] > ls[i-1]) != up {
						t.Errorf("%s %d: lightness not monotone: %v", info.Name, k, ls)
						break
					}
				}
			case Diverging:
				mid := slices.Index(ls, slices.Max(ls))
				if mid < (k-1)/2 || mid > k/2 {
					t.Errorf("%s %d: lightest colour at %d: %v", info.Name, k, mid, ls)
				}
			}
		}
	}
}

func TestSampleLabReproducesItsRamp(t *testing.T) {
	ramp := palettes[0].lists[len(palettes[0].lists)-1]
	got := sampleLab(ramp, len(ramp))
	for i := range ramp {
		a, b := parseHex(ramp[i]), parseHex(got[i])
		for c := range 3 {
			if math.Abs(a[c]-b[c]) > 1.0/255+1e-9 {
				t.Fatalf("colour %d: %s became %s", i, ramp[i], got[i])
			}
		}
	}
}

func FuzzBreaks(f *testing.F) {
	seed := func(xs ...float64) []byte {
		b := make([]byte, 0, 8*len(xs))
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	f.Add(seed(1, 2, 3, 10, 11, 12), uint8(2), uint8(3))
	f.Add(seed(5, 5, 5), uint8(0), uint8(4))
	f.Add(seed(math.NaN(), 1, -1e308, 1e308), uint8(3), uint8(5))
	f.Add(seed(0, 1e-300, 2e-300, 1), uint8(1), uint8(12))
	f.Add(seed(1e16, 1e16+2, 1e16+4), uint8(1), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, method, k uint8) {
		if len(data) > 8*2000 {
			return
		}
		values := make([]float64, len(data)/8)
		for i := range values {
			values[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		m := Methods()[int(method)%len(Methods())]
		c, err := Breaks(values, m, int(k%14))
		if err != nil {
			var e *placeplan.Error
			if !errors.As(err, &e) || e.Code != placeplan.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		checkInvariants(t, values, c)
	})
}

func TestBreaksLargeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	values := randomValues(r, 5000, false)
	for _, m := range Methods() {
		for k := 2; k <= MaxClasses; k++ {
			c, err := Breaks(values, m, k)
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, values, c)
		}
	}
}

// TestBreaksBeyondFloatResolution covers values whose spacing is at the
// limit of float64 (1e16 + 2 is the next number after 1e16): equal
// intervals narrower than that merge instead of repeating a bound.
func TestBreaksBeyondFloatResolution(t *testing.T) {
	for _, values := range [][]float64{{1e16, 1e16 + 2}, {1e16, 1e16 + 2, 1e16 + 4}, {1e16, 1e16 + 2, 1e16 + 4, 1e16 + 6, 1e16 + 8}} {
		for _, m := range Methods() {
			for k := 2; k <= MaxClasses; k++ {
				c, err := Breaks(values, m, k)
				if err != nil {
					t.Fatal(err)
				}
				checkInvariants(t, values, c)
			}
		}
	}
}
