package tiles

import (
	"context"
	"strconv"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan"
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
// HTTP route). At zooms 6 and 7, where a tile covers much of the country,
// the early tiles share one layer of their zoom over every area instead.
// Early tiles are not cached: once the layer is built, the cache fills
// from it.

// EarlyBandMaxZoom is the highest zoom whose early tiles come from a layer
// of that zoom alone over every area (earlyAreasBand): a tile at zoom 6 or
// 7 covers a large part of England, and the few tiles of a first view
// would each read and simplify most of it again; from zoom 8 a tile's own
// areas are a small share.
const EarlyBandMaxZoom = 7

// earlyAreasTile encodes tile t of the areas layer of geog at revision
// rev while that layer is being built, with the properties fields names
// (nil for all, already checked against areaFields): from the areas near
// it, or up to EarlyBandMaxZoom from a layer of its zoom alone. It
// returns nil for a tile with no features.
func (s *Service) earlyAreasTile(ctx context.Context, geog placeplan.Geography, rev int64, inds []placeplan.Indicator, t maptile.Tile, fields []string) ([]byte, error) {
	if geog == "" || t.Z < AreasMinZoom || t.Z > MaxZoom {
		return nil, nil
	}
	if t.Z <= EarlyBandMaxZoom {
		key := tileLayerID{name: LayerAreas, geog: geog}.String() + "/z" + strconv.Itoa(int(t.Z))
		l, _, err := s.early.Get(ctx, key, rev, func(ctx context.Context) (*tile.Layer, error) {
			return s.earlyAreasBand(ctx, geog, t.Z)
		})
		if err != nil {
			return nil, err
		}
		raw, _, err := tile.Encode([]*tile.Layer{l}, t, tile.EncodeOptions{Fields: fields})
		return raw, err
	}
	b := tile.SubsetBound(t, tile.DefaultBufferPixels, areasCellUnits)
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Bound: &b, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	if t.Z < AreasDetailMinZoom {
		return encodeAreasTile(overviewFeatures(areas), t, fields)
	}
	values, err := ValuesOf(ctx, s.store, geog, inds, areas)
	if err != nil {
		return nil, err
	}
	return encodeAreasTile(s.areaFeatures(areas, inds, values), t, fields)
}

// ValuesOf reads the values of inds for areas in one call to st, aligned
// with inds and keyed by area code: what AreaProperties takes, for a
// tile's or a page's areas.
func ValuesOf(ctx context.Context, st interface {
	ValuesOfAreas(ctx context.Context, geog placeplan.Geography, codes []string) (map[string]map[string]float64, error)
}, geog placeplan.Geography, inds []placeplan.Indicator, areas []placeplan.Area) ([]map[string]float64, error) {
	codes := make([]string, len(areas))
	for i, a := range areas {
		codes[i] = a.Code
	}
	byKey, err := st.ValuesOfAreas(ctx, geog, codes)
	if err != nil {
		return nil, err
	}
	values := make([]map[string]float64, len(inds))
	for i, ind := range inds {
		if values[i] = byKey[ind.Key]; values[i] == nil {
			values[i] = map[string]float64{}
		}
	}
	return values, nil
}

// overviewFeatures are areas as features with only the properties of the
// areas layer's overview zooms, which carry no indicator.
func overviewFeatures(areas []placeplan.Area) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		f := geojson.NewFeature(a.Geometry)
		f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "lad_code": a.LADCode, "lad_name": a.LADName}
		fc.Append(f)
	}
	return fc
}

// earlyAreasBand builds the areas layer of geog at zoom z alone, from
// every area: what the built layer holds at that zoom.
func (s *Service) earlyAreasBand(ctx context.Context, geog placeplan.Geography, z maptile.Zoom) (*tile.Layer, error) {
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	opts := areaLayerOptions(areasOverviewOf(), nil, "")
	opts.MinZoom, opts.MaxZoom = z, z
	return tile.NewLayer(LayerAreas, overviewFeatures(areas), opts)
}

// encodeAreasTile encodes tile t from a layer of fc alone, of t's zoom,
// with the areas layer's options.
func encodeAreasTile(fc *geojson.FeatureCollection, t maptile.Tile, fields []string) ([]byte, error) {
	opts := areaLayerOptions(areasOverviewOf(), nil, "")
	opts.MinZoom, opts.MaxZoom = t.Z, t.Z
	l, err := tile.NewLayer(LayerAreas, fc, opts)
	if err != nil {
		return nil, err
	}
	raw, _, err := tile.Encode([]*tile.Layer{l}, t, tile.EncodeOptions{Fields: fields})
	return raw, err
}
