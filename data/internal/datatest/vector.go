package datatest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"placeplan/data/feature"
	"placeplan/data/record"
)

// This file holds what the shapefile and GeoPackage readers' tests share:
// the GDAL-written GeoJSON references under data/testdata/vector (see its
// README.md) and the comparisons against them.

// RefFeature is one feature of a GDAL-written GeoJSON reference file.
type RefFeature struct {
	Properties map[string]any
	Geometry   orb.Geometry
}

// ReadRefGeoJSON reads a GeoJSON file (gzipped when it ends in .gz) under
// data/testdata/vector, keeping X and Y of each coordinate. It handles the
// geometry types the fixtures use.
func ReadRefGeoJSON(t testing.TB, name string) []RefFeature {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), "data", "testdata", "vector", name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	var fc struct {
		Features []struct {
			Properties map[string]any
			Geometry   *struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	xy := func(c []float64) orb.Point { return orb.Point{c[0], c[1]} }
	ring := func(cs [][]float64) orb.Ring {
		r := make(orb.Ring, len(cs))
		for i, c := range cs {
			r[i] = xy(c)
		}
		return r
	}
	poly := func(rs [][][]float64) orb.Polygon {
		p := make(orb.Polygon, len(rs))
		for i, r := range rs {
			p[i] = ring(r)
		}
		return p
	}
	var out []RefFeature
	for _, f := range fc.Features {
		rf := RefFeature{Properties: f.Properties}
		if f.Geometry != nil {
			var err error
			switch f.Geometry.Type {
			case "Point":
				var c []float64
				err = json.Unmarshal(f.Geometry.Coordinates, &c)
				rf.Geometry = xy(c)
			case "MultiPoint":
				var cs [][]float64
				err = json.Unmarshal(f.Geometry.Coordinates, &cs)
				rf.Geometry = orb.MultiPoint(ring(cs))
			case "Polygon":
				var rs [][][]float64
				err = json.Unmarshal(f.Geometry.Coordinates, &rs)
				rf.Geometry = poly(rs)
			case "MultiPolygon":
				var ps [][][][]float64
				err = json.Unmarshal(f.Geometry.Coordinates, &ps)
				mp := make(orb.MultiPolygon, len(ps))
				for i, p := range ps {
					mp[i] = poly(p)
				}
				rf.Geometry = mp
			default:
				t.Fatalf("%s: geometry type %s not handled by the test", name, f.Geometry.Type)
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		out = append(out, rf)
	}
	return out
}

// AsMultiPolygon returns a copy of a Polygon or MultiPolygon as a
// MultiPolygon in RFC 7946 orientation: outer rings counter-clockwise,
// holes clockwise. Ring order and start points are kept.
func AsMultiPolygon(t testing.TB, g orb.Geometry) orb.MultiPolygon {
	t.Helper()
	var mp orb.MultiPolygon
	switch g := orb.Clone(g).(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		t.Fatalf("geometry is a %T, want a polygon", g)
	}
	for _, p := range mp {
		for i, r := range p {
			if (i == 0) != (feature.RingArea2(r) > 0) {
				r.Reverse()
			}
		}
	}
	return mp
}

// AssertRFC7946Orientation checks outer rings run counter-clockwise and
// holes clockwise.
func AssertRFC7946Orientation(t testing.TB, where string, g orb.Geometry) {
	t.Helper()
	for pi, p := range record.AsMultiPolygon(g) {
		for ri, r := range p {
			if a := feature.RingArea2(r); (ri == 0) != (a > 0) {
				t.Errorf("%s: polygon %d ring %d has signed area %g: not RFC 7946 orientation", where, pi+1, ri+1, a/2)
			}
		}
	}
}

// ComparePolygons checks got and want have the same polygons, rings and
// vertices (within tol) after normalising orientation, and returns the
// largest coordinate difference.
func ComparePolygons(t testing.TB, where string, got, want orb.Geometry, tol float64) float64 {
	t.Helper()
	if (got == nil) != (want == nil) {
		t.Errorf("%s: geometry %v, want %v", where, got, want)
		return 0
	}
	if got == nil {
		return 0
	}
	if got.GeoJSONType() != want.GeoJSONType() {
		t.Errorf("%s: %s, want %s", where, got.GeoJSONType(), want.GeoJSONType())
	}
	g, w := AsMultiPolygon(t, got), AsMultiPolygon(t, want)
	if len(g) != len(w) {
		t.Errorf("%s: %d polygons, want %d", where, len(g), len(w))
		return 0
	}
	maxDiff := 0.0
	for pi := range w {
		if len(g[pi]) != len(w[pi]) {
			t.Errorf("%s: polygon %d has %d rings, want %d", where, pi+1, len(g[pi]), len(w[pi]))
			continue
		}
		for ri := range w[pi] {
			gr, wr := g[pi][ri], w[pi][ri]
			if len(gr) != len(wr) {
				t.Errorf("%s: polygon %d ring %d has %d points, want %d", where, pi+1, ri+1, len(gr), len(wr))
				continue
			}
			for i := range wr {
				d := math.Max(math.Abs(gr[i][0]-wr[i][0]), math.Abs(gr[i][1]-wr[i][1]))
				maxDiff = math.Max(maxDiff, d)
				if d > tol {
					t.Errorf("%s: polygon %d ring %d point %d is %v, want %v", where, pi+1, ri+1, i+1, gr[i], wr[i])
					break
				}
			}
		}
	}
	return maxDiff
}

// CompareLSOAs checks a feature.Set read from an LSOA fixture against the
// GDAL GeoJSON reference in the same CRS.
func CompareLSOAs(t *testing.T, fs *feature.Set, ref []RefFeature) {
	t.Helper()
	if len(fs.Features) != len(ref) || len(ref) != 20 {
		t.Fatalf("%d features, want %d (and 20 in the reference)", len(fs.Features), len(ref))
	}
	holes, multis := 0, 0
	maxDiff := 0.0
	for i, f := range fs.Features {
		want := ref[i]
		code, _ := want.Properties["LSOA11CD"].(string)
		for _, k := range []string{"LSOA11CD", "LSOA11NM", "LAD19CD", "LAD19NM"} {
			if f.Properties[k] != want.Properties[k] {
				t.Errorf("feature %d: %s = %#v, want %#v", i+1, k, f.Properties[k], want.Properties[k])
			}
		}
		maxDiff = math.Max(maxDiff, ComparePolygons(t, code, f.Geometry, want.Geometry, 1e-9))
		AssertRFC7946Orientation(t, code, f.Geometry)
		if _, ok := f.Geometry.(orb.MultiPolygon); ok {
			multis++
		}
		for _, p := range record.AsMultiPolygon(f.Geometry) {
			holes += len(p) - 1
		}
	}
	if multis != 6 || holes != 2 {
		t.Errorf("%d multipolygons and %d holes, want the subset's 6 and 2", multis, holes)
	}
	t.Logf("max coordinate difference from GDAL: %g", maxDiff)
}

// LambertPrj is an ESRI .prj for ETRS89 / LCC Europe (EPSG:3034).
const LambertPrj = `PROJCS["ETRS_1989_LCC",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",4000000.0],PARAMETER["False_Northing",2800000.0],PARAMETER["Central_Meridian",10.0],PARAMETER["Standard_Parallel_1",35.0],PARAMETER["Standard_Parallel_2",65.0],PARAMETER["Latitude_Of_Origin",52.0],UNIT["Meter",1.0]]`
