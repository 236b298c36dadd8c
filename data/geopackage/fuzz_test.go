package geopackage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"placeplan"
	"placeplan/data/feature"
)

// FuzzRead feeds whole files to Read, as ingest does with a .gpkg: none
// may panic, hang or allocate without bound, an error must be an
// EINVALID, EUNSUPPORTED or ENOTFOUND *placeplan.Error whose lower-case
// message starts "gpkg: " (ingest puts the file's name before it), and
// what is read must be points or polygons with finite coordinates. It is
// seeded with the GDAL-written fixtures and the malformed GeoPackages of
// ../testdata/malformed, those over 16 kB pared down to a few kilobytes
// (so that mutations reach the tables rather than the padding, and
// minimising an input takes seconds rather than minutes), and a hand-made
// GeoPackage.
func FuzzRead(f *testing.F) {
	fixtures, err := filepath.Glob(filepath.Join("testdata", "*.gpkg"))
	if err != nil || len(fixtures) == 0 {
		f.Fatalf("no fixtures in testdata (%v)", err)
	}
	malformed, err := filepath.Glob(filepath.Join("..", "testdata", "malformed", "*.gpkg"))
	if err != nil || len(malformed) == 0 {
		f.Fatalf("no GeoPackages in ../testdata/malformed (%v)", err)
	}
	for _, p := range append(fixtures, malformed...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) <= 16<<10 { // small already, and maybe too damaged to edit (truncated.gpkg)
			f.Add(b)
		} else {
			f.Add(tinyGeoPackage(f, b))
		}
	}
	square := gpBlob(0, wkb.MustMarshal(orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}))
	f.Add(tinyGeoPackage(f, testGeoPackage(f, "EPSG", 27700, "x", square, gpBlob(0, wkbLE(1, 351141.0, 274643.0)))))
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := Read(bytes.NewReader(b), "")
		if err != nil {
			checkReadErr(t, err)
			return
		}
		checkFeatures(t, fs)
	})
}

// checkReadErr fails unless err is a clear error about the file.
func checkReadErr(t *testing.T, err error) {
	t.Helper()
	var e *placeplan.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *placeplan.Error", err, err)
	}
	switch e.Code {
	case placeplan.EINVALID, placeplan.EUNSUPPORTED, placeplan.ENOTFOUND:
	default:
		t.Fatalf("error %q has code %s, want one that blames the file", err, e.Code)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "gpkg: ") {
		t.Fatalf("error %q does not start %q", msg, "gpkg: ")
	}
	if r := []rune(strings.TrimPrefix(msg, "gpkg: ")); len(r) == 0 || unicode.IsUpper(r[0]) {
		t.Fatalf("error %q is not a lower-case sentence after its prefix", msg)
	}
}

// checkFeatures fails unless every geometry is a point or polygon type
// with finite coordinates.
func checkFeatures(t *testing.T, fs *feature.Set) {
	t.Helper()
	for i, ft := range fs.Features {
		switch g := ft.Geometry.(type) {
		case nil:
		case orb.Point, orb.MultiPoint, orb.Polygon, orb.MultiPolygon:
			for _, p := range pointsOf(g) {
				if !feature.Finite(p) {
					t.Fatalf("feature %d: coordinate %v is not finite", i+1, p)
				}
			}
		default:
			t.Fatalf("feature %d: %T read without error", i+1, g)
		}
	}
}

// pointsOf lists every coordinate of a point or polygon geometry.
func pointsOf(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	case orb.Polygon:
		var ps []orb.Point
		for _, r := range g {
			ps = append(ps, r...)
		}
		return ps
	case orb.MultiPolygon:
		var ps []orb.Point
		for _, p := range g {
			ps = append(ps, pointsOf(p)...)
		}
		return ps
	}
	return nil
}

// tinyGeoPackage returns the GeoPackage b with 512-byte pages and without
// the tables a reader need not look at (GDAL writes metadata, tile and
// extension tables, and the definitions of systems no layer uses): GDAL's
// files are 50–100 kB where the features take a few hundred bytes.
func tinyGeoPackage(t testing.TB, b []byte) []byte {
	t.Helper()
	return editGeoPackage(t, b,
		`PRAGMA journal_mode = DELETE`,
		`DROP TABLE IF EXISTS gpkg_metadata_reference`, `DROP TABLE IF EXISTS gpkg_metadata`,
		`DROP TABLE IF EXISTS gpkg_tile_matrix`, `DROP TABLE IF EXISTS gpkg_tile_matrix_set`,
		`DROP TABLE IF EXISTS gpkg_extensions`, `DROP TABLE IF EXISTS gpkg_ogr_contents`,
		`DELETE FROM gpkg_spatial_ref_sys WHERE srs_id NOT IN (SELECT srs_id FROM gpkg_geometry_columns)`,
		`PRAGMA page_size = 512`, `VACUUM`)
}
