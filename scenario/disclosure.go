package scenario

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"placeplan"
	"placeplan/scoring/rollout"
	"placeplan/scoring/siting"
)

// Secondary suppression. When demand is a confidential count every figure
// a plan publishes from it is a linear function of the small areas'
// counts: a total, what a site reaches, serves or alone reaches, what a
// phase adds, an area under the curve (days × counts), a site's mean
// travel cost (cost × counts, over what it serves). Primary suppression
// withholds each figure below the threshold, and each small area's own
// count below it. That is not enough: a withheld count can be recovered
// by subtracting published figures from another (a site's served count
// less the published counts of its other areas; the total less the
// covered count), and a small group of areas can be isolated as the
// difference of two published figures over nested sets.
//
// So the figures are audited as vectors over the areas. The targets are
// every withheld figure, every withheld area count, every group of areas
// the published sets cannot tell apart (an atom of their partition) and
// every difference of two nested published sets whose count is below the
// threshold. A target is recoverable when its vector is in the span of the
// published vectors (areas whose own count is published being known). While
// one is, the published figure (or area count) with the least weight in
// its recovery is withheld as well, area counts before cost-weighted
// figures before counts, smallest first. Shares are withheld with the
// figures they are shares of, and the texts are worded again.

// figureClass orders which published figure is withheld first to protect
// a recoverable one.
type figureClass int

const (
	classArea  figureClass = iota // one small area's count
	classCost                     // a cost-weighted sum: not a count, never withheld for its own size
	classCount                    // a count over a set of areas
)

// term is one area's coefficient in a figure.
type term struct {
	area int
	coef float64
}

// figure is one demand figure the plan publishes.
type figure struct {
	name   string
	class  figureClass
	terms  []term     // by area, ascending
	value  float64    // Σ coef × weight
	checks []*float64 // the figure as the plan computed it, to agree with value
	ptrs   []*float64 // where it is published
	rates  []*float64 // what is derived from it, withheld with it

	withheld bool
}

// key identifies the figure's vector, so figures over the same areas with
// the same coefficients are one.
func (f *figure) key() string {
	var b strings.Builder
	for _, t := range f.terms {
		b.WriteString(strconv.Itoa(t.area))
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(t.coef, 'g', 12, 64))
		b.WriteByte(',')
	}
	return b.String()
}

// unit reports whether every coefficient is 1: a count over a set.
func (f *figure) unit() bool {
	for _, t := range f.terms {
		if t.coef != 1 {
			return false
		}
	}
	return true
}

// figureSet gathers a plan's figures, one per vector.
type figureSet struct {
	weights []float64
	list    []*figure
	byKey   map[string]*figure
}

// add records a figure over terms (ascending by area, no zero
// coefficient) published at ptrs, checked against check when not nil;
// it returns the figure, merged with an earlier one of the same vector.
func (fs *figureSet) add(name string, class figureClass, terms []term, check *float64, ptrs ...*float64) *figure {
	f := &figure{name: name, class: class, terms: terms}
	for _, t := range terms {
		f.value += t.coef * fs.weights[t.area]
	}
	k := strconv.Itoa(int(class)) + "|" + f.key()
	if g, ok := fs.byKey[k]; ok {
		f = g
	} else {
		fs.byKey[k] = f
		fs.list = append(fs.list, f)
	}
	if check != nil {
		f.checks = append(f.checks, check)
	}
	f.ptrs = append(f.ptrs, ptrs...)
	return f
}

// set returns the terms of the areas keep selects, each with coefficient 1.
func set(n int, keep func(i int) bool) []term {
	var out []term
	for i := range n {
		if keep(i) {
			out = append(out, term{i, 1})
		}
	}
	return out
}

