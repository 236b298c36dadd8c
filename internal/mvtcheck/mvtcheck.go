// Package mvtcheck has GDAL check the polygons of Mapbox Vector Tiles for
// validity (OGC simple features, GEOS's IsValid through OGR's MVT driver),
// the independent oracle of the tile tests. It needs Debian's python3-gdal.
package mvtcheck

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

//go:embed mvt_validity.py
var script []byte

// debianPython is the Python that Debian's python3-gdal installs into.
const debianPython = "/usr/bin/python3"

// Tile is what GDAL found in one tile: how many polygon features it read
// and the invalid ones.
type Tile struct {
	Polygons int       `json:"polygons"`
	Invalid  []Invalid `json:"invalid"`
}

// Invalid is one invalid polygon feature: its index in its layer, GEOS's
// reason and its WKT in tile coordinates.
type Invalid struct {
	Feature int    `json:"feature"`
	Reason  string `json:"reason"`
	WKT     string `json:"wkt"`
}

// Check returns GDAL's findings for each tile (uncompressed MVT bytes), in
// order, or skips the test when Debian's python3-gdal is not installed.
func Check(tb testing.TB, tiles [][]byte) []Tile {
	tb.Helper()
	if err := exec.Command(debianPython, "-c", "from osgeo import ogr").Run(); err != nil {
		tb.Skipf("GDAL's Python bindings (Debian python3-gdal) are not installed (%v); skipping the GEOS validity oracle", err)
	}
	dir := tb.TempDir()
	sp := filepath.Join(dir, "mvt_validity.py")
	if err := os.WriteFile(sp, script, 0o644); err != nil {
		tb.Fatal(err)
	}
	args := []string{sp}
	for i, b := range tiles {
		// Not z/x/y.pbf: GDAL then reports integer tile coordinates.
		p := filepath.Join(dir, fmt.Sprintf("tile%05d.mvt", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(debianPython, args...).Output()
	if err != nil {
		tb.Fatalf("mvt_validity.py: %v", err)
	}
	var byPath map[string]Tile
	if err := json.Unmarshal(out, &byPath); err != nil {
		tb.Fatalf("mvt_validity.py: %v", err)
	}
	res := make([]Tile, len(tiles))
	for i := range tiles {
		r, ok := byPath[args[i+1]]
		if !ok {
			tb.Fatalf("mvt_validity.py did not report %s", args[i+1])
		}
		res[i] = r
	}
	return res
}

// Tally adds up findings by zoom: tiles[i] is at zoom zooms[i]. It reports
// up to ten invalid polygons with tb.Errorf, naming them with name(i), and
// returns a line of invalid/total polygons per zoom from minZ to maxZ and
// the total number of polygons checked.
func Tally(tb testing.TB, res []Tile, zooms []int, minZ, maxZ int, name func(i int) string) (string, int) {
	tb.Helper()
	polys := map[int]int{}
	bad := map[int]int{}
	shown := 0
	for i, r := range res {
		polys[zooms[i]] += r.Polygons
		bad[zooms[i]] += len(r.Invalid)
		for _, inv := range r.Invalid {
			if shown++; shown <= 10 {
				tb.Errorf("%s feature %d is invalid: %s\n%s", name(i), inv.Feature, inv.Reason, inv.WKT)
			}
		}
	}
	line, total := "", 0
	for z := minZ; z <= maxZ; z++ {
		total += polys[z]
		line += fmt.Sprintf(" z%d %d/%d (%.1f %%);", z, bad[z], polys[z], 100*float64(bad[z])/float64(max(polys[z], 1)))
	}
	return line, total
}
