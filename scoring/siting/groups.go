package siting

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"placeplan"
)

// Group is a fairness constraint: at least Min of the open sites must be
// among Sites (for example, at least one team in each of Oxfordshire's North,
// Central and South areas). Groups may overlap; fixed sites count toward
// them and excluded sites never do.
type Group struct {
	Name  string
	Sites []string // candidate site ids
	Min   int      // open sites required among Sites, ≥ 0
}

// maxGroupStates caps the dynamic programme that decides whether
// overlapping groups can still be met (see groupState.needed): the product
// over a cluster of overlapping groups of (Min+1), times its membership
// patterns.
const maxGroupStates = 1 << 22

// groupSet is the validated form of Problem.Groups, keeping only groups
// with Min > 0. Sites are classified by their membership pattern ("type"):
// for feasibility only how many free sites of each type remain matters.
type groupSet struct {
	names      []string
	min        []int
	of         [][]int32        // groups of each candidate, ascending; empty if excluded
	typeOf     []int32          // membership type of each free candidate; -1 if in no group or not free
	types      [][]int32        // groups of each type, ascending
	local      []int32          // index of each group within its cluster
	clusters   [][]int32        // groups of each cluster of overlapping groups
	clusterTyp [][]int32        // types of each cluster, most groups first
	conflict   [][]bool         // per cluster, [a*len+b]: local groups a and b share a type
	cache      []map[string]int // per cluster: clusterNeed's answers by deficits and capped availability
	fixedCount []int            // fixed sites in each group
	availInit  []int            // free sites of each type
}

// Limits of the cluster searches: nodes of the branch and bound before the
// exact dynamic programme takes over, and cached cluster answers.
const (
	groupSearchNodes = 20_000
	groupCacheSize   = 1 << 16
)

// newGroupSet validates groups against the instance's candidates (index
// maps site id to candidate) and returns nil when no group asks for a site.
func newGroupSet(groups []Group, index map[string]int32, in *instance) (*groupSet, error) {
	names := make(map[string]bool, len(groups))
	type kept struct {
		name  string
		min   int
		sites []int32
	}
	var keep []kept
	for k, g := range groups {
		switch {
		case g.Name == "":
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: group %d has no name", k+1)
		case names[g.Name]:
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: duplicate group name %q", g.Name)
		case g.Min < 0:
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: group %q: minimum %d is negative", g.Name, g.Min)
		}
		names[g.Name] = true
		seen := make(map[int32]bool, len(g.Sites))
		var sites []int32
		for _, id := range g.Sites {
			j, ok := index[id]
			if !ok {
				return nil, placeplan.Errorf(placeplan.EINVALID, "siting: group %q: site %q is not a candidate", g.Name, id)
			}
			if seen[j] {
				return nil, placeplan.Errorf(placeplan.EINVALID, "siting: group %q lists site %q twice", g.Name, id)
			}
			seen[j] = true
			if !in.excluded[j] {
				sites = append(sites, j)
			}
		}
		if g.Min > len(sites) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: group %q needs %d open sites but has only %d that are not excluded", g.Name, g.Min, len(sites))
		}
		if g.Min > 0 {
			keep = append(keep, kept{g.Name, g.Min, sites})
		}
	}
	if len(keep) == 0 {
		return nil, nil
	}

	gs := &groupSet{of: make([][]int32, in.nc), typeOf: make([]int32, in.nc)}
	for g, k := range keep {
		gs.names = append(gs.names, k.name)
		gs.min = append(gs.min, k.min)
		for _, j := range k.sites {
			gs.of[j] = append(gs.of[j], int32(g)) // ascending: g increases
		}
	}
	gs.fixedCount = make([]int, len(keep))
	for _, j := range in.fixed {
		for _, g := range gs.of[j] {
			gs.fixedCount[g]++
		}
	}

	// Membership types of the free sites, numbered in site id order.
	for j := range gs.typeOf {
		gs.typeOf[j] = -1
	}
	typeIndex := map[string]int32{}
	var key []byte
	for _, j := range in.free {
		if len(gs.of[j]) == 0 {
			continue
		}
		key = key[:0]
		for _, g := range gs.of[j] {
			key = binary.AppendUvarint(key, uint64(g))
		}
		t, ok := typeIndex[string(key)]
		if !ok {
			t = int32(len(gs.types))
			typeIndex[string(key)] = t
			gs.types = append(gs.types, gs.of[j])
			gs.availInit = append(gs.availInit, 0)
		}
		gs.typeOf[j] = t
		gs.availInit[t]++
	}

	// Clusters: groups linked by a shared free site. The fewest sites that
	// meet every group is the sum over clusters.
	parent := make([]int32, len(keep))
	for g := range parent {
		parent[g] = int32(g)
	}
	find := func(g int32) int32 {
		for parent[g] != g {
			parent[g] = parent[parent[g]]
			g = parent[g]
		}
		return g
	}
	for _, ts := range gs.types {
		for _, g := range ts[1:] {
			if a, b := find(ts[0]), find(g); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	clusterOf := make([]int32, len(keep))
	gs.local = make([]int32, len(keep))
	rootCluster := map[int32]int32{}
	for g := range keep {
		r := find(int32(g))
		c, ok := rootCluster[r]
		if !ok {
			c = int32(len(gs.clusters))
			rootCluster[r] = c
			gs.clusters = append(gs.clusters, nil)
		}
		clusterOf[g] = c
		gs.local[g] = int32(len(gs.clusters[c]))
		gs.clusters[c] = append(gs.clusters[c], int32(g))
	}
	gs.clusterTyp = make([][]int32, len(gs.clusters))
	gs.conflict = make([][]bool, len(gs.clusters))
	gs.cache = make([]map[string]int, len(gs.clusters))
	for c, members := range gs.clusters {
		gs.conflict[c] = make([]bool, len(members)*len(members))
		gs.cache[c] = map[string]int{}
	}
	for t, ts := range gs.types {
		c := clusterOf[ts[0]]
		gs.clusterTyp[c] = append(gs.clusterTyp[c], int32(t))
		size := len(gs.clusters[c])
		for _, a := range ts {
			for _, b := range ts {
				gs.conflict[c][int(gs.local[a])*size+int(gs.local[b])] = true
			}
		}
	}
	for _, ts := range gs.clusterTyp {
		sort.SliceStable(ts, func(a, b int) bool { return len(gs.types[ts[a]]) > len(gs.types[ts[b]]) })
	}
	for c, members := range gs.clusters {
		states := float64(len(gs.clusterTyp[c]) + 1)
		for _, g := range members {
			states *= float64(gs.min[g] + 1)
		}
		if states > maxGroupStates {
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "siting: groups %s overlap in too many ways to check exactly", gs.list(members, nil))
		}
	}
	return gs, nil
}

