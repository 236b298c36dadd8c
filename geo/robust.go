package geo

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// Robust planar predicates. The orientation test first evaluates the
// determinant in float64 with Shewchuk's error bound (ccwerrboundA) and
// falls back to exact big.Float arithmetic only when the sign is in doubt,
// which for real boundary data is rare (exactly collinear or repeated
// points, which are caught before the fallback, aside).

const (
	// epsilon is half a unit in the last place of 1.0 (2⁻⁵³).
	epsilon = 1.0 / (1 << 53)
	// orientErrBound bounds the float64 error of the orientation
	// determinant relative to the sum of its two products' magnitudes.
	orientErrBound = (3 + 16*epsilon) * epsilon
	// minSafeSum is the smallest product magnitude for which the error
	// bound holds (far above the subnormal range, where it does not).
	minSafeSum = 1e-270
	// exactPrec holds the difference of two float64s exactly (≤ 2,100
	// bits) and the product of two such differences (≤ 4,200 bits).
	exactPrec = 4400
)

// finite reports whether both coordinates of p are finite.
func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// orient returns +1 when c lies to the left of the directed line a→b
// (a, b, c counter-clockwise), −1 when to the right and 0 when the three
// points are collinear, exactly. Non-finite input gives 0.
func orient(a, b, c orb.Point) int {
	dx1, dy1 := b[0]-a[0], b[1]-a[1]
	dx2, dy2 := c[0]-a[0], c[1]-a[1]
	// A floating-point difference is zero exactly when its operands are
	// equal, so these tests are exact.
	if (dx1 == 0 && dy1 == 0) || (dx2 == 0 && dy2 == 0) || (dx1 == 0 && dx2 == 0) || (dy1 == 0 && dy2 == 0) {
		if finite(a) && finite(b) && finite(c) {
			return 0
		}
	}
	l := dx1 * dy2
	r := dy1 * dx2
	det := l - r
	sum := math.Abs(l) + math.Abs(r)
	if sum >= minSafeSum && sum <= math.MaxFloat64 {
		bound := orientErrBound * sum
		if det > bound {
			return 1
		}
		if det < -bound {
			return -1
		}
	}
	if !finite(a) || !finite(b) || !finite(c) {
		return 0
	}
	// When the differences and products happen to be exact in float64,
	// as for integer or coarse grid coordinates, comparing the products
	// settles the sign.
	if exactDiff(b[0], a[0], dx1) && exactDiff(b[1], a[1], dy1) && exactDiff(c[0], a[0], dx2) && exactDiff(c[1], a[1], dy2) &&
		exactProd(dx1, dy2, l) && exactProd(dy1, dx2, r) {
		switch {
		case l > r:
			return 1
		case l < r:
			return -1
		}
		return 0
	}
	return orientExact(a, b, c)
}

// exactDiff reports whether d, the float64 result of x − y, is exact
// (Knuth's two-sum error term is zero and nothing overflowed).
func exactDiff(x, y, d float64) bool {
	if math.IsInf(d, 0) {
		return false
	}
	yv := x - d
	xv := d + yv
	return (x-xv)+(yv-y) == 0
}

// exactProd reports whether p, the float64 result of x·y, is exact. Near
// the subnormal range the fused multiply-add residual itself may round, so
// tiny products count as inexact.
func exactProd(x, y, p float64) bool {
	if p == 0 {
		return x == 0 || y == 0
	}
	if math.Abs(p) < minSafeSum || math.IsInf(p, 0) {
		return false
	}
	return math.FMA(x, y, -p) == 0
}

// orientExact evaluates the orientation determinant exactly. All inputs
// must be finite.
func orientExact(a, b, c orb.Point) int {
	diff := func(x, y float64) *big.Float {
		d := new(big.Float).SetPrec(exactPrec).SetFloat64(x)
		return d.Sub(d, new(big.Float).SetFloat64(y))
	}
	l := new(big.Float).SetPrec(exactPrec).Mul(diff(b[0], a[0]), diff(c[1], a[1]))
	r := new(big.Float).SetPrec(exactPrec).Mul(diff(b[1], a[1]), diff(c[0], a[0]))
	return l.Cmp(r)
}

