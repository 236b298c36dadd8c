package tile

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Neighbouring polygons of a boundary set (small areas, districts) share
// their boundaries vertex for vertex. Douglas–Peucker run on each polygon
// alone keeps different vertices of a shared boundary on either side, and
// the map shows slivers of background between neighbours, wider as the
// tolerance grows. So polygon rings are simplified by their arcs: each
// ring is cut at its junctions — vertices where three or more boundaries
// meet — into arcs; an arc two polygons share is stored once, simplified
// once per zoom, and both polygons take the same result. Lines are
// simplified on their own (simplifier.geometry).
//
// At each zoom an arc is cut further where it crosses a line of a grid of
// junctionGridUnits tile units, and each piece is simplified on its own,
// in the direction from its lower end (lessPoint). Whether a vertex is a
// junction depends only on the rings through it, and where a piece ends
// only on the segment there, so a tile's simplified geometry depends only
// on the features whose bounds meet the tile widened by its buffer and one
// grid cell: a layer of those alone gives the same tile as a layer of
// every feature (see SubsetBound).

// junctionGridUnits is the side, in tile units at each zoom, of the grid
// whose lines cut arcs: 16 pixels of a 512-pixel tile. The vertices kept
// for it cost little (a boundary crossing a line every 16 pixels), and a
// small grid keeps SubsetBound's margin, and so the features a tile's
// subset reads, small.
const junctionGridUnits = Extent / 32

// topology holds the polygon rings of a layer's world-coordinate
// geometries as arcs of shared vertices.
type topology struct {
	pts []orb.Point // world coordinates, by vertex id
	// cell holds each vertex's column and row on the junction grid at
	// zoom maxZ; at zoom z the cell is cell >> (maxZ − z).
	cell [][2]uint32
	maxZ int
	arcs [][]int32 // vertex ids of each arc, from its first junction to the next
	// closed marks the arcs that are whole rings with no junction: they
	// start at a vertex chosen only to have a start, which simplifyArcs
	// does not keep where the grid cuts the ring anyway.
	closed []bool
	// rings holds every polygon ring, geometry by geometry, polygon by
	// polygon, ring by ring, as arc references: arc index + 1, negated
	// when the ring runs the arc backwards.
	rings [][]int32
}

// newTopology finds the vertices shared by the polygon rings of world,
// which of them are junctions, and the arcs between them, for zooms up to
// maxZ. A ring without any junction (an island, or a boundary shared whole
// with one other ring) is given one at its lowest point (lessPoint),
// which every ring through it finds alike.
func newTopology(world []orb.Geometry, maxZ maptile.Zoom) *topology {
	tp := &topology{maxZ: int(maxZ)}
	n := 0
	for _, g := range world {
		eachRing(g, func(r orb.Ring) { n += len(r) })
	}
	index := newPointIndex(n)
	// Sized for every ring point: most are shared, so this is about twice
	// what is needed, but saves growing four slices of millions.
	tp.pts = make([]orb.Point, 0, n)
	junction := make([]bool, 0, n)
	n1, n2 := make([]int32, 0, n), make([]int32, 0, n) // the first two distinct neighbours of each vertex
	id := func(p orb.Point) int32 {
		slot, found := index.find(p, tp.pts)
		if found {
			return index.slots[slot] - 1
		}
		i := int32(len(tp.pts))
		index.slots[slot] = i + 1
		tp.pts = append(tp.pts, p)
		junction = append(junction, false)
		n1, n2 = append(n1, -1), append(n2, -1)
		return i
	}
	neighbour := func(v, w int32) {
		switch {
		case n1[v] == w || n2[v] == w:
		case n1[v] < 0:
			n1[v] = w
		case n2[v] < 0:
			n2[v] = w
		default:
			junction[v] = true
		}
	}
	var rings [][]int32 // vertex ids, without the closing repeat, in one slab
	slab := make([]int32, 0, n)
	for _, g := range world {
		eachRing(g, func(r orb.Ring) {
			m := max(len(r)-1, 0) // closed rings: the last point repeats the first
			start := len(slab)
			ring := slab[start : start : len(slab)+m]
			for _, p := range r[:m] {
				v := id(p)
				if len(ring) > 0 && ring[len(ring)-1] == v {
					continue
				}
				ring = append(ring, v)
			}
			if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
				ring = ring[:len(ring)-1]
			}
			rings = append(rings, ring)
			slab = slab[:start+len(ring)]
			m = len(ring)
			for i, v := range ring {
				prev, next := ring[(i+m-1)%m], ring[(i+1)%m]
				if prev == next { // a spike, or a two-point ring
					junction[v] = true
				}
				neighbour(v, prev)
				neighbour(v, next)
			}
		})
	}
	artificial := map[int32]bool{}
	for _, ring := range rings {
		low, found := -1, false
		for i, v := range ring {
			if junction[v] {
				found = true
				break
			}
			if low < 0 || lessPoint(tp.pts[v], tp.pts[ring[low]]) {
				low = i
			}
		}
		if !found && low >= 0 {
			junction[ring[low]] = true
			artificial[ring[low]] = true
		}
	}

	// Arcs, each stored once in the direction its first ring runs it.
	byStart := map[uint64]int32{} // (first, second vertex) → arc index + 1, negated when backwards
	key := func(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }
	tp.rings = make([][]int32, len(rings))
	var ids []int32
	for ri, ring := range rings {
		m := len(ring)
		start := -1
		for i, v := range ring {
			if junction[v] {
				start = i
				break
			}
		}
		if start < 0 || m < 3 {
			continue // degenerate: dropped at every zoom
		}
		var refs []int32
		for i := 0; i < m; {
			ids = append(ids[:0], ring[(start+i)%m])
			for i++; ; i++ {
				v := ring[(start+i)%m]
				ids = append(ids, v)
				if i >= m || junction[v] {
					break
				}
			}
			if ref, ok := byStart[key(ids[0], ids[1])]; ok {
				refs = append(refs, ref)
				continue
			}
			k := len(ids)
			if ref, ok := byStart[key(ids[k-1], ids[k-2])]; ok {
				refs = append(refs, -ref)
				continue
			}
			arc := make([]int32, k)
			copy(arc, ids)
			tp.arcs = append(tp.arcs, arc)
			tp.closed = append(tp.closed, artificial[arc[0]])
			ref := int32(len(tp.arcs))
			byStart[key(ids[0], ids[1])] = ref
			byStart[key(ids[k-1], ids[k-2])] = -ref
			refs = append(refs, ref)
		}
		tp.rings[ri] = refs
	}

	// Grid cells at maxZ.
	cells := float64(Extent/junctionGridUnits) * math.Exp2(float64(maxZ)) // per world unit
	tp.cell = make([][2]uint32, len(tp.pts))
	for i, p := range tp.pts {
		tp.cell[i] = [2]uint32{uint32(math.Floor(p[0] * cells)), uint32(math.Floor(p[1] * cells))}
	}
	return tp
}

