package geo

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// ProblemKind names one kind of geometry problem found by Validate or
// fixed by Repair.
type ProblemKind string

// Problem kinds. Validate reports all but ProblemRepeatedPoint, which is
// not an error (OGC allows repeated points) and which Repair reports only
// because it removes them.
const (
	// ProblemTooFewPoints is a ring with fewer than four points, or fewer
	// than three distinct vertices once repeated points are ignored.
	ProblemTooFewPoints ProblemKind = "too few points"
	// ProblemUnclosedRing is a ring whose last point differs from its first.
	ProblemUnclosedRing ProblemKind = "unclosed ring"
	// ProblemNonFinite is a coordinate that is NaN or infinite.
	ProblemNonFinite ProblemKind = "non-finite coordinate"
	// ProblemSelfIntersection is a ring that crosses or touches itself
	// other than where consecutive segments meet: a bow-tie crossing, a
	// figure-eight or pinched loop meeting at a vertex, or a spike that
	// doubles back along itself.
	ProblemSelfIntersection ProblemKind = "ring self-intersection"
	// ProblemRepeatedPoint is a point equal to the one before it.
	ProblemRepeatedPoint ProblemKind = "repeated point"
)

// Problem is one defect of a geometry. Polygon counts the polygons of the
// geometry in order (the parts of a MultiPolygon, the polygons of a
// Collection depth first; a lone Ring counts as a polygon); Ring is the
// ring's index within its polygon, 0 for the outer ring, and −1 for a
// point or line geometry. At is where the problem is: the intersection
// point, the offending coordinate, or the ring's first point for
// whole-ring problems (the zero point for an empty ring).
type Problem struct {
	Kind    ProblemKind
	At      orb.Point
	Polygon int
	Ring    int
	// Repaired is set by Repair when it fixed the problem; Validate never
	// sets it.
	Repaired bool
}

// String describes the problem in lower-case text, for example
// "ring self-intersection at (-2.754123, 52.70821) in polygon 0 ring 0".
func (p Problem) String() string {
	s := fmt.Sprintf("%s at (%.7g, %.7g) in polygon %d ring %d", p.Kind, p.At[0], p.At[1], p.Polygon, p.Ring)
	if p.Repaired {
		s += " (repaired)"
	}
	return s
}

// Validate returns the problems of every ring of g: rings with too few
// points, unclosed rings, non-finite coordinates and ring
// self-intersections (segments of the same ring that cross or touch other
// than at the vertex two consecutive segments share; each intersection
// point is reported once). Repeated consecutive points are allowed and
// skipped. Relations between different rings (a hole outside its shell,
// overlapping parts) are not checked. For points and lines only
// non-finite coordinates are reported. It returns nil for a valid geometry
// and never panics.
func Validate(g orb.Geometry) []Problem {
	var v validator
	v.geometry(g)
	return v.problems
}

// validator walks a geometry, numbering its polygons.
type validator struct {
	problems []Problem
	polygon  int
	sc       scratch
}

func (v *validator) geometry(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Ring:
		v.ring(g, 0)
		v.polygon++
	case orb.Polygon:
		for i, r := range g {
			v.ring(r, i)
		}
		v.polygon++
	case orb.MultiPolygon:
		for _, p := range g {
			v.geometry(p)
		}
	case orb.Collection:
		for _, c := range g {
			v.geometry(c)
		}
	case nil:
	default:
		eachPoint(g, func(p orb.Point) bool {
			if !finite(p) {
				v.problems = append(v.problems, Problem{Kind: ProblemNonFinite, At: p, Polygon: v.polygon, Ring: -1})
				return false
			}
			return true
		})
	}
}

func (v *validator) ring(r orb.Ring, ringIdx int) {
	add := func(k ProblemKind, at orb.Point) {
		v.problems = append(v.problems, Problem{Kind: k, At: at, Polygon: v.polygon, Ring: ringIdx})
	}
	for _, k := range ringProblems(r, &v.sc) {
		add(k.kind, k.at)
	}
}

