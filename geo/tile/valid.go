package tile

import (
	"cmp"
	"slices"
)

// Polygons made valid on the tile grid.
//
// Snapping vertices to the integer grid of a tile can pinch a ring at a
// point, fold it onto itself, make its edges cross, or push a hole or a
// neighbouring part across a boundary: 5–9 % of England's LSOA polygons
// at zooms 6–9 came out invalid (OGC simple features) before this file.
// A feature's rings are first checked for any contact between edges other
// than a ring's consecutive edges meeting at their shared vertex; almost
// all have none and are written as they are. The others are rebuilt:
//
//  1. Iterated snap rounding (Hobby 1999; Halperin & Packer 2002): every
//     vertex and the rounded point of every crossing is a hot pixel, the
//     half-open unit square around a grid point; each edge is rerouted
//     through the centres of the hot pixels it passes through, in order,
//     and so again for each new edge until none passes through a hot
//     pixel that is not its end. Edges then meet only at shared vertices,
//     and no vertex lies inside an edge.
//  2. Edges are counted with direction (exterior rings run positive,
//     holes negative) and opposite ones cancel; the faces of what is left
//     get their winding numbers, and the polygon is the union of faces of
//     winding above zero, as the rings' orientation meant.
//  3. The boundary of that region is walked keeping the region on the
//     left and turning as sharply as possible, so that each walk bounds
//     one face; walks are cut where they touch themselves into simple
//     rings (a hole touching its exterior at a point stays a hole of it,
//     as OGC allows), and holes go to the smallest exterior holding them.
//
// Every coordinate is an integer in a few thousand units, so all of it is
// exact int64 arithmetic.

// ipt is a point on the tile grid.
type ipt struct{ x, y int64 }

func (p ipt) less(q ipt) bool { return p.x < q.x || (p.x == q.x && p.y < q.y) }

func comparePts(p, q ipt) int {
	if c := cmp.Compare(p.x, q.x); c != 0 {
		return c
	}
	return cmp.Compare(p.y, q.y)
}

// cross returns twice the signed area of triangle o, a, b: positive when
// o→a→b turns anticlockwise in y-up axes (the positive sense of
// signedArea).
func cross(o, a, b ipt) int64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }

// iseg is a directed edge of ring ring, the i-th of its n.
type iseg struct {
	a, b   ipt
	ring   int32
	i, n   int32
	lo, hi ipt // bounding box
}

// onSeg reports whether p, collinear with a and b, lies on segment a–b.
func onSeg(a, b, p ipt) bool {
	return min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
}

// meet reports whether closed segments p and q share a point, and
// whether they cross properly (at one point inside both).
func meet(p, q *iseg) (any, proper bool) {
	if p.hi.x < q.lo.x || q.hi.x < p.lo.x || p.hi.y < q.lo.y || q.hi.y < p.lo.y {
		return false, false
	}
	d1, d2 := cmp.Compare(cross(q.a, q.b, p.a), 0), cmp.Compare(cross(q.a, q.b, p.b), 0)
	d3, d4 := cmp.Compare(cross(p.a, p.b, q.a), 0), cmp.Compare(cross(p.a, p.b, q.b), 0)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true, true
	}
	return (d1 == 0 && onSeg(q.a, q.b, p.a)) || (d2 == 0 && onSeg(q.a, q.b, p.b)) ||
		(d3 == 0 && onSeg(p.a, p.b, q.a)) || (d4 == 0 && onSeg(p.a, p.b, q.b)), false
}

// adjacent reports whether p and q are consecutive edges of one ring.
func adjacent(p, q *iseg) bool {
	if p.ring != q.ring {
		return false
	}
	d := p.i - q.i
	return d == 1 || d == -1 || d == p.n-1 || d == 1-p.n
}

// spike reports whether consecutive edges p and q fold back onto each
// other at their shared vertex.
func spike(p, q *iseg) bool {
	fold := func(a, b, c ipt) bool {
		return cross(a, b, c) == 0 && (b.x-a.x)*(c.x-b.x)+(b.y-a.y)*(c.y-b.y) < 0
	}
	return (p.b == q.a && fold(p.a, p.b, q.b)) || (q.b == p.a && fold(q.a, q.b, p.b))
}

// fixer holds the working memory of one feature's repair.
type fixer struct {
	segs  []iseg
	tmp   []iseg
	keys  []uint64
	hot   []ipt
	frags []frag
	stops []stop
	// faces' graph, reused
	edges                      []edge
	pts                        []ipt
	from, out, start, pos, cyc []int32
	parent, at, queue          []int32
	weight, wind               []int64
	cycStart                   []int
	cycArea                    []int64
	known, seen                []bool
}

