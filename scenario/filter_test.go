package scenario

import (
	"strings"
	"testing"

	"placeplan"
)

// filterQueryables are the queryables of the filter tests: the areas
// collection's kind of properties.
var filterQueryables = []Queryable{
	{Name: "code", Type: TypeString}, {Name: "lad_code", Type: TypeString}, {Name: "name", Type: TypeString},
	{Name: "imd_decile", Type: TypeInteger}, {Name: "imd_score", Type: TypeNumber}, {Name: "count", Type: TypeNumber},
}

// filterRows are four areas; the third's count is withheld (absent).
var filterRows = []Props{
	{"code": "E01", "lad_code": "E06000051", "name": "Shropshire 001A", "imd_decile": 1, "imd_score": 45.5, "count": 12.0},
	{"code": "E02", "lad_code": "E06000051", "name": "O'Brien's", "imd_decile": 5, "imd_score": 20.0, "count": 30.0},
	{"code": "E03", "lad_code": "E06000020", "name": "Telford 001A", "imd_decile": 2, "imd_score": 38.25},
	{"code": "E04", "lad_code": "E06000020", "name": "Telford 002B", "imd_decile": 9, "imd_score": 5.0, "count": 7.0},
}

func TestFilterMatches(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   string // codes matched, comma-separated
	}{
		{"imd_decile<=2 AND lad_code='E06000051'", "E01"},
		{"imd_decile <= 2", "E01,E03"},
		{"imd_decile<=2 OR lad_code='E06000051'", "E01,E02,E03"},
		{"NOT lad_code = 'E06000051'", "E03,E04"},
		{"not (imd_decile > 2 and imd_decile < 9)", "E01,E03,E04"},
		{"imd_decile <> 5", "E01,E03,E04"},
		{"imd_score > 38.25", "E01"},
		{"imd_score >= 38.25", "E01,E03"},
		{"imd_score >= 3.825e1", "E01,E03"},
		{"imd_decile = -1", ""},
		{"45.5 = imd_score", "E01"},
		{"name = 'O''Brien''s'", "E02"},
		{`"lad_code" = 'E06000020'`, "E03,E04"},
		{"name > 'T'", "E03,E04"},
		{"count < 20", "E01,E04"},
		// A withheld value is unknown: neither it nor its negation matches.
		{"count >= 20", "E02"},
		{"NOT count >= 20", "E01,E04"},
		{"count IS NULL", "E03"},
		{"count IS NOT NULL", "E01,E02,E04"},
		{"count IS NULL OR count > 20", "E02,E03"},
		{"((imd_decile = 1))", "E01"},
		{"imd_decile = 1 OR imd_decile = 2 AND lad_code = 'E06000051'", "E01"}, // AND binds tighter
		{"(imd_decile = 1 OR imd_decile = 2) AND lad_code = 'E06000020'", "E03"},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			f, err := ParseFilter(tc.filter, filterQueryables)
			if err != nil {
				t.Fatal(err)
			}
			rows := SelectRows(len(filterRows), func(i int) Props { return filterRows[i] }, nil, f, nil)
			var got []string
			for _, r := range rows {
				got = append(got, filterRows[r]["code"].(string))
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("matched %v, want %s", got, tc.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	for _, tc := range []struct{ filter, want string }{
		{"", "filter is empty"},
		{"   ", "filter is empty"},
		{"imd_decile <=", "end of filter where a property or a value belongs at position 14"},
		{"colour = 'red'", `colour is not a queryable property (queryables: code, lad_code`},
		{"imd_decile = 'two'", `"=" compares imd_decile (a number) with a string at position 12`},
		{"lad_code = 5", `compares lad_code (a string) with a number`},
		{"imd_decile = lad_code", `compares imd_decile (a number) with lad_code (a string)`},
		{"1 = 1", "a comparison of two literals"},
		{"name = 'unclosed", "the string at position 8 has no closing quote"},
		{"(imd_decile = 1", "end of filter where the ) closing the ( at position 1 belongs"},
		{"imd_decile = 1)", `unexpected ")" at position 15`},
		{"imd_decile = 1 AND", "end of filter where a property or a value belongs"},
		{"imd_decile == 1", `"=" where a property or a value belongs at position 13`},
		{"name LIKE 'T%'", "LIKE is not supported"},
		{"imd_decile ! 1", `unexpected "!" at position 12`},
		{"imd_decile = 1e999", `"1e999" at position 14 is not a number`},
		{"imd_decile = 1..2", `"1..2" at position 14 is not a number`},
		{"imd_decile IS 1", `"1" where NULL belongs after IS`},
		{"5 IS NULL", "IS NULL needs a property before it"},
		{"imd_decile = TRUE", "compares imd_decile (a number) with a boolean"},
		{`"" = 'x'`, "the quoted property name at position 1 is empty"},
		{strings.Repeat("(", 100) + "imd_decile = 1" + strings.Repeat(")", 100), "nested more than 64 deep"},
		{strings.Repeat("NOT ", 100) + "imd_decile = 1", "nested more than 64 deep"},
		{"name = '\xff'", "not UTF-8"},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			_, err := ParseFilter(tc.filter, filterQueryables)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q (%s), want EINVALID containing %q", err, placeplan.ErrorCode(err), tc.want)
			}
		})
	}
}