// ringProblem is a problem found in one ring.
type ringProblem struct {
	kind ProblemKind
	at   orb.Point
}

// scratch holds buffers reused from ring to ring.
type scratch struct {
	pts    []orb.Point
	segs   []segBox
	chunks []segBox
	hits   []orb.Point
}

// grow makes the point and segment buffers hold a ring of n points without
// reallocating. Slices already handed out keep their old backing arrays.
func (sc *scratch) grow(n int) {
	if cap(sc.pts) < n+1 {
		sc.pts = make([]orb.Point, 0, n+1)
		sc.segs = make([]segBox, 0, n)
	}
}

// ringProblems returns the problems of one ring.
func ringProblems(r orb.Ring, sc *scratch) []ringProblem {
	var out []ringProblem
	if len(r) == 0 {
		return []ringProblem{{ProblemTooFewPoints, orb.Point{}}}
	}
	for _, p := range r {
		if !finite(p) {
			// Nothing else about the ring can be judged.
			return []ringProblem{{ProblemNonFinite, p}}
		}
	}
	if r[0] != r[len(r)-1] {
		out = append(out, ringProblem{ProblemUnclosedRing, r[0]})
	}
	sc.grow(len(r))
	v := closedDistinct(r, sc.pts[:0])
	sc.pts = v
	if len(r) < 4 || len(v) < 4 {
		return append(out, ringProblem{ProblemTooFewPoints, r[0]})
	}
	hits := selfIntersections(v, sc)
	for _, h := range hits {
		out = append(out, ringProblem{ProblemSelfIntersection, h})
	}
	return out
}

// closedDistinct appends to buf the ring's points without consecutive
// repeats, closed (last point equal to the first), and returns it.
func closedDistinct(r []orb.Point, buf []orb.Point) []orb.Point {
	buf = buf[:0]
	for _, p := range r {
		if len(buf) == 0 || buf[len(buf)-1] != p {
			buf = append(buf, p)
		}
	}
	for len(buf) > 1 && buf[len(buf)-1] == buf[0] {
		buf = buf[:len(buf)-1]
	}
	if len(buf) > 0 {
		buf = append(buf, buf[0])
	}
	return buf
}

// segBox is the bounding box of a segment, or of a chunk of consecutive
// segments, and its index.
type segBox struct {
	minX, maxX, minY, maxY float64
	i                      int
}

// overlaps reports whether two boxes intersect.
func (a *segBox) overlaps(b *segBox) bool {
	return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY
}

// Rings of up to bruteForceSegs segments are searched pair by pair;
// longer ones are cut into chunks of chunkSegs consecutive segments, whose
// boxes are swept in order of minimum x. Consecutive boundary segments lie
// close together, so chunking shrinks the sort eightfold for little extra
// pair testing.
const (
	bruteForceSegs = 24
	chunkSegs      = 8
)

