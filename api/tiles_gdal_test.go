package api

import (
	"placeplan/scenario/tiles"

	"context"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
)

// TestTilesWithGDAL opens tiles from a real listener with a real client,
// GDAL's MVT driver (through /vsicurl), and checks that it reads the layer,
// as many features as orb's decoder, the fields with their types, and an
// extent within the tile and its buffer.
func TestTilesWithGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo not found: install Debian's gdal-bin to read the tiles with GDAL's MVT driver")
	}
	srv, logs := newServer(t, Config{Addr: "127.0.0.1:0"}, loadDefault(t))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})

	for _, tc := range []struct {
		layer, geometry string
		t               maptile.Tile
		fields          []string // "name: Type" as ogrinfo prints them
	}{
		{tiles.LayerAreas, "Multi Polygon", tileAt(-2.75, 52.71, tiles.AreasDetailMinZoom),
			[]string{"code: String", "lad_name: String", "imd_score: Real", "imd_rank: Integer", "imd_decile: Integer", "pop_total: Integer"}},
		// An overview zoom, small areas merged: GDAL clips each feature
		// to the tile with GEOS, which needs valid polygons.
		{tiles.LayerAreas, "Multi Polygon", tileAt(-2.75, 52.71, 8),
			[]string{"code: String", "name: String", "lad_code: String", "area_count: Integer"}},
		{tiles.LayerLocalities, "Multi Polygon", tileAt(-2.75, 52.71, 9),
			[]string{"mvt_id: Integer64", "name: String", "scheme: String", "area_count: Integer"}},
		{tiles.LayerSites, "Point", tileAt(-2.75, 52.71, 8),
			[]string{"layer: String", "id: String", "name: String"}},
		{tiles.LayerDistricts, "Polygon", tileAt(-2.75, 52.71, 9), // Multi Polygon when one district has two parts
			[]string{"code: String", "name: String"}},
		{tiles.LayerLabels, "Point", tileAt(-2.75, 52.71, 8),
			[]string{"name: String", "kind: String", "rank: Integer", "scheme: String"}},
	} {
		path := tilePath(tc.layer, tc.t)
		t.Run(path, func(t *testing.T) {
			want := len(onlyLayer(t, decodeTile(t, get(t, srv.Handler(), path)), tc.layer).Features)
			args := []string{"-ro", "-al", "-so"}
			out := ogrinfo(t, append(args, "/vsicurl/"+srv.URL()+path)...)
			for _, w := range append([]string{"using driver `MVT' successful", "Layer name: " + tc.layer,
				"Geometry: " + tc.geometry, "Feature Count: " + strconv.Itoa(want), "EPSG\",3857"}, tc.fields...) {
				if !strings.Contains(out, w) {
					t.Errorf("ogrinfo output lacks %q", w)
				}
			}
			if strings.Contains(tc.layer, tiles.LayerAreas) && strings.Contains(out, "imd_score: String") {
				t.Error("imd_score read as a string")
			}
			// Extent: (minx, miny) - (maxx, maxy), Web Mercator metres.
			m := regexp.MustCompile(`Extent: \(([-0-9.]+), ([-0-9.]+)\) - \(([-0-9.]+), ([-0-9.]+)\)`).FindStringSubmatch(out)
			if m == nil {
				t.Fatal("no extent")
			}
			var ext [4]float64
			for i := range ext {
				ext[i], _ = strconv.ParseFloat(m[i+1], 64)
			}
			const world = 20037508.342789244 // half the Web Mercator world, metres
			side := 2 * world / math.Exp2(float64(tc.t.Z))
			buf := side * 64 / 4096
			minX, maxY := -world+float64(tc.t.X)*side, world-float64(tc.t.Y)*side
			if ext[0] < minX-buf-1 || ext[2] > minX+side+buf+1 || ext[1] < maxY-side-buf-1 || ext[3] > maxY+buf+1 {
				t.Errorf("extent %v outside the tile [%v, %v, %v, %v] and its buffer", ext, minX, maxY-side, minX+side, maxY)
			}
		})
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs)
	}
}
