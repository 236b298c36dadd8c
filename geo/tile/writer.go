package tile

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/maptile"
)

// MVT geometry types and commands (MVT 2.1 §4.3).
const (
	geomPoint   = 1
	geomLine    = 2
	geomPolygon = 3

	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// scratch is the working memory for one layer's part of one tile: the
// projection to tile coordinates, the geometry commands of the feature at
// hand, the tile-local numbering of property keys and values, and the
// encoded features. Layers recycle scratches through a sync.Pool.
type scratch struct {
	scale      float64   // tile units per world unit: Extent·2^z
	minX, minY float64   // the tile's origin on the zoom's grid of units
	box        orb.Bound // tile units: [−buffer, Extent+buffer]²

	hits []hit
	pts  []orb.Point // the projected ring or line at hand
	geom []uint32    // the feature's geometry commands and parameters
	cx   int32       // the geometry cursor, tile units
	cy   int32

	epoch              uint32 // marks keyLocal/valLocal entries of this tile
	keyEpoch, keyLocal []uint32
	valEpoch, valLocal []uint32
	keys, vals         []uint32 // global indexes of used keys/values, local order
	tags               []uint32

	features []byte // Feature messages, each framed as Layer field 2
	count    int    // features encoded

	// The rings of the polygonal feature at hand, in tile units.
	ringPts  []ipt
	rings    []ringRef
	ringsBuf [][]ipt
	fix      fixer
}

// hit is a feature whose world bound meets the buffered tile.
type hit struct {
	i        int32
	min, max [2]float64
}

func (l *Layer) getScratch() *scratch {
	if s, ok := l.scratch.Get().(*scratch); ok {
		return s
	}
	nk, nv := len(l.props.keys), len(l.props.values)
	return &scratch{
		keyEpoch: make([]uint32, nk), keyLocal: make([]uint32, nk),
		valEpoch: make([]uint32, nv), valLocal: make([]uint32, nv),
	}
}

// reset prepares s for tile t of a layer with the given buffer.
func (s *scratch) reset(t maptile.Tile, bufferUnits int) {
	b := float64(bufferUnits)
	s.scale = math.Exp2(float64(t.Z)) * Extent
	s.minX = float64(uint64(t.X) * Extent)
	s.minY = float64(uint64(t.Y) * Extent)
	s.box = orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{Extent + b, Extent + b}}
	s.hits = s.hits[:0]
	s.keys, s.vals = s.keys[:0], s.vals[:0]
	s.features = s.features[:0]
	s.count = 0
	s.epoch++
	if s.epoch == 0 { // wrapped: forget every old mark
		clear(s.keyEpoch)
		clear(s.valEpoch)
		s.epoch = 1
	}
}

// encodeLayer encodes the features of l in tile t into s, with the
// properties whose keys keep marks (all when keep is nil), and returns the
// number encoded.
func (l *Layer) encodeLayer(s *scratch, t maptile.Tile, keep []bool) int {
	s.reset(t, l.bufferUnits)
	n := math.Exp2(float64(t.Z))
	buf := float64(l.bufferUnits) / Extent / n // world units
	lo := [2]float64{float64(t.X)/n - buf, float64(t.Y)/n - buf}
	hi := [2]float64{float64(t.X+1)/n + buf, float64(t.Y+1)/n + buf}
	l.index.Search(lo, hi, func(min, max [2]float64, i int32) bool {
		s.hits = append(s.hits, hit{i: i, min: min, max: max})
		return true
	})
	// Input order, so tiles are reproducible.
	slices.SortFunc(s.hits, func(a, b hit) int { return int(a.i - b.i) })

	geoms := l.byZoom[t.Z-l.minZ]
	for _, h := range s.hits {
		g := geoms[h.i]
		if g == nil {
			continue
		}
		// The original geometry's bound contains the simplified one's.
		inside := math.Floor(h.min[0]*s.scale-s.minX) >= s.box.Min[0] &&
			math.Floor(h.min[1]*s.scale-s.minY) >= s.box.Min[1] &&
			math.Floor(h.max[0]*s.scale-s.minX) <= s.box.Max[0] &&
			math.Floor(h.max[1]*s.scale-s.minY) <= s.box.Max[1]
		if typ := s.geometry(g, inside); typ != 0 {
			s.appendFeature(&l.features[h.i], typ, keep)
		}
	}
	return s.count
}

