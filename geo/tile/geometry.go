package tile

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// simplifier runs Douglas–Peucker on world-coordinate lines, reusing its
// scratch space between calls (polygons are simplified by their shared
// arcs, see topology, with simplifier.line). Input geometry is never modified: a line
// that loses no points is returned as is (shared), otherwise a new,
// exactly sized slice is returned.
type simplifier struct {
	keep  []bool
	stack []int
}

// geometry returns a line or point geometry g simplified with tolerance
// tol (world units), or nil when nothing of it survives. Points are kept
// as they are.
func (s *simplifier) geometry(g orb.Geometry, tol float64) orb.Geometry {
	if tol <= 0 {
		return g
	}
	switch g := g.(type) {
	case orb.LineString:
		if ls := s.line(g, tol); len(ls) >= 2 {
			return orb.LineString(ls)
		}
	case orb.MultiLineString:
		out := make(orb.MultiLineString, 0, len(g))
		for _, ls := range g {
			if ls := s.line(ls, tol); len(ls) >= 2 {
				out = append(out, ls)
			}
		}
		if len(out) > 0 {
			return out
		}
	default: // points
		return g
	}
	return nil
}

// line returns the points of pts that Douglas–Peucker keeps at tolerance
// tol. A closed ring is anchored at its first (and last) point.
func (s *simplifier) line(pts []orb.Point, tol float64) []orb.Point {
	n := len(pts)
	if n <= 2 {
		return pts
	}
	if cap(s.keep) < n {
		s.keep = make([]bool, n)
	}
	keep := s.keep[:n]
	clear(keep)
	keep[0], keep[n-1] = true, true
	kept := 2
	tol2 := tol * tol
	stack := append(s.stack[:0], 0, n-1)
	for len(stack) > 0 {
		start, end := stack[len(stack)-2], stack[len(stack)-1]
		stack = stack[:len(stack)-2]
		maxD, maxI := 0.0, -1
		for i := start + 1; i < end; i++ {
			if d := planar.DistanceFromSegmentSquared(pts[start], pts[end], pts[i]); d > maxD {
				maxD, maxI = d, i
			}
		}
		if maxI >= 0 && maxD > tol2 {
			keep[maxI] = true
			kept++
			stack = append(stack, start, maxI, maxI, end)
		}
	}
	s.stack = stack
	if kept == n {
		return pts
	}
	out := make([]orb.Point, 0, kept)
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	return out
}
