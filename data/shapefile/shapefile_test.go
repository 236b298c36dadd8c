package shapefile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/data/geopackage"
	"placeplan/data/internal/datatest"
	"placeplan/data/record"
	"placeplan/geo"
)

// set holds the bytes of one shapefile's files; nil for a file absent.
type set struct{ shp, shx, dbf, prj, cpg []byte }

// shapefileSet reads testdata/stem.{shp,shx,dbf,prj,cpg}; the .shx, .prj
// and .cpg may be absent.
func shapefileSet(t testing.TB, stem string) set {
	t.Helper()
	return readSet(t, filepath.Join("testdata", stem))
}

// readSet reads the files of the shapefile at path stem (no extension).
func readSet(t testing.TB, stem string) set {
	t.Helper()
	read := func(ext string, required bool) []byte {
		b, err := os.ReadFile(stem + ext)
		if err != nil {
			if !required && errors.Is(err, os.ErrNotExist) {
				return nil
			}
			t.Fatal(err)
		}
		return b
	}
	return set{shp: read(".shp", true), shx: read(".shx", false), dbf: read(".dbf", true), prj: read(".prj", false), cpg: read(".cpg", false)}
}

// read calls Read over the set's files, passing nil for those absent.
func (s set) read() (*feature.Set, error) {
	r := func(b []byte) io.Reader {
		if b == nil {
			return nil
		}
		return bytes.NewReader(b)
	}
	return Read(Parts{SHP: r(s.shp), SHX: r(s.shx), DBF: r(s.dbf), PRJ: r(s.prj), CPG: r(s.cpg)})
}

func readShapefileFixture(t testing.TB, stem string) *feature.Set {
	t.Helper()
	fs, err := shapefileSet(t, stem).read()
	if err != nil {
		t.Fatalf("%s: %v", stem, err)
	}
	return fs
}

func TestReadShapefileLSOA(t *testing.T) {
	cases := []struct {
		stem string
		ref  string
		crs  geo.CRS
	}{
		{"lsoa_wgs84", "ref_wgs84.geojson.gz", geo.WGS84}, // no .cpg, language driver 0x57
		{"lsoa_bng", "ref_bng.geojson.gz", geo.BNG},       // .cpg UTF-8
	}
	for _, c := range cases {
		t.Run(c.stem, func(t *testing.T) {
			fs := readShapefileFixture(t, c.stem)
			if fs.Format != "ESRI Shapefile" || fs.CRS != c.crs || fs.Layer != "" {
				t.Errorf("format %q, crs %v, layer %q; want ESRI Shapefile, %v, none", fs.Format, fs.CRS, fs.Layer, c.crs)
			}
			datatest.CompareLSOAs(t, fs, datatest.ReadRefGeoJSON(t, c.ref))
		})
	}
}

func TestReadShapefileZip(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "lsoa_bng.zip"))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := ReadZip(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if fs.CRS != geo.BNG {
		t.Errorf("crs %v, want EPSG:27700", fs.CRS)
	}
	datatest.CompareLSOAs(t, fs, datatest.ReadRefGeoJSON(t, "ref_bng.geojson.gz"))
}