// list names groups, with their unmet minimum when deficit is not nil.
func (gs *groupSet) list(groups []int32, deficit func(g int32) int) string {
	var b strings.Builder
	for k, g := range groups {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", gs.names[g])
		if deficit != nil {
			fmt.Fprintf(&b, " (%d more)", deficit(g))
		}
	}
	return b.String()
}

// groupState tracks how many open sites each group has and how many free
// sites of each type remain unopened, during one solver run.
type groupState struct {
	gs    *groupSet
	count []int // open sites per group, fixed ones included
	avail []int // unopened free sites per type

	need    int    // cached needed(); -1 when stale
	typeOK  []int8 // cached allowed() per type for slots typeFor: 0 unknown, 1 yes, 2 no
	typeFor int
}

func (gs *groupSet) state() *groupState {
	return &groupState{
		gs:      gs,
		count:   append([]int(nil), gs.fixedCount...),
		avail:   append([]int(nil), gs.availInit...),
		need:    -1,
		typeOK:  make([]int8, len(gs.types)),
		typeFor: -1,
	}
}

func (st *groupState) stale() { st.need, st.typeFor = -1, -1 }

// open records that free site j has been opened.
func (st *groupState) open(j int32) {
	for _, g := range st.gs.of[j] {
		st.count[g]++
	}
	if t := st.gs.typeOf[j]; t >= 0 {
		st.avail[t]--
	}
	st.stale()
}

// close undoes open.
func (st *groupState) close(j int32) {
	for _, g := range st.gs.of[j] {
		st.count[g]--
	}
	if t := st.gs.typeOf[j]; t >= 0 {
		st.avail[t]++
	}
	st.stale()
}

func (st *groupState) deficit(g int32) int { return max(st.gs.min[g]-st.count[g], 0) }

// unmet lists the groups short of their minimum.
func (st *groupState) unmet() []int32 {
	var out []int32
	for g := range st.gs.min {
		if st.deficit(int32(g)) > 0 {
			out = append(out, int32(g))
		}
	}
	return out
}

const noCover = 1 << 30

// needed returns the fewest further free sites that bring every group to
// its minimum (noCover if no choice of the remaining sites can). It is a set
// multicover problem, solved exactly per cluster by a dynamic programme over
// the membership types and the remaining deficits.
func (st *groupState) needed() int {
	if st.need >= 0 {
		return st.need
	}
	total := 0
	for c := range st.gs.clusters {
		n := st.clusterNeed(c)
		if n >= noCover {
			total = noCover
			break
		}
		total += n
	}
	st.need = total
	return total
}

