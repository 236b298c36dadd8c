package scoring

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"placeplan"
)

var sumNaN = math.NaN()

// summaryHandInput is a grouping small enough to summarise by hand, with N = 100
// so that an LSOA's national percentile is its rank.
//
//	group A: ranks 5, 15, 40; populations 100, 300, 600; scores 50, 30, 10
//	group B: ranks 3, 8, 60;  populations 40, 200, 760;  scores 60, 40, 5
//	group C: ranks 10, 11, 30, 31 (the extent boundaries); populations 100 each; scores 20
//	group D: one area with no score
//	one area in no group
func summaryHandInput() SummaryInput {
	return SummaryInput{
		LSOACount: 100,
		Codes:     []string{"a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3", "c4", "d1", "x1"},
		Groups:    []string{"A", "A", "A", "B", "B", "B", "C", "C", "C", "C", "D", ""},
		Indices: []IndexValues{{
			Key:        "imd",
			Scores:     []float64{50, 30, 10, 60, 40, 5, 20, 20, 20, 20, sumNaN, 99},
			Ranks:      []float64{5, 15, 40, 3, 8, 60, 10, 11, 30, 31, 70, 2},
			Population: []float64{100, 300, 600, 40, 200, 760, 100, 100, 100, 100, 500, 1000},
		}},
	}
}

func TestSummariseHandComputed(t *testing.T) {
	s, err := Summarise(summaryHandInput())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Indices; len(got) != 1 || got[0] != (IndexMeasures{Key: "imd", HasScore: true, HasRanks: true}) {
		t.Fatalf("Indices = %+v", got)
	}
	w15 := 0.95 - 0.9*4/19.0 // percentile 15
	type want struct {
		group                 string
		lsoas                 int
		population            float64
		score, avgRank, top10 Measure
		extent, concentration Measure
	}
	cases := []want{
		{"A", 3, 1000,
			Measure{20, 1}, // (50·100 + 30·300 + 10·600) / 1000, tied with C
			Measure{72, 2}, // (96·100 + 86·300 + 61·600) / 1000
			Measure{1.0 / 3, 2},
			Measure{(100 + 300*w15) / 1000, 2},
			// 10 % is 100 people: exactly the most deprived LSOA, inverted rank 96.
			Measure{96, 1}},
		{"B", 3, 1000,
			Measure{14.2, 3},
			Measure{53.68, 3}, // (98·40 + 93·200 + 41·760) / 1000
			Measure{2.0 / 3, 1},
			Measure{0.24, 3},
			// 10 % is 100 people: all 40 of b1 (inverted 98), then 60 of b2's 200 (inverted 93).
			Measure{95, 2}},
		{"C", 4, 400,
			Measure{20, 1},
			Measure{80.5, 1}, // (91 + 90 + 71 + 70) / 4
			Measure{0.25, 3},
			// Weights at percentiles 10, 11, 30, 31: 1, 0.95, 0.05, 0.
			Measure{0.5, 1},
			// 10 % is 40 people, all from c1 (inverted 91).
			Measure{91, 3}},
		{"D", 1, 500,
			Measure{sumNaN, 0},
			Measure{31, 4},
			Measure{0, 4},
			Measure{0, 4},
			Measure{31, 4}},
	}
	if len(s.Areas) != len(cases) {
		t.Fatalf("%d areas, want %d: %+v", len(s.Areas), len(cases), s.Areas)
	}
	for i, c := range cases {
		t.Run(c.group, func(t *testing.T) {
			a := s.Areas[i]
			if a.Group != c.group || a.LSOACount != c.lsoas || a.Indices[0].Population != c.population {
				t.Fatalf("area %d = %s, %d LSOAs, population %v; want %s, %d, %v", i, a.Group, a.LSOACount, a.Indices[0].Population, c.group, c.lsoas, c.population)
			}
			x := a.Indices[0]
			for _, m := range []struct {
				name      string
				got, want Measure
			}{
				{"average score", x.AverageScore, c.score},
				{"average rank", x.AverageRank, c.avgRank},
				{"proportion most deprived 10%", x.ProportionMostDeprived10pct, c.top10},
				{"extent", x.Extent, c.extent},
				{"local concentration", x.LocalConcentration, c.concentration},
			} {
				if !sameMeasure(m.got, m.want) {
					t.Errorf("%s = %+v, want %+v", m.name, m.got, m.want)
				}
			}
		})
	}
}

