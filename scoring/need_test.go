package scoring

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"

	"placeplan"
)

// smallNeed is a hand-checkable case: two indicators over three
// localities, the second higher-is-better.
func smallNeed(t testing.TB, m Method, a Aggregation) NeedInput {
	return NeedInput{
		Indicators: []placeplan.Indicator{
			{Key: "referrals_rate", Name: "Early help referral rate", Direction: placeplan.HigherIsWorse},
			{Key: "ks2_score", Name: "Key stage 2 attainment", Direction: placeplan.HigherIsBetter},
		},
		Localities: []string{"Ludlow", "Oswestry", "Wem"},
		Values:     [][]float64{{0.2, 0.6, 0.4}, {100, 80, 100}},
		References: []Reference{
			mustReference(t, "referrals_rate", []float64{0, 0.2, 0.4, 0.6, 0.8, 1}),
			mustReference(t, "ks2_score", []float64{60, 80, 100, 120, 140}),
		},
		Weights:     []float64{3, 1},
		Method:      m,
		Aggregation: a,
	}
}

func TestNeedArithmetic(t *testing.T) {
	r, err := Need(smallNeed(t, MinMax, Arithmetic))
	if err != nil {
		t.Fatal(err)
	}
	// Min–max: referrals (x−0)/1; attainment (140−x)/80.
	want := []struct {
		score float64
		rank  int
	}{
		{0.75*0.2 + 0.25*0.5, 3},
		{0.75*0.6 + 0.25*0.75, 1},
		{0.75*0.4 + 0.25*0.5, 2},
	}
	if r.Weights[0] != 0.75 || r.Weights[1] != 0.25 {
		t.Errorf("weights %v, want renormalised 0.75, 0.25", r.Weights)
	}
	for i, w := range want {
		l := r.Localities[i]
		if math.Abs(l.Score-w.score) > 1e-12 || l.Rank != w.rank {
			t.Errorf("%s: score %v rank %d, want %v rank %d", l.Locality, l.Score, l.Rank, w.score, w.rank)
		}
		checkBreakdown(t, l, l.Score)
	}
}

func TestNeedGeometric(t *testing.T) {
	r, err := Need(smallNeed(t, MinMax, Geometric))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range r.Localities {
		// Each normalised value rescaled from [0, 1] onto [1, 100].
		s1, s2 := 1+99*l.Normalised[0], 1+99*l.Normalised[1]
		want := math.Pow(s1, 0.75) * math.Pow(s2, 0.25)
		if math.Abs(l.Score-want) > 1e-9 {
			t.Errorf("locality %d: geometric score %v, want %v", i, l.Score, want)
		}
		checkBreakdown(t, l, math.Log(l.Score))
	}
	if ranks := []int{r.Localities[0].Rank, r.Localities[1].Rank, r.Localities[2].Rank}; !slices.Equal(ranks, []int{3, 1, 2}) {
		t.Errorf("ranks %v", ranks)
	}
}

// checkBreakdown checks contributions add up to total and shares to 1.
func checkBreakdown(t *testing.T, l LocalityNeed, total float64) {
	t.Helper()
	var sum, shares float64
	for j := range l.Contributions {
		sum += l.Contributions[j]
		shares += l.Shares[j]
	}
	if math.Abs(sum-total) > 1e-9 || math.Abs(shares-1) > 1e-9 {
		t.Errorf("%s: contributions sum to %v (want %v), shares to %v", l.Locality, sum, total, shares)
	}
}

// Every method and aggregation orders these localities the same way
// when one dominates on both indicators.
func TestNeedEveryMethodAgreesOnDominance(t *testing.T) {
	for _, m := range Methods() {
		for _, a := range Aggregations() {
			in := smallNeed(t, m, a)
			in.Values = [][]float64{{0.1, 0.9, 0.5}, {130, 70, 100}}
			r, err := Need(in)
			if err != nil {
				t.Fatal(err)
			}
			if got := []int{r.Localities[0].Rank, r.Localities[1].Rank, r.Localities[2].Rank}; !slices.Equal(got, []int{3, 1, 2}) {
				t.Errorf("%s %s: ranks %v, want 3 1 2", m, a, got)
			}
		}
	}
}

