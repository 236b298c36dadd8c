package tiles

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo/tile"
)

// Persisted tiles. The low zooms of the areas layer cover most of England
// in a few tiles: an early tile there reads and simplifies every area
// (earlyAreasBand) and takes over a second, and the basemap's layers have
// no early path at all (a first tile waits for the dissolve of every
// district). So the tiles of those zooms are encoded once per data
// revision and kept in the store, as an MBTiles file keeps them: after a
// built layer's warm-up (persistLayer) and at the end of an ingest
// (PersistTiles), for the unfiltered properties and for every fields=
// filter asked for at those zooms. A tile request looks in the memory
// cache, then in the store, then builds; a stored tile is the one the
// built layer gives, byte for byte (TestPersistedTilesAreTheTiles), and is
// keyed by the data revision it was encoded at, so it is never served for
// another.

// TileStore is what persisted tiles need of the store; *data.Store has it
// (data/interfaces_test.go checks).
// A store without it (a test double) serves tiles without persisting them.
type TileStore interface {
	Tile(ctx context.Context, k tile.CacheKey) ([]byte, bool, error)
	TileSets(ctx context.Context, layer string) ([]tile.StoredSet, error)
	PutTileSet(ctx context.Context, set tile.StoredSet, tiles []tile.Stored) error
}

// persistedZooms returns the zooms of a tile layer whose tiles are
// persisted, and false for a layer none of whose tiles are. The zooms
// are those whose first tile, encoded without the built layer, takes more
// than about 300 ms on England (docs/BENCHMARKS.md): the areas' overview
// zooms, 6 to 10 (zooms 6 and 7 read every area; at 9 and 10 the early
// tile over London reads thousands, 200 ms on a quiet machine and over
// 500 ms on a busy one), and every zoom of the basemap layers, which have
// no early path and wait for the dissolve of every district.
func persistedZooms(name string) (lo, hi maptile.Zoom, ok bool) {
	switch name {
	case LayerAreas:
		return AreasMinZoom, AreasPersistMaxZoom, true
	case LayerDistricts, LayerLabels:
		return BasemapMinZoom, basemapPersistMaxZoom, true
	}
	return 0, 0, false
}

// The highest persisted zooms (persistedZooms). The areas' stays below
// AreasDetailMinZoom, where they carry no indicator value, so no persisted
// tile holds a value that small-number suppression could withhold; the
// stored layer name names the suppression all the same (persistedLayer).
// The basemap layers carry no values.
const (
	AreasPersistMaxZoom   = AreasDetailMinZoom - 1
	basemapPersistMaxZoom = MaxZoom
)

// WebMapAreaFields is the fields= filter the web map asks the areas tiles
// for (frontend/src/map/style.ts, AREA_FIELDS), persisted from the first
// ingest on, before any map has asked for it.
const WebMapAreaFields = "area_count,code,lad_name,name"

// persistedLayer returns the layer name under which a layer's tiles are
// persisted: its id and, for the areas, the suppression threshold they
// were encoded under, so that a server with another --suppress-below
// never reads them.
func (s *Service) persistedLayer(id tileLayerID) string {
	if id.name != LayerAreas {
		return id.String()
	}
	return id.String() + "/suppress-below-" + strconv.FormatFloat(s.policy.Disclosure.MinCount, 'g', -1, 64)
}

// persistable reports whether tile t of layer id may be persisted: not a
// scenario's, at a persisted zoom, over a store that keeps tiles.
func (s *Service) persistable(id tileLayerID, t maptile.Tile) bool {
	lo, hi, ok := persistedZooms(id.name)
	return ok && id.scenario == "" && id.geog != "" && t.Z >= lo && t.Z <= hi && s.tiles != nil
}

// fieldsKey returns the cache key's form of a fields filter (nil for
// none): "", else "fields=" and the names as FieldNames sorts them
// (tileCacheKey).
func fieldsKey(fields []string) string {
	if fields == nil {
		return ""
	}
	return "fields=" + strings.Join(fields, ",")
}

// storedTile returns the persisted tile t of layer id at revision rev with
// the filter fkey, if the store holds it, and keeps it in the memory
// cache under key. A failure to read is logged and counts as a miss:
// the tile is then built.
func (s *Service) storedTile(ctx context.Context, id tileLayerID, rev int64, fkey string, t maptile.Tile, key tile.CacheKey) ([]byte, bool) {
	if !s.persistable(id, t) {
		return nil, false
	}
	k := tile.CacheKey{Layer: s.persistedLayer(id), Revision: rev, Fields: fkey, Z: uint32(t.Z), X: t.X, Y: t.Y}
	gz, ok, err := s.tiles.Tile(ctx, k)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Warn("read persisted tile", slog.Any("err", err))
		}
		return nil, false
	}
	if !ok {
		return nil, false
	}
	if len(gz) == 0 {
		gz = nil // as the cache holds an empty tile
	}
	s.cache.Put(key, gz)
	s.metrics.PersistedTile(id.name)
	return gz, true
}

