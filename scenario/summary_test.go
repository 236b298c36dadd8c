package scenario

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
)

// The subset of IoD2019 the embedded default dataset was cut from, and its
// File 8, in the shared data directory.
var (
	subsetIoD        = filepath.Join("..", "..", "shared", "data", "iod2019_lsoa11", "iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv")
	subsetUnderlying = filepath.Join("..", "..", "shared", "data", "iod2019_underlying_indicators_lsoa11",
		"iod2019_underlying_indicators_lsoa11_subset_shropshire_telford_oxfordshire.csv")
)

// readSubset reads the shared subset files, skipping the test without them.
func readSubset(t *testing.T) *IoDAreas {
	t.Helper()
	for _, p := range []string{subsetIoD, subsetUnderlying} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared IoD subset not found (%v): the agreement of store and files needs ../shared/data", err)
		}
	}
	ia, err := ReadIoDAreas(context.Background(), IoDFiles{IoD: subsetIoD, Underlying: subsetUnderlying})
	if err != nil {
		t.Fatal(err)
	}
	return ia
}

// sameValue reports whether two summary values agree: both NaN, or equal
// to 1e-9 relative (the store's areas are summed in another order).
func sameValue(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestSummariseStoreAgreesWithFiles summarises the embedded default
// dataset from the store and the published subset it was cut from, as
// placeplan summarise reads it, and compares them group by group.
func TestSummariseStoreAgreesWithFiles(t *testing.T) {
	st := loadDefault(t)
	files := readSubset(t)
	defs, err := data.DefaultLocalities()
	if err != nil {
		t.Fatal(err)
	}
	locs, warnings, err := files.ResolveLocalities(defs)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("resolving the default localities in memory: %v %v", warnings, err)
	}

	cases := []struct {
		name   string
		by     Grouping
		scheme string
		groups int
		// first is the first group's code and name.
		first [2]string
	}{
		{"districts", ByLAD, "", 7, [2]string{"E06000020", "Telford and Wrekin"}},
		{"MSOAs", ByMSOA, "", 148, [2]string{"E02002928", "Newport North"}},
		{"Shropshire early help localities", ByLocality, "Shropshire early help localities", 18,
			[2]string{"Shropshire early help localities/Albrighton", "Albrighton"}},
		{"Oxfordshire early intervention areas", ByLocality, "Oxfordshire early intervention areas", 3,
			[2]string{"Oxfordshire early intervention areas/Central", "Central"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SummariseStore(context.Background(), st, SummaryQuery{Geography: placeplan.LSOA2011, By: c.by, Scheme: c.scheme})
			if err != nil {
				t.Fatal(err)
			}
			var scheme []placeplan.Locality
			for _, l := range locs {
				if l.Scheme == c.scheme {
					scheme = append(scheme, l)
				}
			}
			want, err := files.Summarise(c.by, scheme)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Groups) != c.groups || len(want.Groups) != c.groups {
				t.Fatalf("%d groups from the store, %d from the files; want %d", len(got.Groups), len(want.Groups), c.groups)
			}
			if g := got.Groups[0]; g.Code != c.first[0] || g.Name != c.first[1] {
				t.Errorf("first group %s %q, want %s %q", g.Code, g.Name, c.first[0], c.first[1])
			}
			if !slices.Equal(got.Columns, want.Columns) {
				t.Fatalf("columns\n%v\nfrom the files\n%v", got.Columns, want.Columns)
			}
			if len(got.Columns) != 10*7+5*2+2*2 {
				t.Errorf("%d columns, want 84: ten indices with ranks, five with scores, two scales", len(got.Columns))
			}
			for i, g := range got.Groups {
				w := want.Groups[i]
				if g.Code != w.Code || g.Name != w.Name || g.Scheme != c.scheme || g.Measures.LSOACount != w.Measures.LSOACount {
					t.Errorf("group %d: %s %q (%s, %d LSOAs); from the files %s %q (%d LSOAs)",
						i, g.Code, g.Name, g.Scheme, g.Measures.LSOACount, w.Code, w.Name, w.Measures.LSOACount)
					continue
				}
				for j, col := range got.Columns {
					if !sameValue(g.Values[j], w.Values[j]) {
						t.Errorf("%s %s = %v, from the files %v", g.Code, col, g.Values[j], w.Values[j])
					}
				}
			}
			// Both see the same suppressed numerators.
			for _, w := range []string{"income_domain_numerator of 1 areas has no value", "employment_domain_numerator of 6 areas has no value"} {
				if !slices.ContainsFunc(got.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("store warnings %q lack %q", got.Warnings, w)
				}
			}
			if len(got.Attribution) == 0 || !strings.Contains(strings.Join(got.Attribution, " "), "Open Government Licence") {
				t.Errorf("attribution %q", got.Attribution)
			}
		})
	}
}