// candidatePairs calls fn(i, j), i < j, once for every pair of segments of
// the closed ring v (segment k runs from v[k] to v[k+1]) whose bounding
// boxes overlap.
func candidatePairs(v []orb.Point, sc *scratch, fn func(i, j int)) {
	m := len(v) - 1
	sc.grow(m)
	segs := sc.segs[:0]
	for k := range m {
		a, b := v[k], v[k+1]
		segs = append(segs, segBox{min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]), k})
	}
	sc.segs = segs
	if m <= bruteForceSegs {
		for i := range segs {
			for j := i + 1; j < len(segs); j++ {
				if segs[i].overlaps(&segs[j]) {
					fn(i, j)
				}
			}
		}
		return
	}

	chunks := sc.chunks[:0]
	for lo := 0; lo < m; lo += chunkSegs {
		c := segs[lo]
		c.i = lo / chunkSegs
		for _, s := range segs[lo+1 : min(lo+chunkSegs, m)] {
			c.minX, c.maxX = min(c.minX, s.minX), max(c.maxX, s.maxX)
			c.minY, c.maxY = min(c.minY, s.minY), max(c.maxY, s.maxY)
		}
		chunks = append(chunks, c)
	}
	sc.chunks = chunks
	slices.SortFunc(chunks, func(x, y segBox) int { return cmp.Compare(x.minX, y.minX) })
	for a := range chunks {
		ca := &chunks[a]
		aLo, aHi := ca.i*chunkSegs, min(ca.i*chunkSegs+chunkSegs, m)
		// Pairs within the chunk.
		for i := aLo; i < aHi; i++ {
			for j := i + 1; j < aHi; j++ {
				if segs[i].overlaps(&segs[j]) {
					fn(i, j)
				}
			}
		}
		for b := a + 1; b < len(chunks); b++ {
			cb := &chunks[b]
			if cb.minX > ca.maxX {
				break
			}
			if !ca.overlaps(cb) {
				continue
			}
			bLo, bHi := cb.i*chunkSegs, min(cb.i*chunkSegs+chunkSegs, m)
			for i := aLo; i < aHi; i++ {
				if !segs[i].overlaps(cb) {
					continue
				}
				for j := bLo; j < bHi; j++ {
					if segs[i].overlaps(&segs[j]) {
						fn(min(i, j), max(i, j))
					}
				}
			}
		}
	}
}

// spike reports whether the segments a→b and b→c, which share b, overlap
// beyond b: the ring doubles back along itself.
func spike(a, b, c orb.Point) bool {
	if orient(a, b, c) != 0 {
		return false
	}
	// Collinear: they overlap when a and c lie on the same side of b.
	return sign(a[0]-b[0]) == sign(c[0]-b[0]) && sign(a[1]-b[1]) == sign(c[1]-b[1])
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// selfIntersections returns, sorted and without duplicates, the points
// where the closed ring v (no consecutive repeats, at least three
// segments) crosses or touches itself.
func selfIntersections(v []orb.Point, sc *scratch) []orb.Point {
	m := len(v) - 1
	hits := sc.hits[:0]
	for k := range m {
		prev := v[(k+m-1)%m]
		if spike(prev, v[k], v[k+1]) {
			hits = append(hits, v[k])
		}
	}
	candidatePairs(v, sc, func(i, j int) {
		if j == i+1 || (i == 0 && j == m-1) {
			return // adjacent: handled by the spike test
		}
		pts, n, _ := segmentIntersection(v[i], v[i+1], v[j], v[j+1])
		hits = append(hits, pts[:n]...)
	})
	sc.hits = hits
	if len(hits) == 0 {
		return nil
	}
	slices.SortFunc(hits, comparePoints)
	hits = slices.Compact(hits)
	return slices.Clone(hits)
}

func comparePoints(a, b orb.Point) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

// Contains reports whether p lies in the interior of g. Polygons use the
// even-odd rule over all their rings, so self-intersecting rings (such as
// ONS generalised boundaries) and holes are handled alike; the parts of a
// MultiPolygon and the members of a Collection are united. Points on a
// boundary are not contained. A Point or MultiPoint contains p only if
// one of its points equals p; lines contain nothing. A non-finite p is
// never contained.
func Contains(g orb.Geometry, p orb.Point) bool {
	if !finite(p) {
		return false
	}
	switch g := g.(type) {
	case orb.Point:
		return g == p
	case orb.MultiPoint:
		return slices.Contains(g, p)
	case orb.Ring:
		return pointInRing(p, g) > 0
	case orb.Polygon:
		return polygonLocate(g, p) > 0
	case orb.MultiPolygon:
		for _, pg := range g {
			if polygonLocate(pg, p) > 0 {
				return true
			}
		}
	case orb.Collection:
		for _, c := range g {
			if Contains(c, p) {
				return true
			}
		}
	case orb.Bound:
		return g.Min[0] < p[0] && p[0] < g.Max[0] && g.Min[1] < p[1] && p[1] < g.Max[1]
	}
	return false
}

// polygonLocate returns +1 when p is inside the polygon by the even-odd
// rule over all rings, −1 when outside and 0 on a ring.
func polygonLocate(pg orb.Polygon, p orb.Point) int {
	inside := false
	for _, r := range pg {
		if len(r) == 0 {
			continue
		}
		b := ringBound(r)
		if p[0] < b.Min[0] || p[0] > b.Max[0] || p[1] < b.Min[1] || p[1] > b.Max[1] {
			continue
		}
		switch pointInRing(p, r) {
		case 0:
			return 0
		case 1:
			inside = !inside
		}
	}
	if inside {
		return 1
	}
	return -1
}

// ringBound returns the bounding box of r, ignoring NaN coordinates.
func ringBound(r []orb.Point) orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, p := range r {
		b.Min[0], b.Min[1] = min(b.Min[0], p[0]), min(b.Min[1], p[1])
		b.Max[0], b.Max[1] = max(b.Max[0], p[0]), max(b.Max[1], p[1])
	}
	return b
}

