package data

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data/registry"
	"placeplan/geo"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./data -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got  %s\n want %s", p, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs: %d lines, want %d", p, len(gl), len(wl))
	}
}

func TestDefaultDataset(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "default.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := LoadDefault(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "default_ingest_report.txt", "loaded:\n"+strings.Join(rep.Loaded, "\n")+"\nwarnings:\n"+strings.Join(rep.Warnings, "\n")+"\n")

	areas, err := s.Areas(ctx, placeplan.AreaQuery{WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("code,name,msoa_code,msoa_name,lad_code,vintage,lon,lat,point_kind\n")
	count := map[placeplan.Geography]int{}
	for _, a := range areas {
		count[a.Geography]++
		if a.Geometry == nil || a.MSOACode == "" || a.LADCode == "" || a.Name == "" {
			t.Errorf("area %s %s is missing a boundary, parent or name: %+v", a.Geography, a.Code, a)
		}
		if !geo.Contains(a.Geometry, a.Point) && a.PointKind == "interior point" {
			t.Errorf("area %s: interior point %v is outside its polygon", a.Code, a.Point)
		}
		if a.Bound != a.Geometry.Bound() {
			t.Errorf("area %s %s: stored bound %v, the boundary's %v", a.Geography, a.Code, a.Bound, a.Geometry.Bound())
		}
		fmt.Fprintf(&b, "%s,%q,%s,%q,%s,%s,%.6f,%.6f,%s\n", a.Code, a.Name, a.MSOACode, a.MSOAName, a.LADCode, a.Geography, a.Point[0], a.Point[1], a.PointKind)
	}
	if count[placeplan.LSOA2011] != 708 || count[placeplan.LSOA2021] != 742 {
		t.Errorf("areas: %v, want 708 LSOA 2011 and 742 LSOA 2021", count)
	}
	golden(t, "default_areas.csv", b.String())

	locs, err := s.Localities(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	b.WriteString("scheme,locality,geography,area_count\n")
	names := map[string]bool{}
	owner := map[string]string{}
	for _, l := range locs {
		fmt.Fprintf(&b, "%q,%q,%s,%d\n", l.Scheme, l.Name, l.Geography, len(l.Areas))
		names[l.Name] = true
		if l.Scheme == "Shropshire early help localities" && l.Geography == placeplan.LSOA2011 {
			for _, c := range l.Areas {
				if prev, dup := owner[c]; dup {
					t.Errorf("%s is in both %s and %s", c, prev, l.Name)
				}
				owner[c] = l.Name
			}
		}
	}
	golden(t, "default_localities.csv", b.String())
	for _, want := range []string{"Oswestry", "North Shrewsbury", "South Shrewsbury", "Ludlow", "Market Drayton", "Whitchurch", "Bridgnorth", "North", "Central", "South"} {
		if !names[want] {
			t.Errorf("no locality %q", want)
		}
	}
	shropshire, err := s.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, LAD: "E06000051"})
	if err != nil {
		t.Fatal(err)
	}
	if len(shropshire) != 193 || len(owner) != 193 {
		t.Errorf("%d Shropshire LSOAs, %d in a locality: want every one of 193 in exactly one", len(shropshire), len(owner))
	}
	for _, a := range shropshire {
		if owner[a.Code] == "" {
			t.Errorf("Shropshire LSOA %s %s is in no locality", a.Code, a.Name)
		}
	}

	// The 2021 areas take the ONS population-weighted centroids.
	for _, a := range areas {
		if a.Geography == placeplan.LSOA2021 && a.PointKind != "population-weighted centroid" {
			t.Errorf("LSOA 2021 %s point kind %q", a.Code, a.PointKind)
		}
	}
	sites, err := s.Sites(ctx, "towns")
	if err != nil || len(sites) != 16 {
		t.Fatalf("towns: %d sites, %v", len(sites), err)
	}
	ds, err := s.Datasets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Attribution == "" || d.Licence == "" {
			t.Errorf("dataset %s (%s) has no licence or attribution", d.Source, d.Kind)
		}
	}
	inds, err := s.Indicators(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, ind := range inds {
		keys = append(keys, fmt.Sprintf("%s,%s,%q,%q,%s,%s,%s,%s", ind.Geography, ind.Key, ind.Name, ind.Unit, ind.Direction, ind.Kind, ind.Denominator, ind.Index))
	}
	sort.Strings(keys)
	golden(t, "default_indicators.csv", "geography,key,name,unit,direction,kind,denominator,index\n"+strings.Join(keys, "\n")+"\n")
}

// TestCreateDefault: a new database file, in folders that do not exist
// yet, holding the embedded default; a second creation is refused and
// leaves it alone; a load that fails — even after writing everything —
// leaves no file at the path and nothing else behind.
func TestCreateDefault(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "share", "placeplan")
	path := filepath.Join(dir, "placeplan.db")
	rep, err := CreateDefault(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Loaded) == 0 || rep.Revision != 1 {
		t.Errorf("report: %d files loaded, revision %d", len(rep.Loaded), rep.Revision)
	}
	if names := dirNames(t, dir); strings.Join(names, " ") != "placeplan.db" {
		t.Errorf("the folder holds %v, want only placeplan.db", names)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	geogs, err := s.Geographies(ctx)
	s.Close()
	if err != nil || geogs[placeplan.LSOA2011] != 708 || geogs[placeplan.LSOA2021] != 742 {
		t.Errorf("geographies %v, %v; want 708 LSOA 2011 and 742 LSOA 2021 areas", geogs, err)
	}
	before, _ := os.Stat(path)
	if _, err := CreateDefault(ctx, path); placeplan.ErrorCode(err) != placeplan.ECONFLICT {
		t.Errorf("creating it again: %v, want a conflict", err)
	}
	if after, _ := os.Stat(path); after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		t.Error("creating it again touched the file")
	}

	failing := filepath.Join(t.TempDir(), "x", "failing.db")
	err = createDatabase(ctx, failing, func(s *Store) error {
		if _, err := LoadDefault(ctx, s); err != nil {
			return err
		}
		return placeplan.Errorf(placeplan.EINVALID, "the last step failed")
	})
	if err == nil || !strings.Contains(err.Error(), "the last step failed") {
		t.Fatalf("failing load: %v", err)
	}
	if names := dirNames(t, filepath.Dir(failing)); len(names) != 0 {
		t.Errorf("a failed load left %v", names)
	}
}

