package siting

import (
	"context"
	"math"

	"placeplan"
)

// CapacitatedMCLP solves the maximal covering location problem with site
// capacities: open P sites (the fixed ones included, every group's minimum
// met) to maximise the demand weight served, where demand is served only by
// an open site within the network's standard and a site serves at most its
// Capacity (NaN: no limit; 0: nobody). A demand point may be split
// fractionally across several sites, so the weight served by a set of sites
// is the maximum flow from demand points (supplying their weights) through
// the network's pairs to the open sites (absorbing up to their capacities),
// computed exactly.
//
// The served weight is monotone and submodular in the set of open sites. The
// solvers are those of MCLP: exhaustive search or branch and bound (cut by
// the largest marginal gains) for small instances, lazy greedy and
// Teitz–Bart swaps for large ones. UpperBound is then the least of: the
// served weight plus the largest free marginal gains over the solution; the
// uncapacitated MCLP bound; and the fixed sites' capacities plus the largest
// free capacities, capped by the demand weight within reach. Served gives
// the flow into each selected site.
func CapacitatedMCLP(ctx context.Context, n *Network, pr Problem) (*Result, error) {
	if n == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: no network")
	}
	for _, c := range n.Candidates {
		switch {
		case c.Capacity < 0 || math.IsInf(c.Capacity, -1):
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: site %q: negative capacity %v", c.ID, c.Capacity)
		case math.IsInf(c.Capacity, 1):
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: site %q: infinite capacity; use NaN for a site with no capacity limit", c.ID)
		}
	}
	in, err := newProblem(ctx, n, pr, func(i int, _ Arc) float64 { return n.Demands[i].Weight })
	if err != nil {
		return nil, err
	}
	m := newFlowModel(n, in)
	s, err := solve(in, flowSearch{m}, pr)
	if err != nil {
		return nil, err
	}

	// Report the flow of the chosen sites computed afresh.
	m.reset()
	for _, j := range s.sites {
		m.add(j)
	}
	served := make([]float64, len(s.sites))
	var value float64
	for k, j := range s.sites {
		served[k] = m.load[j]
		value += m.load[j]
	}
	return coverResult(n, in, s, served, value), nil
}

// flowModel keeps a maximum flow from demand points to the open sites and
// updates it as sites open and close. Opening site j augments along paths
// that end at j; closing site a drops its flow and augments from the demand
// points it served. Both restore a maximum flow: any augmenting path after
// opening j must end at j, and any after closing a must start at a demand
// point a served. Changes can be logged and rolled back.
type flowModel struct {
	in     *instance
	w      []float64 // weight of each demand point
	cap    []float64 // each candidate's capacity, at most the weight within its reach
	dDem   []int32   // demand point of each demand-major pair
	x      []float64 // flow on each demand-major pair
	served []float64 // flow out of each demand point
	load   []float64 // flow into each candidate
	open   []bool
	value  float64 // total flow
	tol    float64 // flows below this count as zero

	logging bool
	undo    []flowUndo

	stamp        uint32
	seenD, seenS []uint32
	viaD, viaS   []int32 // the pair by which a search reached each demand point, site
	queue, found []int32
	freed        []int32
}

type flowUndo struct {
	f    *float64
	old  float64
	b    *bool
	oldB bool
}

func newFlowModel(n *Network, in *instance) *flowModel {
	m := &flowModel{
		in:     in,
		w:      make([]float64, in.nd),
		cap:    make([]float64, in.nc),
		dDem:   make([]int32, len(in.dSite)),
		x:      make([]float64, len(in.dSite)),
		served: make([]float64, in.nd),
		load:   make([]float64, in.nc),
		open:   make([]bool, in.nc),
		seenD:  make([]uint32, in.nd),
		seenS:  make([]uint32, in.nc),
		viaD:   make([]int32, in.nd),
		viaS:   make([]int32, in.nc),
	}
	var scale float64
	for i, d := range n.Demands {
		m.w[i] = d.Weight
		scale = math.Max(scale, d.Weight)
		for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
			m.dDem[t] = int32(i)
		}
	}
	for j, c := range n.Candidates {
		var reach float64
		for u := in.cStart[j]; u < in.cStart[j+1]; u++ {
			reach += in.cVal[u]
		}
		m.cap[j] = reach
		if !math.IsNaN(c.Capacity) {
			m.cap[j] = math.Min(c.Capacity, reach)
		}
	}
	m.tol = 1e-10 * scale
	return m
}

