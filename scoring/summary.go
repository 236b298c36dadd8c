package scoring

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"placeplan"
)

// SummaryInput is what Summarise reads: the small areas (LSOAs), the group
// each belongs to, and per index the areas' national ranks, scores and
// population denominators. Every per-area slice has one value per area, in
// the same order as Groups; NaN means "no value".
type SummaryInput struct {
	// LSOACount is N, the number of LSOAs in England that the national
	// ranks run over: 32,844 for LSOA 2011 (IoD2019), 33,755 for LSOA 2021
	// (IoD2025).
	LSOACount int
	// Codes names each area in error messages; it may be nil.
	Codes []string
	// Groups gives the key of the group each area belongs to (one group per
	// area); "" leaves the area out.
	Groups []string
	// Indices are the indices to summarise.
	Indices []IndexValues
	// Scales are the counts of deprived people to sum (income, employment).
	Scales []ScaleValues
}

// IndexValues is one index's values for every area.
type IndexValues struct {
	Key        string    // imd, income, employment, education, health, crime, barriers, living_env, idaci, idaopi
	Scores     []float64 // the index's scores; nil when the input has none (no average score)
	Ranks      []float64 // national ranks, 1 = most deprived of N; nil when the input has none
	Population []float64 // people: the index's population denominator
}

// ScaleValues is one count of deprived people for every area.
type ScaleValues struct {
	Key        string    // income or employment
	Numerators []float64 // people; NaN where the published count is suppressed
	// Scores and Population, when given, reconstruct a suppressed numerator
	// as score × population (the score is the numerator's rate over that
	// population); either may be nil.
	Scores     []float64
	Population []float64 // people
}

// Summary is the result of Summarise: which measures could be computed and
// one AreaSummary per group.
type Summary struct {
	Indices []IndexMeasures // in the order of SummaryInput.Indices
	Scales  []ScaleReport   // in the order of SummaryInput.Scales
	Areas   []AreaSummary   // sorted by group key
}

// IndexMeasures says which measures an index supports: the average score
// needs scores; the average rank, proportion in the most deprived 10 %,
// extent and local concentration need ranks. All need the population.
type IndexMeasures struct {
	Key      string
	HasScore bool
	HasRanks bool
}

// ScaleReport says how one scale was made.
type ScaleReport struct {
	Key string
	// Reconstructed counts the areas (of any group) whose numerator was
	// missing and was reconstructed as score × population.
	Reconstructed int
	// Missing counts the areas (of any group) with neither a numerator nor a
	// score and population; their groups have no scale.
	Missing int
}

// AreaSummary is the summary of one group of small areas.
type AreaSummary struct {
	Group     string
	LSOACount int            // small areas in the group
	Indices   []IndexSummary // in the order of Summary.Indices
	Scales    []Measure      // people, in the order of Summary.Scales
}

// IndexSummary holds one index's summary measures for one group.
type IndexSummary struct {
	Population float64 // people: the group's population denominator for the index
	// AverageScore is in the index's own unit (a rate for income,
	// employment, IDACI and IDAOPI, a score for the others).
	AverageScore Measure
	// AverageRank is an inverted rank: N is the most deprived.
	AverageRank Measure
	// ProportionMostDeprived10pct is a proportion of the group's LSOAs, 0 to 1.
	ProportionMostDeprived10pct Measure
	// Extent is a weighted proportion of the group's population, 0 to 1.
	Extent Measure
	// LocalConcentration is an inverted rank: N is the most deprived.
	LocalConcentration Measure
}

// Measure is one summary value of one group and its rank among the groups
// summarised together.
type Measure struct {
	Value float64 // NaN when the group lacks a value it needs
	Rank  int     // 1 = most deprived; 0 when Value is NaN
}

// NationalPercentile returns the national percentile of an LSOA ranked rank
// of n (1 = most deprived): ⌈rank / n · 100⌉, computed exactly in integers,
// so percentile 1 is the most deprived 1 %.
func NationalPercentile(rank, n int) int {
	return (rank*100 + n - 1) / n
}

// ExtentWeight is the weight an LSOA ranked rank of n carries in the extent
// measure: 1 in the most deprived 10 % nationally (percentile p ≤ 10),
// 0.95 − 0.9·(p − 11)/19 for 11 ≤ p ≤ 30 (0.95 down to 0.05), else 0.
func ExtentWeight(rank, n int) float64 {
	p := NationalPercentile(rank, n)
	switch {
	case p <= 10:
		return 1
	case p <= 30:
		return 0.95 - 0.9*float64(p-11)/19
	}
	return 0
}

