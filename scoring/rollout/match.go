package rollout

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// MatchOptions configures ComparisonAreas.
type MatchOptions struct {
	PerTreated int     // comparison units per newly reached unit; 0 = 1
	Caliper    float64 // largest distance accepted, in pooled standard deviations; 0 = no limit
}

// Metric names the distance used to match on the profile.
type Metric string

// The metrics. Mahalanobis uses the covariance of the profile over the
// phase's treated and candidate comparison units; when that covariance is
// singular (or nearly so), matching falls back to the Euclidean distance
// between profiles each standardised by its standard deviation, leaving out
// variables that do not vary.
const (
	Mahalanobis           Metric = "Mahalanobis"
	StandardisedEuclidean Metric = "standardised Euclidean"
)

// BalancedSMD is the conventional threshold: a variable is balanced when its
// |standardised mean difference| is below it.
const BalancedSMD = 0.1

// Match pairs a newly reached unit with a comparison unit.
type Match struct {
	Treated  int     // unit index
	Control  int     // unit index
	Distance float64 // in pooled standard deviations
}

// SMD is the standardised mean difference of one profile variable between
// the treated and the comparison units: (treated mean − comparison mean) /
// √((treated variance + comparison variance) / 2), with the variances of
// all treated and all candidate comparison units, so that Before and After
// share a denominator. After weights each comparison unit by 1 / the number
// matched to its treated unit. It is NaN when there is nothing to compare,
// ±Inf when the variable is constant within each group but differs.
type SMD struct {
	Name           string
	Before         float64
	After          float64
	BalancedBefore bool // |Before| < BalancedSMD
	BalancedAfter  bool // |After| < BalancedSMD
}

// Comparison is the matched comparison for one phase: the units it newly
// reaches ("treated") against units not reached by its end.
type Comparison struct {
	Phase     int // 0-based
	Label     string
	Treated   []int // units newly reached in the phase, ascending
	Controls  int   // candidate comparison units: not reached by the end of the phase
	Metric    Metric
	Pairs     []Match // by treated unit, then distance
	Unmatched []int   // treated units with no comparison unit (none left, or none within the caliper)
	Balance   []SMD   // per profile variable
	Balanced  bool    // every profile variable balanced after matching
	Summary   string  // one line in plain words
}

// ComparisonAreas matches, for each phase of plan, each unit the phase
// newly reaches to the nearest units not yet reached by the end of the
// phase, on the units' Profile. Matching is greedy nearest neighbour without
// replacement within a phase: in each of PerTreated rounds the closest
// remaining pairs are taken first (ties by treated, then control index),
// each treated unit gaining at most one comparison unit per round. in must
// be the input plan was made from, with a non-empty Profile.
func ComparisonAreas(in Input, plan *Plan, opts MatchOptions) ([]Comparison, error) {
	p, err := newProblem(in)
	if err != nil {
		return nil, err
	}
	phaseOf, err := p.phaseOfPlan(plan)
	if err != nil {
		return nil, err
	}
	if len(p.profileNames) == 0 {
		return nil, invalid("the units have no Profile to match on")
	}
	if opts.PerTreated < 0 {
		return nil, invalid("PerTreated %d is negative", opts.PerTreated)
	}
	if opts.PerTreated == 0 {
		opts.PerTreated = 1
	}
	if !finiteNonNeg(opts.Caliper) {
		return nil, invalid("caliper %v: want a finite number ≥ 0", opts.Caliper)
	}
	first := make([]int, p.nu)
	for u := range first {
		first[u] = p.firstPhase(u, phaseOf)
	}
	out := make([]Comparison, p.np)
	for t := range p.np {
		c := Comparison{Phase: t, Label: p.labels[t]}
		var controls []int
		for u, f := range first {
			switch {
			case f == t:
				c.Treated = append(c.Treated, u)
			case f < 0 || f > t:
				controls = append(controls, u)
			}
		}
		c.Controls = len(controls)
		p.match(&c, controls, opts)
		out[t] = c
	}
	return out, nil
}

