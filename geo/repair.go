package geo

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// maxRepairRounds bounds how often a ring is re-noded when rounding of
// computed crossing points leaves new intersections.
const maxRepairRounds = 3

// Repair returns a repaired copy of g and the problems it found, each
// marked Repaired when fixed. It closes unclosed rings, drops repeated
// consecutive points and rings with fewer than three distinct vertices
// (a polygon whose outer ring goes with it), and splits
// self-intersecting rings at their intersection points into simple rings
// — the bow-tie and the figure-eight or pinched loop of ONS generalised
// boundaries. A polygon with a self-intersecting ring is rebuilt from all
// its resulting rings by the even-odd rule: rings nested an even number of
// times become outer rings, counter-clockwise, and the others holes,
// clockwise (RFC 7946); so a Polygon may come back as a MultiPolygon (and
// a Ring as a Polygon or MultiPolygon). Polygons without such problems
// keep their rings' order and orientation.
//
// A polygon with a non-finite coordinate, or whose rings could not be
// made simple, is kept as it was and its problems are returned with
// Repaired false; when every returned problem is repaired, the result
// passes Validate. Points and lines are copied unchanged. Repair never
// panics.
func Repair(g orb.Geometry) (orb.Geometry, []Problem) {
	var r repairer
	out := r.geometry(g)
	return out, r.problems
}

// repairer walks a geometry, numbering its polygons as Validate does.
type repairer struct {
	problems []Problem
	polygon  int
	sc       scratch
}

func (r *repairer) geometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Ring:
		parts := r.polygonParts(orb.Polygon{g})
		switch {
		case len(parts) == 1 && len(parts[0]) == 1:
			return parts[0][0]
		case len(parts) == 1:
			return parts[0]
		case len(parts) == 0:
			return orb.Polygon{} // an empty Ring would not be valid
		}
		return orb.MultiPolygon(parts)
	case orb.Polygon:
		parts := r.polygonParts(g)
		switch len(parts) {
		case 0:
			return orb.Polygon{}
		case 1:
			return parts[0]
		}
		return orb.MultiPolygon(parts)
	case orb.MultiPolygon:
		if g == nil {
			return orb.MultiPolygon(nil)
		}
		out := make(orb.MultiPolygon, 0, len(g))
		for _, p := range g {
			out = append(out, r.polygonParts(p)...)
		}
		return out
	case orb.Collection:
		if g == nil {
			return orb.Collection(nil)
		}
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = r.geometry(c)
		}
		return out
	case nil:
		return nil
	}
	var v validator
	v.polygon = r.polygon
	v.geometry(g)
	r.problems = append(r.problems, v.problems...)
	return orb.Clone(g)
}

// polygonParts repairs one polygon into zero or more polygons.
func (r *repairer) polygonParts(pg orb.Polygon) []orb.Polygon {
	defer func() { r.polygon++ }()
	if len(pg) == 0 {
		return []orb.Polygon{pg.Clone()}
	}
	var found []Problem
	add := func(k ProblemKind, at orb.Point, ring int) {
		found = append(found, Problem{Kind: k, At: at, Polygon: r.polygon, Ring: ring})
	}
	keep := func() []orb.Polygon {
		r.problems = append(r.problems, found...)
		return []orb.Polygon{pg.Clone()}
	}
	fixed := func() {
		for i := range found {
			found[i].Repaired = true
		}
		r.problems = append(r.problems, found...)
	}

	// Per-ring clean-up first.
	type cleaned struct {
		pts   []orb.Point // closed, no repeats
		index int
		split bool // self-intersecting
	}
	var rings []cleaned
	rebuild := false
	for i, ring := range pg {
		for _, k := range ringProblems(ring, &r.sc) {
			add(k.kind, k.at, i)
			if k.kind == ProblemNonFinite {
				return keep()
			}
		}
		for j := 1; j < len(ring); j++ {
			if ring[j] == ring[j-1] {
				add(ProblemRepeatedPoint, ring[j], i)
			}
		}
		pts := closedDistinct(ring, nil)
		if len(pts) < 4 || !hasArea(pts) {
			// Too few points, or all on one line (which ringProblems
			// reported as a self-intersection: the ring doubles back).
			if i == 0 {
				// No outer ring: the polygon and its holes go.
				fixed()
				return nil
			}
			continue
		}
		c := cleaned{pts: pts, index: i}
		if selfIntersections(pts, &r.sc) != nil {
			c.split, rebuild = true, true
		}
		rings = append(rings, c)
	}
	if len(found) == 0 {
		return []orb.Polygon{pg.Clone()}
	}
	if !rebuild {
		out := make(orb.Polygon, len(rings))
		for i, c := range rings {
			out[i] = orb.Ring(c.pts)
		}
		fixed()
		return []orb.Polygon{out}
	}

	var loops [][]orb.Point
	for _, c := range rings {
		if !c.split {
			loops = append(loops, c.pts)
			continue
		}
		ls, ok := simpleLoops(c.pts, &r.sc, maxRepairRounds)
		if !ok {
			return keep()
		}
		loops = append(loops, ls...)
	}
	fixed()
	return assemble(loops)
}

