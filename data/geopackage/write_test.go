package geopackage

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/geo"
)

// TestWriteReadsBack writes a feature table and an attributes table and
// reads the features back with Read: geometry, CRS, typed properties and
// NULLs as they were written.
func TestWriteReadsBack(t *testing.T) {
	file := filepath.Join(t.TempDir(), "out.gpkg")
	square := orb.MultiPolygon{{{{330000, 330000}, {331000, 330000}, {331000, 331000}, {330000, 331000}, {330000, 330000}}}}
	layers := []Layer{
		{Name: "areas", Title: "Areas", GeometryType: "MULTIPOLYGON",
			Columns:  []Column{{"code", "TEXT"}, {"need", "REAL"}, {"count", "INTEGER"}, {"opens", "DATE"}},
			Rows:     [][]any{{"E01", 0.5, int64(7), "2027-04-01"}, {"E02", nil, nil, nil}},
			Geometry: []orb.Geometry{square, nil}},
		{Name: "phases", Title: "Phases", Columns: []Column{{"phase", "TEXT"}}, Rows: [][]any{{"Phase 1"}}},
	}
	if err := Write(context.Background(), file, EPSG27700, layers); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	set, err := Read(bytes.NewReader(b), "areas")
	if err != nil {
		t.Fatal(err)
	}
	if set.CRS != geo.BNG || len(set.Features) != 2 {
		t.Fatalf("CRS %v, %d features", set.CRS, len(set.Features))
	}
	if g := set.Features[1].Geometry; g != nil {
		t.Errorf("the row without a geometry read back with %v", g)
	}
	for _, k := range []string{"need", "count", "opens"} {
		if v, ok := set.Features[1].Properties[k]; !ok || v != nil {
			t.Errorf("NULL %s read back as %#v", k, v)
		}
	}
	f := set.Features[0]
	if !orb.Equal(f.Geometry, square) {
		t.Errorf("geometry %v, want %v", f.Geometry, square)
	}
	for k, want := range map[string]any{"code": "E01", "need": 0.5, "count": int64(7), "opens": "2027-04-01"} {
		if f.Properties[k] != want {
			t.Errorf("%s = %#v, want %#v", k, f.Properties[k], want)
		}
	}
	if err := Write(context.Background(), file, EPSG27700, layers); placeplan.ErrorCode(err) != placeplan.ECONFLICT {
		t.Errorf("writing over a file: %v", err)
	}
	if err := Write(context.Background(), filepath.Join(t.TempDir(), "x.gpkg"), 3857, layers); placeplan.ErrorCode(err) != placeplan.EUNSUPPORTED {
		t.Errorf("EPSG:3857: %v", err)
	}
	bad := []Layer{{Name: "areas", GeometryType: "POINT", Columns: []Column{{"a", "TEXT"}}, Rows: [][]any{{"x", "too many"}}, Geometry: []orb.Geometry{orb.Point{1, 2}}}}
	failed := filepath.Join(t.TempDir(), "failed.gpkg")
	if err := Write(context.Background(), failed, EPSG27700, bad); err == nil {
		t.Error("a row with too many values was written")
	}
	if _, err := os.Stat(failed); !os.IsNotExist(err) {
		t.Errorf("a failed write left %s", failed)
	}
}