// Summarise computes the summary measures of the Indices of Deprivation
// for every group of small areas in in (local authority districts, MSOAs,
// localities, a user's own list), as MHCLG defines them for its local authority summaries (IoD2019 File 10 and
// the Research Report, section "Summary measures"). N is the number of
// LSOAs in England that the national ranks run over.
//
//   - average score: the population-weighted mean of the LSOA scores;
//   - average rank: the population-weighted mean of the LSOA ranks after
//     inverting them (N + 1 − rank), so the most deprived LSOA counts N;
//   - proportion of LSOAs in the most deprived 10 % nationally: the share of
//     the group's LSOAs whose national percentile (NationalPercentile) is 10
//     or less,
//     not weighted by population;
//   - extent: the population-weighted mean of a weight that is 1 for LSOAs
//     in the most deprived 10 % nationally, falls from 0.95 at the 11th
//     percentile to 0.05 at the 30th, and is 0 above;
//   - local concentration: the population-weighted mean inverted rank of the
//     group's most deprived LSOAs that together hold exactly 10 % of its
//     population, the LSOA crossing the 10 % line counting only for the
//     people needed to reach it;
//   - scale: the number of deprived people (the income and employment
//     numerators), summed; a suppressed numerator is reconstructed as
//     score × population when ScaleValues carries them.
//
// Population weights are the index's IoD population denominator: total
// population for the IMD and the domains other than employment,
// working-age population for employment, children aged 0–15 for IDACI,
// people aged 60 and over for IDAOPI. Choosing them is the caller's job.
//
// Every measure is ranked among the groups of one call, 1 = most deprived
// (the highest value), with competition ranking: tied values share the best
// rank and the next rank is skipped (1, 2, 2, 4). Values tie when they are
// equal as computed in float64; measures that are equal in exact arithmetic
// compute equal here (the proportion is count/total, a group with no
// deprived LSOA has extent 0 exactly), and other near-equal values are not
// rounded first, so a tie is never manufactured.
//
// It returns an EINVALID error naming the area for impossible input: a rank
// that is not a whole number from 1 to N, a negative or infinite
// population, score or numerator, or slices of the wrong length. A group
// lacking a value a measure needs (NaN) has NaN for that measure, and no
// rank.
func Summarise(in SummaryInput) (*Summary, error) {
	n := len(in.Groups)
	if err := checkSummaryInput(in); err != nil {
		return nil, err
	}
	// Groups in key order.
	var keys []string
	seen := map[string]bool{}
	for _, g := range in.Groups {
		if g != "" && !seen[g] {
			seen[g] = true
			keys = append(keys, g)
		}
	}
	sort.Strings(keys)
	gi := make(map[string]int, len(keys))
	for i, k := range keys {
		gi[k] = i
	}
	group := make([]int, n)
	out := &Summary{Areas: make([]AreaSummary, len(keys))}
	for i, k := range keys {
		out.Areas[i] = AreaSummary{Group: k, Indices: make([]IndexSummary, len(in.Indices)), Scales: make([]Measure, len(in.Scales))}
	}
	for j, g := range in.Groups {
		if g == "" {
			group[j] = -1
			continue
		}
		group[j] = gi[g]
		out.Areas[group[j]].LSOACount++
	}
	s := summariser{n: in.LSOACount, group: group, groups: len(keys), out: out}
	for k, idx := range in.Indices {
		out.Indices = append(out.Indices, IndexMeasures{Key: idx.Key, HasScore: idx.Scores != nil, HasRanks: idx.Ranks != nil})
		s.index(k, idx)
	}
	for k, sc := range in.Scales {
		out.Scales = append(out.Scales, s.scale(k, sc))
	}
	return out, nil
}

