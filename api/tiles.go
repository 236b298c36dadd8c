package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

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
			"TileJSON 3.0 of a tile layer, /tiles/{layer}.json, with vector_layers and their fields, linking the style (rel stylesheet)"),
		get("/tiles/style.json", RoleViewer, true, s.handleStyle,
			"a MapLibre style of the tile layers as the web map draws them (field=, scenario=, method=, classes= as for breaks), for QGIS and other MapLibre clients"),
		get("/api/v1/breaks", RoleViewer, true, s.handleBreaks,
			"legend class breaks of an indicator: quantile, equal, jenks or stddev, with a colour-blind-safe palette"),
	}
	return append(routes, s.metricsRoutes()...)
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

// Tile returns the tile req names as gzipped MVT, or nil for a tile with
// no features: the tile service's Get (tiles.Service.Get), kept here so
// that callers holding a Server need not reach for the service.
func (s *Server) Tile(ctx context.Context, req tiles.TileRequest) ([]byte, error) {
	return s.tiles.Get(ctx, req)
}

// namedScenario is a scenario a request names (tiles.Named): label is
// "id@revision", or "id" for a shipped one.
type namedScenario struct {
	label string
	sc    *scenario.Scenario
}

// lookupScenario resolves a scenario reference (tiles.Service.Lookup),
// once per request: the revision middleware's resolution is reused.
func (s *Server) lookupScenario(ctx context.Context, ref string) (namedScenario, error) {
	n, err := s.tiles.Lookup(ctx, ref)
	if err != nil {
		return namedScenario{}, err
	}
	return namedScenario{label: n.Label, sc: n.Scenario}, nil
}

// PersistTiles stores the persisted zooms of the layers a web map asks
// for first (tiles.Service.PersistTiles), so that a server started next
// answers its first tiles from the store.
func (s *Server) PersistTiles(ctx context.Context, progress tiles.PersistProgress) error {
	return s.tiles.PersistTiles(ctx, progress)
}
