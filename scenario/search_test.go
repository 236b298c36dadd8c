package scenario

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
)

// searchIndex is the search index of the embedded default data, built once.
var searchIndex = sync.OnceValues(func() (*SearchIndex, error) {
	st, err := defaultStore()
	if err != nil {
		return nil, err
	}
	return NewSearchIndex(context.Background(), st)
})

func TestNormaliseSearch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Shropshire 027A", "shropshire 027a"},
		{"  SHROPSHIRE   027a ", "shropshire 027a"},
		{"Bishop's Castle", "bishops castle"},
		{"Bishop’s Castle", "bishops castle"},
		{"Shrewsbury Harlescott & Sundorne", "shrewsbury harlescott and sundorne"},
		{"Gobowen, St Martin's & Weston Rhyn", "gobowen st martins and weston rhyn"},
		{"a&b", "a and b"},
		{"Telford-and-Wrekin", "telford and wrekin"},
		{"E01028826", "e01028826"},
		{"...", ""},
	} {
		if got := normaliseSearch(tc.in); got != tc.want {
			t.Errorf("normaliseSearch(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSearch finds each kind of place on the default data by the codes and
// names people type, the best match first.
func TestSearch(t *testing.T) {
	ix, err := searchIndex()
	if err != nil {
		t.Fatal(err)
	}
	type want struct{ kind, code, name, detail string }
	for _, tc := range []struct {
		name  string
		query string
		geog  placeplan.Geography
		first []want // the first results, in order
	}{
		{"an area by code", "E01028826", placeplan.LSOA2011, []want{{SearchArea, "E01028826", "Shropshire 027A", "LSOA 2011 in Shropshire"}}},
		{"an area by code, lower case", "e01028826", placeplan.LSOA2011, []want{{SearchArea, "E01028826", "Shropshire 027A", ""}}},
		{"an area by name", "Shropshire 027A", placeplan.LSOA2011, []want{{SearchArea, "E01028826", "Shropshire 027A", ""}}},
		{"an area by name, loosely typed", "  shropshire   027a ", placeplan.LSOA2011, []want{{SearchArea, "E01028826", "Shropshire 027A", ""}}},
		{"an MSOA by its Library name's word", "Harlescott", placeplan.LSOA2011, []want{
			{SearchMSOA, "E02006029", "Shrewsbury Harlescott Grange", "MSOA 2011 in Shropshire (Shropshire 015)"},
			{SearchMSOA, "E02006030", "Shrewsbury Harlescott & Sundorne", ""}}},
		{"an MSOA by its name with 'and'", "Harlescott and Sundorne", placeplan.LSOA2011, []want{{SearchMSOA, "E02006030", "", ""}}},
		{"an MSOA by its ONS name", "Shropshire 027", placeplan.LSOA2011, []want{{SearchMSOA, "E02006009", "Cosford & Albrighton", ""}}},
		{"an MSOA by code", "E02006030", placeplan.LSOA2011, []want{{SearchMSOA, "E02006030", "", ""}}},
		{"a locality, then the town, then its MSOAs", "Oswestry", placeplan.LSOA2011, []want{
			{SearchLocality, "", "Oswestry", "Shropshire early help localities"},
			{SearchTown, "Oswestry", "Oswestry", "in Shropshire (towns layer)"},
			{SearchMSOA, "E02006024", "Oswestry East", ""}, {SearchMSOA, "E02006025", "Oswestry West", ""}}},
		{"a locality of two words", "North Shrewsbury", placeplan.LSOA2011, []want{{SearchLocality, "", "North Shrewsbury", "Shropshire early help localities"}}},
		{"an Oxfordshire locality", "central", placeplan.LSOA2011, []want{{SearchLocality, "", "Central", "Oxfordshire early intervention areas"}}},
		{"a district by name, before its areas", "Telford and Wrekin", placeplan.LSOA2011, []want{
			{SearchDistrict, "E06000020", "Telford and Wrekin", "local authority district: 108 LSOA 2011 areas"}}},
		{"a district by code", "E06000051", placeplan.LSOA2011, []want{{SearchDistrict, "E06000051", "Shropshire", "local authority district: 193 LSOA 2011 areas"}}},
		{"a town", "Ludlow", placeplan.LSOA2011, []want{{SearchLocality, "", "Ludlow", ""}, {SearchTown, "Ludlow", "Ludlow", "in Shropshire (towns layer)"},
			{SearchMSOA, "", "Ludlow Town", ""}}},
		{"a town with an apostrophe, typed without", "bishops castle", placeplan.LSOA2011, []want{{SearchLocality, "", "Bishop's Castle", ""},
			{SearchTown, "Bishop_s_Castle", "Bishop's Castle", ""}}},
		{"a town prefix", "Church Str", placeplan.LSOA2011, []want{{SearchLocality, "", "Church Stretton", ""}, {SearchTown, "Church_Stretton", "Church Stretton", ""}}},
		{"a substring of a code", "028826", placeplan.LSOA2011, []want{{SearchArea, "E01028826", "", ""}}},
		{"LSOA 2021 on its own geography", "E06000051", placeplan.LSOA2021, []want{{SearchDistrict, "E06000051", "Shropshire", "local authority district: 198 LSOA 2021 areas"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Search(SearchQuery{Text: tc.query, Geography: tc.geog})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < len(tc.first) {
				t.Fatalf("%d results %v, want at least %d", len(got), got, len(tc.first))
			}
			for i, w := range tc.first {
				g := got[i]
				if g.Kind != w.kind || w.code != "" && g.Code != w.code || w.name != "" && g.Name != w.name || w.detail != "" && g.Detail != w.detail {
					t.Errorf("result %d: %s %s %q %q; want %+v", i, g.Kind, g.Code, g.Name, g.Detail, w)
				}
			}
			for _, g := range got {
				if g.Geography != "" && g.Geography != tc.geog {
					t.Errorf("%s %s is on %s, asked for %s", g.Kind, g.Code, g.Geography, tc.geog)
				}
				if !g.Bound.Contains(g.Point) || g.Bound.Min[0] < -3.3 || g.Bound.Max[0] > -0.8 || g.Bound.Min[1] < 51.4 || g.Bound.Max[1] > 53.1 {
					t.Errorf("%s %s: bbox %v, point %v", g.Kind, g.Code, g.Bound, g.Point)
				}
			}
		})
	}
}

// TestSearchRanking: exact matches, then prefixes, then word prefixes,
// then substrings; the limit; the geography; the shortest queries.
func TestSearchRanking(t *testing.T) {
	ix, err := searchIndex()
	if err != nil {
		t.Fatal(err)
	}
	tierOf := func(r SearchResult, q string) int {
		q = normaliseSearch(q)
		best := tierSubstring + 1
		for _, n := range []string{r.Code, r.Name} {
			n = normaliseSearch(n)
			switch {
			case n == q:
				best = min(best, tierExact)
			case strings.HasPrefix(n, q):
				best = min(best, tierPrefix)
			case strings.Contains(" "+n, " "+q):
				best = min(best, tierWordPrefix)
			case strings.Contains(n, q):
				best = min(best, tierSubstring)
			}
		}
		return best
	}
	for _, q := range []string{"Shrewsbury", "ton", "Ludlow", "wen", "E0102"} {
		got, err := ix.Search(SearchQuery{Text: q, Geography: placeplan.LSOA2011, Limit: MaxSearchLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			t.Fatalf("%q: nothing found", q)
		}
		prev := 0
		for _, r := range got {
			tier := tierOf(r, q)
			if r.Kind == SearchMSOA && tier > tierSubstring {
				continue // matched by its ONS name, not shown
			}
			if tier < prev {
				t.Errorf("%q: %s %q (tier %d) after a tier %d match", q, r.Kind, r.Name, tier, prev)
			}
			prev = tier
		}
	}
	// "wen" starts a word of Much Wenlock, and is inside Gobowen: Wenlock first.
	got, _ := ix.Search(SearchQuery{Text: "wen", Geography: placeplan.LSOA2011, Limit: MaxSearchLimit})
	if i, j := indexOfName(got, "Much Wenlock"), indexOfName(got, "Gobowen, St Martin's & Weston Rhyn"); i < 0 || j < 0 || i > j {
		t.Errorf("wen: Much Wenlock at %d, Gobowen at %d", i, j)
	}

	all, _ := ix.Search(SearchQuery{Text: "Shropshire", Geography: placeplan.LSOA2011, Limit: 1000})
	ten, _ := ix.Search(SearchQuery{Text: "Shropshire", Geography: placeplan.LSOA2011})
	if len(all) != MaxSearchLimit || len(ten) != DefaultSearchLimit || ten[0].Kind != SearchDistrict {
		t.Errorf("limits: %d (asked 1,000), %d by default, first %+v", len(all), len(ten), ten[0])
	}
	for i := range ten {
		if ten[i] != all[i] {
			t.Errorf("the first ten of fifty differ at %d", i)
		}
	}
	both, _ := ix.Search(SearchQuery{Text: "E06000051"})
	if len(both) != 2 || both[0].Geography == both[1].Geography {
		t.Errorf("without a geography: %+v, want Shropshire on both geographies", both)
	}
	for _, q := range []string{"", "a", " a ", "'a'", "..."} {
		if _, err := ix.Search(SearchQuery{Text: q}); placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("%q: %v, want EINVALID", q, err)
		}
	}
	if got, err := ix.Search(SearchQuery{Text: "zq"}); err != nil || len(got) != 0 {
		t.Errorf("zq: %v, %v", got, err)
	}
}

// TestSearchBounds: a group's bbox is the union of its member areas'
// boundaries, and its point that of one of them.
func TestSearchBounds(t *testing.T) {
	ix, err := searchIndex()
	if err != nil {
		t.Fatal(err)
	}
	st, _ := defaultStore()
	areas, err := st.Areas(context.Background(), placeplan.AreaQuery{Geography: placeplan.LSOA2011, LAD: "E06000020", WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	want := areas[0].Geometry.Bound()
	points := map[orb.Point]bool{}
	for _, a := range areas {
		want = want.Union(a.Geometry.Bound())
		points[a.Point] = true
	}
	got, _ := ix.Search(SearchQuery{Text: "E06000020", Geography: placeplan.LSOA2011, Limit: 1})
	if len(got) != 1 || got[0].Bound != want || !points[got[0].Point] {
		t.Errorf("Telford and Wrekin: bbox %v (want %v), point %v", got[0].Bound, want, got[0].Point)
	}
}

func indexOfName(rs []SearchResult, name string) int {
	for i, r := range rs {
		if r.Name == name {
			return i
		}
	}
	return -1
}