func checkSummaryInput(in SummaryInput) error {
	n := len(in.Groups)
	if in.LSOACount < 1 {
		return placeplan.Errorf(placeplan.EINVALID, "summary: the national LSOA count N is %d; it must be at least 1", in.LSOACount)
	}
	area := func(j int) string {
		if in.Codes != nil {
			return in.Codes[j]
		}
		return fmt.Sprintf("area %d", j+1)
	}
	length := func(what string, v []float64) error {
		if v != nil && len(v) != n {
			return placeplan.Errorf(placeplan.EINVALID, "summary: %s has %d values for %d areas", what, len(v), n)
		}
		return nil
	}
	finite := func(what string, v []float64, nonNegative bool) error {
		for j, x := range v {
			if math.IsInf(x, 0) || (nonNegative && x < 0) {
				return placeplan.Errorf(placeplan.EINVALID, "%s: %s %v is impossible", area(j), what, x)
			}
		}
		return nil
	}
	if in.Codes != nil && len(in.Codes) != n {
		return placeplan.Errorf(placeplan.EINVALID, "summary: %d area codes for %d areas", len(in.Codes), n)
	}
	for _, idx := range in.Indices {
		if idx.Key == "" {
			return placeplan.Errorf(placeplan.EINVALID, "summary: an index has no key")
		}
		if (idx.Scores != nil || idx.Ranks != nil) && idx.Population == nil {
			return placeplan.Errorf(placeplan.EINVALID, "summary: %s has no population denominator", idx.Key)
		}
		for _, c := range []struct {
			what string
			v    []float64
		}{{idx.Key + " scores", idx.Scores}, {idx.Key + " ranks", idx.Ranks}, {idx.Key + " population", idx.Population}} {
			if err := length(c.what, c.v); err != nil {
				return err
			}
		}
		if err := finite(idx.Key+" score", idx.Scores, false); err != nil {
			return err
		}
		if err := finite(idx.Key+" population", idx.Population, true); err != nil {
			return err
		}
		for j, r := range idx.Ranks {
			if !math.IsNaN(r) && (r != math.Trunc(r) || r < 1 || r > float64(in.LSOACount)) {
				return placeplan.Errorf(placeplan.EINVALID, "%s: %s rank %v is impossible (national ranks run from 1 to %d)", area(j), idx.Key, r, in.LSOACount)
			}
		}
	}
	for _, sc := range in.Scales {
		if sc.Key == "" {
			return placeplan.Errorf(placeplan.EINVALID, "summary: a scale has no key")
		}
		for _, c := range []struct {
			what string
			v    []float64
		}{{sc.Key + " numerators", sc.Numerators}, {sc.Key + " scores", sc.Scores}, {sc.Key + " population", sc.Population}} {
			if err := length(c.what, c.v); err != nil {
				return err
			}
		}
		if sc.Numerators == nil {
			return placeplan.Errorf(placeplan.EINVALID, "summary: scale %s has no numerators", sc.Key)
		}
		if err := finite(sc.Key+" numerator", sc.Numerators, true); err != nil {
			return err
		}
		if err := finite(sc.Key+" score", sc.Scores, true); err != nil {
			return err
		}
		if err := finite(sc.Key+" population", sc.Population, true); err != nil {
			return err
		}
	}
	return nil
}

// summariser holds the per-call state Summarise shares between indices.
type summariser struct {
	n      int   // national LSOA count
	group  []int // group of each area; -1 for none
	groups int
	out    *Summary
	counts []int32 // counting-sort buckets, one per rank
	order  []int32 // areas in national rank order
}

// perGroup returns a zeroed slice with one value per group.
func perGroup[T any](s *summariser) []T { return make([]T, s.groups) }

// masked returns v with NaN for the groups flagged in any of lacks.
func masked(v []float64, lacks ...[]bool) []float64 {
	out := slices.Clone(v)
	for g := range out {
		for _, l := range lacks {
			if l[g] {
				out[g] = math.NaN()
			}
		}
	}
	return out
}

// index computes the measures of index k for every group.
func (s *summariser) index(k int, idx IndexValues) {
	at := func(g int) *IndexSummary { return &s.out.Areas[g].Indices[k] }
	set := func(v []float64, m func(*IndexSummary) *Measure) {
		ranks := rankDescending(v)
		for g := range v {
			*m(at(g)) = Measure{Value: v[g], Rank: ranks[g]}
		}
	}
	none := perGroup[float64](s)
	for g := range none {
		none[g] = math.NaN()
	}
	averageScore := func(x *IndexSummary) *Measure { return &x.AverageScore }
	averageRank := func(x *IndexSummary) *Measure { return &x.AverageRank }
	proportion := func(x *IndexSummary) *Measure { return &x.ProportionMostDeprived10pct }
	extent := func(x *IndexSummary) *Measure { return &x.Extent }
	concentration := func(x *IndexSummary) *Measure { return &x.LocalConcentration }

	if idx.Population == nil { // neither scores nor ranks: nothing to measure
		for _, m := range []func(*IndexSummary) *Measure{averageScore, averageRank, proportion, extent, concentration} {
			set(none, m)
		}
		return
	}
	// A group lacking any area's population has no weighted measure.
	pop, lacksPop := perGroup[float64](s), perGroup[bool](s)
	for j, g := range s.group {
		if g < 0 {
			continue
		}
		if math.IsNaN(idx.Population[j]) {
			lacksPop[g] = true
		}
		pop[g] += idx.Population[j]
	}
	for g := range pop {
		at(g).Population = pop[g]
	}

	if idx.Scores == nil {
		set(none, averageScore)
	} else {
		sum, lacks := perGroup[float64](s), perGroup[bool](s)
		for j, g := range s.group {
			if g < 0 {
				continue
			}
			if math.IsNaN(idx.Scores[j]) {
				lacks[g] = true
			}
			sum[g] += idx.Scores[j] * idx.Population[j]
		}
		for g := range sum {
			sum[g] /= pop[g]
		}
		set(masked(sum, lacks, lacksPop), averageScore)
	}

	if idx.Ranks == nil {
		for _, m := range []func(*IndexSummary) *Measure{averageRank, proportion, extent, concentration} {
			set(none, m)
		}
		return
	}
	inv, ext, top10, lacks := perGroup[float64](s), perGroup[float64](s), perGroup[float64](s), perGroup[bool](s)
	for j, g := range s.group {
		if g < 0 {
			continue
		}
		if math.IsNaN(idx.Ranks[j]) {
			lacks[g] = true
			continue
		}
		rank, p := int(idx.Ranks[j]), idx.Population[j]
		inv[g] += float64(s.n+1-rank) * p
		w := ExtentWeight(rank, s.n)
		ext[g] += w * p
		if w == 1 {
			top10[g]++
		}
	}
	for g := range inv {
		inv[g] /= pop[g]
		ext[g] /= pop[g]
		top10[g] /= float64(s.out.Areas[g].LSOACount)
	}
	set(masked(inv, lacks, lacksPop), averageRank)
	set(masked(top10, lacks), proportion) // a count of LSOAs: no population needed
	set(masked(ext, lacks, lacksPop), extent)
	set(masked(s.localConcentration(idx, pop), lacks, lacksPop), concentration)
}

