package tile

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan/geo"
)

// CoalesceOptions says how a layer merges, at one zoom level, polygonal
// features too small to be seen on their own (see LayerOptions.Coalesce).
type CoalesceOptions struct {
	// MinAreaUnits is the area, in square tile units at the zoom (a tile
	// is Extent = 4096 units a side, so 64 square units are one square
	// pixel of a 512-pixel tile), under which a feature is small.
	MinAreaUnits float64
	// CellUnits is the side, in tile units at the zoom, of the grid cells
	// that small features are merged within: a small feature belongs to
	// the cell holding the centre of its bounds. It must be positive.
	CellUnits float64
	// Group returns the group of a feature from its properties: features
	// merge only with features of their own group, and never when it
	// returns "". Nil puts every feature in one group.
	Group func(geojson.Properties) string
	// CountProperty, when set, names the property in which a merged
	// feature carries the number of features it draws.
	CountProperty string
}

// coalescer merges the small features of a layer at the zooms its options
// say, after they have been simplified by their shared arcs, so that the
// merged outlines are dissolved from few vertices, shared exactly.
type coalescer struct {
	fc    *geojson.FeatureCollection
	src   []int          // the fc index of each layer feature
	world []orb.Geometry // full-detail world geometry, by layer feature
	areas []float64      // full-detail area, square world units, by layer feature
}

// merged is one feature a coalescer made: the layer feature whose id and
// properties it carries, how many it draws, and its geometry at zoom z.
type merged struct {
	rep   int
	count int
	z     maptile.Zoom
	geom  orb.MultiPolygon
}

// merge returns the features merged at zoom z from the simplified
// geometries at that zoom, clearing the geometry of every feature merged.
// The merged features come in the order of their first member. Which
// features merge depends on each feature alone (its area, the cell of
// its bounds' centre and its group), never on the others in the layer.
func (c *coalescer) merge(z maptile.Zoom, opts CoalesceOptions, geoms []orb.Geometry) []merged {
	scale := Extent * math.Exp2(float64(z)) // tile units per world unit
	cell := opts.CellUnits / scale
	type key struct {
		group string
		x, y  int64
	}
	cells := map[key][]int{}
	var order []key
	for i, g := range c.world {
		if polygons(g) == nil || !(c.area(i)*scale*scale < opts.MinAreaUnits) {
			continue
		}
		group := "*"
		if opts.Group != nil {
			if group = opts.Group(c.fc.Features[c.src[i]].Properties); group == "" {
				continue
			}
		}
		b := g.Bound()
		k := key{group, int64(math.Floor((b.Min[0] + b.Max[0]) / 2 / cell)), int64(math.Floor((b.Min[1] + b.Max[1]) / 2 / cell))}
		if _, ok := cells[k]; !ok {
			order = append(order, k)
		}
		cells[k] = append(cells[k], i)
	}
	var out []merged
	for _, k := range order {
		ms := cells[k]
		if len(ms) < 2 {
			continue
		}
		rep := ms[0]
		var parts []orb.Polygon
		for _, i := range ms {
			if c.area(i) > c.area(rep) {
				rep = i
			}
			parts = append(parts, polygons(geoms[i])...)
			geoms[i] = nil
		}
		if mp := geo.Dissolve(parts); len(mp) > 0 {
			out = append(out, merged{rep: rep, count: len(ms), z: z, geom: mp})
		}
	}
	return out
}

// area returns layer feature i's full-detail area in square world units,
// computing it on first use.
func (c *coalescer) area(i int) float64 {
	if c.areas == nil {
		c.areas = make([]float64, len(c.world))
		for j := range c.areas {
			c.areas[j] = -1
		}
	}
	if c.areas[i] < 0 {
		var a float64
		for _, p := range polygons(c.world[i]) {
			for k, r := range p {
				if k == 0 {
					a += math.Abs(signedArea(r)) / 2
				} else {
					a -= math.Abs(signedArea(r)) / 2
				}
			}
		}
		c.areas[i] = a
	}
	return c.areas[i]
}

// polygons returns the polygons of a polygonal geometry, or nil.
func polygons(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}