// match fills in c's pairs, balance and summary.
func (p *problem) match(c *Comparison, controls []int, opts MatchOptions) {
	dims := len(p.profileNames)
	c.Metric = Mahalanobis
	if len(c.Treated) > 0 && len(controls) > 0 {
		w, metric := p.metric(slices.Concat(c.Treated, controls))
		c.Metric = metric
		diff := make([]float64, dims)
		// Taking the closest remaining pair each time, lazily: each
		// treated unit's nearest available control waits in a heap, and is
		// looked for afresh when another took it first.
		got := make([]int, len(c.Treated))
		used := make([]bool, len(controls))
		nearest := func(i int) (pair, bool) {
			best := pair{d: math.Inf(1), i: i, j: -1}
			for j, u := range controls {
				if used[j] {
					continue
				}
				if d := distance(w, p.in.Units[c.Treated[i]].Profile, p.in.Units[u].Profile, diff); d < best.d && (opts.Caliper == 0 || d <= opts.Caliper) {
					best.d, best.j = d, j
				}
			}
			return best, best.j >= 0
		}
		for round := 1; round <= opts.PerTreated; round++ {
			var h pairHeap
			for i := range c.Treated {
				if got[i] == round-1 {
					if pr, ok := nearest(i); ok {
						h.push(pr)
					}
				}
			}
			for len(h) > 0 {
				pr := h.pop()
				if used[pr.j] {
					if pr, ok := nearest(pr.i); ok {
						h.push(pr)
					}
					continue
				}
				got[pr.i]++
				used[pr.j] = true
				c.Pairs = append(c.Pairs, Match{Treated: c.Treated[pr.i], Control: controls[pr.j], Distance: pr.d})
			}
		}
		slices.SortStableFunc(c.Pairs, func(a, b Match) int { return cmp.Compare(a.Treated, b.Treated) })
		for i, u := range c.Treated {
			if got[i] == 0 {
				c.Unmatched = append(c.Unmatched, u)
			}
		}
	} else {
		c.Unmatched = slices.Clone(c.Treated)
	}

	// Balance before and after.
	matches := map[int]int{}
	for _, m := range c.Pairs {
		matches[m.Treated]++
	}
	c.Balanced = len(c.Pairs) > 0
	for k := range dims {
		x := func(u int) float64 { return p.in.Units[u].Profile[k] }
		mt, vt := meanVar(c.Treated, x, nil)
		mc, vc := meanVar(controls, x, nil)
		sd := math.Sqrt((vt + vc) / 2)
		s := SMD{Name: p.profileNames[k], Before: smd(mt-mc, sd, len(c.Treated) > 0 && len(controls) > 0), After: math.NaN()}
		if len(c.Pairs) > 0 {
			ts := slices.Sorted(maps.Keys(matches))
			var cs []int
			var cw []float64
			for _, m := range c.Pairs {
				cs = append(cs, m.Control)
				cw = append(cw, 1/float64(matches[m.Treated]))
			}
			mt2, _ := meanVar(ts, x, nil)
			mc2, _ := meanVar(cs, x, cw)
			s.After = smd(mt2-mc2, sd, true)
		}
		s.BalancedBefore = math.Abs(s.Before) < BalancedSMD
		s.BalancedAfter = math.Abs(s.After) < BalancedSMD
		c.Balanced = c.Balanced && s.BalancedAfter
		c.Balance = append(c.Balance, s)
	}
	c.Summary = p.matchSummary(c)
}

// pair is a candidate match: positions in a comparison's treated and
// control lists.
type pair struct {
	d    float64
	i, j int
}

func (a pair) less(b pair) bool {
	return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j)) < 0
}

// pairHeap is a binary min-heap of pairs by distance, then treated, then
// control position.
type pairHeap []pair

func (h *pairHeap) push(x pair) {
	*h = append(*h, x)
	a := *h
	for k := len(a) - 1; k > 0; {
		up := (k - 1) / 2
		if !a[k].less(a[up]) {
			break
		}
		a[k], a[up] = a[up], a[k]
		k = up
	}
}

func (h *pairHeap) pop() pair {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	for k := 0; ; {
		m, l, r := k, 2*k+1, 2*k+2
		if l < n && a[l].less(a[m]) {
			m = l
		}
		if r < n && a[r].less(a[m]) {
			m = r
		}
		if m == k {
			break
		}
		a[k], a[m] = a[m], a[k]
		k = m
	}
	*h = a
	return top
}

// meanVar returns the (weighted) mean and the unweighted sample variance of
// x over units; NaN mean when there are none, variance 0 below two.
func meanVar(units []int, x func(int) float64, w []float64) (mean, variance float64) {
	if len(units) == 0 {
		return math.NaN(), 0
	}
	sum, sw := 0.0, 0.0
	for k, u := range units {
		wk := 1.0
		if w != nil {
			wk = w[k]
		}
		sum += wk * x(u)
		sw += wk
	}
	mean = sum / sw
	if len(units) < 2 {
		return mean, 0
	}
	plain := 0.0
	for _, u := range units {
		plain += x(u)
	}
	plain /= float64(len(units))
	for _, u := range units {
		variance += (x(u) - plain) * (x(u) - plain)
	}
	return mean, variance / float64(len(units)-1)
}

