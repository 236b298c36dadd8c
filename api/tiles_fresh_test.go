package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/data"
	"placeplan/geo/tile"
	"placeplan/scenario/tiles"
)

// TestTileFreshness ingests into the real SQLite store between requests:
// the very next tile request carries a new ETag and the new data, with no
// stale tile from the cache, and the old revision's tiles leave the cache.
func TestTileFreshness(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()
	ctx := context.Background()
	rev, err := store.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	area, err := store.Area(ctx, placeplan.LSOA2011, "E01028827")
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{
		tilePath(tiles.LayerAreas, tileAtPoint(area.Point, 12)),
		tilePath(tiles.LayerAreas, tileAtPoint(area.Point, 11)),
		"/tiles/areas.json",
	}
	get(t, h, "/tiles/areas.json") // waits for the layer: no tile below is an early one
	before := get(t, h, paths[0], "Accept-Encoding", "gzip")
	tag := before.Header().Get("ETag")
	if want := revTag(rev); tag != want || before.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q; want %s, no-cache", tag, before.Header().Get("Cache-Control"), want)
	}
	if f := featureByCode(t, decodeTile(t, before), "E01028827"); f == nil || f.Properties["referrals"] != nil {
		t.Fatalf("before the ingest: feature %v", f)
	}
	for _, p := range paths[1:] {
		get(t, h, p, "Accept-Encoding", "gzip") // fill the cache
	}
	for _, p := range paths {
		rec := get(t, h, p, "Accept-Encoding", "gzip", "If-None-Match", tag)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != tag {
			t.Errorf("%s with If-None-Match %s: status %d, %d bytes, ETag %q; want 304, empty, the same tag",
				p, tag, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
		}
	}
	if st := srv.tiles.Cache().Stats(); st.Entries != 2 {
		t.Fatalf("cache holds %d tiles, want 2", st.Entries)
	}

	ingestReferrals(t, store)

	get(t, h, "/tiles/areas.json") // the new revision's layer
	after := get(t, h, paths[0], "Accept-Encoding", "gzip", "If-None-Match", tag)
	newTag := after.Header().Get("ETag")
	if after.Code != http.StatusOK || newTag == tag || newTag != revTag(rev+1) {
		t.Fatalf("after the ingest: status %d, ETag %q; want 200, %s", after.Code, newTag, revTag(rev+1))
	}
	f := featureByCode(t, decodeTile(t, after), "E01028827")
	if f == nil || f.Properties["referrals"] != 12.0 {
		t.Fatalf("after the ingest: feature %v, want referrals 12", f)
	}
	if st := srv.tiles.Cache().Stats(); st.Entries != 1 {
		t.Errorf("cache holds %d tiles after the new revision's first, want 1: the old revision's were not purged", st.Entries)
	}
	// A request that began before the ingest may store its tile after
	// it: that tile, of the old revision, is never served.
	old := tileAtPoint(area.Point, 12)
	oldKey := tile.CacheKey{Layer: tiles.LayerID(tiles.LayerAreas, placeplan.LSOA2011, ""), Revision: rev, Z: uint32(old.Z), X: old.X, Y: old.Y}
	srv.tiles.Cache().Put(oldKey, before.Body.Bytes())
	if again := get(t, h, paths[0], "Accept-Encoding", "gzip"); bytes.Equal(again.Body.Bytes(), before.Body.Bytes()) {
		t.Error("a tile stored late under the old revision was served at the new one")
	}
	var tj map[string]any
	decode(t, get(t, h, "/tiles/areas.json", "If-None-Match", tag), http.StatusOK, "application/json", &tj)
	fields := tj["vector_layers"].([]any)[0].(map[string]any)["fields"].(map[string]any)
	if fields["referrals"] != "Early help referrals (referrals)" {
		t.Errorf("TileJSON fields after the ingest: referrals = %v", fields["referrals"])
	}
	if rec := get(t, h, paths[0], "If-None-Match", newTag); rec.Code != http.StatusNotModified {
		t.Errorf("new tag: status %d, want 304", rec.Code)
	}
}

