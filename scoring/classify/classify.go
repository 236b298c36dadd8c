// Package classify computes legend class breaks for choropleth maps: how a
// set of values (a score per small area, say) is cut into a handful of
// classes, each drawn in one colour. It offers quantile, equal-interval,
// Jenks natural breaks (computed exactly, as optimal one-dimensional k-means)
// and standard-deviation classes, reports the count in each class and the
// goodness of variance fit, and carries named colour-blind-safe palettes.
//
// Every classification follows one legend convention: Breaks holds k+1
// values, the minimum, then the inclusive upper bound of each class, the
// last being the maximum. Class 0 is [Breaks[0], Breaks[1]] and class i > 0
// is (Breaks[i], Breaks[i+1]]. Breaks never decrease; Breaks[0] equals
// Breaks[1] only when the lowest class holds nothing but the minimum.
//
// Values are unitless here: the breaks are in the units of the values given.
// The package imports only the standard library and placeplan.
package classify

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"placeplan"
)

// MaxClasses is the largest number of classes Breaks accepts. Beyond about
// nine, readers cannot tell the colours apart.
const MaxClasses = 12

// Method names a classification method.
type Method string

// The classification methods.
const (
	// Quantile puts (as near as ties allow) the same number of values in
	// each class. The upper bound of class i (1-based) is the value of rank
	// ⌈i·N/k⌉ in ascending order, so every break is a data value.
	Quantile Method = "quantile"
	// EqualInterval cuts the range [min, max] into k intervals of equal
	// width. Classes may be empty when the values have gaps.
	EqualInterval Method = "equal"
	// Jenks is Jenks natural breaks: the partition of the sorted values into
	// k contiguous classes that minimises the within-class sum of squared
	// deviations, which is optimal one-dimensional k-means. It is computed
	// exactly by dynamic programming (Ckmeans.1d.dp; Wang & Song 2011,
	// Song & Zhong 2020), not by sampling or iteration.
	Jenks Method = "jenks"
	// StdDev makes classes one (population) standard deviation wide,
	// centred on the mean: with an even k the mean is a break, with an odd
	// k the middle class is mean ± ½ SD. The lowest and highest classes are
	// open and run to the minimum and maximum; breaks beyond the data's
	// range are dropped.
	StdDev Method = "stddev"
)

// Methods returns every classification method, in a fixed order.
func Methods() []Method { return []Method{Quantile, EqualInterval, Jenks, StdDev} }

// ParseMethod reads a classification method as users write it (case,
// surrounding space, "-" and "_" ignored): "quantile" (or "quantiles"),
// "equal" ("equal-interval", "equalinterval"), "jenks" ("natural-breaks",
// "naturalbreaks", "ckmeans") or "stddev" ("std", "standard-deviation").
func ParseMethod(s string) (Method, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	w = strings.NewReplacer("-", "", "_", "", " ", "").Replace(w)
	switch w {
	case "quantile", "quantiles":
		return Quantile, nil
	case "equal", "equalinterval", "equalintervals":
		return EqualInterval, nil
	case "jenks", "naturalbreaks", "ckmeans":
		return Jenks, nil
	case "stddev", "std", "sd", "standarddeviation":
		return StdDev, nil
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "unknown classification method %q: want quantile, equal, jenks or stddev", s)
}

// Label returns the method as a legend would name it: "quantiles",
// "equal intervals", "natural breaks (Jenks)", "standard deviations".
func (m Method) Label() string {
	switch m {
	case Quantile:
		return "quantiles"
	case EqualInterval:
		return "equal intervals"
	case Jenks:
		return "natural breaks (Jenks)"
	case StdDev:
		return "standard deviations"
	}
	return string(m)
}

