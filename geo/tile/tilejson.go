package tile

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// TileJSONVersion is the TileJSON specification version TileJSON writes.
const TileJSONVersion = "3.0.0"

// TileJSONOptions holds the descriptive parts of a TileJSON document.
type TileJSONOptions struct {
	Name        string // a name for the tile set
	Description string // a longer description
	Attribution string // shown on the map, e.g. the data licences; may hold HTML
	Version     string // the tile set's version (semver), "" to omit
}

// VectorLayer describes one layer of a vector tile set in TileJSON.
type VectorLayer struct {
	ID               string            // the MVT layer name
	Description      string            // "" to omit
	Fields           map[string]string // property name → description or type
	MinZoom, MaxZoom int               // zoom range with features
}

// TileJSONDoc is a TileJSON 3.0.0 document describing a vector tile set. It
// is a plain value: Map gives the keys and values the specification names,
// for the caller to marshal as JSON.
type TileJSONDoc struct {
	TileJSON     string   // always TileJSONVersion
	Name         string   // "" to omit
	Description  string   // "" to omit
	Version      string   // "" to omit
	Attribution  string   // "" to omit
	Tiles        []string // URL templates with {z}, {x} and {y}
	VectorLayers []VectorLayer
	// Bounds is the extent of the data in WGS84 degrees: west, south,
	// east, north, within Web Mercator's latitude limits.
	Bounds [4]float64
	// Center is the default view: longitude and latitude (WGS84 degrees)
	// and zoom.
	Center           [3]float64
	MinZoom, MaxZoom int
}

// TileJSON describes layers, served at urlTemplate (an absolute URL with
// {z}, {x} and {y}, e.g. "https://example.org/tiles/lsoa/{z}/{x}/{y}.mvt"),
// as a TileJSON 3.0.0 document. Bounds are the union of the layers' bounds
// (the whole Web Mercator world when they have no features), the zoom
// range spans every layer's, and the centre is the middle of the bounds at
// the lowest zoom at which the bounds fit within about one tile, kept
// within the zoom range.
func TileJSON(layers []*Layer, urlTemplate string, opts TileJSONOptions) TileJSONDoc {
	d := TileJSONDoc{
		TileJSON:    TileJSONVersion,
		Name:        opts.Name,
		Description: opts.Description,
		Version:     opts.Version,
		Attribution: opts.Attribution,
		Tiles:       []string{urlTemplate},
	}
	var bound orb.Bound
	haveBound := false
	minZ, maxZ := maptile.Zoom(MaxZoom), maptile.Zoom(0)
	for _, l := range layers {
		if l == nil {
			continue
		}
		d.VectorLayers = append(d.VectorLayers, VectorLayer{
			ID: l.name, Description: l.description, Fields: l.Fields(),
			MinZoom: int(l.minZ), MaxZoom: int(l.maxZ),
		})
		minZ, maxZ = min(minZ, l.minZ), max(maxZ, l.maxZ)
		if l.Len() > 0 {
			if haveBound {
				bound = bound.Union(l.bound)
			} else {
				bound, haveBound = l.bound, true
			}
		}
	}
	if len(d.VectorLayers) == 0 {
		minZ, maxZ = 0, DefaultMaxZoom
	}
	if !haveBound {
		bound = orb.Bound{Min: orb.Point{-180, -maxMercatorLatDeg}, Max: orb.Point{180, maxMercatorLatDeg}}
	}
	bound.Min[1] = math.Max(bound.Min[1], -maxMercatorLatDeg)
	bound.Max[1] = math.Min(bound.Max[1], maxMercatorLatDeg)
	d.Bounds = [4]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}
	d.MinZoom, d.MaxZoom = int(minZ), int(maxZ)

	// The lowest zoom at which the bounds' larger side, in Web Mercator,
	// spans at most one tile.
	lo, _ := worldPoint(orb.Point{bound.Min[0], bound.Max[1]})
	hi, _ := worldPoint(orb.Point{bound.Max[0], bound.Min[1]})
	span := math.Max(hi[0]-lo[0], hi[1]-lo[1])
	z := 0
	if span > 0 {
		z = int(math.Floor(-math.Log2(span)))
	}
	z = min(max(z, d.MinZoom), d.MaxZoom)
	c := bound.Center()
	d.Center = [3]float64{c[0], c[1], float64(z)}
	return d
}

// Map returns the document as the TileJSON 3.0.0 object: the keys
// "tilejson", "tiles", "vector_layers" (each with "id", "fields",
// "minzoom", "maxzoom" and, when set, "description"), "bounds", "center",
// "minzoom", "maxzoom", "scheme" ("xyz") and, when set, "name",
// "description", "version" and "attribution".
func (d TileJSONDoc) Map() map[string]any {
	layers := make([]any, 0, len(d.VectorLayers))
	for _, l := range d.VectorLayers {
		fields := make(map[string]any, len(l.Fields))
		for k, v := range l.Fields {
			fields[k] = v
		}
		m := map[string]any{"id": l.ID, "fields": fields, "minzoom": l.MinZoom, "maxzoom": l.MaxZoom}
		if l.Description != "" {
			m["description"] = l.Description
		}
		layers = append(layers, m)
	}
	m := map[string]any{
		"tilejson":      d.TileJSON,
		"tiles":         slices.Clone(d.Tiles),
		"vector_layers": layers,
		"bounds":        d.Bounds[:],
		"center":        d.Center[:],
		"minzoom":       d.MinZoom,
		"maxzoom":       d.MaxZoom,
		"scheme":        "xyz",
	}
	for k, v := range map[string]string{"name": d.Name, "description": d.Description, "version": d.Version, "attribution": d.Attribution} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}