func TestNeedRanksTies(t *testing.T) {
	cases := []struct {
		name   string
		scores []float64
		want   []int
	}{
		{"no ties", []float64{0.2, 0.9, 0.5}, []int{3, 1, 2}},
		{"competition ranking", []float64{5, 7, 7, 1}, []int{3, 1, 1, 4}},
		{"rounding in sums still ties", []float64{0.1 + 0.2, 0.3, 0.1}, []int{1, 1, 3}},
		{"all equal", []float64{2, 2, 2}, []int{1, 1, 1}},
	}
	for _, c := range cases {
		if got := needRanks(c.scores); !slices.Equal(got, c.want) {
			t.Errorf("%s: ranks of %v = %v, want %v", c.name, c.scores, got, c.want)
		}
	}
	// Two localities with identical values share a rank in the result.
	in := smallNeed(t, Rank, Arithmetic)
	in.Values = [][]float64{{0.6, 0.6, 0.4}, {80, 80, 100}}
	r, err := Need(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Localities[0].Rank != 1 || r.Localities[1].Rank != 1 || r.Localities[2].Rank != 3 {
		t.Errorf("tied localities ranked %d, %d, %d", r.Localities[0].Rank, r.Localities[1].Rank, r.Localities[2].Rank)
	}
}

func TestNeedErrors(t *testing.T) {
	cases := []struct {
		name   string
		change func(*NeedInput)
		want   string
	}{
		{"a missing value names locality and indicator", func(in *NeedInput) { in.Values[1][2] = math.NaN() },
			`locality "Wem" has no value for indicator "ks2_score"`},
		{"a negative weight names the indicator", func(in *NeedInput) { in.Weights[1] = -1 }, `indicator "ks2_score": weight -1`},
		{"an unknown method", func(in *NeedInput) { in.Method = "logit" }, `unknown normalisation method "logit"`},
		{"an unknown aggregation", func(in *NeedInput) { in.Aggregation = "median" }, `unknown aggregation "median"`},
		{"a short column", func(in *NeedInput) { in.Values[0] = in.Values[0][:2] }, `indicator "referrals_rate" has 2 values for 3 localities`},
		{"a locality twice", func(in *NeedInput) { in.Localities[2] = "Ludlow" }, `locality "Ludlow" is given twice`},
		{"an indicator twice", func(in *NeedInput) { in.Indicators[1].Key = "referrals_rate" }, `indicator "referrals_rate" is given twice`},
		{"missing references", func(in *NeedInput) { in.References = in.References[:1] }, "2 indicators but 2 value columns and 1 references"},
		{"no localities", func(in *NeedInput) { in.Localities = nil; in.Values = [][]float64{nil, nil} }, "no localities given"},
		{"a reference without spread", func(in *NeedInput) {
			in.Method = ZScore
			in.References[0] = mustReference(t, "referrals_rate", []float64{0.3, 0.3})
		}, `indicator "referrals_rate": every reference value is 0.3, so z-scores are undefined`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := smallNeed(t, MinMax, Arithmetic)
			c.change(&in)
			_, err := Need(in)
			assertInvalid(t, err, c.want)
		})
	}
}

// shropshire is the IoD2019 subset rolled up to the 18 Shropshire early
// help localities of the default dataset.
type shropshire struct {
	areas      []string             // every LSOA in the subset file (the reference)
	columns    map[string][]float64 // column → value per area
	localities []placeplan.Locality
	pops       Populations
}

const (
	iodSubsetPath    = "iod2019_lsoa11/iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv"
	underlyingPath   = "iod2019_underlying_indicators_lsoa11/iod2019_underlying_indicators_lsoa11_subset_shropshire_telford_oxfordshire.csv"
	msoaLookupPath   = "lsoa2011_lookups/lsoa11_msoa11_lad_lookup_subset_shropshire_telford_oxfordshire.csv"
	shropshireScheme = "Shropshire early help localities"
)

