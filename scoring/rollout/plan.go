package rollout

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Plan is a rollout: which sites open in each phase and what they reach.
// Weights are in the units of Unit.Weight, populations in people, areas
// under the curve in weight × days.
type Plan struct {
	Order  []string // site ids in opening order: phase by phase, and within a phase in the order of SiteOpening
	Phases []PhasePlan
	End    time.Time // end of the horizon

	HorizonDays float64 // from the first phase's start to End
	AUC         float64 // Σ_t CumWeight_t × Days_t
	MaxAUC      float64 // TotalWeight × HorizonDays: every unit reached from the first day
	AUCShare    float64 // AUC / MaxAUC
	AUCBound    float64 // an upper bound on AUC: every unit reached from the earliest phase any of its sites could open in; a Greedy plan that attains it is ProvenOptimal

	TotalWeight                 float64 // all units, reachable or not
	TotalPopulation             float64
	TotalMostDeprivedPopulation float64 // population of units in the most deprived decile

	Solver        Solver
	ProvenOptimal bool
}

// PhasePlan is one phase of a Plan. Cumulative figures count every unit
// reached by a site open at the end of the phase; shares are of the totals
// over all units (0 when the total is 0).
type PhasePlan struct {
	Label string
	Start time.Time
	Days  float64 // from Start to the next phase's start, or to End

	Sites []SiteOpening // in the order opened: fixed sites first, then by marginal weight
	Cost  float64       // Σ Cost of the sites opened

	NewWeight                 float64
	NewPopulation             float64
	NewMostDeprivedPopulation float64
	NewlyCovered              []int // indices of the units first reached in this phase, ascending

	CumWeight                 float64
	CumPopulation             float64
	CumMostDeprivedPopulation float64
	WeightShare               float64 // CumWeight / TotalWeight
	PopulationShare           float64 // CumPopulation / TotalPopulation
	MostDeprivedShare         float64 // CumMostDeprivedPopulation / TotalMostDeprivedPopulation: the headline equity figure

	Summary string // one line in plain words
}

// SiteOpening is a site opening in a phase with its marginal value: what it
// reaches that no site open before it (earlier in the phase or in an earlier
// phase) reaches.
type SiteOpening struct {
	ID                             string
	Fixed                          bool
	MarginalWeight                 float64
	MarginalPopulation             float64
	MarginalMostDeprivedPopulation float64
}

func share(x, total float64) float64 {
	if total <= 0 {
		return 0
	}
	return x / total
}

// plan reports a feasible phase assignment.
func (p *problem) plan(phaseOf []int, solver Solver, proven bool) *Plan {
	pl := &Plan{
		End:                         p.end,
		HorizonDays:                 p.remDays[0],
		TotalWeight:                 p.totalWeight,
		TotalPopulation:             p.totalPop,
		TotalMostDeprivedPopulation: p.totalMD,
		Solver:                      solver,
		ProvenOptimal:               proven,
		AUCBound:                    p.aucBound(),
	}
	pl.MaxAUC = p.totalWeight * pl.HorizonDays
	covered := make([]bool, p.nu)
	var cumW, cumPop, cumMD float64
	for t, ph := range p.in.Phases {
		pp := PhasePlan{Label: p.labels[t], Start: ph.Start, Days: p.durDays[t]}
		var rest []int
		for _, j := range p.free {
			if phaseOf[j] == t {
				rest = append(rest, j)
			}
		}
		open := func(j int) {
			o := SiteOpening{ID: p.in.Sites[j].ID, Fixed: p.isFixed[j]}
			for _, u := range p.covers[j] {
				if covered[u] {
					continue
				}
				covered[u] = true
				unit := p.in.Units[u]
				o.MarginalWeight += unit.Weight
				o.MarginalPopulation += unit.Population
				if unit.MostDeprived {
					o.MarginalMostDeprivedPopulation += unit.Population
				}
				pp.NewlyCovered = append(pp.NewlyCovered, int(u))
			}
			pp.Sites = append(pp.Sites, o)
			pp.Cost += p.in.Sites[j].Cost
			pp.NewWeight += o.MarginalWeight
			pp.NewPopulation += o.MarginalPopulation
			pp.NewMostDeprivedPopulation += o.MarginalMostDeprivedPopulation
			pl.Order = append(pl.Order, o.ID)
		}
		if t == 0 {
			for _, j := range p.fixed {
				open(j)
			}
		}
		for len(rest) > 0 {
			best, bestGain := -1, -1.0
			for k, j := range rest {
				g := 0.0
				for _, u := range p.covers[j] {
					if !covered[u] {
						g += p.in.Units[u].Weight
					}
				}
				if g > bestGain { // rest is in id order, so ties keep the smaller id
					best, bestGain = k, g
				}
			}
			open(rest[best])
			rest = slices.Delete(rest, best, best+1)
		}
		slices.Sort(pp.NewlyCovered)
		cumW += pp.NewWeight
		cumPop += pp.NewPopulation
		cumMD += pp.NewMostDeprivedPopulation
		pp.CumWeight, pp.CumPopulation, pp.CumMostDeprivedPopulation = cumW, cumPop, cumMD
		pp.WeightShare = share(pp.CumWeight, p.totalWeight)
		pp.PopulationShare = share(pp.CumPopulation, p.totalPop)
		pp.MostDeprivedShare = share(pp.CumMostDeprivedPopulation, p.totalMD)
		pl.AUC += pp.CumWeight * pp.Days
		pp.Summary = p.summary(pp)
		pl.Phases = append(pl.Phases, pp)
	}
	pl.AUCShare = share(pl.AUC, pl.MaxAUC)
	return pl
}

