package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"placeplan"
	"placeplan/scenario/tiles"
)

// TileSource gives one vector tile of the report's scenario: the layer's
// tile z/x/y as gzipped Mapbox Vector Tile bytes, nil when it has no
// features. ServiceTiles makes one of the tile service.
type TileSource func(ctx context.Context, layer string, t maptile.Tile) ([]byte, error)

// ServiceTiles is the tile service as a report's tile source: the tiles
// of scenario ref (areas with its need and plan, its catchments) and the
// basemap's districts and labels of geography geog, at the store's
// current revision.
func ServiceTiles(svc *tiles.Service, ref string, geog placeplan.Geography) TileSource {
	return func(ctx context.Context, layer string, t maptile.Tile) ([]byte, error) {
		req := tiles.TileRequest{Layer: layer, Tile: t, Revision: -1}
		switch layer {
		case tiles.LayerAreas:
			req.Scenario, req.Geography = ref, geog
		case tiles.LayerCatchments:
			req.Scenario = ref
		default:
			req.Geography = geog
		}
		return svc.Get(ctx, req)
	}
}

// pmtilesLayers are the layers a PMTiles archive of a plan holds: the
// scenario's areas (with its need and plan), its bases' catchments, and
// the basemap's districts and labels, merged into one tile per address.
func pmtilesLayers() []string { return []string{"areas", "catchments", "districts", "labels"} }

// The zooms of the archive: from a county on a screen to streets;
// MapLibre overzooms the last.
const (
	pmtilesMinZoom = 6
	pmtilesMaxZoom = 12
)

// WritePMTiles writes the plan's map layers over its small areas' extent
// as one PMTiles v3 archive (go-pmtiles encodes the header and
// directories) that any static host can serve: each tile the layers'
// tiles merged (an MVT tile is a list of layers, so their bytes
// concatenate), gzipped, in tile-id order.
func WritePMTiles(ctx context.Context, w io.Writer, r *Report, src TileSource, progress func(string)) error {
	bound, ok := r.extent()
	if !ok {
		return fmt.Errorf("pmtiles: the plan has no small areas with boundaries to draw")
	}
	var tiles []maptile.Tile
	for z := maptile.Zoom(pmtilesMinZoom); z <= pmtilesMaxZoom; z++ {
		lo := maptile.At(orb.Point{bound.Min[0], bound.Max[1]}, z)
		hi := maptile.At(orb.Point{bound.Max[0], bound.Min[1]}, z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				tiles = append(tiles, maptile.New(x, y, z))
			}
		}
	}
	type entry struct {
		id   uint64
		data []byte
	}
	var entries []entry
	for i, t := range tiles {
		if progress != nil && i%50 == 0 {
			progress(fmt.Sprintf("tile %d of %d", i+1, len(tiles)))
		}
		var raw bytes.Buffer
		for _, layer := range pmtilesLayers() {
			gz, err := src(ctx, layer, t)
			if err != nil {
				return fmt.Errorf("pmtiles: %s tile %d/%d/%d: %w", layer, t.Z, t.X, t.Y, err)
			}
			if len(gz) == 0 {
				continue
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				return fmt.Errorf("pmtiles: %s tile %d/%d/%d: %w", layer, t.Z, t.X, t.Y, err)
			}
			if _, err := io.Copy(&raw, zr); err != nil {
				return fmt.Errorf("pmtiles: %s tile %d/%d/%d: %w", layer, t.Z, t.X, t.Y, err)
			}
		}
		if raw.Len() == 0 {
			continue
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(raw.Bytes())
		if err := zw.Close(); err != nil {
			return fmt.Errorf("pmtiles: %w", err)
		}
		entries = append(entries, entry{pmtiles.ZxyToID(uint8(t.Z), t.X, t.Y), gz.Bytes()})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	dir := make([]pmtiles.EntryV3, len(entries))
	var offset uint64
	for i, e := range entries {
		dir[i] = pmtiles.EntryV3{TileID: e.id, Offset: offset, Length: uint32(len(e.data)), RunLength: 1}
		offset += uint64(len(e.data))
	}
	root, leaves, _ := pmtiles.BuildDirectories(dir, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(map[string]any{
		"name":        r.Paper.Title,
		"description": "placeplan map layers of " + r.Paper.Footer,
		"attribution": joinLines(r.Attribution),
		"vector_layers": func() []map[string]any {
			var out []map[string]any
			for _, l := range pmtilesLayers() {
				out = append(out, map[string]any{"id": l, "minzoom": pmtilesMinZoom, "maxzoom": pmtilesMaxZoom, "fields": map[string]string{}})
			}
			return out
		}(),
	}, pmtiles.Gzip)
	if err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	h := pmtiles.HeaderV3{
		SpecVersion:         3,
		RootOffset:          pmtiles.HeaderV3LenBytes,
		RootLength:          uint64(len(root)),
		AddressedTilesCount: uint64(len(entries)),
		TileEntriesCount:    uint64(len(entries)),
		TileContentsCount:   uint64(len(entries)),
		Clustered:           true,
		InternalCompression: pmtiles.Gzip,
		TileCompression:     pmtiles.Gzip,
		TileType:            pmtiles.Mvt,
		MinZoom:             pmtilesMinZoom,
		MaxZoom:             pmtilesMaxZoom,
		MinLonE7:            e7(bound.Min[0]),
		MinLatE7:            e7(bound.Min[1]),
		MaxLonE7:            e7(bound.Max[0]),
		MaxLatE7:            e7(bound.Max[1]),
		CenterZoom:          9,
		CenterLonE7:         e7(bound.Center()[0]),
		CenterLatE7:         e7(bound.Center()[1]),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = offset
	for _, part := range [][]byte{pmtiles.SerializeHeader(h), root, meta, leaves} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("pmtiles: write: %w", err)
		}
	}
	for _, e := range entries {
		if _, err := w.Write(e.data); err != nil {
			return fmt.Errorf("pmtiles: write: %w", err)
		}
	}
	return nil
}

func e7(deg float64) int32 { return int32(math.Round(deg * 1e7)) }

func joinLines(lines []string) string {
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			b.WriteString(" · ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// extent is the WGS84 bound of the report's small areas.
func (r *Report) extent() (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	for _, t := range r.Tables {
		if t.Name != "small_areas" {
			continue
		}
		for _, g := range t.Geometry {
			if g == nil {
				continue
			}
			if !ok {
				b, ok = g.Bound(), true
			} else {
				b = b.Union(g.Bound())
			}
		}
	}
	return b, ok
}
