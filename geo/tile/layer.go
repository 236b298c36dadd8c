// Package tile builds Mapbox Vector Tiles (MVT 2.1) from GeoJSON features,
// describes tile sets in TileJSON 3.0.0 and caches encoded tiles in a
// byte-bounded LRU. It is transport-neutral: the HTTP layer calls Encode and
// the cache and writes the bytes; nothing here knows about requests.
//
// Features arrive in WGS84 (EPSG:4326, lon,lat degrees). NewLayer projects
// them once to Web Mercator (EPSG:3857) world coordinates, normalised to
// [0, 1] with y running south from the north edge, indexes their bounds in
// an R-tree, simplifies them once per zoom level — polygons by the arcs
// neighbours share, so no sliver opens between them (topology.go) — merges
// features too small to be seen at low zooms if asked (coalesce.go) and
// interns their properties, so that Encode only has to select, scale,
// clip, make valid what snapping to the grid tangled (valid.go) and write. SubsetBound says which features a layer for one tile
// needs to give the same tile as a layer of all of them.
// Tile coordinates are the MVT integer grid of Extent (4096) units per tile
// side, y down, computed with the same arithmetic as orb's encoding/mvt.
//
// Encode writes the protocol buffer itself rather than through orb's
// mvt.Marshal: on England's 32,844 LSOA polygons that cut the 99th
// percentile tile time from about 200 ms to under 20 ms (see
// BenchmarkEncodeEngland). Input geometry is never modified, so nothing
// needs cloning per tile. The tests decode every tile with orb's
// mvt.Unmarshal, compare vertices with orb's ProjectToTile and, when GDAL
// is installed, read tiles back with its MVT driver and check every
// polygon with GEOS.
//
// The package imports the standard library, placeplan (errors),
// placeplan/geo (Dissolve), github.com/paulmach/orb and
// github.com/tidwall/rtree.
package tile

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/tidwall/rtree"

	"placeplan"
)

// Extent is the number of tile coordinate units along each side of a tile,
// the MVT default. Buffers and simplification tolerances are in these units.
const Extent = 4096

// MaxZoom is the highest zoom level a layer may be tiled at.
const MaxZoom = 22

// Defaults for LayerOptions.
const (
	// DefaultMaxZoom is the maximum zoom used when LayerOptions.MaxZoom is 0.
	// Clients over-zoom beyond it.
	DefaultMaxZoom = 14
	// DefaultBufferPixels is the buffer used when LayerOptions.BufferPixels
	// is 0: 64 of the tile's 4096 units (1/64 of the tile width, 4 screen
	// pixels on a 256-pixel tile), enough for line joins and strokes.
	DefaultBufferPixels = 64
	// DefaultToleranceUnits is the Douglas–Peucker tolerance used at every
	// zoom when LayerOptions.Tolerance is nil: one tile unit, so simplified
	// geometry stays within one unit of the original, as fine as the MVT
	// grid can show.
	DefaultToleranceUnits = 1.0
)

// MinPolygonAreaUnits is the smallest area, in square tile units, of a
// polygon (or of a hole) kept in a tile. Smaller ones are invisible (1/64
// of a screen pixel on a 512-pixel tile) and dropped.
const MinPolygonAreaUnits = 1.0

// LayerOptions configures a Layer. The zero value is usable.
type LayerOptions struct {
	// MinZoom and MaxZoom bound the zoom levels at which the layer has
	// features (inclusive). MaxZoom 0 means DefaultMaxZoom; it may not
	// exceed the package's MaxZoom.
	MinZoom, MaxZoom maptile.Zoom
	// BufferPixels is how far, in tile units (Extent = 4096 per tile side),
	// geometry is kept beyond each tile edge so that strokes and labels
	// join seamlessly across tiles. 0 means DefaultBufferPixels; negative
	// values are invalid.
	BufferPixels int
	// Tolerance returns the Douglas–Peucker simplification tolerance, in
	// tile units, for zoom z; 0 turns simplification off at that zoom
	// (geometry is still snapped to the integer grid). Nil means
	// DefaultToleranceUnits at every zoom. It is called once per zoom by
	// NewLayer.
	Tolerance func(z maptile.Zoom) float64
	// Description describes the layer in TileJSON's vector_layers.
	Description string
	// Fields describes feature properties by name for TileJSON's
	// vector_layers; properties without a description are described by
	// their type ("Number", "String", "Boolean" or "Mixed").
	Fields map[string]string
	// ZoomFields, when not nil, returns the only properties written at
	// zoom z, or nil for every property: low zooms can carry only what a
	// map styles by. It is called once per zoom by NewLayer.
	ZoomFields func(z maptile.Zoom) []string
	// Coalesce, when not nil, returns how small polygonal features are
	// merged at zoom z, and false at zooms where they are not (see
	// CoalesceOptions). At such a zoom, features smaller than
	// MinAreaUnits of one group whose bounds' centres share a grid cell
	// are drawn as one: their geometries, simplified for the zoom, are
	// dissolved (geo.Dissolve), and the merged feature carries the id and
	// properties of its largest member, whose values it therefore shows,
	// with its count in CountProperty. A cell with one small feature
	// keeps it as it is. It is called once per zoom by NewLayer.
	Coalesce func(z maptile.Zoom) (CoalesceOptions, bool)
}