// zipOf builds a zip archive from name → content pairs.
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadShapefileZipMembers(t *testing.T) {
	pts := shapefileSet(t, "points_cp1252")
	shp, dbf, prj, cpg := pts.shp, pts.dbf, pts.prj, pts.cpg
	t.Run("upper case names in a folder, macOS junk ignored", func(t *testing.T) {
		z := zipOf(t,
			"Data/Sites/POINTS.SHP", string(shp), "Data/Sites/POINTS.DBF", string(dbf),
			"Data/Sites/POINTS.PRJ", string(prj), "Data/Sites/POINTS.CPG", string(cpg),
			"__MACOSX/Data/Sites/._POINTS.SHP", "junk", "Data/Sites/._POINTS.SHP", "junk",
			"Data/readme.txt", "hello")
		fs, err := ReadZip(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		if len(fs.Features) != 3 || fs.CRS != geo.WGS84 || fs.Features[2].Properties["site"] != "Llanrwst – Café" {
			t.Errorf("got %d features, crs %v, site %q", len(fs.Features), fs.CRS, fs.Features[2].Properties["site"])
		}
	})
	cases := []struct {
		name  string
		zip   []byte
		code  string
		parts []string
	}{
		{"two shapefiles", zipOf(t, "a.shp", string(shp), "a.dbf", string(dbf), "b/c.shp", string(shp)),
			placeplan.EINVALID, []string{"zip: 2 .shp files", "a.shp", "b/c.shp"}},
		{"no shapefile", zipOf(t, "a.dbf", string(dbf), "notes.txt", "x"),
			placeplan.EINVALID, []string{"zip: no .shp file", "a.dbf, notes.txt"}},
		{"no dbf beside the shp", zipOf(t, "a/x.shp", string(shp), "b/x.dbf", string(dbf)),
			placeplan.EINVALID, []string{"zip: no .dbf file beside a/x.shp"}},
		{"not a zip", []byte("PK but not really"), placeplan.EINVALID, []string{"zip: "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadZip(bytes.NewReader(c.zip), int64(len(c.zip)))
			datatest.AssertAppError(t, err, c.code, c.parts...)
		})
	}
}

// TestReadShapefileAttributes reads the hand-made Welsh fixtures: Latin-1
// text without a .cpg, a record deleted in the .dbf, a null geometry, null
// numbers and dates, GDAL's N(1) booleans.
func TestReadShapefileAttributes(t *testing.T) {
	fs := readShapefileFixture(t, "wales_latin1")
	if fs.CRS != geo.WGS84 {
		t.Errorf("crs %v", fs.CRS)
	}
	want := []map[string]any{
		{"id": int64(1), "name": "Ysbyty Ifan â", "pop": int64(123), "score": 1.25, "surveyed": "2019-09-26", "urban": int64(0)},
		{"id": int64(2), "name": "Bryn-côch é ü ß ÿ Æ", "pop": nil, "score": -0.5, "surveyed": nil, "urban": int64(1)},
		{"id": int64(4), "name": "Dim geometreg", "pop": int64(0), "score": nil, "surveyed": nil, "urban": nil},
		{"id": int64(5), "name": "Llanrwst", "pop": int64(3323), "score": 12345678.875, "surveyed": "2001-04-29", "urban": int64(1)},
	}
	if len(fs.Features) != len(want) {
		t.Fatalf("%d features, want %d (record 3 is deleted)", len(fs.Features), len(want))
	}
	for i, w := range want {
		got := fs.Features[i].Properties
		if len(got) != len(w) {
			t.Errorf("feature %d: properties %v, want %v", i+1, got, w)
		}
		for k, v := range w {
			if got[k] != v {
				t.Errorf("feature %d: %s = %#v, want %#v", i+1, k, got[k], v)
			}
		}
	}
	src := datatest.ReadRefGeoJSON(t, "wales.geojson")
	srcByID := map[int64]datatest.RefFeature{}
	for _, f := range src {
		srcByID[int64(f.Properties["id"].(float64))] = f
	}
	for _, stem := range []string{"wales_latin1", "wales_polygonz", "wales_polygonm"} {
		fs := readShapefileFixture(t, stem)
		if len(fs.Features) != 5-btoi(stem == "wales_latin1") {
			t.Fatalf("%s: %d features", stem, len(fs.Features))
		}
		for _, f := range fs.Features {
			id := f.Properties["id"].(int64)
			want := srcByID[id].Geometry
			if stem == "wales_polygonz" {
				// GDAL 3.6 writes the holes of this PolygonZ file clockwise,
				// like outer rings, against the specification, and reads
				// them back (ogrinfo) as polygons of their own; so does
				// placeplan.
				want = everyRingAPolygon(want)
			}
			datatest.ComparePolygons(t, stem, f.Geometry, want, 0)
			datatest.AssertRFC7946Orientation(t, stem, f.Geometry)
		}
	}
	// the MultiPolygon's hole belongs to its second polygon
	mp, ok := fs.Features[1].Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 2 || len(mp[0]) != 1 || len(mp[1]) != 2 {
		t.Errorf("feature 2: %v, want a MultiPolygon with a hole in its second polygon", fs.Features[1].Geometry)
	}
}

// everyRingAPolygon returns a polygon's rings each as a polygon of its own,
// a MultiPolygon when there are several.
func everyRingAPolygon(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	var out orb.MultiPolygon
	for _, p := range record.AsMultiPolygon(g) {
		for _, r := range p {
			out = append(out, orb.Polygon{r})
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestReadShapefilePoints(t *testing.T) {
	src := datatest.ReadRefGeoJSON(t, "points.geojson")
	for _, stem := range []string{"points_cp1252", "points_z", "points_m"} {
		fs := readShapefileFixture(t, stem)
		if len(fs.Features) != len(src) || fs.CRS != geo.WGS84 {
			t.Fatalf("%s: %d features, crs %v", stem, len(fs.Features), fs.CRS)
		}
		for i, f := range fs.Features {
			if f.Geometry != src[i].Geometry {
				t.Errorf("%s feature %d: %v, want %v", stem, i+1, f.Geometry, src[i].Geometry)
			}
			if f.Properties["site"] != src[i].Properties["site"] {
				t.Errorf("%s feature %d: site %q, want %q", stem, i+1, f.Properties["site"], src[i].Properties["site"])
			}
			wantBeds := any(nil)
			if b, ok := src[i].Properties["beds"].(float64); ok {
				wantBeds = int64(b)
			}
			if f.Properties["beds"] != wantBeds {
				t.Errorf("%s feature %d: beds %#v, want %#v", stem, i+1, f.Properties["beds"], wantBeds)
			}
		}
	}
	msrc := datatest.ReadRefGeoJSON(t, "multipoints.geojson")
	fs := readShapefileFixture(t, "multipoints_z")
	if len(fs.Features) != len(msrc) {
		t.Fatalf("multipoints_z: %d features", len(fs.Features))
	}
	for i, f := range fs.Features {
		if !orb.Equal(f.Geometry, msrc[i].Geometry) {
			t.Errorf("multipoints_z feature %d: %v, want %v", i+1, f.Geometry, msrc[i].Geometry)
		}
	}
}

// TestShapefileBNGAgainstGDAL converts the EPSG:27700 shapefile and
// GeoPackage with geo.BNGToWGS84 and compares every vertex with GDAL's
// EPSG:4326 reference.
func TestShapefileBNGAgainstGDAL(t *testing.T) {
	ref := datatest.ReadRefGeoJSON(t, "ref_wgs84.geojson.gz")
	gpkg, err := os.Open(filepath.Join("..", "geopackage", "testdata", "lsoa_bng.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer gpkg.Close()
	fromGPKG, err := geopackage.Read(gpkg, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, fs := range map[string]*feature.Set{"shapefile": readShapefileFixture(t, "lsoa_bng"), "geopackage": fromGPKG} {
		if fs.CRS != geo.BNG || len(fs.Features) != len(ref) {
			t.Fatalf("%s: crs %v, %d features", name, fs.CRS, len(fs.Features))
		}
		maxM, vertices := 0.0, 0
		for i, f := range fs.Features {
			g, w := datatest.AsMultiPolygon(t, f.Geometry), datatest.AsMultiPolygon(t, ref[i].Geometry)
			for pi := range w {
				for ri := range w[pi] {
					if len(g) != len(w) || len(g[pi]) != len(w[pi]) || len(g[pi][ri]) != len(w[pi][ri]) {
						t.Fatalf("%s feature %d: shape differs from the reference", name, i+1)
					}
					for k, p := range g[pi][ri] {
						lon, lat := geo.BNGToWGS84(p[0], p[1])
						d := orbgeo.Distance(orb.Point{lon, lat}, w[pi][ri][k])
						if d > 5 {
							t.Errorf("%s feature %d: vertex %v → (%.7f, %.7f) is %.2f m from GDAL's %v",
								name, i+1, p, lon, lat, d, w[pi][ri][k])
						}
						maxM = math.Max(maxM, d)
						vertices++
					}
				}
			}
		}
		t.Logf("%s: %d vertices, max distance from GDAL's EPSG:4326 coordinates %.4f m", name, vertices, maxM)
	}
}

// Builders for hand-made malformed files.

// shpFile returns a .shp with the given file shape type and records; each
// record's content starts with its shape type.
func shpFile(fileType int32, records ...[]byte) []byte {
	var body bytes.Buffer
	for i, c := range records {
		var h [8]byte
		binary.BigEndian.PutUint32(h[0:], uint32(i+1))
		binary.BigEndian.PutUint32(h[4:], uint32(len(c)/2))
		body.Write(h[:])
		body.Write(c)
	}
	h := make([]byte, shpHeaderBytes)
	binary.BigEndian.PutUint32(h[0:], shpFileCode)
	binary.BigEndian.PutUint32(h[24:], uint32((shpHeaderBytes+body.Len())/2))
	binary.LittleEndian.PutUint32(h[28:], shpVersion)
	binary.LittleEndian.PutUint32(h[32:], uint32(fileType))
	return append(h, body.Bytes()...)
}

func le32(v int32) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }

func lePoints(ps ...orb.Point) []byte {
	var b []byte
	for _, p := range ps {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
	}
	return b
}

// polygonRecord returns Polygon record content with the rings as given.
func polygonRecord(rings ...[]orb.Point) []byte {
	b := append(le32(shpPolygon), make([]byte, 32)...) // box: unused by the reader
	n := 0
	for _, r := range rings {
		n += len(r)
	}
	b = append(b, le32(int32(len(rings)))...)
	b = append(b, le32(int32(n))...)
	at := 0
	for _, r := range rings {
		b = append(b, le32(int32(at))...)
		at += len(r)
	}
	for _, r := range rings {
		b = append(b, lePoints(r...)...)
	}
	return b
}

func pointRecord(p orb.Point) []byte { return append(le32(shpPoint), lePoints(p)...) }

// square returns a closed axis-aligned square ring, clockwise unless ccw.
func square(x0, y0, size float64, ccw bool) []orb.Point {
	r := []orb.Point{{x0, y0}, {x0, y0 + size}, {x0 + size, y0 + size}, {x0 + size, y0}, {x0, y0}}
	if ccw {
		orb.Ring(r).Reverse()
	}
	return r
}

// dbfTestField describes a field for dbfFile.
type dbfTestField struct {
	name     string
	typ      byte
	length   int
	decimals int
}

// dbfFile returns a dBASE III table; each record's values are padded with
// spaces to the field lengths. A record whose first value starts with '*'
// is marked deleted (the '*' is dropped from the value).
func dbfFile(fields []dbfTestField, records ...[]string) []byte {
	recordLen := 1
	for _, f := range fields {
		recordLen += f.length
	}
	h := make([]byte, 32)
	h[0] = 0x03
	binary.LittleEndian.PutUint32(h[4:], uint32(len(records)))
	binary.LittleEndian.PutUint16(h[8:], uint16(32+32*len(fields)+1))
	binary.LittleEndian.PutUint16(h[10:], uint16(recordLen))
	for _, f := range fields {
		fd := make([]byte, 32)
		copy(fd, f.name)
		fd[11] = f.typ
		fd[16] = byte(f.length)
		fd[17] = byte(f.decimals)
		h = append(h, fd...)
	}
	h = append(h, 0x0D)
	for _, r := range records {
		flag := byte(' ')
		if len(r) > 0 && strings.HasPrefix(r[0], "*") {
			flag = '*'
			r = append([]string{r[0][1:]}, r[1:]...)
		}
		h = append(h, flag)
		for i, f := range fields {
			v := []byte(r[i])
			for len(v) < f.length {
				v = append(v, ' ')
			}
			h = append(h, v[:f.length]...)
		}
	}
	return append(h, 0x1A)
}

var oneTextField = []dbfTestField{{"NAME", 'C', 10, 0}}

func TestReadShapefileDBFTypes(t *testing.T) {
	fields := []dbfTestField{
		{"TEXT", 'C', 12, 0}, {"INT", 'N', 10, 0}, {"REAL", 'N', 12, 3}, {"FLOAT", 'F', 12, 4},
		{"FLAG", 'L', 1, 0}, {"WHEN", 'D', 8, 0},
	}
	records := [][]string{
		{"  lead kept", "42", "-1.500", "2.5E+03", "T", "20240229"},
		{"*gone", "1", "1", "1", "F", "20000101"},
		{"", "", "**********", "", "?", "        "},
		{"x", "  -7", "3", "1e400x", "n", "00000000"}, // a bad float, checked below
	}
	good, dbf := dbfFile(fields, records[:3]...), dbfFile(fields, records...)
	shp := shpFile(shpPoint, pointRecord(orb.Point{1, 2}), pointRecord(orb.Point{3, 4}), pointRecord(orb.Point{5, 6}))
	fs, err := Read(Parts{SHP: bytes.NewReader(shp), DBF: bytes.NewReader(good)})
	if err != nil {
		t.Fatal(err)
	}
	if fs.CRS != geo.CRSUnknown || len(fs.Features) != 2 {
		t.Fatalf("crs %v, %d features; want unknown CRS and 2 features", fs.CRS, len(fs.Features))
	}
	want := []map[string]any{
		{"TEXT": "  lead kept", "INT": int64(42), "REAL": -1.5, "FLOAT": 2500.0, "FLAG": true, "WHEN": "2024-02-29"},
		{"TEXT": "", "INT": nil, "REAL": nil, "FLOAT": nil, "FLAG": nil, "WHEN": nil},
	}
	wantGeom := []orb.Geometry{orb.Point{1, 2}, orb.Point{5, 6}} // record 2 is deleted
	for i, w := range want {
		for k, v := range w {
			if got := fs.Features[i].Properties[k]; got != v {
				t.Errorf("feature %d: %s = %#v, want %#v", i+1, k, got, v)
			}
		}
		if fs.Features[i].Geometry != wantGeom[i] {
			t.Errorf("feature %d: geometry %v, want %v", i+1, fs.Features[i].Geometry, wantGeom[i])
		}
	}
	shp4 := shpFile(shpPoint, pointRecord(orb.Point{1, 2}), pointRecord(orb.Point{3, 4}), pointRecord(orb.Point{5, 6}), pointRecord(orb.Point{7, 8}))
	_, err = Read(Parts{SHP: bytes.NewReader(shp4), DBF: bytes.NewReader(dbf)})
	datatest.AssertAppError(t, err, placeplan.EINVALID, `dbf record 4: field 4 (FLOAT): bad number "1e400x"`)
}

func TestShapefileWindows1252(t *testing.T) {
	in := []byte{'a', 0x80, 0x85, 0x8A, 0x96, 0x9F, 0x81, 0xA0, 0xE2, 0xFF}
	want := "a€…Š–Ÿ\u0081\u00a0âÿ"
	if got := encodingWindows1252.decode(in); got != want {
		t.Errorf("decode = %q, want %q", got, want)
	}
	if got := encodingUTF8.decode([]byte("ok \xff")); got != "ok \uFFFD" {
		t.Errorf("utf-8 decode = %q", got)
	}
	for _, name := range []string{"UTF-8", "utf8\r\n", "\ufeffUTF-8", "65001"} {
		if e, err := readCpg(strings.NewReader(name)); err != nil || e != encodingUTF8 {
			t.Errorf("cpg %q: %v, %v; want UTF-8", name, e, err)
		}
	}
	for _, name := range []string{"1252", "ISO-8859-1", "LATIN1", "ANSI 1252", "cp1252", "", "ISO88591"} {
		if e, err := readCpg(strings.NewReader(name)); err != nil || e != encodingWindows1252 {
			t.Errorf("cpg %q: %v, %v; want Windows-1252", name, e, err)
		}
	}
}

func TestShapefileAssemblePolygons(t *testing.T) {
	cases := []struct {
		name  string
		rings [][]orb.Point
		want  orb.Geometry // in RFC 7946 orientation
	}{
		{
			name:  "hole listed after a different outer ring",
			rings: [][]orb.Point{square(0, 0, 10, false), square(20, 0, 10, false), square(2, 2, 2, true)},
			want: orb.MultiPolygon{
				{orb.Ring(square(0, 0, 10, true)), orb.Ring(square(2, 2, 2, false))},
				{orb.Ring(square(20, 0, 10, true))},
			},
		},
		{
			name: "island in a lake goes to the smallest containing outer",
			rings: [][]orb.Point{square(0, 0, 100, false), square(10, 10, 50, true), square(20, 20, 10, false),
				square(22, 22, 2, true)},
			want: orb.MultiPolygon{
				{orb.Ring(square(0, 0, 100, true)), orb.Ring(square(10, 10, 50, false))},
				{orb.Ring(square(20, 20, 10, true)), orb.Ring(square(22, 22, 2, false))},
			},
		},
		{
			name:  "hole touching its outer ring",
			rings: [][]orb.Point{square(0, 0, 10, false), {{0, 0}, {5, 2}, {2, 5}, {0, 0}}},
			want:  orb.Polygon{orb.Ring(square(0, 0, 10, true)), orb.Ring{{0, 0}, {2, 5}, {5, 2}, {0, 0}}},
		},
		{
			name:  "hole outside every outer ring becomes an outer ring",
			rings: [][]orb.Point{square(0, 0, 10, false), square(50, 50, 1, true)},
			want:  orb.MultiPolygon{{orb.Ring(square(0, 0, 10, true))}, {orb.Ring(square(50, 50, 1, true))}},
		},
		{
			name:  "only counter-clockwise rings",
			rings: [][]orb.Point{square(0, 0, 10, true)},
			want:  orb.Polygon{orb.Ring(square(0, 0, 10, true))},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shp := shpFile(shpPolygon, polygonRecord(c.rings...))
			fs, err := Read(Parts{SHP: bytes.NewReader(shp), DBF: bytes.NewReader(dbfFile(oneTextField, []string{"a"}))})
			if err != nil {
				t.Fatal(err)
			}
			if got := fs.Features[0].Geometry; !orb.Equal(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestReadShapefileMalformed(t *testing.T) {
	lsoa := shapefileSet(t, "lsoa_bng")
	shp, shx, dbf, prj := lsoa.shp, lsoa.shx, lsoa.dbf, lsoa.prj
	patch := func(b []byte, at int, v []byte) []byte {
		c := bytes.Clone(b)
		copy(c[at:], v)
		return c
	}
	be32 := func(v int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
	dbf1 := dbfFile(oneTextField, []string{"a"})
	tri := []orb.Point{{0, 0}, {0, 1}, {1, 1}, {0, 0}}
	cases := []struct {
		name                    string
		shp, shx, dbf, prj, cpg []byte
		code                    string
		parts                   []string
	}{
		{name: "shx shorter than its header", shp: shp, shx: shx[:50], dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shx: 50 bytes, shorter than the 100-byte header"}},
		{name: "shx of another shape type", shp: shp, shx: patch(shx, 32, le32(shpPoint)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shx: shape type 1 (Point), but the .shp's is 5 (Polygon): the .shx belongs to another .shp"}},
		{name: "shx truncated", shp: shp, shx: shx[:len(shx)-8], dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shx: header gives a file length of 260 bytes, the file has 252"}},
		{name: "shx with a partial record", shp: shp, shx: patch(shx[:len(shx)-4], 24, be32(128)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shx: 156 bytes after the header, not a whole number of 8-byte records"}},
		{name: "shx one record short", shp: shp, shx: patch(shx[:len(shx)-8], 24, be32(126)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shx: 19 records, the .shp has more: the .shx belongs to another .shp"}},
		{name: "shx one record over", shp: shp, shx: patch(append(bytes.Clone(shx), shx[len(shx)-8:]...), 24, be32(134)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"record count mismatch: shp has 20 records, shx has 21: the .shx belongs to another .shp"}},
		{name: "shx offset of another record", shp: shp, shx: patch(shx, 100+8, shx[100+16:100+20]), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shx record 2: offset ", "; the .shp has record 2 at offset "}},
		{name: "truncated shp", shp: shp[:len(shp)/2], dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shp record", "truncated"}},
		{name: "shp shorter than its header", shp: shp[:60], dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shp: 60 bytes, shorter than the 100-byte header"}},
		{name: "wrong file code", shp: patch(shp, 0, be32(9995)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shp: file code 9995, want 9994"}},
		{name: "wrong version", shp: patch(shp, 28, le32(999)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shp: version 999, want 1000"}},
		{name: "record count mismatch, dbf shorter", shp: shp, dbf: patch(dbf, 4, le32(19)),
			code: placeplan.EINVALID, parts: []string{"record count mismatch: shp has 20 records, dbf has 19"}},
		{name: "record count mismatch, dbf longer", shp: shpFile(shpPoint, pointRecord(orb.Point{1, 1})),
			dbf:  dbfFile(oneTextField, []string{"a"}, []string{"b"}),
			code: placeplan.EINVALID, parts: []string{"record count mismatch: shp has 1 records, dbf has 2"}},
		{name: "dbf truncated", shp: shp, dbf: dbf[:len(dbf)/2],
			code: placeplan.EINVALID, parts: []string{"dbf record", "truncated"}},
		{name: "ring with 2 points", dbf: dbfFile(oneTextField, []string{"a"}, []string{"b"}),
			shp:  shpFile(shpPolygon, polygonRecord(tri), polygonRecord(tri, []orb.Point{{5, 5}, {6, 6}})),
			code: placeplan.EINVALID, parts: []string{"shp record 2: ring 2 has 2 points, need at least 4"}},
		{name: "closed ring with 3 points", dbf: dbf1,
			shp:  shpFile(shpPolygon, polygonRecord([]orb.Point{{0, 0}, {1, 1}, {0, 0}})),
			code: placeplan.EINVALID, parts: []string{"shp record 1: ring 1 has 3 points, need at least 4"}},
		{name: "unknown shape type in header", shp: patch(shp, 32, le32(7)), dbf: dbf,
			code: placeplan.EINVALID, parts: []string{"shp: unknown shape type 7"}},
		{name: "unknown shape type in a record", dbf: dbf1,
			shp:  shpFile(shpPoint, append(le32(42), lePoints(orb.Point{1, 2})...)),
			code: placeplan.EINVALID, parts: []string{"shp record 1: unknown shape type 42"}},
		{name: "record type differs from the file's", dbf: dbf1,
			shp:  shpFile(shpPolygon, pointRecord(orb.Point{1, 2})),
			code: placeplan.EINVALID, parts: []string{"shp record 1: shape type 1 (Point) differs from the file's shape type 5 (Polygon)"}},
		{name: "polyline file", shp: patch(shp, 32, le32(shpPolyLine)), dbf: dbf,
			code: placeplan.EUNSUPPORTED, parts: []string{"shp: shape type 3 (PolyLine) is not supported"}},
		{name: "lambert prj", shp: shp, dbf: dbf, prj: []byte(datatest.LambertPrj),
			code: placeplan.EUNSUPPORTED, parts: []string{`prj: unsupported crs "ETRS_1989_LCC" (projection Lambert_Conformal_Conic)`}},
		{name: "unsupported cpg", shp: shp, dbf: dbf, prj: prj, cpg: []byte("936"),
			code: placeplan.EUNSUPPORTED, parts: []string{`cpg: encoding "936" is not supported`}},
		{name: "record runs past the file length", dbf: dbf1,
			shp:  patch(shpFile(shpPoint, pointRecord(orb.Point{1, 2})), 104, be32(1000)),
			code: placeplan.EINVALID, parts: []string{"shp record 1: content length 2000 bytes runs past the file length of 128 bytes"}},
		{name: "lying header length", dbf: dbf1,
			shp:  patch(shpFile(shpPoint, pointRecord(orb.Point{1, 2})), 24, be32(math.MaxInt32)),
			code: placeplan.EINVALID, parts: []string{"shp record 2: truncated"}},
		{name: "huge part count", dbf: dbf1,
			shp:  shpFile(shpPolygon, patch(polygonRecord(tri), 36, le32(math.MaxInt32))),
			code: placeplan.EINVALID, parts: []string{"shp record 1: 2147483647 parts and 4 points do not fit in 112 bytes"}},
		{name: "part index out of range", dbf: dbf1,
			shp:  shpFile(shpPolygon, patch(polygonRecord(tri, tri), 48, le32(9))),
			code: placeplan.EINVALID, parts: []string{"shp record 1: ring 2 starts at point 9, want 0 to 8"}},
		{name: "nan coordinate", dbf: dbf1,
			shp:  shpFile(shpPoint, pointRecord(orb.Point{math.NaN(), 2})),
			code: placeplan.EINVALID, parts: []string{"shp record 1: point is not finite"}},
		{name: "dbf bad field type", shp: shp,
			dbf:  patch(dbf, 32+2*32+11, []byte{'X'}),
			code: placeplan.EINVALID, parts: []string{"dbf: field 3 (LAD19CD): bad type 'X'"}},
		{name: "dbf memo field", dbf: dbfFile([]dbfTestField{{"NOTES", 'M', 10, 0}}, []string{"1"}),
			shp:  shpFile(shpPoint, pointRecord(orb.Point{1, 2})),
			code: placeplan.EUNSUPPORTED, parts: []string{"dbf: field 1 (NOTES): type 'M' is not supported"}},
		{name: "dbf bad date", dbf: dbfFile([]dbfTestField{{"D", 'D', 8, 0}}, []string{"20231301"}),
			shp:  shpFile(shpPoint, pointRecord(orb.Point{1, 2})),
			code: placeplan.EINVALID, parts: []string{`dbf record 1: field 1 (D): bad date "20231301"`}},
		{name: "dbf without terminator", shp: shp, dbf: patch(dbf, 32+4*32, []byte{'X'}),
			code: placeplan.EINVALID, parts: []string{"dbf: field descriptors not terminated by 0x0D"}},
		{name: "dbf record shorter than its fields", shp: shp, dbf: patch(dbf, 10, []byte{10, 0}),
			code: placeplan.EINVALID, parts: []string{"dbf: record length 10 bytes is shorter"}},
		{name: "missing dbf", shp: shp,
			code: placeplan.EINVALID, parts: []string{"dbf: missing .dbf file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := set{shp: c.shp, shx: c.shx, dbf: c.dbf, prj: c.prj, cpg: c.cpg}.read()
			if err == nil {
				t.Fatalf("no error; read %d features", len(fs.Features))
			}
			datatest.AssertAppError(t, err, c.code, c.parts...)
		})
	}
}

// FuzzReadShapefile fuzzes a whole shapefile set — .shp, .shx, .dbf,
// .prj and .cpg together (an empty one is absent) — seeded with the
// fixtures' sets and the malformed sets of ../testdata/malformed. Errors
// must be application errors; what is read must be well formed.
func FuzzReadShapefile(f *testing.F) {
	// The fixtures of a few hundred bytes: the fuzzer minimises each new
	// input it finds, an execution per byte or so, and lsoa_bng's 18 KB
	// would take it most of a short run.
	for _, stem := range []string{"wales_latin1", "wales_polygonz", "wales_polygonm", "points_cp1252", "points_z",
		"points_m", "multipoints_z"} {
		s := shapefileSet(f, stem)
		f.Add(s.shp, s.shx, s.dbf, s.prj, s.cpg)
	}
	malformed, err := filepath.Glob(filepath.Join("..", "testdata", "malformed", "*.shp"))
	if err != nil || len(malformed) == 0 {
		f.Fatalf("no malformed shapefiles in ../testdata/malformed (%v)", err)
	}
	for _, p := range malformed {
		s := readSet(f, strings.TrimSuffix(p, ".shp"))
		f.Add(s.shp, s.shx, s.dbf, s.prj, s.cpg)
	}
	f.Add(shpFile(shpPolygon, polygonRecord(square(0, 0, 10, false), square(20, 0, 10, false), square(2, 2, 2, true))), []byte{},
		dbfFile([]dbfTestField{{"N", 'N', 5, 0}, {"L", 'L', 1, 0}, {"D", 'D', 8, 0}, {"F", 'F', 8, 2}}, []string{"1", "T", "20240101", "1.5"}),
		[]byte{}, []byte("UTF-8"))
	f.Fuzz(func(t *testing.T, shp, shx, dbf, prj, cpg []byte) {
		absent := func(b []byte) []byte {
			if len(b) == 0 {
				return nil
			}
			return b
		}
		fs, err := set{shp: shp, shx: absent(shx), dbf: dbf, prj: absent(prj), cpg: absent(cpg)}.read()
		if err != nil {
			var e *placeplan.Error
			if !errors.As(err, &e) || (e.Code != placeplan.EINVALID && e.Code != placeplan.EUNSUPPORTED) {
				t.Fatalf("error %v (%T), want an EINVALID or EUNSUPPORTED *placeplan.Error", err, err)
			}
			if e.Message == "" || strings.ToLower(e.Message[:1]) != e.Message[:1] {
				t.Fatalf("message %q should start in lower case", e.Message)
			}
			return
		}
		for i, f := range fs.Features {
			for _, p := range record.AsMultiPolygon(f.Geometry) {
				if len(p) == 0 {
					t.Fatalf("feature %d: polygon without rings", i+1)
				}
				for _, r := range p {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("feature %d: ring %v is not closed with 4 points", i+1, r)
					}
				}
			}
			for k, v := range f.Properties {
				switch v := v.(type) {
				case nil, int64, bool:
				case float64:
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("feature %d: %s = %v", i+1, k, v)
					}
				case string:
					if !utf8Valid(v) {
						t.Fatalf("feature %d: %s = %q is not UTF-8", i+1, k, v)
					}
				default:
					t.Fatalf("feature %d: %s is a %T", i+1, k, v)
				}
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

func ExampleReadZip() {
	b, err := os.ReadFile(filepath.Join("testdata", "lsoa_bng.zip"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fs, err := ReadZip(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		fmt.Println(placeplan.ErrorCode(err), err)
		return
	}
	fmt.Println(fs.Format, fs.CRS, len(fs.Features), fs.Features[0].Properties["LSOA11CD"])
	// Output: ESRI Shapefile EPSG:27700 20 E01028883
}

func BenchmarkReadShapefile(b *testing.B) {
	lsoa := shapefileSet(b, "lsoa_bng")
	b.SetBytes(int64(len(lsoa.shp) + len(lsoa.dbf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lsoa.read(); err != nil {
			b.Fatal(err)
		}
	}
}