// countingStore counts the Areas calls that read a whole geography (those
// of early tiles, with a bound, apart) and the Sites calls of a real
// store; the first whole Areas read can be held back until release is
// closed.
type countingStore struct {
	*data.Store
	areas, early, sites atomic.Int32
	release             chan struct{}
}

func (s *countingStore) Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error) {
	if q.Bound != nil {
		s.early.Add(1)
		return s.Store.Areas(ctx, q)
	}
	if s.areas.Add(1) == 1 && s.release != nil {
		<-s.release
	}
	return s.Store.Areas(ctx, q)
}

func (s *countingStore) Sites(ctx context.Context, layer string) ([]placeplan.Site, error) {
	s.sites.Add(1)
	return s.Store.Sites(ctx, layer)
}

// TestTileLayerBuiltOnce sends concurrent first requests for different
// tiles while the layer's build is held back: every request gets a tile,
// from the areas near it, and the layer is read from the store once. A
// new revision builds it once more.
func TestTileLayerBuiltOnce(t *testing.T) {
	store := &countingStore{Store: loadDefault(t), release: make(chan struct{})}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	const n = 12
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			codes[i] = get(t, h, tilePath(tiles.LayerAreas, tileAt(-2.9+0.05*float64(i), 52.71, 11))).Code
		})
	}
	wg.Wait() // answered early, while the build is held back
	for i, c := range codes {
		if c != http.StatusOK && c != http.StatusNoContent {
			t.Errorf("request %d: status %d", i, c)
		}
	}
	if got := store.early.Load(); got != n {
		t.Errorf("%d of %d requests answered from the areas near them while the layer was built", got, n)
	}
	close(store.release)
	get(t, h, "/tiles/areas.json") // waits for the build
	if got := store.areas.Load(); got != 1 {
		t.Errorf("the areas layer was read %d times for %d concurrent requests, want once", got, n)
	}
	get(t, h, "/tiles/sites/9/252/167.mvt")
	get(t, h, "/tiles/sites.json")
	if a, s := store.areas.Load(), store.sites.Load(); a != 1 || s != 1 {
		t.Errorf("areas read %d times, sites %d; want once each", a, s)
	}

	ingestReferrals(t, store.Store)
	get(t, h, tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 11)))
	get(t, h, tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 12)))
	get(t, h, "/tiles/areas.json") // waits for the new build
	if got := store.areas.Load(); got != 2 {
		t.Errorf("areas read %d times after a new revision, want 2", got)
	}
}

