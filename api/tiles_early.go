package api

import (
	"context"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/data"
	"placeplan/geo/tile"
)

// The first tiles after a start or an ingest. Building the areas layer of
// England (reading 32,844 boundaries and every indicator, projecting,
// finding shared arcs, simplifying for nine zooms, merging small areas)
// takes a few seconds; a map cannot wait that long for its first tile.
// So while the layer is being built, an areas tile is encoded from the
// areas near it alone: those whose bounds meet tile.SubsetBound, read
// from the store's bounding boxes, built into a layer of that one zoom
// with the same options. geo/tile guarantees such a tile is the one the
// whole layer gives (TestEarlyTilesAreTheTiles checks it through the
// handler). It is not cached: once the layer is built, the cache fills
// from it.

// earlyAreasTile encodes tile t of the areas layer of geog at the current
// revision from the areas near it, with the properties fields names (nil
// for all, already checked against areaFields). It returns nil for a tile
// with no features.
func (s *Server) earlyAreasTile(ctx context.Context, geog placeplan.Geography, inds []placeplan.Indicator, t maptile.Tile, fields []string) ([]byte, error) {
	if geog == "" || t.Z < areasMinZoom || t.Z > tileMaxZoom {
		return nil, nil
	}
	b := tile.SubsetBound(t, tile.DefaultBufferPixels, areasCellUnits)
	areas, err := s.store.Areas(ctx, data.AreaQuery{Geography: geog, Bound: &b, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	var values []map[string]float64
	if t.Z < areasDetailMinZoom {
		inds = nil // the overview zooms carry no indicator
	} else {
		values = make([]map[string]float64, len(inds))
		for i := range values {
			values[i] = make(map[string]float64, len(areas))
		}
		index := make(map[string]int, len(inds))
		for i, ind := range inds {
			index[ind.Key] = i
		}
		for _, a := range areas {
			vs, err := s.store.AreaValues(ctx, geog, a.Code)
			if err != nil {
				return nil, err
			}
			for k, v := range vs {
				if i, ok := index[k]; ok {
					values[i][a.Code] = v
				}
			}
		}
	}
	opts := areaLayerOptions(areasOverviewOf(), nil, "")
	opts.MinZoom, opts.MaxZoom = t.Z, t.Z
	l, err := tile.NewLayer(tileAreas, s.areaFeatures(areas, inds, values), opts)
	if err != nil {
		return nil, err
	}
	raw, _, err := tile.Encode([]*tile.Layer{l}, t, tile.EncodeOptions{Fields: fields})
	return raw, err
}
