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
	"placeplan/scenario/tiles"
	"placeplan/scoring/classify"
)

// sampleAreaTiles draws n tiles, seeded, each holding part of an area: a
// random area, a random vertex of its boundary, a random zoom in
// [minZ, maxZ] and the tile holding that vertex. Areas are drawn
// uniformly, so dense cities are drawn as often as they have areas, as
// map users' views are (the sampling of geo/tile's BenchmarkEncodeEngland).
func sampleAreaTiles(areas []placeplan.Area, n int, minZ, maxZ maptile.Zoom, seed uint64) []maptile.Tile {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	addrs := make([]maptile.Tile, 0, n)
	for len(addrs) < n {
		a := areas[r.IntN(len(areas))]
		if len(a.Geometry) == 0 {
			continue
		}
		ring := a.Geometry[r.IntN(len(a.Geometry))][0]
		z := minZ + maptile.Zoom(r.IntN(int(maxZ-minZ)+1))
		addrs = append(addrs, maptile.At(ring[r.IntN(len(ring))], z))
	}
	return addrs
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
	areas, err := store.Areas(b.Context(), placeplan.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		b.Fatal(err)
	}
	addrs := sampleAreaTiles(areas, 2000, 6, 14, 1)
	areas = nil

	b.Run("uncached", func(b *testing.B) {
		srv := newTBServer(store, Config{TileCacheBytes: 1}) // 1 byte: stores no tile
		h := srv.Handler()
		start := time.Now()
		if rec := getTB(h, "/tiles/areas.json"); rec.Code != http.StatusOK {
			b.Fatalf("TileJSON: status %d", rec.Code)
		}
		b.Logf("areas layer built in %v", time.Since(start).Round(time.Millisecond))
		benchmarkTileRequests(b, h, addrs)
	})
	b.Run("cached", func(b *testing.B) {
		srv := newTBServer(store, Config{})
		h := srv.Handler()
		if rec := getTB(h, "/tiles/areas.json"); rec.Code != http.StatusOK { // waits for the layer: no early tile
			b.Fatalf("TileJSON: status %d", rec.Code)
		}
		path := tilePath(tiles.LayerAreas, tileAt(-1.2578, 51.7520, 12)) // Oxford
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
func benchmarkTileRequests(b *testing.B, h http.Handler, addrs []maptile.Tile) {
	b.ReportAllocs()
	durs := make([]time.Duration, 0, len(addrs))
	byZoom := map[maptile.Zoom][]time.Duration{}
	var bytes int
	i := 0
	for b.Loop() {
		t := addrs[i%len(addrs)]
		i++
		req := httptest.NewRequest(http.MethodGet, tilePath(tiles.LayerAreas, t), nil)
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
	if len(durs) >= len(addrs) {
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
// for one tile through a real HTTP client with Accept-Encoding gzip, as
// the web map asks for it (the areas with its fields= filter): the wait a
// map's first tile has after a start, while the server builds its layers
// (the warm-up begins at Start). Two starts are compared, each with the
// same tiles, in one run:
//
//   - "ingested": the store's ingest was followed by PersistTiles, as
//     placeplan ingest does, so the low zooms are read from the store;
//   - "bare": a store without persisted tiles (a database of an older
//     version, or whose tiles were deleted), so areas tiles come from the
//     early path and the basemap's wait for their layer. The tiles the
//     warm-up persists are deleted before each start.
//
// It reports the first tile's latency (first-tile-ms, the mean over the
// iterations, and the slowest); each iteration then waits, untimed, for
// the warm-up's layers (areas, districts, labels) to be built before
// shutting the server down (which ends the warm-up's persisting), so no
// build of one iteration runs into the next. The whole run takes about 15
// minutes: give go test -timeout 60m. Areas tiles are over London (the densest: 8,018 areas
// near the zoom-8 one), and over Shrewsbury at zoom 8.
func BenchmarkFirstTileEngland(b *testing.B) {
	ctx := context.Background()
	bare := englandStore(b, b.TempDir())
	ingested := englandStore(b, b.TempDir())
	start := time.Now()
	if err := NewServer(localUnlessAccounts(Config{}), ingested, nil).PersistTiles(ctx, nil); err != nil {
		b.Fatal(err)
	}
	sets, err := ingested.TileSets(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, s := range sets {
		n += s.Tiles
	}
	b.Logf("PersistTiles: %d sets, %d tiles in %v", len(sets), n, time.Since(start).Round(time.Millisecond))

	type firstTile struct {
		name     string
		layer    string
		lon, lat float64
		z        maptile.Zoom
	}
	var cases []firstTile
	for _, z := range []maptile.Zoom{6, 7, 8, 9, 10, 11, 12, 13, 14} {
		cases = append(cases, firstTile{fmt.Sprintf("areas-z%d", z), tiles.LayerAreas, -0.1276, 51.5072, z})
	}
	cases = append(cases, firstTile{"areas-z8-shrewsbury", tiles.LayerAreas, -2.75, 52.71, 8})
	for _, layer := range []string{tiles.LayerDistricts, tiles.LayerLabels} {
		for _, z := range []maptile.Zoom{4, 10, 14} {
			cases = append(cases, firstTile{fmt.Sprintf("%s-z%d", layer, z), layer, -0.1276, 51.5072, z})
		}
	}
	for _, st := range []struct {
		name  string
		store *data.Store
	}{{"ingested", ingested}, {"bare", bare}} {
		for _, tc := range cases {
			b.Run(st.name+"/"+tc.name, func(b *testing.B) {
				path := tilePath(tc.layer, tileAt(tc.lon, tc.lat, tc.z))
				if tc.layer == tiles.LayerAreas {
					path += "?fields=" + tiles.WebMapAreaFields
				}
				var total, slowest time.Duration
				n := 0
				for b.Loop() {
					b.StopTimer()
					if st.store == bare {
						if err := bare.DeleteTiles(ctx); err != nil {
							b.Fatal(err)
						}
					}
					srv := NewServer(localUnlessAccounts(Config{Addr: "127.0.0.1:0"}), st.store, nil)
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
					if err != nil || (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent) {
						b.Fatalf("%s: status %d, %v", path, resp.StatusCode, err)
					}
					total += d
					slowest = max(slowest, d)
					n++
					for _, l := range append(tiles.WarmLayers(), tc.layer) { // waits for the builds
						if rec := getTB(srv.Handler(), "/tiles/"+l+".json"); rec.Code != http.StatusOK {
							b.Fatalf("TileJSON of %s: status %d", l, rec.Code)
						}
					}
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					srv.Shutdown(ctx)
					cancel()
					b.StartTimer()
				}
				b.ReportMetric(msOf(total/time.Duration(max(n, 1))), "first-tile-ms")
				b.ReportMetric(msOf(slowest), "slowest-ms")
			})
		}
	}
}
