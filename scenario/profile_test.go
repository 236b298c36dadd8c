package scenario

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"placeplan"
	"placeplan/data"
)

// TestAreaProfilesDefault checks every area profile of both geographies
// of the embedded default data against the store, ranks counted by brute
// force (checkProfiles).
func TestAreaProfilesDefault(t *testing.T) {
	st := loadDefault(t)
	for _, c := range []struct {
		geog   placeplan.Geography
		loaded bool // File 8's indicators, lsoa11 only, are ranked among the areas loaded
	}{{placeplan.LSOA2011, true}, {placeplan.LSOA2021, false}} {
		t.Run(string(c.geog), func(t *testing.T) {
			bases := checkProfiles(t, st, c.geog, 0)
			// The default data is three counties: ranks among the areas
			// loaded, never national, and the IoD domains' published ones.
			if (bases[RankLoaded] > 0) != c.loaded || bases[RankPublished] == 0 || bases[RankNational] != 0 {
				t.Errorf("rank bases %v: want published ones, loaded ones %v, no national one", bases, c.loaded)
			}
		})
	}
}

// TestAreaProfilesEngland does the same for 300 areas drawn at random
// from all of England, IoD2019 and File 8 (its underlying indicators,
// which share their domain's index but not its rank) ingested from
// ../shared/data, so that ranks are national.
func TestAreaProfilesEngland(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the England run (national files)")
	}
	root := filepath.Join("..", "..", "shared", "data")
	files := []string{
		filepath.Join(root, "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz"),
		filepath.Join(root, "iod2019_underlying_indicators_lsoa11", "iod2019_underlying_indicators_lsoa11_england.csv.gz"),
	}
	for _, p := range files {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("national file absent (national files live in ../shared/data and are not committed): %v", err)
		}
	}
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "england.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.IngestFiles(ctx, files, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	bases := checkProfiles(t, st, placeplan.LSOA2011, 300)
	// File 8 holds some indicators for fewer than all areas: those are
	// ranked among the areas holding them.
	if bases[RankNational] == 0 || bases[RankPublished] == 0 || bases[RankLoaded] == 0 {
		t.Errorf("rank bases %v: want national, published and loaded ones", bases)
	}
}

// checkProfiles builds the area profiles of geog from st and compares the
// profiles of sample areas drawn at random, seeded (every area when
// sample is 0), with what the store holds for each, read one area at a
// time: the area, its values, and each value's rank, counted by brute
// force over every value of the indicator (1 + those with more need), its
// decile and basis, or for a domain's own score the published rank and
// decile the area holds. It returns how many ranks of each basis it saw.
func checkProfiles(t *testing.T, st *data.Store, geog placeplan.Geography, sample int) map[string]int {
	t.Helper()
	ctx := context.Background()
	p, err := NewAreaProfiles(ctx, st, geog)
	if err != nil {
		t.Fatal(err)
	}
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: geog})
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) == 0 {
		t.Fatalf("no %s areas", geog)
	}
	if sample > 0 {
		r := rand.New(rand.NewPCG(15, uint64(sample)))
		r.Shuffle(len(areas), func(i, j int) { areas[i], areas[j] = areas[j], areas[i] })
		areas = areas[:min(sample, len(areas))]
	}
	inds, err := st.Indicators(ctx, geog)
	if err != nil {
		t.Fatal(err)
	}
	all := map[int64][]placeplan.Value{}
	for _, ind := range inds {
		if all[ind.ID], err = st.Values(ctx, ind.ID); err != nil {
			t.Fatal(err)
		}
	}
	bases := map[string]int{}
	for _, a := range areas {
		got, ok := p.Profile(a.Code)
		if !ok {
			t.Fatalf("%s: no profile", a.Code)
		}
		want, err := st.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: []string{a.Code}})
		if err != nil || len(want) != 1 {
			t.Fatalf("%s: %v, %d areas", a.Code, err, len(want))
		}
		if !reflect.DeepEqual(got.Area, want[0]) {
			t.Errorf("%s: area %+v, store has %+v", a.Code, got.Area, want[0])
		}
		vals, err := st.AreaValues(ctx, geog, a.Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Values) != len(vals) {
			t.Errorf("%s: %d values, store has %d", a.Code, len(got.Values), len(vals))
		}
		for _, pv := range got.Values {
			ind := pv.Indicator
			if v, ok := vals[ind.Key]; !ok || v != pv.Value {
				t.Errorf("%s %s: value %v, store has %v (held %v)", a.Code, ind.Key, pv.Value, v, ok)
			}
			want := bruteRank(ind, pv.Value, all[ind.ID], geog)
			if pub, ok := publishedRankOf(ind, inds, vals, geog); ok && want.Basis != "" {
				want = pub
			}
			if pv.Rank != want {
				t.Errorf("%s %s = %v: rank %+v, want %+v", a.Code, ind.Key, pv.Value, pv.Rank, want)
			}
			bases[pv.Rank.Basis]++
		}
	}
	if _, ok := p.Profile("E01999999"); ok {
		t.Error("a profile for an area not loaded")
	}
	return bases
}

// bruteRank counts the values with more need than v among vs, when ind
// is ranked at all (a count, rate or score that points one way).
func bruteRank(ind placeplan.Indicator, v float64, vs []placeplan.Value, geog placeplan.Geography) AreaRank {
	if ind.Direction == 0 || (ind.Kind != placeplan.KindCount && ind.Kind != placeplan.KindRate && ind.Kind != placeplan.KindScore) {
		return AreaRank{}
	}
	more := 0
	for _, x := range vs {
		if (ind.Direction == placeplan.HigherIsWorse && x.Value > v) || (ind.Direction == placeplan.HigherIsBetter && x.Value < v) {
			more++
		}
	}
	r := AreaRank{Rank: more + 1, Of: len(vs), Basis: RankLoaded}
	// The decile of rank r among n: the smallest d with r ≤ d·n/10.
	for r.Decile = 1; r.Decile < 10 && 10*r.Rank > r.Decile*r.Of; r.Decile++ {
	}
	if len(vs) == geog.LSOAsInEngland() {
		r.Basis = RankNational
	}
	return r
}

// publishedRankOf returns the published rank and decile an area holds
// (vals) for ind when ind is its IoD domain's own score or exponentially
// transformed score, ranked, and the area holds both.
func publishedRankOf(ind placeplan.Indicator, inds []placeplan.Indicator, vals map[string]float64, geog placeplan.Geography) (AreaRank, bool) {
	if ind.Index == "" || ind.Direction == 0 ||
		(ind.Key != ind.Index.Key(placeplan.MeasureScore) && ind.Key != ind.Index.Key(placeplan.MeasureExp)) {
		return AreaRank{}, false
	}
	var rank, decile float64
	for _, o := range inds {
		if v, ok := vals[o.Key]; ok && o.Index == ind.Index {
			switch o.Kind {
			case placeplan.KindRank:
				rank = v
			case placeplan.KindDecile:
				decile = v
			}
		}
	}
	if rank <= 0 || decile <= 0 {
		return AreaRank{}, false
	}
	return AreaRank{Rank: int(rank), Decile: int(decile), Of: geog.LSOAsInEngland(), Basis: RankPublished}, true
}
