package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo/tile"
	"placeplan/internal/revcache"
)

// The vector tile layers, by the name in their URLs, which is also their
// MVT layer name and TileJSON vector layer id. With ?scenario=, areas are
// the scenario's areas with its need and plan, and catchments (which needs
// a scenario, see handle_tiles_scenario.go) its sites' catchments.
const (
	tileAreas      = "areas"      // small areas of one geography, with every indicator
	tileLocalities = "localities" // localities of one geography, as the union of their member areas
	tileSites      = "sites"      // every point layer, each point naming its layer
)

// tileLayerNames lists the tile layers in a fixed order.
func tileLayerNames() []string {
	return []string{tileAreas, tileLocalities, tileSites, tileCatchments, tileDistricts, tileLabels}
}

// warmTileLayers are the layers warmTiles builds at start, in order: the
// ones a web map asks for first.
func warmTileLayers() []string { return []string{tileAreas, tileDistricts, tileLabels} }

// tileState holds what the vector-tile routes share: the tile layers, built
// lazily from the store once per data revision, the catalogue of what is
// loaded at that revision, the encoded-tile cache keyed by revision, and —
// because the Server has no field of its own for them — the server's
// metrics.
type tileState struct {
	cache    *tile.Cache
	catalog  revcache.Cache[string, *tileCatalog] // one entry, key ""
	layers   revcache.Cache[string, *tileLayer]   // by tileLayerID.String()
	outlines revcache.Cache[string, *outlines]    // districts and localities dissolved, by geography
	early    revcache.Cache[string, *tile.Layer]  // one-zoom areas layers for early tiles (earlyAreasTile)
	metrics  *serverMetrics
	store    tileStore // the store's persisted tiles; nil when it keeps none
	persist  persister // the sets of tiles being persisted, and the filters asked for

	mu         sync.Mutex
	maxRev     int64              // the newest revision seen; older tiles have been purged
	stopWarmUp context.CancelFunc // ends warmTiles and persisting, nil when none runs
	bgCtx      context.Context    // the context of background persisting, until Shutdown
	stopBg     context.CancelFunc

	// Early tiles in flight and the time (Unix nanoseconds) the last one
	// began or ended, or the server started: layer builds wait for them
	// to settle (see settle).
	earlyInFlight atomic.Int32
	lastEarly     atomic.Int64
}

// Layer builds are background work that a start, a new revision or a
// first request sets off, and on a machine of two processors they would
// take one from the early tiles a map is waiting for. So a build first
// waits until no early tile has been in flight for earlyQuiet (or the
// server started that long ago), and at most earlyMaxWait: the first view
// is answered first, then the layer is built.
const (
	earlyQuiet   = 200 * time.Millisecond
	earlyMaxWait = 3 * time.Second
)