func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared data file %s is absent: %v", path, err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := make(map[string]string, len(r))
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func loadShropshire(t testing.TB) shropshire {
	t.Helper()
	shared := filepath.Join("..", "..", "shared", "data")
	iod := readCSV(t, filepath.Join(shared, iodSubsetPath))
	under := readCSV(t, filepath.Join(shared, underlyingPath))
	lookup := readCSV(t, filepath.Join(shared, msoaLookupPath))
	defs := readCSV(t, filepath.Join("..", "data", "default", "localities.csv"))

	s := shropshire{columns: map[string][]float64{}, pops: Populations{}}
	num := func(v string) float64 {
		if v == "" {
			return math.NaN()
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("bad number %q: %v", v, err)
		}
		return f
	}
	byCode := map[string]map[string]string{}
	for _, r := range under {
		byCode[r["lsoa11cd"]] = r
	}
	iodCols := []string{"imd_score", "income_score", "idaci_score", "employment_score", "idaopi_score",
		"income_exp", "employment_exp", "education_exp", "health_exp", "crime_exp", "barriers_exp", "living_env_exp"}
	underCols := []string{"income_domain_numerator", "acute_morbidity_indicator", "mood_and_anxiety_disorders_indicator",
		"staying_on_in_education_post_16_indicator"}
	popCols := map[string]string{
		placeplan.PopTotal: "pop_total_mid2015", placeplan.PopChildren: "pop_children_0_15_mid2015",
		placeplan.PopWorkingAge: "pop_working_age_18_59_64", placeplan.PopOlder: "pop_60plus_mid2015",
	}
	for denom := range popCols {
		s.pops[denom] = map[string]float64{}
	}
	for _, r := range iod {
		code := r["lsoa11cd"]
		s.areas = append(s.areas, code)
		for _, c := range iodCols {
			s.columns[c] = append(s.columns[c], num(r[c]))
		}
		u, ok := byCode[code]
		if !ok {
			t.Fatalf("%s has no underlying indicators", code)
		}
		for _, c := range underCols {
			s.columns[c] = append(s.columns[c], num(u[c]))
		}
		for denom, c := range popCols {
			s.pops[denom][code] = num(r[c])
		}
	}
	msoaOf := map[string][]string{} // House of Commons Library MSOA name → LSOAs
	for _, r := range lookup {
		msoaOf[r["MSOA11HCLNM"]] = append(msoaOf[r["MSOA11HCLNM"]], r["LSOA11CD"])
	}
	index := map[string]int{}
	for _, d := range defs {
		if d["scheme"] != shropshireScheme {
			continue
		}
		i, ok := index[d["locality"]]
		if !ok {
			i = len(s.localities)
			index[d["locality"]] = i
			s.localities = append(s.localities, placeplan.Locality{Name: d["locality"], Scheme: shropshireScheme, Geography: placeplan.LSOA2011})
		}
		codes := msoaOf[d["msoa_name"]]
		if len(codes) == 0 {
			t.Fatalf("MSOA %q of %s is not in the lookup", d["msoa_name"], d["locality"])
		}
		s.localities[i].Areas = append(s.localities[i].Areas, codes...)
	}
	for i := range s.localities {
		sort.Strings(s.localities[i].Areas)
	}
	return s
}

func (s shropshire) values(col string) []placeplan.Value {
	out := make([]placeplan.Value, len(s.areas))
	for i, code := range s.areas {
		out[i] = placeplan.Value{Area: code, Value: s.columns[col][i]}
	}
	return out
}

// childrenIndicators are the indicators of the real-data case: need for
// early help for children and families, named as placeplan's readers name
// them.
func childrenIndicators() []placeplan.Indicator {
	return []placeplan.Indicator{
		{Key: "idaci_score", Name: "Income Deprivation Affecting Children Index score", Kind: placeplan.KindRate, Denominator: placeplan.PopChildren, Direction: placeplan.HigherIsWorse, Index: "idaci"},
		{Key: "employment_score", Name: "Employment score", Kind: placeplan.KindRate, Denominator: placeplan.PopWorkingAge, Direction: placeplan.HigherIsWorse, Index: "employment"},
		{Key: "acute_morbidity_indicator", Name: "Acute morbidity indicator", Kind: placeplan.KindScore, Denominator: placeplan.PopTotal, Direction: placeplan.HigherIsWorse, Index: "health"},
		{Key: "mood_and_anxiety_disorders_indicator", Name: "Mood and anxiety disorders indicator", Kind: placeplan.KindScore, Denominator: placeplan.PopTotal, Direction: placeplan.HigherIsWorse, Index: "health"},
		{Key: "staying_on_in_education_post_16_indicator", Name: "Staying on in education post 16 indicator", Kind: placeplan.KindRate, Denominator: placeplan.PopChildren, Direction: placeplan.HigherIsWorse, Index: "education"},
	}
}

// needInput rolls the indicators up to the localities and sets each
// indicator's reference to every LSOA in the subset (the default dataset).
func (s shropshire) needInput(t testing.TB, inds []placeplan.Indicator, weights []float64, m Method, a Aggregation) NeedInput {
	t.Helper()
	in := NeedInput{Indicators: inds, Weights: weights, Method: m, Aggregation: a}
	for _, l := range s.localities {
		in.Localities = append(in.Localities, l.Name)
	}
	for _, ind := range inds {
		rolled, err := RollUp(ind, s.values(ind.Key), s.pops, s.localities)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rolled {
			if r.Coverage != 1 {
				t.Errorf("%s in %s: coverage %v", ind.Key, r.Locality, r.Coverage)
			}
		}
		in.Values = append(in.Values, RolledValues(rolled))
		in.References = append(in.References, mustReference(t, ind.Key, s.columns[ind.Key]))
	}
	return in
}

