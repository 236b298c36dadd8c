package classify

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// exactSSE returns the within-class sum of squared deviations of the
// partition of sorted into runs of the given sizes, in exact rational
// arithmetic (every float64 is a rational number).
func exactSSE(sorted []float64, sizes []int) *big.Rat {
	total := new(big.Rat)
	at := 0
	for _, n := range sizes {
		run := sorted[at : at+n]
		at += n
		sum := new(big.Rat)
		sumSq := new(big.Rat)
		for _, x := range run {
			r := new(big.Rat).SetFloat64(x)
			sum.Add(sum, r)
			sumSq.Add(sumSq, new(big.Rat).Mul(r, r))
		}
		// SSE = Σx² − (Σx)²/n
		sq := new(big.Rat).Mul(sum, sum)
		sq.Quo(sq, new(big.Rat).SetInt64(int64(n)))
		total.Add(total, sumSq.Sub(sumSq, sq))
	}
	return total
}

// bruteForceSSE enumerates every placement of k−1 cuts between the n sorted
// values (ties may be split) and returns the smallest exact SSE.
func bruteForceSSE(sorted []float64, k int) *big.Rat {
	n := len(sorted)
	var best *big.Rat
	cuts := make([]int, k-1)
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == k-1 {
			sizes := make([]int, 0, k)
			prev := 0
			for _, c := range cuts {
				sizes = append(sizes, c-prev)
				prev = c
			}
			sizes = append(sizes, n-prev)
			if s := exactSSE(sorted, sizes); best == nil || s.Cmp(best) < 0 {
				best = s
			}
			return
		}
		for c := from; c <= n-(k-1-i); c++ {
			cuts[i] = c
			rec(i+1, c+1)
		}
	}
	rec(0, 1)
	return best
}

// quadraticDP is the plain O(k·n²) dynamic programme for optimal 1-D
// k-means on sorted values, with no monotonicity assumption: an
// independent oracle for ckmeans. It returns the class sizes.
func quadraticDP(sorted []float64, k int) []int {
	n := len(sorted)
	cost := func(j, i int) float64 { // values j..i inclusive, two-pass
		var sum float64
		for _, x := range sorted[j : i+1] {
			sum += x
		}
		m := sum / float64(i-j+1)
		var ss float64
		for _, x := range sorted[j : i+1] {
			ss += (x - m) * (x - m)
		}
		return ss
	}
	cs := make([][]float64, n) // cs[j][i] = cost(j, i)
	for j := range n {
		cs[j] = make([]float64, n)
		for i := j; i < n; i++ {
			cs[j][i] = cost(j, i)
		}
	}
	d := make([][]float64, k)
	back := make([][]int, k)
	for q := range k {
		d[q] = make([]float64, n)
		back[q] = make([]int, n)
		for i := range n {
			d[q][i] = math.Inf(1)
			if q == 0 {
				d[q][i] = cs[0][i]
				continue
			}
			for j := q; j <= i; j++ {
				if v := d[q-1][j-1] + cs[j][i]; v < d[q][i] {
					d[q][i], back[q][i] = v, j
				}
			}
		}
	}
	sizes := make([]int, k)
	i := n - 1
	for q := k - 1; q >= 1; q-- {
		j := back[q][i]
		sizes[q] = i - j + 1
		i = j - 1
	}
	sizes[0] = i + 1
	return sizes
}

// randomValues draws n values: small integers (many ties) when tied is
// true, otherwise continuous values from a skewed mixture.
func randomValues(r *rand.Rand, n int, tied bool) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		if tied {
			xs[i] = float64(r.IntN(8) - 2)
		} else {
			xs[i] = math.Exp(r.NormFloat64()) * float64(1+r.IntN(3))
		}
	}
	return xs
}

func sortedFinite(xs []float64) []float64 {
	s := slices.DeleteFunc(slices.Clone(xs), func(v float64) bool { return math.IsNaN(v) })
	slices.Sort(s)
	return s
}