// point projects a world point to tile units, as orb's encoding/mvt does.
func (s *scratch) point(p orb.Point) orb.Point {
	return orb.Point{math.Floor(p[0]*s.scale - s.minX), math.Floor(p[1]*s.scale - s.minY)}
}

// project projects pts into dst[:0], dropping consecutive repeats.
func (s *scratch) project(dst, pts []orb.Point) []orb.Point {
	dst = dst[:0]
	for _, p := range pts {
		q := s.point(p)
		if len(dst) > 0 && dst[len(dst)-1] == q {
			continue
		}
		dst = append(dst, q)
	}
	return dst
}

// geometry writes g's commands, in tile units and clipped to the buffered
// tile unless inside, to s.geom and returns its MVT type, or 0 when nothing
// of it is left.
func (s *scratch) geometry(g orb.Geometry, inside bool) uint32 {
	s.geom = s.geom[:0]
	s.cx, s.cy = 0, 0
	switch g := g.(type) {
	case orb.Point:
		if q := s.point(g); s.box.Contains(q) {
			s.command(cmdMoveTo, 1)
			s.vertex(q)
			return geomPoint
		}
	case orb.MultiPoint:
		s.pts = s.pts[:0]
		for _, p := range g {
			if q := s.point(p); s.box.Contains(q) {
				s.pts = append(s.pts, q)
			}
		}
		if len(s.pts) > 0 {
			s.command(cmdMoveTo, len(s.pts))
			for _, q := range s.pts {
				s.vertex(q)
			}
			return geomPoint
		}
	case orb.LineString:
		if s.line(g, inside) {
			return geomLine
		}
	case orb.MultiLineString:
		found := false
		for _, ls := range g {
			found = s.line(ls, inside) || found
		}
		if found {
			return geomLine
		}
	case orb.Polygon:
		s.ringPts, s.rings = s.ringPts[:0], s.rings[:0]
		s.addPolygon(g, inside)
		if s.polygons() {
			return geomPolygon
		}
	case orb.MultiPolygon:
		s.ringPts, s.rings = s.ringPts[:0], s.rings[:0]
		for _, p := range g {
			s.addPolygon(p, inside)
		}
		if s.polygons() {
			return geomPolygon
		}
	}
	return 0
}

// line writes the parts of ls in the tile and reports whether there were
// any.
func (s *scratch) line(ls orb.LineString, inside bool) bool {
	if inside {
		s.pts = s.project(s.pts, ls)
		if len(s.pts) < 2 {
			return false
		}
		s.lineTo(s.pts)
		return true
	}
	found := false
	for _, part := range clip.LineString(s.box, s.project(nil, ls)) {
		if part = roundLine(part); len(part) >= 2 {
			s.lineTo(part)
			found = true
		}
	}
	return found
}

// addPolygon adds the rings of the part of p in the tile, in tile units
// (clipped to the buffered tile unless inside), to s.rings: none when its
// exterior ring has fewer than three distinct vertices, and no hole that
// has.
func (s *scratch) addPolygon(p orb.Polygon, inside bool) {
	if inside {
		for i, r := range p {
			start := len(s.ringPts)
			for _, w := range r {
				q := s.point(w)
				g := ipt{int64(q[0]), int64(q[1])}
				if len(s.ringPts) > start && s.ringPts[len(s.ringPts)-1] == g {
					continue
				}
				s.ringPts = append(s.ringPts, g)
			}
			if len(s.ringPts)-start < 4 {
				s.ringPts = s.ringPts[:start]
				if i == 0 {
					return
				}
				continue
			}
			s.rings = append(s.rings, ringRef{start: start, end: len(s.ringPts), exterior: i == 0})
		}
		return
	}
	rings := make(orb.Polygon, 0, len(p))
	for i, r := range p {
		pr := s.project(nil, r)
		if len(pr) < 4 {
			if i == 0 {
				return
			}
			continue
		}
		rings = append(rings, pr)
	}
	if rings = clip.Polygon(s.box, rings); rings == nil {
		return
	}
	for i, r := range rings {
		rings[i] = roundLine(r)
	}
	for i, r := range rings {
		if len(r) < 4 {
			if i == 0 {
				return
			}
			continue
		}
		start := len(s.ringPts)
		for _, q := range r {
			s.ringPts = append(s.ringPts, ipt{int64(q[0]), int64(q[1])})
		}
		s.rings = append(s.rings, ringRef{start: start, end: len(s.ringPts), exterior: i == 0})
	}
}