// settle waits, until ctx ends, for early tiles to settle (see earlyQuiet).
func (ts *tileState) settle(ctx context.Context) {
	deadline := time.Now().Add(earlyMaxWait)
	for time.Now().Before(deadline) {
		quietFor := time.Since(time.Unix(0, ts.lastEarly.Load()))
		if ts.earlyInFlight.Load() == 0 && quietFor >= earlyQuiet {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// earlyBegins and earlyEnds mark an early tile's request.
func (ts *tileState) earlyBegins() {
	ts.earlyInFlight.Add(1)
	ts.lastEarly.Store(time.Now().UnixNano())
}

func (ts *tileState) earlyEnds() {
	ts.lastEarly.Store(time.Now().UnixNano())
	ts.earlyInFlight.Add(-1)
}

// newTileState returns the tile state of a server with cfg (defaults
// applied) over store: an empty cache of cfg.TileCacheBytes and no layers
// yet, and the store's persisted tiles when it keeps them.
func newTileState(cfg Config, store Store) *tileState {
	cache := tile.NewCache(cfg.TileCacheBytes)
	ts := &tileState{cache: cache, metrics: newServerMetrics(cache)}
	ts.store, _ = store.(tileStore)
	ts.bgCtx, ts.stopBg = context.WithCancel(context.Background())
	return ts
}

// persistCtx returns the context of background persisting: cancelled
// by Shutdown.
func (ts *tileState) persistCtx() context.Context {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.bgCtx
}

// tileRoutes are the vector-tile, TileJSON and classification routes and
// the metrics endpoint. All but the metrics are data-derived: they carry
// the revision ETag and answer If-None-Match with 304.
func (s *Server) tileRoutes() []route {
	get := func(path string, role Role, revisioned bool, h echo.HandlerFunc, summary string) route {
		return route{Route: Route{Method: http.MethodGet, Path: path, Role: role, Summary: summary},
			revisioned: revisioned, handler: h}
	}
	routes := []route{
		get("/tiles/:layer/:z/:x/:y", RoleViewer, true, s.handleTile,
			"one Mapbox Vector Tile, /tiles/{layer}/{z}/{x}/{y}.mvt, of a tile layer (fields= keeps only those properties); 204 when empty"),
		get("/tiles/:layer", RoleViewer, true, s.handleTileJSON,
			"TileJSON 3.0 of a tile layer, /tiles/{layer}.json"),
		get("/api/v1/breaks", RoleViewer, true, s.handleBreaks,
			"legend class breaks of an indicator: quantile, equal, jenks or stddev, with a colour-blind-safe palette"),
	}
	return append(routes, s.metricsRoutes()...)
}

// tileCatalog is what the store held at one revision that every tile
// request consults, read once per revision rather than once per request.
type tileCatalog struct {
	geographies map[placeplan.Geography]int // areas held, by geography
	datasets    []placeplan.Dataset         // for attributions
}

// tileLayerID names one buildable tile layer: a layer name and, for areas
// and localities, the geography.
type tileLayerID struct {
	name     string
	geog     placeplan.Geography // "" for sites, or when no areas are loaded
	scenario string              // the scenario label (id@revision) of scenario layers
}

// String returns the id as the cache and the metrics name it:
// "areas/lsoa11", "sites".
func (id tileLayerID) String() string {
	s := id.name
	if id.geog != "" {
		s += "/" + string(id.geog)
	}
	if id.scenario != "" {
		s += "/" + id.scenario
	}
	return s
}

// tileLayer is one tile layer built at one data revision: one or more
// bands, each a tile.Layer of the same name and features over its own
// zoom range, so that low zooms can carry fewer properties.
type tileLayer struct {
	id          tileLayerID
	rev         int64         // the revision read before the data it holds
	bands       []*tile.Layer // by zoom, ranges not overlapping
	attribution string        // the datasets' attributions, HTML-escaped for TileJSON
	// fields are the properties its features may carry, by name, with
	// their descriptions: those the builder declares, and any other that
	// a band holds (described by type). A tile's fields= filter may name
	// these, and TileJSON lists them.
	fields map[string]string
}

// band returns the band that covers zoom z, or nil when none does.
func (tl *tileLayer) band(z maptile.Zoom) *tile.Layer {
	for _, b := range tl.bands {
		if lo, hi := b.ZoomRange(); z >= lo && z <= hi {
			return b
		}
	}
	return nil
}

// ctxRevision is the echo context key under which the revision middleware
// may leave the data revision it read (an int64), so that a handler need
// not read it again.
const ctxRevision = "placeplan.revision"

// requestRevision returns the data revision a request is answered at: the
// one the revision middleware read (before any data, so the ETag never
// names newer data than the response holds), else the store's now.
func (s *Server) requestRevision(c echo.Context) (int64, error) {
	if rev, ok := c.Get(ctxRevision).(int64); ok {
		return rev, nil
	}
	rev, err := s.store.Revision(c.Request().Context())
	if err != nil {
		return 0, fmt.Errorf("read data revision: %w", err)
	}
	return rev, nil
}

// tileLayerFor returns the tile layer a request names: layer name, with
// the geography of its ?geography= parameter (areas and localities) and
// its ?scenario=, built at the request's data revision or a later one. It
// waits for a build in flight.
func (s *Server) tileLayerFor(c echo.Context, name string) (*tileLayer, error) {
	ctx := c.Request().Context()
	rev, err := s.requestRevision(c)
	if err != nil {
		return nil, err
	}
	id, cat, err := s.tileLayerIDAt(ctx, name, placeplan.Geography(c.QueryParam("geography")), c.QueryParam("scenario"), rev)
	if err != nil {
		return nil, err
	}
	return s.tileLayerOf(ctx, id, rev, cat)
}

// tileLayerOf returns layer id built at revision rev or a later one,
// waiting for a build in flight until ctx ends.
func (s *Server) tileLayerOf(ctx context.Context, id tileLayerID, rev int64, cat *tileCatalog) (*tileLayer, error) {
	tl, _, err := s.tiles.layers.Get(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
		return s.buildTileLayer(ctx, id, rev, cat)
	})
	return tl, err
}

// tileLayerIfBuilt is tileLayerOf without the wait: it returns the layer
// if it is built, else nil (and starts the build, if none is in flight).
func (s *Server) tileLayerIfBuilt(ctx context.Context, id tileLayerID, rev int64, cat *tileCatalog) (*tileLayer, error) {
	if id.name == tileAreas && id.scenario == "" {
		// The tile may be an early one: a build this starts waits for it.
		s.tiles.lastEarly.Store(time.Now().UnixNano())
	}
	tl, _, ok, err := s.tiles.layers.Peek(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
		return s.buildTileLayer(ctx, id, rev, cat)
	})
	if !ok {
		return nil, nil
	}
	return tl, err
}

// tileLayerIDAt returns the id of tile layer name of geography geog ("" for
// the default) and scenario reference ref ("" for none) at data revision
// rev, and the catalogue at that revision.
func (s *Server) tileLayerIDAt(ctx context.Context, name string, geog placeplan.Geography, ref string, rev int64) (tileLayerID, *tileCatalog, error) {
	id := tileLayerID{name: name}
	cat, err := s.tileCatalog(ctx, rev)
	if err != nil {
		return id, nil, err
	}
	if ref != "" || name == tileCatchments {
		if name != tileAreas && name != tileCatchments {
			return id, nil, invalidf("scenario: the %s tiles do not depend on a scenario", name)
		}
		n, err := s.lookupScenario(ctx, ref)
		if err != nil {
			return id, nil, err
		}
		id.scenario = n.label
	}
	if name != tileSites && name != tileCatchments {
		if id.geog, err = layerGeography(string(geog), cat.geographies); err != nil {
			return id, nil, err
		}
	}
	return id, cat, nil
}

// startTileWarmUp starts warmTiles in the background, once; Start calls
// it, so that a map opened soon after the server starts finds its layers
// built or being built.
func (s *Server) startTileWarmUp() {
	ts := s.tiles
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.stopWarmUp != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts.stopWarmUp = cancel
	ts.lastEarly.Store(time.Now().UnixNano()) // the warm-up's builds settle first
	ts.persist.wg.Go(func() { s.warmTiles(ctx) })
}

// stopTileWarmUp ends the warm-up, if any; Shutdown calls it. A build it
// started finishes (builds outlive their callers), but no other starts.
func (s *Server) stopTileWarmUp() {
	ts := s.tiles
	ts.mu.Lock()
	if ts.stopWarmUp != nil {
		ts.stopWarmUp()
	}
	ts.stopBg()
	ts.mu.Unlock()
}

// waitPersisting waits, until ctx ends, for background persisting (which
// stopTileWarmUp has cancelled) to return, so that nothing writes to the
// store after Shutdown.
func (s *Server) waitPersisting(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.tiles.persist.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for tiles being persisted: %w", ctx.Err())
	}
}

