package locality_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
	"placeplan/data/locality"
	"placeplan/data/record"
	"placeplan/data/registry"
)

// defaultStore returns an in-memory store holding the embedded default.
func defaultStore(t *testing.T) *data.Store {
	t.Helper()
	st, err := data.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := data.LoadDefault(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

// storedAreas returns the areas of a geography as records, as ingest
// resolves localities over them.
func storedAreas(t *testing.T, st *data.Store, g placeplan.Geography) []record.Area {
	t.Helper()
	stored, err := st.Areas(context.Background(), placeplan.AreaQuery{Geography: g})
	if err != nil {
		t.Fatal(err)
	}
	areas := make([]record.Area, len(stored))
	for i, a := range stored {
		areas[i] = record.Area{Code: a.Code, Name: a.Name, MSOACode: a.MSOACode, LADCode: a.LADCode, Point: a.Point}
	}
	return areas
}

// TestResolveDefaultLocalities resolves the embedded default localities
// (Shropshire's by House of Commons Library MSOA name, Oxfordshire's by
// district) over the default areas of each geography, and finds exactly
// what the default ingest stored.
func TestResolveDefaultLocalities(t *testing.T) {
	ctx := context.Background()
	st := defaultStore(t)
	defs, err := data.DefaultLocalities()
	if err != nil {
		t.Fatal(err)
	}
	msoas, err := registry.MSOAs()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []placeplan.Geography{placeplan.LSOA2011, placeplan.LSOA2021} {
		res := locality.Resolve(defs, g, storedAreas(t, st, g), msoas)
		if len(res.Unmatched) > 0 || len(res.Problems) > 0 {
			t.Fatalf("%s: unmatched %+v, problems %+v", g, res.Unmatched, res.Problems)
		}
		stored, err := st.Localities(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Localities) != 21 || len(stored) != len(res.Localities) {
			t.Fatalf("%s: %d resolved, %d stored; want 21 (18 Shropshire, 3 Oxfordshire)", g, len(res.Localities), len(stored))
		}
		slices.SortFunc(res.Localities, func(a, b placeplan.Locality) int {
			return strings.Compare(a.Scheme+"/"+a.Name, b.Scheme+"/"+b.Name)
		})
		for i, l := range res.Localities {
			s := stored[i]
			if s.Scheme != l.Scheme || s.Name != l.Name || !slices.Equal(s.Areas, l.Areas) || s.Definition != l.Definition {
				t.Errorf("%s: resolved %s/%s %q %v; stored %s/%s %q %v", g, l.Scheme, l.Name, l.Definition, l.Areas, s.Scheme, s.Name, s.Definition, s.Areas)
			}
		}
	}
}

// TestResolveRefusals covers what the rule refuses or reports, on the
// default LSOA 2011 areas: a name that is no MSOA's, a row that matches no
// area, and an area in two localities of a scheme.
func TestResolveRefusals(t *testing.T) {
	st := defaultStore(t)
	areas := storedAreas(t, st, placeplan.LSOA2011)
	msoas, err := registry.MSOAs()
	if err != nil {
		t.Fatal(err)
	}
	defs := &record.LocalityDefs{Name: "l.csv", Rows: []record.LocalityRow{
		{Line: 2, Scheme: "S", Locality: "Nowhere", MSOAName: "Atlantis Central"},
		{Line: 3, Scheme: "S", Locality: "Cardiff", Code: "W02000398"}, // a Welsh MSOA: not loaded
		{Line: 4, Scheme: "S", Locality: "A", Code: "E02006024"},       // Oswestry East
		{Line: 5, Scheme: "S", Locality: "B", MSOAName: "oswestry east"},
		{Line: 6, Scheme: "S", Locality: "C", Code: "E01028826", Geography: placeplan.LSOA2021},
	}}
	res := locality.Resolve(defs, placeplan.LSOA2011, areas, msoas)
	if len(res.Unmatched) != 2 || !res.Unmatched[0].UnknownName || res.Unmatched[0].What() != "MSOA name Atlantis Central" ||
		res.Unmatched[1].UnknownName || res.Unmatched[1].What() != "W02000398" {
		t.Errorf("unmatched %+v", res.Unmatched)
	}
	if len(res.Problems) == 0 {
		t.Fatal("no problem for Oswestry East in both A and B")
	}
	for _, p := range res.Problems {
		if p.Row.Line != 5 || p.First != "A" || p.FirstLine != 4 || !strings.HasPrefix(p.Area, "E01") {
			t.Errorf("problem %+v", p)
		}
	}
	if len(res.Localities) != 1 || res.Localities[0].Name != "A" {
		t.Errorf("localities %+v, want A alone (row 6 is for LSOA 2021)", res.Localities)
	}
}