// Layer is a named set of features (WGS84 lon,lat geometries with
// properties) prepared for tiling: projected to Web Mercator world
// coordinates, indexed in an R-tree by their bounds and simplified once for
// each zoom level. A Layer is immutable and safe for concurrent use.
type Layer struct {
	name        string
	minZ, maxZ  maptile.Zoom
	bufferUnits int
	description string
	fields      map[string]string // property name → description or type
	bound       orb.Bound         // WGS84 degrees
	features    []feature
	index       rtree.RTreeG[int32]
	// byZoom[z−minZ][i] is feature i's geometry simplified for zoom z, in
	// world coordinates; nil when it vanishes at that zoom (or is merged,
	// or is a merged feature of another zoom).
	byZoom [][]orb.Geometry
	// keep[z−minZ], when not nil, marks the property keys written at zoom
	// z (LayerOptions.ZoomFields).
	keep  [][]bool
	props propTable
	// scratch recycles per-tile working memory (*scratch).
	scratch sync.Pool
}

// feature is one indexed feature: its properties as (key, value) index
// pairs into the layer's propTable, and its MVT id when it has one. Its
// geometry is in Layer.byZoom.
type feature struct {
	tags  []uint32
	id    uint64
	hasID bool
}

// NewLayer prepares fc's features for tiling as a layer called name. It
// copies what it keeps: fc is not modified and may be reused. Features with
// no geometry are skipped; geometry collections are rejected (an MVT
// feature has one geometry type), as are coordinates that are not finite
// WGS84 longitudes and latitudes. Latitudes beyond ±85.0511° are clamped
// to the Web Mercator limit. Polygon rings are re-oriented as MVT 2.1
// requires (exterior rings clockwise on screen, holes anticlockwise).
// Properties whose value is nil are dropped (orb's MVT encoder would write
// them as the string "null"); strings, booleans and numbers keep their
// types (Go integers as MVT sint or uint values, float64 as double), and
// any other value is written as its JSON text. Feature ids that are
// non-negative integers (or strings of one) become MVT feature ids; other
// ids are dropped. Errors have code placeplan.EINVALID.
func NewLayer(name string, fc *geojson.FeatureCollection, opts LayerOptions) (*Layer, error) {
	if name == "" {
		return nil, placeplan.Errorf(placeplan.EINVALID, "tile layer needs a name")
	}
	if fc == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: no feature collection", name)
	}
	l := &Layer{
		name:        name,
		minZ:        opts.MinZoom,
		maxZ:        cmp.Or(opts.MaxZoom, DefaultMaxZoom),
		bufferUnits: cmp.Or(opts.BufferPixels, DefaultBufferPixels),
		description: opts.Description,
		fields:      map[string]string{},
		bound:       orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}},
	}
	switch {
	case l.maxZ > MaxZoom:
		return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: max zoom %d: want at most %d", name, l.maxZ, MaxZoom)
	case l.minZ > l.maxZ:
		return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: min zoom %d is above max zoom %d", name, l.minZ, l.maxZ)
	case opts.BufferPixels < 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: buffer %d tile units: want 0 or more", name, opts.BufferPixels)
	}

	types := map[string]string{}
	var world []orb.Geometry // full-detail world geometry, feature by feature
	var src []int            // the fc index of each feature
	for i, f := range fc.Features {
		if f == nil || f.Geometry == nil {
			continue
		}
		g, err := toWorld(f.Geometry)
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: feature %d: %v", name, i+1, err)
		}
		if g == nil {
			continue
		}
		b := f.Geometry.Bound()
		l.bound = l.bound.Union(b)
		wb := worldBound(b) // the projection is monotonic in each axis
		l.index.Insert([2]float64{wb.Min[0], wb.Min[1]}, [2]float64{wb.Max[0], wb.Max[1]}, int32(len(l.features)))

		tags, err := l.props.intern(f.Properties, types)
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: feature %d: %v", name, i+1, err)
		}
		id, hasID := featureID(f.ID)
		l.features = append(l.features, feature{tags: tags, id: id, hasID: hasID})
		world = append(world, g)
		src = append(src, i)
	}
	if len(l.features) == 0 {
		l.bound = orb.Bound{}
	}

	tolerance := opts.Tolerance
	if tolerance == nil {
		tolerance = func(maptile.Zoom) float64 { return DefaultToleranceUnits }
	}
	tols := make([]float64, int(l.maxZ-l.minZ)+1)
	for i := range tols {
		z := l.minZ + maptile.Zoom(i)
		t := tolerance(z)
		if t < 0 || math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "layer %s: simplification tolerance %v at zoom %d: want a finite number of tile units, 0 or more", name, t, z)
		}
		tols[i] = t / (Extent * math.Exp2(float64(z))) // tile units → world units
	}
	l.byZoom = simplifyZooms(world, tols, l.minZ, l.maxZ)
	if opts.Coalesce != nil {
		if err := l.coalesce(fc, src, world, opts.Coalesce, types); err != nil {
			return nil, err
		}
	}
	for k, t := range types {
		l.fields[k] = cmp.Or(opts.Fields[k], t)
	}
	if opts.ZoomFields != nil {
		l.keep = make([][]bool, len(l.byZoom))
		for zi := range l.keep {
			if fields := opts.ZoomFields(l.minZ + maptile.Zoom(zi)); fields != nil {
				l.keep[zi] = l.keepKeys(fields)
			}
		}
	}
	return l, nil
}

