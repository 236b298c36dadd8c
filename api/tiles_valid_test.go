package api

import (
	"net/http"
	"testing"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/internal/mvtcheck"
	"placeplan/scenario/tiles"
)

// checkServedTilesValid gets each tile of each layer from h, as a web map
// would, and has GDAL (GEOS's IsValid, package mvtcheck) check every
// polygon; it fails on an invalid one and logs the count per zoom.
func checkServedTilesValid(t *testing.T, h http.Handler, layers []string, addrs []maptile.Tile) {
	t.Helper()
	var bodies [][]byte
	var zooms []int
	var names []string
	for _, layer := range layers {
		for _, a := range addrs {
			path := tilePath(layer, a)
			rec := get(t, h, path)
			if rec.Code == http.StatusNoContent {
				continue
			}
			decodeTile(t, rec) // a 200 vector tile, not compressed
			bodies = append(bodies, rec.Body.Bytes())
			zooms = append(zooms, int(a.Z))
			names = append(names, path)
		}
	}
	line, total := mvtcheck.Tally(t, mvtcheck.Check(t, bodies), zooms, int(tiles.AreasMinZoom), int(tiles.MaxZoom), func(i int) string { return names[i] })
	t.Logf("%d tiles of %v, invalid polygons per zoom:%s", len(bodies), layers, line)
	if total == 0 {
		t.Fatal("no polygon was checked")
	}
}

// TestServedTilesValid checks every polygon the server tiles for the
// default dataset — areas (merged below the detail zoom), localities and
// districts — at every served zoom, over Shropshire and Oxfordshire.
func TestServedTilesValid(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	var addrs []maptile.Tile
	for z := tiles.AreasMinZoom; z <= tiles.MaxZoom; z++ {
		for _, p := range [][2]float64{{-2.75, 52.71}, {-2.45, 52.68}, {-1.25, 51.75}, {-3.0, 52.5}, {-1.4, 51.6}} {
			addrs = append(addrs, tileAt(p[0], p[1], maptile.Zoom(z)))
		}
	}
	checkServedTilesValid(t, srv.Handler(), []string{tiles.LayerAreas, tiles.LayerLocalities, tiles.LayerDistricts}, addrs)
}

// TestServedTilesValidEngland checks every polygon of 250 areas and
// districts tiles at zooms 6–14 drawn over England's 32,844 LSOAs (the
// sampling of BenchmarkTilesEngland), with all of England loaded.
func TestServedTilesValidEngland(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the England tile validity check")
	}
	store := englandStore(t, t.TempDir())
	areas, err := store.Areas(t.Context(), placeplan.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	addrs := sampleAreaTiles(areas, 250, tiles.AreasMinZoom, tiles.MaxZoom, 2)
	srv, _ := newServer(t, Config{}, store)
	checkServedTilesValid(t, srv.Handler(), []string{tiles.LayerAreas, tiles.LayerDistricts}, addrs)
}