// load makes the edges of rings, closed rings of grid points.
func (f *fixer) load(rings [][]ipt) {
	f.segs = f.segs[:0]
	for ri, r := range rings {
		n := int32(len(r) - 1)
		for i := range n {
			a, b := r[i], r[i+1]
			if a == b {
				continue
			}
			lo := ipt{min(a.x, b.x), min(a.y, b.y)}
			hi := ipt{max(a.x, b.x), max(a.y, b.y)}
			f.segs = append(f.segs, iseg{a: a, b: b, ring: int32(ri), i: i, n: n, lo: lo, hi: hi})
		}
	}
	if len(f.segs) > bruteForceSegs {
		// By least x (offset to be non-negative), then input order.
		f.keys = f.keys[:0]
		for i := range f.segs {
			f.keys = append(f.keys, uint64(f.segs[i].lo.x+1<<30)<<32|uint64(i))
		}
		slices.Sort(f.keys)
		f.tmp = f.tmp[:0]
		for _, k := range f.keys {
			f.tmp = append(f.tmp, f.segs[uint32(k)])
		}
		f.segs, f.tmp = f.tmp, f.segs
	}
}

// bruteForceSegs is the most edges whose pairs are all tried; more are
// swept in order of their least x.
const bruteForceSegs = 32

// pairs calls fn for every two edges whose bounding boxes meet, until fn
// returns false; it reports whether fn always returned true.
func (f *fixer) pairs(fn func(p, q *iseg) bool) bool {
	if len(f.segs) <= bruteForceSegs {
		for i := range f.segs {
			p := &f.segs[i]
			for j := i + 1; j < len(f.segs); j++ {
				q := &f.segs[j]
				if q.hi.x < p.lo.x || p.hi.x < q.lo.x || q.hi.y < p.lo.y || p.hi.y < q.lo.y {
					continue
				}
				if !fn(p, q) {
					return false
				}
			}
		}
		return true
	}
	for i := range f.segs {
		p := &f.segs[i]
		for j := i + 1; j < len(f.segs) && f.segs[j].lo.x <= p.hi.x; j++ {
			q := &f.segs[j]
			if q.hi.y < p.lo.y || p.hi.y < q.lo.y {
				continue
			}
			if !fn(p, q) {
				return false
			}
		}
	}
	return true
}

// tangle says how a feature's edges meet.
type tangle int

const (
	// untouched: edges meet only where consecutive edges of a ring do,
	// without folding back — every ring is simple and no two rings meet.
	untouched tangle = iota
	// noded: edges meet elsewhere too, but only at vertices of both or
	// as the same edge, so the rings need rebuilding but not snapping.
	noded
	// tangled: edges cross, or a vertex lies inside another edge.
	tangled
)

// interior reports whether grid point p lies on segment a–b but is not
// an end of it.
func interior(p, a, b ipt) bool {
	return p != a && p != b && cross(a, b, p) == 0 && onSeg(a, b, p)
}

// check says how the loaded edges meet.
func (f *fixer) check() tangle {
	t := untouched
	f.pairs(func(p, q *iseg) bool {
		if adjacent(p, q) && !spike(p, q) && p.n > 2 {
			return true
		}
		any, proper := meet(p, q)
		switch {
		case !any:
			return true
		case proper || interior(p.a, q.a, q.b) || interior(p.b, q.a, q.b) || interior(q.a, p.a, p.b) || interior(q.b, p.a, p.b):
			t = tangled
			return false
		}
		t = noded
		return true
	})
	return t
}

