package scoring

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"placeplan"
)

// UncertaintySettings says which assumptions behind a need score are varied,
// how much, and how many times.
type UncertaintySettings struct {
	// Draws is the number of Monte Carlo draws N (2 or more). The rank
	// distributions come from N draws; the sensitivity indices use N(k+2)
	// = 5N model runs (k = 3 factors).
	Draws int
	// Seed seeds the random numbers: the same input, settings and seed
	// give the same result.
	Seed uint64
	// Concentration sets how far the weights wander from the chosen ones:
	// each draw's weights are Dirichlet with α = Concentration × weight
	// (mean the chosen weights; the larger the concentration the closer
	// they stay — at 100 a weight of 0.2 has a standard deviation of
	// about 0.04). 0 keeps the weights fixed. Indicators weighted 0 stay 0.
	Concentration float64
	// Methods are the normalisation methods drawn from, uniformly; empty
	// means only the chosen method.
	Methods []Method
	// Aggregations are the aggregation methods drawn from, uniformly;
	// empty means only the chosen one.
	Aggregations []Aggregation
	// TopK is the k of "the probability of being in the top k"; 1 to the
	// number of localities.
	TopK int
	// MaxCells bounds Draws × localities (0: MaxDrawCells); a server
	// derives it from its memory budget.
	MaxCells int
}

// MaxDrawCells bounds Draws × localities, the ranks Uncertainty keeps
// (DrawCellBytes each) to compute percentiles: 25,000,000 is 100 MB.
const MaxDrawCells = 25_000_000

// DrawCellBytes is what one draw of one locality costs in memory: its
// rank, kept for the percentiles.
const DrawCellBytes = 4

// Factor names one assumption whose effect on the ranking is measured.
type Factor string

// The factors varied by Uncertainty. The weights are one group: a draw of
// all the weights is one factor.
const (
	FactorWeights       Factor = "weights"
	FactorNormalisation Factor = "normalisation"
	FactorAggregation   Factor = "aggregation"
)

// Factors returns the factors in the order sensitivity indices are reported.
func Factors() []Factor { return []Factor{FactorWeights, FactorNormalisation, FactorAggregation} }

// SensitivityIndex is the variance-based sensitivity of ranks to one factor.
type SensitivityIndex struct {
	Factor Factor
	// First is the first-order index Sᵢ: the share of the rank variance
	// the factor causes on its own (Saltelli et al. 2010 estimator).
	First float64
	// Total is the total-effect index S_Tᵢ: the share it causes alone or
	// together with the other factors (Jansen 1999 estimator). Total −
	// First is what it does only in interaction.
	Total float64
}

// LocalityUncertainty is the distribution of one locality's rank over the
// Monte Carlo draws.
type LocalityUncertainty struct {
	Locality string
	Rank     int // under the chosen weights, method and aggregation
	// MedianRank, RankP5 and RankP95 are the 50th, 5th and 95th
	// percentiles of the rank over the draws (nearest-rank method, so they
	// are ranks that occurred); RankP5–RankP95 is the 90 % interval.
	MedianRank int
	RankP5     int
	RankP95    int
	// TopKProbability is the share of draws in which the rank was TopK
	// or better.
	TopKProbability float64
	// RankVariance is the variance of the rank over the sensitivity
	// design's 2N independent runs; 0 when the rank never changes, and then
	// every sensitivity index is 0.
	RankVariance float64
	// Sensitivity has one index per factor, in Factors order.
	Sensitivity []SensitivityIndex
}

// UncertaintyResult is the outcome of Uncertainty.
type UncertaintyResult struct {
	Settings   UncertaintySettings // as used: empty lists filled in
	Base       NeedResult          // under the chosen settings
	Localities []LocalityUncertainty
	// Sensitivity summarises every locality: each index is the
	// variance-weighted mean of the localities' indices (Σ numerators /
	// Σ rank variances), so a locality whose rank never moves counts for
	// nothing and the indices say how much of all rank movement each
	// factor causes. In Factors order.
	Sensitivity []SensitivityIndex
}