func (m *flowModel) reset() {
	clear(m.x)
	clear(m.served)
	clear(m.load)
	clear(m.open)
	m.value = 0
	m.undo = m.undo[:0]
	m.logging = false
}

func (m *flowModel) set(p *float64, v float64) {
	if m.logging {
		m.undo = append(m.undo, flowUndo{f: p, old: *p})
	}
	*p = v
}

func (m *flowModel) setOpen(j int32, v bool) {
	if m.logging {
		m.undo = append(m.undo, flowUndo{b: &m.open[j], oldB: m.open[j]})
	}
	m.open[j] = v
}

// rollback undoes the logged changes after mark.
func (m *flowModel) rollback(mark int) {
	for u := len(m.undo) - 1; u >= mark; u-- {
		if e := m.undo[u]; e.f != nil {
			*e.f = e.old
		} else {
			*e.b = e.oldB
		}
	}
	m.undo = m.undo[:mark]
}

// add opens site j and returns the gain in flow.
func (m *flowModel) add(j int32) float64 {
	m.setOpen(j, true)
	g := m.augmentTo(j)
	m.set(&m.value, m.value+g)
	return g
}

// remove closes site a and returns the change in flow (≤ 0).
func (m *flowModel) remove(a int32) float64 {
	in := m.in
	before := m.value
	m.setOpen(a, false)
	m.freed = m.freed[:0]
	for u := in.cStart[a]; u < in.cStart[a+1]; u++ {
		if t := in.cArc[u]; m.x[t] > 0 {
			i := in.cDem[u]
			m.set(&m.served[i], math.Max(m.served[i]-m.x[t], 0))
			m.set(&m.x[t], 0)
			m.freed = append(m.freed, i)
		}
	}
	lost := m.load[a]
	m.set(&m.load[a], 0)
	got := m.augmentFrom(m.freed)
	m.set(&m.value, before-lost+got)
	return m.value - before
}

// gain returns the flow that opening j would add, leaving the flow as it was.
func (m *flowModel) gain(j int32) float64 {
	logging := m.logging
	m.logging = true
	mark := len(m.undo)
	g := m.add(j)
	m.rollback(mark)
	m.logging = logging
	return g
}

// augmentTo pushes flow into the newly opened site j until it is full or no
// residual path reaches it. Each round searches backwards from j, breadth
// first: into j along any pair, from a demand point back to a site that
// serves it (cancelling that flow), until demand points with weight to spare
// are met; it then augments along every tree path found. The first path of
// a round always carries more than tol, so rounds end.
func (m *flowModel) augmentTo(j int32) float64 {
	in := m.in
	var total float64
	for m.cap[j]-m.load[j] > m.tol {
		m.stamp++
		m.seenS[j] = m.stamp
		m.queue = append(m.queue[:0], j)
		m.found = m.found[:0]
		for h := 0; h < len(m.queue); h++ {
			a := m.queue[h]
			for u := in.cStart[a]; u < in.cStart[a+1]; u++ {
				i := in.cDem[u]
				if m.seenD[i] == m.stamp {
					continue
				}
				m.seenD[i] = m.stamp
				m.viaD[i] = in.cArc[u] // i sends along this pair to a
				if m.w[i]-m.served[i] > m.tol {
					m.found = append(m.found, i)
				}
				for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
					if b := in.dSite[t]; m.x[t] > m.tol && m.seenS[b] != m.stamp {
						m.seenS[b] = m.stamp
						m.viaS[b] = t // b gives up flow on this pair to i
						m.queue = append(m.queue, b)
					}
				}
			}
		}
		if len(m.found) == 0 {
			break
		}
		for _, i0 := range m.found {
			room := m.cap[j] - m.load[j]
			if room <= m.tol {
				break
			}
			d := math.Min(room, m.w[i0]-m.served[i0])
			for i := i0; ; {
				a := in.dSite[m.viaD[i]]
				if a == j {
					break
				}
				t := m.viaS[a]
				d = math.Min(d, m.x[t])
				i = m.dDem[t]
			}
			if d <= m.tol {
				continue
			}
			m.set(&m.served[i0], m.served[i0]+d)
			for i := i0; ; {
				t := m.viaD[i]
				m.set(&m.x[t], m.x[t]+d)
				a := in.dSite[t]
				if a == j {
					break
				}
				t = m.viaS[a]
				m.set(&m.x[t], m.x[t]-d)
				i = m.dDem[t]
			}
			m.set(&m.load[j], m.load[j]+d)
			total += d
		}
	}
	return total
}

