package scoring

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"placeplan"
)

// Ordinal returns n with its English ordinal suffix: 1st, 2nd, 3rd, 4th,
// 11th, 12th, 13th, 21st, 22nd, 101st, 111th.
func Ordinal(n int) string {
	suffix := "th"
	switch abs := max(n, -n); {
	case abs%100 >= 11 && abs%100 <= 13:
	case abs%10 == 1:
		suffix = "st"
	case abs%10 == 2:
		suffix = "nd"
	case abs%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// Explain says in plain words, for a board paper, where locality i stands
// and what drives its score, e.g. "Oswestry ranks 2nd of 18 (need score
// 0.61), driven mainly by income deprivation affecting children (38 % of
// its score) and emergency admissions (21 %); its smallest contributor is
// housing affordability (4 %)." It names the largest contributor, the
// second too when the first makes up less than 60 % of the score, and the
// smallest when it is not already named. With z-scores, where
// contributions can be negative, it names what raises and what lowers the
// score, in the score's units, instead of shares. Numbers are rounded as
// printed: shares to whole per cent, scores to 2 decimal places below 10
// and 1 below 100. It panics if i is out of range.
func Explain(r NeedResult, i int) string {
	l := r.Localities[i]
	var b strings.Builder
	joint := ""
	for o, other := range r.Localities {
		if o != i && other.Rank == l.Rank {
			joint = "joint "
			break
		}
	}
	fmt.Fprintf(&b, "%s ranks %s%s of %d (need score %s)", l.Locality, joint, Ordinal(l.Rank), len(r.Localities), scoreText(l.Score))

	// Only weighted indicators count towards the score.
	var used []int
	negative := false
	for j, w := range r.Weights {
		if w > 0 {
			used = append(used, j)
			if l.Contributions[j] < 0 {
				negative = true
			}
		}
	}
	name := func(j int) string { return indicatorPhrase(r.Indicators[j]) }
	switch {
	case len(used) == 1:
		fmt.Fprintf(&b, ", on %s alone.", name(used[0]))
		return b.String()
	case !negative && !slices.ContainsFunc(used, func(j int) bool { return l.Shares[j] > 0 }):
		b.WriteString("; no indicator adds to its score.")
		return b.String()
	case negative:
		explainSigned(&b, l, used, name)
		return b.String()
	}
	order := slices.Clone(used)
	slices.SortStableFunc(order, func(x, y int) int { return -cmp.Compare(l.Shares[x], l.Shares[y]) })
	first := order[0]
	fmt.Fprintf(&b, ", driven mainly by %s (%s of its score)", name(first), pctText(l.Shares[first]))
	drivers := 1
	if second := order[1]; l.Shares[first] < 0.6 && l.Shares[second] > 0 {
		fmt.Fprintf(&b, " and %s (%s)", name(second), pctText(l.Shares[second]))
		drivers = 2
	}
	if last := order[len(order)-1]; len(order) > drivers {
		fmt.Fprintf(&b, "; its smallest contributor is %s (%s)", name(last), pctText(l.Shares[last]))
	}
	b.WriteString(".")
	return b.String()
}

// explainSigned describes contributions of either sign (z-scores): the two
// that raise the score most and the one that lowers it most.
func explainSigned(b *strings.Builder, l LocalityNeed, used []int, name func(int) string) {
	var up, down []int
	for _, j := range used {
		switch c := l.Contributions[j]; {
		case c > 0:
			up = append(up, j)
		case c < 0:
			down = append(down, j)
		}
	}
	slices.SortStableFunc(up, func(x, y int) int { return -cmp.Compare(l.Contributions[x], l.Contributions[y]) })
	slices.SortStableFunc(down, func(x, y int) int { return cmp.Compare(l.Contributions[x], l.Contributions[y]) })
	var parts []string
	if len(up) > 0 {
		s := fmt.Sprintf("raised most by %s (%s)", name(up[0]), signedText(l.Contributions[up[0]]))
		if len(up) > 1 {
			s += fmt.Sprintf(" and %s (%s)", name(up[1]), signedText(l.Contributions[up[1]]))
		}
		parts = append(parts, s)
	} else {
		parts = append(parts, "with every indicator below its reference average")
	}
	// A contribution that rounds to nothing pulls nothing down.
	if len(down) > 0 && signedText(l.Contributions[down[0]]) != signedText(0) {
		parts = append(parts, fmt.Sprintf("pulled down most by %s (%s)", name(down[0]), signedText(l.Contributions[down[0]])))
	} else {
		parts = append(parts, "no indicator pulls it down noticeably")
	}
	fmt.Fprintf(b, ", %s; %s.", parts[0], parts[1])
}

// ExplainMethod says in plain words how the need scores in r were made:
// the indicators and their weights, the normalisation and the aggregation.
func ExplainMethod(r NeedResult) string {
	var b strings.Builder
	var weighted []int
	var unweighted []string
	for j, w := range r.Weights {
		if w > 0 {
			weighted = append(weighted, j)
		} else {
			unweighted = append(unweighted, indicatorPhrase(r.Indicators[j]))
		}
	}
	equal := true
	for _, j := range weighted {
		if math.Abs(r.Weights[j]-r.Weights[weighted[0]]) > 1e-12 {
			equal = false
		}
	}
	var items []string
	for _, j := range weighted {
		if equal {
			items = append(items, indicatorPhrase(r.Indicators[j]))
		} else {
			items = append(items, fmt.Sprintf("%s (%s)", indicatorPhrase(r.Indicators[j]), weightText(r.Weights[j])))
		}
	}
	switch {
	case len(weighted) == 1:
		fmt.Fprintf(&b, "Need scores rest on one indicator: %s.", items[0])
	case equal:
		fmt.Fprintf(&b, "Need scores combine %d indicators, weighted equally: %s.", len(weighted), listText(items))
	default:
		fmt.Fprintf(&b, "Need scores combine %d indicators with these weights: %s.", len(weighted), listText(items))
	}
	switch len(unweighted) {
	case 0:
	case 1:
		fmt.Fprintf(&b, " %s is shown but given no weight.", capitalise(unweighted[0]))
	default:
		fmt.Fprintf(&b, " %s are shown but given no weight.", capitalise(listText(unweighted)))
	}
	b.WriteString(" ")
	areas := "the small areas of its reference"
	if len(r.ReferenceN) > 0 {
		lo, hi := slices.Min(r.ReferenceN), slices.Max(r.ReferenceN)
		areas = fmt.Sprintf("the %s small areas of its reference", groupThousands(lo))
		if lo != hi {
			areas = fmt.Sprintf("the small areas of its reference (%s to %s)", groupThousands(lo), groupThousands(hi))
		}
	}
	switch r.Method {
	case ZScore:
		fmt.Fprintf(&b, "Each is expressed as a z-score (standard deviations from the mean of %s)", areas)
	case MinMax:
		fmt.Fprintf(&b, "Each is rescaled from 0 (the least need among %s) to 1 (the most)", areas)
	case Rank:
		fmt.Fprintf(&b, "Each is expressed as a percentile rank among %s (the share with less or equal need, up to 1)", areas)
	case Exponential:
		fmt.Fprintf(&b, "Each is given the IoD's exponential transformation of its percentile rank among %s (0 to 100, stretching the most deprived end)", areas)
	default:
		fmt.Fprintf(&b, "Each is normalised by %s against %s", r.Method.Label(), areas)
	}
	b.WriteString(", turned where necessary so that higher always means more need")
	switch {
	case r.Aggregation == Geometric:
		b.WriteString(", and rescaled onto 1 to 100 between the least and most need in its reference. A score is the weighted geometric mean of these values, and an indicator's share of a score is its share of the score's logarithm.")
	case r.Method == ZScore:
		fmt.Fprintf(&b, ". A score is the %s of these values, so an indicator below its reference mean lowers it; an indicator's share of a score is its weighted value as a share of the score.", r.Aggregation.Label())
	default:
		fmt.Fprintf(&b, ". A score is the %s of these values, and an indicator's share of a score is its weighted value as a share of the score.", r.Aggregation.Label())
	}
	b.WriteString(" Rank 1 is the most need.")
	return b.String()
}

// ExplainUncertainty says in plain words how firm locality i's rank is,
// e.g. "Across 1,000 draws, Oswestry had a median rank of 2nd; it ranked
// between 1st and 4th in 90 % of draws, and in the top 3 in 87 % of them.
// Its rank moves most with the normalisation, not the weights." (the last
// sentence only when the assumption that moves this locality most is not
// the one that moves the ranking as a whole most). It panics if i is out
// of range.
func ExplainUncertainty(u UncertaintyResult, i int) string {
	l := u.Localities[i]
	draws := groupThousands(u.Settings.Draws)
	if l.RankVariance == 0 && l.RankP5 == l.RankP95 {
		return fmt.Sprintf("Across %s draws, %s ranked %s every time.", draws, l.Locality, Ordinal(l.MedianRank))
	}
	var b strings.Builder
	if l.RankP5 == l.RankP95 {
		fmt.Fprintf(&b, "Across %s draws, %s ranked %s in at least 90 %% of draws", draws, l.Locality, Ordinal(l.MedianRank))
	} else {
		fmt.Fprintf(&b, "Across %s draws, %s had a median rank of %s; it ranked between %s and %s in 90 %% of draws",
			draws, l.Locality, Ordinal(l.MedianRank), Ordinal(l.RankP5), Ordinal(l.RankP95))
	}
	switch p := l.TopKProbability; {
	case p == 1:
		fmt.Fprintf(&b, ", and in the top %d in every draw.", u.Settings.TopK)
	case p == 0:
		fmt.Fprintf(&b, ", and was never in the top %d.", u.Settings.TopK)
	default:
		fmt.Fprintf(&b, ", and in the top %d in %s of them.", u.Settings.TopK, pctText(p))
	}
	// Name the assumption that moves this locality most when it is not
	// the one that moves the ranking as a whole most.
	if varied := variedFactors(u.Settings); len(varied) > 1 && l.RankVariance > 0 {
		if mine, overall := leadingFactor(l.Sensitivity, varied), leadingFactor(u.Sensitivity, varied); mine != overall {
			fmt.Fprintf(&b, " Its rank moves most with the %s, not the %s.", mine, overall)
		}
	}
	return b.String()
}

// ExplainSensitivity says in plain words what the Monte Carlo draws varied
// and which assumption moves the ranking most, with the first-order and
// total sensitivity indices as percentages of all rank variation.
func ExplainSensitivity(u UncertaintyResult) string {
	s := u.Settings
	var b strings.Builder
	var parts []string
	if s.Concentration > 0 {
		parts = append(parts, fmt.Sprintf("weights from a Dirichlet distribution around the chosen weights (concentration %s)", strconv.FormatFloat(s.Concentration, 'g', -1, 64)))
	} else {
		parts = append(parts, "the chosen weights")
	}
	methods := make([]string, len(s.Methods))
	for i, m := range s.Methods {
		methods[i] = m.Label()
	}
	if len(methods) > 1 {
		parts = append(parts, "a normalisation from "+orListText(methods))
	} else {
		parts = append(parts, "the "+methods[0]+" normalisation")
	}
	switch {
	case len(s.Aggregations) > 1:
		parts = append(parts, "the weighted arithmetic or geometric mean")
	default:
		parts = append(parts, "the "+s.Aggregations[0].Label())
	}
	fmt.Fprintf(&b, "Each of %s draws (seed %d) took %s; %s; and %s.", groupThousands(s.Draws), s.Seed, parts[0], parts[1], parts[2])

	varied := variedFactors(s)
	moved := slices.ContainsFunc(u.Localities, func(l LocalityUncertainty) bool { return l.RankVariance > 0 })
	switch {
	case len(varied) == 0:
		b.WriteString(" Nothing was varied, so no rank changed.")
		return b.String()
	case !moved:
		b.WriteString(" No locality's rank changed in any draw.")
		return b.String()
	}
	idx := slices.Clone(u.Sensitivity)
	idx = slices.DeleteFunc(idx, func(si SensitivityIndex) bool { return !slices.Contains(varied, si.Factor) })
	slices.SortStableFunc(idx, func(x, y SensitivityIndex) int { return -cmp.Compare(x.Total, y.Total) })
	var claims []string
	for n, si := range idx {
		if n == 0 {
			claims = append(claims, fmt.Sprintf("%s comes from the %s alone (%s counting interactions with the other choices)",
				indexText(si.First), si.Factor, indexText(si.Total)))
			continue
		}
		claims = append(claims, fmt.Sprintf("%s from the %s alone (%s)", indexText(si.First), si.Factor, indexText(si.Total)))
	}
	fmt.Fprintf(&b, " The ranking depends most on the %s: of all the movement in localities' ranks, %s.", idx[0].Factor, listText(claims))
	return b.String()
}

// leadingFactor returns the varied factor with the largest total index.
func leadingFactor(idx []SensitivityIndex, varied []Factor) Factor {
	var best SensitivityIndex
	found := false
	for _, si := range idx {
		if slices.Contains(varied, si.Factor) && (!found || si.Total > best.Total) {
			best, found = si, true
		}
	}
	return best.Factor
}

// variedFactors returns the factors the settings actually vary.
func variedFactors(s UncertaintySettings) []Factor {
	var out []Factor
	if s.Concentration > 0 {
		out = append(out, FactorWeights)
	}
	if len(s.Methods) > 1 {
		out = append(out, FactorNormalisation)
	}
	if len(s.Aggregations) > 1 {
		out = append(out, FactorAggregation)
	}
	return out
}

// indicatorPhrase names an indicator mid-sentence: its Name (its Key when
// unnamed), with the first letter lower-cased when the name is written in
// sentence case ("Acute morbidity indicator" → "acute morbidity
// indicator"); names in title case or starting with an acronym ("IDACI
// score") are left as they are.
func indicatorPhrase(ind placeplan.Indicator) string {
	name := strings.TrimSpace(ind.Name)
	if name == "" {
		return ind.Key
	}
	words := strings.Fields(name)
	first, size := utf8.DecodeRuneInString(words[0])
	if !unicode.IsUpper(first) {
		return name
	}
	if second, _ := utf8.DecodeRuneInString(words[0][size:]); !unicode.IsLower(second) {
		return name // an acronym or a single letter
	}
	for _, w := range words[1:] {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			return name
		}
	}
	return string(unicode.ToLower(first)) + name[size:]
}

// scoreText rounds a score for print: 2 decimal places below 10, 1 below
// 100, none above; a minus sign for negatives.
func scoreText(x float64) string {
	var s string
	switch a := math.Abs(x); {
	case a < 10:
		s = strconv.FormatFloat(x, 'f', 2, 64)
	case a < 100:
		s = strconv.FormatFloat(x, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(x, 'f', 0, 64)
	}
	if s == "-0.00" || s == "-0.0" || s == "-0" {
		s = s[1:]
	}
	return strings.Replace(s, "-", "−", 1)
}

// signedText is scoreText with an explicit plus sign.
func signedText(x float64) string {
	s := scoreText(x)
	if !strings.HasPrefix(s, "−") {
		s = "+" + s
	}
	return s
}

// pctText prints a share (0 to 1) as whole per cent, saying "under 1 %"
// and "over 99 %" rather than rounding to 0 % or 100 %.
func pctText(p float64) string {
	switch {
	case p > 0 && p < 0.005:
		return "under 1 %"
	case p > 0.995 && p < 1:
		return "over 99 %"
	}
	return strconv.FormatFloat(math.Round(p*100), 'f', 0, 64) + " %"
}

// indexText prints a sensitivity index as per cent of rank variance;
// estimates that stray below 0 print as 0 %.
func indexText(x float64) string { return pctText(math.Max(0, x)) }

// weightText prints a weight as per cent with at most one decimal place.
func weightText(w float64) string {
	return strconv.FormatFloat(math.Round(w*1000)/10, 'f', -1, 64) + " %"
}

// groupThousands prints n with commas between groups of three digits.
func groupThousands(n int) string {
	s := strconv.Itoa(max(n, -n))
	var b strings.Builder
	if n < 0 {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// listText joins items as English does: "a", "a and b", "a, b and c".
func listText(items []string) string { return joinWords(items, "and") }

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// orListText joins items with "or".
func orListText(items []string) string { return joinWords(items, "or") }

func joinWords(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}
