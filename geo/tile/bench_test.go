package tile

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// englandLSOAPath is every LSOA 2011 boundary in England (32,844
// generalised polygons, WGS84, 6 decimal places), in the shared data
// directory beside the module.
var englandLSOAPath = filepath.Join("..", "..", "..", "shared", "data", "lsoa2011_boundaries", "lsoa2011_bgc_england_wgs84_6dp.geojson.gz")

var england struct {
	once sync.Once
	fc   *geojson.FeatureCollection
	err  error
}

// englandFC reads the England boundaries once per test binary, or skips
// when the shared data is absent.
func englandFC(tb testing.TB) *geojson.FeatureCollection {
	tb.Helper()
	if _, err := os.Stat(englandLSOAPath); errors.Is(err, os.ErrNotExist) {
		tb.Skipf("shared data %s is absent; skipping the England benchmark (the default-dataset one always runs)", englandLSOAPath)
	}
	england.once.Do(func() { england.fc, england.err = readGzipFC(englandLSOAPath) })
	if england.err != nil {
		tb.Fatal(england.err)
	}
	return england.fc
}

// sampleTiles draws n tiles, seeded, each containing part of a feature:
// a random feature, a random vertex of its boundary, a random zoom in
// [minZ, maxZ], and the tile holding that vertex. Features are drawn
// uniformly, so dense (urban) areas are drawn as often as they have
// features, as map users' views are.
func sampleTiles(fc *geojson.FeatureCollection, n int, minZ, maxZ maptile.Zoom, seed uint64) []maptile.Tile {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	tiles := make([]maptile.Tile, 0, n)
	for len(tiles) < n {
		f := fc.Features[r.IntN(len(fc.Features))]
		var ring orb.Ring
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			ring = g[0]
		case orb.MultiPolygon:
			ring = g[r.IntN(len(g))][0]
		default:
			continue
		}
		z := minZ + maptile.Zoom(r.IntN(int(maxZ-minZ)+1))
		tiles = append(tiles, maptile.At(ring[r.IntN(len(ring))], z))
	}
	return tiles
}

// benchmarkTiles encodes tiles (uncached) one per iteration and reports
// the 50th and 99th percentile latencies, the mean features and bytes per
// tile, and the p99 of each zoom in the log.
func benchmarkTiles(b *testing.B, l *Layer, tiles []maptile.Tile) {
	b.ReportAllocs()
	durs := make([]time.Duration, 0, 4096)
	byZoom := map[maptile.Zoom][]time.Duration{}
	var features, bytes int
	i := 0
	for b.Loop() {
		t := tiles[i%len(tiles)]
		i++
		start := time.Now()
		data, n, err := Encode([]*Layer{l}, t, EncodeOptions{})
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		durs = append(durs, d)
		byZoom[t.Z] = append(byZoom[t.Z], d)
		features += n
		bytes += len(data)
	}
	p50, p99 := percentile(durs, 50), percentile(durs, 99)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(features)/float64(len(durs)), "features/tile")
	b.ReportMetric(float64(bytes)/float64(len(durs)), "bytes/tile")
	if len(durs) >= len(tiles) {
		zs := make([]maptile.Zoom, 0, len(byZoom))
		for z := range byZoom {
			zs = append(zs, z)
		}
		slices.Sort(zs)
		var line string
		for _, z := range zs {
			line += fmt.Sprintf(" z%d p50 %.1f p99 %.1f;", z, ms(percentile(byZoom[z], 50)), ms(percentile(byZoom[z], 99)))
		}
		b.Logf("%d tiles, ms per zoom:%s", len(durs), line)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile returns the p-th percentile (nearest rank) of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	r := (p*len(s) + 99) / 100
	return s[max(r, 1)-1]
}

// BenchmarkEncodeEngland encodes random tiles holding features, zooms
// 6–14, from all 32,844 LSOA 2011 polygons of England, without the tile
// cache.
func BenchmarkEncodeEngland(b *testing.B) {
	fc := englandFC(b)
	start := time.Now()
	l, err := NewLayer("lsoa", fc, LayerOptions{MinZoom: 0, MaxZoom: 14})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("NewLayer: %d features in %v", l.Len(), time.Since(start).Round(time.Millisecond))
	benchmarkTiles(b, l, sampleTiles(fc, 2000, 6, 14, 1))
}

// BenchmarkNewLayerEngland times preparing the England layer (projection,
// R-tree and per-zoom simplification for zooms 0–14) and reports the heap
// the layer holds.
func BenchmarkNewLayerEngland(b *testing.B) {
	fc := englandFC(b)
	b.ReportAllocs()
	var l *Layer
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		var err error
		if l, err = NewLayer("lsoa", fc, LayerOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "held-MiB")
	runtime.KeepAlive(l)
}

// BenchmarkEncodeDefault encodes random tiles, zooms 6–14, from the 708
// polygons of the embedded default dataset; it always runs.
func BenchmarkEncodeDefault(b *testing.B) {
	fc := defaultFC(b)
	l, err := NewLayer("lsoa", fc, LayerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	benchmarkTiles(b, l, sampleTiles(fc, 2000, 6, 14, 1))
}

// BenchmarkNewLayerTileSubsetEngland builds what an early tile needs: a
// one-zoom layer of the England LSOAs whose bounds meet SubsetBound of the
// zoom-8 tile over London (about 8,000 polygons), with shared-arc
// simplification and merging as the areas layer has, and encodes the tile.
func BenchmarkNewLayerTileSubsetEngland(b *testing.B) {
	fc := englandFC(b)
	tl := maptile.At(orb.Point{-0.1276, 51.5072}, 8)
	sb := SubsetBound(tl, DefaultBufferPixels, 64)
	sub := geojson.NewFeatureCollection()
	for _, f := range fc.Features {
		if f.Geometry.Bound().Intersects(sb) {
			g := geojson.NewFeature(f.Geometry)
			g.Properties = geojson.Properties{"code": f.Properties["LSOA11CD"], "name": f.Properties["LSOA11NM"],
				"district": f.Properties.MustString("LSOA11NM")[:len(f.Properties.MustString("LSOA11NM"))-5]}
			sub.Append(g)
		}
	}
	opts := LayerOptions{MinZoom: 8, MaxZoom: 8, Tolerance: func(maptile.Zoom) float64 { return 4 },
		Coalesce: func(z maptile.Zoom) (CoalesceOptions, bool) {
			return CoalesceOptions{MinAreaUnits: 9 * 64, CellUnits: 48, CountProperty: "n",
				Group: func(p geojson.Properties) string { return p["district"].(string) }}, true
		}}
	b.Logf("%d features", len(sub.Features))
	b.ReportAllocs()
	for b.Loop() {
		l, err := NewLayer("areas", sub, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Encode([]*Layer{l}, tl, EncodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