// Classification is the result of Breaks: the class bounds, how many values
// fall in each class, how well the classes fit the data and a palette to
// draw them with. Breaks and values are in the units of the input.
type Classification struct {
	// Method is the method used.
	Method Method
	// Requested is the number of classes asked for. Classes() may be fewer;
	// Notes then says why.
	Requested int
	// Breaks holds Classes()+1 bounds: the minimum, then each class's
	// inclusive upper bound, the last being the maximum (see the package
	// documentation for the convention).
	Breaks []float64
	// Counts holds the number of values in each class, lowest class first.
	Counts []int
	// N is the number of values classified; NaN values are not counted.
	N int
	// NaN is the number of NaN values ignored.
	NaN int
	// Min, Max and Mean describe the classified values.
	Min, Max, Mean float64
	// StdDev is the population standard deviation (divisor N) of the values.
	StdDev float64
	// GVF is the goodness of variance fit, 1 − SDCM/SDAM: the share of the
	// total sum of squared deviations from the mean (SDAM) that the classes
	// explain, where SDCM sums the squared deviations from each class's own
	// mean. It lies in [0, 1]; Jenks maximises it. It is 1 when all values
	// are equal. Reported for every method, so methods can be compared.
	GVF float64
	// Palette names the default palette of the classes (see Palette), and
	// Colors holds one "#rrggbb" colour per class, lowest class first.
	Palette string
	Colors  []string
	// Notes explains, in plain lower-case sentences, anything a legend
	// reader should know: ignored NaN values, classes merged because of
	// ties or too few distinct values, breaks dropped.
	Notes []string
}

// Classes returns the number of classes produced.
func (c Classification) Classes() int { return len(c.Counts) }

// Class returns the index (0 = lowest) of the class that holds v under the
// package's convention, or -1 for NaN. Values below the minimum fall in the
// lowest class and values above the maximum in the highest, so that a value
// added after classifying still gets a colour.
func (c Classification) Class(v float64) int {
	if math.IsNaN(v) || len(c.Counts) == 0 {
		return -1
	}
	upper := c.Breaks[1:]
	i := sort.SearchFloat64s(upper, v) // first upper bound >= v
	if i >= len(upper) {
		return len(upper) - 1
	}
	return i
}

// Breaks classifies values into classes classes (2 to MaxClasses) by method.
// NaN values are ignored and counted; infinite values are rejected. When the
// values have fewer distinct values than classes, or ties make quantile
// breaks coincide, or standard-deviation breaks fall outside the data, fewer
// classes are returned and Notes says so; when all values are equal there is
// one class. Errors have code placeplan.EINVALID.
func Breaks(values []float64, method Method, classes int) (Classification, error) {
	if !slices.Contains(Methods(), method) {
		return Classification{}, placeplan.Errorf(placeplan.EINVALID, "unknown classification method %q: want quantile, equal, jenks or stddev", method)
	}
	if classes < 2 || classes > MaxClasses {
		return Classification{}, placeplan.Errorf(placeplan.EINVALID, "%d classes: want 2 to %d", classes, MaxClasses)
	}
	sorted := make([]float64, 0, len(values))
	nan := 0
	for i, v := range values {
		switch {
		case math.IsNaN(v):
			nan++
		case math.IsInf(v, 0):
			return Classification{}, placeplan.Errorf(placeplan.EINVALID, "value %d is %v: class breaks need finite values", i+1, v)
		default:
			sorted = append(sorted, v)
		}
	}
	if len(sorted) == 0 {
		if nan > 0 {
			return Classification{}, placeplan.Errorf(placeplan.EINVALID, "no values to classify: all %d values are NaN", nan)
		}
		return Classification{}, placeplan.Errorf(placeplan.EINVALID, "no values to classify")
	}
	slices.Sort(sorted)

	c := Classification{Method: method, Requested: classes, N: len(sorted), NaN: nan}
	if nan > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("ignored %d NaN %s", nan, plural(nan, "value", "values")))
	}
	s := newSample(sorted)
	c.Min, c.Max = sorted[0], sorted[len(sorted)-1]
	c.Mean, c.StdDev = s.mean(), s.stdDev()

	distinct, weights := s.distinct()
	k := classes
	switch {
	case len(distinct) == 1:
		c.Notes = append(c.Notes, fmt.Sprintf("all %d values are equal (%v): one class", c.N, c.Min))
		k = 1
	case len(distinct) < k:
		c.Notes = append(c.Notes, fmt.Sprintf("%d classes requested but there are only %d distinct values: %d classes", classes, len(distinct), len(distinct)))
		k = len(distinct)
	}

	var upper []float64 // inclusive upper bound of each class, the last = max
	var keep []int      // for StdDev: which of the k symmetric classes survive
	switch {
	case k == 1:
		upper = []float64{c.Max}
	case method == Quantile:
		upper = quantileUppers(sorted, k)
		if len(upper) < k {
			c.Notes = append(c.Notes, fmt.Sprintf("tied values make some quantile breaks coincide: %d classes instead of %d", len(upper), k))
		}
	case method == EqualInterval:
		upper = equalUppers(c.Min, c.Max, k)
		if len(upper) < k {
			c.Notes = append(c.Notes, fmt.Sprintf("the values' range is too narrow for their magnitude to cut into %d equal intervals: %d classes", k, len(upper)))
		}
	case method == Jenks:
		starts := ckmeans(distinct, weights, k, s.shift, s.scale)
		upper = make([]float64, k)
		for i := range k {
			end := len(distinct)
			if i+1 < k {
				end = starts[i+1]
			}
			upper[i] = distinct[end-1]
		}
	case method == StdDev:
		var dropped int
		upper, keep, dropped = stdDevUppers(c.Min, c.Max, c.Mean, c.StdDev, k)
		if dropped > 0 {
			c.Notes = append(c.Notes, fmt.Sprintf("%d standard-deviation %s fell outside the data range [%v, %v] and %s dropped: %d classes instead of %d",
				dropped, plural(dropped, "break", "breaks"), c.Min, c.Max, plural(dropped, "was", "were"), len(upper), k))
		}
	}

	c.Breaks = append([]float64{c.Min}, upper...)
	c.Counts = countClasses(sorted, upper)
	c.GVF = s.gvf(upper)

	c.Palette = DefaultPalette(method)
	colors, err := Palette(c.Palette, k)
	if err != nil {
		return Classification{}, err
	}
	if keep != nil {
		picked := make([]string, 0, len(keep))
		for _, i := range keep {
			picked = append(picked, colors[i])
		}
		colors = picked
	} else if len(colors) != len(upper) {
		// Quantile ties or float64 resolution merged classes: draw the
		// survivors from a palette of their own size so the ramp still
		// spans light to dark.
		colors, err = Palette(c.Palette, len(upper))
		if err != nil {
			return Classification{}, err
		}
	}
	c.Colors = colors
	return c, nil
}