// hasArea reports whether the closed ring v has three non-collinear
// vertices.
func hasArea(v []orb.Point) bool {
	for k := 1; k+1 < len(v)-1; k++ {
		if orient(v[0], v[k], v[k+1]) != 0 {
			return true
		}
	}
	return false
}

// simpleLoops splits the closed ring v (no repeats) into simple closed
// loops with area, re-noding loops that rounding left intersecting up to
// rounds times. It reports false when it could not.
func simpleLoops(v []orb.Point, sc *scratch, rounds int) ([][]orb.Point, bool) {
	var out [][]orb.Point
	for _, l := range splitLoops(nodeRing(v, sc)) {
		if len(l) < 4 || !hasArea(l) {
			continue
		}
		if selfIntersections(l, sc) == nil {
			out = append(out, l)
			continue
		}
		if rounds <= 1 {
			return nil, false
		}
		sub, ok := simpleLoops(l, sc, rounds-1)
		if !ok {
			return nil, false
		}
		out = append(out, sub...)
	}
	return out, true
}

// nodeRing returns the closed ring v with every point where it meets
// itself inserted as a vertex of each segment it lies on, so that all
// self-intersections happen at vertices.
func nodeRing(v []orb.Point, sc *scratch) []orb.Point {
	m := len(v) - 1
	inserts := make(map[int][]orb.Point)
	add := func(k int, p orb.Point) {
		if p != v[k] && p != v[k+1] {
			inserts[k] = append(inserts[k], p)
		}
	}
	// A spike a→b→c doubling back: the nearer of a and c lies on the
	// other segment.
	for k := range m {
		kp := (k + m - 1) % m
		a, b, c := v[kp], v[k], v[k+1]
		if spike(a, b, c) {
			if inBox(b, a, c) {
				add(kp, c)
			} else {
				add(k, a)
			}
		}
	}
	candidatePairs(v, sc, func(i, j int) {
		if j == i+1 || (i == 0 && j == m-1) {
			return
		}
		pts, n, _ := segmentIntersection(v[i], v[i+1], v[j], v[j+1])
		for _, p := range pts[:n] {
			add(i, p)
			add(j, p)
		}
	})
	out := make([]orb.Point, 0, len(v)+2*len(inserts))
	for k := range m {
		a, b := v[k], v[k+1]
		out = append(out, a)
		ins := inserts[k]
		if len(ins) == 0 {
			continue
		}
		dx, dy := b[0]-a[0], b[1]-a[1]
		param := func(p orb.Point) float64 { return (p[0]-a[0])*dx + (p[1]-a[1])*dy }
		slices.SortFunc(ins, func(p, q orb.Point) int {
			if c := cmp.Compare(param(p), param(q)); c != 0 {
				return c
			}
			return comparePoints(p, q)
		})
		for _, p := range ins {
			if p != out[len(out)-1] {
				out = append(out, p)
			}
		}
	}
	out = append(out, v[m])
	return closedDistinct(out, out[:0:0])
}

