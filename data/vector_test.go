package data

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	geodist "github.com/paulmach/orb/geo"

	"placeplan"
	"placeplan/geo"
)

// TestIngestBoundaryFormats ingests the same LSOAs from a WGS84 shapefile,
// a British National Grid shapefile (plain and zipped) and GeoPackages in
// both CRSs (all written by GDAL), and checks every stored boundary agrees
// with the WGS84 shapefile's to within 5 m.
func TestIngestBoundaryFormats(t *testing.T) {
	ctx := context.Background()
	ingestOne := func(path string) (map[string]placeplan.Area, *IngestReport) {
		t.Helper()
		s, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rep, err := s.IngestFiles(ctx, []string{path}, IngestOptions{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		areas, err := s.Areas(ctx, placeplan.AreaQuery{WithGeometry: true})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]placeplan.Area{}
		for _, a := range areas {
			out[a.Code] = a
		}
		return out, rep
	}
	ref, _ := ingestOne(filepath.Join("shapefile", "testdata", "lsoa_wgs84.shp"))
	if len(ref) < 10 {
		t.Fatalf("reference shapefile gave %d areas", len(ref))
	}
	for _, c := range []struct{ file, crs string }{
		{"shapefile/testdata/lsoa_bng.shp", "EPSG:27700"},
		{"shapefile/testdata/lsoa_bng.zip", "EPSG:27700"},
		{"geopackage/testdata/lsoa_bng.gpkg", "EPSG:27700"},
		{"geopackage/testdata/lsoa_wgs84.gpkg", "EPSG:4326"},
	} {
		t.Run(c.file, func(t *testing.T) {
			got, rep := ingestOne(filepath.FromSlash(c.file))
			if !strings.Contains(strings.Join(rep.Loaded, " "), "in "+c.crs) {
				t.Errorf("report does not name the CRS %s: %q", c.crs, rep.Loaded)
			}
			if len(got) != len(ref) {
				t.Fatalf("%d areas, want %d", len(got), len(ref))
			}
			worst := 0.0
			for code, want := range ref {
				a, ok := got[code]
				if !ok {
					t.Fatalf("area %s missing", code)
				}
				if a.Name != want.Name || len(a.Geometry) != len(want.Geometry) {
					t.Fatalf("area %s: %q with %d polygons, want %q with %d", code, a.Name, len(a.Geometry), want.Name, len(want.Geometry))
				}
				for i, poly := range a.Geometry {
					if len(poly) != len(want.Geometry[i]) {
						t.Fatalf("area %s polygon %d: %d rings, want %d", code, i, len(poly), len(want.Geometry[i]))
					}
					for j, ring := range poly {
						if len(ring) != len(want.Geometry[i][j]) {
							t.Fatalf("area %s polygon %d ring %d: %d points, want %d", code, i, j, len(ring), len(want.Geometry[i][j]))
						}
						for k, p := range ring {
							if d := geodist.Distance(p, want.Geometry[i][j][k]); d > worst {
								worst = d
							}
						}
					}
				}
			}
			if worst > 5 {
				t.Errorf("largest vertex difference from the WGS84 shapefile: %.3f m, want ≤ 5 m", worst)
			}
			t.Logf("%s: %d areas, largest vertex difference %.4f m", c.file, len(got), worst)
		})
	}
}

// TestIngestShapefileWithoutPRJ asks for --crs, and then honours it.
func TestIngestShapefileWithoutPRJ(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, ext := range []string{".shp", ".dbf", ".cpg"} {
		b, err := os.ReadFile(filepath.Join("shapefile", "testdata", "lsoa_bng"+ext))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "noprj"+ext), b, 0o644)
	}
	s, err := Open(ctx, filepath.Join(dir, "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	shp := filepath.Join(dir, "noprj.shp")
	_, err = s.IngestFiles(ctx, []string{shp}, IngestOptions{})
	if err == nil || !strings.Contains(err.Error(), "does not say which coordinate reference system") {
		t.Fatalf("missing .prj: %v", err)
	}
	rep, err := s.IngestFiles(ctx, []string{shp}, IngestOptions{CRS: geo.BNG})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.Loaded[0], "in EPSG:27700") {
		t.Errorf("loaded %q", rep.Loaded)
	}
}

// TestIngestPointsAndLocalityPolygons covers point layers from CSV
// (easting/northing) and GeoJSON, and localities from polygons.
func TestIngestPointsAndLocalityPolygons(t *testing.T) {
	s := loadedStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	hubs := filepath.Join(dir, "Family Hubs.csv")
	os.WriteFile(hubs, []byte("id,name,easting,northing,capacity,kind,status,manager\n"+
		"FH1,Oswestry Family Hub,329348,329906,40,family hub,open,A. Jones\n"+
		"FH2,Ludlow Family Hub,351141,274643,,family hub,planned,\n"), 0o644)
	gp := filepath.Join(dir, "gp.geojson")
	os.WriteFile(gp, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"M82001","properties":{"name":"Ludlow Medical","list_size":9000},"geometry":{"type":"Point","coordinates":[-2.719,52.367]}}]}`), 0o644)
	// A rough box around Ludlow town.
	loc := filepath.Join(dir, "ludlow_box.geojson")
	os.WriteFile(loc, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"locality":"Ludlow box","scheme":"test boxes"},"geometry":{"type":"Polygon","coordinates":[[[-2.76,52.35],[-2.68,52.35],[-2.68,52.39],[-2.76,52.39],[-2.76,52.35]]]}}]}`), 0o644)
	rep, err := s.IngestFiles(ctx, []string{hubs, gp, loc}, IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sites, err := s.Sites(ctx, "family_hubs")
	if err != nil || len(sites) != 2 {
		t.Fatalf("family_hubs: %d sites, %v (report %q)", len(sites), err, rep.Loaded)
	}
	osw := sites[0]
	if osw.ID != "FH1" || osw.Capacity != 40 || osw.Status != "open" || osw.Properties["manager"] != "A. Jones" {
		t.Errorf("FH1 = %+v", osw)
	}
	// The Oswestry town point: BNG 329348, 329906 is -3.050858, 52.861983 (WGS84).
	if d := geodist.Distance(osw.Point, [2]float64{-3.050858, 52.861983}); d > 5 {
		t.Errorf("FH1 is %.1f m from where it should be", d)
	}
	gps, _ := s.Sites(ctx, "gp")
	if len(gps) != 1 || gps[0].ID != "M82001" || gps[0].Properties["list_size"] != "9000" {
		t.Errorf("gp layer %+v", gps)
	}
	locs, _ := s.Localities(ctx, placeplan.LSOA2011)
	found := false
	for _, l := range locs {
		if l.Scheme == "test boxes" && l.Name == "Ludlow box" {
			found = true
			// Ludlow's LSOAs are in MSOA "Ludlow Town"; the box holds most of them.
			if len(l.Areas) < 4 || len(l.Areas) > 12 {
				t.Errorf("Ludlow box holds %d areas", len(l.Areas))
			}
		}
	}
	if !found {
		t.Errorf("no Ludlow box locality: %q", rep.Loaded)
	}
}