func TestTileJSON(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	ctx := context.Background()
	areas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	bound := [4]float64{180, 90, -180, -90} // west, south, east, north
	for _, a := range areas {
		b := a.Geometry.Bound()
		bound = [4]float64{min(bound[0], b.Min[0]), min(bound[1], b.Min[1]), max(bound[2], b.Max[0]), max(bound[3], b.Max[1])}
	}

	type tileJSON struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		Name         string    `json:"name"`
		Description  string    `json:"description"`
		Attribution  string    `json:"attribution"`
		Scheme       string    `json:"scheme"`
		Bounds       []float64 `json:"bounds"`
		Center       []float64 `json:"center"`
		MinZoom      int       `json:"minzoom"`
		MaxZoom      int       `json:"maxzoom"`
		VectorLayers []struct {
			ID      string            `json:"id"`
			Fields  map[string]string `json:"fields"`
			MinZoom int               `json:"minzoom"`
			MaxZoom int               `json:"maxzoom"`
		} `json:"vector_layers"`
	}
	for _, tc := range []struct {
		name, path   string // path may be a whole URL, to set the Host
		headers      []string
		tiles        string
		layer        string
		minZ, maxZ   int
		fields       []string // some of the fields it must describe
		attribution  string   // a substring
		checkBounds  bool
		wantGeogName string
	}{
		{"areas, default geography", "http://maps.example.org/tiles/areas.json", nil,
			"http://maps.example.org/tiles/areas/{z}/{x}/{y}.mvt", tiles.LayerAreas, tiles.AreasMinZoom, tiles.MaxZoom,
			[]string{"code", "imd_score", "imd_decile", "lad_name"}, "Open Government Licence", true, "LSOA 2011"},
		{"areas of lsoa21 behind an https proxy", "http://maps.example.org:8443/tiles/areas.json?geography=lsoa21", []string{"X-Forwarded-Proto", "https"},
			"https://maps.example.org:8443/tiles/areas/{z}/{x}/{y}.mvt?geography=lsoa21", tiles.LayerAreas, tiles.AreasMinZoom, tiles.MaxZoom,
			[]string{"code", "imd_score"}, "Open Government Licence", false, "LSOA 2021"},
		{"an X-Forwarded-Proto that is no scheme", "/tiles/localities.json", []string{"X-Forwarded-Proto", "javascript"},
			"http://example.com/tiles/localities/{z}/{x}/{y}.mvt", tiles.LayerLocalities, tiles.BasemapMinZoom, tiles.MaxZoom,
			[]string{"id", "name", "scheme", "area_count"}, "Crown copyright", false, "LSOA 2011"},
		{"districts of lsoa21", "/tiles/districts.json?geography=lsoa21", nil,
			"http://example.com/tiles/districts/{z}/{x}/{y}.mvt?geography=lsoa21", tiles.LayerDistricts, tiles.BasemapMinZoom, tiles.MaxZoom,
			[]string{"code", "name"}, "Open Government Licence", false, "LSOA 2021"},
		{"labels", "/tiles/labels.json", nil,
			"http://example.com/tiles/labels/{z}/{x}/{y}.mvt", tiles.LayerLabels, tiles.BasemapMinZoom, tiles.MaxZoom,
			[]string{"name", "kind", "rank", "scheme"}, "Crown copyright", false, "LSOA 2011"},
		{"sites ignore geography", "/tiles/sites.json?geography=lsoa11", nil,
			"http://example.com/tiles/sites/{z}/{x}/{y}.mvt", tiles.LayerSites, 0, tiles.MaxZoom,
			[]string{"layer", "id", "name"}, "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, h, tc.path, tc.headers...)
			var doc tileJSON
			decode(t, rec, http.StatusOK, "application/json", &doc)
			if doc.TileJSON != "3.0.0" || doc.Scheme != "xyz" || len(doc.Tiles) != 1 || doc.Tiles[0] != tc.tiles {
				t.Errorf("tilejson %q, scheme %q, tiles %q; want 3.0.0, xyz, [%s]", doc.TileJSON, doc.Scheme, doc.Tiles, tc.tiles)
			}
			if doc.MinZoom != tc.minZ || doc.MaxZoom != tc.maxZ || len(doc.VectorLayers) != 1 {
				t.Fatalf("zooms %d–%d, %d vector layers; want %d–%d, 1", doc.MinZoom, doc.MaxZoom, len(doc.VectorLayers), tc.minZ, tc.maxZ)
			}
			vl := doc.VectorLayers[0]
			if vl.ID != tc.layer || vl.MinZoom != tc.minZ || vl.MaxZoom != tc.maxZ {
				t.Errorf("vector layer %s, zooms %d–%d", vl.ID, vl.MinZoom, vl.MaxZoom)
			}
			for _, f := range tc.fields {
				if vl.Fields[f] == "" {
					t.Errorf("field %s is not described: %v", f, vl.Fields)
				}
			}
			if !strings.Contains(doc.Attribution, tc.attribution) || strings.ContainsAny(doc.Attribution, "<>") {
				t.Errorf("attribution %q, want it to contain %q and no markup", doc.Attribution, tc.attribution)
			}
			if !strings.Contains(doc.Description, "fields=") {
				t.Errorf("description %q does not say how to ask for fewer fields", doc.Description)
			}
			if !strings.Contains(doc.Name, tc.wantGeogName) {
				t.Errorf("name %q, want it to name %q", doc.Name, tc.wantGeogName)
			}
			if len(doc.Bounds) != 4 || len(doc.Center) != 3 {
				t.Fatalf("bounds %v, center %v", doc.Bounds, doc.Center)
			}
			if tc.checkBounds {
				for i := range 4 {
					if d := doc.Bounds[i] - bound[i]; d > 1e-9 || d < -1e-9 {
						t.Errorf("bounds %v, want the areas' %v", doc.Bounds, bound)
						break
					}
				}
				if c := doc.Center; c[0] < bound[0] || c[0] > bound[2] || c[1] < bound[1] || c[1] > bound[3] || c[2] < float64(tc.minZ) {
					t.Errorf("center %v outside the bounds %v or below zoom %d", c, bound, tc.minZ)
				}
			}
			tag := rec.Header().Get("ETag")
			if again := get(t, h, tc.path, append([]string{"If-None-Match", tag}, tc.headers...)...); tag == "" || again.Code != http.StatusNotModified {
				t.Errorf("ETag %q: revalidation status %d, want 304", tag, again.Code)
			}
		})
	}

	// Indicator fields are described by name and unit.
	inds, err := store.Indicators(ctx, placeplan.LSOA2011)
	if err != nil {
		t.Fatal(err)
	}
	var doc tileJSON
	decode(t, get(t, h, "/tiles/areas.json"), http.StatusOK, "application/json", &doc)
	for _, ind := range inds {
		if got := doc.VectorLayers[0].Fields[ind.Key]; got != tiles.IndicatorField(ind) || got == "" {
			t.Errorf("field %s described as %q, want %q", ind.Key, got, tiles.IndicatorField(ind))
		}
	}
}

