package geopackage

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/data/internal/datatest"
	"placeplan/geo"
)

func readGeoPackageFixture(t testing.TB, name, layer string) *feature.Set {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := Read(f, layer)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fs
}

func TestReadGeoPackageLSOA(t *testing.T) {
	cases := []struct {
		file, layer, ref string
		crs              geo.CRS
	}{
		{"lsoa_wgs84.gpkg", "lsoa_wgs84", "ref_wgs84.geojson.gz", geo.WGS84},
		{"lsoa_bng.gpkg", "lsoa_bng", "ref_bng.geojson.gz", geo.BNG},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			fs := readGeoPackageFixture(t, c.file, "")
			if fs.Format != "GeoPackage" || fs.Layer != c.layer || fs.CRS != c.crs {
				t.Errorf("format %q, layer %q, crs %v; want GeoPackage, %s, %v", fs.Format, fs.Layer, fs.CRS, c.layer, c.crs)
			}
			datatest.CompareLSOAs(t, fs, datatest.ReadRefGeoJSON(t, c.ref))
			for i, f := range fs.Features {
				if f.Properties["fid"] != int64(i+1) {
					t.Errorf("feature %d: fid %#v, want %d", i+1, f.Properties["fid"], i+1)
				}
				if _, ok := f.Properties["geom"]; ok {
					t.Errorf("feature %d: the geometry column is among the properties", i+1)
				}
			}
		})
	}
}

// TestReadGeoPackageZM reads GDAL's ISO WKB Z, M and ZM geometries and its
// DATE, BOOLEAN and MEDIUMINT columns.
func TestReadGeoPackageZM(t *testing.T) {
	src := datatest.ReadRefGeoJSON(t, "wales.geojson")
	for _, layer := range []string{"wales_xyz", "wales_xym", "WALES_XYZM"} {
		fs := readGeoPackageFixture(t, "wales.gpkg", layer)
		if fs.CRS != geo.WGS84 || fs.Layer != strings.ToLower(layer) || len(fs.Features) != len(src) {
			t.Fatalf("%s: crs %v, layer %q, %d features", layer, fs.CRS, fs.Layer, len(fs.Features))
		}
		for i, f := range fs.Features {
			datatest.ComparePolygons(t, layer, f.Geometry, src[i].Geometry, 0)
			datatest.AssertRFC7946Orientation(t, layer, f.Geometry)
		}
		want := map[string]any{"id": int64(2), "name": "Bryn-côch é ü ß ÿ Æ", "pop": nil, "score": -0.5, "surveyed": nil, "urban": true}
		if got := fs.Features[1].Properties; len(got) != len(want) {
			t.Errorf("%s feature 2: %v, want %v", layer, got, want)
		}
		for k, v := range want {
			if got := fs.Features[1].Properties[k]; got != v {
				t.Errorf("%s feature 2: %s = %#v, want %#v", layer, k, got, v)
			}
		}
		if got := fs.Features[0].Properties; got["surveyed"] != "2019-09-26" || got["urban"] != false || got["pop"] != int64(123) {
			t.Errorf("%s feature 1: %v", layer, got)
		}
	}

	pts := datatest.ReadRefGeoJSON(t, "points.geojson")
	fs := readGeoPackageFixture(t, "wales.gpkg", "points_xyzm")
	if fs.CRS != geo.WGS84 || len(fs.Features) != len(pts) { // EPSG:4979, WGS 84 3D, by its WKT
		t.Fatalf("points_xyzm: crs %v, %d features", fs.CRS, len(fs.Features))
	}
	for i, f := range fs.Features {
		if f.Geometry != pts[i].Geometry || f.Properties["site"] != pts[i].Properties["site"] {
			t.Errorf("points_xyzm feature %d: %v %v, want %v %v", i+1, f.Geometry, f.Properties, pts[i].Geometry, pts[i].Properties)
		}
	}
	mpts := datatest.ReadRefGeoJSON(t, "multipoints.geojson")
	fs = readGeoPackageFixture(t, "wales.gpkg", "multipoints_xy")
	for i, f := range fs.Features {
		if !orb.Equal(f.Geometry, mpts[i].Geometry) {
			t.Errorf("multipoints_xy feature %d: %v, want %v", i+1, f.Geometry, mpts[i].Geometry)
		}
	}
}