// augmentFrom pushes flow from the demand points starts (those with weight to
// spare) to open sites with room, searching forwards breadth first: from a
// demand point to any open site in reach, from a full site back to a demand
// point it serves (which may then go elsewhere).
func (m *flowModel) augmentFrom(starts []int32) float64 {
	in := m.in
	var total float64
	for {
		m.stamp++
		m.queue = m.queue[:0]
		for _, i := range starts {
			if m.seenD[i] != m.stamp && m.w[i]-m.served[i] > m.tol {
				m.seenD[i] = m.stamp
				m.viaD[i] = -1
				m.queue = append(m.queue, i)
			}
		}
		m.found = m.found[:0]
		for h := 0; h < len(m.queue); h++ {
			i := m.queue[h]
			for t := in.dStart[i]; t < in.dStart[i+1]; t++ {
				a := in.dSite[t]
				if !m.open[a] || m.seenS[a] == m.stamp {
					continue
				}
				m.seenS[a] = m.stamp
				m.viaS[a] = t // i sends along this pair to a
				if m.cap[a]-m.load[a] > m.tol {
					m.found = append(m.found, a)
				}
				for u := in.cStart[a]; u < in.cStart[a+1]; u++ {
					i2, t2 := in.cDem[u], in.cArc[u]
					if m.x[t2] > m.tol && m.seenD[i2] != m.stamp {
						m.seenD[i2] = m.stamp
						m.viaD[i2] = t2 // a gives up flow on this pair from i2
						m.queue = append(m.queue, i2)
					}
				}
			}
		}
		if len(m.found) == 0 {
			break
		}
		for _, a0 := range m.found {
			d := m.cap[a0] - m.load[a0]
			for a := a0; ; {
				i := m.dDem[m.viaS[a]]
				t := m.viaD[i]
				if t < 0 {
					d = math.Min(d, m.w[i]-m.served[i])
					break
				}
				d = math.Min(d, m.x[t])
				a = in.dSite[t]
			}
			if d <= m.tol {
				continue
			}
			m.set(&m.load[a0], m.load[a0]+d)
			for a := a0; ; {
				t := m.viaS[a]
				m.set(&m.x[t], m.x[t]+d)
				i := m.dDem[t]
				if t = m.viaD[i]; t < 0 {
					m.set(&m.served[i], m.served[i]+d)
					break
				}
				m.set(&m.x[t], m.x[t]-d)
				a = in.dSite[t]
			}
			total += d
		}
	}
	return total
}

// flowSearch is the capacitated model's searcher: the flow model, logging
// every change while a search runs so that it can roll back.
type flowSearch struct{ *flowModel }

var _ model = flowSearch{}

func (f flowSearch) reset() {
	f.flowModel.reset()
	f.logging = true
}

// policy gives the capacitated model a smaller node budget (each node
// updates a maximum flow) and branch and bound before greedy+swap.
func (flowSearch) policy() policy { return policy{maxNodes: DefaultCapacitatedMaxNodes} }

func (f flowSearch) open(j int32) float64 { return f.add(j) }
func (f flowSearch) mark() int            { return len(f.undo) }

// evaluate returns the maximum flow into sites, leaving the model holding it.
func (f flowSearch) evaluate(sites []int32) float64 {
	f.flowModel.reset()
	for _, j := range sites {
		f.add(j)
	}
	return f.value
}

// greedy is instance.greedy for the flow: lazy greedy over marginal gains,
// keeping the groups meetable. It leaves the model holding the flow of the
// sites chosen.
func (m *flowModel) greedy() solution {
	m.reset()
	sites := m.in.lazyGreedy(m.gain, func(j int32) { m.add(j) })
	return solution{sites: sites, value: m.value, solver: GreedySwap}
}

