// Package api is placeplan's HTTP layer: an echo v4 router over the data
// store that serves health checks, the loaded data as JSON and GeoJSON, and
// the web page from package frontend.
//
// Everything HTTP-specific lives here: wire models with their json tags and
// converters from the domain types (model.go), the one mapping from
// placeplan error codes to HTTP status and RFC 9457 problem documents
// (error.go), middleware (middleware.go) and the route table (routes.go),
// with one file per group of routes. cmd/ builds a Server with NewServer
// and never touches echo.
package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data"
	"placeplan/frontend"
	"placeplan/geo/tile"
	"placeplan/internal/revcache"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

// Config configures a Server. Zero durations and an empty Addr take the
// defaults below; a zero Disclosure switches small-number suppression off.
type Config struct {
	// Addr is the host:port to listen on; port 0 picks a free port.
	// Default DefaultAddr.
	Addr string
	// ReadTimeout bounds reading a whole request, headers included.
	// Default DefaultReadTimeout.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response. Default DefaultWriteTimeout.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for the
	// next request. Default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Disclosure is the small-number suppression applied to every
	// indicator value served.
	Disclosure placeplan.Disclosure
	// Version is the program version, reported by /healthz when set.
	Version string
	// TileCacheBytes bounds the memory of the encoded-tile cache. Default
	// DefaultTileCacheBytes.
	TileCacheBytes int64
	// CORSOrigins are the origins allowed to call the API from a browser
	// ("*" for any); none, the default, switches CORS off.
	CORSOrigins []string
	// FrontendDir, when set, serves the web page from this directory on
	// disk instead of the files embedded in package frontend (for working
	// on the page without rebuilding).
	FrontendDir string
	// Persistent says that the store keeps what is saved after the
	// server stops: false for the embedded default served in memory. The
	// web map reads it (GET /api/v1/config) to warn that work will be lost.
	Persistent bool
	// BasemapStyle is the absolute http(s) URL of a MapLibre style the web
	// map draws under placeplan's layers; empty for none (the map then
	// draws its basemap from placeplan's own layers, offline).
	BasemapStyle string
	// Auth is who may use the server; the zero value requires sign-in.
	Auth AuthConfig
	// MaxAnalyses is how many analyses (scores, site selections, plans,
	// comparisons) run at once; 0 means one per core. AnalysisQueue is how
	// many more may wait (0: DefaultAnalysisQueue; negative: none); beyond
	// that they get 503 with Retry-After.
	MaxAnalyses   int
	AnalysisQueue int
	// AnalysisTimeout bounds one analysis: past it the analysis stops and
	// its request gets 422 naming the limit. Default
	// DefaultAnalysisTimeout.
	AnalysisTimeout time.Duration
	// MemoryBudgetBytes is the memory the server plans to stay within:
	// half of it is for analyses, shared among MaxAnalyses, and bounds
	// the size of the work one may ask for (analysisLimits). Default
	// DefaultMemoryBudgetBytes. The command also gives it to the Go
	// runtime as its memory limit.
	MemoryBudgetBytes int64
}

// Defaults for the zero fields of Config.
const (
	DefaultAddr         = "127.0.0.1:8080"
	DefaultReadTimeout  = 15 * time.Second
	DefaultWriteTimeout = 60 * time.Second // whole-county GeoJSON layers are a few megabytes
	DefaultIdleTimeout  = 120 * time.Second
	// DefaultAnalysisQueue is how many analyses may wait for a turn.
	DefaultAnalysisQueue = 8
	// DefaultAnalysisTimeout is the most one analysis may take: under
	// DefaultWriteTimeout, so that its refusal can still be written.
	DefaultAnalysisTimeout = 45 * time.Second
	// DefaultMemoryBudgetBytes is the default memory budget: 2 GiB.
	DefaultMemoryBudgetBytes = 2 << 30
	// DefaultTileCacheBytes is the default bound on cached tiles: 256 MiB,
	// or an eighth of the memory budget when that is less.
	DefaultTileCacheBytes = 256 << 20
)

// withDefaults returns cfg with its zero fields set to the defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.AnalysisQueue == 0 {
		cfg.AnalysisQueue = DefaultAnalysisQueue
	}
	if cfg.MaxAnalyses <= 0 {
		cfg.MaxAnalyses = runtime.GOMAXPROCS(0)
	}
	if cfg.AnalysisTimeout <= 0 {
		cfg.AnalysisTimeout = DefaultAnalysisTimeout
	}
	if cfg.MemoryBudgetBytes <= 0 {
		cfg.MemoryBudgetBytes = DefaultMemoryBudgetBytes
	}
	if cfg.TileCacheBytes <= 0 {
		cfg.TileCacheBytes = min(DefaultTileCacheBytes, cfg.MemoryBudgetBytes/8)
	}
	return cfg
}