// clusterNeed returns the fewest free sites that meet cluster c's groups.
// Taking more sites of a type than the largest deficit among its groups
// never helps, so availability is capped there; the answer depends only on
// the deficits and the capped availability, and is cached on them.
func (st *groupState) clusterNeed(c int) int {
	gs := st.gs
	groups, types := gs.clusters[c], gs.clusterTyp[c]
	def := make([]int, len(groups))
	short := false
	for k, g := range groups {
		def[k] = st.deficit(g)
		short = short || def[k] > 0
	}
	if !short {
		return 0
	}
	avail := make([]int, len(types))
	var key []byte
	for _, d := range def {
		key = binary.AppendUvarint(key, uint64(d))
	}
	for k, t := range types {
		for _, g := range gs.types[t] {
			avail[k] = max(avail[k], def[gs.local[g]])
		}
		avail[k] = min(avail[k], st.avail[t])
		key = binary.AppendUvarint(key, uint64(avail[k]))
	}
	if v, ok := gs.cache[c][string(key)]; ok {
		return v
	}
	v, ok := gs.coverSearch(c, def, avail)
	if !ok {
		v = gs.coverDP(c, def, avail)
	}
	if len(gs.cache[c]) >= groupCacheSize {
		clear(gs.cache[c])
	}
	gs.cache[c][string(key)] = v
	return v
}

// coverSearch finds the fewest sites, avail[k] at most of cluster c's k-th
// type, that cover the deficits def by branch and bound: types with the
// most groups first, as many sites as useful first; a node is cut when its
// count plus a lower bound (the deficits of groups that share no type, which
// no one site can serve together) cannot beat the best, or when some group
// can no longer be met. It reports false if it ran out of nodes.
func (gs *groupSet) coverSearch(c int, def, avail []int) (int, bool) {
	groups, types := gs.clusters[c], gs.clusterTyp[c]
	size := len(groups)
	conflict := gs.conflict[c]
	best := noCover
	nodes := 0
	rank := make([]int, size)
	var picked []int
	lower := func(def []int) int {
		for k := range rank {
			rank[k] = k
		}
		sort.Slice(rank, func(a, b int) bool {
			return def[rank[a]] > def[rank[b]] || def[rank[a]] == def[rank[b]] && rank[a] < rank[b]
		})
		picked = picked[:0]
		lb := 0
	next:
		for _, a := range rank {
			if def[a] == 0 {
				break
			}
			for _, b := range picked {
				if conflict[a*size+b] {
					continue next
				}
			}
			picked = append(picked, a)
			lb += def[a]
		}
		return lb
	}
	// left[k*size+g]: sites of types k.. serving local group g.
	left := make([]int, (len(types)+1)*size)
	for k := len(types) - 1; k >= 0; k-- {
		copy(left[k*size:(k+1)*size], left[(k+1)*size:(k+2)*size])
		for _, g := range gs.types[types[k]] {
			left[k*size+int(gs.local[g])] += avail[k]
		}
	}
	bufs := make([][]int, len(types)+1)
	for k := range bufs {
		bufs[k] = make([]int, size)
	}
	var rec func(k int, def []int, used int)
	rec = func(k int, def []int, used int) {
		if nodes > groupSearchNodes {
			return
		}
		nodes++
		for g, d := range def {
			if d > left[k*size+g] {
				return
			}
		}
		lb := lower(def)
		if lb == 0 {
			best = min(best, used)
			return
		}
		if used+lb >= best || k == len(types) {
			return
		}
		hi := 0
		for _, g := range gs.types[types[k]] {
			hi = max(hi, def[gs.local[g]])
		}
		next := bufs[k+1]
		for n := min(hi, avail[k]); n >= 0; n-- {
			copy(next, def)
			for _, g := range gs.types[types[k]] {
				next[gs.local[g]] = max(next[gs.local[g]]-n, 0)
			}
			rec(k+1, next, used+n)
		}
	}
	rec(0, append(bufs[0][:0], def...), 0)
	return best, nodes <= groupSearchNodes
}