func smd(diff, sd float64, ok bool) float64 {
	switch {
	case !ok:
		return math.NaN()
	case sd > 0:
		return diff / sd
	case diff == 0:
		return 0
	}
	return math.Copysign(math.Inf(1), diff)
}

// metric returns a lower-triangular matrix W such that the matching
// distance between profiles x and y is |W (x − y)|: the inverse Cholesky
// factor of the covariance of units' profiles (Mahalanobis), or else the
// diagonal of inverse standard deviations, zero for variables that do not
// vary (standardised Euclidean). Applying W to the difference, rather than
// to each profile, keeps equal differences at exactly equal distances.
func (p *problem) metric(units []int) ([][]float64, Metric) {
	dims := len(p.profileNames)
	n := len(units)
	mean := make([]float64, dims)
	for _, u := range units {
		for k, x := range p.in.Units[u].Profile {
			mean[k] += x / float64(n)
		}
	}
	w := make([][]float64, dims)
	for a := range w {
		w[a] = make([]float64, dims)
	}
	if n > dims {
		cov := mat.NewSymDense(dims, nil)
		for a := range dims {
			for b := a; b < dims; b++ {
				s := 0.0
				for _, u := range units {
					x := p.in.Units[u].Profile
					s += (x[a] - mean[a]) * (x[b] - mean[b])
				}
				cov.SetSym(a, b, s/float64(n-1))
			}
		}
		var chol mat.Cholesky
		if chol.Factorize(cov) && chol.Cond() < 1e10 {
			var l, li mat.TriDense
			chol.LTo(&l)
			if err := li.InverseTri(&l); err == nil {
				for a := range dims {
					for b := 0; b <= a; b++ {
						w[a][b] = li.At(a, b)
					}
				}
				return w, Mahalanobis
			}
		}
	}
	if n > 1 {
		for k := range dims {
			v := 0.0
			for _, u := range units {
				d := p.in.Units[u].Profile[k] - mean[k]
				v += d * d / float64(n-1)
			}
			if v > 0 {
				w[k][k] = 1 / math.Sqrt(v)
			}
		}
	}
	return w, StandardisedEuclidean
}

// distance is |W (x − y)| for lower-triangular W.
func distance(w [][]float64, x, y []float64, diff []float64) float64 {
	for k := range x {
		diff[k] = x[k] - y[k]
	}
	d := 0.0
	for a, row := range w {
		s := 0.0
		for b := 0; b <= a; b++ {
			s += row[b] * diff[b]
		}
		d += s * s
	}
	return math.Sqrt(d)
}

// matchSummary is a comparison's line in plain words.
func (p *problem) matchSummary(c *Comparison) string {
	head := fmt.Sprintf("%s (%s): ", c.Label, p.in.Phases[c.Phase].Start.Format("2 Jan 2006"))
	switch {
	case len(c.Treated) == 0:
		return head + "reaches no new units, so there is nothing to compare."
	case c.Controls == 0:
		return head + fmt.Sprintf("no comparison areas left: every unit is reached by the end of this phase, so its %s newly reached %s cannot be matched.",
			formatCount(float64(len(c.Treated))), plural(len(c.Treated), "unit", "units"))
	}
	matched := len(c.Treated) - len(c.Unmatched)
	var b strings.Builder
	b.WriteString(head)
	fmt.Fprintf(&b, "%s of %s newly reached %s matched to %s of %s not yet reached, by %s distance",
		formatCount(float64(matched)), formatCount(float64(len(c.Treated))), plural(len(c.Treated), "unit", "units"),
		formatCount(float64(len(c.Pairs))), formatCount(float64(c.Controls)), c.Metric)
	if len(c.Unmatched) > 0 {
		fmt.Fprintf(&b, "; %s unmatched", formatCount(float64(len(c.Unmatched))))
	}
	if len(c.Pairs) == 0 {
		b.WriteString("; none within the caliper.")
		return b.String()
	}
	balanced, worst := 0, -1
	for k, s := range c.Balance {
		if s.BalancedAfter {
			balanced++
		}
		if worst < 0 || !(math.Abs(s.After) <= math.Abs(c.Balance[worst].After)) {
			worst = k
		}
	}
	fmt.Fprintf(&b, "; after matching %d of %d profile variables balanced (|SMD| < %g)", balanced, len(c.Balance), BalancedSMD)
	if w := c.Balance[worst]; !w.BalancedAfter {
		fmt.Fprintf(&b, ", worst %s %.2f (%.2f before)", w.Name, w.After, w.Before)
	}
	b.WriteString(".")
	return b.String()
}
