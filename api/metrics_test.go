package api

import (
	"placeplan/scenario/tiles"

	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestMetrics sends a few requests and reads them back from /metrics:
// counts and latencies by method, route pattern and status, the tile
// cache's counters, tile layer builds and the runtime collectors.
func TestMetrics(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	srv.echo.GET("/boom", func(c echo.Context) error { panic("kaboom") })
	h := srv.Handler()
	tilePathA := tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 11))
	tilePathB := tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 12))
	get(t, h, "/tiles/areas.json")                                              // waits for the layer: no tile below is an early one
	tag := get(t, h, tilePathA, "Accept-Encoding", "gzip").Header().Get("ETag") // miss
	get(t, h, tilePathA, "Accept-Encoding", "gzip")                             // hit
	get(t, h, tilePathB)                                                        // miss
	get(t, h, tilePathA, "If-None-Match", tag)                                  // 304, no lookup
	get(t, h, tilePath(tiles.LayerAreas, tileAt(-30, 45, 10)))                  // 204, miss
	get(t, h, "/tiles/areas/99/0/0.mvt")                                        // 400
	get(t, h, "/api/v1/breaks?layer=areas&field=imd_score&method=jenks")
	do(t, h, "PROPFIND", "/healthz")
	get(t, h, "/boom")
	get(t, h, "/no/such/route/at/all")

	m := scrape(t, h)
	const tiles = `route="/tiles/:layer/:z/:x/:y"`
	for sample, want := range map[string]float64{
		`placeplan_http_requests_total{method="GET",` + tiles + `,status="200"}`:                                     3,
		`placeplan_http_requests_total{method="GET",` + tiles + `,status="204"}`:                                     1,
		`placeplan_http_requests_total{method="GET",` + tiles + `,status="304"}`:                                     1,
		`placeplan_http_requests_total{method="GET",` + tiles + `,status="400"}`:                                     1,
		`placeplan_http_requests_total{method="GET",route="/tiles/:layer",status="200"}`:                             1,
		`placeplan_http_requests_total{method="GET",route="/api/v1/breaks",status="200"}`:                            1,
		`placeplan_http_requests_total{method="other",route="/healthz",status="405"}`:                                1,
		`placeplan_http_requests_total{method="GET",route="/boom",status="500"}`:                                     1,
		`placeplan_http_request_duration_seconds_count{method="GET",` + tiles + `,status="200"}`:                     3,
		`placeplan_http_request_duration_seconds_bucket{method="GET",` + tiles + `,status="200",le="+Inf"}`:          3,
		`placeplan_tile_cache_hits_total`:                                                                            1,
		`placeplan_tile_cache_misses_total`:                                                                          3,
		`placeplan_tile_cache_puts_total`:                                                                            3,
		`placeplan_tile_cache_entries`:                                                                               3,
		`placeplan_tile_cache_max_bytes`:                                                                             DefaultTileCacheBytes,
		`placeplan_tile_layer_builds_total{layer="areas/lsoa11",result="ok"}`:                                        1,
		`placeplan_tile_layer_build_seconds_count{layer="areas/lsoa11"}`:                                             1,
		`placeplan_http_requests_in_flight`:                                                                          1, // the scrape itself
		`placeplan_http_requests_total{method="GET",route="/metrics",status="200"}`:                                  0, // counted once answered
		`placeplan_http_request_duration_seconds_count{method="GET",route="/api/v1/breaks",status="200"}`:            1,
		`placeplan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/breaks",status="200",le="+Inf"}`: 1,
	} {
		if got, ok := m[sample]; (!ok && want != 0) || got != want {
			t.Errorf("%s = %v (present %v), want %v", sample, got, ok, want)
		}
	}
	if st := srv.tiles.Cache().Stats(); float64(st.Bytes) != m["placeplan_tile_cache_bytes"] || st.Bytes == 0 {
		t.Errorf("placeplan_tile_cache_bytes = %v, cache holds %d bytes", m["placeplan_tile_cache_bytes"], st.Bytes)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if _, ok := m[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	for sample := range m {
		if strings.Contains(sample, "/tiles/areas/") || strings.Contains(sample, "/no/such") || strings.Contains(sample, "imd_score") {
			t.Errorf("a raw URL became a label: %s", sample)
		}
	}

	if m2 := scrape(t, h); m2[`placeplan_http_requests_total{method="GET",route="/metrics",status="200"}`] != 1 {
		t.Errorf("the first scrape was not counted")
	}
}

// TestMetricsPerServer checks that each server has its own registry: two
// servers in one process neither clash nor share counts.
func TestMetricsPerServer(t *testing.T) {
	store := newStore(t)
	a, _ := newServer(t, Config{}, store)
	b, _ := newServer(t, Config{}, store)
	get(t, a.Handler(), "/healthz")
	get(t, a.Handler(), "/healthz")
	const sample = `placeplan_http_requests_total{method="GET",route="/healthz",status="200"}`
	if got := scrape(t, a.Handler())[sample]; got != 2 {
		t.Errorf("server a: %s = %v, want 2", sample, got)
	}
	if got, ok := scrape(t, b.Handler())[sample]; ok {
		t.Errorf("server b: %s = %v, want absent", sample, got)
	}
	rec := get(t, a.Handler(), "/metrics", "Accept-Encoding", "gzip")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("/metrics with gzip: status %d, Content-Encoding %q; want 200, gzip (compressed once, by gzipBodies)",
			rec.Code, rec.Header().Get("Content-Encoding"))
	}
}
