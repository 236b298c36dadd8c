package tiles

import (
	"context"
	"slices"
	"strings"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo/tile"
)

// TileRequest names one vector tile, in the manner of go-pmtiles'
// Server.Get: what the HTTP route, a tile export or a test asks the tile
// layers for, with no transport in it.
type TileRequest struct {
	// Layer is a tile layer name: areas, localities, sites, Catchments,
	// districts or labels.
	Layer string
	// Geography is that of the areas, localities, districts and labels;
	// "" for the default (the one geography loaded, else LSOA 2011).
	Geography placeplan.Geography
	// Scenario is a scenario reference (id, id@revision or a shipped id)
	// for the areas, which then carry its need and plan, and the
	// Catchments, which need one.
	Scenario string
	// Fields names the properties to keep, nil for every one (an empty,
	// non-nil list keeps none); each must be one the layer's features may
	// carry (its TileJSON's fields).
	Fields []string
	Tile   maptile.Tile
	// Revision is the data revision to answer at, read before any data
	// (the one an ETag names); a negative one reads the store's.
	Revision int64
}

// Get returns the tile req names as gzipped MVT, or nil for a tile with
// no features. A bad request is an error with a placeplan code: not found
// for an unknown layer, invalid for a bad tile address, geography,
// scenario or field. The HTTP tile route only parses, calls it and writes.
func (s *Service) Get(ctx context.Context, req TileRequest) ([]byte, error) {
	gz, _, err := s.GetWithRaw(ctx, req)
	return gz, err
}

// GetWithRaw is Get, also returning the tile before compression when it
// encoded it (nil when it came from a cache or the store), so that a
// client that does not accept gzip is not sent it decompressed again.
//
// Before the layer is built, a tile comes from the memory cache, then the
// store's persisted tiles, then, for the areas, the early path
// (earlyAreasTile); other layers wait for their build. Once it is built:
// the memory cache, the persisted tiles, then the layer.
func (s *Service) GetWithRaw(ctx context.Context, req TileRequest) (gz, raw []byte, err error) {
	name, t := req.Layer, req.Tile
	if !slices.Contains(LayerNames(), name) {
		return nil, nil, notFoundf("no tile layer %q: want %s", name, strings.Join(LayerNames(), ", "))
	}
	if t.Z > tile.MaxZoom || !t.Valid() {
		return nil, nil, invalidf("no tile %d/%d/%d", t.Z, t.X, t.Y)
	}
	rev := req.Revision
	if rev < 0 {
		if rev, err = s.store.Revision(ctx); err != nil {
			return nil, nil, err
		}
	}
	id, cat, err := s.tileLayerIDAt(ctx, name, req.Geography, req.Scenario, rev)
	if err != nil {
		return nil, nil, err
	}
	var fields []string
	if req.Fields != nil {
		fields = FieldNames(strings.Join(req.Fields, ","))
	}
	fkey := fieldsKey(fields)
	tl, err := s.tileLayerIfBuilt(ctx, id, rev, cat)
	if err != nil {
		return nil, nil, err
	}
	if tl == nil && s.persistable(id, t) {
		// The store holds only tiles of filters the layer allowed at
		// this revision: no need to check the fields first.
		key := tile.CacheKey{Layer: id.String(), Revision: rev, Fields: fkey, Z: uint32(t.Z), X: t.X, Y: t.Y}
		if gz, ok := s.cache.Get(key); ok {
			return gz, nil, nil
		}
		if gz, ok := s.storedTile(ctx, id, rev, fkey, t, key); ok {
			return gz, nil, nil
		}
		s.persist.noteRequest(s.persistedLayer(id), fkey)
	}
	if tl == nil && id.name == LayerAreas && id.scenario == "" {
		return s.earlyTile(ctx, id.geog, rev, t, fields)
	}
	if tl == nil {
		if tl, err = s.tileLayerOf(ctx, id, rev, cat); err != nil {
			return nil, nil, err
		}
	}
	if err := checkTileFields(fields, name, tl.fields); err != nil {
		return nil, nil, err
	}
	key := tileCacheKey(tl, t, fields)
	if gz, ok := s.cache.Get(key); ok {
		return gz, nil, nil
	}
	if s.persistable(tl.id, t) {
		if gz, ok := s.storedTile(ctx, tl.id, tl.rev, key.Fields, t, key); ok {
			return gz, nil, nil
		}
		if s.persist.noteRequest(s.persistedLayer(tl.id), key.Fields) {
			s.persistInBackground(tl, key.Fields, fields)
		}
	}
	if gz, raw, err = encodeLayerTile(tl, t, fields); err != nil {
		return nil, nil, err
	}
	s.cache.Put(key, gz) // nil: an empty tile, cached too
	return gz, raw, nil
}

// earlyTile answers tile t of the areas layer of geog while that layer is
// being built, from the areas near the tile (earlyAreasTile), checking
// fields against the same field list. It is not cached.
func (s *Service) earlyTile(ctx context.Context, geog placeplan.Geography, rev int64, t maptile.Tile, fields []string) (gz, raw []byte, err error) {
	s.earlyBegins()
	defer s.earlyEnds()
	var inds []placeplan.Indicator
	if geog != "" {
		if inds, err = s.store.Indicators(ctx, geog); err != nil {
			return nil, nil, err
		}
	}
	if err := checkTileFields(fields, LayerAreas, areaFields(inds)); err != nil {
		return nil, nil, err
	}
	if raw, err = s.earlyAreasTile(ctx, geog, rev, inds, t, fields); err != nil {
		return nil, nil, err
	}
	s.metrics.EarlyTile(LayerAreas)
	if raw == nil {
		return nil, nil, nil
	}
	if gz, err = gzipTile(raw); err != nil {
		return nil, nil, err
	}
	return gz, raw, nil
}

// encodeLayerTile encodes tile t of tl with the properties fields names
// (nil for all), and returns it gzipped and as encoded, both nil for a
// tile with no features: what the cache, the store's persisted tiles and
// the client are given.
func encodeLayerTile(tl *tileLayer, t maptile.Tile, fields []string) (gz, raw []byte, err error) {
	band := tl.band(t.Z)
	if band == nil {
		return nil, nil, nil
	}
	if raw, _, err = tile.Encode([]*tile.Layer{band}, t, tile.EncodeOptions{Fields: fields}); err != nil || raw == nil {
		return nil, nil, err
	}
	if gz, err = gzipTile(raw); err != nil {
		return nil, nil, err
	}
	return gz, raw, nil
}