// withhold applies the plan's disclosure policy to every demand figure
// it publishes, once everything has been computed from them: primary and
// secondary suppression (above), withheld figures and their shares made
// NaN, the texts worded again, and each area's count marked in
// DemandArea.Withheld. net is the network the plan was solved on and in
// the rollout input its phases were sequenced from.
func (r *PlanResult) withhold(net *siting.Network, in rollout.Input, opts siting.ExplainOptions) error {
	if r.Disclosure.MinCount <= 0 {
		return nil
	}
	figs, err := r.figures(net)
	if err != nil {
		return err
	}
	weights := figs.weights
	areaWithheld := make([]bool, len(weights))
	for i, w := range weights {
		areaWithheld[i] = r.Disclosure.Withholds(w)
	}
	targets := auditTargets(figs, areaWithheld, r.Disclosure)
	for _, f := range figs.list {
		f.withheld = f.class != classCost && r.Disclosure.Withholds(f.value)
	}
	if err := secondary(figs, areaWithheld, targets); err != nil {
		return err
	}
	for i := range r.Demand {
		r.Demand[i].Withheld = areaWithheld[i]
	}
	r.audited = figs

	// Secondary figures and the shares of every withheld one become NaN
	// first, so that the texts, worded again, say "fewer than" the
	// threshold for a figure below it and "[withheld]" for the others.
	primary := func(f *figure) bool { return r.Disclosure.Withholds(f.value) && f.class != classCost }
	for _, f := range figs.list {
		if !f.withheld {
			continue
		}
		for _, p := range f.rates {
			*p = math.NaN()
		}
		if !primary(f) {
			for _, p := range f.ptrs {
				*p = math.NaN()
			}
		}
	}
	opts.Amount, opts.Withheld = r.amountText, r.withheldFigure
	siting.Reword(r.Explanation, net, opts)
	in.WeightText = r.amountText
	r.Rollout.Reword(in)
	if ev := r.Evaluation; ev != nil {
		ev.Plan.Reword(in)
	}
	for _, f := range figs.list {
		if f.withheld {
			for _, p := range f.ptrs {
				*p = math.NaN()
			}
		}
	}
	// The flows of the capacitated model are not sums over sets of areas
	// the published figures name; they are withheld below the threshold.
	if r.Model == siting.ModelCapacitated {
		s := r.Selection
		for _, p := range append([]*float64{&s.CoveredWeight, &s.Objective, &s.UpperBound}, ptrsOf(s.Served)...) {
			if r.Disclosure.Withholds(*p) {
				*p = math.NaN()
			}
		}
	}
	return nil
}