// persister keeps the fields= filters asked for at persisted zooms, by
// stored layer name, and encodes and stores one layer's tiles at a time.
type persister struct {
	mu        sync.Mutex
	requested map[string]map[string]bool // stored layer → fields keys asked for
	inFlight  map[string]bool            // "layer|rev|fields" being persisted
	encode    sync.Mutex                 // one set of tiles encoded at a time
	wg        sync.WaitGroup             // persists in the background
}

// maxRequestedFilters bounds the filters noted per layer: a client may
// send any fields= it likes, and a map asks for one or two.
const maxRequestedFilters = 16

// noteRequest records that a tile of layer (a stored layer name) was asked
// for with the filter fkey at a persisted zoom, and reports whether the
// filter is new (and was noted: at most maxRequestedFilters are).
func (p *persister) noteRequest(layer, fkey string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.requested == nil {
		p.requested = map[string]map[string]bool{}
	}
	if p.requested[layer] == nil {
		p.requested[layer] = map[string]bool{}
	}
	if p.requested[layer][fkey] || len(p.requested[layer]) >= maxRequestedFilters {
		return false
	}
	p.requested[layer][fkey] = true
	return true
}

// requestedKeys returns the filters asked for of layer, sorted.
func (p *persister) requestedKeys(layer string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for k := range p.requested[layer] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// begin marks the set (layer, rev, fkey) in flight and reports false when
// it already was.
func (p *persister) begin(set string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inFlight[set] {
		return false
	}
	if p.inFlight == nil {
		p.inFlight = map[string]bool{}
	}
	p.inFlight[set] = true
	return true
}

func (p *persister) end(set string) {
	p.mu.Lock()
	delete(p.inFlight, set)
	p.mu.Unlock()
}

// PersistProgress reports the persisting of one set of tiles: the stored
// layer name, its fields filter ("" for every property), and how many of
// its tiles are done of how many.
type PersistProgress func(layer, fields string, done, total int)

// PersistTiles builds the tile layers a web map asks for first (areas,
// districts and labels of the default geography, as the warm-up does) at
// the store's current revision and stores their persisted zooms
// (persistedZooms) for every properties filter worth keeping
// (persistFilters), so that a server started next answers its first tiles
// from the store. An ingest calls it once committed; progress, when not
// nil, is told of each set. It returns the first error; the tiles stored
// before it stay stored.
func (s *Service) PersistTiles(ctx context.Context, progress PersistProgress) error {
	if s.tiles == nil || s.readOnly {
		return nil
	}
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return fmt.Errorf("persist tiles: read data revision: %w", err)
	}
	cat, err := s.tileCatalog(ctx, rev)
	if err != nil {
		return fmt.Errorf("persist tiles: %w", err)
	}
	geog, _ := LayerGeography("", cat.geographies) // "" never fails
	if geog == "" {
		return nil
	}
	for _, name := range WarmLayers() {
		id := tileLayerID{name: name, geog: geog}
		tl, _, err := s.layers.Get(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
			return s.buildTileLayer(ctx, id, rev, cat)
		})
		if err != nil {
			return fmt.Errorf("persist tiles: %w", err)
		}
		if err := s.persistLayer(ctx, tl, progress); err != nil {
			return err
		}
	}
	return nil
}

// persistFilters returns the fields keys whose tiles of tl are persisted:
// every property (""), the web map's filter for the areas, every filter
// stored for the layer at any revision and every one asked for since the
// server started — those tl's fields allow, with the filter itself.
func (s *Service) persistFilters(ctx context.Context, tl *tileLayer) ([]string, map[string][]string, error) {
	layer := s.persistedLayer(tl.id)
	keys := []string{""}
	if tl.id.name == LayerAreas {
		keys = append(keys, "fields="+WebMapAreaFields)
	}
	sets, err := s.tiles.TileSets(ctx, layer)
	if err != nil {
		return nil, nil, fmt.Errorf("persist tiles of %s: %w", layer, err)
	}
	for _, set := range sets {
		keys = append(keys, set.Fields)
	}
	keys = append(keys, s.persist.requestedKeys(layer)...)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	out := keys[:0]
	filters := map[string][]string{}
	for _, k := range keys {
		var fields []string
		if f, ok := strings.CutPrefix(k, "fields="); ok {
			fields = FieldNames(f)
		}
		if checkTileFields(fields, tl.id.name, tl.fields) != nil || fieldsKey(fields) != k {
			continue // a filter of older data this layer no longer has
		}
		filters[k] = fields
		out = append(out, k)
	}
	return out, filters, nil
}