// inBox reports whether p lies in the closed bounding box of segment a–b.
// For a point collinear with a and b this is exactly "p lies on a–b".
func inBox(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// segmentIntersection reports where the closed segments p1–p2 and q1–q2
// meet. proper is true for a single crossing interior to both segments;
// its point is computed, so rounded. Otherwise pts holds up to two exact
// input vertices: an endpoint of one segment lying on the other (a touch),
// or the ends of a collinear overlap. Both segments must have distinct
// endpoints.
func segmentIntersection(p1, p2, q1, q2 orb.Point) (pts [2]orb.Point, n int, proper bool) {
	if max(p1[0], p2[0]) < min(q1[0], q2[0]) || max(q1[0], q2[0]) < min(p1[0], p2[0]) ||
		max(p1[1], p2[1]) < min(q1[1], q2[1]) || max(q1[1], q2[1]) < min(p1[1], p2[1]) {
		return pts, 0, false
	}
	d1 := orient(q1, q2, p1)
	d2 := orient(q1, q2, p2)
	if d1 != 0 && d1 == d2 {
		return pts, 0, false
	}
	d3 := orient(p1, p2, q1)
	d4 := orient(p1, p2, q2)
	if d3 != 0 && d3 == d4 {
		return pts, 0, false
	}
	if d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0 {
		pts[0] = crossingPoint(p1, p2, q1, q2)
		return pts, 1, true
	}
	addPt := func(p orb.Point) {
		for i := range n {
			if pts[i] == p {
				return
			}
		}
		if n < 2 {
			pts[n] = p
			n++
		}
	}
	if d1 == 0 && inBox(q1, q2, p1) {
		addPt(p1)
	}
	if d2 == 0 && inBox(q1, q2, p2) {
		addPt(p2)
	}
	if d3 == 0 && inBox(p1, p2, q1) {
		addPt(q1)
	}
	if d4 == 0 && inBox(p1, p2, q2) {
		addPt(q2)
	}
	return pts, n, false
}

// crossingPoint returns the intersection of the lines through two
// properly crossing segments, clamped into both segments' bounding boxes
// so that rounding can never move it far.
func crossingPoint(p1, p2, q1, q2 orb.Point) orb.Point {
	rx, ry := p2[0]-p1[0], p2[1]-p1[1]
	sx, sy := q2[0]-q1[0], q2[1]-q1[1]
	wx, wy := q1[0]-p1[0], q1[1]-p1[1]
	den := rx*sy - ry*sx
	t := (wx*sy - wy*sx) / den
	x := orb.Point{p1[0] + t*rx, p1[1] + t*ry}
	lo := orb.Point{max(min(p1[0], p2[0]), min(q1[0], q2[0])), max(min(p1[1], p2[1]), min(q1[1], q2[1]))}
	hi := orb.Point{min(max(p1[0], p2[0]), max(q1[0], q2[0])), min(max(p1[1], p2[1]), max(q1[1], q2[1]))}
	if !finite(x) || t < 0 || t > 1 {
		// Overflow or a cancelled denominator: the middle of the boxes'
		// overlap is as good an answer as any.
		return orb.Point{lo[0]/2 + hi[0]/2, lo[1]/2 + hi[1]/2}
	}
	x[0] = min(max(x[0], lo[0]), hi[0])
	x[1] = min(max(x[1], lo[1]), hi[1])
	return x
}

// pointInRing locates p against the closed (or implicitly closed) ring r:
// +1 inside, −1 outside, 0 on its boundary, by even-odd crossing counting
// with exact orientation tests. Self-intersecting rings are handled by
// the even-odd rule.
func pointInRing(p orb.Point, r []orb.Point) int {
	n := len(r)
	if n == 0 {
		return -1
	}
	inside := false
	a := r[n-1]
	for _, b := range r {
		if a == p || b == p {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			o := orient(a, b, p)
			if o == 0 {
				return 0
			}
			if (b[1] > a[1]) == (o > 0) {
				inside = !inside
			}
		} else if a[1] == p[1] && b[1] == p[1] && min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) {
			return 0
		}
		a = b
	}
	if inside {
		return 1
	}
	return -1
}