// TestSummariseStorePublishedValues checks the store's district summary
// against MHCLG's published File 10 values for Telford and Wrekin and
// Shropshire.
func TestSummariseStorePublishedValues(t *testing.T) {
	s, err := SummariseStore(context.Background(), loadDefault(t), SummaryQuery{Geography: placeplan.LSOA2011, By: ByLAD})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, c := range s.Columns {
		col[c] = j
	}
	byCode := map[string]SummaryGroup{}
	for _, g := range s.Groups {
		byCode[g.Code] = g
	}
	for _, c := range []struct {
		code, column string
		want         float64
	}{
		{"E06000020", "imd_average_score", 24.987971},
		{"E06000020", "imd_proportion_most_deprived_10pct", 0.166667},
		{"E06000051", "imd_average_score", 17.153275},
	} {
		if got := byCode[c.code].Values[col[c.column]]; math.Abs(got-c.want) > 5e-7 {
			t.Errorf("%s %s = %v, want %v", c.code, c.column, got, c.want)
		}
	}
	if byCode["E06000051"].Name != "Shropshire" || s.By != ByLAD || s.Geography != placeplan.LSOA2011 {
		t.Errorf("Shropshire named %q; by %q on %q", byCode["E06000051"].Name, s.By, s.Geography)
	}
}