// persistLayer stores the persisted zooms of tl for every filter of
// persistFilters not yet stored at tl's revision, each filter's tiles in
// one batch (so a set is stored whole or not at all).
func (s *Service) persistLayer(ctx context.Context, tl *tileLayer, progress PersistProgress) error {
	if _, _, ok := persistedZooms(tl.id.name); !ok || s.tiles == nil || s.readOnly || tl.id.scenario != "" || tl.id.geog == "" {
		return nil
	}
	keys, filters, err := s.persistFilters(ctx, tl)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.persistSet(ctx, tl, k, filters[k], progress); err != nil {
			return err
		}
	}
	return nil
}

// persistSet encodes and stores the persisted zooms of tl with the
// properties fields names (nil for all; fkey is its key), unless the
// store holds them at tl's revision or another call is storing them.
func (s *Service) persistSet(ctx context.Context, tl *tileLayer, fkey string, fields []string, progress PersistProgress) error {
	p := &s.persist
	layer := s.persistedLayer(tl.id)
	set := layer + "|" + strconv.FormatInt(tl.rev, 10) + "|" + fkey
	if !p.begin(set) {
		return nil
	}
	defer p.end(set)
	p.encode.Lock()
	defer p.encode.Unlock()
	sets, err := s.tiles.TileSets(ctx, layer)
	if err != nil {
		return fmt.Errorf("persist tiles of %s: %w", layer, err)
	}
	for _, have := range sets {
		if have.Revision == tl.rev && have.Fields == fkey {
			return nil
		}
	}
	lo, hi, _ := persistedZooms(tl.id.name)
	tiles := persistedTiles(tl)
	var batch []tile.Stored
	for i, t := range tiles {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("persist tiles of %s: %w", layer, err)
			}
			s.settle(ctx) // early tiles of a first view first
		}
		gz, _, err := encodeLayerTile(tl, t, fields)
		if err != nil {
			return fmt.Errorf("persist tiles of %s: %w", layer, err)
		}
		if gz != nil { // a tile of the set without a row is empty
			batch = append(batch, tile.Stored{
				Key:  tile.CacheKey{Layer: layer, Revision: tl.rev, Fields: fkey, Z: uint32(t.Z), X: t.X, Y: t.Y},
				Data: gz,
			})
		}
		if progress != nil && ((i+1)%1024 == 0 || i+1 == len(tiles)) {
			progress(layer, fkey, i+1, len(tiles))
		}
	}
	ts := tile.StoredSet{Layer: layer, Revision: tl.rev, Fields: fkey, MinZoom: uint32(lo), MaxZoom: uint32(hi)}
	if err := s.tiles.PutTileSet(ctx, ts, batch); err != nil {
		return fmt.Errorf("persist tiles of %s: %w", layer, err)
	}
	return nil
}

// persistedTiles returns the tiles of tl's persisted zooms that may hold
// a feature, by zoom, then x, then y: those meeting the bounds of its
// features and a tile around them, which a feature's buffer may reach.
// Every other tile of those zooms is empty.
func persistedTiles(tl *tileLayer) []maptile.Tile {
	lo, hi, _ := persistedZooms(tl.id.name)
	var out []maptile.Tile
	for z := lo; z <= hi; z++ {
		band := tl.band(z)
		if band == nil || band.Len() == 0 {
			continue
		}
		b := band.Bounds()
		nw, se := maptile.At(b.LeftTop(), z), maptile.At(b.RightBottom(), z)
		last := uint32(1)<<z - 1
		for x := max(nw.X, 1) - 1; x <= min(se.X+1, last); x++ {
			for y := max(nw.Y, 1) - 1; y <= min(se.Y+1, last); y++ {
				out = append(out, maptile.New(x, y, z))
			}
		}
	}
	return out
}

// persistInBackground persists tl's tiles with the filter fkey (fields
// its names) after a request first asked for it at a persisted zoom,
// logging a failure: nothing waits for it.
func (s *Service) persistInBackground(tl *tileLayer, fkey string, fields []string) {
	if s.readOnly {
		return
	}
	ctx := s.persistCtx()
	p := &s.persist
	p.wg.Go(func() {
		if err := s.persistSet(ctx, tl, fkey, fields, nil); err != nil && ctx.Err() == nil {
			s.logger.Warn("persist tiles", slog.Any("err", err))
		}
	})
}

// PersistedTiles returns the tiles of the persisted zooms of layer name of
// geography geog at revision rev (or later) that may hold a feature, by
// zoom, then x, then y: those PersistTiles stores (every other tile of
// those zooms is empty), none for a layer not persisted. It waits for the
// layer to be built.
func (s *Service) PersistedTiles(ctx context.Context, name string, geog placeplan.Geography, rev int64) ([]maptile.Tile, error) {
	if _, _, ok := persistedZooms(name); !ok {
		return nil, nil
	}
	id, cat, err := s.tileLayerIDAt(ctx, name, geog, "", rev)
	if err != nil {
		return nil, err
	}
	tl, err := s.tileLayerOf(ctx, id, rev, cat)
	if err != nil {
		return nil, err
	}
	return persistedTiles(tl), nil
}