// Store is what the HTTP layer reads from storage: what the scenario use
// cases read (the data and the registry), and the rest of the data the
// routes serve, with the results cache. *data.Store satisfies it.
type Store interface {
	tiles.Store // the data and the registry, as the tile layers read them
	Ping(ctx context.Context) error
	Extent(ctx context.Context) (orb.Bound, bool, error)
	PointLayers(ctx context.Context) (map[string]int, error)
	AreaValues(ctx context.Context, geog placeplan.Geography, code string) (map[string]float64, error)
	// ReadOnly says the database refuses changes (a read-only file, mount
	// or --public): what cannot be recorded is logged instead.
	ReadOnly() bool

	// The results cache of the scenario registry.
	PutScenarioResult(ctx context.Context, id string, rev int, dataRevision int64, kind string, result []byte) error
	ScenarioResult(ctx context.Context, id string, rev int, dataRevision int64, kind string) ([]byte, bool, error)
}

var _ Store = (*data.Store)(nil)

// Server is placeplan's HTTP server. Build it with NewServer; Start
// listens, Shutdown stops it, Handler serves requests without a listener.
type Server struct {
	cfg       Config
	store     Store
	logger    *slog.Logger
	frontend  fs.FS
	echo      *echo.Echo
	http      *http.Server
	routes    []Route
	tiles     *tiles.Service // the tile layers, their tiles and TileJSON, and the kept scores and plans of named scenarios
	metricsOf *serverMetrics
	ranks     revcache.Cache[int64, []float64]              // by indicator id: its values sorted most need first, for area ranks (a binary search)
	search    revcache.Cache[string, *scenario.SearchIndex] // one entry, key "": the places search finds
	reports   *reportJobs                                   // board papers and analysts' files being made
	// crossOrigin refuses writes a browser sends from a page of another
	// site (Sec-Fetch-Site, Origin), the origins of CORSOrigins excepted.
	crossOrigin *http.CrossOriginProtection
	analyses    *analysisGate   // the analyses' concurrency limit and queue
	policy      scenario.Policy // the floor and bounds of every plan

	mu   sync.Mutex
	ln   net.Listener
	done chan struct{} // closed when Serve has returned
}

// NewServer returns a Server over store, logging to logger (nil discards
// the log). It registers every route but does not listen.
func NewServer(cfg Config, store Store, logger *slog.Logger) *Server {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, store: store, logger: logger, frontend: frontend.FS(), reports: newReportJobs(),
		analyses: newAnalysisGate(cfg.MaxAnalyses, cfg.AnalysisQueue, cfg.AnalysisTimeout)}
	s.policy = analysisPolicy(cfg)
	s.metricsOf = newServerMetrics(func() tile.CacheStats { return s.tiles.Cache().Stats() })
	s.tiles = tiles.NewService(store, tiles.Options{
		Policy: s.policy, Analyses: s.analyses.do,
		CacheBytes: cfg.TileCacheBytes, Logger: logger, Metrics: s.metricsOf,
	})
	if cfg.FrontendDir != "" {
		s.frontend = os.DirFS(cfg.FrontendDir)
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.JSONSerializer = jsonSerializer{}
	e.IPExtractor = ipExtractor(cfg.Auth.TrustedProxies) // X-Forwarded-For only from the proxies named
	s.crossOrigin = http.NewCrossOriginProtection()
	for _, o := range cfg.CORSOrigins {
		if o != "*" {
			if err := s.crossOrigin.AddTrustedOrigin(o); err != nil {
				logger.Warn("CORS origin not trusted for writes", "origin", o, "err", err)
			}
		}
	}
	e.Use(s.requestID, s.accessLog, s.recover, s.metrics, s.cors, gzipBodies)
	s.echo = e
	for _, r := range s.routeTable() {
		s.register(r)
	}

	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           e,
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the server's router, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Start listens on the configured address and serves in the background. It
// returns once the listener is open, so URL is valid as soon as it returns,
// and starts building the map's first tile layers (tiles.Service.StartWarmUp).
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return placeplan.Errorf(placeplan.ECONFLICT, "server already started on %s", s.ln.Addr())
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		// Serve runs until Shutdown; anything else ends it early, and is
		// logged here because no caller is waiting for it.
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("http server stopped", slog.Any("err", err))
		}
	}()
	s.tiles.StartWarmUp()
	return nil
}

// URL returns the base URL the server answers on, such as
// "http://127.0.0.1:8080", or "" before Start. A wildcard listen address
// (0.0.0.0, ::) is reported as 127.0.0.1.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	addr, ok := s.ln.Addr().(*net.TCPAddr)
	if !ok {
		return "http://" + s.ln.Addr().String()
	}
	host := "127.0.0.1"
	if !addr.IP.IsUnspecified() && addr.IP != nil {
		host = addr.IP.String()
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// Shutdown stops accepting connections and waits, until ctx ends, for the
// requests in flight to finish. It is a no-op before Start and may be
// called more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done == nil {
		return nil
	}
	s.tiles.StopWarmUp()
	s.reports.stop()
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down http server: %w", err)
	}
	if err := s.tiles.WaitPersisting(ctx); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("shut down http server: %w", ctx.Err())
	}
}