// DefaultPalette returns the palette Breaks uses for method: the diverging
// "RdBu_r" (blue below the mean, red above) for StdDev, the sequential
// "YlOrRd" (light to dark red) otherwise. Both are colour-blind safe.
func DefaultPalette(method Method) string {
	if method == StdDev {
		return "RdBu_r"
	}
	return "YlOrRd"
}

// quantileUppers returns the distinct upper bounds of k quantile classes of
// sorted: the value of rank ⌈i·n/k⌉ for i = 1…k−1, then the maximum.
func quantileUppers(sorted []float64, k int) []float64 {
	n := len(sorted)
	upper := make([]float64, 0, k)
	for i := 1; i <= k; i++ {
		r := (i*n + k - 1) / k // ⌈i·n/k⌉, 1-based rank
		b := sorted[r-1]
		if len(upper) > 0 && b <= upper[len(upper)-1] {
			continue
		}
		upper = append(upper, b)
	}
	return upper
}

// equalUppers returns the upper bounds of k equal-width classes spanning
// [lo, hi]. Each bound is interpolated as lo·(1−t) + hi·t, which cannot
// overflow even when hi − lo would. When the width is below float64's
// resolution at the values' magnitude, bounds that round to the same number
// are merged, so fewer than k may be returned.
func equalUppers(lo, hi float64, k int) []float64 {
	upper := make([]float64, 0, k)
	for i := 1; i < k; i++ {
		t := float64(i) / float64(k)
		b := min(max(lo*(1-t)+hi*t, lo), hi)
		if b == hi || (len(upper) > 0 && b <= upper[len(upper)-1]) {
			continue
		}
		upper = append(upper, b)
	}
	return append(upper, hi)
}

