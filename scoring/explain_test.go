package scoring

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan"
)

// The -update flag rewrites golden files. Other test files of the package
// may declare it too, so it is registered only if no one has.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata")
	}
}

func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// checkGolden compares got with testdata/need/name, rewriting it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "need", name)
	if updatingGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scoring -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./scoring -run %s -update rewrites it):\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}

func TestOrdinal(t *testing.T) {
	cases := map[int]string{
		0: "0th", 1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 10: "10th", 11: "11th", 12: "12th", 13: "13th",
		14: "14th", 21: "21st", 22: "22nd", 23: "23rd", 101: "101st", 111: "111th", 112: "112th", 1002: "1002nd",
	}
	for n, want := range cases {
		if got := Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestIndicatorPhrase(t *testing.T) {
	cases := []struct{ name, want string }{
		{"Acute morbidity indicator", "acute morbidity indicator"},
		{"Income Deprivation Affecting Children Index score", "Income Deprivation Affecting Children Index score"},
		{"IDACI score", "IDACI score"},
		{"Early help referrals 2024/25", "early help referrals 2024/25"},
		{"Children in need in Shropshire", "Children in need in Shropshire"},
		{"", "the_key"},
	}
	for _, c := range cases {
		if got := indicatorPhrase(placeplan.Indicator{Key: "the_key", Name: c.name}); got != c.want {
			t.Errorf("indicatorPhrase(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestTextNumbers(t *testing.T) {
	for x, want := range map[float64]string{0.613: "0.61", -0.004: "0.00", -1.256: "−1.26", 23.45: "23.4", 150.2: "150"} {
		if got := scoreText(x); got != want {
			t.Errorf("scoreText(%v) = %q, want %q", x, got, want)
		}
	}
	for p, want := range map[float64]string{0.384: "38 %", 0.001: "under 1 %", 0.999: "over 99 %", 1: "100 %", 0: "0 %"} {
		if got := pctText(p); got != want {
			t.Errorf("pctText(%v) = %q, want %q", p, got, want)
		}
	}
	for n, want := range map[int]string{7: "7", 1000: "1,000", 32844: "32,844", 1234567: "1,234,567"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// explainCase is a small Shropshire-like case for the golden texts.
func explainCase(t *testing.T, m Method, a Aggregation, weights []float64) NeedInput {
	inds := []placeplan.Indicator{
		{Key: "idaci", Name: "Income deprivation affecting children", Direction: placeplan.HigherIsWorse},
		{Key: "emergency_admissions", Name: "Emergency admissions", Direction: placeplan.HigherIsWorse},
		{Key: "school_readiness", Name: "Good level of development at age 5", Direction: placeplan.HigherIsBetter},
		{Key: "early_help", Name: "Early help referrals per 1,000 children", Direction: placeplan.HigherIsWorse},
	}
	refs := [][]float64{
		{0.02, 0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.40},
		{60, 75, 80, 90, 95, 100, 110, 120, 140, 160},
		{0.55, 0.60, 0.65, 0.68, 0.70, 0.72, 0.75, 0.78, 0.80, 0.85},
		{5, 10, 15, 20, 25, 30, 40, 50, 60, 80},
	}
	in := NeedInput{
		Indicators: inds,
		Localities: []string{"Oswestry", "Ludlow", "Market Drayton", "Church Stretton", "Highley", "Wem"},
		Values: [][]float64{
			{0.26, 0.12, 0.18, 0.04, 0.18, 0.14},
			{118, 135, 104, 70, 104, 92},
			{0.66, 0.71, 0.69, 0.82, 0.69, 0.64},
			{55, 22, 41, 8, 41, 30},
		},
		Weights: weights, Method: m, Aggregation: a,
	}
	for j, r := range refs {
		in.References = append(in.References, mustReference(t, inds[j].Key, r))
	}
	return in
}

func TestExplainGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range []struct {
		title   string
		m       Method
		a       Aggregation
		weights []float64
	}{
		{"percentile ranks, arithmetic mean, children weighted double", Rank, Arithmetic, []float64{2, 1, 1, 1}},
		{"exponential transformation, geometric mean, equal weights", Exponential, Geometric, []float64{1, 1, 1, 1}},
		{"z-scores, arithmetic mean (contributions of either sign)", ZScore, Arithmetic, []float64{1, 1, 1, 1}},
		{"min–max, arithmetic mean, one indicator weighted", MinMax, Arithmetic, []float64{0, 1, 0, 0}},
	} {
		r, err := Need(explainCase(t, c.m, c.a, c.weights))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", c.title, ExplainMethod(r))
		for _, i := range byRank(r) {
			fmt.Fprintf(&b, "- %s\n", Explain(r, i))
		}
		b.WriteString("\n")
	}

	in := explainCase(t, Rank, Arithmetic, []float64{2, 1, 1, 1})
	u, err := Uncertainty(context.Background(), in, UncertaintySettings{Draws: 1000, Seed: 20190926, Concentration: 20, TopK: 2, Methods: Methods(), Aggregations: Aggregations()})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "## uncertainty\n\n%s\n\n", ExplainSensitivity(u))
	for _, i := range byRank(u.Base) {
		fmt.Fprintf(&b, "- %s\n", ExplainUncertainty(u, i))
	}
	fixed, err := Uncertainty(context.Background(), in, UncertaintySettings{Draws: 100, Seed: 1, TopK: 1})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "\n## nothing varied\n\n%s\n\n- %s\n", ExplainSensitivity(fixed), ExplainUncertainty(fixed, 0))
	checkGolden(t, "explain_synthetic.golden", b.String())
}

// TestExplainShropshireGolden rolls the IoD2019 subset up to the 18
// Shropshire early help localities, scores need for early help for
// children and families, and checks the board-paper text.
func TestExplainShropshireGolden(t *testing.T) {
	s := loadShropshire(t)
	inds := childrenIndicators()
	in := s.needInput(t, inds, []float64{2, 1, 1, 1, 1}, Rank, Arithmetic)
	r, err := Need(in)
	if err != nil {
		t.Fatal(err)
	}
	u, err := Uncertainty(context.Background(), in, UncertaintySettings{
		Draws: 1000, Seed: 20190926, Concentration: 20, TopK: 3,
		Methods: Methods(), Aggregations: Aggregations(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Need for early help: Shropshire early help localities (IoD2019)\n\n%s\n\n", ExplainMethod(r))
	for _, i := range byRank(r) {
		fmt.Fprintf(&b, "- %s\n", Explain(r, i))
	}
	fmt.Fprintf(&b, "\n## How firm the ranking is\n\n%s\n\n", ExplainSensitivity(u))
	for _, i := range byRank(r) {
		fmt.Fprintf(&b, "- %s\n", ExplainUncertainty(u, i))
	}
	checkGolden(t, "explain_shropshire.golden", b.String())

	// Sensible properties, whatever the golden text says.
	for _, l := range u.Localities {
		if l.Rank < l.RankP5-3 || l.Rank > l.RankP95+3 {
			t.Errorf("%s: chosen rank %d far outside its 90 %% interval %d–%d", l.Locality, l.Rank, l.RankP5, l.RankP95)
		}
	}
	var total float64
	for _, si := range u.Sensitivity {
		total += si.Total
		if si.Total < -0.05 || si.Total > 1.05 {
			t.Errorf("%+v out of range", si)
		}
	}
	if total < 0.9 {
		t.Errorf("total indices sum to %v: they cannot sum to less than 1 (up to estimation error)", total)
	}
}

// byRank returns locality indices ordered by rank, then name.
func byRank(r NeedResult) []int {
	idx := make([]int, len(r.Localities))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if d := r.Localities[a].Rank - r.Localities[b].Rank; d != 0 {
			return d
		}
		return strings.Compare(r.Localities[a].Locality, r.Localities[b].Locality)
	})
	return idx
}

func TestExplainUncertaintyBranches(t *testing.T) {
	sens := func(w, n, a float64) []SensitivityIndex {
		return []SensitivityIndex{{FactorWeights, w, w}, {FactorNormalisation, n, n}, {FactorAggregation, a, a}}
	}
	u := UncertaintyResult{
		Settings:    UncertaintySettings{Draws: 500, TopK: 3, Concentration: 10, Methods: Methods(), Aggregations: []Aggregation{Arithmetic}},
		Sensitivity: sens(0.7, 0.3, 0),
		Localities: []LocalityUncertainty{
			{Locality: "Wem", MedianRank: 4, RankP5: 4, RankP95: 4, RankVariance: 0.2, TopKProbability: 0.02, Sensitivity: sens(0.9, 0.1, 0)},
			{Locality: "Ludlow", MedianRank: 2, RankP5: 1, RankP95: 5, RankVariance: 1.5, TopKProbability: 0.734, Sensitivity: sens(0.2, 0.8, 0)},
			{Locality: "Ellesmere", MedianRank: 9, RankP5: 9, RankP95: 9},
		},
	}
	want := []string{
		"Across 500 draws, Wem ranked 4th in at least 90 % of draws, and in the top 3 in 2 % of them.",
		"Across 500 draws, Ludlow had a median rank of 2nd; it ranked between 1st and 5th in 90 % of draws, and in the top 3 in 73 % of them. Its rank moves most with the normalisation, not the weights.",
		"Across 500 draws, Ellesmere ranked 9th every time.",
	}
	for i, w := range want {
		if got := ExplainUncertainty(u, i); got != w {
			t.Errorf("locality %d:\n got %q\nwant %q", i, got, w)
		}
	}
}

func ExampleOrdinal() {
	for _, n := range []int{1, 2, 3, 11, 12, 13, 21, 22} {
		fmt.Print(Ordinal(n), " ")
	}
	fmt.Println()
	// Output: 1st 2nd 3rd 11th 12th 13th 21st 22nd
}

func ExampleExplain() {
	ref := func(key string, v ...float64) Reference { r, _ := NewReference(key, v); return r }
	in := NeedInput{
		Indicators: []placeplan.Indicator{
			{Key: "idaci", Name: "Income deprivation affecting children", Direction: placeplan.HigherIsWorse},
			{Key: "ae", Name: "Emergency admissions", Direction: placeplan.HigherIsWorse},
		},
		Localities: []string{"Oswestry", "Ludlow", "Wem"},
		Values:     [][]float64{{0.21, 0.12, 0.08}, {105, 120, 90}},
		References: []Reference{ref("idaci", 0.02, 0.05, 0.1, 0.15, 0.2, 0.3), ref("ae", 70, 85, 100, 110, 125, 140)},
		Weights:    []float64{2, 1},
		Method:     Rank, Aggregation: Arithmetic,
	}
	r, err := Need(in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(Explain(r, 0))
	// Output: Oswestry ranks 1st of 3 (need score 0.81), driven mainly by income deprivation affecting children (76 % of its score); its smallest contributor is emergency admissions (24 %).
}
