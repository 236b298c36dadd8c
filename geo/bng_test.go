package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// sharedData returns the path of a file in the shared data directory, two
// levels above the module's geo package.
func sharedData(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "shared", "data"}, parts...)...)
}

// skipIfAbsent skips the test when path does not exist.
func skipIfAbsent(tb testing.TB, path string) {
	tb.Helper()
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		tb.Skipf("shared data %s is absent; skipping", path)
	}
}

// openMaybeGzip opens path, decompressing it when the name ends in .gz.
func openMaybeGzip(tb testing.TB, path string) io.Reader {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return bytes.NewReader(b)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return zr
}

// readCSV reads a CSV file (optionally gzipped, optionally with a UTF-8
// BOM) into rows keyed by header name.
func readCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	br := bufio.NewReader(openMaybeGzip(tb, path))
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	recs, err := csv.NewReader(br).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		tb.Fatalf("%s: empty", path)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(rec))
		for i, h := range recs[0] {
			if i < len(rec) {
				row[h] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// num parses a float field of a CSV row or fails the test.
func num(tb testing.TB, row map[string]string, key string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(row[key]), 64)
	if err != nil {
		tb.Fatalf("field %s: %v", key, err)
	}
	return v
}

// checkTowns compares both directions of the transformation with the
// town points' BNG and pyproj (Helmert) WGS84 coordinates. The twelve OS
// Open Names points agree to about 0.05 m (the reference's 6 dp rounding);
// the proxies taken from MSOA centroids published in WGS84 (Shifnal,
// Broseley, Albrighton) carry BNG rounded to whole metres and differ by up
// to 0.6 m.
func checkTowns(t *testing.T, path string) {
	rows := readCSV(t, path)
	if len(rows) != 16 {
		t.Fatalf("%s: got %d towns, want 16", path, len(rows))
	}
	const tolM = 5.0
	var maxGeoM, maxGridM float64
	for _, row := range rows {
		e, n := num(t, row, "easting_bng"), num(t, row, "northing_bng")
		want := orb.Point{num(t, row, "lon_wgs84"), num(t, row, "lat_wgs84")}
		lon, lat := BNGToWGS84(e, n)
		dGeo := DistanceM(orb.Point{lon, lat}, want)
		ge, gn := WGS84ToBNG(want[0], want[1])
		dGrid := math.Hypot(ge-e, gn-n)
		if dGeo > tolM || dGrid > tolM {
			t.Errorf("%s: BNG→WGS84 off by %.3f m, WGS84→BNG off by %.3f m (limit %g m)", row["town"], dGeo, dGrid, tolM)
		}
		maxGeoM = max(maxGeoM, dGeo)
		maxGridM = max(maxGridM, dGrid)
	}
	t.Logf("%s: max difference BNG→WGS84 %.3f m, WGS84→BNG %.3f m (reference rounded to 6 dp, ≈0.1 m)", path, maxGeoM, maxGridM)
}

func TestBNGTownsGolden(t *testing.T) {
	checkTowns(t, filepath.Join("testdata", "shropshire_towns_bng_wgs84.csv"))
}

func TestBNGTownsShared(t *testing.T) {
	path := sharedData("msoa_names_and_towns", "shropshire_market_towns_coordinates.csv")
	skipIfAbsent(t, path)
	checkTowns(t, path)
}

func TestBNGKnownPoints(t *testing.T) {
	tests := []struct {
		name               string
		eastingM, northing float64
		lonDeg, latDeg     float64
		tolM               float64
	}{
		// The true origin of the projection lies on the central meridian,
		// 49°N 2°W in OSGB36; the Helmert shift moves it about 100 m.
		{name: "true origin is 49N 2W in OSGB36 (Helmert shift under 150 m)", eastingM: 400000, northing: -100000, lonDeg: -2, latDeg: 49, tolM: 150},
		{name: "shrewsbury town point", eastingM: 349132, northing: 312545, lonDeg: -2.754329, latDeg: 52.708167, tolM: 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lon, lat := BNGToWGS84(tt.eastingM, tt.northing)
			if d := DistanceM(orb.Point{lon, lat}, orb.Point{tt.lonDeg, tt.latDeg}); d > tt.tolM {
				t.Errorf("BNGToWGS84(%g, %g) = (%.7f, %.7f), %.3f m from want (limit %g m)", tt.eastingM, tt.northing, lon, lat, d, tt.tolM)
			}
		})
	}
	// On the OSGB36 datum alone (no Helmert), the projection must map the
	// true origin exactly.
	if e, n := tmForward(bngLat0Rad, bngLon0Rad); math.Abs(e-400000) > 1e-6 || math.Abs(n+100000) > 1e-6 {
		t.Errorf("tmForward(true origin) = (%f, %f), want (400000, -100000)", e, n)
	}
}