// gpkgBlobs returns every geometry blob of every feature table of a
// fixture.
func gpkgBlobs(t testing.TB, name string) [][]byte {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join("testdata", name)+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name, column_name FROM gpkg_geometry_columns`)
	if err != nil {
		t.Fatal(err)
	}
	var tables, columns []string
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		tables, columns = append(tables, tb), append(columns, col)
	}
	rows.Close()
	var blobs [][]byte
	for i := range tables {
		rows, err := db.Query("SELECT " + quoteIdent(columns[i]) + " FROM " + quoteIdent(tables[i]))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			if b != nil {
				blobs = append(blobs, b)
			}
		}
		rows.Close()
	}
	return blobs
}

// TestDecodeGPKGGeometryMatchesOrbWKB checks the WKB decoder against
// github.com/paulmach/orb/encoding/wkb on GDAL's 2D blobs.
func TestDecodeGPKGGeometryMatchesOrbWKB(t *testing.T) {
	n := 0
	for _, name := range []string{"lsoa_wgs84.gpkg", "lsoa_bng.gpkg"} {
		for _, b := range gpkgBlobs(t, name) {
			got, err := decodeGPKGGeometry(b)
			if err != nil {
				t.Fatal(err)
			}
			want, err := wkb.Unmarshal(b[8+gpkgEnvelopeBytes[(b[3]>>1)&7]:])
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(got, want) {
				t.Errorf("%s blob %d: decoded %v, orb/encoding/wkb %v", name, n, got, want)
			}
			n++
		}
	}
	if n != 40 {
		t.Errorf("compared %d blobs, want 40", n)
	}
}

// gpBlob wraps WKB in a GeoPackage geometry header: little-endian, no
// envelope unless env is given (4 values: an XY envelope).
func gpBlob(flags byte, body []byte, env ...float64) []byte {
	b := []byte{'G', 'P', 0, flags | 1, 0xE6, 0x10, 0, 0} // srs_id 4326
	if len(env) == 4 {
		b[3] |= 1 << 1
		for _, v := range env {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	return append(b, body...)
}

// wkbLE builds little-endian WKB: a type, then uint32 counts and float64
// coordinates as given (uint32 for int values, float64 for float64).
func wkbLE(typ uint32, parts ...any) []byte {
	b := binary.LittleEndian.AppendUint32([]byte{1}, typ)
	for _, p := range parts {
		switch p := p.(type) {
		case int:
			b = binary.LittleEndian.AppendUint32(b, uint32(p))
		case float64:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p))
		case []byte:
			b = append(b, p...)
		}
	}
	return b
}

func TestDecodeGPKGGeometry(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	beSquare := wkb.MustMarshal(square, binary.BigEndian)
	ok := []struct {
		name string
		blob []byte
		want orb.Geometry
	}{
		{"2D polygon with envelope", gpBlob(0, wkb.MustMarshal(square), 0, 1, 0, 1), square},
		{"big-endian WKB", gpBlob(0, beSquare), square},
		{"big-endian header", append([]byte{'G', 'P', 0, 0, 0, 0, 0x10, 0xE6}, beSquare...), square},
		{"point Z", gpBlob(0, wkbLE(1001, 1.5, 2.5, 99.0)), orb.Point{1.5, 2.5}},
		{"point M", gpBlob(0, wkbLE(2001, 1.5, 2.5, 99.0)), orb.Point{1.5, 2.5}},
		{"point ZM with XYZ envelope", append(append([]byte{'G', 'P', 0, 1 | 2<<1, 0, 0, 0, 0}, make([]byte, 48)...),
			wkbLE(3001, 1.5, 2.5, 99.0, 7.0)...), orb.Point{1.5, 2.5}},
		{"EWKB point Z with SRID", gpBlob(0, wkbLE(0xA0000001, 27700, 1.5, 2.5, 99.0)), orb.Point{1.5, 2.5}},
		{"multipolygon ZM", gpBlob(0, wkbLE(3006, 1, wkbLE(3003, 1, 4, 0.0, 0.0, 9.0, 9.0, 1.0, 0.0, 9.0, 9.0,
			0.0, 1.0, 9.0, 9.0, 0.0, 0.0, 9.0, 9.0))),
			orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}}},
		{"multipoint with an empty point", gpBlob(0, wkbLE(4, 2, wkbLE(1, math.NaN(), math.NaN()), wkbLE(1, 3.0, 4.0))),
			orb.MultiPoint{{3, 4}}},
		{"collection", gpBlob(0, wkbLE(7, 1, wkbLE(1, 3.0, 4.0))), orb.Collection{orb.Point{3, 4}}},
		{"empty flag", []byte{'G', 'P', 0, 1 | 0x10, 0, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0}, nil},
		{"empty point", gpBlob(0, wkbLE(1, math.NaN(), math.NaN())), nil},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeGPKGGeometry(c.blob)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (c.want == nil) || (got != nil && !orb.Equal(got, c.want)) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}

	nest := wkbLE(1, 1.0, 2.0)
	for range 40 {
		nest = wkbLE(7, 1, nest)
	}
	bad := []struct {
		name  string
		blob  []byte
		code  string
		parts []string
	}{
		{"bad magic", append([]byte("XY"), gpBlob(0, wkb.MustMarshal(square))[2:]...),
			placeplan.EINVALID, []string{`geometry: bad magic "XY", want "GP"`}},
		{"plain WKB, no header", wkb.MustMarshal(square), placeplan.EINVALID, []string{"bad magic"}},
		{"too short", []byte("GP\x00"), placeplan.EINVALID, []string{"geometry: 3 bytes, shorter than the 8-byte geopackage header"}},
		{"version 1", []byte("GP\x01\x01\x00\x00\x00\x00"), placeplan.EINVALID, []string{"geopackage geometry version 1, want 0"}},
		{"envelope type 5", []byte{'G', 'P', 0, 1 | 5<<1, 0, 0, 0, 0}, placeplan.EINVALID, []string{"bad envelope type 5"}},
		{"envelope cut short", []byte{'G', 'P', 0, 1 | 4<<1, 0, 0, 0, 0, 1, 2}, placeplan.EINVALID,
			[]string{"10 bytes, shorter than the 72-byte geopackage header"}},
		{"extended type", []byte{'G', 'P', 0, 1 | 0x20, 0, 0, 0, 0, 'C', 'U', 'R', 'V'}, placeplan.EUNSUPPORTED,
			[]string{"extended geopackage geometry types are not supported"}},
		{"truncated WKB", gpBlob(0, wkb.MustMarshal(square)[:30]), placeplan.EINVALID, []string{"geometry: wkb at byte"}},
		{"unknown WKB type", gpBlob(0, wkbLE(8, 0)), placeplan.EINVALID, []string{"unknown geometry type 8"}},
		{"unknown WKB dimension", gpBlob(0, wkbLE(4001, 0)), placeplan.EINVALID, []string{"unknown geometry type 4001"}},
		{"bad byte order", gpBlob(0, append([]byte{7}, wkb.MustMarshal(square)[1:]...)), placeplan.EINVALID, []string{"bad byte order 7"}},
		{"huge ring count", gpBlob(0, wkbLE(3, 0x7FFFFFFF)), placeplan.EINVALID, []string{"2147483647 rings do not fit in the 0 bytes left"}},
		{"huge point count", gpBlob(0, wkbLE(1003, 1, 0xFFFFFFFF, 1.0)), placeplan.EINVALID, []string{"4294967295 points do not fit"}},
		{"huge member count", gpBlob(0, wkbLE(6, 0x10000000)), placeplan.EINVALID, []string{"268435456 members do not fit"}},
		{"point in a multipolygon", gpBlob(0, wkbLE(6, 1, wkbLE(1, 1.0, 2.0))), placeplan.EINVALID,
			[]string{"member 1 of a MultiPolygon is a Point"}},
		{"infinite coordinate", gpBlob(0, wkbLE(2, 2, 0.0, 0.0, math.Inf(1), 0.0)), placeplan.EINVALID,
			[]string{"point 2 is not finite"}},
		{"nested collections", gpBlob(0, nest), placeplan.EINVALID, []string{"nested deeper than 32"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			g, err := decodeGPKGGeometry(c.blob)
			if err == nil {
				t.Fatalf("no error; decoded %v", g)
			}
			datatest.AssertAppError(t, err, c.code, c.parts...)
		})
	}
}

// testGeoPackage writes a minimal GeoPackage with one feature table
// "areas" in a temporary directory and returns its bytes. srs is the
// organization, its code and the definition WKT; blobs are the rows'
// geometries.
func testGeoPackage(t testing.TB, org string, code int, def string, blobs ...[]byte) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.gpkg")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
			organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
			description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
			srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL)`,
		`CREATE TABLE areas (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY, code TEXT, "odd ""name""" REAL, data BLOB)`,
		`INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('areas', 'features', 9000)`,
		`INSERT INTO gpkg_contents (table_name, data_type) VALUES ('notes', 'attributes')`,
		`INSERT INTO gpkg_geometry_columns VALUES ('areas', 'geom', 'GEOMETRY', 9000, 0, 0)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO gpkg_spatial_ref_sys VALUES ('test', 9000, ?, ?, ?, '')`, org, code, def); err != nil {
		t.Fatal(err)
	}
	for i, b := range blobs {
		if _, err := db.Exec(`INSERT INTO areas (geom, code, "odd ""name""", data) VALUES (?, ?, ?, x'00ff')`, b, "A"+string(rune('0'+i)), 0.5); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editGeoPackage returns the GeoPackage b after the SQL statements.
func editGeoPackage(t testing.TB, b []byte, stmts ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "edit.gpkg")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadGeoPackageHandMade(t *testing.T) {
	square := gpBlob(0, wkb.MustMarshal(orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}})) // clockwise
	b := testGeoPackage(t, "epsg", 27700, "whatever", square, nil)
	fs, err := Read(bytes.NewReader(b), "")
	if err != nil {
		t.Fatal(err)
	}
	if fs.CRS != geo.BNG || fs.Layer != "areas" || len(fs.Features) != 2 {
		t.Fatalf("crs %v, layer %q, %d features", fs.CRS, fs.Layer, len(fs.Features))
	}
	want := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}} // rewound counter-clockwise
	if !orb.Equal(fs.Features[0].Geometry, want) || fs.Features[1].Geometry != nil {
		t.Errorf("geometries %v, %v; want %v, nil", fs.Features[0].Geometry, fs.Features[1].Geometry, want)
	}
	wantProps := map[string]any{"fid": int64(1), "code": "A0", `odd "name"`: 0.5}
	if got := fs.Features[0].Properties; len(got) != len(wantProps) {
		t.Errorf("properties %v, want %v (no blob column)", got, wantProps)
	}
	for k, v := range wantProps {
		if got := fs.Features[0].Properties[k]; got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}

	t.Run("CRS from the definition WKT", func(t *testing.T) {
		wgs := `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]`
		fs, err := Read(bytes.NewReader(testGeoPackage(t, "NONE", 1, wgs, square)), "areas")
		if err != nil || fs.CRS != geo.WGS84 {
			t.Errorf("crs %v, error %v; want EPSG:4326", fs, err)
		}
	})
}

