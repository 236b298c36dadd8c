package locality_test

import (
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
	"placeplan/data/internal/datatest"
	"placeplan/data/locality"
	"placeplan/data/record"
	"placeplan/data/registry"
	"placeplan/data/table"
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

// FuzzReadLocalities reads any bytes as a locality definition CSV and
// resolves what it reads over the default LSOA 2011 areas, as ingest
// does. Reading may fail only with an error naming the file; resolving
// must put each area in at most one locality of a scheme, and only areas
// that exist. It is seeded with the head of the embedded default's
// definitions (Shropshire's by House of Commons Library MSOA name,
// Oxfordshire's by district code), rows naming LSOAs, MSOAs and a
// geography, and the malformed Windows-1252 definitions of
// ../testdata/malformed.
func FuzzReadLocalities(f *testing.F) {
	// The default's LSOA 2011 areas, from its lookup (loading the default
	// into a store, as the other tests do, took longer than test-fuzz's
	// whole run of a target).
	lf, err := os.Open(filepath.Join("..", "default", "lsoa11_msoa11_lad19_lookup.csv.gz"))
	if err != nil {
		f.Fatal(err)
	}
	defer lf.Close()
	zr, err := gzip.NewReader(lf)
	if err != nil {
		f.Fatal(err)
	}
	lookup, err := table.ReadLookup("lsoa11_msoa11_lad19_lookup.csv", zr)
	if err != nil {
		f.Fatal(err)
	}
	areas := lookup.Areas
	known := map[string]bool{}
	for _, a := range areas {
		known[a.Code] = true
	}
	msoas, err := registry.MSOAs()
	if err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("..", "default", "localities.csv"))
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	f.Add([]byte(strings.Join(lines[:min(8, len(lines))], "")))
	for _, l := range lines {
		if strings.Contains(l, "E07000") { // the first row by district code
			f.Add([]byte(lines[0] + l))
			break
		}
	}
	f.Add([]byte("\ufeffscheme,locality,code,geography\r\nS,Oswestry,E02006024,lsoa11\r\nS,Ludlow,E01028826,\r\nT,Telford,E06000020,lsoa21\r\n"))
	f.Add([]byte("locality,msoa11hclnm\nNorth,\"Gobowen, St Martin's & Weston Rhyn\"\nNorth,oswestry east\n"))
	if b, err = os.ReadFile(filepath.Join("..", "testdata", "malformed", "windows1252_localities.csv")); err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := table.Read("l.csv", b)
		datatest.CheckFuzzErrNames(t, err, "l.csv")
		if err != nil {
			return
		}
		defs, err := table.Localities(tb)
		datatest.CheckFuzzErrNames(t, err, "l.csv")
		if err != nil {
			return
		}
		res := locality.Resolve(defs, placeplan.LSOA2011, areas, msoas)
		owner := map[[2]string]string{}
		for _, l := range res.Localities {
			for _, a := range l.Areas {
				if !known[a] {
					t.Fatalf("locality %q of %q holds %s, which is no loaded area", l.Name, l.Scheme, a)
				}
				k := [2]string{l.Scheme, a}
				if prev, dup := owner[k]; dup {
					t.Fatalf("area %s is in both %q and %q of %q", a, prev, l.Name, l.Scheme)
				}
				owner[k] = l.Name
			}
		}
	})
}