// dirNames lists a folder's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestDefaultLocalities(t *testing.T) {
	d, err := DefaultLocalities()
	if err != nil {
		t.Fatal(err)
	}
	localities := map[string]map[string]bool{}
	for _, r := range d.Rows {
		if localities[r.Scheme] == nil {
			localities[r.Scheme] = map[string]bool{}
		}
		localities[r.Scheme][r.Locality] = true
	}
	if n := len(localities["Shropshire early help localities"]); n != 18 {
		t.Errorf("%d Shropshire localities, want 18", n)
	}
	if n := len(localities["Oxfordshire early intervention areas"]); n != 3 {
		t.Errorf("%d Oxfordshire localities, want 3", n)
	}
	reg, err := registry.MSOAs()
	if err != nil {
		t.Fatal(err)
	}
	// Each Shropshire name is one English MSOA ("Whitchurch" is also in
	// Cardiff).
	for _, r := range d.Rows {
		if r.MSOAName == "" {
			continue
		}
		var english []string
		for _, m := range reg.Named(placeplan.LSOA2011, r.MSOAName) {
			if m.Code[0] == 'E' {
				english = append(english, m.Code)
			}
		}
		if len(english) != 1 {
			t.Errorf("line %d: MSOA name %q matches English MSOA 2011 %v, want one", r.Line, r.MSOAName, english)
		}
	}
}
