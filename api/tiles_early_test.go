package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/scenario/tiles"
)

// canonicalTile describes a decoded tile's features for comparison: each
// feature's properties and rings, each ring from its lowest vertex, a
// feature's polygons in sorted order.
func canonicalTile(layers mvt.Layers) []string {
	var out []string
	for _, l := range layers {
		for _, f := range l.Features {
			var rings []string
			var polys []orb.Polygon
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				polys = []orb.Polygon{g}
			case orb.MultiPolygon:
				polys = g
			default:
				rings = append(rings, fmt.Sprint(g))
			}
			for _, p := range polys {
				var key string
				for i, r := range p {
					r = r[:len(r)-1]
					lo := 0
					for j := range r {
						if r[j][0] < r[lo][0] || r[j][0] == r[lo][0] && r[j][1] < r[lo][1] {
							lo = j
						}
					}
					key += fmt.Sprint(i == 0, append(slices.Clone(r[lo:]), r[:lo]...))
				}
				rings = append(rings, key)
			}
			slices.Sort(rings)
			out = append(out, fmt.Sprint(l.Name, f.ID, f.Properties, rings))
		}
	}
	return out
}

// TestEarlyTilesAreTheTiles asks for areas tiles at every zoom while the
// layer's build is held back, so that each is encoded from the areas near
// it (or, at zooms 6 and 7, from a layer of its zoom), and again once the
// layer is built: the tiles hold the same features,
// properties and geometry. Early tiles are counted in the metrics, are
// not cached, and check fields= as the built layer does.
func TestEarlyTilesAreTheTiles(t *testing.T) {
	store := &countingStore{Store: loadDefault(t), release: make(chan struct{})}
	ingestReferrals(t, store.Store) // a withheld value, to check the suppression on the early path
	srv, _ := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()

	// From zoom 8 down, so that the layer's build, started by the first
	// request, holds the first whole read of the areas; the early tiles of
	// zooms 6 and 7 read them whole too, for a layer of their zoom.
	var paths []string
	subset := 0
	for z := maptile.Zoom(tiles.MaxZoom); z >= tiles.AreasMinZoom; z-- {
		for _, p := range [][2]float64{{-2.75, 52.71}, {-2.29, 52.637}, {-1.2578, 51.7520}, {-1.6, 51.9}} {
			paths = append(paths, tilePath(tiles.LayerAreas, tileAt(p[0], p[1], z)))
			if z > tiles.EarlyBandMaxZoom {
				subset++
			}
		}
	}
	paths = append(paths, paths[0]+"?fields=code,referrals", paths[20]+"?fields=name,code")
	subset += 2
	early := make([][]string, len(paths))
	for i, p := range paths {
		if strings.Contains(p, "/"+strconv.Itoa(tiles.EarlyBandMaxZoom)+"/") {
			for deadline := time.Now().Add(10 * time.Second); store.areas.Load() == 0; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the layer's build has not read the areas in 10 s")
				}
			}
		}
		rec := get(t, h, p, "Accept-Encoding", "gzip")
		if rec.Code == http.StatusNoContent {
			continue
		}
		early[i] = canonicalTile(decodeTile(t, rec))
	}
	bad := get(t, h, paths[30]+"?fields=code,imd_scor")
	if p := decodeProblem(t, bad, http.StatusBadRequest); !strings.Contains(p.Detail, `unknown field "imd_scor"`) {
		t.Errorf("early tile with an unknown field: %q", p.Detail)
	}
	if st := srv.tiles.Cache().Stats(); st.Entries != 0 || st.Puts != 0 {
		t.Errorf("early tiles were cached: %+v", st)
	}
	if got := int(store.early.Load()); got != subset {
		t.Errorf("%d requests read the areas near their tile, want %d", got, subset)
	}
	if got := store.areas.Load(); got != 3 { // the held build, and zooms 6 and 7
		t.Errorf("%d whole reads of the areas, want 3", got)
	}
	m := scrape(t, h)
	if got := m[`placeplan_tile_early_tiles_total{layer="areas"}`]; int(got) != len(paths) {
		t.Errorf("placeplan_tile_early_tiles_total = %v, want %d", got, len(paths))
	}

	close(store.release)
	get(t, h, "/tiles/areas.json") // waits for the layer
	nonEmpty := 0
	for i, p := range paths {
		rec := get(t, h, p, "Accept-Encoding", "gzip")
		var built []string
		if rec.Code != http.StatusNoContent {
			built = canonicalTile(decodeTile(t, rec))
			nonEmpty++
		}
		if !slices.Equal(early[i], built) {
			t.Errorf("%s: the early tile (%d features) differs from the built layer's (%d)", p, len(early[i]), len(built))
		}
	}
	if nonEmpty < len(paths)*3/4 {
		t.Errorf("only %d of %d tiles have features", nonEmpty, len(paths))
	}
	if got := int(store.early.Load()); got != subset {
		t.Errorf("%d early reads once the layer was built, want none more", got-subset)
	}
}