func TestBNGOriginXi(t *testing.T) {
	e := math.Sqrt(airyE2)
	chi := math.Atan(conformalTau(math.Tan(bngLat0Rad), e))
	alpha := [6]float64{alpha1, alpha2, alpha3, alpha4, alpha5, alpha6}
	if got := rectA * real(sumSin2(complex(chi, 0), &alpha)); math.Abs(got-bngOriginXiM) > 1e-6 {
		t.Errorf("rectA·ξ(49°N) = %.10f m, constant says %.10f m", got, bngOriginXiM)
	}
}

func TestBNGRoundTrip(t *testing.T) {
	var maxWGSM, maxGridM float64
	// A grid over Great Britain and beyond its edges (Scilly to Shetland,
	// the west of the Hebrides to Lowestoft).
	for lon := -8.0; lon <= 2.0; lon += 0.25 {
		for lat := 49.8; lat <= 61.0; lat += 0.2 {
			e, n := WGS84ToBNG(lon, lat)
			lon2, lat2 := BNGToWGS84(e, n)
			maxWGSM = max(maxWGSM, DistanceM(orb.Point{lon, lat}, orb.Point{lon2, lat2}))
		}
	}
	for e := -50000.0; e <= 750000; e += 12500 {
		for n := -50000.0; n <= 1250000; n += 12500 {
			lon, lat := BNGToWGS84(e, n)
			e2, n2 := WGS84ToBNG(lon, lat)
			maxGridM = max(maxGridM, math.Hypot(e2-e, n2-n))
		}
	}
	const tolM = 0.001
	if maxWGSM > tolM || maxGridM > tolM {
		t.Errorf("round trip error WGS84→BNG→WGS84 %.2g m, BNG→WGS84→BNG %.2g m, want ≤ %g m", maxWGSM, maxGridM, tolM)
	}
	t.Logf("max round-trip error: WGS84→BNG→WGS84 %.2g m, BNG→WGS84→BNG %.2g m", maxWGSM, maxGridM)
}

func TestBNGNonFinite(t *testing.T) {
	for _, in := range [][2]float64{{math.NaN(), 0}, {0, math.Inf(1)}, {math.Inf(-1), math.NaN()}} {
		lon, lat := BNGToWGS84(in[0], in[1])
		if !math.IsNaN(lon) && !math.IsNaN(lat) {
			t.Errorf("BNGToWGS84(%v, %v) = (%v, %v), want NaN", in[0], in[1], lon, lat)
		}
	}
}

// gdalTransform pipes points through gdaltransform and returns its output.
func gdalTransform(t *testing.T, exe, from, to string, pts []orb.Point) []orb.Point {
	t.Helper()
	var in strings.Builder
	for _, p := range pts {
		fmt.Fprintf(&in, "%.10f %.10f\n", p[0], p[1])
	}
	cmd := exec.Command(exe, "-s_srs", from, "-t_srs", to, "-output_xy")
	cmd.Stdin = strings.NewReader(in.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdaltransform %s → %s: %v: %s", from, to, err, stderr.String())
	}
	var res []orb.Point
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		x, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("gdaltransform output %q", line)
		}
		res = append(res, orb.Point{x, y})
	}
	if len(res) != len(pts) {
		t.Fatalf("gdaltransform returned %d points for %d", len(res), len(pts))
	}
	return res
}

