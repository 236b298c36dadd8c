package scoring

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"placeplan"
)

// syntheticNeed makes n localities and k indicators whose references are
// refN values each. shape makes a reference value from a standard normal
// variate; locality values are drawn from inside the reference's range.
func syntheticNeed(t testing.TB, seed uint64, n, k, refN int, shape func(j int, z float64) float64) NeedInput {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	in := NeedInput{Method: Rank, Aggregation: Arithmetic, Weights: EqualWeights(k)}
	for i := range n {
		in.Localities = append(in.Localities, "Locality "+Ordinal(i+1))
	}
	base := make([]float64, refN)
	for r := range base {
		base[r] = rng.NormFloat64()
	}
	for j := range k {
		key := "indicator_" + Ordinal(j+1)
		dir := placeplan.HigherIsWorse
		if j%3 == 2 {
			dir = placeplan.HigherIsBetter
		}
		in.Indicators = append(in.Indicators, placeplan.Indicator{Key: key, Name: "Indicator " + Ordinal(j+1), Direction: dir})
		ref := make([]float64, refN)
		for r, z := range base {
			ref[r] = shape(j, z)
		}
		in.References = append(in.References, mustReference(t, key, ref))
		col := make([]float64, n)
		for i := range col {
			col[i] = shape(j, 1.5*rng.NormFloat64()/2)
		}
		in.Values = append(in.Values, col)
	}
	return in
}

// Every reference is an affine image of one distribution, so z-scores and
// min–max are the same linear map of each other for every indicator, and a
// weighted sum orders localities the same under both: only the weights can
// move a rank, and the normalisation's indices must be 0.
func TestUncertaintyOnlyWeightsMatter(t *testing.T) {
	in := syntheticNeed(t, 3, 12, 4, 2000, func(j int, z float64) float64 { return float64(10*j) + float64(j+1)*z })
	u, err := Uncertainty(context.Background(), in, UncertaintySettings{
		Draws: 2000, Seed: 1, Concentration: 4, TopK: 3,
		Methods: []Method{ZScore, MinMax}, Aggregations: []Aggregation{Arithmetic},
	})
	if err != nil {
		t.Fatal(err)
	}
	w, norm, agg := u.Sensitivity[0], u.Sensitivity[1], u.Sensitivity[2]
	if w.Factor != FactorWeights || norm.Factor != FactorNormalisation || agg.Factor != FactorAggregation {
		t.Fatalf("factors out of order: %+v", u.Sensitivity)
	}
	if math.Abs(norm.First) > 0.01 || math.Abs(norm.Total) > 1e-9 || agg.First != 0 || agg.Total != 0 {
		t.Errorf("normalisation %+v and aggregation %+v should not matter", norm, agg)
	}
	if w.First < 0.9 || w.Total < 0.9 || w.Total > 1.1 {
		t.Errorf("weights %+v should explain all rank variation", w)
	}
	checkVarianceWeighted(t, u)
	t.Logf("weights %+v, normalisation %+v", w, norm)
}

// With the weights held almost still and one aggregation, only the choice
// between percentile ranks and z-scores of skewed indicators moves ranks.
func TestUncertaintyNormalisationDominates(t *testing.T) {
	in := syntheticNeed(t, 5, 15, 5, 3000, func(j int, z float64) float64 { return math.Exp(float64(j%3+1) * z) })
	ranks := func(m Method) []int {
		c := in
		c.Method = m
		r, err := Need(c)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]int, len(r.Localities))
		for i, l := range r.Localities {
			out[i] = l.Rank
		}
		return out
	}
	if reflect.DeepEqual(ranks(Rank), ranks(ZScore)) {
		t.Fatal("the case does not separate the methods")
	}
	u, err := Uncertainty(context.Background(), in, UncertaintySettings{
		Draws: 1000, Seed: 2, Concentration: 1e6, TopK: 5,
		Methods: []Method{Rank, ZScore}, Aggregations: []Aggregation{Arithmetic},
	})
	if err != nil {
		t.Fatal(err)
	}
	w, norm := u.Sensitivity[0], u.Sensitivity[1]
	if norm.First < 0.9 || norm.Total < 0.9 || norm.Total > 1.1 {
		t.Errorf("normalisation %+v should explain all rank variation", norm)
	}
	if w.Total > 0.05 {
		t.Errorf("weights %+v should hardly matter", w)
	}
	checkVarianceWeighted(t, u)
	t.Logf("weights %+v, normalisation %+v", w, norm)
}