func sameMeasure(got, want Measure) bool {
	if math.IsNaN(want.Value) {
		return math.IsNaN(got.Value) && got.Rank == 0
	}
	return math.Abs(got.Value-want.Value) <= 1e-12*math.Max(1, math.Abs(want.Value)) && got.Rank == want.Rank
}

func TestNationalPercentileAndExtentWeight(t *testing.T) {
	const n11 = 32844 // LSOA 2011
	cases := []struct {
		name       string
		rank, n    int
		percentile int
		weight     float64
	}{
		{"most deprived", 1, n11, 1, 1},
		{"last of the most deprived 10 %", 3284, n11, 10, 1},
		{"first of percentile 11", 3285, n11, 11, 0.95},
		{"percentile 20", 6566, n11, 20, 0.95 - 0.9*9/19.0},
		{"last of percentile 30", 9853, n11, 30, 0.05},
		{"first of percentile 31", 9854, n11, 31, 0},
		{"least deprived", n11, n11, 100, 0},
		{"LSOA 2021 decile 1 ends at 3,375", 3375, 33755, 10, 1},
		{"LSOA 2021 percentile 11 starts at 3,376", 3376, 33755, 11, 0.95},
		{"N = 100: rank 10", 10, 100, 10, 1},
		{"N = 100: rank 11", 11, 100, 11, 0.95},
		{"N = 100: rank 30", 30, 100, 30, 0.05},
		{"N = 100: rank 31", 31, 100, 31, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if p := NationalPercentile(c.rank, c.n); p != c.percentile {
				t.Errorf("NationalPercentile(%d, %d) = %d, want %d", c.rank, c.n, p, c.percentile)
			}
			if w := ExtentWeight(c.rank, c.n); math.Abs(w-c.weight) > 1e-15 {
				t.Errorf("ExtentWeight(%d, %d) = %v, want %v", c.rank, c.n, w, c.weight)
			}
		})
	}
}