// splitLoops cuts a noded closed ring at every repeated vertex into closed
// loops in which no vertex repeats. Loops of two vertices (spikes) come
// out too; callers drop loops without area.
func splitLoops(v []orb.Point) [][]orb.Point {
	var loops [][]orb.Point
	stack := make([]orb.Point, 0, len(v))
	at := make(map[orb.Point]int, len(v))
	for _, p := range v[:len(v)-1] {
		if s, ok := at[p]; ok {
			loop := make([]orb.Point, 0, len(stack)-s+1)
			loop = append(loop, stack[s:]...)
			loop = append(loop, p)
			loops = append(loops, loop)
			for _, q := range stack[s+1:] {
				delete(at, q)
			}
			stack = stack[:s+1]
			continue
		}
		at[p] = len(stack)
		stack = append(stack, p)
	}
	if len(stack) > 0 {
		loop := append(slices.Clone(stack), stack[0])
		loops = append(loops, loop)
	}
	return loops
}

// assemble nests simple loops by the even-odd rule into polygons: a loop
// inside an even number of others is an outer ring (made
// counter-clockwise), one inside an odd number a hole (made clockwise) of
// the smallest loop containing it.
func assemble(loops [][]orb.Point) []orb.Polygon {
	n := len(loops)
	bounds := make([]orb.Bound, n)
	areas := make([]float64, n)
	for i, l := range loops {
		bounds[i] = ringBound(l)
		areas[i] = signedArea(l)
		if areas[i] < 0 {
			areas[i] = -areas[i]
		}
	}
	depth := make([]int, n)
	parent := make([]int, n)
	for i := range loops {
		parent[i] = -1
		for j := range loops {
			if i == j || !loopInside(loops[i], bounds[i], loops[j], bounds[j]) {
				continue
			}
			depth[i]++
			if parent[i] < 0 || areas[j] < areas[parent[i]] {
				parent[i] = j
			}
		}
	}
	var polys []orb.Polygon
	shellOf := make(map[int]int) // loop index → index in polys
	for i, l := range loops {
		if depth[i]%2 == 0 {
			shellOf[i] = len(polys)
			polys = append(polys, orb.Polygon{orientedRing(l, true)})
		}
	}
	for i, l := range loops {
		if depth[i]%2 == 1 {
			k, ok := shellOf[parent[i]]
			if !ok {
				continue // cannot happen: a hole's smallest container is a shell
			}
			polys[k] = append(polys[k], orientedRing(l, false))
		}
	}
	return polys
}

// loopInside reports whether simple loop a lies inside simple loop b,
// given that their boundaries do not cross: the first vertex of a (or,
// failing that, edge midpoint) that is not on b decides.
func loopInside(a []orb.Point, ba orb.Bound, b []orb.Point, bb orb.Bound) bool {
	if ba.Min[0] < bb.Min[0] || ba.Min[1] < bb.Min[1] || ba.Max[0] > bb.Max[0] || ba.Max[1] > bb.Max[1] {
		return false
	}
	for _, p := range a {
		if s := pointInRing(p, b); s != 0 {
			return s > 0
		}
	}
	for i := 0; i+1 < len(a); i++ {
		mid := orb.Point{a[i][0]/2 + a[i+1][0]/2, a[i][1]/2 + a[i+1][1]/2}
		if s := pointInRing(mid, b); s != 0 {
			return s > 0
		}
	}
	return false
}

// orientedRing returns the closed loop as a ring, counter-clockwise when ccw is
// true and clockwise otherwise.
func orientedRing(l []orb.Point, ccw bool) orb.Ring {
	r := orb.Ring(slices.Clone(l))
	if (signedArea(r) > 0) != ccw {
		slices.Reverse(r)
	}
	return r
}