// TestBNGAgainstGDAL uses GDAL/PROJ as an oracle. Without the OSTN15 grid
// (not shipped by Debian's proj-data) PROJ picks EPSG:1314, the same
// Helmert transformation, and agreement is at the millimetre level; with
// the grid installed the difference is the Helmert error itself (≤ 5 m).
func TestBNGAgainstGDAL(t *testing.T) {
	exe, err := exec.LookPath("gdaltransform")
	if err != nil {
		t.Skip("gdaltransform not on PATH (install gdal-bin); skipping the GDAL oracle test")
	}
	// A 25 km grid over England and Wales, kept inside the area of use of
	// EPSG:1314 (49.79°N–60.94°N, 8.82°W–1.92°E): outside it PROJ falls
	// back to a "ballpark" transformation with no datum shift (~120 m off).
	var pts []orb.Point
	for e := 75000.0; e <= 675000; e += 25000 {
		for n := 0.0; n <= 675000; n += 25000 {
			lon, lat := BNGToWGS84(e, n)
			if lon > -8.7 && lon < 1.8 && lat > 49.9 && lat < 60.8 {
				pts = append(pts, orb.Point{e, n})
			}
		}
	}
	for _, row := range readCSV(t, filepath.Join("testdata", "shropshire_towns_bng_wgs84.csv")) {
		pts = append(pts, orb.Point{num(t, row, "easting_bng"), num(t, row, "northing_bng")})
	}
	const tolM = 5.0

	// OGC:CRS84 is WGS84 in lon,lat order; EPSG:4326 would give lat,lon
	// in some GDAL versions.
	gdal := gdalTransform(t, exe, "EPSG:27700", "OGC:CRS84", pts)
	var maxM float64
	for i, p := range pts {
		lon, lat := BNGToWGS84(p[0], p[1])
		d := DistanceM(orb.Point{lon, lat}, gdal[i])
		if d > tolM {
			t.Errorf("BNG (%g, %g): ours (%.7f, %.7f), GDAL (%.7f, %.7f): %.3f m apart", p[0], p[1], lon, lat, gdal[i][0], gdal[i][1], d)
		}
		maxM = max(maxM, d)
	}
	t.Logf("BNG→WGS84 vs GDAL over %d points: max %.4f m", len(pts), maxM)

	back := gdalTransform(t, exe, "OGC:CRS84", "EPSG:27700", gdal)
	maxM = 0
	for i, p := range gdal {
		e, n := WGS84ToBNG(p[0], p[1])
		d := math.Hypot(e-back[i][0], n-back[i][1])
		if d > tolM {
			t.Errorf("WGS84 (%.7f, %.7f): ours (%.3f, %.3f), GDAL (%.3f, %.3f): %.3f m apart", p[0], p[1], e, n, back[i][0], back[i][1], d)
		}
		maxM = max(maxM, d)
	}
	t.Logf("WGS84→BNG vs GDAL over %d points: max %.4f m", len(pts), maxM)
}

// TestLSOA21CentroidsInPolygons converts every England LSOA 2021
// population-weighted centroid (BNG) and checks it against its own
// super-generalised (BSC, 200 m) LSOA polygon (WGS84).
//
// The generalisation, not the transformation, limits how many fall inside:
// 97.85% do, and every other one lies within 190 m of its polygon (the
// brief hoped for 99.5%, which these boundaries cannot give). To show that
// the transformation is not what leaves points outside, the test also
// shifts every centroid 50 m north, south, east and west: each shift must
// put fewer centroids inside than the unshifted conversion.
func TestLSOA21CentroidsInPolygons(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 33,755 polygons; skipped with -short")
	}
	dir := sharedData("lsoa2021_boundaries_and_lookups")
	csvPath := filepath.Join(dir, "LSOA21_population_weighted_centroids_ew_bng.csv.gz")
	gjPath := filepath.Join(dir, "lsoa2021_bsc_england_wgs84.geojson.gz")
	skipIfAbsent(t, csvPath)
	skipIfAbsent(t, gjPath)

	b, err := io.ReadAll(openMaybeGzip(t, gjPath))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("%s: %v", gjPath, err)
	}
	polys := make(map[string]orb.Geometry, len(fc.Features))
	for _, f := range fc.Features {
		polys[f.Properties.MustString("LSOA21CD", "")] = f.Geometry
	}

	type centroid struct {
		code               string
		eastingM, northing float64
	}
	var cs []centroid
	missing := 0
	for _, row := range readCSV(t, csvPath) {
		code := row["LSOA21CD"]
		if !strings.HasPrefix(code, "E") {
			continue
		}
		if _, ok := polys[code]; !ok {
			missing++
			continue
		}
		cs = append(cs, centroid{code, num(t, row, "x"), num(t, row, "y")})
	}
	if len(cs)+missing != 33755 || missing != 0 {
		t.Errorf("england centroids %d (want 33,755), %d without a polygon", len(cs)+missing, missing)
	}

	countInside := func(dxM, dyM float64) int {
		n := 0
		for _, c := range cs {
			lon, lat := BNGToWGS84(c.eastingM+dxM, c.northing+dyM)
			if Contains(polys[c.code], orb.Point{lon, lat}) {
				n++
			}
		}
		return n
	}

	var inside, near int
	var worstM float64
	worstCode := ""
	for _, c := range cs {
		lon, lat := BNGToWGS84(c.eastingM, c.northing)
		p := orb.Point{lon, lat}
		if Contains(polys[c.code], p) {
			inside++
			continue
		}
		d := boundaryDistanceM(polys[c.code], p)
		if d <= 250 {
			near++
		}
		if d > worstM {
			worstM, worstCode = d, c.code
		}
	}
	share := float64(inside) / float64(len(cs))
	t.Logf("%d of %d centroids strictly inside (%.3f%%), %d more within 250 m, farthest outside %.0f m (%s)",
		inside, len(cs), 100*share, near, worstM, worstCode)
	const minShare, maxOutsideM = 0.975, 250.0
	if share < minShare {
		t.Errorf("only %.3f%% of centroids inside their LSOA, want ≥ %.1f%%", 100*share, 100*minShare)
	}
	if worstM > maxOutsideM {
		t.Errorf("centroid of %s lies %.0f m outside its LSOA, want ≤ %g m", worstCode, worstM, maxOutsideM)
	}
	for _, d := range [][2]float64{{0, 50}, {0, -50}, {50, 0}, {-50, 0}} {
		if n := countInside(d[0], d[1]); n >= inside {
			t.Errorf("shifting every centroid by (%g, %g) m puts %d inside, no fewer than the %d unshifted", d[0], d[1], n, inside)
		} else {
			t.Logf("shifted (%+g, %+g) m: %d inside", d[0], d[1], n)
		}
	}
}