// pointIndex finds a point's vertex id: an open-addressing hash table of
// ids+1 (0 is an empty slot), sized once for every point a topology may
// hold, which is several times as fast as a Go map on millions of points.
type pointIndex struct {
	slots []int32
	mask  uint64
}

func newPointIndex(n int) *pointIndex {
	size := uint64(16)
	for size < uint64(2*n) {
		size <<= 1
	}
	return &pointIndex{slots: make([]int32, size), mask: size - 1}
}

// find returns the slot holding p's id (pts by id) and true, or the empty
// slot where it belongs and false. The slot starts from p's cell on a grid
// of 2^20 × 2^20 cells over the world, its row and column bits
// interleaved (a Morton code), so that a ring's consecutive vertices,
// which are near each other, probe nearby slots: on England's boundaries
// that halves the time, which goes in cache misses.
func (pi *pointIndex) find(p orb.Point, pts []orb.Point) (uint64, bool) {
	const cells = 1 << 20
	x := uint64(min(max(p[0], 0), 1) * (cells - 1))
	y := uint64(min(max(p[1], 0), 1) * (cells - 1))
	h := spread(x) | spread(y)<<1
	h = h<<4 | (math.Float64bits(p[0])^math.Float64bits(p[1])>>7)&15 // points of one cell apart
	for i := h & pi.mask; ; i = (i + 1) & pi.mask {
		id := pi.slots[i]
		if id == 0 {
			return i, false
		}
		if pts[id-1] == p {
			return i, true
		}
	}
}

// spread returns the low 20 bits of v with a zero bit before each.
func spread(v uint64) uint64 {
	v &= 1<<20 - 1
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// eachRing calls fn with every ring of a polygonal geometry, in order.
func eachRing(g orb.Geometry, fn func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			fn(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				fn(r)
			}
		}
	}
}

// lessPoint orders points by x, then y.
func lessPoint(a, b orb.Point) bool {
	return a[0] < b[0] || a[0] == b[0] && a[1] < b[1]
}

