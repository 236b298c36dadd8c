package data

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/input"
)

func TestStoreOpenSettings(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	var fk int
	if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v; want wal", mode, err)
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d, %v; want 1", fk, err)
	}
	// Foreign keys are enforced: a locality member must be a stored area.
	_, err = s.db.ExecContext(ctx, `INSERT INTO locality_areas (locality_id, geography, area_code) VALUES (999, 'lsoa11', 'E01000001')`)
	if err == nil {
		t.Error("a locality member that refers to nothing was accepted")
	}
	m1, err := s.Migrations(ctx)
	if err != nil || len(m1) == 0 || m1[0] != "migrations/0001_init.sql" {
		t.Fatalf("migrations %v, %v", m1, err)
	}
	s.Close()
	// Reopening applies nothing twice.
	s, err = Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m2, _ := s.Migrations(ctx)
	if len(m2) != len(m1) {
		t.Errorf("migrations after reopening: %v, want %v", m2, m1)
	}
	if rev, err := s.Revision(ctx); err != nil || rev != 0 {
		t.Errorf("revision of a new database: %d, %v", rev, err)
	}
}

func TestStoreQueries(t *testing.T) {
	s := loadedStore(t)
	ctx := context.Background()
	if rev, _ := s.Revision(ctx); rev != 1 {
		t.Errorf("revision after loading the default: %d, want 1", rev)
	}
	// Oswestry town centre: the areas whose boxes meet a 1 km box around it.
	box := orb.Bound{Min: orb.Point{-3.058, 52.857}, Max: orb.Point{-3.044, 52.866}}
	near, err := s.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, Bound: &box, WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(near) == 0 || len(near) > 15 {
		t.Fatalf("%d areas near Oswestry town centre", len(near))
	}
	for _, a := range near {
		if !a.Geometry.Bound().Intersects(box) || a.LADCode != "E06000051" {
			t.Errorf("%s (%s) does not meet the box", a.Code, a.LADCode)
		}
		if a.MSOAName == "" || (a.MSOAName != "Oswestry East" && a.MSOAName != "Oswestry West" && a.MSOAName != "Trefonen & Pant" &&
			a.MSOAName != "Gobowen, St Martin's & Weston Rhyn") {
			t.Errorf("%s is in MSOA %q", a.Code, a.MSOAName)
		}
	}
	if _, err := s.Area(ctx, placeplan.LSOA2011, "E01999999"); placeplan.ErrorCode(err) != placeplan.ENOTFOUND {
		t.Errorf("unknown area: %v", err)
	}
	a, err := s.Area(ctx, placeplan.LSOA2011, "E01028826")
	if err != nil || a.Name != "Shropshire 027A" || a.Geometry == nil {
		t.Errorf("E01028826: %+v, %v", a, err)
	}
	// A store stamps ingests with its clock.
	when := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return when }
	if _, err := s.IngestInputs(ctx, []input.Input{{Name: "hubs.csv", Data: []byte("name,lon,lat\nHub,-2.7,52.7\n")}}, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	ds, _ := s.Datasets(ctx)
	last := ds[len(ds)-1]
	if last.Source != "hubs.csv" || !last.IngestedAt.Equal(when) || last.Kind != "points" {
		t.Errorf("last dataset %+v", last)
	}
	if _, err := Open(ctx, ""); placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Errorf("empty path: %v", err)
	}
}

// TestValuesByArea checks the one "values by area" call against Values on
// the default data: the same areas and values, for every indicator.
func TestValuesByArea(t *testing.T) {
	s := loadedStore(t)
	ctx := context.Background()
	inds, err := s.Indicators(ctx, "")
	if err != nil || len(inds) == 0 {
		t.Fatalf("%d indicators, %v", len(inds), err)
	}
	for _, ind := range inds {
		list, err := s.Values(ctx, ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		byArea, err := s.ValuesByArea(ctx, ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(byArea) != len(list) {
			t.Fatalf("%s/%s: %d areas by area, %d listed", ind.Geography, ind.Key, len(byArea), len(list))
		}
		for _, v := range list {
			if got, ok := byArea[v.Area]; !ok || got != v.Value {
				t.Fatalf("%s/%s, area %s: %v (%v), want %v", ind.Geography, ind.Key, v.Area, got, ok, v.Value)
			}
		}
	}
	// E01028826 (Shropshire 027A) has an IMD rank in IoD2019.
	for _, ind := range inds {
		if ind.Geography == placeplan.LSOA2011 && ind.Key == "imd_rank" {
			m, _ := s.ValuesByArea(ctx, ind.ID)
			if m["E01028826"] < 1 || m["E01028826"] > placeplan.LSOACount2011 {
				t.Errorf("E01028826 imd_rank %v", m["E01028826"])
			}
		}
	}
	if m, err := s.ValuesByArea(ctx, -1); err != nil || len(m) != 0 {
		t.Errorf("unknown indicator: %v, %v", m, err)
	}
}