func TestRankDescending(t *testing.T) {
	cases := []struct {
		name   string
		values []float64
		want   []int
	}{
		{"competition ranking shares the best rank", []float64{5, 9, 7, 7}, []int{4, 1, 2, 2}},
		{"all tied", []float64{0, 0, 0}, []int{1, 1, 1}},
		{"zeros tie at the bottom", []float64{0, 0.5, 0, 0.25}, []int{3, 1, 3, 2}},
		{"no value, no rank", []float64{1, sumNaN, 2}, []int{2, 0, 1}},
		{"negative scores", []float64{-1.5, 0.3, -0.2}, []int{3, 1, 2}},
		{"empty", nil, []int{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := rankDescending(c.values)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestSummariseLocalConcentration(t *testing.T) {
	cases := []struct {
		name       string
		ranks      []float64
		population []float64
		want       float64
	}{
		// 10 % of 1,000 is 100: the most deprived LSOA alone holds more.
		{"one LSOA holds more than 10 %", []float64{50, 1, 90}, []float64{300, 400, 300}, 100},
		// 10 % of 100 is 10: 4 people ranked 2 (inverted 99), 6 of rank 7 (inverted 94).
		{"the crossing LSOA counts in part", []float64{7, 2, 20}, []float64{50, 4, 46}, (4*99 + 6*94) / 10.0},
		// 10 % of 100 is 10: rank 3 holds exactly 10; rank 4 is not reached.
		{"exactly 10 % in whole LSOAs", []float64{4, 3}, []float64{90, 10}, 98},
		// An LSOA with no population adds nothing.
		{"empty LSOA", []float64{1, 2}, []float64{0, 100}, 99},
		{"no population at all", []float64{1, 2}, []float64{0, 0}, sumNaN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			groups := make([]string, len(c.ranks))
			for i := range groups {
				groups[i] = "g"
			}
			s, err := Summarise(SummaryInput{LSOACount: 100, Groups: groups,
				Indices: []IndexValues{{Key: "imd", Ranks: c.ranks, Population: c.population}}})
			if err != nil {
				t.Fatal(err)
			}
			got := s.Areas[0].Indices[0].LocalConcentration.Value
			if !(math.IsNaN(c.want) && math.IsNaN(got)) && math.Abs(got-c.want) > 1e-12 {
				t.Errorf("local concentration %v, want %v", got, c.want)
			}
			if s.Indices[0].HasScore || !s.Indices[0].HasRanks {
				t.Errorf("measures %+v: ranks but no scores were given", s.Indices[0])
			}
			if !math.IsNaN(s.Areas[0].Indices[0].AverageScore.Value) {
				t.Errorf("average score %v without scores", s.Areas[0].Indices[0].AverageScore.Value)
			}
		})
	}
}

func TestSummariseScale(t *testing.T) {
	in := SummaryInput{
		LSOACount: 100,
		Groups:    []string{"A", "A", "B", "B", "C"},
		Scales: []ScaleValues{
			{Key: "income", Numerators: []float64{100, sumNaN, 50, 55, sumNaN},
				Scores: []float64{0.1, 0.007, 0.05, 0.05, sumNaN}, Population: []float64{1000, 1296, 1000, 1100, 800}},
			{Key: "employment", Numerators: []float64{10, 20, sumNaN, 30, 5}},
		},
	}
	s, err := Summarise(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Scales; got[0] != (ScaleReport{Key: "income", Reconstructed: 1, Missing: 1}) || got[1] != (ScaleReport{Key: "employment", Missing: 1}) {
		t.Errorf("scale reports %+v", got)
	}
	want := map[string][2]Measure{
		"A": {{100 + 0.007*1296, 1}, {30, 1}}, // a suppressed count reconstructed as score × population
		"B": {{105, 2}, {sumNaN, 0}},          // no numerator and nothing to reconstruct it from
		"C": {{sumNaN, 0}, {5, 2}},
	}
	for _, a := range s.Areas {
		for k, m := range a.Scales {
			if !sameMeasure(m, want[a.Group][k]) {
				t.Errorf("%s %s scale %+v, want %+v", a.Group, in.Scales[k].Key, m, want[a.Group][k])
			}
		}
	}
}

func TestSummariseInvalid(t *testing.T) {
	base := func() SummaryInput {
		return SummaryInput{LSOACount: 100, Codes: []string{"E01000001", "E01000002"}, Groups: []string{"A", "A"},
			Indices: []IndexValues{{Key: "imd", Scores: []float64{1, 2}, Ranks: []float64{1, 2}, Population: []float64{10, 10}}}}
	}
	cases := []struct {
		name   string
		change func(*SummaryInput)
		want   string
	}{
		{"rank 0", func(in *SummaryInput) { in.Indices[0].Ranks[1] = 0 }, "E01000002: imd rank 0 is impossible (national ranks run from 1 to 100)"},
		{"rank above N", func(in *SummaryInput) { in.Indices[0].Ranks[0] = 101 }, "E01000001: imd rank 101 is impossible"},
		{"fractional rank", func(in *SummaryInput) { in.Indices[0].Ranks[0] = 1.5 }, "E01000001: imd rank 1.5 is impossible"},
		{"negative population", func(in *SummaryInput) { in.Indices[0].Population[1] = -3 }, "E01000002: imd population -3 is impossible"},
		{"infinite score", func(in *SummaryInput) { in.Indices[0].Scores[0] = math.Inf(1) }, "E01000001: imd score +Inf is impossible"},
		{"short slice", func(in *SummaryInput) { in.Indices[0].Ranks = []float64{1} }, "imd ranks has 1 values for 2 areas"},
		{"no population", func(in *SummaryInput) { in.Indices[0].Population = nil }, "imd has no population denominator"},
		{"no N", func(in *SummaryInput) { in.LSOACount = 0 }, "national LSOA count N is 0"},
		{"negative numerator", func(in *SummaryInput) {
			in.Scales = []ScaleValues{{Key: "income", Numerators: []float64{5, -1}}}
		}, "E01000002: income numerator -1 is impossible"},
		{"area named by position", func(in *SummaryInput) { in.Codes = nil; in.Indices[0].Ranks[1] = 0 }, "area 2: imd rank 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			c.change(&in)
			_, err := Summarise(in)
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v (code %q), want EINVALID containing %q", err, placeplan.ErrorCode(err), c.want)
			}
		})
	}
	// An index with nothing to measure is reported, not a crash.
	s, err := Summarise(SummaryInput{LSOACount: 10, Groups: []string{"A"}, Indices: []IndexValues{{Key: "imd"}}})
	if err != nil || s.Indices[0].HasScore || s.Indices[0].HasRanks || !math.IsNaN(s.Areas[0].Indices[0].Extent.Value) {
		t.Errorf("index with no values: %+v, %v", s, err)
	}
	var perr *placeplan.Error
	_, err = Summarise(SummaryInput{LSOACount: 10, Groups: []string{"A"}, Indices: []IndexValues{{Key: "imd", Ranks: []float64{11}, Population: []float64{1}}}})
	if !errors.As(err, &perr) {
		t.Fatalf("error %v is not a *placeplan.Error", err)
	}
}

// summaryEngland is the IoD2019 combined file for all of England, read
// independently of the data package (scoring does not import it).
type summaryEngland struct {
	codes, lads []string
	cols        map[string][]float64
	underlying  map[string][]float64 // File 8 numerators; nil when the file is absent
}

const summaryEnglandFile = "iod2019_lsoa11/iod2019_lsoa11_england.csv.gz"

func summarySharedPath(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join("..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data file %s is absent (national files live in ../shared/data and are not committed): %v", p, err)
	}
	return p
}

func readSummaryCSV(tb testing.TB, p string) [][]string {
	tb.Helper()
	f, err := os.Open(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		r = zr
	}
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", p, err)
	}
	rows[0][0] = strings.TrimPrefix(rows[0][0], "\ufeff")
	return rows
}