// simplifyArcs returns every arc simplified at tolerance tol (world units)
// for zoom z, each in its stored direction with its first and last vertex
// kept — except a closed arc (see topology.closed) that the grid cuts,
// which starts and ends at its first cut instead.
func (tp *topology) simplifyArcs(tol float64, z int, s *simplifier) [][]orb.Point {
	out := make([][]orb.Point, len(tp.arcs))
	shift := uint(tp.maxZ - z)
	crosses := func(a, b int32) bool {
		ca, cb := tp.cell[a], tp.cell[b]
		return ca[0]>>shift != cb[0]>>shift || ca[1]>>shift != cb[1]>>shift
	}
	// cutAt reports whether vertex j of arc (not an end) ends a piece: the
	// lower end (lessPoint) of a segment that crosses the grid.
	cutAt := func(arc []int32, j int) bool {
		v := arc[j]
		for _, w := range [2]int32{arc[j-1], arc[j+1]} {
			if crosses(v, w) && lessPoint(tp.pts[v], tp.pts[w]) {
				return true
			}
		}
		return false
	}
	var piece, rot []int32
	var ppts []orb.Point
	for ai, arc := range tp.arcs {
		if tp.closed[ai] && len(arc) > 3 {
			// Start at the first cut, if the grid cuts the ring at all.
			for j := 1; j < len(arc)-1; j++ {
				if cutAt(arc, j) {
					rot = append(rot[:0], arc[j:]...)
					rot = append(rot, arc[1:j+1]...)
					arc = rot
					break
				}
			}
		}
		var res []orb.Point
		piece = append(piece[:0], arc[0])
		for j := 1; j < len(arc); j++ {
			piece = append(piece, arc[j])
			if j < len(arc)-1 && !cutAt(arc, j) {
				continue
			}
			ppts = ppts[:0]
			for _, v := range piece {
				ppts = append(ppts, tp.pts[v])
			}
			// Simplify from the piece's lower end, whichever way the arc
			// runs, so that any arc holding this piece simplifies it alike.
			backwards := lessPoint(ppts[len(ppts)-1], ppts[0])
			if backwards {
				reverse(ppts)
			}
			kept := s.line(ppts, tol)
			start := len(res)
			if start > 0 {
				start-- // the previous piece ended where this one starts
				res = res[:start]
			}
			res = append(res, kept...)
			if backwards {
				reverse(res[start:])
			}
			piece = append(piece[:0], arc[j])
		}
		out[ai] = res
	}
	return out
}

func reverse(pts []orb.Point) {
	for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
		pts[i], pts[j] = pts[j], pts[i]
	}
}

// simplify returns world simplified at tolerance tol (world units) for
// zoom z: polygons by their arcs, other geometry as simplifier.geometry
// does; nil where nothing is left. Tolerance 0 returns the geometry as it
// is.
func (tp *topology) simplify(world []orb.Geometry, tol float64, z int) []orb.Geometry {
	out := make([]orb.Geometry, len(world))
	if tol <= 0 {
		copy(out, world)
		return out
	}
	var s simplifier
	arcs := tp.simplifyArcs(tol, z, &s)
	var buf []orb.Point
	// ring assembles a ring from its arcs; when every vertex of orig is
	// kept it is orig's ring from another start, and orig is shared, as
	// most rings at high zooms are.
	ring := func(refs []int32, orig orb.Ring) orb.Ring {
		buf = buf[:0]
		for _, ref := range refs {
			if ref > 0 {
				arc := arcs[ref-1]
				buf = append(buf, arc[:len(arc)-1]...)
				continue
			}
			arc := arcs[-ref-1]
			for i := len(arc) - 1; i > 0; i-- {
				buf = append(buf, arc[i])
			}
		}
		if len(buf) < 3 {
			return nil
		}
		if len(buf)+1 == len(orig) {
			return orig
		}
		r := make(orb.Ring, len(buf)+1)
		copy(r, buf)
		r[len(buf)] = buf[0]
		return r
	}
	ri := 0 // the next ring of tp.rings
	polygon := func(p orb.Polygon) orb.Polygon {
		outP := make(orb.Polygon, 0, len(p))
		for i := range p {
			r := ring(tp.rings[ri], p[i])
			ri++
			if r == nil {
				if i == 0 {
					ri += len(p) - 1 // skip the holes
					return nil
				}
				continue
			}
			outP = append(outP, r)
		}
		return outP
	}
	for gi, g := range world {
		switch g := g.(type) {
		case orb.Polygon:
			if p := polygon(g); p != nil {
				out[gi] = p
			}
		case orb.MultiPolygon:
			mp := make(orb.MultiPolygon, 0, len(g))
			for _, p := range g {
				if sp := polygon(p); sp != nil {
					mp = append(mp, sp)
				}
			}
			if len(mp) > 0 {
				out[gi] = mp
			}
		default:
			out[gi] = s.geometry(g, tol)
		}
	}
	return out
}

// SubsetBound returns the bounds (WGS84 degrees) from which a layer for
// tile t may take its features and still encode t exactly as a layer of
// every feature would: a layer built, with the same options, from the
// features whose bounds meet SubsetBound gives the same tile, byte for
// byte. cellUnits is the largest coalescing cell at t's zoom (see
// CoalesceOptions; 0 when features are not merged). It is t's bounds
// widened by the layer's buffer of bufferUnits, one cell of the junction
// grid (see topology) and one coalescing cell, as degrees of longitude on
// every side (more than enough in latitude, whose degrees are longer on a
// Mercator map). It lets a server answer the first requests for a large
// layer from the features near each tile while the whole layer is built.
func SubsetBound(t maptile.Tile, bufferUnits int, cellUnits float64) orb.Bound {
	units := float64(bufferUnits) + junctionGridUnits + cellUnits + 1
	m := 360 * units / (Extent * math.Exp2(float64(t.Z)))
	b := t.Bound()
	return orb.Bound{
		Min: orb.Point{math.Max(b.Min[0]-m, -180), math.Max(b.Min[1]-m, -90)},
		Max: orb.Point{math.Min(b.Max[0]+m, 180), math.Min(b.Max[1]+m, 90)},
	}
}
