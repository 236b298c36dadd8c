package tile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"slices"

	"github.com/paulmach/orb/maptile"

	"placeplan"
)

// EncodeOptions configures Encode.
type EncodeOptions struct {
	// Gzip compresses the tile with gzip, as tiles are usually stored and
	// as HTTP clients accept with Content-Encoding: gzip.
	Gzip bool
	// Fields, when not nil, are the only property names written: other
	// properties are left out of every layer's features (names no layer
	// has are ignored; the caller checks them). Nil writes every property;
	// an empty, non-nil slice writes none.
	Fields []string
}

// Encode builds the Mapbox Vector Tile (MVT 2.1, layer version 2, extent
// 4096) of tile t from layers, in the order given, and returns its bytes and
// the number of features it holds. A layer contributes only at zoom levels
// within its range and only when it has features in the tile. When no
// layer has any feature in the tile Encode returns nil, 0 and no error, so
// that the caller can answer "204 No Content".
//
// For each layer, Encode selects the features whose bounds meet the tile
// expanded by the layer's buffer, takes their geometry as simplified for
// zoom t.Z, scales it to integer tile coordinates (as orb's encoding/mvt
// does), clips what crosses the buffered tile's edge, drops repeated
// points, degenerate rings and polygons under MinPolygonAreaUnits, makes
// each polygonal feature valid (OGC simple features) on the integer grid
// where snapping pinched, folded or crossed its rings (see valid.go), and
// writes the protocol buffer directly, with the properties interned by
// NewLayer: features keep their NewLayer order and their properties are
// sorted by name. The result is exactly as long as its capacity, so a
// byte-bounded cache counts what it holds. Encode does not modify the
// layers and may be called concurrently. Errors have code
// placeplan.EINVALID for a bad tile or layer list.
func Encode(layers []*Layer, t maptile.Tile, opts EncodeOptions) ([]byte, int, error) {
	if t.Z > MaxZoom || !t.Valid() {
		return nil, 0, placeplan.Errorf(placeplan.EINVALID, "tile %d/%d/%d does not exist: want zoom 0 to %d and x, y below 2^zoom", t.Z, t.X, t.Y, MaxZoom)
	}
	for i, l := range layers {
		if l == nil {
			return nil, 0, placeplan.Errorf(placeplan.EINVALID, "layer %d is nil", i+1)
		}
		if slices.ContainsFunc(layers[:i], func(o *Layer) bool { return o.name == l.name }) {
			return nil, 0, placeplan.Errorf(placeplan.EINVALID, "two layers are called %q: vector tile layer names must be unique", l.name)
		}
	}
	type part struct {
		l *Layer
		s *scratch
	}
	parts := make([]part, 0, len(layers))
	defer func() {
		for _, p := range parts {
			p.l.scratch.Put(p.s)
		}
	}()
	total, size := 0, 0
	for _, l := range layers {
		if t.Z < l.minZ || t.Z > l.maxZ {
			continue
		}
		s := l.getScratch()
		parts = append(parts, part{l, s})
		if n := l.encodeLayer(s, t, l.tileKeep(t.Z, opts.Fields)); n > 0 {
			total += n
			ls := s.layerSize(l.name, &l.props)
			size += 1 + varintLen(uint64(ls)) + ls
		}
	}
	if total == 0 {
		return nil, 0, nil
	}
	b := make([]byte, 0, size)
	for _, p := range parts {
		if p.s.count > 0 {
			b = p.s.appendLayer(b, p.l.name, &p.l.props)
		}
	}
	if opts.Gzip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(b); err != nil {
			return nil, 0, placeplan.Wrap(placeplan.EINTERNAL, err, "compress tile %d/%d/%d", t.Z, t.X, t.Y)
		}
		if err := zw.Close(); err != nil {
			return nil, 0, placeplan.Wrap(placeplan.EINTERNAL, err, "compress tile %d/%d/%d", t.Z, t.X, t.Y)
		}
		b = bytes.Clone(buf.Bytes())
	}
	return b, total, nil
}

// tileKeep returns which of l's property keys, by index, a tile of zoom z
// writes: those of the zoom (LayerOptions.ZoomFields) among fields, or
// nil for every key.
func (l *Layer) tileKeep(z maptile.Zoom, fields []string) []bool {
	var zoom []bool
	if l.keep != nil {
		zoom = l.keep[z-l.minZ]
	}
	asked := l.keepKeys(fields)
	switch {
	case zoom == nil:
		return asked
	case asked == nil:
		return zoom
	}
	for k := range asked {
		asked[k] = asked[k] && zoom[k]
	}
	return asked
}

// keepKeys returns which of l's property keys, by index, are among fields,
// or nil (every key) when fields is nil.
func (l *Layer) keepKeys(fields []string) []bool {
	if fields == nil {
		return nil
	}
	keep := make([]bool, len(l.props.keys))
	for _, f := range fields {
		if k, ok := l.props.keyIdx[f]; ok {
			keep[k] = true
		}
	}
	return keep
}

// String returns the layer's name, feature count and zoom range.
func (l *Layer) String() string {
	return fmt.Sprintf("tile layer %s: %d features, zoom %d–%d", l.name, len(l.features), l.minZ, l.maxZ)
}