func TestReadGeoPackageMalformed(t *testing.T) {
	wales, err := os.ReadFile(filepath.Join("testdata", "wales.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	square := gpBlob(0, wkb.MustMarshal(orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}}))
	line := gpBlob(0, wkb.MustMarshal(orb.LineString{{0, 0}, {1, 1}}))

	plainSQLite := filepath.Join(t.TempDir(), "plain.sqlite")
	db, err := sql.Open("sqlite3", plainSQLite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE areas (code TEXT, geom BLOB)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	plain, err := os.ReadFile(plainSQLite)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		gpkg  []byte
		layer string
		code  string
		parts []string
	}{
		{"several layers and none chosen", wales, "", placeplan.EINVALID,
			[]string{"gpkg: 5 feature layers (multipoints_xy, points_xyzm, wales_xym, wales_xyz, wales_xyzm): choose one with --layer"}},
		{"unknown layer", wales, "roads", placeplan.ENOTFOUND, []string{`gpkg: no feature layer "roads" (layers: multipoints_xy`}},
		{"attributes table is no feature layer", testGeoPackage(t, "EPSG", 4326, "x", square), "notes", placeplan.ENOTFOUND,
			[]string{`no feature layer "notes" (layers: areas)`}},
		{"sqlite but not a geopackage", plain, "", placeplan.EINVALID, []string{"gpkg: not a geopackage: no gpkg_contents"}},
		{"not sqlite", []byte("id,name\n1,x\n"), "", placeplan.EINVALID, []string{"gpkg: not a geopackage: not an sqlite database"}},
		{"empty", nil, "", placeplan.EINVALID, []string{"not an sqlite database"}},
		{"corrupt sqlite", append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xEE}, 2000)...), "", placeplan.EINVALID,
			[]string{"gpkg: not a geopackage: "}},
		{"a view that never ends", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`CREATE VIEW loop AS WITH RECURSIVE c(fid) AS (SELECT 1 UNION ALL SELECT fid + 1 FROM c) SELECT fid, NULL AS geom FROM c`,
			`INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('loop', 'features', 9000)`,
			`INSERT INTO gpkg_geometry_columns VALUES ('loop', 'geom', 'POINT', 9000, 0, 0)`), "loop", placeplan.EUNSUPPORTED,
			[]string{"gpkg: layer loop is a view: placeplan reads feature tables only"}},
		{"gpkg_contents a view", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`ALTER TABLE gpkg_contents RENAME TO contents`, `CREATE VIEW gpkg_contents AS SELECT * FROM contents`), "", placeplan.EINVALID,
			[]string{"gpkg: not a geopackage: no gpkg_contents, gpkg_geometry_columns and gpkg_spatial_ref_sys tables"}},
		{"a virtual table", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`CREATE VIRTUAL TABLE spatial USING rtree(id, minx, maxx, miny, maxy)`,
			`INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('spatial', 'features', 9000)`,
			`INSERT INTO gpkg_geometry_columns VALUES ('spatial', 'geom', 'POINT', 9000, 0, 0)`), "spatial", placeplan.EUNSUPPORTED,
			[]string{"gpkg: layer spatial is a virtual table"}},
		{"contents names a missing table", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('gone', 'features', 9000)`,
			`INSERT INTO gpkg_geometry_columns VALUES ('gone', 'geom', 'POINT', 9000, 0, 0)`), "gone", placeplan.EINVALID,
			[]string{"gpkg: layer gone: gpkg_contents names it, but the file has no such table"}},
		{"a virtual generated column", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`ALTER TABLE areas ADD COLUMN big TEXT GENERATED ALWAYS AS (printf('%.*c', 999999999, 'x')) VIRTUAL`), "", placeplan.EUNSUPPORTED,
			[]string{"gpkg: layer areas column big is a virtual generated column"}},
		{"a virtual generated column in gpkg_contents", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`ALTER TABLE gpkg_contents ADD COLUMN big TEXT GENERATED ALWAYS AS (printf('%.*c', 999999999, 'x')) VIRTUAL`), "", placeplan.EUNSUPPORTED,
			[]string{"gpkg: table gpkg_contents column big is a virtual generated column"}},
		{"srs not defined", editGeoPackage(t, testGeoPackage(t, "EPSG", 4326, "x", square),
			`UPDATE gpkg_geometry_columns SET srs_id = 27700`), "", placeplan.EINVALID,
			[]string{"gpkg: layer areas: srs_id 27700 is not in gpkg_spatial_ref_sys"}},
		{"lambert crs", testGeoPackage(t, "ESRI", 3034, datatest.LambertPrj, square), "", placeplan.EUNSUPPORTED,
			[]string{`gpkg: layer areas: unsupported crs "ETRS_1989_LCC" (projection Lambert_Conformal_Conic)`}},
		{"line geometry", testGeoPackage(t, "EPSG", 4326, "x", square, line), "", placeplan.EUNSUPPORTED,
			[]string{"gpkg: layer areas feature 2: LineString geometries are not supported"}},
		{"bad blob", testGeoPackage(t, "EPSG", 4326, "x", square, []byte("XP\x00\x01\x00\x00\x00\x00")), "", placeplan.EINVALID,
			[]string{`gpkg: layer areas feature 2: geometry: bad magic "XP"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := Read(bytes.NewReader(c.gpkg), c.layer)
			if err == nil {
				t.Fatalf("no error; read %d features", len(fs.Features))
			}
			datatest.AssertAppError(t, err, c.code, c.parts...)
		})
	}
}