// ringRef is one ring of s.ringPts, closed, with no repeated
// consecutive points.
type ringRef struct {
	start, end int
	exterior   bool // the first ring of its polygon
}

// polygons writes the polygons of s.rings and reports whether there were
// any. Rings touching nowhere are written as they are, with the exterior
// rings of at least MinPolygonAreaUnits (with their holes) and the holes
// of at least that area; otherwise the polygons are rebuilt valid on the
// grid first (see valid.go), and the rings of less area dropped.
func (s *scratch) polygons() bool {
	rs := s.ringsBuf[:0]
	for _, r := range s.rings {
		rs = append(rs, s.ringPts[r.start:r.end])
	}
	s.ringsBuf = rs
	s.fix.load(rs)
	found := false
	t := s.fix.check()
	if t == untouched {
		shell := false
		for i, r := range s.rings {
			if r.exterior {
				shell = validRingI(rs[i], true)
				if !shell {
					continue
				}
				found = true
			} else if !shell || !validRingI(rs[i], false) {
				continue
			}
			s.ringI(rs[i])
		}
		return found
	}
	for _, p := range s.fix.rebuild(t) {
		if !validRingI(p[0], true) {
			continue
		}
		found = true
		s.ringI(p[0])
		for _, h := range p[1:] {
			if validRingI(h, false) {
				s.ringI(h)
			}
		}
	}
	return found
}

// validRingI is validRing for grid points.
func validRingI(r []ipt, exterior bool) bool {
	if len(r) < 4 {
		return false
	}
	a := float64(ringArea2(r)) / 2
	if exterior {
		return a >= MinPolygonAreaUnits
	}
	return a <= -MinPolygonAreaUnits
}