func TestSortBy(t *testing.T) {
	props := func(i int) Props { return filterRows[i] }
	for _, tc := range []struct{ sortby, want string }{
		{"imd_decile", "E01,E03,E02,E04"},
		{"+imd_decile", "E01,E03,E02,E04"},
		{" imd_decile", "E01,E03,E02,E04"}, // "+" decoded from a URL
		{"-imd_score", "E01,E03,E02,E04"},
		{"-lad_code,imd_decile", "E01,E02,E03,E04"},
		{"lad_code,-imd_decile", "E04,E03,E02,E01"},
		{"count", "E04,E01,E02,E03"},  // the withheld value last
		{"-count", "E02,E01,E04,E03"}, // last either way
	} {
		t.Run(tc.sortby, func(t *testing.T) {
			keys, err := ParseSortBy(tc.sortby, filterQueryables)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range SelectRows(len(filterRows), props, nil, nil, keys) {
				got = append(got, filterRows[r]["code"].(string))
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("order %v, want %s", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"colour", "-", "imd_decile,,name", ""} {
		if _, err := ParseSortBy(bad, filterQueryables); placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("sortby %q: error %v, want EINVALID", bad, err)
		}
	}
}

func TestEqualityFilter(t *testing.T) {
	f, err := EqualityFilter("lad_code", "E06000051", filterQueryables)
	if err != nil {
		t.Fatal(err)
	}
	g, err := EqualityFilter("imd_decile", "1", filterQueryables)
	if err != nil {
		t.Fatal(err)
	}
	if got := SelectRows(len(filterRows), func(i int) Props { return filterRows[i] }, nil, And(f, nil, g), nil); len(got) != 1 || got[0] != 0 {
		t.Errorf("lad_code=E06000051&imd_decile=1 selected %v, want [0]", got)
	}
	if _, err := EqualityFilter("imd_decile", "one", filterQueryables); err == nil || !strings.Contains(err.Error(), "imd_decile is a number") {
		t.Errorf("imd_decile=one: %v", err)
	}
	if _, err := EqualityFilter("colour", "red", filterQueryables); err == nil {
		t.Error("colour=red: no error")
	}
}

// FuzzParseFilter checks that no filter text panics the parser, and that
// whatever it accepts evaluates on any row without panicking.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"imd_decile<=2 AND lad_code='E06000051'", "NOT (count IS NULL) OR name > 'T'",
		"imd_score >= -3.5e1", `"name" = 'O''Brien'`, "((", "'", "1 = ", "imd_decile IS NOT NULL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s, filterQueryables)
		if err != nil {
			if placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Fatalf("%q: error code %s", s, placeplan.ErrorCode(err))
			}
			return
		}
		for _, r := range filterRows {
			flt.Match(r)
		}
	})
}