// boundaryDistanceM returns the distance in metres from p to the nearest
// ring edge of an areal geometry, in a local equirectangular projection.
func boundaryDistanceM(g orb.Geometry, p orb.Point) float64 {
	const earthRadiusM = 6371008.8
	kx := earthRadiusM * math.Pi / 180 * math.Cos(p[1]*math.Pi/180)
	ky := earthRadiusM * math.Pi / 180
	best := math.Inf(1)
	var rings []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		rings = g
	case orb.MultiPolygon:
		for _, pg := range g {
			rings = append(rings, pg...)
		}
	}
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			ax, ay := (r[i][0]-p[0])*kx, (r[i][1]-p[1])*ky
			bx, by := (r[i+1][0]-p[0])*kx, (r[i+1][1]-p[1])*ky
			dx, dy := bx-ax, by-ay
			t := 0.0
			if l2 := dx*dx + dy*dy; l2 > 0 {
				t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
			}
			best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
		}
	}
	return best
}

func TestToWGS84(t *testing.T) {
	shrewsbury := orb.Point{349132, 312545}
	ludlow := orb.Point{351141, 274643}
	want := orb.Point{-2.754329, 52.708167}
	square := orb.Ring{{349000, 312000}, {350000, 312000}, {350000, 313000}, {349000, 313000}, {349000, 312000}}

	tests := []struct {
		name string
		in   orb.Geometry
	}{
		{"point", shrewsbury},
		{"multipoint", orb.MultiPoint{shrewsbury, ludlow}},
		{"linestring", orb.LineString{shrewsbury, ludlow}},
		{"multilinestring", orb.MultiLineString{{shrewsbury, ludlow}, {ludlow, shrewsbury}}},
		{"ring", square},
		{"polygon", orb.Polygon{square}},
		{"multipolygon", orb.MultiPolygon{{square}, {square}}},
		{"collection", orb.Collection{shrewsbury, orb.Polygon{square}, orb.Collection{ludlow}}},
		{"bound", orb.Bound{Min: orb.Point{349000, 312000}, Max: orb.Point{350000, 313000}}},
		{"empty polygon", orb.Polygon{}},
		{"nil multipolygon", orb.MultiPolygon(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := orb.Clone(tt.in)
			got, err := ToWGS84(tt.in, BNG)
			if err != nil {
				t.Fatal(err)
			}
			if got.GeoJSONType() != tt.in.GeoJSONType() {
				t.Fatalf("type %s, want %s", got.GeoJSONType(), tt.in.GeoJSONType())
			}
			if before != nil && !orb.Equal(before, tt.in) {
				t.Errorf("input was modified")
			}
			var nIn, nOut int
			eachPoint(tt.in, func(orb.Point) bool { nIn++; return true })
			eachPoint(got, func(p orb.Point) bool {
				nOut++
				if p[0] < -2.8 || p[0] > -2.7 || p[1] < 52.3 || p[1] > 52.75 {
					t.Errorf("converted point %v is not near Shrewsbury or Ludlow", p)
				}
				return true
			})
			if nIn != nOut {
				t.Errorf("%d points out for %d in", nOut, nIn)
			}
			if p, ok := got.(orb.Point); ok && DistanceM(p, want) > 0.2 {
				t.Errorf("point %v, want %v", p, want)
			}
		})
	}

	t.Run("bound covers converted corners", func(t *testing.T) {
		b := orb.Bound{Min: orb.Point{100000, 100000}, Max: orb.Point{600000, 600000}}
		got, err := ToWGS84(b, BNG)
		if err != nil {
			t.Fatal(err)
		}
		gb := got.(orb.Bound)
		for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
			lon, lat := BNGToWGS84(c[0], c[1])
			if !gb.Contains(orb.Point{lon, lat}) {
				t.Errorf("bound %v misses corner %v → (%f, %f)", gb, c, lon, lat)
			}
		}
	})

	t.Run("wgs84 is copied unchanged", func(t *testing.T) {
		in := orb.Polygon{{{-2, 52}, {-1, 52}, {-1, 53}, {-2, 52}}}
		got, err := ToWGS84(in, WGS84)
		if err != nil {
			t.Fatal(err)
		}
		if !orb.Equal(got, in) {
			t.Errorf("got %v, want %v", got, in)
		}
		got.(orb.Polygon)[0][0][0] = 99
		if in[0][0][0] != -2 {
			t.Errorf("result shares memory with the input")
		}
	})

	t.Run("nil geometry", func(t *testing.T) {
		got, err := ToWGS84(nil, BNG)
		if got != nil || err != nil {
			t.Errorf("got %v, %v; want nil, nil", got, err)
		}
	})

	errTests := []struct {
		name string
		in   orb.Geometry
		crs  CRS
		want error
	}{
		{"unknown crs", orb.Point{1, 2}, CRSUnknown, ErrUnknownCRS},
		{"wgs84 data labelled bng is far from the grid", orb.Point{349132, 3125450}, BNG, ErrOutsideGrid},
		{"nan easting", orb.LineString{{1, 2}, {math.NaN(), 2}}, BNG, ErrOutsideGrid},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ToWGS84(tt.in, tt.crs)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] {
				t.Errorf("error %q does not start lower-case", msg)
			}
		})
	}
}

