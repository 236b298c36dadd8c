package siting

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"placeplan"
)

// Overlap is demand weight that two chosen sites both reach.
type Overlap struct {
	Site   string
	Weight float64
}

// SiteExplanation says why a chosen site earns its place, in figures and in
// words. Weights are in the demand's unit (e.g. need-weighted children);
// costs are in the network's unit.
type SiteExplanation struct {
	ID    string
	Fixed bool // kept open, not chosen
	Named bool // kept because a stated order names it, not chosen
	// Reach is the demand weight within the standard of the site, and
	// ReachShare that weight as a share of all demand.
	Reach      float64
	ReachShare float64
	// Served is the weight for which this is the nearest chosen site.
	Served float64
	// Unique is the weight no other chosen site reaches: what closing this
	// site would lose — its marginal coverage given the others.
	Unique float64
	// Overlaps are the weights also reached by each other chosen site,
	// largest first; sites with no overlap are left out.
	Overlaps []Overlap
	// MeanCost is the weight-averaged travel cost from the demand the site
	// serves, MaxCost the largest; both NaN when it serves none.
	MeanCost, MaxCost float64
	// Alternative is the unchosen candidate that would reach the most in
	// this site's place (the others kept), and AlternativeLoss how much less
	// the chosen sites would then reach in all (0 for an equal
	// alternative; below 0 only when the selection is not optimal).
	// Alternative is empty when every candidate is chosen or
	// excluded, or for fixed sites.
	Alternative     string
	AlternativeLoss float64
	Text            string
}

// ExplainOptions words the explanations.
type ExplainOptions struct {
	// Noun names the demand weight in the text, e.g. "need-weighted
	// children"; empty means "demand".
	Noun string
	// Fixed are sites that were kept open rather than chosen; Named are
	// sites kept because a stated order names them, not open yet.
	Fixed, Named []string
	// Amount formats demand weights in the text; nil means Amount. Callers
	// use it to withhold small confidential counts.
	Amount func(float64) string
	// Withheld reports whether a demand figure is withheld (Amount words
	// it without its number); no share of a withheld figure is printed.
	// NaN figures are always withheld; nil withholds no other.
	Withheld func(float64) bool
	// Excluded are candidates never considered as alternatives.
	Excluded []string
}

// ExplainSelection explains each selected site (in the order given): the
// demand it reaches within the standard, the share of it no other selected
// site reaches, its overlaps with the others and how far the demand it
// serves travels. Demand is served by its nearest selected site (ties to
// the lower site id), as in Result.Served.
func ExplainSelection(n *Network, selected []string, opts ExplainOptions) ([]SiteExplanation, error) {
	if n == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: no network")
	}
	index := make(map[string]int, len(n.Candidates))
	for j, c := range n.Candidates {
		index[c.ID] = j
	}
	pos := make(map[int]int, len(selected)) // candidate index → position in selected
	for p, id := range selected {
		j, ok := index[id]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: selected site %q is not a candidate", id)
		}
		if _, dup := pos[j]; dup {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: site %q is selected twice", id)
		}
		pos[j] = p
	}
	out := make([]SiteExplanation, len(selected))
	overlap := make([][]float64, len(selected))
	costSum := make([]float64, len(selected))
	for p, id := range selected {
		out[p] = SiteExplanation{ID: id, Fixed: slices.Contains(opts.Fixed, id), Named: slices.Contains(opts.Named, id), MeanCost: math.NaN(), MaxCost: math.NaN()}
		overlap[p] = make([]float64, len(selected))
	}
	total := n.TotalWeight()
	var reached []int
	for i, d := range n.Demands {
		reached = reached[:0]
		best, bestCost := -1, math.Inf(1)
		for _, a := range n.Reach(i) {
			p, ok := pos[a.Site]
			if !ok {
				continue
			}
			reached = append(reached, p)
			if a.Cost < bestCost || a.Cost == bestCost && n.Candidates[a.Site].ID < selected[best] {
				best, bestCost = p, a.Cost
			}
		}
		w := d.Weight
		for _, p := range reached {
			out[p].Reach += w
			for _, q := range reached {
				if q != p {
					overlap[p][q] += w
				}
			}
		}
		if len(reached) == 1 {
			out[reached[0]].Unique += w
		}
		if best >= 0 {
			e := &out[best]
			e.Served += w
			costSum[best] += w * bestCost
			if math.IsNaN(e.MaxCost) || bestCost > e.MaxCost {
				e.MaxCost = bestCost
			}
		}
	}
	alternatives(n, selected, pos, out, opts)
	for p := range out {
		e := &out[p]
		if total > 0 {
			e.ReachShare = e.Reach / total
		}
		if e.Served > 0 {
			e.MeanCost = costSum[p] / e.Served
		} else if !math.IsNaN(e.MaxCost) {
			e.MeanCost = e.MaxCost // served demand of zero weight only
		}
		for q, w := range overlap[p] {
			if w > 0 {
				e.Overlaps = append(e.Overlaps, Overlap{Site: selected[q], Weight: w})
			}
		}
		slices.SortStableFunc(e.Overlaps, func(a, b Overlap) int { return cmp.Compare(b.Weight, a.Weight) })
		e.Text = explainText(*e, n, opts)
	}
	return out, nil
}