// tileAtPoint returns the tile of zoom z holding the WGS84 point p.
func tileAtPoint(p orb.Point, z maptile.Zoom) maptile.Tile { return maptile.At(p, z) }

// revTag is the ETag of data revision rev.
func revTag(rev int64) string { return fmt.Sprintf(`W/"rev-%d"`, rev) }

// featureByCode returns the feature of the areas layer with the code, or
// nil.
func featureByCode(t *testing.T, layers mvt.Layers, code string) *geojson.Feature {
	t.Helper()
	l := onlyLayer(t, layers, tiles.LayerAreas)
	i := slices.IndexFunc(l.Features, func(f *geojson.Feature) bool { return f.Properties["code"] == code })
	if i < 0 {
		return nil
	}
	return l.Features[i]
}

// revisionStore is a store whose revision the test sets and counts reads
// of.
type revisionStore struct {
	Store
	rev   int64
	reads atomic.Int32
}

func (s *revisionStore) Revision(context.Context) (int64, error) {
	s.reads.Add(1)
	return s.rev, nil
}

// TestRequestRevision checks that handlers take the revision the revision
// middleware left in the context, and read the store only without it.
func TestRequestRevision(t *testing.T) {
	store := &revisionStore{Store: newStore(t), rev: 9}
	srv, _ := newServer(t, Config{}, store)
	c := srv.echo.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
	if rev, err := srv.requestRevision(c); rev != 9 || err != nil || store.reads.Load() != 1 {
		t.Errorf("without the middleware's: revision %d, %v, %d store reads; want 9 from the store", rev, err, store.reads.Load())
	}
	c.Set(ctxRevision, int64(7))
	if rev, err := srv.requestRevision(c); rev != 7 || err != nil || store.reads.Load() != 1 {
		t.Errorf("with the middleware's: revision %d, %v, %d store reads; want 7 and no read", rev, err, store.reads.Load())
	}
}