// crossing returns the grid point nearest the crossing of properly
// crossing segments p and q (halves rounded up).
func crossing(p, q *iseg) ipt {
	rx, ry := p.b.x-p.a.x, p.b.y-p.a.y
	sx, sy := q.b.x-q.a.x, q.b.y-q.a.y
	den := rx*sy - ry*sx
	num := (q.a.x-p.a.x)*sy - (q.a.y-p.a.y)*sx
	if den < 0 {
		den, num = -den, -num
	}
	// x = a.x + num/den·rx, rounded: floor((2·(a.x·den + num·rx) + den) / (2·den)).
	round := func(a, r int64) int64 {
		return floorDiv(2*(a*den+num*r)+den, 2*den)
	}
	return ipt{round(p.a.x, rx), round(p.a.y, ry)}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// frac is the fraction num/den (den > 0) of the way along an edge, open
// when the point itself is excluded.
type frac struct {
	num, den int64
	open     bool
}

func compareFrac(a, b frac) int { return cmp.Compare(a.num*b.den, b.num*a.den) }

// enter returns where segment a→b enters the hot pixel of h, the
// half-open square [h−½, h+½)², and whether it meets it at all.
func enter(a, b, h ipt) (frac, bool) {
	lo, hi := frac{0, 1, false}, frac{1, 1, false}
	axis := func(a, b, h int64) bool {
		// Doubled coordinates: the edge runs from 2a by 2(b−a); the
		// pixel spans [2h−1, 2h+1).
		A, D, c := 2*a, 2*(b-a), 2*h
		var l, u frac
		switch {
		case D == 0:
			return A == c
		case D > 0:
			l, u = frac{c - 1 - A, D, false}, frac{c + 1 - A, D, true}
		default:
			l, u = frac{A - c - 1, -D, true}, frac{A - c + 1, -D, false}
		}
		if c := compareFrac(l, lo); c > 0 || (c == 0 && l.open) {
			lo = l
		}
		if c := compareFrac(u, hi); c < 0 || (c == 0 && u.open) {
			hi = u
		}
		return true
	}
	if !axis(a.x, b.x, h.x) || !axis(a.y, b.y, h.y) {
		return lo, false
	}
	c := compareFrac(lo, hi)
	return lo, c < 0 || (c == 0 && !lo.open && !hi.open)
}

// maxSnapDepth bounds the re-snapping of iterated snap rounding, which
// converges long before it in practice.
const maxSnapDepth = 32

// snap appends to out the fragments of a→b snapped to the hot pixels it
// passes through, re-snapping each fragment in turn.
func (f *fixer) snap(a, b ipt, depth int, out []frag) []frag {
	base := len(f.stops)
	defer func() { f.stops = f.stops[:base] }()
	lo := ipt{min(a.x, b.x), min(a.y, b.y)}
	hi := ipt{max(a.x, b.x), max(a.y, b.y)}
	i, _ := slices.BinarySearchFunc(f.hot, lo, comparePts)
	for ; i < len(f.hot) && f.hot[i].x <= hi.x; i++ {
		h := f.hot[i]
		if h.y < lo.y || h.y > hi.y {
			continue
		}
		if t, ok := enter(a, b, h); ok {
			f.stops = append(f.stops, stop{t, h})
		}
	}
	// Deeper calls append after these and may move f.stops: keep this
	// slice of them.
	stops := f.stops[base:]
	if len(stops) <= 2 || depth >= maxSnapDepth {
		return append(out, frag{a, b})
	}
	slices.SortFunc(stops, func(s, t stop) int {
		if c := compareFrac(s.at, t.at); c != 0 {
			return c
		}
		switch {
		case s.at.open == t.at.open:
			return 0
		case t.at.open:
			return -1
		}
		return 1
	})
	for k := 0; k+1 < len(stops); k++ {
		out = f.snap(stops[k].p, stops[k+1].p, depth+1, out)
	}
	return out
}

// stop is a hot pixel p an edge enters a fraction at of the way along.
type stop struct {
	at frac
	p  ipt
}

// edge is an undirected edge u–v (u < v) run net more times from u to v
// than back.
type edge struct {
	u, v ipt
	net  int64
}

// grow returns s resized to n zero elements, reusing its array when it
// is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// frag is a snapped edge a→b.
type frag struct{ a, b ipt }

// rebuild returns the valid polygons (exterior ring then holes, each
// closed, exteriors positive) of the region the loaded edges wind
// around positively.
func (f *fixer) rebuild(t tangle) [][][]ipt {
	// Edges that meet only at vertices need no snapping.
	frags := f.frags[:0]
	if t != tangled {
		for i := range f.segs {
			frags = append(frags, frag{f.segs[i].a, f.segs[i].b})
		}
	} else {
		frags = f.snapAll(frags)
	}
	f.frags = frags
	return f.faces(frags)
}

// snapAll appends the loaded edges snap-rounded to frags.
func (f *fixer) snapAll(frags []frag) []frag {
	// Hot pixels: every vertex and every rounded crossing.
	f.hot = f.hot[:0]
	for i := range f.segs {
		f.hot = append(f.hot, f.segs[i].a)
	}
	f.pairs(func(p, q *iseg) bool {
		if _, proper := meet(p, q); proper {
			f.hot = append(f.hot, crossing(p, q))
		}
		return true
	})
	slices.SortFunc(f.hot, comparePts)
	f.hot = slices.Compact(f.hot)

	for i := range f.segs {
		frags = f.snap(f.segs[i].a, f.segs[i].b, 0, frags)
	}
	return frags
}

// faces returns the polygons of the region frags, edges that meet only
// at shared vertices, wind around positively.
func (f *fixer) faces(frags []frag) [][][]ipt {
	// Edges counted with direction: net is how many more times an edge
	// runs from its lesser end to its greater than back.
	edges := grow(f.edges, len(frags))
	f.edges = edges
	for i, fr := range frags {
		u, v, d := fr.a, fr.b, int64(1)
		if v.less(u) {
			u, v, d = v, u, -1
		}
		edges[i] = edge{u: u, v: v, net: d}
	}
	slices.SortStableFunc(edges, func(e, g edge) int {
		if c := comparePts(e.u, g.u); c != 0 {
			return c
		}
		return comparePts(e.v, g.v)
	})
	merged := edges[:0]
	for _, e := range edges {
		if k := len(merged) - 1; k >= 0 && merged[k].u == e.u && merged[k].v == e.v {
			merged[k].net += e.net
			continue
		}
		merged = append(merged, e)
	}
	edges = merged
	edges = slices.DeleteFunc(edges, func(e edge) bool { return e.net == 0 })
	if len(edges) == 0 {
		return nil
	}

	// Half-edges 2e (u→v) and 2e+1 (v→u); weight is the winding
	// number gained crossing from right to left.
	nh := 2 * len(edges)
	pts := f.pts[:0]
	for _, e := range edges {
		pts = append(pts, e.u, e.v)
	}
	slices.SortFunc(pts, comparePts)
	pts = slices.Compact(pts)
	vertex := func(p ipt) int32 {
		i, _ := slices.BinarySearchFunc(pts, p, comparePts)
		return int32(i)
	}
	f.pts = pts
	from := grow(f.from, nh)
	f.from = from
	weight := grow(f.weight, nh)
	f.weight = weight
	for e, ed := range edges {
		from[2*e], from[2*e+1] = vertex(ed.u), vertex(ed.v)
		weight[2*e], weight[2*e+1] = ed.net, -ed.net
	}
	to := func(h int) int32 { return from[h^1] }
	dir := func(h int) ipt {
		a, b := pts[from[h]], pts[to(h)]
		return ipt{b.x - a.x, b.y - a.y}
	}
	half := func(d ipt) int {
		if d.y > 0 || (d.y == 0 && d.x > 0) {
			return 0
		}
		return 1
	}
	// Outgoing half-edges grouped by vertex, anticlockwise.
	out := grow(f.out, nh)
	f.out = out
	for h := range out {
		out[h] = int32(h)
	}
	slices.SortFunc(out, func(g, h int32) int {
		if c := cmp.Compare(from[g], from[h]); c != 0 {
			return c
		}
		dg, dh := dir(int(g)), dir(int(h))
		if c := cmp.Compare(half(dg), half(dh)); c != 0 {
			return c
		}
		return -cmp.Compare(cross(ipt{}, dg, dh), 0)
	})
	start := grow(f.start, len(pts)+1) // out[start[v]:start[v+1]] leave v
	f.start = start
	for _, h := range out {
		start[from[h]+1]++
	}
	for v := range pts {
		start[v+1] += start[v]
	}
	pos := grow(f.pos, nh) // h's index in out
	f.pos = pos
	for i, h := range out {
		pos[h] = int32(i)
	}
	// next returns the half-edge after h around the face on h's left,
	// among those keep admits: the first leaving h's end clockwise from
	// h's twin.
	next := func(h int, keep func(int) bool) int {
		v := to(h)
		lo, n := start[v], start[v+1]-start[v]
		i := pos[h^1] - lo
		for range n {
			i = (i + n - 1) % n
			if g := int(out[lo+i]); keep(g) {
				return g
			}
		}
		return h ^ 1 // unreachable: h's twin leaves v
	}
	all := func(int) bool { return true }

	// Face cycles, their areas and connected components.
	cyc := grow(f.cyc, nh)
	f.cyc = cyc
	for h := range cyc {
		cyc[h] = -1
	}
	cycStart, cycArea := f.cycStart[:0], f.cycArea[:0]
	for h := range nh {
		if cyc[h] >= 0 {
			continue
		}
		c := int32(len(cycStart))
		cycStart = append(cycStart, h)
		var a int64
		for g := h; cyc[g] < 0; g = next(g, all) {
			cyc[g] = c
			a += cross(ipt{}, pts[from[g]], pts[to(g)])
		}
		cycArea = append(cycArea, a)
	}
	f.cycStart, f.cycArea = cycStart, cycArea
	parent := grow(f.parent, len(pts))
	f.parent = parent
	for v := range parent {
		parent[v] = int32(v)
	}
	root := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	for e := range edges {
		if a, b := root(from[2*e]), root(from[2*e+1]); a != b {
			parent[a] = b
		}
	}

	// Winding numbers: a component's outer cycle (negative area) winds
	// as its surroundings do — the winding of its vertex by every other
	// component's edges — and crossing an edge adds its weight.
	wind := grow(f.wind, len(cycStart))
	known := grow(f.known, len(cycStart))
	queue := f.queue[:0]
	f.wind, f.known = wind, known
	for c, a := range cycArea {
		if a >= 0 {
			continue
		}
		p := pts[from[cycStart[c]]]
		r := root(from[cycStart[c]])
		var w int64
		for e, ed := range edges {
			if root(from[2*e]) == r {
				continue
			}
			u, v := ed.u, ed.v
			switch {
			case u.y <= p.y && v.y > p.y && cross(u, v, p) > 0:
				w += ed.net
			case v.y <= p.y && u.y > p.y && cross(u, v, p) < 0:
				w -= ed.net
			}
		}
		wind[c], known[c] = w, true
		queue = append(queue, int32(c))
	}
	for len(queue) > 0 {
		c := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		h := cycStart[c]
		for {
			if d := cyc[h^1]; !known[d] {
				wind[d], known[d] = wind[c]-weight[h], true
				queue = append(queue, d)
			}
			if h = next(h, all); h == cycStart[c] {
				break
			}
		}
	}

	// The region's boundary, region on the left, walked face by face
	// and cut into simple rings.
	kept := func(h int) bool { return wind[cyc[h]] > 0 && wind[cyc[h^1]] <= 0 }
	f.queue = queue
	seen := grow(f.seen, nh)
	at := grow(f.at, len(pts)) // a vertex's place in the walk's stack, +1
	f.seen, f.at = seen, at
	type loop struct {
		pts  []ipt
		area int64 // twice the signed area
		walk int
	}
	var loops []loop
	walk := 0
	for h0 := range nh {
		if seen[h0] || !kept(h0) {
			continue
		}
		var stack []int32
		flush := func(s int) {
			if len(stack)-s < 3 {
				for _, v := range stack[s:] {
					at[v] = 0
				}
				stack = stack[:s]
				return
			}
			l := make([]ipt, 0, len(stack)-s+1)
			for _, v := range stack[s:] {
				l = append(l, pts[v])
				at[v] = 0
			}
			l = append(l, l[0])
			loops = append(loops, loop{pts: l, area: ringArea2(l), walk: walk})
			stack = stack[:s]
		}
		for h := h0; !seen[h]; h = next(h, kept) {
			seen[h] = true
			v := from[h]
			if s := at[v]; s > 0 {
				flush(int(s - 1))
			}
			at[v] = int32(len(stack) + 1)
			stack = append(stack, v)
		}
		if len(stack) > 0 {
			flush(0)
		}
		walk++
	}

	// Exteriors and their holes.
	var shells []int
	shellOfWalk := make([]int, walk)
	for i := range shellOfWalk {
		shellOfWalk[i] = -1
	}
	for i, l := range loops {
		if l.area > 0 {
			shellOfWalk[l.walk] = len(shells)
			shells = append(shells, i)
		}
	}
	polys := make([][][]ipt, len(shells))
	for k, i := range shells {
		polys[k] = [][]ipt{loops[i].pts}
	}
	for _, l := range loops {
		if l.area > 0 {
			continue
		}
		k := shellOfWalk[l.walk]
		if k < 0 {
			// A hole not touching its exterior: the smallest exterior
			// around the middle of its first edge (on no other ring,
			// the edges being noded).
			m := ipt{l.pts[0].x + l.pts[1].x, l.pts[0].y + l.pts[1].y}
			for j, i := range shells {
				if (k < 0 || loops[i].area < loops[shells[k]].area) && insideDoubled(m, loops[i].pts) {
					k = j
				}
			}
		}
		if k >= 0 {
			polys[k] = append(polys[k], l.pts)
		}
	}
	return polys
}

// ringArea2 returns twice the signed area of closed ring r.
func ringArea2(r []ipt) int64 {
	var a int64
	for i := 0; i+1 < len(r); i++ {
		a += cross(ipt{}, r[i], r[i+1])
	}
	return a
}

// insideDoubled reports whether m, in doubled coordinates, lies inside
// simple closed ring r (grid coordinates); m must not be on r.
func insideDoubled(m ipt, r []ipt) bool {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := ipt{2 * r[i].x, 2 * r[i].y}, ipt{2 * r[i+1].x, 2 * r[i+1].y}
		if (a.y > m.y) != (b.y > m.y) && (cross(a, b, m) > 0) == (b.y > a.y) {
			in = !in
		}
	}
	return in
}