func TestShropshireRollUp(t *testing.T) {
	s := loadShropshire(t)
	if len(s.localities) != 18 {
		t.Fatalf("%d Shropshire localities, want 18", len(s.localities))
	}
	seen := map[string]string{}
	for _, l := range s.localities {
		for _, a := range l.Areas {
			if other, dup := seen[a]; dup {
				t.Errorf("%s is in %s and %s", a, other, l.Name)
			}
			seen[a] = l.Name
		}
	}
	if len(seen) != 193 {
		t.Errorf("%d LSOAs in the localities, want Shropshire's 193", len(seen))
	}

	// The income score is the income-deprived share of the total
	// population, so rolling up the rate (weighted by population) and
	// summing the published numerators must agree, to the rounding of the
	// published figures: numerators to the nearest 5 people (up to 2.5 per
	// LSOA), scores to 3 decimal places (up to 0.0005).
	income := placeplan.Indicator{Key: "income_score", Kind: placeplan.KindRate, Denominator: placeplan.PopTotal}
	numerator := placeplan.Indicator{Key: "income_domain_numerator", Kind: placeplan.KindCount, Denominator: placeplan.PopTotal}
	rate, err := RollUp(income, s.values("income_score"), s.pops, s.localities)
	if err != nil {
		t.Fatal(err)
	}
	count, err := RollUp(numerator, s.values("income_domain_numerator"), s.pops, s.localities)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range rate {
		if rate[i].Coverage != 1 || count[i].Coverage != 1 {
			t.Errorf("%s: coverage %v and %v", rate[i].Locality, rate[i].Coverage, count[i].Coverage)
		}
		diff := math.Abs(rate[i].Value - count[i].Value/rate[i].Population)
		if bound := 2.5*float64(rate[i].Areas)/rate[i].Population + 0.0005; diff > bound {
			t.Errorf("%s: rolled income rate %v, numerators over population %v: differ by more than the rounding (%v)",
				rate[i].Locality, rate[i].Value, count[i].Value/rate[i].Population, bound)
		}
		worst = max(worst, diff)
	}
	t.Logf("rolled income rate vs numerators/population: largest difference %.5f", worst)

	// A population-weighted mean lies between its members' values.
	idaci := childrenIndicators()[0]
	rolled, err := RollUp(idaci, s.values("idaci_score"), s.pops, s.localities)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]float64{}
	for i, a := range s.areas {
		col[a] = s.columns["idaci_score"][i]
	}
	for i, l := range s.localities {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, a := range l.Areas {
			lo, hi = min(lo, col[a]), max(hi, col[a])
		}
		if v := rolled[i].Value; v < lo || v > hi {
			t.Errorf("%s: IDACI %v outside its LSOAs' range %v to %v", l.Name, v, lo, hi)
		}
	}
}

// The IMD score is the IoD-weighted sum of the exponentially transformed
// domain scores, so a need score built from those with the IoD preset and
// min–max normalisation (nearly linear here, as every transformed score
// runs from about 0 to 100) orders localities as the rolled-up IMD score
// does. The other methods reshape each domain before weighting (ranks of
// locality averages against LSOAs compress the spread), so they need only
// agree broadly.
func TestShropshireIoDPresetFollowsIMD(t *testing.T) {
	s := loadShropshire(t)
	domains := []string{"income", "employment", "education", "health", "crime", "barriers", "living_env"}
	var inds []placeplan.Indicator
	for _, d := range domains {
		inds = append(inds, placeplan.Indicator{Key: d + "_exp", Name: d, Index: placeplan.IoDIndex(d), Kind: placeplan.KindScore, Denominator: placeplan.PopTotal, Direction: placeplan.HigherIsWorse})
	}
	w, err := IoDWeights(domains)
	if err != nil {
		t.Fatal(err)
	}
	imd, err := RollUp(placeplan.Indicator{Key: "imd_score", Kind: placeplan.KindScore, Denominator: placeplan.PopTotal}, s.values("imd_score"), s.pops, s.localities)
	if err != nil {
		t.Fatal(err)
	}
	imdRanks := needRanks(RolledValues(imd))
	for _, m := range Methods() {
		r, err := Need(s.needInput(t, inds, w, m, Arithmetic))
		if err != nil {
			t.Fatal(err)
		}
		ranks := make([]int, len(r.Localities))
		for i, l := range r.Localities {
			ranks[i] = l.Rank
		}
		rho := spearman(ranks, imdRanks)
		want := 0.5
		if m == MinMax {
			want = 0.98
		}
		if rho < want {
			t.Errorf("%s: Spearman correlation with the rolled-up IMD score %.3f, want ≥ %v", m, rho, want)
		}
		t.Logf("%s: Spearman correlation with the rolled-up IMD score %.3f", m, rho)
	}
}

func spearman(a, b []int) float64 {
	n := float64(len(a))
	var d2 float64
	for i := range a {
		d := float64(a[i] - b[i])
		d2 += d * d
	}
	return 1 - 6*d2/(n*(n*n-1))
}