// signedArea returns the shoelace area of a ring (positive when
// counter-clockwise), computed relative to its first point to limit
// rounding. The ring may be open or closed.
func signedArea(r []orb.Point) float64 {
	if len(r) < 3 {
		return 0
	}
	o := r[0]
	s := 0.0
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-o[0])*(r[i+1][1]-o[1]) - (r[i+1][0]-o[0])*(r[i][1]-o[1])
	}
	return s / 2
}

// polygonArea returns the outer ring's absolute area less its holes'.
func polygonArea(pg orb.Polygon) float64 {
	a := 0.0
	for i, r := range pg {
		if i == 0 {
			a = math.Abs(signedArea(r))
		} else {
			a -= math.Abs(signedArea(r))
		}
	}
	return a
}

// RepresentativePoint returns a point of g: for a Polygon or Ring a point
// strictly inside it (by the even-odd rule Contains uses), for a
// MultiPolygon one inside its largest part, for a Collection one in its
// largest areal member (else its longest line, else its first point). It
// uses the area centroid when that is inside, otherwise the middle of the
// widest interior stretch of a horizontal line near the centroid. A
// LineString gives the point halfway along it, a MultiPoint the member
// nearest the mean of its points, a Point itself and a Bound its centre.
// Empty, degenerate (zero-area) or non-finite areal input, for which no
// interior point exists, gives a vertex when there is a finite one and
// (NaN, NaN) otherwise; so does a sliver too thin for any float64 point to
// lie strictly inside it.
func RepresentativePoint(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return g
	case orb.MultiPoint:
		return multiPointRep(g)
	case orb.LineString:
		return lineRep(g)
	case orb.MultiLineString:
		best, bestLen := -1, -1.0
		for i, ls := range g {
			if l := lineLength(ls); l > bestLen {
				best, bestLen = i, l
			}
		}
		if best < 0 {
			return nanPoint()
		}
		return lineRep(g[best])
	case orb.Ring:
		return polygonRep(orb.Polygon{g})
	case orb.Polygon:
		return polygonRep(g)
	case orb.MultiPolygon:
		return multiPolygonRep(g)
	case orb.Collection:
		return collectionRep(g)
	case orb.Bound:
		return g.Center()
	}
	return nanPoint()
}

func nanPoint() orb.Point { return orb.Point{math.NaN(), math.NaN()} }

// multiPointRep returns the member of mp nearest the mean of its finite
// members.
func multiPointRep(mp orb.MultiPoint) orb.Point {
	var sx, sy float64
	n := 0
	for _, p := range mp {
		if finite(p) {
			sx, sy, n = sx+p[0], sy+p[1], n+1
		}
	}
	if n == 0 {
		return nanPoint()
	}
	mean := orb.Point{sx / float64(n), sy / float64(n)}
	best, bestD := nanPoint(), math.Inf(1)
	for _, p := range mp {
		if d := math.Hypot(p[0]-mean[0], p[1]-mean[1]); finite(p) && d < bestD {
			best, bestD = p, d
		}
	}
	if bestD == math.Inf(1) {
		// The mean overflowed; any finite member will do.
		for _, p := range mp {
			if finite(p) {
				return p
			}
		}
	}
	return best
}