// Reword writes each explanation's Text again with opts, for a caller
// that has withheld some of their figures (made them NaN) since
// ExplainSelection made them on n.
func Reword(out []SiteExplanation, n *Network, opts ExplainOptions) {
	for p := range out {
		out[p].Text = explainText(out[p], n, opts)
	}
}

func explainText(e SiteExplanation, n *Network, opts ExplainOptions) string {
	noun := opts.Noun
	if noun == "" {
		noun = "demand"
	}
	amount := opts.Amount
	if amount == nil {
		amount = Amount
	}
	withheld := func(v float64) bool {
		return math.IsNaN(v) || opts.Withheld != nil && opts.Withheld(v)
	}
	var b strings.Builder
	switch {
	case e.Fixed:
		fmt.Fprintf(&b, "%s is already open (kept, not chosen). ", e.ID)
	case e.Named:
		fmt.Fprintf(&b, "%s is named in the stated order (kept, not chosen). ", e.ID)
	}
	within := fmt.Sprintf("within %s %s", strconv.FormatFloat(n.Standard, 'f', -1, 64), unitWord(n.Unit))
	if math.IsInf(n.Standard, 1) {
		within = "at any distance"
	}
	if e.Reach == 0 {
		fmt.Fprintf(&b, "%s reaches no %s %s.", e.ID, noun, within)
		return b.String()
	}
	fmt.Fprintf(&b, "%s reaches %s %s %s", e.ID, amount(e.Reach), noun, within)
	if !withheld(e.Reach) && !math.IsNaN(e.ReachShare) {
		fmt.Fprintf(&b, " (%s of all)", percent(e.ReachShare))
	}
	b.WriteString(".")
	switch {
	case e.Unique >= e.Reach*(1-1e-9):
		b.WriteString(" No other chosen site reaches any of it, so closing this site would lose all of it.")
	case withheld(e.Unique) || withheld(e.Reach):
		// A withheld figure is never 0 (0 is published), so some of it is
		// reached by no other site; no share of it is printed.
		fmt.Fprintf(&b, " %s of it is reached by no other chosen site: closing this site would lose that.", amount(e.Unique))
	case e.Unique > 0:
		fmt.Fprintf(&b, " %s of it (%s) is reached by no other chosen site: closing this site would lose that.",
			amount(e.Unique), percent(e.Unique/e.Reach))
	default:
		b.WriteString(" Every part of it is also reached by another chosen site, so it adds resilience rather than reach.")
	}
	if len(e.Overlaps) > 0 {
		o := e.Overlaps[0]
		fmt.Fprintf(&b, " It overlaps most with %s (%s shared).", o.Site, amount(o.Weight))
	}
	switch {
	case e.Alternative == "":
	case math.IsNaN(e.AlternativeLoss):
		fmt.Fprintf(&b, " The closest alternative is %s; how much less it would reach in its place is withheld.", e.Alternative)
	case e.AlternativeLoss < -1e-9*math.Max(e.Reach, 1):
		fmt.Fprintf(&b, " %s would reach %s more in its place.", e.Alternative, amount(-e.AlternativeLoss))
	case e.AlternativeLoss <= 1e-9*math.Max(e.Reach, 1):
		fmt.Fprintf(&b, " %s could take its place with no loss of reach.", e.Alternative)
	case withheld(e.AlternativeLoss) || withheld(e.Reach):
		fmt.Fprintf(&b, " The closest alternative, %s, would reach %s less in its place.", e.Alternative, amount(e.AlternativeLoss))
	case e.AlternativeLoss < 0.01*e.Reach:
		fmt.Fprintf(&b, " %s would do almost as well in its place (%s less): practically a tie.", e.Alternative, amount(e.AlternativeLoss))
	default:
		fmt.Fprintf(&b, " The closest alternative, %s, would reach %s less in its place.", e.Alternative, amount(e.AlternativeLoss))
	}
	if e.Served > 0 && !math.IsNaN(e.MeanCost) {
		fmt.Fprintf(&b, " The %s it serves (nearest to it) are on average %s %s away, the furthest %s.",
			noun, Amount(e.MeanCost), unitWord(n.Unit), Amount(e.MaxCost))
	} else if !math.IsNaN(e.MaxCost) && (withheld(e.Served) || math.IsNaN(e.MeanCost)) {
		fmt.Fprintf(&b, " The %s it serves (nearest to it) are at most %s %s away.", noun, Amount(e.MaxCost), unitWord(n.Unit))
	}
	return b.String()
}