// localConcentration returns each group's local concentration, given the
// groups' populations: it visits the areas in national rank order (a
// counting sort, since ranks are whole numbers 1 to N) and takes each
// group's most deprived areas until they hold exactly a tenth of the
// group's population, the last one only in part.
func (s *summariser) localConcentration(idx IndexValues, pop []float64) []float64 {
	if len(s.counts) != s.n+2 {
		s.counts = make([]int32, s.n+2)
	}
	clear(s.counts)
	m := 0
	for j, g := range s.group {
		if g < 0 || math.IsNaN(idx.Ranks[j]) {
			continue
		}
		s.counts[int(idx.Ranks[j])+1]++
		m++
	}
	for r := 1; r < len(s.counts); r++ {
		s.counts[r] += s.counts[r-1]
	}
	if cap(s.order) < m {
		s.order = make([]int32, m)
	}
	s.order = s.order[:m]
	for j, g := range s.group {
		if g < 0 || math.IsNaN(idx.Ranks[j]) {
			continue
		}
		r := int(idx.Ranks[j])
		s.order[s.counts[r]] = int32(j)
		s.counts[r]++
	}
	sum, taken, done := perGroup[float64](s), perGroup[float64](s), perGroup[bool](s)
	for _, j := range s.order {
		g := s.group[j]
		if done[g] {
			continue
		}
		need := pop[g]/10 - taken[g] // people
		p := idx.Population[j]
		if p >= need {
			p = need
			done[g] = true
		}
		sum[g] += p * float64(s.n+1-int(idx.Ranks[j]))
		taken[g] += p
	}
	for g := range sum {
		sum[g] /= pop[g] / 10
	}
	return sum
}

// scale sums one count of deprived people for every group.
func (s *summariser) scale(k int, sc ScaleValues) ScaleReport {
	rep := ScaleReport{Key: sc.Key}
	sum := perGroup[float64](s)
	for j, g := range s.group {
		if g < 0 {
			continue
		}
		v := sc.Numerators[j]
		if math.IsNaN(v) && sc.Scores != nil && sc.Population != nil {
			v = sc.Scores[j] * sc.Population[j]
			if !math.IsNaN(v) {
				rep.Reconstructed++
			}
		}
		if math.IsNaN(v) {
			rep.Missing++
		}
		sum[g] += v
	}
	ranks := rankDescending(sum)
	for g := range s.out.Areas {
		s.out.Areas[g].Scales[k] = Measure{Value: sum[g], Rank: ranks[g]}
	}
	return rep
}

// rankDescending ranks values from the highest (rank 1) with competition
// ranking: equal values share the best rank and the next is skipped
// (1, 2, 2, 4). NaN values get rank 0 and do not count.
func rankDescending(v []float64) []int {
	idx := make([]int, 0, len(v))
	for i, x := range v {
		if !math.IsNaN(x) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] > v[b]:
			return -1
		case v[a] < v[b]:
			return 1
		}
		return 0
	})
	ranks := make([]int, len(v))
	for pos, i := range idx {
		if pos > 0 && v[i] == v[idx[pos-1]] {
			ranks[i] = ranks[idx[pos-1]]
		} else {
			ranks[i] = pos + 1
		}
	}
	return ranks
}