// coverDP is coverSearch's exact fallback: a dynamic programme over the
// types and the remaining deficits, at most maxGroupStates states.
func (gs *groupSet) coverDP(c int, def, avail []int) int {
	types := gs.clusterTyp[c]
	memo := map[string]int{}
	var key []byte
	encode := func(k int, def []int) string {
		key = binary.AppendUvarint(key[:0], uint64(k))
		for _, d := range def {
			key = binary.AppendUvarint(key, uint64(d))
		}
		return string(key)
	}
	var rec func(k int, def []int) int
	rec = func(k int, def []int) int {
		done := true
		for _, d := range def {
			if d > 0 {
				done = false
				break
			}
		}
		if done {
			return 0
		}
		if k == len(types) {
			return noCover
		}
		if v, ok := memo[encode(k, def)]; ok {
			return v
		}
		t := types[k]
		hi := 0
		for _, g := range gs.types[t] {
			hi = max(hi, def[gs.local[g]])
		}
		best := noCover
		next := make([]int, len(def))
		for n := min(hi, avail[k]); n >= 0; n-- {
			copy(next, def)
			for _, g := range gs.types[t] {
				next[gs.local[g]] = max(next[gs.local[g]]-n, 0)
			}
			if v := rec(k+1, next); v < noCover && n+v < best {
				best = n + v
			}
		}
		memo[encode(k, def)] = best
		return best
	}
	return rec(0, def)
}

// allowed reports whether opening free site j, with slots free slots left
// (j's included), still lets the groups be met with the slots that remain.
// Opening a site never raises needed(), so while needed() < slots every site
// is allowed; when needed() = slots only sites that belong to some fewest
// completion are.
func (st *groupState) allowed(j int32, slots int) bool {
	if st.needed() <= slots-1 {
		return true
	}
	t := st.gs.typeOf[j]
	if t < 0 {
		return false
	}
	if st.typeFor != slots {
		clear(st.typeOK)
		st.typeFor = slots
	}
	if st.typeOK[t] == 0 {
		need, typeFor := st.need, st.typeFor
		st.open(j)
		ok := st.needed() <= slots-1
		st.close(j)
		st.need, st.typeFor = need, typeFor
		st.typeOK[t] = 2
		if ok {
			st.typeOK[t] = 1
		}
	}
	return st.typeOK[t] == 1
}

// swapOK reports whether closing open site out and opening site in keeps
// every group at its minimum.
func (st *groupState) swapOK(out, in int32) bool {
	for _, g := range st.gs.of[out] {
		if st.count[g]-1 < st.gs.min[g] && !hasGroup(st.gs.of[in], g) {
			return false
		}
	}
	return true
}

func hasGroup(groups []int32, g int32) bool {
	for _, h := range groups {
		if h == g {
			return true
		}
	}
	return false
}

// suffixCounts returns, for each position pos of order and each group g,
// the number of sites of order[pos:] in g, at [pos*len(groups)+g].
func (gs *groupSet) suffixCounts(order []int32) []int32 {
	ng := len(gs.min)
	suf := make([]int32, (len(order)+1)*ng)
	for pos := len(order) - 1; pos >= 0; pos-- {
		copy(suf[pos*ng:(pos+1)*ng], suf[(pos+1)*ng:(pos+2)*ng])
		for _, g := range gs.of[order[pos]] {
			suf[pos*ng+int(g)]++
		}
	}
	return suf
}

// canComplete is a quick necessary test for search: with slots sites still
// to choose from order[pos:], each group's deficit must fit in both.
func (st *groupState) canComplete(suf []int32, pos, slots int) bool {
	ng := len(st.gs.min)
	for g, m := range st.gs.min {
		if d := m - st.count[g]; d > 0 && (d > slots || d > int(suf[pos*ng+g])) {
			return false
		}
	}
	return true
}

// checkGroups refuses a p whose free slots cannot meet the groups.
func (in *instance) checkGroups(p int) error {
	if in.groups == nil {
		return nil
	}
	st := in.groups.state()
	need := st.needed()
	if need <= in.k {
		return nil
	}
	short := st.unmet()
	return placeplan.Errorf(placeplan.EINVALID, "siting: p = %d is too small for the group minimums: groups %s need %d sites besides the %d fixed, but p leaves %d",
		p, in.groups.list(short, st.deficit), need, len(in.fixed), in.k)
}

// groupNeed returns the fewest free sites that meet the groups.
func (in *instance) groupNeed() int {
	if in.groups == nil {
		return 0
	}
	return in.groups.state().needed()
}

// feasiblePick returns the fixed sites and then k free sites taken in the
// order given, skipping any that would leave the groups unmeetable.
func (in *instance) feasiblePick(order []int32) []int32 {
	sites := append(make([]int32, 0, len(in.fixed)+in.k), in.fixed...)
	if in.groups == nil {
		return append(sites, order[:in.k]...)
	}
	st := in.groups.state()
	taken := make([]bool, len(order))
	start := 0
	for slots := in.k; slots > 0; slots-- {
		for start < len(order) && taken[start] {
			start++
		}
		for q := start; q < len(order); q++ {
			if !taken[q] && st.allowed(order[q], slots) {
				taken[q] = true
				st.open(order[q])
				sites = append(sites, order[q])
				break
			}
		}
	}
	return sites
}