// lineLength returns the planar length of ls.
func lineLength(ls orb.LineString) float64 {
	l := 0.0
	for i := 1; i < len(ls); i++ {
		l += math.Hypot(ls[i][0]-ls[i-1][0], ls[i][1]-ls[i-1][1])
	}
	return l
}

// lineRep returns the point halfway along ls (planar).
func lineRep(ls orb.LineString) orb.Point {
	if len(ls) == 0 {
		return nanPoint()
	}
	half := lineLength(ls) / 2
	if !(half > 0) || math.IsInf(half, 0) {
		return ls[0]
	}
	for i := 1; i < len(ls); i++ {
		d := math.Hypot(ls[i][0]-ls[i-1][0], ls[i][1]-ls[i-1][1])
		if d >= half && d > 0 {
			f := half / d
			return orb.Point{ls[i-1][0] + f*(ls[i][0]-ls[i-1][0]), ls[i-1][1] + f*(ls[i][1]-ls[i-1][1])}
		}
		half -= d
	}
	return ls[len(ls)-1]
}

// multiPolygonRep returns an interior point of the largest-area part, or
// of the next largest when a part has no interior.
func multiPolygonRep(mp orb.MultiPolygon) orb.Point {
	idx := make([]int, len(mp))
	areas := make([]float64, len(mp))
	for i, pg := range mp {
		idx[i], areas[i] = i, polygonArea(pg)
		if math.IsNaN(areas[i]) {
			areas[i] = math.Inf(-1)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(areas[b], areas[a]) })
	fallback := nanPoint()
	for _, i := range idx {
		p := polygonRep(mp[i])
		if polygonLocate(mp[i], p) > 0 {
			return p
		}
		if !finite(fallback) {
			fallback = p
		}
	}
	return fallback
}

// collectionRep returns a representative point of the collection's
// highest-dimension content.
func collectionRep(c orb.Collection) orb.Point {
	var polys orb.MultiPolygon
	var lines orb.MultiLineString
	var points orb.MultiPoint
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
			points = append(points, g)
		case orb.MultiPoint:
			points = append(points, g...)
		case orb.LineString:
			lines = append(lines, g)
		case orb.MultiLineString:
			lines = append(lines, g...)
		case orb.Ring:
			polys = append(polys, orb.Polygon{g})
		case orb.Polygon:
			polys = append(polys, g)
		case orb.MultiPolygon:
			polys = append(polys, g...)
		case orb.Bound:
			polys = append(polys, orb.Polygon{g.ToRing()})
		case orb.Collection:
			for _, m := range g {
				walk(m)
			}
		}
	}
	walk(c)
	switch {
	case len(polys) > 0:
		if p := multiPolygonRep(polys); finite(p) {
			return p
		}
	case len(lines) > 0:
		return RepresentativePoint(lines)
	}
	if len(points) > 0 {
		return points[0]
	}
	return nanPoint()
}

// polygonRep returns a point strictly inside pg by the even-odd rule.
func polygonRep(pg orb.Polygon) orb.Point {
	fallback := nanPoint()
	for _, r := range pg {
		for _, p := range r {
			if !finite(p) {
				return firstFinite(pg)
			}
		}
		if len(r) > 0 && !finite(fallback) {
			fallback = r[0]
		}
	}
	if !finite(fallback) {
		return fallback
	}
	c, ok := areaCentroid(pg)
	if ok && polygonLocate(pg, c) > 0 {
		return c
	}
	y0 := c[1]
	if !ok {
		b := ringBound(pg[0])
		y0 = b.Min[1]/2 + b.Max[1]/2
	}
	if p, ok := scanlinePoint(pg, y0); ok {
		return p
	}
	return fallback
}