// coalesce merges the small features of each zoom that coalesce says to
// (LayerOptions.Coalesce), appending the merged features, indexed by their
// bounds at their zoom, after the input's.
func (l *Layer) coalesce(fc *geojson.FeatureCollection, src []int, world []orb.Geometry, coalesce func(maptile.Zoom) (CoalesceOptions, bool), types map[string]string) error {
	c := &coalescer{fc: fc, src: src, world: world}
	n := len(l.features)
	var all []merged
	for zi := range l.byZoom {
		z := l.minZ + maptile.Zoom(zi)
		opts, ok := coalesce(z)
		if !ok {
			continue
		}
		if !(opts.CellUnits > 0) {
			return placeplan.Errorf(placeplan.EINVALID, "layer %s: coalescing cells of %v tile units at zoom %d: want more than 0", l.name, opts.CellUnits, z)
		}
		ms := c.merge(z, opts, l.byZoom[zi])
		for _, m := range ms {
			rep := fc.Features[src[m.rep]]
			props := rep.Properties
			if opts.CountProperty != "" {
				props = maps.Clone(props)
				props[opts.CountProperty] = m.count
			}
			tags, err := l.props.intern(props, types)
			if err != nil {
				return placeplan.Errorf(placeplan.EINVALID, "layer %s: feature %d: %v", l.name, src[m.rep]+1, err)
			}
			wb := m.geom.Bound()
			l.index.Insert([2]float64{wb.Min[0], wb.Min[1]}, [2]float64{wb.Max[0], wb.Max[1]}, int32(len(l.features)))
			f := l.features[m.rep]
			f.tags = tags
			l.features = append(l.features, f)
		}
		all = append(all, ms...)
	}
	for zi, geoms := range l.byZoom {
		z := l.minZ + maptile.Zoom(zi)
		grown := make([]orb.Geometry, len(l.features))
		copy(grown, geoms)
		for j, m := range all {
			if m.z == z {
				grown[n+j] = m.geom
			}
		}
		l.byZoom[zi] = grown
	}
	return nil
}

// simplifyZooms simplifies every geometry once per tolerance (world units)
// for zooms minZ, minZ+1, …, polygons by their shared arcs (see
// topology), spreading the zoom levels over all but one of the available
// processors (at least one), so that a layer built while requests are
// served leaves them a processor.
func simplifyZooms(world []orb.Geometry, tols []float64, minZ, maxZ maptile.Zoom) [][]orb.Geometry {
	tp := newTopology(world, maxZ)
	out := make([][]orb.Geometry, len(tols))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(min(runtime.GOMAXPROCS(0)-1, len(tols)), 1) {
		wg.Go(func() {
			for zi := range work {
				out[zi] = tp.simplify(world, tols[zi], int(minZ)+zi)
			}
		})
	}
	// Lowest zooms (largest tolerances, fastest) last so the slow ones
	// start first.
	for zi := len(tols) - 1; zi >= 0; zi-- {
		work <- zi
	}
	close(work)
	wg.Wait()
	return out
}

// Name returns the layer's name, which is the MVT layer name and the
// TileJSON vector layer id.
func (l *Layer) Name() string { return l.name }

// Bounds returns the bounds of the layer's features in WGS84 (lon,lat
// degrees), or an empty bound when it has none.
func (l *Layer) Bounds() orb.Bound { return l.bound }

// Len returns the number of features indexed.
func (l *Layer) Len() int { return len(l.features) }