// Uncertainty asks how far the ranking rests on the assumptions behind it.
// Each Monte Carlo draw takes weights from a Dirichlet distribution around
// the chosen weights, a normalisation method and an aggregation (uniformly
// from the lists given), and ranks the localities. It reports per locality
// the median rank, the 5–95 % rank interval and the probability of being in
// the top k, and variance-based sensitivity indices per factor (weights,
// normalisation, aggregation) from the Saltelli design: matrices A and B of
// N independent draws and, for each factor i, A with factor i taken from B
// (A_B⁽ⁱ⁾), N(k+2) runs in all. The rank distributions are those of A's N
// draws.
//
// The indices are computed on each locality's rank: first-order
// Sᵢ = (1/N) Σ f(B)·(f(A_B⁽ⁱ⁾) − f(A)) / V (Saltelli et al. 2010, with f
// centred on the chosen rank, which leaves the estimate unbiased and
// reduces its variance) and total S_Tᵢ = (1/2N) Σ (f(A) − f(A_B⁽ⁱ⁾))² / V
// (Jansen 1999), V the variance of f over A and B. Estimates can stray a
// little below 0 or above 1 with small N.
//
// Normalised values are computed once per method, so draws are cheap. The
// random numbers come from a PCG generator (math/rand/v2) seeded with
// Seed, and gonum's Gamma sampler drawing from it: the result is
// reproducible. It stops soon after ctx is done, returning an error that
// wraps ctx.Err().
func Uncertainty(ctx context.Context, in NeedInput, s UncertaintySettings) (UncertaintyResult, error) {
	base, err := Need(in)
	if err != nil {
		return UncertaintyResult{}, err
	}
	n, k := len(in.Localities), len(in.Indicators)
	maxCells := s.MaxCells
	if maxCells <= 0 {
		maxCells = MaxDrawCells
	}
	switch {
	case s.Draws < 2:
		return UncertaintyResult{}, placeplan.Errorf(placeplan.EINVALID, "%d draws: want 2 or more", s.Draws)
	case s.Draws > maxCells/n:
		e := placeplan.Errorf(placeplan.EUNSUPPORTED, "%d draws for %d localities is more than the %d ranks this server keeps: use at most %d draws", s.Draws, n, maxCells, maxCells/n)
		e.Details = map[string]any{"draws": s.Draws, "max_draws": maxCells / n}
		return UncertaintyResult{}, e
	case math.IsNaN(s.Concentration) || math.IsInf(s.Concentration, 0) || s.Concentration < 0:
		return UncertaintyResult{}, placeplan.Errorf(placeplan.EINVALID, "concentration %v: want a finite number of zero or more", s.Concentration)
	case s.TopK < 1 || s.TopK > n:
		return UncertaintyResult{}, placeplan.Errorf(placeplan.EINVALID, "top %d of %d localities: want 1 to %d", s.TopK, n, n)
	}
	model, s, err := newMCModel(in, s)
	if err != nil {
		return UncertaintyResult{}, err
	}

	sampler := newDrawSampler(s, base.Weights)
	sample := sampler.sample

	N := s.Draws
	a, b := newMCDraw(k), newMCDraw(k)
	fA, fB, fAB := make([]int, n), make([]int, n), make([]int, n)
	ranksA := make([]int32, n*N) // ranksA[i*N+r]
	chosen := make([]float64, n)
	for i, l := range base.Localities {
		chosen[i] = float64(l.Rank)
	}
	acc := make([]sobolAcc, n)
	factors := Factors()
	for r := range N {
		if r%64 == 0 {
			if err := ctx.Err(); err != nil {
				return UncertaintyResult{}, fmt.Errorf("uncertainty: stopped after %d of %d draws: %w", r, N, err)
			}
		}
		sample(&a)
		sample(&b)
		model.ranks(fA, a.w, a.m, a.a)
		model.ranks(fB, b.w, b.m, b.a)
		for i := range n {
			ranksA[i*N+r] = int32(fA[i])
			c := chosen[i]
			ya, yb := float64(fA[i])-c, float64(fB[i])-c
			acc[i].sum += ya + yb
			acc[i].sumSq += ya*ya + yb*yb
		}
		for f, factor := range factors {
			switch factor {
			case FactorWeights:
				model.ranks(fAB, b.w, a.m, a.a)
			case FactorNormalisation:
				model.ranks(fAB, a.w, b.m, a.a)
			case FactorAggregation:
				model.ranks(fAB, a.w, a.m, b.a)
			}
			for i := range n {
				yb := float64(fB[i]) - chosen[i]
				d := float64(fAB[i] - fA[i])
				acc[i].first[f] += yb * d
				acc[i].total[f] += d * d
			}
		}
	}

	res := UncertaintyResult{Settings: s, Base: base, Localities: make([]LocalityUncertainty, n)}
	var sumV float64
	var sumFirst, sumTotal [3]float64
	buf := make([]int32, N)
	for i := range n {
		lu := LocalityUncertainty{Locality: in.Localities[i], Rank: base.Localities[i].Rank}
		copy(buf, ranksA[i*N:(i+1)*N])
		slices.Sort(buf)
		lu.MedianRank = int(nearestRankQuantile(buf, 0.50))
		lu.RankP5 = int(nearestRankQuantile(buf, 0.05))
		lu.RankP95 = int(nearestRankQuantile(buf, 0.95))
		top := 0
		for _, x := range buf {
			if int(x) <= s.TopK {
				top++
			}
		}
		lu.TopKProbability = float64(top) / float64(N)
		m := acc[i].sum / float64(2*N)
		v := acc[i].sumSq/float64(2*N) - m*m
		if v < 1e-12 {
			v = 0
		}
		lu.RankVariance = v
		sumV += v
		lu.Sensitivity = make([]SensitivityIndex, 3)
		for f, factor := range factors {
			first := acc[i].first[f] / float64(N)
			total := acc[i].total[f] / float64(2*N)
			sumFirst[f] += first
			sumTotal[f] += total
			si := SensitivityIndex{Factor: factor}
			if v > 0 {
				si.First, si.Total = first/v, total/v
			}
			lu.Sensitivity[f] = si
		}
		res.Localities[i] = lu
	}
	res.Sensitivity = make([]SensitivityIndex, 3)
	for f, factor := range factors {
		si := SensitivityIndex{Factor: factor}
		if sumV > 0 {
			si.First, si.Total = sumFirst[f]/sumV, sumTotal[f]/sumV
		}
		res.Sensitivity[f] = si
	}
	return res, nil
}