// warmTiles builds, one after another, the tile layers a web map asks for
// first, for the default geography at the current revision: the areas
// (whose tiles are answered from the areas near them meanwhile, see
// earlyAreasTile), then the basemap's districts and labels; then it
// persists the low zooms of each that the store does not hold yet
// (persistLayer), so that the next start answers them from the store. A
// failure is logged here, where no request waits for it; the next request
// for the layer tries again.
func (s *Server) warmTiles(ctx context.Context) {
	rev, err := s.store.Revision(ctx)
	if err != nil {
		s.logWarmUp(ctx, err)
		return
	}
	cat, err := s.tileCatalog(ctx, rev)
	if err != nil {
		s.logWarmUp(ctx, err)
		return
	}
	geog, _ := layerGeography("", cat.geographies) // "" never fails
	var built []*tileLayer
	for _, name := range warmTileLayers() {
		id := tileLayerID{name: name, geog: geog}
		tl, _, err := s.tiles.layers.Get(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
			return s.buildTileLayer(ctx, id, rev, cat)
		})
		if err != nil {
			s.logWarmUp(ctx, err)
			return
		}
		built = append(built, tl)
	}
	for _, tl := range built {
		if err := s.persistLayer(ctx, tl, nil); err != nil {
			s.logWarmUp(ctx, err)
			return
		}
	}
}