// swap is Teitz–Bart vertex substitution for the flow, starting from the
// sites the model holds: each unchosen free site in id order replaces the
// chosen free site whose removal gives the largest improvement among the
// swaps that keep the groups met, until a pass improves nothing. Swapping
// a for j gains at most j's marginal gain, and at most j's capacity less
// a's loss, so other pairs are not evaluated.
func (m *flowModel) swap(start []int32) []int32 {
	in := m.in
	sites := append([]int32(nil), start...)
	nfixed := len(in.fixed)
	var st *groupState
	if in.groups != nil {
		st = in.groups.state()
		for _, j := range sites[nfixed:] {
			st.open(j)
		}
	}
	loss := make([]float64, len(sites))
	losses := func() {
		m.logging = true
		for p := nfixed; p < len(sites); p++ {
			mark := len(m.undo)
			loss[p] = -m.remove(sites[p])
			m.rollback(mark)
		}
		m.logging = false
	}
	const maxPasses = 100
	for pass, improved := 0, true; improved && pass < maxPasses && in.k > 0 && !in.stopped(); pass++ {
		improved = false
		losses()
		for _, j := range in.free {
			if m.open[j] {
				continue
			}
			if in.stopped() {
				break
			}
			m.logging = true
			mark := len(m.undo)
			base := m.value
			g := m.add(j)
			bestP, bestDelta := -1, in.eps
			for p := nfixed; p < len(sites) && g > bestDelta; p++ {
				if st != nil && !st.swapOK(sites[p], j) {
					continue
				}
				if m.cap[j]-loss[p] < bestDelta {
					continue
				}
				mark2 := len(m.undo)
				m.remove(sites[p])
				d := m.value - base
				m.rollback(mark2)
				if d > bestDelta || d == bestDelta && bestP >= 0 && in.rank[sites[p]] < in.rank[sites[bestP]] {
					bestP, bestDelta = p, d
				}
			}
			m.rollback(mark)
			m.logging = false
			if bestP >= 0 {
				m.add(j)
				m.remove(sites[bestP])
				if st != nil {
					st.close(sites[bestP])
					st.open(j)
				}
				sites[bestP] = j
				improved = true
				losses()
			}
		}
	}
	return sites
}

// greedySwap runs lazy greedy and swaps, then bounds the optimum. Once the
// caller's context is done it returns what it has, which solve discards.
func (m *flowModel) greedySwap(pr Problem) solution {
	s := m.greedy()
	if m.in.stopped() {
		return s
	}
	s.sites = m.swap(s.sites)
	s.value = m.value
	if m.in.stopped() {
		return s
	}
	s.bound = m.bound(s.sites, pr.LagrangianIterations)
	s.provenOptimal = m.in.proves(s.value, s.bound)
	return s
}

// bound returns the least of three upper bounds on the optimum, given any
// p sites S (fixed ones first) whose flow the model holds. Each is valid
// without the groups and so with them (a relaxation):
//   - f(S) + the k largest marginal gains over S (f is submodular);
//   - the uncapacitated MCLP bound: its coverage of S plus its k largest
//     gains, or its Lagrangian bound, since capacities only lower coverage;
//   - the fixed capacities plus the k largest free ones, capped by the
//     weight of demand with any site in reach.
//
// It returns +Inf, no bound, once the caller's context is done.
func (m *flowModel) bound(sites []int32, iters int) float64 {
	in := m.in
	var flowGains, coverGains, caps []float64
	cur := make([]float64, in.nd)
	var covered float64 // uncapacitated coverage of S
	for _, j := range sites {
		covered += in.apply(j, cur, nil)
	}
	for _, j := range in.free {
		if in.stopped() {
			return math.Inf(1)
		}
		if !m.open[j] {
			flowGains = append(flowGains, m.gain(j))
			coverGains = append(coverGains, in.gain(j, cur))
			caps = append(caps, m.cap[j])
		}
	}
	for _, j := range sites[len(in.fixed):] {
		caps = append(caps, m.cap[j])
	}
	b := m.value + topSum(flowGains, in.k)

	unc := covered + topSum(coverGains, in.k)
	if lag, _, _ := in.lagrangian(iters, covered); lag < unc {
		unc = lag
	}
	b = math.Min(b, unc)

	var capBound, reach float64
	for _, j := range in.fixed {
		capBound += m.cap[j]
	}
	capBound += topSum(caps, in.k)
	for i := 0; i < in.nd; i++ {
		if in.dStart[i+1] > in.dStart[i] {
			reach += m.w[i]
		}
	}
	return math.Min(b, math.Min(capBound, reach))
}