func readSummaryEngland(tb testing.TB, withUnderlying bool) *summaryEngland {
	tb.Helper()
	rows := readSummaryCSV(tb, summarySharedPath(tb, summaryEnglandFile))
	e := &summaryEngland{cols: map[string][]float64{}}
	h := rows[0]
	for _, r := range rows[1:] {
		e.codes = append(e.codes, r[0])
		for i, name := range h {
			switch name {
			case "lsoa11cd", "lsoa11nm", "lad19nm":
			case "lad19cd":
				e.lads = append(e.lads, r[i])
			default:
				v, err := strconv.ParseFloat(r[i], 64)
				if err != nil {
					tb.Fatalf("%s %s: %v", r[0], name, err)
				}
				e.cols[name] = append(e.cols[name], v)
			}
		}
	}
	if !withUnderlying {
		return e
	}
	u := readSummaryCSV(tb, summarySharedPath(tb, "iod2019_underlying_indicators_lsoa11/iod2019_underlying_indicators_lsoa11_england.csv.gz"))
	row := map[string][]string{}
	for _, r := range u[1:] {
		row[r[0]] = r
	}
	e.underlying = map[string][]float64{}
	for i, name := range u[0] {
		if name != "income_domain_numerator" && name != "employment_domain_numerator" {
			continue
		}
		for _, c := range e.codes {
			v := sumNaN
			if s := row[c][i]; s != "" {
				var err error
				if v, err = strconv.ParseFloat(s, 64); err != nil {
					tb.Fatal(err)
				}
			}
			e.underlying[name] = append(e.underlying[name], v)
		}
	}
	return e
}

