// Package tiles is the vector-tile use case: the tile layers of the
// loaded data (areas, localities, sites, districts, labels) and of named
// scenarios (their areas' need and plan, their Catchments), built once
// per data revision, and the encoded tiles and TileJSON documents asked
// of them, kept in memory and, for the zooms a first map view needs, in
// the store. A Service is what the HTTP routes, a tile export and tests
// call; it imports no transport.
package tiles

import (
	"context"
	"log/slog"
	"time"

	"placeplan"
	"placeplan/geo/tile"
	"placeplan/scenario"
)

// Store is what the tile service reads: what the scenario use cases read
// (the data and the registry, for the scenario layers) and the data the
// layers draw. *data.Store satisfies it; when it also keeps tiles (Tile,
// TileSets, PutTileSet) the service persists them.
type Store interface {
	scenario.RegistryStore
	Revision(ctx context.Context) (int64, error)
	Geographies(ctx context.Context) (map[placeplan.Geography]int, error)
	ValuesOfAreas(ctx context.Context, geog placeplan.Geography, codes []string) (map[string]map[string]float64, error)
}

// Options configure a Service.
type Options struct {
	// Policy is the deployment's: its small-number floor, applied to
	// every indicator value the areas tiles carry and to scenario plans,
	// and the bounds of scenarios' scores and plans (zero: the defaults).
	Policy scenario.Policy
	// Analyses, when not nil, runs each computation of a scenario's score
	// or plan: a server's limit on analyses at once, their queue and
	// deadline. Nil runs them directly.
	Analyses func(ctx context.Context, run func(context.Context) error) error
	// CacheBytes bounds the memory of the encoded-tile cache. Default
	// DefaultCacheBytes.
	CacheBytes int64
	// Logger receives what background work (warm-up, persisting) cannot
	// return; nil discards it.
	Logger *slog.Logger
	// Metrics is told of layer builds and of tiles answered early or from
	// the store; nil tells no one.
	Metrics Metrics
}

// DefaultCacheBytes is the default bound on cached tiles: 256 MiB.
const DefaultCacheBytes = 256 << 20

// Metrics receives the service's counts, for a metrics endpoint.
type Metrics interface {
	// LayerBuilt reports one tile layer build: the layer's id ("areas/lsoa11"),
	// whether it failed, and how long it took.
	LayerBuilt(layer string, failed bool, took time.Duration)
	// EarlyTile reports a tile of layer (a layer name) encoded while its
	// layer was being built.
	EarlyTile(layer string)
	// PersistedTile reports a tile of layer (a layer name) answered from
	// the store's persisted tiles.
	PersistedTile(layer string)
}

type noMetrics struct{}

func (noMetrics) LayerBuilt(string, bool, time.Duration) {}
func (noMetrics) EarlyTile(string)                       {}
func (noMetrics) PersistedTile(string)                   {}

// Cache returns the encoded-tile cache, keyed as tile.CacheKey by the
// layer's id (LayerID), data revision, fields filter and tile: for its
// counters on a metrics endpoint.
func (s *Service) Cache() *tile.Cache { return s.cache }

// LayerID returns the id under which the tile layer name of geography geog
// (none for the sites and Catchments) and scenario label (id@revision, ""
// for none) is cached, counted and persisted: "areas/lsoa11", "sites",
// "Catchments/plan-a@3".
func LayerID(name string, geog placeplan.Geography, scenario string) string {
	return tileLayerID{name: name, geog: geog, scenario: scenario}.String()
}