// The summary indices are the localities' indices weighted by their rank
// variance.
func checkVarianceWeighted(t *testing.T, u UncertaintyResult) {
	t.Helper()
	for f := range Factors() {
		var num, den float64
		for _, l := range u.Localities {
			num += l.RankVariance * l.Sensitivity[f].Total
			den += l.RankVariance
		}
		if den > 0 && math.Abs(num/den-u.Sensitivity[f].Total) > 1e-9 {
			t.Errorf("factor %d: variance-weighted mean %v, summary %v", f, num/den, u.Sensitivity[f].Total)
		}
	}
}

func TestUncertaintyReproducible(t *testing.T) {
	in := syntheticNeed(t, 9, 10, 4, 500, func(j int, z float64) float64 { return z * float64(j+1) })
	s := UncertaintySettings{Draws: 300, Seed: 42, Concentration: 10, TopK: 3, Methods: Methods(), Aggregations: Aggregations()}
	a, err := Uncertainty(context.Background(), in, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Uncertainty(context.Background(), in, s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different results")
	}
	s.Seed = 43
	c, err := Uncertainty(context.Background(), in, s)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Localities, c.Localities) && reflect.DeepEqual(a.Sensitivity, c.Sensitivity) {
		t.Error("a different seed gave the same results")
	}
	for _, l := range a.Localities {
		if !(l.RankP5 <= l.MedianRank && l.MedianRank <= l.RankP95) || l.RankP5 < 1 || l.RankP95 > 10 ||
			l.TopKProbability < 0 || l.TopKProbability > 1 {
			t.Errorf("%s: incoherent %+v", l.Locality, l)
		}
	}
}