// summaryIndexPopulation is the IoD population denominator of each index.
var summaryIndexPopulation = map[string]string{
	"imd": "pop_total_mid2015", "income": "pop_total_mid2015", "employment": "pop_working_age_18_59_64",
	"education": "pop_total_mid2015", "health": "pop_total_mid2015", "crime": "pop_total_mid2015",
	"barriers": "pop_total_mid2015", "living_env": "pop_total_mid2015",
	"idaci": "pop_children_0_15_mid2015", "idaopi": "pop_60plus_mid2015",
}

var summaryIndexOrder = []string{"imd", "income", "employment", "education", "health", "crime", "barriers", "living_env", "idaci", "idaopi"}

// input builds the summary input for all England's LSOAs by district.
func (e *summaryEngland) input() SummaryInput {
	in := SummaryInput{LSOACount: 32844, Codes: e.codes, Groups: e.lads}
	for _, k := range summaryIndexOrder {
		in.Indices = append(in.Indices, IndexValues{Key: k, Scores: e.cols[k+"_score"], Ranks: e.cols[k+"_rank"], Population: e.cols[summaryIndexPopulation[k]]})
	}
	if e.underlying != nil {
		in.Scales = []ScaleValues{
			{Key: "income", Numerators: e.underlying["income_domain_numerator"], Scores: e.cols["income_score"], Population: e.cols["pop_total_mid2015"]},
			{Key: "employment", Numerators: e.underlying["employment_domain_numerator"], Scores: e.cols["employment_score"], Population: e.cols["pop_working_age_18_59_64"]},
		}
	}
	return in
}

// TestSummariseEnglandProperties checks the summaries of all 317 districts
// against values computed independently here, and the properties every
// summary must have.
func TestSummariseEnglandProperties(t *testing.T) {
	e := readSummaryEngland(t, true)
	s, err := Summarise(e.input())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Areas) != 317 {
		t.Fatalf("%d districts, want 317", len(s.Areas))
	}
	for k, im := range s.Indices {
		key := im.Key
		wantScore := e.cols[key+"_score"] != nil
		if im.HasScore != wantScore || !im.HasRanks {
			t.Errorf("%s: measures %+v, want scores %v and ranks", key, im, wantScore)
		}
		// Independent sums by district.
		type acc struct{ pop, score, inv, deciles1, n float64 }
		by := map[string]*acc{}
		for j, lad := range e.lads {
			a := by[lad]
			if a == nil {
				a = &acc{}
				by[lad] = a
			}
			p := e.cols[summaryIndexPopulation[key]][j]
			a.pop += p
			if wantScore {
				a.score += p * e.cols[key+"_score"][j]
			}
			a.inv += p * (32845 - e.cols[key+"_rank"][j])
			if e.cols[key+"_decile"][j] == 1 {
				a.deciles1++
			}
			a.n++
		}
		for _, m := range []struct {
			name string
			get  func(IndexSummary) Measure
		}{
			{"average score", func(x IndexSummary) Measure { return x.AverageScore }},
			{"average rank", func(x IndexSummary) Measure { return x.AverageRank }},
			{"proportion", func(x IndexSummary) Measure { return x.ProportionMostDeprived10pct }},
			{"extent", func(x IndexSummary) Measure { return x.Extent }},
			{"local concentration", func(x IndexSummary) Measure { return x.LocalConcentration }},
		} {
			if m.name == "average score" && !wantScore {
				continue
			}
			checkCompetitionRanks(t, key+" "+m.name, s.Areas, func(a AreaSummary) Measure { return m.get(a.Indices[k]) })
		}
		for _, a := range s.Areas {
			x, want := a.Indices[k], by[a.Group]
			if wantScore && math.Abs(x.AverageScore.Value-want.score/want.pop) > 1e-9 {
				t.Errorf("%s %s average score %v, want %v", a.Group, key, x.AverageScore.Value, want.score/want.pop)
			}
			if math.Abs(x.AverageRank.Value-want.inv/want.pop) > 1e-6 {
				t.Errorf("%s %s average rank %v, want %v", a.Group, key, x.AverageRank.Value, want.inv/want.pop)
			}
			// The published decile 1 is the most deprived 10 %.
			if x.ProportionMostDeprived10pct.Value != want.deciles1/want.n {
				t.Errorf("%s %s proportion %v, want %v (published deciles)", a.Group, key, x.ProportionMostDeprived10pct.Value, want.deciles1/want.n)
			}
			if v := x.Extent.Value; v < 0 || v > 1 {
				t.Errorf("%s %s extent %v outside 0 to 1", a.Group, key, v)
			}
			// The most deprived tenth is at least as deprived as the whole.
			if lc := x.LocalConcentration.Value; lc < x.AverageRank.Value-1e-9 || lc > 32844 {
				t.Errorf("%s %s local concentration %v below the average rank %v or above N", a.Group, key, lc, x.AverageRank.Value)
			}
		}
	}
	if len(s.Scales) != 2 || s.Scales[0] != (ScaleReport{Key: "income", Reconstructed: 31}) || s.Scales[1] != (ScaleReport{Key: "employment", Reconstructed: 119}) {
		t.Errorf("scales %+v, want 31 income and 119 employment numerators reconstructed", s.Scales)
	}
	for k := range s.Scales {
		checkCompetitionRanks(t, s.Scales[k].Key+" scale", s.Areas, func(a AreaSummary) Measure { return a.Scales[k] })
	}
}

