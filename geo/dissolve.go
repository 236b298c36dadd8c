package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Dissolve merges polygons that meet along shared edges, as neighbouring
// small areas of one boundary set do, into the polygons of their union
// (WGS84 lon,lat in, the same out). Every ring is walked with the inside on
// its left (exteriors anticlockwise, holes clockwise); an edge walked both
// ways lies between two polygons and is dropped, and the edges left, the
// union's boundary, are chained into rings, which are then sorted into
// exteriors and holes by their orientation. At a vertex where the boundary
// meets itself the walk takes the sharpest left turn, so lobes that touch
// at a point come out as separate rings, as a valid multipolygon needs.
//
// Edges cancel only where neighbours share their vertices exactly; where
// they do not, the gap or overlap is kept as a thin ring of its own. The
// polygons must not overlap. It draws locality and catchment outlines,
// which are unions of small areas.
func Dissolve(polys []orb.Polygon) orb.MultiPolygon {
	type edge struct{ a, b orb.Point }
	count := map[edge]int{} // directed edges still to walk
	var order []edge        // first-seen order, so output is reproducible
	add := func(a, b orb.Point) {
		if a == b {
			return
		}
		if back := (edge{b, a}); count[back] > 0 {
			count[back]-- // the same edge the other way: shared, not boundary
			return
		}
		e := edge{a, b}
		if count[e] == 0 {
			order = append(order, e)
		}
		count[e]++
	}
	for _, p := range polys {
		for i, r := range p {
			if len(r) < 3 {
				continue
			}
			pts := []orb.Point(r)
			if pts[0] != pts[len(pts)-1] {
				pts = append(slices.Clone(pts), pts[0])
			}
			// Exteriors anticlockwise, holes clockwise.
			if (r.Orientation() == orb.CCW) != (i == 0) {
				for j := len(pts) - 1; j > 0; j-- {
					add(pts[j], pts[j-1])
				}
				continue
			}
			for j := 0; j+1 < len(pts); j++ {
				add(pts[j], pts[j+1])
			}
		}
	}

	out := map[orb.Point][]edge{}
	for _, e := range order {
		if count[e] > 0 {
			out[e.a] = append(out[e.a], e)
		}
	}
	// next returns the unwalked edge leaving cur's end that turns most to
	// the left.
	next := func(cur edge) (edge, bool) {
		best, found, bestTurn := edge{}, false, math.Inf(-1)
		din := orb.Point{cur.b[0] - cur.a[0], cur.b[1] - cur.a[1]}
		for _, e := range out[cur.b] {
			if count[e] == 0 {
				continue
			}
			dout := orb.Point{e.b[0] - e.a[0], e.b[1] - e.a[1]}
			turn := math.Atan2(din[0]*dout[1]-din[1]*dout[0], din[0]*dout[0]+din[1]*dout[1])
			if turn == -math.Pi {
				turn = math.Pi // straight back: the sharpest left turn of all
			}
			if !found || turn > bestTurn {
				best, found, bestTurn = e, true, turn
			}
		}
		return best, found
	}

	var exteriors, holes []orb.Ring
	for _, start := range order {
		for count[start] > 0 {
			ring := orb.Ring{start.a}
			cur := start
			for {
				count[cur]--
				ring = append(ring, cur.b)
				if cur.b == ring[0] {
					break
				}
				var ok bool
				if cur, ok = next(cur); !ok {
					break // cannot happen: every vertex has as many edges in as out
				}
			}
			if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
				continue
			}
			if ring.Orientation() == orb.CCW {
				exteriors = append(exteriors, ring)
			} else if ring.Orientation() == orb.CW {
				holes = append(holes, ring)
			}
		}
	}

	mp := make(orb.MultiPolygon, len(exteriors))
	areas := make([]float64, len(exteriors))
	for i, r := range exteriors {
		mp[i] = orb.Polygon{r}
		areas[i] = planar.Area(r)
	}
	for _, h := range holes {
		// The smallest exterior holding every vertex of the hole: rings
		// never cross, so only the one around it can.
		best := -1
		for i, r := range exteriors {
			if (best < 0 || areas[i] < areas[best]) && !slices.ContainsFunc(h, func(p orb.Point) bool { return !planar.RingContains(r, p) }) {
				best = i
			}
		}
		if best >= 0 {
			mp[best] = append(mp[best], h)
		}
	}
	return mp
}