// roundLine rounds clipped points (intersections with the tile's edges
// are fractional) to the grid and drops consecutive repeats, in place.
func roundLine(pts []orb.Point) []orb.Point {
	out := pts[:0]
	for _, p := range pts {
		q := orb.Point{math.Round(p[0]), math.Round(p[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	return out
}

func (s *scratch) command(id uint32, count int) {
	s.geom = append(s.geom, id&7|uint32(count)<<3)
}

// vertex writes p as a zigzag-encoded delta from the cursor.
func (s *scratch) vertex(p orb.Point) {
	x, y := int32(p[0]), int32(p[1])
	dx, dy := x-s.cx, y-s.cy
	s.cx, s.cy = x, y
	s.geom = append(s.geom, uint32(dx<<1)^uint32(dx>>31), uint32(dy<<1)^uint32(dy>>31))
}

// lineTo writes a line of two or more distinct consecutive points.
func (s *scratch) lineTo(pts []orb.Point) {
	s.command(cmdMoveTo, 1)
	s.vertex(pts[0])
	s.command(cmdLineTo, len(pts)-1)
	for _, p := range pts[1:] {
		s.vertex(p)
	}
}

// ringI writes a closed ring (last point = first) of four or more grid
// points; ClosePath stands for the closing point.
func (s *scratch) ringI(r []ipt) {
	s.command(cmdMoveTo, 1)
	s.vertexI(r[0])
	s.command(cmdLineTo, len(r)-2)
	for _, p := range r[1 : len(r)-1] {
		s.vertexI(p)
	}
	s.command(cmdClosePath, 1)
}

// vertexI writes p as a zigzag-encoded delta from the cursor.
func (s *scratch) vertexI(p ipt) {
	x, y := int32(p.x), int32(p.y)
	dx, dy := x-s.cx, y-s.cy
	s.cx, s.cy = x, y
	s.geom = append(s.geom, uint32(dx<<1)^uint32(dx>>31), uint32(dy<<1)^uint32(dy>>31))
}

// appendFeature encodes f, with the geometry in s.geom and the properties
// whose keys keep marks (all when keep is nil), as a Feature message framed
// as Layer field 2.
func (s *scratch) appendFeature(f *feature, geomType uint32, keep []bool) {
	s.tags = s.tags[:0]
	for j := 0; j < len(f.tags); j += 2 {
		k, v := f.tags[j], f.tags[j+1]
		if keep != nil && !keep[k] {
			continue
		}
		if s.keyEpoch[k] != s.epoch {
			s.keyEpoch[k], s.keyLocal[k] = s.epoch, uint32(len(s.keys))
			s.keys = append(s.keys, k)
		}
		if s.valEpoch[v] != s.epoch {
			s.valEpoch[v], s.valLocal[v] = s.epoch, uint32(len(s.vals))
			s.vals = append(s.vals, v)
		}
		s.tags = append(s.tags, s.keyLocal[k], s.valLocal[v])
	}
	size := 2 // type: key and value, one byte each
	if f.hasID {
		size += 1 + varintLen(f.id)
	}
	tagsLen := packedLen(s.tags)
	if tagsLen > 0 {
		size += 1 + varintLen(uint64(tagsLen)) + tagsLen
	}
	geomLen := packedLen(s.geom)
	size += 1 + varintLen(uint64(geomLen)) + geomLen

	b := appendKey(s.features, 2, wireBytes)
	b = appendVarint(b, uint64(size))
	if f.hasID {
		b = appendKey(b, 1, wireVarint)
		b = appendVarint(b, f.id)
	}
	if tagsLen > 0 {
		b = appendKey(b, 2, wireBytes)
		b = appendVarint(b, uint64(tagsLen))
		for _, v := range s.tags {
			b = appendVarint(b, uint64(v))
		}
	}
	b = appendKey(b, 3, wireVarint)
	b = append(b, byte(geomType))
	b = appendKey(b, 4, wireBytes)
	b = appendVarint(b, uint64(geomLen))
	for _, v := range s.geom {
		b = appendVarint(b, uint64(v))
	}
	s.features = b
	s.count++
}

func packedLen(vs []uint32) int {
	n := 0
	for _, v := range vs {
		n += varintLen(uint64(v))
	}
	return n
}

// layerSize returns the length of the Layer message of s's features.
func (s *scratch) layerSize(name string, pt *propTable) int {
	size := 1 + varintLen(uint64(len(name))) + len(name) + len(s.features)
	for _, k := range s.keys {
		size += 1 + varintLen(uint64(len(pt.keys[k]))) + len(pt.keys[k])
	}
	for _, v := range s.vals {
		size += 1 + varintLen(uint64(len(pt.values[v]))) + len(pt.values[v])
	}
	return size + 1 + varintLen(Extent) + 1 + 1 // extent, version 2
}

// appendLayer appends s's features as a Layer message framed as Tile field
// 3: name, features, keys, values, extent 4096 and version 2.
func (s *scratch) appendLayer(dst []byte, name string, pt *propTable) []byte {
	dst = appendKey(dst, 3, wireBytes)
	dst = appendVarint(dst, uint64(s.layerSize(name, pt)))
	dst = appendKey(dst, 1, wireBytes)
	dst = appendVarint(dst, uint64(len(name)))
	dst = append(dst, name...)
	dst = append(dst, s.features...)
	for _, k := range s.keys {
		dst = appendKey(dst, 3, wireBytes)
		dst = appendVarint(dst, uint64(len(pt.keys[k])))
		dst = append(dst, pt.keys[k]...)
	}
	for _, v := range s.vals {
		dst = appendKey(dst, 4, wireBytes)
		dst = appendVarint(dst, uint64(len(pt.values[v])))
		dst = append(dst, pt.values[v]...)
	}
	dst = appendKey(dst, 5, wireVarint)
	dst = appendVarint(dst, Extent)
	dst = appendKey(dst, 15, wireVarint)
	return appendVarint(dst, 2)
}