// checkCompetitionRanks checks that the ranks of a measure across areas are
// the competition ranks of its values, highest first.
func checkCompetitionRanks(t *testing.T, what string, areas []AreaSummary, get func(AreaSummary) Measure) {
	t.Helper()
	ms := make([]Measure, len(areas))
	for i, a := range areas {
		ms[i] = get(a)
		if math.IsNaN(ms[i].Value) || ms[i].Rank < 1 || ms[i].Rank > len(areas) {
			t.Errorf("%s: %s has %+v", what, a.Group, ms[i])
			return
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Rank < ms[j].Rank })
	for _, m := range ms {
		higher := 0
		for _, o := range ms {
			if o.Value > m.Value {
				higher++
			}
		}
		if m.Rank != higher+1 {
			t.Errorf("%s: value %v has rank %d, but %d values are higher", what, m.Value, m.Rank, higher)
			return
		}
	}
}

// TestSummariseMatchesFile10 compares the district summaries with MHCLG's
// published IoD2019 File 10 (the columns humaniverse/IMD keeps, see
// testdata/summary/README.md) for all 317 districts. LSOA scores in the
// shared data are published to 3 decimal places, so an average score can
// differ from MHCLG's (computed from unrounded scores, then rounded to 3
// places) by up to 0.0005 + 0.0005; proportions and extent are computed
// from ranks and must agree to the published 4 places.
func TestSummariseMatchesFile10(t *testing.T) {
	e := readSummaryEngland(t, false)
	s, err := Summarise(e.input())
	if err != nil {
		t.Fatal(err)
	}
	ref := readSummaryCSV(t, filepath.Join("testdata", "summary", "file10_iod2019_lad_humaniverse.csv.gz"))
	col := map[string]int{}
	for i, h := range ref[0] {
		col[h] = i
	}
	pos := map[string]int{}
	for i, k := range summaryIndexOrder {
		pos[k] = i
	}
	checks := []struct {
		column, index, measure string
		tolerance              float64
	}{
		{"Score", "imd", "score", 0.001},
		{"Income_Score", "income", "score", 0.001},
		{"Employment_Score", "employment", "score", 0.001},
		{"Extent", "imd", "extent", 0.00005 + 2e-6},
		{"Proportion", "imd", "proportion", 0.00005 + 1e-12},
		{"Income_Proportion", "income", "proportion", 0.00005 + 1e-12},
		{"Employment_Proportion", "employment", "proportion", 0.00005 + 1e-12},
		{"Education_Proportion", "education", "proportion", 0.00005 + 1e-12},
		{"Health_Proportion", "health", "proportion", 0.00005 + 1e-12},
		{"Crime_Proportion", "crime", "proportion", 0.00005 + 1e-12},
		{"Housing_and_Access_Proportion", "barriers", "proportion", 0.00005 + 1e-12},
		{"Environment_Proportion", "living_env", "proportion", 0.00005 + 1e-12},
	}
	byLAD := map[string]AreaSummary{}
	for _, a := range s.Areas {
		byLAD[a.Group] = a
	}
	if len(ref)-1 != 317 {
		t.Fatalf("reference has %d districts, want 317", len(ref)-1)
	}
	for _, c := range checks {
		maxDiff, worst, beyondHalf := 0.0, "", 0
		for _, r := range ref[1:] {
			a, ok := byLAD[r[col["lad_code"]]]
			if !ok {
				t.Fatalf("district %s is not summarised", r[col["lad_code"]])
			}
			pub, err := strconv.ParseFloat(r[col[c.column]], 64)
			if err != nil {
				t.Fatal(err)
			}
			x := a.Indices[pos[c.index]]
			var got float64
			switch c.measure {
			case "score":
				got = x.AverageScore.Value
			case "extent":
				got = x.Extent.Value
			case "proportion":
				got = x.ProportionMostDeprived10pct.Value
			}
			d := math.Abs(got - pub)
			if d > maxDiff {
				maxDiff, worst = d, a.Group
			}
			half := 0.00005
			if c.measure == "score" {
				half = 0.0005
			}
			if d > half+1e-12 {
				beyondHalf++
			}
		}
		t.Logf("%-30s max |ours − published| = %.7f (%s); %d of 317 round differently", c.column, maxDiff, worst, beyondHalf)
		if maxDiff > c.tolerance {
			t.Errorf("%s: max difference %.7f at %s exceeds %.7f", c.column, maxDiff, worst, c.tolerance)
		}
	}
}