// ZoomRange returns the layer's minimum and maximum zoom levels.
func (l *Layer) ZoomRange() (minZoom, maxZoom maptile.Zoom) { return l.minZ, l.maxZ }

// Fields returns a copy of the layer's field descriptions for TileJSON:
// property name → description, or type when none was given.
func (l *Layer) Fields() map[string]string {
	out := make(map[string]string, len(l.fields))
	for k, v := range l.fields {
		out[k] = v
	}
	return out
}

// Web Mercator's latitude limit, degrees: the latitude at which the square
// world map ends.
const maxMercatorLatDeg = 85.05112877980659

// worldPoint projects a WGS84 lon,lat (degrees) to Web Mercator world
// coordinates in [0, 1], y down, with the same arithmetic as orb's
// encoding/mvt projection so tiles match it to the unit.
func worldPoint(p orb.Point) (orb.Point, error) {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return orb.Point{}, fmt.Errorf("coordinate %v is not a WGS84 lon,lat in degrees", p)
	}
	lat = math.Max(-maxMercatorLatDeg, math.Min(maxMercatorLatDeg, lat))
	siny := math.Sin(lat * math.Pi / 180.0)
	y := 0.5 + 0.5*math.Log((1.0+siny)/(1.0-siny))/(-2*math.Pi)
	return orb.Point{lon/360.0 + 0.5, y}, nil
}

// worldBound returns the world-coordinate bound of a WGS84 bound b (of
// valid coordinates): Web Mercator maps longitude to x and latitude to y,
// each monotonically, so the corners map to the corners (y runs south).
func worldBound(b orb.Bound) orb.Bound {
	lo, _ := worldPoint(orb.Point{b.Min[0], b.Max[1]})
	hi, _ := worldPoint(orb.Point{b.Max[0], b.Min[1]})
	return orb.Bound{Min: lo, Max: hi}
}

// toWorld returns a world-coordinate copy of g with polygon rings oriented
// for MVT, or nil when g has no coordinates.
func toWorld(g orb.Geometry) (orb.Geometry, error) {
	line := func(ls []orb.Point) ([]orb.Point, error) {
		out := make([]orb.Point, len(ls))
		for i, p := range ls {
			w, err := worldPoint(p)
			if err != nil {
				return nil, err
			}
			out[i] = w
		}
		return out, nil
	}
	polygon := func(p orb.Polygon) (orb.Polygon, error) {
		out := make(orb.Polygon, 0, len(p))
		for i, r := range p {
			w, err := line(r)
			if err != nil {
				return nil, err
			}
			if len(w) == 0 {
				continue
			}
			if w[0] != w[len(w)-1] {
				w = append(w, w[0]) // close the ring
			}
			// In y-down world coordinates a positive shoelace area is
			// clockwise on screen: MVT's exterior orientation.
			if a := signedArea(w); (i == 0) != (a > 0) && a != 0 {
				slices.Reverse(w)
			}
			out = append(out, orb.Ring(w))
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	switch g := g.(type) {
	case orb.Point:
		return worldPoint(g)
	case orb.MultiPoint:
		w, err := line(g)
		if err != nil || len(w) == 0 {
			return nil, err
		}
		return orb.MultiPoint(w), nil
	case orb.LineString:
		w, err := line(g)
		if err != nil || len(w) == 0 {
			return nil, err
		}
		return orb.LineString(w), nil
	case orb.MultiLineString:
		out := make(orb.MultiLineString, 0, len(g))
		for _, ls := range g {
			w, err := line(ls)
			if err != nil {
				return nil, err
			}
			if len(w) > 0 {
				out = append(out, w)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case orb.Ring:
		return toWorld(orb.Polygon{g})
	case orb.Polygon:
		p, err := polygon(g)
		if err != nil || p == nil {
			return nil, err
		}
		return p, nil
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, 0, len(g))
		for _, p := range g {
			w, err := polygon(p)
			if err != nil {
				return nil, err
			}
			if w != nil {
				out = append(out, w)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case orb.Bound:
		return toWorld(g.ToPolygon())
	case orb.Collection:
		return nil, fmt.Errorf("geometry collections cannot be encoded as vector tile features")
	}
	return nil, fmt.Errorf("unsupported geometry type %T", g)
}

// signedArea returns twice the shoelace area of a closed ring: positive
// when the ring turns anticlockwise in y-up axes (clockwise in y-down).
func signedArea(r []orb.Point) float64 {
	if len(r) < 4 {
		return 0
	}
	ox, oy := r[0][0], r[0][1]
	var a float64
	for i := 1; i < len(r)-1; i++ {
		a += (r[i][0]-ox)*(r[i+1][1]-oy) - (r[i+1][0]-ox)*(r[i][1]-oy)
	}
	return a
}
