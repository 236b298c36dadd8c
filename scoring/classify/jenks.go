package classify

// Jenks natural breaks as optimal one-dimensional k-means.
//
// For values sorted ascending, an optimal k-means partition consists of
// contiguous runs, so the best partition of the first i+1 values into q+1
// classes is
//
//	D[q][i] = min over j in [q, i] of D[q−1][j−1] + SSE(j, i),
//
// where SSE(j, i) is the sum of squared deviations of values j…i from their
// mean, read in O(1) from prefix sums of w, w·x and w·x². SSE over
// intervals of sorted data satisfies the quadrangle (Monge) inequality, so
// the smallest optimal j never decreases as i grows; computing each row by
// divide and conquer over i (solve the middle i, then the left half with
// j bounded above by its argmin and the right half bounded below) costs
// O(m log m) per row and O(k·m·log m) in all, as in Ckmeans.1d.dp
// (H. Wang and M. Song, "Ckmeans.1d.dp: optimal k-means clustering in one
// dimension by dynamic programming", The R Journal 3(2), 2011; M. Song and
// H. Zhong, "Efficient weighted univariate clustering maps outstanding
// dysregulated genomic zones in human cancers", Bioinformatics 36(20),
// 2020).
//
// The DP runs on the distinct values weighted by their multiplicities: an
// optimal partition never needs to split equal values (moving every copy of
// a value to the class with the nearer mean never increases the sum of
// squares), so this is exact and no larger than the input.

// ckmeans returns the index of the first value of each of k classes in the
// optimal partition of xs (ascending, distinct, k ≤ len(xs)) weighted by ws.
// Sums are taken over (x − shift)/scale to keep them well conditioned.
func ckmeans(xs, ws []float64, k int, shift, scale float64) []int {
	m := len(xs)
	starts := make([]int, k)
	if k <= 1 {
		return starts
	}
	if k >= m {
		for i := range starts {
			starts[i] = i
		}
		return starts
	}
	c := newIntervalCost(xs, ws, shift, scale)

	prev := make([]float64, m) // D[q−1][·]
	cur := make([]float64, m)  // D[q][·]
	back := make([][]int32, k) // back[q][i]: first index of the last class
	for i := 0; i <= m-k; i++ {
		prev[i] = c.sse(0, i)
	}
	for q := 1; q < k; q++ {
		back[q] = make([]int32, m)
		imin, imax := q, m-k+q
		if q == k-1 {
			imin = m - 1 // the last row needs only D[k−1][m−1]
		}
		d := dcRow{cost: c, prev: prev, cur: cur, back: back[q]}
		d.solve(imin, imax, q, imax)
		prev, cur = cur, prev
	}

	i := m - 1
	for q := k - 1; q >= 1; q-- {
		j := int(back[q][i])
		starts[q] = j
		i = j - 1
	}
	return starts
}

// dcRow fills one row of the DP by divide and conquer.
type dcRow struct {
	cost intervalCost
	prev []float64
	cur  []float64
	back []int32
}

// solve sets cur[i] and back[i] for i in [imin, imax], knowing that the
// optimal j for each lies in [jmin, jmax].
func (d *dcRow) solve(imin, imax, jmin, jmax int) {
	for imin <= imax {
		i := imin + (imax-imin)/2
		lo, hi := jmin, min(jmax, i)
		best, bestJ := d.prev[lo-1]+d.cost.sse(lo, i), lo
		for j := lo + 1; j <= hi; j++ {
			if v := d.prev[j-1] + d.cost.sse(j, i); v < best {
				best, bestJ = v, j
			}
		}
		d.cur[i], d.back[i] = best, int32(bestJ)
		// Recurse on the smaller-index half, loop on the other: the
		// recursion depth stays O(log m).
		d.solve(imin, i-1, jmin, bestJ)
		imin, jmin = i+1, bestJ
	}
}

// intervalCost reads the weighted sum of squared deviations of any run of
// the sorted values from prefix sums.
type intervalCost struct {
	w, s1, s2 []float64 // prefix sums of w, w·z and w·z², length m+1
}

func newIntervalCost(xs, ws []float64, shift, scale float64) intervalCost {
	m := len(xs)
	c := intervalCost{w: make([]float64, m+1), s1: make([]float64, m+1), s2: make([]float64, m+1)}
	for i, x := range xs {
		z := x/scale - shift/scale
		w := ws[i]
		c.w[i+1] = c.w[i] + w
		c.s1[i+1] = c.s1[i] + w*z
		c.s2[i+1] = c.s2[i] + w*z*z
	}
	return c
}

// sse returns the weighted sum of squared deviations from their mean of
// values j…i inclusive (j ≤ i), in squared scaled units.
func (c intervalCost) sse(j, i int) float64 {
	w := c.w[i+1] - c.w[j]
	s1 := c.s1[i+1] - c.s1[j]
	v := c.s2[i+1] - c.s2[j] - s1*s1/w
	if v < 0 {
		return 0
	}
	return v
}