// TestSummariseMatchesFile10IoD2025Proportions compares the proportion of
// LSOAs in the most deprived 10 % and its rank among all 296 districts
// (LAD 2024) with MHCLG's IoD2025 File 10 for the 86 districts of the copy
// in testdata/summary (see its README). The proportion needs no population,
// so the IoD2025 file, which lacks the denominators, is enough; the ranks
// check competition ranking with ties (many districts share 0).
func TestSummariseMatchesFile10IoD2025Proportions(t *testing.T) {
	iod := readSummaryCSV(t, summarySharedPath(t, "iod2025_lsoa21/imd2025_england_lsoa21.csv.gz"))
	lookup := readSummaryCSV(t, summarySharedPath(t, "lsoa2021_boundaries_and_lookups/lookup_lsoa21_ward24_ltla24_ew.csv.gz"))
	lcol := map[string]int{}
	for i, h := range lookup[0] {
		lcol[h] = i
	}
	lad := map[string]string{}
	for _, r := range lookup[1:] {
		lad[r[lcol["lsoa21_code"]]] = r[lcol["ltla24_code"]]
	}
	col := map[string]int{}
	for i, h := range iod[0] {
		col[h] = i
	}
	in := SummaryInput{LSOACount: 33755}
	ones := make([]float64, len(iod)-1)
	for j, r := range iod[1:] {
		g, ok := lad[r[col["lsoa21_code"]]]
		if !ok {
			t.Fatalf("LSOA %s has no district in the lookup", r[col["lsoa21_code"]])
		}
		in.Codes = append(in.Codes, r[col["lsoa21_code"]])
		in.Groups = append(in.Groups, g)
		ones[j] = 1
	}
	sources := []struct{ file, published string }{
		{"IMD", "imd"}, {"Income", "income"}, {"Employment", "employment"},
		{"Education", "education_skills_and_training"}, {"Health", "health_deprivation_and_disability"},
		{"Crime", "crime"}, {"Housing_and_Services", "barriers_to_housing_and_services"}, {"Environment", "living_environment"},
	}
	for _, src := range sources {
		ranks := make([]float64, len(iod)-1)
		for j, r := range iod[1:] {
			v, err := strconv.ParseFloat(r[col[src.file+"_rank"]], 64)
			if err != nil {
				t.Fatal(err)
			}
			ranks[j] = v
		}
		in.Indices = append(in.Indices, IndexValues{Key: src.published, Ranks: ranks, Population: ones})
	}
	s, err := Summarise(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Areas) != 296 {
		t.Fatalf("%d districts, want 296", len(s.Areas))
	}
	byLAD := map[string]AreaSummary{}
	for _, a := range s.Areas {
		byLAD[a.Group] = a
	}
	ref := readSummaryCSV(t, filepath.Join("testdata", "summary", "file10_iod2025_lad_partial_deprivation_explorer.csv.gz"))
	rcol := map[string]int{}
	for i, h := range ref[0] {
		rcol[h] = i
	}
	for k, src := range sources {
		maxDiff, rankMismatches := 0.0, 0
		for _, r := range ref[1:] {
			a, ok := byLAD[r[rcol["lad_code"]]]
			if !ok {
				t.Fatalf("district %s is not summarised", r[rcol["lad_code"]])
			}
			pub, err1 := strconv.ParseFloat(r[rcol[src.published+"_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]], 64)
			rank, err2 := strconv.Atoi(r[rcol[src.published+"_rank_of_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]])
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			m := a.Indices[k].ProportionMostDeprived10pct
			maxDiff = math.Max(maxDiff, math.Abs(m.Value-pub))
			if m.Rank != rank {
				rankMismatches++
				t.Errorf("%s %s: rank of proportion %d, published %d", a.Group, src.published, m.Rank, rank)
			}
		}
		t.Logf("%-34s proportion max |ours − published| = %.7f; %d of %d ranks differ", src.published, maxDiff, rankMismatches, len(ref)-1)
		if maxDiff > 0.00005+1e-12 {
			t.Errorf("%s: proportion differs by %.7f", src.published, maxDiff)
		}
	}
}

// BenchmarkSummariseEngland summarises all 32,844 LSOAs of England for the
// ten indices and the two scales into 317 districts. The file is read once,
// outside the timer.
func BenchmarkSummariseEngland(b *testing.B) {
	e := readSummaryEngland(b, true)
	in := e.input()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Summarise(in)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Areas) != 317 {
			b.Fatalf("%d districts", len(s.Areas))
		}
	}
}

func ExampleSummarise() {
	// Three LSOAs of England (N = 32,844) in two groups, summarised on the
	// IMD: the population-weighted mean score and the share of people in the
	// most deprived 30 % nationally (extent).
	s, err := Summarise(SummaryInput{
		LSOACount: 32844,
		Groups:    []string{"North", "North", "South"},
		Indices: []IndexValues{{
			Key:        "imd",
			Scores:     []float64{45.2, 12.0, 8.1},
			Ranks:      []float64{1200, 20000, 28000},
			Population: []float64{1500, 1500, 1800},
		}},
	})
	if err != nil {
		panic(err)
	}
	for _, a := range s.Areas {
		m := a.Indices[0]
		fmt.Printf("%s: average score %.1f (rank %d), extent %.2f, local concentration %.0f\n",
			a.Group, m.AverageScore.Value, m.AverageScore.Rank, m.Extent.Value, m.LocalConcentration.Value)
	}
	// Output:
	// North: average score 28.6 (rank 1), extent 0.50, local concentration 31645
	// South: average score 8.1 (rank 2), extent 0.00, local concentration 4845
}