// newMCModel fills in the settings' default lists and normalises every
// indicator once per method drawn from.
func newMCModel(in NeedInput, s UncertaintySettings) (mcModel, UncertaintySettings, error) {
	n, k := len(in.Localities), len(in.Indicators)
	s.Methods = uniqueOrDefault(s.Methods, in.Method)
	s.Aggregations = uniqueOrDefault(s.Aggregations, in.Aggregation)
	for _, a := range s.Aggregations {
		if !a.valid() {
			return mcModel{}, s, placeplan.Errorf(placeplan.EINVALID, "unknown aggregation %q: want arithmetic or geometric", string(a))
		}
	}
	model := mcModel{n: n, k: k}
	for _, m := range s.Methods {
		if !m.valid() {
			return mcModel{}, s, placeplan.Errorf(placeplan.EINVALID, "unknown normalisation method %q: want zscore, minmax, rank or exponential", string(m))
		}
		cols, err := normalisedColumns(in, m)
		if err != nil {
			return mcModel{}, s, err
		}
		ms := methodScores{arith: rowMajor(cols, n)}
		if slices.Contains(s.Aggregations, Geometric) {
			ms.geo = rowMajor(logScaledColumns(in, m, cols), n)
		}
		model.methods = append(model.methods, ms)
	}
	model.aggs = s.Aggregations
	model.scores = make([]float64, n)
	model.order = make([]int, n)

	return model, s, nil
}