// stdDevUppers returns the upper bounds of k classes one standard deviation
// wide centred on mean, keeping only the breaks inside [lo, hi) (a break
// equal to lo is kept: the lowest class then holds only the minimum). keep
// lists which of the k symmetric classes survive, so that their colours can
// be taken from a k-colour diverging palette; dropped counts the breaks
// removed.
func stdDevUppers(lo, hi, mean, sd float64, k int) (upper []float64, keep []int, dropped int) {
	below := 0 // breaks below lo
	last := -1 // the last break kept
	for i := 1; i < k; i++ {
		b := mean + (float64(i)-float64(k)/2)*sd
		if b < lo {
			below++
			dropped++
			continue
		}
		if b >= hi || (len(upper) > 0 && b <= upper[len(upper)-1]) {
			dropped++
			continue
		}
		upper = append(upper, b)
		keep = append(keep, i-1) // the class below break i
		last = i
	}
	upper = append(upper, hi)
	if last < 0 {
		keep = append(keep, min(below, k-1))
	} else {
		keep = append(keep, last)
	}
	return upper, keep, dropped
}

// countClasses counts the values of sorted in each class bounded by upper.
func countClasses(sorted, upper []float64) []int {
	counts := make([]int, len(upper))
	prev := 0
	for i, b := range upper {
		var at int
		if i == len(upper)-1 {
			at = len(sorted)
		} else {
			at = prev + sort.Search(len(sorted)-prev, func(j int) bool { return sorted[prev+j] > b })
		}
		counts[i] = at - prev
		prev = at
	}
	return counts
}

// sample holds sorted finite values with a shift and scale that keep sums of
// squares well inside float64's range: z = (x − shift) / scale lies in
// [−1, 1].
type sample struct {
	sorted       []float64
	shift, scale float64
}

func newSample(sorted []float64) sample {
	shift := sorted[len(sorted)/2]
	lo, hi := sorted[0], sorted[len(sorted)-1]
	// max(|hi−shift|, |shift−lo|) without overflow.
	scale := math.Max(hi/2-shift/2, shift/2-lo/2) * 2
	if math.IsInf(scale, 0) {
		scale = math.MaxFloat64
	}
	if scale == 0 || math.IsNaN(scale) {
		scale = 1
	}
	return sample{sorted: sorted, shift: shift, scale: scale}
}

// z returns x in scaled units. Dividing before subtracting cannot overflow.
func (s sample) z(x float64) float64 { return x/s.scale - s.shift/s.scale }

// mean returns the mean of the values.
func (s sample) mean() float64 {
	var sum float64
	for _, x := range s.sorted {
		sum += s.z(x)
	}
	m := s.shift + sum/float64(len(s.sorted))*s.scale
	return math.Min(math.Max(m, s.sorted[0]), s.sorted[len(s.sorted)-1])
}

// stdDev returns the population standard deviation of the values.
func (s sample) stdDev() float64 {
	return math.Sqrt(sse(s.sorted, s)/float64(len(s.sorted))) * s.scale
}

// sse returns the sum of squared deviations of xs from their own mean, in
// squared scaled units (divide-free two-pass formula).
func sse(xs []float64, s sample) float64 {
	if len(xs) < 2 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += s.z(x)
	}
	m := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		d := s.z(x) - m
		ss += d * d
	}
	return ss
}

// gvf returns the goodness of variance fit of the classes bounded by upper.
func (s sample) gvf(upper []float64) float64 {
	sdam := sse(s.sorted, s)
	if sdam == 0 {
		return 1
	}
	var sdcm float64
	prev := 0
	for i, b := range upper {
		at := len(s.sorted)
		if i < len(upper)-1 {
			at = prev + sort.Search(len(s.sorted)-prev, func(j int) bool { return s.sorted[prev+j] > b })
		}
		sdcm += sse(s.sorted[prev:at], s)
		prev = at
	}
	g := 1 - sdcm/sdam
	return math.Min(math.Max(g, 0), 1)
}

// distinct returns the distinct values of the sample, ascending, and how
// many times each occurs.
func (s sample) distinct() (xs, ws []float64) {
	xs = make([]float64, 0, len(s.sorted))
	ws = make([]float64, 0, len(s.sorted))
	for _, x := range s.sorted {
		if n := len(xs); n > 0 && xs[n-1] == x {
			ws[n-1]++
			continue
		}
		xs = append(xs, x)
		ws = append(ws, 1)
	}
	return xs, ws
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