// logWarmUp logs err from warmTiles unless the warm-up was stopped.
func (s *Server) logWarmUp(ctx context.Context, err error) {
	if ctx.Err() == nil {
		s.logger.Warn("tile warm-up", slog.Any("err", err))
	}
}

// tileCatalog returns the catalogue at revision rev (or later). The first
// request to see a new revision also drops the cached tiles of older ones.
func (s *Server) tileCatalog(ctx context.Context, rev int64) (*tileCatalog, error) {
	cat, _, err := s.tiles.catalog.Get(ctx, "", rev, func(ctx context.Context) (*tileCatalog, error) {
		geogs, err := s.store.Geographies(ctx)
		if err != nil {
			return nil, err
		}
		ds, err := s.store.Datasets(ctx)
		if err != nil {
			return nil, err
		}
		return &tileCatalog{geographies: geogs, datasets: ds}, nil
	})
	if err != nil {
		return nil, err
	}
	s.tiles.purgeBefore(rev)
	return cat, nil
}

// purgeBefore drops cached tiles of revisions older than rev the first time
// rev is seen. They could never be served again; the LRU order would
// evict them in time, but this frees their memory at once.
func (ts *tileState) purgeBefore(rev int64) {
	ts.mu.Lock()
	if rev <= ts.maxRev {
		ts.mu.Unlock()
		return
	}
	ts.maxRev = rev
	ts.mu.Unlock()
	ts.cache.Purge(func(k tile.CacheKey) bool { return k.Revision < rev })
}

// buildTileLayer reads one tile layer from the store, timing and counting
// the build, once early tiles have settled (tileState.settle).
func (s *Server) buildTileLayer(ctx context.Context, id tileLayerID, rev int64, cat *tileCatalog) (*tileLayer, error) {
	s.tiles.settle(ctx)
	start := time.Now()
	var tl *tileLayer
	var err error
	switch id.name {
	case tileCatchments:
		tl, err = s.buildCatchmentsTileLayer(ctx, id.scenario, cat)
	case tileAreas:
		if id.scenario != "" {
			tl, err = s.buildScenarioAreasTileLayer(ctx, id.scenario, id.geog, cat)
			break
		}
		tl, err = s.buildAreasTileLayer(ctx, id.geog, cat)
	case tileLocalities:
		tl, err = s.buildLocalitiesTileLayer(ctx, id.geog, rev, cat)
	case tileDistricts:
		tl, err = s.buildDistrictsTileLayer(ctx, id.geog, rev, cat)
	case tileLabels:
		tl, err = s.buildLabelsTileLayer(ctx, id.geog, rev, cat)
	case tileSites:
		tl, err = s.buildSitesTileLayer(ctx, cat)
	default:
		err = fmt.Errorf("no tile layer %q", id.name) // the handlers check names first
	}
	result := "ok"
	if err != nil {
		result = "error"
		err = fmt.Errorf("build tile layer %s at revision %d: %w", id, rev, err)
	} else {
		tl.id, tl.rev = id, rev
		if tl.fields == nil {
			tl.fields = map[string]string{}
		}
		for _, b := range tl.bands {
			for k, v := range b.Fields() {
				if _, ok := tl.fields[k]; !ok {
					tl.fields[k] = v
				}
			}
		}
	}
	s.tiles.metrics.builds.WithLabelValues(id.String(), result).Inc()
	s.tiles.metrics.buildDur.WithLabelValues(id.String()).Observe(time.Since(start).Seconds())
	return tl, err
}