// drawSampler draws weights (Dirichlet around the chosen ones), a method
// and an aggregation from one seeded PCG stream.
type drawSampler struct {
	s     UncertaintySettings
	base  []float64
	alpha []float64
	pcg   *rand.PCG
	rng   *rand.Rand
}

func newDrawSampler(s UncertaintySettings, base []float64) *drawSampler {
	pcg := rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15)
	ds := &drawSampler{s: s, base: base, alpha: make([]float64, len(base)), pcg: pcg, rng: rand.New(pcg)}
	for j, w := range base {
		ds.alpha[j] = s.Concentration * w
	}
	return ds
}

func (ds *drawSampler) sample(d *mcDraw) {
	if ds.s.Concentration == 0 {
		copy(d.w, ds.base)
	} else {
		dirichletInto(d.w, ds.alpha, ds.base, ds.pcg)
	}
	d.m = ds.rng.IntN(len(ds.s.Methods))
	d.a = ds.rng.IntN(len(ds.s.Aggregations))
}

// sobolAcc accumulates one locality's sums for the sensitivity estimators,
// on ranks centred at the chosen rank.
type sobolAcc struct {
	sum, sumSq   float64
	first, total [3]float64
}

// mcDraw is one row of a sample matrix: weights, method and aggregation.
type mcDraw struct {
	w    []float64
	m, a int // indices into the settings' Methods and Aggregations
}

func newMCDraw(k int) mcDraw { return mcDraw{w: make([]float64, k)} }

// methodScores holds one method's normalised values row-major (locality i,
// indicator j at i*k+j), and their logs rescaled onto [1, 100] for the
// geometric mean when it is drawn from.
type methodScores struct {
	arith, geo []float64
}

// mcModel scores and ranks localities for one draw without allocating.
type mcModel struct {
	n, k    int
	methods []methodScores
	aggs    []Aggregation
	scores  []float64
	order   []int
}

func (mm *mcModel) ranks(dst []int, w []float64, m, a int) {
	mm.score(w, m, a)
	rankInto(dst, mm.order, mm.scores)
}

// score fills mm.scores for one draw: the weighted sum of normalised values,
// or of their logs under geometric aggregation (which ranks the same as the
// score).
func (mm *mcModel) score(w []float64, m, a int) {
	x := mm.methods[m].arith
	if mm.aggs[a] == Geometric {
		x = mm.methods[m].geo // ranking on the log-score ranks the score
	}
	k := mm.k
	for i := range mm.n {
		row := x[i*k : (i+1)*k]
		var s float64
		for j, v := range row {
			s += w[j] * v
		}
		mm.scores[i] = s
	}
}

func rowMajor(cols [][]float64, n int) []float64 {
	k := len(cols)
	out := make([]float64, n*k)
	for j, col := range cols {
		for i, v := range col {
			out[i*k+j] = v
		}
	}
	return out
}

// dirichletInto draws weights from a Dirichlet distribution with parameters
// alpha (Gamma(αⱼ, 1) variates scaled to sum 1). Indicators with α = 0 get
// weight 0. Should every variate underflow to 0 (only possible with tiny α),
// it draws again, and after 100 tries keeps the fallback weights.
func dirichletInto(dst, alpha, fallback []float64, src rand.Source) {
	for range 100 {
		var sum float64
		for j, a := range alpha {
			dst[j] = 0
			if a > 0 {
				dst[j] = distuv.Gamma{Alpha: a, Beta: 1, Src: src}.Rand()
			}
			sum += dst[j]
		}
		if sum > 0 && !math.IsInf(sum, 0) {
			for j := range dst {
				dst[j] /= sum
			}
			return
		}
	}
	copy(dst, fallback)
}

// nearestRankQuantile returns the p-th quantile of sorted by the nearest-rank
// method: the value at position ⌈p·N⌉ (1-based).
func nearestRankQuantile(sorted []int32, p float64) int32 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// uniqueOrDefault returns list without repeats, or []T{def} when list is empty.
func uniqueOrDefault[T comparable](list []T, def T) []T {
	if len(list) == 0 {
		return []T{def}
	}
	out := make([]T, 0, len(list))
	for _, x := range list {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
