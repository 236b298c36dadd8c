package tiles

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo/tile"
	"placeplan/internal/revcache"
	"placeplan/scenario"
)

// The vector tile layers, by the name in their URLs, which is also their
// MVT layer name and TileJSON vector layer id. With ?scenario=, areas are
// the scenario's areas with its need and plan, and Catchments (which needs
// a scenario, see scenario_layers.go) its sites' Catchments.
const (
	LayerAreas      = "areas"      // small areas of one geography, with every indicator
	LayerLocalities = "localities" // localities of one geography, as the union of their member areas
	LayerSites      = "sites"      // every point layer, each point naming its layer
)

// LayerNames lists the tile layers in a fixed order.
func LayerNames() []string {
	return []string{LayerAreas, LayerLocalities, LayerSites, LayerCatchments, LayerDistricts, LayerLabels}
}

// WarmLayers are the layers WarmUp builds at start, in order: the
// ones a web map asks for first.
func WarmLayers() []string { return []string{LayerAreas, LayerDistricts, LayerLabels} }

// Service answers vector tiles and TileJSON of the tile layers, built
// lazily from the store once per data revision, with the catalogue of
// what is loaded at that revision, the encoded-tile cache keyed by
// revision, the store's persisted tiles, and the kept scores and plans of
// named scenarios that the scenario layers (and the HTTP routes) read.
// It has no transport: the HTTP routes, a tile export and tests call it.
// Build it with NewService.
type Service struct {
	store    Store
	policy   scenario.Policy // the disclosure floor and bounds of scores and plans
	analyses func(context.Context, func(context.Context) error) error
	logger   *slog.Logger
	metrics  Metrics

	cache    *tile.Cache
	catalog  revcache.Cache[string, *tileCatalog] // one entry, key ""
	layers   revcache.Cache[string, *tileLayer]   // by tileLayerID.String()
	outlines revcache.Cache[string, *outlines]    // districts and localities dissolved, by geography
	early    revcache.Cache[string, *tile.Layer]  // one-zoom areas layers for early tiles (earlyAreasTile)
	results  revcache.Cache[resultKey, *resultEntry]
	tiles    TileStore // the store's persisted tiles; nil when it keeps none
	readOnly bool      // the store refuses changes: persisted tiles are read, never stored
	persist  persister // the sets of tiles being persisted, and the filters asked for

	mu         sync.Mutex
	maxRev     int64              // the newest revision seen; older tiles have been purged
	stopWarmUp context.CancelFunc // ends WarmUp and persisting, nil when none runs
	bgCtx      context.Context    // the context of background persisting, until Stop
	stopBg     context.CancelFunc

	// Early tiles in flight and the time (Unix nanoseconds) the last one
	// began or ended, or the service started: layer builds wait for them
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
func (s *Service) settle(ctx context.Context) {
	deadline := time.Now().Add(earlyMaxWait)
	for time.Now().Before(deadline) {
		quietFor := time.Since(time.Unix(0, s.lastEarly.Load()))
		if s.earlyInFlight.Load() == 0 && quietFor >= earlyQuiet {
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
func (s *Service) earlyBegins() {
	s.earlyInFlight.Add(1)
	s.lastEarly.Store(time.Now().UnixNano())
}

func (s *Service) earlyEnds() {
	s.lastEarly.Store(time.Now().UnixNano())
	s.earlyInFlight.Add(-1)
}

// NewService returns the tile service over store with opts: an empty
// cache of opts.CacheBytes (DefaultCacheBytes when not positive) and no
// layers yet, and the store's persisted tiles when it keeps them (it
// implements the Tile, TileSets and PutTileSet of *data.Store).
func NewService(store Store, opts Options) *Service {
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = noMetrics{}
	}
	if opts.Analyses == nil {
		opts.Analyses = func(ctx context.Context, run func(context.Context) error) error { return run(ctx) }
	}
	s := &Service{store: store, analyses: opts.Analyses,
		policy: opts.Policy,
		logger: opts.Logger, metrics: opts.Metrics,
		cache: tile.NewCache(opts.CacheBytes)}
	s.results.MaxEntries = maxResults
	s.tiles, _ = store.(TileStore)
	if ro, ok := store.(interface{ ReadOnly() bool }); ok {
		s.readOnly = ro.ReadOnly() // read the persisted tiles, store none
	}
	s.bgCtx, s.stopBg = context.WithCancel(context.Background())
	return s
}

// persistCtx returns the context of background persisting: cancelled
// by StopWarmUp.
func (s *Service) persistCtx() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bgCtx
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

// tileLayerOf returns layer id built at revision rev or a later one,
// waiting for a build in flight until ctx ends.
func (s *Service) tileLayerOf(ctx context.Context, id tileLayerID, rev int64, cat *tileCatalog) (*tileLayer, error) {
	tl, _, err := s.layers.Get(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
		return s.buildTileLayer(ctx, id, rev, cat)
	})
	return tl, err
}

// tileLayerIfBuilt is tileLayerOf without the wait: it returns the layer
// if it is built, else nil (and starts the build, if none is in flight).
func (s *Service) tileLayerIfBuilt(ctx context.Context, id tileLayerID, rev int64, cat *tileCatalog) (*tileLayer, error) {
	if id.name == LayerAreas && id.scenario == "" {
		// The tile may be an early one: a build this starts waits for it.
		s.lastEarly.Store(time.Now().UnixNano())
	}
	tl, _, ok, err := s.layers.Peek(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
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
func (s *Service) tileLayerIDAt(ctx context.Context, name string, geog placeplan.Geography, ref string, rev int64) (tileLayerID, *tileCatalog, error) {
	id := tileLayerID{name: name}
	cat, err := s.tileCatalog(ctx, rev)
	if err != nil {
		return id, nil, err
	}
	if ref != "" || name == LayerCatchments {
		if name != LayerAreas && name != LayerCatchments {
			return id, nil, invalidf("scenario: the %s tiles do not depend on a scenario", name)
		}
		n, err := s.Lookup(ctx, ref)
		if err != nil {
			return id, nil, err
		}
		id.scenario = n.Label
	}
	if name != LayerSites && name != LayerCatchments {
		if id.geog, err = LayerGeography(string(geog), cat.geographies); err != nil {
			return id, nil, err
		}
	}
	return id, cat, nil
}

// StartWarmUp starts WarmUp in the background, once; a server calls it
// as it starts, so that a map opened soon after finds its layers built or
// being built.
func (s *Service) StartWarmUp() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopWarmUp != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stopWarmUp = cancel
	s.lastEarly.Store(time.Now().UnixNano()) // the warm-up's builds settle first
	s.persist.wg.Go(func() { s.WarmUp(ctx) })
}

// StopWarmUp ends the warm-up, if any, and background persisting; a
// server calls it as it shuts down. A build it started finishes (builds
// outlive their callers), but no other starts.
func (s *Service) StopWarmUp() {
	s.mu.Lock()
	if s.stopWarmUp != nil {
		s.stopWarmUp()
	}
	s.stopBg()
	s.mu.Unlock()
}

// WaitPersisting waits, until ctx ends, for the warm-up and background
// persisting (which StopWarmUp cancels) to return, so that nothing writes
// to the store after a server's shutdown.
func (s *Service) WaitPersisting(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.persist.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for tiles being persisted: %w", ctx.Err())
	}
}

// WarmUp builds, one after another, the tile layers a web map asks for
// first, for the default geography at the current revision: the areas
// (whose tiles are answered from the areas near them meanwhile, see
// earlyAreasTile), then the basemap's districts and labels; then it
// persists the low zooms of each that the store does not hold yet
// (persistLayer), so that the next start answers them from the store. A
// failure is logged here, where no request waits for it; the next request
// for the layer tries again.
func (s *Service) WarmUp(ctx context.Context) {
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
	geog, _ := LayerGeography("", cat.geographies) // "" never fails
	var built []*tileLayer
	for _, name := range WarmLayers() {
		id := tileLayerID{name: name, geog: geog}
		tl, _, err := s.layers.Get(ctx, id.String(), rev, func(ctx context.Context) (*tileLayer, error) {
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

// logWarmUp logs err from WarmUp unless the warm-up was stopped.
func (s *Service) logWarmUp(ctx context.Context, err error) {
	if ctx.Err() == nil {
		s.logger.Warn("tile warm-up", slog.Any("err", err))
	}
}

// tileCatalog returns the catalogue at revision rev (or later). The first
// request to see a new revision also drops the cached tiles of older ones.
func (s *Service) tileCatalog(ctx context.Context, rev int64) (*tileCatalog, error) {
	cat, _, err := s.catalog.Get(ctx, "", rev, func(ctx context.Context) (*tileCatalog, error) {
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
	s.purgeBefore(rev)
	return cat, nil
}

// purgeBefore drops cached tiles of revisions older than rev the first time
// rev is seen. They could never be served again; the LRU order would
// evict them in time, but this frees their memory at once.
func (s *Service) purgeBefore(rev int64) {
	s.mu.Lock()
	if rev <= s.maxRev {
		s.mu.Unlock()
		return
	}
	s.maxRev = rev
	s.mu.Unlock()
	s.cache.Purge(func(k tile.CacheKey) bool { return k.Revision < rev })
}

// buildTileLayer reads one tile layer from the store, timing and counting
// the build, once early tiles have settled (tileState.settle).
func (s *Service) buildTileLayer(ctx context.Context, id tileLayerID, rev int64, cat *tileCatalog) (*tileLayer, error) {
	s.settle(ctx)
	start := time.Now()
	var tl *tileLayer
	var err error
	switch id.name {
	case LayerCatchments:
		tl, err = s.buildCatchmentsTileLayer(ctx, id.scenario, cat)
	case LayerAreas:
		if id.scenario != "" {
			tl, err = s.buildScenarioAreasTileLayer(ctx, id.scenario, id.geog, cat)
			break
		}
		tl, err = s.buildAreasTileLayer(ctx, id.geog, cat)
	case LayerLocalities:
		tl, err = s.buildLocalitiesTileLayer(ctx, id.geog, rev, cat)
	case LayerDistricts:
		tl, err = s.buildDistrictsTileLayer(ctx, id.geog, rev, cat)
	case LayerLabels:
		tl, err = s.buildLabelsTileLayer(ctx, id.geog, rev, cat)
	case LayerSites:
		tl, err = s.buildSitesTileLayer(ctx, cat)
	default:
		err = fmt.Errorf("no tile layer %q", id.name) // Get and TileJSON check names first
	}
	if err != nil {
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
	s.metrics.LayerBuilt(id.String(), err != nil, time.Since(start))
	return tl, err
}

// Geographies returns the areas held, by geography, at revision rev (or
// later): the catalogue the tile layers consult, read once per revision,
// which the HTTP routes that default a geography share.
func (s *Service) Geographies(ctx context.Context, rev int64) (map[placeplan.Geography]int, error) {
	cat, err := s.tileCatalog(ctx, rev)
	if err != nil {
		return nil, err
	}
	return cat.geographies, nil
}
