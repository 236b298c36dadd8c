package api

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/data"
	"placeplan/scoring/classify"
)

// sampleAreaTiles draws n tiles, seeded, each holding part of an area: a
// random area, a random vertex of its boundary, a random zoom in
// [minZ, maxZ] and the tile holding that vertex. Areas are drawn
// uniformly, so dense cities are drawn as often as they have areas, as
// map users' views are (the sampling of geo/tile's BenchmarkEncodeEngland).
func sampleAreaTiles(areas []placeplan.Area, n int, minZ, maxZ maptile.Zoom, seed uint64) []maptile.Tile {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	tiles := make([]maptile.Tile, 0, n)
	for len(tiles) < n {
		a := areas[r.IntN(len(areas))]
		if len(a.Geometry) == 0 {
			continue
		}
		ring := a.Geometry[r.IntN(len(a.Geometry))][0]
		z := minZ + maptile.Zoom(r.IntN(int(maxZ-minZ)+1))
		tiles = append(tiles, maptile.At(ring[r.IntN(len(ring))], z))
	}
	return tiles
}

// BenchmarkTilesEngland serves areas tiles with all of England loaded
// (IoD2019 and the 32,844 LSOA 2011 boundaries, ingested into a new SQLite
// store first, about 5 s), through the real router with Accept-Encoding:
// gzip as browsers send it. "uncached" runs a server whose tile cache holds
// nothing, so every request builds its tile (select, simplify, clip,
// encode, compress), and reports the 50th and 99th percentile latency over
// 2,000 tiles at zooms 6–14 (targets: 10 ms and 50 ms); "cached" asks for
// the same tile again and again. The tile layer is built once, before
// timing (TileJSON waits for it), so that no tile is an early one; its
// build time is logged. "breaks/METHOD" times
// /api/v1/breaks?field=imd_score for all 32,844 areas, 7 classes
// (target: under 200 ms), reading the values from the store each time.
func BenchmarkTilesEngland(b *testing.B) {
	store := englandStore(b, b.TempDir())
	areas, err := store.Areas(b.Context(), data.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		b.Fatal(err)
	}
	tiles := sampleAreaTiles(areas, 2000, 6, 14, 1)
	areas = nil

	b.Run("uncached", func(b *testing.B) {
		srv := newTBServer(store, Config{TileCacheBytes: 1}) // 1 byte: stores no tile
		h := srv.Handler()
		start := time.Now()
		if rec := getTB(h, "/tiles/areas.json"); rec.Code != http.StatusOK {
			b.Fatalf("TileJSON: status %d", rec.Code)
		}
		b.Logf("areas layer built in %v", time.Since(start).Round(time.Millisecond))
		benchmarkTileRequests(b, h, tiles)
	})
	b.Run("cached", func(b *testing.B) {
		srv := newTBServer(store, Config{})
		h := srv.Handler()
		if rec := getTB(h, "/tiles/areas.json"); rec.Code != http.StatusOK { // waits for the layer: no early tile
			b.Fatalf("TileJSON: status %d", rec.Code)
		}
		path := tilePath(tileAreas, tileAt(-1.2578, 51.7520, 12)) // Oxford
		if rec := getTB(h, path, "Accept-Encoding", "gzip"); rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d", path, rec.Code)
		}
		b.ReportAllocs()
		for b.Loop() {
			if rec := getTB(h, path, "Accept-Encoding", "gzip"); rec.Code != http.StatusOK {
				b.Fatalf("%s: status %d", path, rec.Code)
			}
		}
	})
	for _, m := range classify.Methods() {
		b.Run("breaks/"+string(m), func(b *testing.B) {
			h := newTBServer(store, Config{}).Handler()
			path := "/api/v1/breaks?layer=areas&field=imd_score&classes=7&method=" + string(m)
			b.ReportAllocs()
			for b.Loop() {
				if rec := getTB(h, path); rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
				}
			}
		})
	}
}