// alternatives finds, for each chosen site that is not fixed, the unchosen
// candidate whose swap for it loses the least reach: one pass over the
// network's pairs per chosen site.
func alternatives(n *Network, selected []string, pos map[int]int, out []SiteExplanation, opts ExplainOptions) {
	cnt := make([]int32, len(n.Demands)) // chosen sites reaching each demand point
	for i := range n.Demands {
		for _, a := range n.Reach(i) {
			if _, ok := pos[a.Site]; ok {
				cnt[i]++
			}
		}
	}
	skip := make([]bool, len(n.Candidates))
	for j := range pos {
		skip[j] = true
	}
	for j, c := range n.Candidates {
		if slices.Contains(opts.Excluded, c.ID) {
			skip[j] = true
		}
	}
	gain := make([]float64, len(n.Candidates))
	for p := range selected {
		if out[p].Fixed {
			continue
		}
		clear(gain)
		for i, d := range n.Demands {
			left := cnt[i] // chosen sites reaching i once p is closed
			for _, a := range n.Reach(i) {
				if q, ok := pos[a.Site]; ok && q == p {
					left--
					break
				}
			}
			if left > 0 {
				continue
			}
			for _, a := range n.Reach(i) {
				if !skip[a.Site] {
					gain[a.Site] += d.Weight
				}
			}
		}
		best := -1
		for j := range n.Candidates {
			if skip[j] {
				continue
			}
			if best < 0 || gain[j] > gain[best] || gain[j] == gain[best] && n.Candidates[j].ID < n.Candidates[best].ID {
				best = j
			}
		}
		if best >= 0 {
			out[p].Alternative = n.Candidates[best].ID
			out[p].AlternativeLoss = out[p].Unique - gain[best] // < 0 only when the selection is not optimal
		}
	}
}

func unitWord(u Unit) string {
	if u == Minutes {
		return "minutes"
	}
	return "km"
}

func percent(x float64) string {
	switch p := 100 * x; {
	case p > 0 && p < 0.5:
		return "under 1 %"
	default:
		return strconv.Itoa(int(math.Round(p))) + " %"
	}
}

// Amount formats a weight or cost for reading: whole numbers with thousands
// separators from 100 up, one decimal below 100, two below 1.
func Amount(x float64) string {
	switch a := math.Abs(x); {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'f', -1, 64)
	case a >= 100:
		return groupThousands(int64(math.Round(x)))
	case a >= 1:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