func BenchmarkBNGToWGS84(b *testing.B) {
	b.ReportAllocs()
	var sink float64
	e, n := 349132.0, 312545.0
	for i := 0; b.Loop(); i++ {
		lon, lat := BNGToWGS84(e+float64(i%1000), n)
		sink += lon + lat
	}
	if math.IsNaN(sink) {
		b.Fatal("nan")
	}
}

func BenchmarkWGS84ToBNG(b *testing.B) {
	b.ReportAllocs()
	var sink float64
	for i := 0; b.Loop(); i++ {
		e, n := WGS84ToBNG(-2.754329+float64(i%1000)*1e-5, 52.708167)
		sink += e + n
	}
	if math.IsNaN(sink) {
		b.Fatal("nan")
	}
}

func ExampleBNGToWGS84() {
	// Shrewsbury's OS Open Names town point.
	lon, lat := BNGToWGS84(349132, 312545)
	fmt.Printf("%.5f, %.5f\n", lon, lat)
	// Output: -2.75433, 52.70817
}

func ExampleToWGS84() {
	// A 1 km square in Shrewsbury, in British National Grid metres.
	sq := orb.Polygon{{{349000, 312000}, {350000, 312000}, {350000, 313000}, {349000, 313000}, {349000, 312000}}}
	g, err := ToWGS84(sq, BNG)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.5f\n", g.(orb.Polygon)[0][0])
	_, err = ToWGS84(sq, CRSUnknown)
	fmt.Println(err)
	// Output:
	// [-2.75620 52.70326]
	// reproject to wgs84: unknown coordinate reference system
}

// TestToBNG checks ToBNG is ToWGS84's inverse on every point of a
// polygon, leaves its input alone, and passes nil through.
func TestToBNG(t *testing.T) {
	in := orb.MultiPolygon{{{{-2.75, 52.71}, {-2.70, 52.71}, {-2.70, 52.75}, {-2.75, 52.71}}}}
	keep := orb.Clone(in)
	out := ToBNG(in)
	if !orb.Equal(in, keep) {
		t.Fatal("ToBNG changed its input")
	}
	back, err := ToWGS84(out, BNG)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range back.(orb.MultiPolygon)[0][0] {
		if q := in[0][0][i]; math.Abs(p[0]-q[0]) > 1e-9 || math.Abs(p[1]-q[1]) > 1e-9 {
			t.Errorf("point %d: %v came back as %v", i, q, p)
		}
		if e, n := WGS84ToBNG(in[0][0][i][0], in[0][0][i][1]); out.(orb.MultiPolygon)[0][0][i] != (orb.Point{e, n}) {
			t.Errorf("point %d is not WGS84ToBNG's", i)
		}
	}
	if ToBNG(nil) != nil {
		t.Error("ToBNG(nil) is not nil")
	}
}