// benchmarkTileRequests requests tiles one per iteration and reports the
// 50th and 99th percentile latencies, the mean compressed bytes per tile
// and, in the log, the percentiles of each zoom.
func benchmarkTileRequests(b *testing.B, h http.Handler, tiles []maptile.Tile) {
	b.ReportAllocs()
	durs := make([]time.Duration, 0, len(tiles))
	byZoom := map[maptile.Zoom][]time.Duration{}
	var bytes int
	i := 0
	for b.Loop() {
		t := tiles[i%len(tiles)]
		i++
		req := httptest.NewRequest(http.MethodGet, tilePath(tileAreas, t), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			b.Fatalf("%s: status %d: %s", req.URL.Path, rec.Code, rec.Body)
		}
		durs = append(durs, d)
		byZoom[t.Z] = append(byZoom[t.Z], d)
		bytes += rec.Body.Len()
	}
	b.ReportMetric(msOf(percentile(durs, 50)), "p50-ms")
	b.ReportMetric(msOf(percentile(durs, 99)), "p99-ms")
	b.ReportMetric(float64(bytes)/float64(len(durs)), "gzip-bytes/tile")
	if len(durs) >= len(tiles) {
		zs := make([]maptile.Zoom, 0, len(byZoom))
		for z := range byZoom {
			zs = append(zs, z)
		}
		slices.Sort(zs)
		var line string
		for _, z := range zs {
			line += fmt.Sprintf(" z%d p50 %.1f p99 %.1f;", z, msOf(percentile(byZoom[z], 50)), msOf(percentile(byZoom[z], 99)))
		}
		b.Logf("%d tiles, ms per zoom:%s", len(durs), line)
	}
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile returns the p-th percentile (nearest rank) of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	r := (p*len(s) + 99) / 100
	return s[max(r, 1)-1]
}

// BenchmarkFirstTileEngland starts a server on an England store (IoD2019
// and the 32,844 LSOA 2011 boundaries) on a real port and, at once, asks
// for one areas tile through a real HTTP client with Accept-Encoding
// gzip: the wait a map's first tile has after a start, while the server
// builds the areas layer (it starts at Start). It reports the first
// tile's latency (first-tile-ms, the mean over the iterations, and the
// slowest); each iteration then waits for the layer to be built, which is
// not timed, before shutting the server down. Sub-benchmarks ask for the
// tile over London at zoom 6, 8 and 12 (the densest, 8,018 areas near
// the zoom-8 one) and for the zoom-8 tile over Shrewsbury.
func BenchmarkFirstTileEngland(b *testing.B) {
	store := englandStore(b, b.TempDir())
	for _, tc := range []struct {
		name     string
		lon, lat float64
		z        maptile.Zoom
	}{
		{"z6", -0.1276, 51.5072, 6}, {"z8", -0.1276, 51.5072, 8}, {"z12", -0.1276, 51.5072, 12}, // London
		{"z8-shrewsbury", -2.75, 52.71, 8},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path := tilePath(tileAreas, tileAt(tc.lon, tc.lat, tc.z))
			var total, slowest time.Duration
			n := 0
			for b.Loop() {
				b.StopTimer()
				srv := NewServer(Config{Addr: "127.0.0.1:0"}, store, nil)
				if err := srv.Start(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				req, _ := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(start)
				b.StopTimer()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: status %d, %v", path, resp.StatusCode, err)
				}
				total += d
				slowest = max(slowest, d)
				n++
				if rec := getTB(srv.Handler(), "/tiles/areas.json"); rec.Code != http.StatusOK { // waits for the build
					b.Fatalf("TileJSON: status %d", rec.Code)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				srv.Shutdown(ctx)
				cancel()
				b.StartTimer()
			}
			b.ReportMetric(msOf(total/time.Duration(max(n, 1))), "first-tile-ms")
			b.ReportMetric(msOf(slowest), "slowest-ms")
		})
	}
}
