package api

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"placeplan"
	"placeplan/data"
	"placeplan/data/registry"
	"placeplan/geo/tile"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

// englandMSOALocalities writes a locality definition for store's LSOA 2011
// areas: one locality per MSOA, named as ONS names MSOAs (the LSOA name
// without its letter), in the scheme "England MSOAs" — 6,791 localities,
// for the localities and labels layers at national scale.
func englandMSOALocalities(tb testing.TB, store *data.Store) string {
	tb.Helper()
	areas, err := store.Areas(context.Background(), placeplan.AreaQuery{Geography: placeplan.LSOA2011})
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("scheme,locality,code\n")
	for _, a := range areas {
		if m, ok := registry.MSOANameOfLSOA(a.Name); ok {
			fmt.Fprintf(&b, "England MSOAs,%q,%s\n", m, a.Code)
		}
	}
	p := filepath.Join(tb.TempDir(), "england_msoa_localities.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// tileSize is the largest tile of one layer at one zoom.
type tileSize struct {
	tiles     int // tiles with features
	raw, gzip int // bytes, of the largest tile before and after gzip
	at        maptile.Tile
}

// walkTiles requests every tile of zooms minZ to maxZ over bound from h
// (path builds a tile's URL), and at higher zooms up to tiles.MaxZoom the
// extra tiles given, and returns the largest by zoom.
func walkTiles(t *testing.T, h http.Handler, path func(maptile.Tile) string, bound orb.Bound, minZ, maxZ maptile.Zoom, extra []maptile.Tile) map[maptile.Zoom]*tileSize {
	t.Helper()
	out := map[maptile.Zoom]*tileSize{}
	visit := func(tl maptile.Tile) {
		rec := getTB(h, path(tl), "Accept-Encoding", "gzip")
		switch rec.Code {
		case http.StatusNoContent:
			return
		case http.StatusOK:
		default:
			t.Fatalf("%s: status %d: %.300s", path(tl), rec.Code, rec.Body)
		}
		gz := rec.Body.Len()
		raw, err := gunzipTile(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", path(tl), err)
		}
		s := out[tl.Z]
		if s == nil {
			s = &tileSize{}
			out[tl.Z] = s
		}
		s.tiles++
		if len(raw) > s.raw {
			s.raw, s.at = len(raw), tl
		}
		s.gzip = max(s.gzip, gz)
	}
	for z := minZ; z <= maxZ; z++ {
		for tl := range tilecover.Bound(bound, z) {
			visit(tl)
		}
	}
	for _, tl := range extra {
		if tl.Z > maxZ {
			visit(tl)
		}
	}
	return out
}

// TestTileSizesEngland builds every tile layer of all of England (IoD2019
// on the 32,844 LSOA 2011 areas, 6,791 MSOA localities, the default data's
// towns, and a need scenario over the localities; IoD2025 on the 33,755
// LSOA 2021 areas for the areas and districts of that geography), walks every tile of
// zooms 6 to 10 (4 to 10 for the basemap layers) and 600 seeded tiles
// holding areas at zooms 11 to 14, logs the largest tile of each layer
// and zoom before and after gzip, and fails if any tile is over
// tiles.MaxTileBytes before compression. It also checks that the areas still
// cover the land where small areas are merged: at the largest tile of
// each zoom from 6 to 10, the areas cover at least 99 % of the pixels the
// districts' outlines cover. It needs the national files (skips without
// them) and takes about a minute.
func TestTileSizesEngland(t *testing.T) {
	if testing.Short() {
		t.Skip("the national tile walk is skipped with -short")
	}
	store := englandStore(t, t.TempDir())
	ctx := context.Background()
	towns := filepath.Join("..", "data", "default", "towns.csv")
	if _, err := store.IngestFiles(ctx, []string{englandMSOALocalities(t, store), towns}, data.IngestOptions{Geography: placeplan.LSOA2011}); err != nil {
		t.Fatalf("ingest localities and towns: %v", err)
	}
	iod25 := sharedDataPath(t, "iod2025_lsoa21", "imd2025_england_lsoa21.csv.gz")
	bsc21 := sharedDataPath(t, "lsoa2021_boundaries_and_lookups", "lsoa2021_bsc_england_wgs84.geojson.gz")
	if _, err := store.IngestFiles(ctx, []string{iod25, bsc21}, data.IngestOptions{Geography: placeplan.LSOA2021}); err != nil {
		t.Fatalf("ingest IoD2025 on LSOA 2021: %v", err)
	}
	sc, err := scenario.Read("england-need.yaml", strings.NewReader(`placeplan_scenario: 1
name: England MSOAs by IMD score
dataset: {geography: lsoa11, vintage: IoD2019}
localities: {scheme: England MSOAs}
indicators: [{key: imd_score, weight: 1}]
weights: user
normalisation: zscore
aggregation: arithmetic
uncertainty: {draws: 0}
`))
	if err != nil {
		t.Fatal(err)
	}
	saved, err := scenario.Create(ctx, store, sc, placeplan.Actor{Name: "test"}, "")
	if err != nil {
		t.Fatal(err)
	}
	srv := newTBServer(store, Config{TileCacheBytes: 1}) // caches nothing
	h := srv.Handler()
	for _, ts := range []string{"areas", "districts", "labels", "localities", "areas.json?geography=lsoa21"} {
		if !strings.Contains(ts, ".json") {
			ts += ".json"
		}
		if rec := getTB(h, "/tiles/"+ts); rec.Code != http.StatusOK { // builds the layer
			t.Fatalf("%s TileJSON: status %d: %s", ts, rec.Code, rec.Body)
		}
	}
	areas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	var england orb.Bound
	for i, a := range areas {
		if i == 0 {
			england = a.Geometry.Bound()
		}
		england = england.Union(a.Geometry.Bound())
	}
	high := sampleAreaTiles(areas, 600, 11, 14, 7)
	areas = nil

	type layerWalk struct {
		name       string // as logged
		layer      string
		query      string
		minZ, maxZ maptile.Zoom
	}
	walks := []layerWalk{
		{"areas", tiles.LayerAreas, "", tiles.AreasMinZoom, 10},
		{"areas?fields=code,name,lad_code", tiles.LayerAreas, "?fields=code,name,lad_code", tiles.AreasMinZoom, 10},
		{"areas?scenario", tiles.LayerAreas, "?scenario=" + saved.ID, tiles.AreasMinZoom, 10},
		{"districts", tiles.LayerDistricts, "", tiles.BasemapMinZoom, 10},
		{"labels", tiles.LayerLabels, "", tiles.BasemapMinZoom, 10},
		{"localities", tiles.LayerLocalities, "", tiles.BasemapMinZoom, 10},
		{"areas?geography=lsoa21", tiles.LayerAreas, "?geography=lsoa21", tiles.AreasMinZoom, 10},
		{"districts?geography=lsoa21", tiles.LayerDistricts, "?geography=lsoa21", tiles.BasemapMinZoom, 10},
	}
	sizes := map[string]map[maptile.Zoom]*tileSize{}
	for _, w := range walks {
		sizes[w.name] = walkTiles(t, h, func(tl maptile.Tile) string { return tilePath(w.layer, tl) + w.query },
			england, w.minZ, w.maxZ, high)
	}

	var report strings.Builder
	fmt.Fprintf(&report, "largest tile per zoom, KB before / after gzip (limit %d KB before):\n", tiles.MaxTileBytes/1000)
	for _, w := range walks {
		fmt.Fprintf(&report, "%-34s", w.name)
		zs := make([]maptile.Zoom, 0, len(sizes[w.name]))
		for z := range sizes[w.name] {
			zs = append(zs, z)
		}
		slices.Sort(zs)
		for _, z := range zs {
			s := sizes[w.name][z]
			fmt.Fprintf(&report, " z%d %d/%d", z, s.raw/1000, s.gzip/1000)
			if s.raw > tiles.MaxTileBytes {
				t.Errorf("%s z%d: tile %d/%d/%d is %d bytes (%d gzipped): over %d", w.name, z, s.at.Z, s.at.X, s.at.Y, s.raw, s.gzip, tiles.MaxTileBytes)
			}
		}
		report.WriteString("\n")
	}
	t.Log(report.String())
	if s := sizes["areas"]; len(s) != int(tiles.MaxZoom-tiles.AreasMinZoom+1) || s[tiles.AreasMinZoom].tiles == 0 {
		t.Errorf("areas tiles at %d zooms", len(s))
	}

	// The land stays covered where small areas merge.
	for z := maptile.Zoom(tiles.AreasMinZoom); z <= 10; z++ {
		tl := sizes["areas"][z].at
		cover := func(layer string) []bool {
			rec := getTB(h, tilePath(layer, tl), "Accept-Encoding", "gzip")
			raw, err := gunzipTile(rec.Body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			layers, err := mvt.Unmarshal(raw)
			if err != nil {
				t.Fatal(err)
			}
			return rasterise(layers, 1024)
		}
		land, drawn := cover(tiles.LayerDistricts), cover(tiles.LayerAreas)
		in, both := 0, 0
		for i := range land {
			if land[i] {
				in++
				if drawn[i] {
					both++
				}
			}
		}
		share := float64(both) / float64(max(in, 1))
		t.Logf("z%d %v: the areas cover %.2f %% of the districts' %d pixels (of 1024²)", z, tl, 100*share, in)
		if share < 0.99 || in < 1000 {
			t.Errorf("z%d %v: the areas cover %.2f %% of the land's %d pixels, want at least 99 %%", z, tl, 100*share, in)
		}
	}
}

// rasterise returns which pixels of a px × px grid over the tile have
// their centre inside a polygon of the tile's features (even-odd per
// feature).
func rasterise(layers mvt.Layers, px int) []bool {
	out := make([]bool, px*px)
	scale := float64(tile.Extent) / float64(px)
	for _, l := range layers {
		for _, f := range l.Features {
			var rings [][]orb.Point
			for _, p := range multi(f.Geometry) {
				for _, r := range p {
					rings = append(rings, r)
				}
			}
			for y := range px {
				cy := (float64(y) + 0.5) * scale
				var xs []float64
				for _, r := range rings {
					for i := 0; i+1 < len(r); i++ {
						a, b := r[i], r[i+1]
						if (a[1] <= cy) != (b[1] <= cy) {
							xs = append(xs, a[0]+(cy-a[1])*(b[0]-a[0])/(b[1]-a[1]))
						}
					}
				}
				sort.Float64s(xs)
				for i := 0; i+1 < len(xs); i += 2 {
					x0 := int(math.Ceil(xs[i]/scale - 0.5))
					x1 := int(math.Floor(xs[i+1]/scale - 0.5))
					for x := max(x0, 0); x <= min(x1, px-1); x++ {
						out[y*px+x] = true
					}
				}
			}
		}
	}
	return out
}
