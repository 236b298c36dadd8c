package scoring

import (
	"math"
	"testing"

	"placeplan"
)

func TestRollUp(t *testing.T) {
	pops := Populations{
		placeplan.PopTotal:    {"A1": 1000, "A2": 3000, "A3": 2000, "B1": 1500},
		placeplan.PopChildren: {"A1": 100, "A2": 300, "A3": 600, "B1": 0},
	}
	locs := []placeplan.Locality{
		{Name: "Alpha", Areas: []string{"A1", "A2", "A3"}},
		{Name: "Beta", Areas: []string{"B1"}},
		{Name: "Empty"},
	}
	vals := func(a1, a2, a3, b1 float64) []placeplan.Value {
		return []placeplan.Value{{Area: "A1", Value: a1}, {Area: "A2", Value: a2}, {Area: "A3", Value: a3}, {Area: "B1", Value: b1}}
	}
	nan := math.NaN()
	cases := []struct {
		name   string
		ind    placeplan.Indicator
		values []placeplan.Value
		want   []RolledUp
	}{
		{
			"rate weighted by its denominator (children)",
			placeplan.Indicator{Key: "idaci", Kind: placeplan.KindRate, Denominator: placeplan.PopChildren},
			vals(0.1, 0.2, 0.4, 0.3),
			[]RolledUp{
				{Locality: "Alpha", Value: (100*0.1 + 300*0.2 + 600*0.4) / 1000, Areas: 3, AreasWithValue: 3, Population: 1000, Coverage: 1},
				// Beta has no children, so no children's rate.
				{Locality: "Beta", Value: nan, Areas: 1, AreasWithValue: 1, Population: 0, Coverage: 0},
				{Locality: "Empty", Value: nan},
			},
		},
		{
			"score weighted by total population, missing value skipped",
			placeplan.Indicator{Key: "imd", Kind: placeplan.KindScore, Denominator: placeplan.PopTotal},
			vals(10, nan, 40, 5),
			[]RolledUp{
				{Locality: "Alpha", Value: (1000*10 + 2000*40) / 3000.0, Areas: 3, AreasWithValue: 2, Population: 6000, Coverage: 0.5},
				{Locality: "Beta", Value: 5, Areas: 1, AreasWithValue: 1, Population: 1500, Coverage: 1},
				{Locality: "Empty", Value: nan},
			},
		},
		{
			"counts summed, coverage by population",
			placeplan.Indicator{Key: "referrals", Kind: placeplan.KindCount, Denominator: placeplan.PopChildren},
			vals(3, 4, nan, 7),
			[]RolledUp{
				{Locality: "Alpha", Value: 7, Areas: 3, AreasWithValue: 2, Population: 1000, Coverage: 0.4},
				{Locality: "Beta", Value: 7, Areas: 1, AreasWithValue: 1, Population: 0, Coverage: 0},
				{Locality: "Empty", Value: nan},
			},
		},
		{
			"counts without a denominator: coverage by areas",
			placeplan.Indicator{Key: "visits", Kind: placeplan.KindCount, Denominator: placeplan.PopNone},
			vals(3, 4, nan, 7),
			[]RolledUp{
				{Locality: "Alpha", Value: 7, Areas: 3, AreasWithValue: 2, Coverage: 2.0 / 3},
				{Locality: "Beta", Value: 7, Areas: 1, AreasWithValue: 1, Coverage: 1},
				{Locality: "Empty", Value: nan},
			},
		},
		{
			"counts whose denominator is not given fall back to areas",
			placeplan.Indicator{Key: "falls", Kind: placeplan.KindCount, Denominator: placeplan.PopOlder},
			vals(1, 1, 1, nan),
			[]RolledUp{
				{Locality: "Alpha", Value: 3, Areas: 3, AreasWithValue: 3, Coverage: 1},
				{Locality: "Beta", Value: nan, Areas: 1, AreasWithValue: 0, Coverage: 0},
				{Locality: "Empty", Value: nan},
			},
		},
		{
			"a score with no denominator is an unweighted mean",
			placeplan.Indicator{Key: "distance_km", Kind: placeplan.KindScore, Denominator: placeplan.PopNone},
			vals(1, 2, 6, 4),
			[]RolledUp{
				{Locality: "Alpha", Value: 3, Areas: 3, AreasWithValue: 3, Coverage: 1},
				{Locality: "Beta", Value: 4, Areas: 1, AreasWithValue: 1, Coverage: 1},
				{Locality: "Empty", Value: nan},
			},
		},
		{
			"an area left out of the values is missing",
			placeplan.Indicator{Key: "imd", Kind: placeplan.KindScore, Denominator: placeplan.PopTotal},
			[]placeplan.Value{{Area: "A2", Value: 8}, {Area: "Z9", Value: 100}},
			[]RolledUp{
				{Locality: "Alpha", Value: 8, Areas: 3, AreasWithValue: 1, Population: 6000, Coverage: 0.5},
				{Locality: "Beta", Value: nan, Areas: 1, AreasWithValue: 0, Population: 1500, Coverage: 0},
				{Locality: "Empty", Value: nan},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := RollUp(c.ind, c.values, pops, locs)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range c.want {
				g := got[i]
				same := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 || math.IsNaN(a) && math.IsNaN(b) }
				if g.Locality != w.Locality || !same(g.Value, w.Value) || g.Areas != w.Areas || g.AreasWithValue != w.AreasWithValue ||
					!same(g.Population, w.Population) || !same(g.Coverage, w.Coverage) {
					t.Errorf("locality %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
			if col := RolledValues(got); len(col) != len(locs) || !(col[0] == got[0].Value || math.IsNaN(col[0])) {
				t.Errorf("RolledValues = %v", col)
			}
		})
	}
}

func TestRollUpErrors(t *testing.T) {
	locs := []placeplan.Locality{{Name: "Oswestry", Areas: []string{"E01028826", "E01028827"}}}
	pops := Populations{placeplan.PopTotal: {"E01028826": 1500}}
	v := []placeplan.Value{{Area: "E01028826", Value: 1}, {Area: "E01028827", Value: 2}}
	cases := []struct {
		name   string
		ind    placeplan.Indicator
		values []placeplan.Value
		pops   Populations
		want   string
	}{
		{"ranks cannot be averaged", placeplan.Indicator{Key: "imd_rank", Kind: placeplan.KindRank}, v, pops,
			`indicator "imd_rank" is a rank, which cannot be averaged over a locality: roll up its score instead`},
		{"deciles cannot be averaged", placeplan.Indicator{Key: "imd_decile", Kind: placeplan.KindDecile}, v, pops, `indicator "imd_decile" is a decile`},
		{"an area without its population", placeplan.Indicator{Key: "imd_score", Kind: placeplan.KindScore, Denominator: placeplan.PopTotal}, v, pops,
			`indicator "imd_score": area E01028827 of locality "Oswestry" has no total population`},
		{"a denominator not given", placeplan.Indicator{Key: "idaci_score", Kind: placeplan.KindRate, Denominator: placeplan.PopChildren}, v, pops,
			`indicator "idaci_score" is weighted by the children population, which is not given`},
		{"two values for one area", placeplan.Indicator{Key: "visits", Kind: placeplan.KindCount},
			append(v, placeplan.Value{Area: "E01028826", Value: 3}), pops, `indicator "visits": area E01028826 has two values`},
		{"an infinite value", placeplan.Indicator{Key: "visits", Kind: placeplan.KindCount},
			[]placeplan.Value{{Area: "E01028826", Value: math.Inf(1)}}, pops, `indicator "visits": area E01028826 has an infinite value`},
		{"an unknown kind", placeplan.Indicator{Key: "odd", Kind: "ratio"}, v, pops, `indicator "odd" has unknown kind "ratio"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := RollUp(c.ind, c.values, c.pops, locs)
			assertInvalid(t, err, c.want)
		})
	}
}