// TestJenksOptimalBruteForce checks on many small random inputs that the
// Jenks classes reach exactly the smallest within-class sum of squares over
// every possible placement of the breaks.
func TestJenksOptimalBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 600 {
		n := 1 + r.IntN(12)
		tied := trial%2 == 0
		xs := randomValues(r, n, tied)
		k := 2 + r.IntN(5)
		c, err := Breaks(xs, Jenks, k)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		sorted := sortedFinite(xs)
		got := exactSSE(sorted, c.Counts)
		want := bruteForceSSE(sorted, c.Classes())
		if got.Cmp(want) != 0 {
			t.Fatalf("trial %d: values %v, k=%d: breaks %v counts %v have SSE %s, brute force finds %s",
				trial, sorted, k, c.Breaks, c.Counts, got.FloatString(12), want.FloatString(12))
		}
		distinct := len(slices.Compact(slices.Clone(sorted)))
		if wantK := min(k, distinct); c.Classes() != wantK {
			t.Fatalf("trial %d: %d classes, want %d (k=%d, %d distinct)", trial, c.Classes(), wantK, k, distinct)
		}
		for i, n := range c.Counts {
			if n == 0 {
				t.Fatalf("trial %d: class %d is empty: %v", trial, i, c.Counts)
			}
		}
	}
}

// TestJenksMatchesQuadraticDP compares the divide-and-conquer DP with the
// plain O(k·n²) DP on larger inputs, in exact arithmetic.
func TestJenksMatchesQuadraticDP(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		n := 20 + r.IntN(180)
		xs := randomValues(r, n, trial%3 == 0)
		k := 2 + r.IntN(9)
		c, err := Breaks(xs, Jenks, k)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		sorted := sortedFinite(xs)
		got := exactSSE(sorted, c.Counts)
		want := exactSSE(sorted, quadraticDP(sorted, c.Classes()))
		if got.Cmp(want) != 0 {
			g, _ := got.Float64()
			w, _ := want.Float64()
			t.Fatalf("trial %d (n=%d, k=%d): SSE %.17g, plain DP %.17g", trial, n, k, g, w)
		}
	}
}

func TestJenksKnownAnswers(t *testing.T) {
	tests := []struct {
		name       string
		values     []float64
		k          int
		wantBreaks []float64
		wantCounts []int
	}{
		{"three clear groups", []float64{22, 1, 11, 2, 20, 3, 10, 21, 12}, 3, []float64{1, 3, 12, 22}, []int{3, 3, 3}},
		// The example of simple-statistics' ckmeans documentation.
		{"ties kept together", []float64{-1, 2, -1, 2, 4, 5, 6, -1, 2, -1}, 3, []float64{-1, -1, 2, 6}, []int{4, 3, 3}},
		{"outlier gets its own class", []float64{1, 1.1, 1.2, 1.3, 50}, 2, []float64{1, 1.3, 50}, []int{4, 1}},
		{"as many distinct values as classes", []float64{3, 1, 2, 3, 1}, 3, []float64{1, 1, 2, 3}, []int{2, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Breaks(tt.values, Jenks, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Breaks, tt.wantBreaks) || !slices.Equal(c.Counts, tt.wantCounts) {
				t.Errorf("breaks %v counts %v, want %v %v", c.Breaks, c.Counts, tt.wantBreaks, tt.wantCounts)
			}
		})
	}
}

// TestJenksGVFNotBeatenByOtherMethods checks that no other method's classes
// fit better than Jenks' with the same number of classes.
func TestJenksGVFNotBeatenByOtherMethods(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	xs := randomValues(r, 2000, false)
	for k := 2; k <= MaxClasses; k++ {
		j, err := Breaks(xs, Jenks, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []Method{Quantile, EqualInterval, StdDev} {
			o, err := Breaks(xs, m, k)
			if err != nil {
				t.Fatal(err)
			}
			if o.Classes() == j.Classes() && o.GVF > j.GVF+1e-12 {
				t.Errorf("k=%d: %s GVF %v beats jenks %v", k, m, o.GVF, j.GVF)
			}
		}
	}
}