// firstFinite returns the first finite vertex of pg, or (NaN, NaN).
func firstFinite(pg orb.Polygon) orb.Point {
	for _, r := range pg {
		for _, p := range r {
			if finite(p) {
				return p
			}
		}
	}
	return nanPoint()
}

// areaCentroid returns the area centroid of pg (outer ring less holes),
// and false when its area is zero or the result is not finite.
func areaCentroid(pg orb.Polygon) (orb.Point, bool) {
	if len(pg) == 0 || len(pg[0]) == 0 {
		return nanPoint(), false
	}
	o := pg[0][0]
	var cx, cy, area float64
	for i, r := range pg {
		var rx, ry, ra float64
		n := len(r)
		for k := range n {
			a, b := r[k], r[(k+1)%n]
			ax, ay, bx, by := a[0]-o[0], a[1]-o[1], b[0]-o[0], b[1]-o[1]
			cr := ax*by - bx*ay
			ra += cr
			rx += (ax + bx) * cr
			ry += (ay + by) * cr
		}
		// Count the outer ring positive and holes negative whatever their
		// orientation.
		s := 1.0
		if (i == 0) != (ra >= 0) {
			s = -1
		}
		cx, cy, area = cx+s*rx, cy+s*ry, area+s*ra
	}
	if area == 0 {
		return nanPoint(), false
	}
	c := orb.Point{cx/(3*area) + o[0], cy/(3*area) + o[1]}
	return c, finite(c)
}

// scanlinePoint looks for an interior point on horizontal lines between
// vertex latitudes, first the gap containing y0 and then the others from
// the widest down, returning the middle of the widest inside stretch.
func scanlinePoint(pg orb.Polygon, y0 float64) (orb.Point, bool) {
	var ys []float64
	for _, r := range pg {
		for _, p := range r {
			ys = append(ys, p[1])
		}
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	if len(ys) < 2 {
		return orb.Point{}, false
	}
	gaps := make([]int, 0, len(ys)-1) // gap k lies between ys[k] and ys[k+1]
	first, _ := slices.BinarySearch(ys, y0)
	first = min(max(first-1, 0), len(ys)-2)
	gaps = append(gaps, first)
	rest := make([]int, 0, len(ys)-1)
	for k := 0; k+1 < len(ys); k++ {
		if k != first {
			rest = append(rest, k)
		}
	}
	slices.SortStableFunc(rest, func(a, b int) int {
		return cmp.Compare(ys[b+1]-ys[b], ys[a+1]-ys[a])
	})
	gaps = append(gaps, rest...)
	const maxTries = 64
	var xs []float64
	for n, k := range gaps {
		if n >= maxTries {
			break
		}
		y := ys[k]/2 + ys[k+1]/2
		if !(y > ys[k] && y < ys[k+1]) {
			continue // adjacent floats: no line strictly between
		}
		xs = xs[:0]
		for _, r := range pg {
			m := len(r)
			for i := range m {
				a, b := r[i], r[(i+1)%m]
				if (a[1] < y) != (b[1] < y) {
					xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
				}
			}
		}
		slices.Sort(xs)
		// Even-odd: inside between xs[0] and xs[1], xs[2] and xs[3], …
		type stretch struct{ lo, hi float64 }
		var ss []stretch
		for i := 0; i+1 < len(xs); i += 2 {
			ss = append(ss, stretch{xs[i], xs[i+1]})
		}
		slices.SortStableFunc(ss, func(a, b stretch) int { return cmp.Compare(b.hi-b.lo, a.hi-a.lo) })
		for _, s := range ss {
			p := orb.Point{s.lo/2 + s.hi/2, y}
			if polygonLocate(pg, p) > 0 {
				return p, true
			}
		}
	}
	return orb.Point{}, false
}
