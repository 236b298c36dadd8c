package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"placeplan/geo/tile"
)

// serverMetrics is what /metrics reports: request counts and latencies by
// route, the tile cache's counters and tile layer builds, plus the Go
// runtime and process collectors. Each Server owns its registry, so two
// servers in one process (as in tests) never share or clash, and nothing
// is registered at package init.
type serverMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec   // by method, route, status
	latency  *prometheus.HistogramVec // seconds, by method, route, status
	inFlight prometheus.Gauge
	builds   *prometheus.CounterVec   // tile layer builds, by layer and result
	buildDur *prometheus.HistogramVec // seconds, by layer
	early    *prometheus.CounterVec   // tiles encoded while their layer was built, by layer
	// persisted counts tiles answered from the store's persisted tiles,
	// by layer.
	persisted *prometheus.CounterVec
}

// newServerMetrics builds the metrics of one server, reading the tile
// cache's counters from stats at each scrape.
func newServerMetrics(stats func() tile.CacheStats) *serverMetrics {
	// Request latency bounds, seconds: from a cached tile (well under a
	// millisecond) to a whole-England GeoJSON layer (seconds).
	latencyBuckets := []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
	m := &serverMetrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "placeplan", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "placeplan", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time from receiving a request to handing back its response, by method, route pattern and status.",
			Buckets: latencyBuckets,
		}, []string{"method", "route", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "placeplan", Subsystem: "http", Name: "requests_in_flight",
			Help: "HTTP requests being handled now.",
		}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "placeplan", Subsystem: "tile", Name: "layer_builds_total",
			Help: "Tile layers built from the store (once per layer and data revision), by layer and result (ok or error).",
		}, []string{"layer", "result"}),
		buildDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "placeplan", Subsystem: "tile", Name: "layer_build_seconds",
			Help:    "Time to read a tile layer from the store and index it, by layer.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"layer"}),
		early: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "placeplan", Subsystem: "tile", Name: "early_tiles_total",
			Help: "Tiles encoded from the features near them while their layer was being built, by layer.",
		}, []string{"layer"}),
		persisted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "placeplan", Subsystem: "tile", Name: "persisted_tiles_total",
			Help: "Tiles answered from the tiles persisted in the store (not yet in the memory cache), by layer.",
		}, []string{"layer"}),
	}
	m.registry.MustRegister(
		m.requests, m.latency, m.inFlight, m.builds, m.buildDur, m.early, m.persisted,
		newTileCacheCollector(stats),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// metrics counts every request and times it, labelled by method, route
// pattern (c.Path(), so /tiles/:layer/:z/:x/:y rather than each tile's URL)
// and status. It hands a handler's error to the error handler first, as
// accessLog does, so that the status counted is the one sent.
func (s *Server) metrics(next echo.HandlerFunc) echo.HandlerFunc {
	m := s.metricsOf
	return func(c echo.Context) error {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		finished := false
		defer func() {
			if !finished {
				// A panic on its way to the recover middleware, which
				// answers 500.
				m.observe(c, http.StatusInternalServerError, start)
			}
		}()
		if err := next(c); err != nil {
			c.Error(err)
		}
		finished = true
		m.observe(c, c.Response().Status, start)
		return nil
	}
}

// LayerBuilt counts and times one tile layer build (tiles.Metrics).
func (m *serverMetrics) LayerBuilt(layer string, failed bool, took time.Duration) {
	result := "ok"
	if failed {
		result = "error"
	}
	m.builds.WithLabelValues(layer, result).Inc()
	m.buildDur.WithLabelValues(layer).Observe(took.Seconds())
}

// EarlyTile counts a tile encoded while its layer was built (tiles.Metrics).
func (m *serverMetrics) EarlyTile(layer string) { m.early.WithLabelValues(layer).Inc() }

// PersistedTile counts a tile answered from the store (tiles.Metrics).
func (m *serverMetrics) PersistedTile(layer string) { m.persisted.WithLabelValues(layer).Inc() }

// observe records one answered request.
func (m *serverMetrics) observe(c echo.Context, status int, start time.Time) {
	route := c.Path()
	if route == "" {
		route = "unmatched" // no registered route came near: keep raw URLs out of the labels
	}
	labels := []string{methodLabel(c.Request().Method), route, strconv.Itoa(status)}
	m.requests.WithLabelValues(labels...).Inc()
	m.latency.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
}

// methodLabel returns a request method as a metric label: the standard
// methods as they are, anything else as "other", so that clients cannot
// grow the label set without bound.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// metricsRoutes is the Prometheus scrape endpoint. It is public, like the
// health checks: scrapers hold no user session, and it reveals no data —
// only counts by route pattern, method and status, tile cache and runtime
// figures; raw URLs and query strings never become labels.
func (s *Server) metricsRoutes() []route {
	h := promhttp.HandlerFor(s.metricsOf.registry, promhttp.HandlerOpts{
		ErrorLog:           slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		ErrorHandling:      promhttp.ContinueOnError,
		DisableCompression: true, // gzipBodies compresses
	})
	return []route{{
		Route:   Route{Method: http.MethodGet, Path: "/metrics", Role: RolePublic, Summary: "Prometheus metrics: requests and latency by route, tile cache, runtime"},
		handler: echo.WrapHandler(h),
	}}
}

// tileCacheCollector reports a tile.Cache's counters at each scrape.
type tileCacheCollector struct {
	stats                                   func() tile.CacheStats
	hits, misses, puts, evictions, rejected *prometheus.Desc // counters
	entries, bytes, maxBytes                *prometheus.Desc // gauges
}

func newTileCacheCollector(stats func() tile.CacheStats) *tileCacheCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("placeplan_tile_cache_"+name, help, nil, nil)
	}
	return &tileCacheCollector{
		stats:     stats,
		hits:      desc("hits_total", "Tile cache lookups that found the tile."),
		misses:    desc("misses_total", "Tile cache lookups that did not find the tile, which was then encoded."),
		puts:      desc("puts_total", "Tiles stored in the cache."),
		evictions: desc("evictions_total", "Tiles evicted, least recently used first, to keep within the byte budget."),
		rejected:  desc("rejected_total", "Tiles too large for the whole budget, never stored."),
		entries:   desc("entries", "Tiles held now."),
		bytes:     desc("bytes", "Bytes the cached tiles are charged now (data, keys and per-entry overhead)."),
		maxBytes:  desc("max_bytes", "The cache's byte budget."),
	}
}

// Describe sends the descriptors of every metric Collect sends.
func (t *tileCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{t.hits, t.misses, t.puts, t.evictions, t.rejected, t.entries, t.bytes, t.maxBytes} {
		ch <- d
	}
}

// Collect sends a snapshot of the cache's counters.
func (t *tileCacheCollector) Collect(ch chan<- prometheus.Metric) {
	st := t.stats()
	send := func(d *prometheus.Desc, kind prometheus.ValueType, v int64) {
		ch <- prometheus.MustNewConstMetric(d, kind, float64(v))
	}
	send(t.hits, prometheus.CounterValue, st.Hits)
	send(t.misses, prometheus.CounterValue, st.Misses)
	send(t.puts, prometheus.CounterValue, st.Puts)
	send(t.evictions, prometheus.CounterValue, st.Evictions)
	send(t.rejected, prometheus.CounterValue, st.Rejected)
	send(t.entries, prometheus.GaugeValue, int64(st.Entries))
	send(t.bytes, prometheus.GaugeValue, st.Bytes)
	send(t.maxBytes, prometheus.GaugeValue, st.MaxBytes)
}