// Reword writes each phase's Summary again with in's wording (Noun,
// WeightName, WeightText), for a caller that has withheld some of the
// plan's figures since it was made from in.
func (pl *Plan) Reword(in Input) {
	p := &problem{totalPop: pl.TotalPopulation, totalMD: pl.TotalMostDeprivedPopulation}
	p.setWording(in)
	for i := range pl.Phases {
		pl.Phases[i].Summary = p.summary(pl.Phases[i])
	}
}

// summary is a phase's line in plain words, e.g. "Phase 2 (1 Apr 2027)
// opens North Shrewsbury: 1,234 more children reached (need weight +2,100);
// 41% of children in the most deprived decile now within reach."
func (p *problem) summary(pp PhasePlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s) ", pp.Label, pp.Start.Format("2 Jan 2006"))
	if len(pp.Sites) == 0 {
		b.WriteString("opens no sites")
	} else {
		ids := make([]string, len(pp.Sites))
		for k, o := range pp.Sites {
			ids[k] = o.ID
		}
		b.WriteString("opens " + joinAnd(ids))
	}
	fmt.Fprintf(&b, ": %s more %s reached (%s +%s); ", formatCount(pp.NewPopulation), p.noun, p.weightName, p.weightText(pp.NewWeight))
	if p.totalMD > 0 {
		fmt.Fprintf(&b, "%s of %s in the most deprived decile now within reach.", formatPercent(pp.MostDeprivedShare), p.noun)
	} else {
		fmt.Fprintf(&b, "%s of all %s now within reach.", formatPercent(pp.PopulationShare), p.noun)
	}
	return b.String()
}

// joinAnd joins words as "a", "a and b" or "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// formatCount formats x rounded to a whole number with thousands
// separators: 1234.6 → "1,235".
func formatCount(x float64) string {
	return withCommas(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
}

// formatNumber formats x with thousands separators, whole from 100 up and
// otherwise to at most two decimals: 12345.6 → "12,346", 52.5 → "52.5".
func formatNumber(x float64) string {
	if math.Abs(x) >= 100 {
		return formatCount(x)
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return withCommas(s)
}

// formatPercent formats a share as a whole percentage: 0.414 → "41 %"
// (with a space, as the rest of placeplan's texts write it).
func formatPercent(s float64) string {
	return strconv.FormatFloat(math.Round(100*s), 'f', 0, 64) + " %"
}

// withCommas puts thousands separators into a decimal number.
func withCommas(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for k, r := range whole {
		if k > 0 && (len(whole)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	if sign == "-" && strings.Trim(b.String(), "0.,") == "" {
		sign = "" // no "-0"
	}
	return sign + b.String()
}