func ptrsOf(xs []float64) []*float64 {
	out := make([]*float64, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// withheldFigure reports whether a demand figure is withheld: NaN (made
// so by withhold) or below the threshold.
func (r *PlanResult) withheldFigure(v float64) bool {
	return math.IsNaN(v) || r.Disclosure.Withholds(v)
}

// figures lists every demand figure the plan publishes, with its vector
// over the demand areas, and checks that each vector gives the figure the
// plan computed.
func (r *PlanResult) figures(net *siting.Network) (*figureSet, error) {
	n := len(r.Demand)
	fs := &figureSet{weights: make([]float64, n), byKey: map[string]*figure{}}
	for i, d := range r.Demand {
		fs.weights[i] = d.Weight
	}
	s := r.Selection
	pos := map[int]int{} // candidate index → position in Selected
	byID := map[string]int{}
	for j, c := range net.Candidates {
		byID[c.ID] = j
	}
	for p, id := range s.Selected {
		pos[byID[id]] = p
	}
	reachBy := make([][]bool, len(s.Selected)) // [p][i]: selected site p reaches area i
	for p := range reachBy {
		reachBy[p] = make([]bool, n)
	}
	reachCount := make([]int, n)
	for i := range n {
		for _, a := range net.Reach(i) {
			if p, ok := pos[a.Site]; ok {
				reachBy[p][i] = true
				reachCount[i]++
			}
		}
	}
	plans := []*rollout.Plan{r.Rollout}
	if r.Evaluation != nil {
		plans = append(plans, r.Evaluation.Plan)
	}

	total := fs.add("total", classCount, set(n, func(int) bool { return true }), &r.TotalWeight, &r.TotalWeight, &s.TotalWeight)
	for _, pl := range plans {
		total.ptrs = append(total.ptrs, &pl.TotalWeight)
		total.rates = append(total.rates, &pl.MaxAUC)
	}
	for k := range s.Selected {
		e := &r.Explanation[k]
		served := fs.add("sites["+s.Selected[k]+"].served", classCount, set(n, func(i int) bool { return r.ServedBy[i] == k }), &e.Served, &e.Served)
		if r.Model != siting.ModelCapacitated { // whose Served are flows
			served.checks = append(served.checks, &s.Served[k])
			served.ptrs = append(served.ptrs, &s.Served[k])
		}
		var cost []term
		for i := range n {
			if r.ServedBy[i] == k && r.ServedCost[i] != 0 {
				cost = append(cost, term{i, r.ServedCost[i]})
			}
		}
		served.rates = append(served.rates, &e.MeanCost)
		fs.add("sites["+s.Selected[k]+"].travel", classCost, cost, nil).rates = []*float64{&e.MeanCost}
	}
	if r.Model != siting.ModelCapacitated {
		covered := fs.add("covered", classCount, set(n, func(i int) bool { return r.ServedBy[i] >= 0 }), &s.CoveredWeight, &s.CoveredWeight)
		if !r.Model.Minimises() {
			covered.ptrs = append(covered.ptrs, &s.Objective)
			covered.rates = append(covered.rates, &s.UpperBound)
		}
		if r.Model == siting.ModelPMedian && !math.IsInf(r.Standard, 1) {
			var cost []term
			for i := range n {
				c := r.Standard // an unreached area costs the standard (siting.Problem.UnreachableCost)
				if r.ServedBy[i] >= 0 {
					c = r.ServedCost[i]
				}
				if c != 0 {
					cost = append(cost, term{i, c})
				}
			}
			fs.add("objective", classCost, cost, &s.Objective, &s.Objective).rates = []*float64{&s.LowerBound}
		}
	}
	for p := range r.Explanation {
		e := &r.Explanation[p]
		name := "sites[" + e.ID + "]"
		reach := fs.add(name+".reach", classCount, set(n, func(i int) bool { return reachBy[p][i] }), &e.Reach, &e.Reach)
		reach.rates = append(reach.rates, &e.ReachShare)
		total.rates = append(total.rates, &e.ReachShare)
		fs.add(name+".unique", classCount, set(n, func(i int) bool { return reachBy[p][i] && reachCount[i] == 1 }), &e.Unique, &e.Unique)
		if len(e.Overlaps) > 0 {
			o := &e.Overlaps[0]
			q := slices.Index(s.Selected, o.Site)
			fs.add(name+".overlap", classCount, set(n, func(i int) bool { return reachBy[p][i] && reachBy[q][i] }), &o.Weight, &o.Weight)
		}
		if e.Alternative != "" {
			alt := byID[e.Alternative]
			altReach := make([]bool, n)
			for i := range n {
				for _, a := range net.Reach(i) {
					if a.Site == alt {
						altReach[i] = true
					}
				}
			}
			var loss []term
			for i := range n {
				switch {
				case reachBy[p][i] && reachCount[i] == 1 && !altReach[i]:
					loss = append(loss, term{i, 1})
				case reachCount[i] == 0 && altReach[i]:
					loss = append(loss, term{i, -1})
				}
			}
			fs.add(name+".alternative_loss", classCount, loss, &e.AlternativeLoss, &e.AlternativeLoss)
		}
	}
	for k, pl := range plans {
		name := "rollout"
		if k > 0 {
			name = "evaluation"
		}
		reached := make([]bool, n)
		auc := make([]float64, n)
		for t := range pl.Phases {
			ph := &pl.Phases[t]
			for _, o := range ph.Sites {
				p := slices.Index(s.Selected, o.ID)
				if p < 0 {
					return nil, fmt.Errorf("disclosure: phase %s opens %s, which is not chosen", ph.Label, o.ID)
				}
				m := fs.add(name+"."+ph.Label+"."+o.ID+".marginal", classCount, set(n, func(i int) bool { return reachBy[p][i] && !reached[i] }),
					&o.MarginalWeight)
				for i := range n {
					reached[i] = reached[i] || reachBy[p][i]
				}
				for j := range ph.Sites { // o is a copy: publish through the slice
					if ph.Sites[j].ID == o.ID {
						m.checks = append(m.checks, &ph.Sites[j].MarginalWeight)
						m.ptrs = append(m.ptrs, &ph.Sites[j].MarginalWeight)
					}
				}
			}
			added := fs.add(name+"."+ph.Label+".new", classCount, set(n, func(i int) bool { return slices.Contains(ph.NewlyCovered, i) }),
				&ph.NewWeight, &ph.NewWeight)
			if r.Evaluation != nil && k > 0 {
				for b := range r.Evaluation.Balance {
					if row := &r.Evaluation.Balance[b]; row.Label == ph.Label {
						added.rates = append(added.rates, &row.MeanWeight)
					}
				}
			}
			cum := fs.add(name+"."+ph.Label+".cumulative", classCount, set(n, func(i int) bool { return reached[i] }), &ph.CumWeight, &ph.CumWeight)
			cum.rates = append(cum.rates, &ph.WeightShare)
			total.rates = append(total.rates, &ph.WeightShare)
			for i := range n {
				if reached[i] {
					auc[i] += ph.Days
				}
			}
		}
		var terms []term
		for i, c := range auc {
			if c != 0 {
				terms = append(terms, term{i, c})
			}
		}
		a := fs.add(name+".auc", classCost, terms, &pl.AUC, &pl.AUC)
		a.rates = append(a.rates, &pl.AUCShare, &pl.AUCBound)
		total.rates = append(total.rates, &pl.AUCShare)
	}
	for _, f := range fs.list {
		for _, c := range f.checks {
			if math.Abs(*c-f.value) > 1e-6*math.Max(1, math.Abs(f.value)) {
				return nil, fmt.Errorf("disclosure: %s is %v but its areas sum to %v", f.name, *c, f.value)
			}
		}
	}
	return fs, nil
}

// auditTargets lists the vectors no published combination may give:
// each withheld figure and area count, each atom of the published sets'
// partition and each difference of two nested sets below the threshold.
func auditTargets(fs *figureSet, areaWithheld []bool, d placeplan.Disclosure) [][]term {
	var out [][]term
	seen := map[string]bool{}
	addTarget := func(t []term) {
		k := (&figure{terms: t}).key()
		if len(t) > 0 && !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	for i, w := range areaWithheld {
		if w {
			addTarget([]term{{i, 1}})
		}
	}
	var sets []*figure
	for _, f := range fs.list {
		if f.class != classCost && d.Withholds(f.value) {
			addTarget(f.terms)
		}
		if f.class == classCount && f.unit() {
			sets = append(sets, f)
		}
	}
	// Atoms: areas in the same sets.
	sig := make([][]int, len(fs.weights))
	for k, f := range sets {
		for _, t := range f.terms {
			sig[t.area] = append(sig[t.area], k)
		}
	}
	atoms := map[string][]term{}
	var order []string
	for i, s := range sig {
		k := fmt.Sprint(s)
		if _, ok := atoms[k]; !ok {
			order = append(order, k)
		}
		atoms[k] = append(atoms[k], term{i, 1})
	}
	for _, k := range order {
		var sum float64
		for _, t := range atoms[k] {
			sum += fs.weights[t.area]
		}
		if d.Withholds(sum) {
			addTarget(atoms[k])
		}
	}
	// Slivers: B \ A for published sets A ⊂ B.
	members := make([]map[int]bool, len(sets))
	for k, f := range sets {
		members[k] = make(map[int]bool, len(f.terms))
		for _, t := range f.terms {
			members[k][t.area] = true
		}
	}
	for a, fa := range sets {
		for b, fb := range sets {
			if a == b || len(fa.terms) >= len(fb.terms) || !d.Withholds(fb.value-fa.value) {
				continue
			}
			subset := true
			for _, t := range fa.terms {
				if !members[b][t.area] {
					subset = false
					break
				}
			}
			if subset {
				var diff []term
				for _, t := range fb.terms {
					if !members[a][t.area] {
						diff = append(diff, t)
					}
				}
				addTarget(diff)
			}
		}
	}
	return out
}

// secondary withholds published figures and area counts until no target
// is recoverable from what is left.
func secondary(fs *figureSet, areaWithheld []bool, targets [][]term) error {
	for range len(fs.list) + len(areaWithheld) + 1 {
		// The unknowns: areas with a count that is withheld.
		col := map[int]int{}
		for i, w := range areaWithheld {
			if w && fs.weights[i] != 0 {
				col[i] = len(col)
			}
		}
		var rows []*figure
		for _, f := range fs.list {
			if !f.withheld {
				rows = append(rows, f)
			}
		}
		sp := newSpan(rows, col)
		found := false
		for _, t := range targets {
			c, ok := sp.represent(t)
			if !ok {
				continue
			}
			// The candidates: figures in the representation, and the
			// published areas the target needs beyond them.
			type cand struct {
				f    *figure
				area int
			}
			var cands []cand
			known := map[int]float64{}
			for _, tt := range t {
				if _, unknown := col[tt.area]; !unknown {
					known[tt.area] += tt.coef
				}
			}
			for k, ck := range c {
				if math.Abs(ck) <= 1e-9 {
					continue
				}
				cands = append(cands, cand{f: rows[k], area: -1})
				for _, tt := range rows[k].terms {
					if _, unknown := col[tt.area]; !unknown {
						known[tt.area] -= ck * tt.coef
					}
				}
			}
			for a, v := range known {
				if math.Abs(v) > 1e-9 && fs.weights[a] != 0 {
					cands = append(cands, cand{area: a})
				}
			}
			if len(cands) == 0 {
				return fmt.Errorf("disclosure: a withheld count is recoverable from published area counts alone")
			}
			rank := func(c cand) (figureClass, float64, int) {
				if c.f == nil {
					return classArea, fs.weights[c.area], c.area
				}
				return c.f.class, c.f.value, slices.Index(fs.list, c.f)
			}
			best := slices.MinFunc(cands, func(a, b cand) int {
				ca, va, ia := rank(a)
				cb, vb, ib := rank(b)
				return cmp.Or(cmp.Compare(ca, cb), cmp.Compare(va, vb), cmp.Compare(ia, ib))
			})
			if best.f != nil {
				best.f.withheld = true
			} else {
				areaWithheld[best.area] = true
			}
			found = true
			break
		}
		if !found {
			return nil
		}
	}
	return fmt.Errorf("disclosure: secondary suppression did not settle")
}

// span is the row space of published figures over the unknown areas, in
// reduced row echelon form, with each reduced row as a combination of the
// figures.
type span struct {
	col   map[int]int
	rows  [][]float64 // reduced rows over the unknowns
	pivot []int       // pivot column of each reduced row
	comb  [][]float64 // reduced row r = Σ_k comb[r][k] × figure k
}

func newSpan(figs []*figure, col map[int]int) *span {
	m := len(col)
	sp := &span{col: col}
	a := make([][]float64, len(figs))
	comb := make([][]float64, len(figs))
	for k, f := range figs {
		a[k] = make([]float64, m)
		for _, t := range f.terms {
			if c, ok := col[t.area]; ok {
				a[k][c] = t.coef
			}
		}
		comb[k] = make([]float64, len(figs))
		comb[k][k] = 1
		if mx := maxAbs(a[k]); mx > 0 {
			scale(a[k], 1/mx)
			scale(comb[k], 1/mx)
		}
	}
	r := 0
	for c := 0; c < m && r < len(a); c++ {
		p := -1
		for i := r; i < len(a); i++ {
			if math.Abs(a[i][c]) > 1e-9 && (p < 0 || math.Abs(a[i][c]) > math.Abs(a[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		comb[r], comb[p] = comb[p], comb[r]
		inv := 1 / a[r][c]
		scale(a[r], inv)
		scale(comb[r], inv)
		for i := range a {
			if i != r && a[i][c] != 0 {
				f := a[i][c]
				axpy(a[i], -f, a[r])
				axpy(comb[i], -f, comb[r])
			}
		}
		sp.pivot = append(sp.pivot, c)
		r++
	}
	sp.rows, sp.comb = a[:r], comb[:r]
	return sp
}

// represent reports whether target t (restricted to the unknowns) is in
// the span, with its coefficients over the figures.
func (sp *span) represent(t []term) ([]float64, bool) {
	x := make([]float64, len(sp.col))
	for _, tt := range t {
		if c, ok := sp.col[tt.area]; ok {
			x[c] += tt.coef
		}
	}
	var coef []float64
	if len(sp.comb) > 0 {
		coef = make([]float64, len(sp.comb[0]))
	}
	for r, c := range sp.pivot {
		if f := x[c]; f != 0 {
			axpy(x, -f, sp.rows[r])
			axpy(coef, f, sp.comb[r])
		}
	}
	if maxAbs(x) > 1e-7 {
		return nil, false
	}
	return coef, true
}

func maxAbs(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

func scale(x []float64, f float64) {
	for i := range x {
		x[i] *= f
	}
}

func axpy(y []float64, a float64, x []float64) {
	for i := range y {
		y[i] += a * x[i]
	}
}