func TestUncertaintyNothingVaried(t *testing.T) {
	in := smallNeed(t, Rank, Arithmetic)
	u, err := Uncertainty(context.Background(), in, UncertaintySettings{Draws: 50, Seed: 1, TopK: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range u.Localities {
		want := 0.0
		if l.Rank == 1 {
			want = 1
		}
		if l.MedianRank != l.Rank || l.RankP5 != l.Rank || l.RankP95 != l.Rank || l.TopKProbability != want || l.RankVariance != 0 {
			t.Errorf("%s: %+v, want every draw at rank %d", l.Locality, l, l.Rank)
		}
	}
	for _, s := range u.Sensitivity {
		if s.First != 0 || s.Total != 0 {
			t.Errorf("%+v: want 0 when nothing varies", s)
		}
	}
	if len(u.Settings.Methods) != 1 || u.Settings.Methods[0] != Rank || u.Settings.Aggregations[0] != Arithmetic {
		t.Errorf("settings as used: %+v", u.Settings)
	}
}

func TestDirichletMeanIsTheChosenWeights(t *testing.T) {
	w := []float64{0.5, 0.3, 0.15, 0.05, 0}
	for _, c := range []float64{2, 1000} {
		alpha := make([]float64, len(w))
		for j := range w {
			alpha[j] = c * w[j]
		}
		src := rand.NewPCG(11, 12)
		const draws = 20000
		sum, sumSq := make([]float64, len(w)), make([]float64, len(w))
		d := make([]float64, len(w))
		for range draws {
			dirichletInto(d, alpha, w, src)
			total := 0.0
			for j, v := range d {
				sum[j] += v
				sumSq[j] += v * v
				total += v
			}
			if math.Abs(total-1) > 1e-12 || d[4] != 0 {
				t.Fatalf("draw %v sums to %v", d, total)
			}
		}
		for j := range w {
			mean := sum[j] / draws
			sd := math.Sqrt(sumSq[j]/draws - mean*mean)
			wantSD := math.Sqrt(w[j] * (1 - w[j]) / (c + 1))
			if math.Abs(mean-w[j]) > 4*wantSD/math.Sqrt(draws)+1e-12 || math.Abs(sd-wantSD) > 0.05*wantSD+1e-12 {
				t.Errorf("concentration %v, weight %v: mean %v sd %v, want sd %v", c, w[j], mean, sd, wantSD)
			}
		}
	}
}

func TestUncertaintyErrors(t *testing.T) {
	ok := UncertaintySettings{Draws: 10, Seed: 1, Concentration: 5, TopK: 2}
	cases := []struct {
		name   string
		change func(*UncertaintySettings)
		want   string
	}{
		{"too few draws", func(s *UncertaintySettings) { s.Draws = 1 }, "1 draws: want 2 or more"},
		{"negative concentration", func(s *UncertaintySettings) { s.Concentration = -1 }, "concentration -1"},
		{"top k beyond the localities", func(s *UncertaintySettings) { s.TopK = 4 }, "top 4 of 3 localities: want 1 to 3"},
		{"an unknown method", func(s *UncertaintySettings) { s.Methods = []Method{Rank, "logit"} }, `unknown normalisation method "logit"`},
		{"an unknown aggregation", func(s *UncertaintySettings) { s.Aggregations = []Aggregation{"median"} }, `unknown aggregation "median"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ok
			c.change(&s)
			_, err := Uncertainty(context.Background(), smallNeed(t, Rank, Arithmetic), s)
			assertInvalid(t, err, c.want)
		})
	}
}

// TestUncertaintyTooManyDraws: draws × localities over the bound — the
// default, or a server's MaxCells — are refused as too large (422 over
// HTTP), naming the most draws allowed, before any is drawn.
func TestUncertaintyTooManyDraws(t *testing.T) {
	for _, tc := range []struct {
		draws, maxCells int
		want            string
		maxDraws        int
	}{
		{MaxDrawCells, 0, "more than the 25000000 ranks this server keeps: use at most 8333333 draws", 8333333},
		{1000, 2999, "1000 draws for 3 localities is more than the 2999 ranks this server keeps: use at most 999 draws", 999},
	} {
		s := UncertaintySettings{Draws: tc.draws, Seed: 1, Concentration: 5, TopK: 2, MaxCells: tc.maxCells}
		_, err := Uncertainty(context.Background(), smallNeed(t, Rank, Arithmetic), s)
		var e *placeplan.Error
		if !errors.As(err, &e) || e.Code != placeplan.EUNSUPPORTED || !strings.Contains(e.Error(), tc.want) || e.Details["max_draws"] != tc.maxDraws {
			t.Errorf("%d draws, max %d cells: %v (details %v); want unsupported, %q", tc.draws, tc.maxCells, err, e.Details, tc.want)
		}
	}
	if _, err := Uncertainty(context.Background(), smallNeed(t, Rank, Arithmetic), UncertaintySettings{Draws: 999, Seed: 1, TopK: 2, MaxCells: 2999}); err != nil {
		t.Errorf("999 draws within 2999 cells: %v", err)
	}
}

// BenchmarkUncertainty is item 9's second benchmark: 1,000 Monte Carlo
// draws for 20 localities and 10 indicators, each normalised against an
// England-sized reference of 32,844 LSOA values, drawing from every
// normalisation and aggregation (5,000 model runs with the sensitivity
// design). The target is under 2 s per operation.
func BenchmarkUncertainty(b *testing.B) {
	in := syntheticNeed(b, 2019, 20, 10, 32844, func(j int, z float64) float64 { return math.Exp(0.3 * float64(j%4+1) * z) })
	s := UncertaintySettings{Draws: 1000, Seed: 1, Concentration: 20, TopK: 5, Methods: Methods(), Aggregations: Aggregations()}
	raw := make([][]float64, len(in.References))
	for j, ref := range in.References {
		raw[j] = ref.sorted
	}
	b.Run("references_built", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Uncertainty(context.Background(), in, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Including building (sorting) the ten references of 32,844 values.
	b.Run("including_references", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := in
			c.References = make([]Reference, len(raw))
			for j, v := range raw {
				ref, err := NewReference(in.Indicators[j].Key, v)
				if err != nil {
					b.Fatal(err)
				}
				c.References[j] = ref
			}
			if _, err := Uncertainty(context.Background(), c, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestUncertaintyStopsWhenCancelled: a million draws for 20 localities
// would take minutes; cancelled after 50 ms, Uncertainty returns
// context.Canceled within a fraction of a second, saying how far it got.
func TestUncertaintyStopsWhenCancelled(t *testing.T) {
	in := syntheticNeed(t, 2019, 20, 10, 2000, func(j int, z float64) float64 { return math.Exp(0.3 * float64(j%4+1) * z) })
	s := UncertaintySettings{Draws: 1_000_000, Seed: 1, Concentration: 20, TopK: 5, Methods: Methods(), Aggregations: Aggregations()}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := Uncertainty(ctx, in, s)
	took := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v after %v: want context.Canceled", err, took)
	}
	if !strings.Contains(err.Error(), "of 1000000 draws") {
		t.Errorf("err %q: want how far it got", err)
	}
	if took > 2*time.Second {
		t.Errorf("stopped %v after the start (cancelled at 50 ms)", took)
	}
}