// TestReadGeoPackageRemovesTempFile checks the temporary copy is gone
// after reading, on success and on error.
func TestReadGeoPackageRemovesTempFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	readGeoPackageFixture(t, "lsoa_wgs84.gpkg", "")
	if _, err := Read(bytes.NewReader([]byte("not sqlite")), ""); err == nil {
		t.Fatal("no error")
	}
	wales, err := os.ReadFile(filepath.Join("testdata", "wales.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(wales), ""); err == nil {
		t.Fatal("no error")
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("left behind in TMPDIR: %v", left)
	}
}

// FuzzDecodeGPKGGeometry fuzzes the GeoPackage geometry decoder, seeded
// with every blob of the fixtures. Errors must be application errors; a
// decoded geometry must survive a round trip through orb's WKB encoder.
func FuzzDecodeGPKGGeometry(f *testing.F) {
	for _, name := range []string{"wales.gpkg", "lsoa_bng.gpkg"} {
		for _, b := range gpkgBlobs(f, name) {
			f.Add(b)
		}
	}
	f.Add(gpBlob(0, wkbLE(7, 2, wkbLE(1, 3.0, 4.0), wkbLE(5, 1, wkbLE(2, 2, 0.0, 0.0, 1.0, 1.0)))))
	f.Add(gpBlob(0, wkbLE(0xE0000004, 4326, 1, wkbLE(0xC0000001, 1.0, 2.0, 3.0, 4.0))))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGPKGGeometry(b)
		if err != nil {
			var e *placeplan.Error
			if !errors.As(err, &e) || (e.Code != placeplan.EINVALID && e.Code != placeplan.EUNSUPPORTED) {
				t.Fatalf("error %v (%T), want an EINVALID or EUNSUPPORTED *placeplan.Error", err, err)
			}
			return
		}
		if g == nil {
			return
		}
		body, err := wkb.Marshal(g)
		if err != nil {
			t.Fatalf("re-encode %v: %v", g, err)
		}
		again, err := decodeGPKGGeometry(gpBlob(0, body))
		if err != nil {
			t.Fatalf("decode re-encoded %v: %v", g, err)
		}
		if !orb.Equal(g, again) {
			t.Fatalf("round trip: %v became %v", g, again)
		}
	})
}

func ExampleRead() {
	f, err := os.Open(filepath.Join("testdata", "wales.gpkg"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	fs, err := Read(f, "points_xyzm")
	if err != nil {
		fmt.Println(placeplan.ErrorCode(err), err)
		return
	}
	fmt.Println(fs.Layer, fs.CRS)
	for _, ft := range fs.Features {
		fmt.Println(ft.Properties["fid"], ft.Properties["site"], ft.Geometry)
	}
	// Output:
	// points_xyzm EPSG:4326
	// 1 Ysbyty Ifan [-3.7205 53.0231]
	// 2 Betws-y-Coed [-3.8005 53.0925]
	// 3 Llanrwst – Café [-3.7976 53.1383]
}

func BenchmarkReadGeoPackage(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "lsoa_bng.gpkg"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), ""); err != nil {
			b.Fatal(err)
		}
	}
}
