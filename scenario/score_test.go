package scenario

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"placeplan"
	"placeplan/data"
	"placeplan/data/input"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

var defaultStore = sync.OnceValues(func() (*data.Store, error) {
	ctx := context.Background()
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	_, err = data.LoadDefault(ctx, st)
	return st, err
})

func loadDefault(t *testing.T) *data.Store {
	t.Helper()
	st, err := defaultStore()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestScoreShropshire scores the documented example scenario on the
// embedded default data and compares the ranking, intervals and
// explanations with the golden file.
func TestScoreShropshire(t *testing.T) {
	sc, err := ReadFile(filepath.Join("defaults", "shropshire-need.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Score(context.Background(), loadDefault(t), sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Need.Localities) != 18 || res.Uncertainty == nil || len(res.Uncertainty.Localities) != 18 {
		t.Fatalf("%d localities scored", len(res.Need.Localities))
	}
	var b strings.Builder
	fmt.Fprintln(&b, "rank,locality,need_score,median_rank,rank_p5,rank_p95,p_top_5")
	ranks := map[string]int{}
	for i, l := range res.Need.Localities {
		u := res.Uncertainty.Localities[i]
		if u.Locality != l.Locality || u.RankP5 > u.MedianRank || u.MedianRank > u.RankP95 || u.RankP5 < 1 || u.RankP95 > 18 {
			t.Errorf("%s: interval %d–%d around median %d", l.Locality, u.RankP5, u.RankP95, u.MedianRank)
		}
		ranks[l.Locality] = l.Rank
		fmt.Fprintf(&b, "%d,%s,%.6f,%d,%d,%d,%.3f\n", l.Rank, l.Locality, l.Score, u.MedianRank, u.RankP5, u.RankP95, u.TopKProbability)
	}
	for i, e := range res.Explanations {
		fmt.Fprintf(&b, "\n%s\n", e)
		if !strings.HasPrefix(e, res.Need.Localities[i].Locality+" ranks ") {
			t.Errorf("explanation %d does not start with the locality: %s", i, e)
		}
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", res.Method, res.Sensitivity)
	golden := filepath.Join("testdata", "shropshire_need.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(b.String()), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != b.String() {
		t.Errorf("scored scenario differs from %s; got:\n%s", golden, b.String())
	}
	// North Shrewsbury (Harlescott, Sundorne) and Oswestry are among the
	// most deprived parts of Shropshire; Church Stretton and Ellesmere
	// among the least, on these indicators.
	if ranks["North Shrewsbury"] > 3 || ranks["Oswestry"] > 6 || ranks["Ellesmere"] < 15 {
		t.Errorf("implausible ranking: %v", ranks)
	}
	if len(res.Attribution) == 0 || !strings.Contains(strings.Join(res.Attribution, " "), "Open Government Licence") {
		t.Errorf("attribution %q", res.Attribution)
	}
}

// TestScoreReproducible: the same seed gives the same answer; another seed
// moves the Monte Carlo figures but not the base ranking.
func TestScoreReproducible(t *testing.T) {
	st := loadDefault(t)
	example, err := os.ReadFile(filepath.Join("defaults", "shropshire-need.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	read := func(seed string) *Result {
		doc := strings.Replace(string(example), "seed: 20261122", "seed: "+seed, 1)
		doc = strings.Replace(doc, "draws: 1000", "draws: 200", 1)
		sc, err := Read("s.yaml", strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Score(context.Background(), st, sc)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := read("7"), read("7"), read("8")
	if fmt.Sprint(a.Uncertainty.Localities) != fmt.Sprint(b.Uncertainty.Localities) {
		t.Error("the same seed gave different results")
	}
	if a.Uncertainty.Settings.Draws != 200 || fmt.Sprint(a.Uncertainty.Sensitivity) == fmt.Sprint(c.Uncertainty.Sensitivity) {
		t.Error("a different seed gave identical sensitivity indices")
	}
	for i := range a.Need.Localities {
		if a.Need.Localities[i].Rank != c.Need.Localities[i].Rank {
			t.Error("the seed changed the base ranking")
		}
	}
}

const oxfordshire = `placeplan_scenario: 1
name: Oxfordshire early intervention areas on IoD2025
dataset: {geography: lsoa21, vintage: IoD2025}
localities: {scheme: Oxfordshire early intervention areas}
indicators:
  - {key: income_score, weight: 1}
  - {key: education_score, weight: 1}
  - {key: health_score, weight: 1}
weights: equal
normalisation: rank
aggregation: geometric
uncertainty: {draws: 300, seed: 7, concentration: 30, top_k: 1, normalisations: [rank, zscore]}
`

// TestScoreRefuses checks the validation that needs the store: every
// message names the field.
func TestScoreRefuses(t *testing.T) {
	st := loadDefault(t)
	cases := []struct{ name, from, to, want string }{
		{"unknown indicator", "income_score", "referrals", `indicators[0].key: no indicator "referrals" on LSOA 2021`},
		{"rank is not a measure", "income_score", "income_rank", "indicators[0].key: income_rank is a rank, not a measure of need"},
		{"unknown scheme", "scheme: Oxfordshire early intervention areas", "scheme: Wessex", `localities.scheme: no scheme "Wessex" on LSOA 2021`},
		{"wrong vintage", "vintage: IoD2025", "vintage: IoD2019", "indicators[0].key: income_score is from IoD2025, not IoD2019"},
		{"misspelt indicator", "income_score", "incme_score", `indicators[0].key: no indicator "incme_score" on LSOA 2021 (did you mean "income_score"?)`},
		{"unknown locality", "scheme: Oxfordshire early intervention areas}", "scheme: Oxfordshire early intervention areas, only: [North, Bicester]}", `localities.only: "Bicester" not in`},
		{"misspelt locality", "scheme: Oxfordshire early intervention areas}", "scheme: Oxfordshire early intervention areas, only: [North, Centrl]}", `localities.only: "Centrl" (did you mean "Central"?) not in`},
		{"top k beyond the localities", "top_k: 1", "top_k: 9", "uncertainty.top_k: 9 is more than the 3 localities"},
		{"iod weights need IoD domains", "weights: equal", "weights: iod\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Read("s.yaml", strings.NewReader(strings.Replace(oxfordshire, c.from, c.to, 1)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Score(context.Background(), st, sc)
			if c.want == "" {
				if err != nil {
					t.Fatalf("IoD weights on IoD domains: %v", err)
				}
				return
			}
			if err == nil || placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestSchemeOnTheOtherVintage: a locality scheme ingested while only LSOA
// 2011 areas were loaded, then asked for on LSOA 2021, is refused with
// what to do — ingest the locality file again, or compare with vintages —
// instead of an empty "(loaded: )"; once the file is ingested again, the
// scheme scores on LSOA 2021.
func TestSchemeOnTheOtherVintage(t *testing.T) {
	ctx := context.Background()
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	all, err := data.DefaultInputs()
	if err != nil {
		t.Fatal(err)
	}
	var old, new []input.Input
	for _, in := range all {
		switch {
		case strings.Contains(in.Name, "lsoa21") || strings.Contains(in.Name, "lsoa2021") || strings.Contains(in.Name, "msoa21"):
			new = append(new, in)
		case in.Name != "localities.csv":
			old = append(old, in)
		}
	}
	dir := t.TempDir()
	locs := filepath.Join(dir, "mine.csv")
	if err := os.WriteFile(locs, []byte("scheme,locality,code\nMine,Telford,E06000020\nMine,Shropshire,E06000051\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IngestInputs(ctx, old, data.IngestOptions{Geography: placeplan.LSOA2011}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IngestFiles(ctx, []string{locs}, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IngestInputs(ctx, new, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	sc, err := Read("s.yaml", strings.NewReader(`placeplan_scenario: 1
name: mine
dataset: {geography: lsoa21}
localities: {scheme: Mine}
indicators: [{key: imd_score, weight: 1}]
normalisation: zscore
aggregation: arithmetic
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Score(ctx, st, sc)
	want := `localities.scheme: "Mine" is defined on LSOA 2011 only, not on LSOA 2021. To score it on LSOA 2021, ingest its locality file again`
	if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), `placeplan vintages --db FILE --scheme "Mine"`) || strings.Contains(err.Error(), "(loaded: )") {
		t.Fatalf("got %v, want %q and the vintages command", err, want)
	}
	if _, err := st.IngestFiles(ctx, []string{locs}, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if res, err := Score(ctx, st, sc); err != nil || len(res.Need.Localities) != 2 {
		t.Errorf("after ingesting the locality file again: %v", err)
	}
}