func TestSummariseStoreErrors(t *testing.T) {
	st := loadDefault(t)
	empty, err := data.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	cases := []struct {
		name  string
		store SummaryStore
		q     SummaryQuery
		code  string
		want  []string
	}{
		{"unknown grouping", st, SummaryQuery{Geography: placeplan.LSOA2011, By: "ward"}, placeplan.EINVALID,
			[]string{`unknown grouping "ward"`, "lad, msoa or locality"}},
		{"locality without a scheme names the schemes", st, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLocality}, placeplan.EINVALID,
			[]string{"needs a locality scheme", "Oxfordshire early intervention areas; Shropshire early help localities"}},
		{"unknown scheme names the schemes", st, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLocality, Scheme: "Wards"}, placeplan.EINVALID,
			[]string{`unknown locality scheme "Wards"`, "Shropshire early help localities"}},
		{"a scheme without localities", st, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLAD, Scheme: "Wards"}, placeplan.EINVALID,
			[]string{`scheme "Wards": only grouping by locality`}},
		{"IoD2025 has no populations", st, SummaryQuery{Geography: placeplan.LSOA2021, By: ByLAD}, placeplan.EINVALID,
			[]string{"the LSOA 2021 data loaded (IoD2025", "has no population denominators", "ingest the combined file or File 7"}},
		{"unknown geography", st, SummaryQuery{Geography: "oa21", By: ByLAD}, placeplan.EINVALID,
			[]string{`unknown geography "oa21"`}},
		{"nothing loaded", empty, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLAD}, placeplan.ENOTFOUND,
			[]string{"no LSOA 2011 areas are loaded"}},
		{"no localities loaded", empty, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLocality, Scheme: "S"}, placeplan.EINVALID,
			[]string{`unknown locality scheme "S" on LSOA 2011 (none is loaded)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := SummariseStore(context.Background(), c.store, c.q)
			if placeplan.ErrorCode(err) != c.code {
				t.Fatalf("error %v (code %q), want code %q", err, placeplan.ErrorCode(err), c.code)
			}
			for _, w := range c.want {
				if !strings.Contains(placeplan.ErrorMessage(err), w) {
					t.Errorf("error %q lacks %q", placeplan.ErrorMessage(err), w)
				}
			}
		})
	}
}

// TestSummariseLocalities groups by localities given directly, as the
// store holds them.
func TestSummariseLocalities(t *testing.T) {
	ia, err := LoadIoDAreas(context.Background(), loadDefault(t), placeplan.LSOA2011)
	if err != nil {
		t.Fatal(err)
	}
	if ia.Len() != 708 || ia.Geography() != placeplan.LSOA2011 {
		t.Fatalf("%d areas on %s, want the 708 LSOA 2011 areas", ia.Len(), ia.Geography())
	}
	cases := []struct {
		name     string
		locs     []placeplan.Locality
		groups   []string // codes
		warnings []string
		err      string
	}{
		{"each scheme ranked on its own",
			[]placeplan.Locality{
				{Scheme: "B", Name: "Oxford", Areas: []string{"E01028522", "E01028523"}},
				{Scheme: "A", Name: "Two", Areas: []string{"E01028522"}},
				{Scheme: "A", Name: "One", Areas: []string{"E01028523"}},
			},
			[]string{"B/Oxford", "A/One", "A/Two"}, nil, ""},
		{"areas without values are left out, with a warning",
			[]placeplan.Locality{{Scheme: "S", Name: "X", Areas: []string{"E01028522", "E01999999"}}},
			[]string{"S/X"}, []string{`locality "X" of "S": 1 of its 2 areas have no IoD values`}, ""},
		{"localities of the other vintage are skipped",
			[]placeplan.Locality{
				{Scheme: "S", Name: "Old", Geography: placeplan.LSOA2011, Areas: []string{"E01028522"}},
				{Scheme: "S", Name: "New", Geography: placeplan.LSOA2021, Areas: []string{"E01028522"}},
			},
			[]string{"S/Old"}, nil, ""},
		{"an area in two localities of a scheme",
			[]placeplan.Locality{
				{Scheme: "S", Name: "A", Areas: []string{"E01028522"}},
				{Scheme: "S", Name: "B", Areas: []string{"E01028522"}},
			},
			nil, nil, `area E01028522 is in locality "A" and "B" of scheme "S"`},
		{"no locality holds an area",
			[]placeplan.Locality{{Scheme: "S", Name: "A", Areas: []string{"E01999999"}}},
			nil, nil, "no area of them falls in any group"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ia.Summarise(ByLocality, c.locs)
			if c.err != "" {
				if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(placeplan.ErrorMessage(err), c.err) {
					t.Fatalf("error %v, want invalid: %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, g := range s.Groups {
				codes = append(codes, g.Code)
				if rank := g.Values[slices.Index(s.Columns, "imd_rank_of_average_score")]; rank < 1 || int(rank) > len(c.locs) {
					t.Errorf("%s: rank %v", g.Code, rank)
				}
			}
			if !slices.Equal(codes, c.groups) {
				t.Errorf("groups %v, want %v", codes, c.groups)
			}
			extra := s.Warnings[len(ia.Warnings()):]
			if len(extra) != len(c.warnings) {
				t.Fatalf("warnings %q, want %q", extra, c.warnings)
			}
			for i, w := range c.warnings {
				if !strings.Contains(extra[i], w) {
					t.Errorf("warning %q lacks %q", extra[i], w)
				}
			}
		})
	}
}

func TestParseGrouping(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Grouping
		ok   bool
	}{{"lad", ByLAD, true}, {"msoa", ByMSOA, true}, {"locality", ByLocality, true}, {"", "", false}, {"LAD", "", false}, {"ward", "", false}} {
		got, err := ParseGrouping(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParseGrouping(%q) = %q, %v", c.in, got, err)
		}
	}
}

// ExampleSummariseStore ranks the districts of the embedded default
// dataset by their average IMD score.
func ExampleSummariseStore() {
	ctx := context.Background()
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if _, err := data.LoadDefault(ctx, st); err != nil {
		panic(err)
	}
	s, err := SummariseStore(ctx, st, SummaryQuery{Geography: placeplan.LSOA2011, By: ByLAD})
	if err != nil {
		panic(err)
	}
	score, rank := slices.Index(s.Columns, "imd_average_score"), slices.Index(s.Columns, "imd_rank_of_average_score")
	for _, g := range s.Groups {
		fmt.Printf("%s %-20s %6.3f %.0f\n", g.Code, g.Name, g.Values[score], g.Values[rank])
	}
	// Output:
	// E06000020 Telford and Wrekin   24.988 1
	// E06000051 Shropshire           17.153 2
	// E07000177 Cherwell             14.410 4
	// E07000178 Oxford               16.707 3
	// E07000179 South Oxfordshire     8.459 6
	// E07000180 Vale of White Horse   8.357 7
	// E07000181 West Oxfordshire      8.684 5
}
