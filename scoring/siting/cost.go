// Package siting chooses where to put services: it builds a sparse travel-cost
// network between demand points and candidate sites and solves the classic
// location models over it — the maximal covering location problem (MCLP),
// its capacitated form, the p-median problem and the location set covering
// problem (LSCP), each with optional fairness groups (at least so many sites
// in each area) — with exact solvers for small instances and greedy plus
// vertex-substitution heuristics, with upper or lower bounds, for large ones.
//
// Coordinates are WGS84 (EPSG:4326) lon,lat. Travel cost is the great-circle
// (haversine) distance times a circuity factor, optionally divided by a speed
// to give minutes, or comes from an imported origin–destination matrix.
// Everything is deterministic: ties are broken by site id.
package siting

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/tidwall/rtree"

	"placeplan"
)

// The travel defaults: the ratio of road distance to great-circle distance
// when CostOptions.Circuity or Travel.Circuity is zero, and the average
// road speed that turns distance into minutes when Travel.SpeedKmh is.
const (
	DefaultCircuity = 1.3
	DefaultSpeedKmh = 40.0
)

// DefaultSeed is the random seed a site selection records when none is
// given, on the command line and over HTTP alike. The solvers are
// deterministic (ties go to the smaller id), so it changes no result.
const DefaultSeed int64 = 1

// Unit is the unit of a network's travel costs.
type Unit string

// The units a travel cost can be in.
const (
	Kilometres Unit = "km"
	Minutes    Unit = "minutes"
)

// Demand is a demand point: where people are, in WGS84 lon,lat, and how much
// they count (population, need-weighted population, ...).
type Demand struct {
	ID     string
	Point  orb.Point // WGS84 lon,lat
	Weight float64   // ≥ 0
}

// Candidate is a place where a service could be sited, in WGS84 lon,lat.
// Capacity is the demand weight the site can serve, used by CapacitatedMCLP
// (MCLP, p-median and LSCP ignore it); NaN means no limit and 0 a site that
// can serve no one.
type Candidate struct {
	ID       string
	Point    orb.Point // WGS84 lon,lat
	Capacity float64   // demand weight, ≥ 0; NaN = no limit; used only by CapacitatedMCLP
}

// CostOptions says how great-circle distance becomes a travel cost and which
// pairs are kept. Exactly one of StandardKm and StandardMinutes must be set;
// +Inf keeps every pair (a complete network, for small instances).
type CostOptions struct {
	Circuity        float64 // road ÷ great-circle distance, ≥ 1; 0 means DefaultCircuity
	SpeedKmh        float64 // required with StandardMinutes
	StandardKm      float64 // keep pairs with travel distance ≤ this, km
	StandardMinutes float64 // keep pairs with travel time ≤ this, minutes
	// MaxArcs bounds the demand–site pairs within the standard a network
	// may hold (16 bytes each, and the solvers' work grows with them); 0
	// means DefaultMaxArcs. A problem over it is refused before it is
	// built (TooLarge), so that no request can exhaust memory.
	MaxArcs int
}

// MaxTotalWeight bounds the sum of demand weights, and MaxStandard a
// service standard (km or minutes), so that weighted travel, summed over
// every pair, stays finite: England's population is 5.7×10⁷ and the Earth's
// circumference 40,075 km.
const (
	MaxTotalWeight = 1e15
	MaxStandard    = 1e7
)

// PeakBytesPerPair is what a pair within the standard costs in memory at
// the peak of building a network and solving it (the arcs, 16 bytes each,
// the slice's growth, the solvers' state and the collector's headroom):
// measured at 62–67 bytes on networks of 5 million pairs with the
// p-median and the MCLP. A server turns its memory budget into a bound on
// pairs with it.
const PeakBytesPerPair = 64

// DefaultMaxArcs is the default bound on a network's pairs: 25 million
// (400 MB of arcs, about 1.6 GB at the peak of a solve). England's 32,844 small areas with a candidate at each
// of its 6,791 MSOAs and a 30-minute standard hold a few million.
const DefaultMaxArcs = 25_000_000

// TooLarge is the error of a problem with more pairs within the standard
// than the limit: EUNSUPPORTED (HTTP 422), naming both numbers, which it
// also carries as details (pairs, max_pairs).
func TooLarge(pairs, limit int, demands, candidates int) error {
	e := placeplan.Errorf(placeplan.EUNSUPPORTED, "siting: %d demand points × %d candidates have about %d pairs within the service standard; "+
		"the limit is %d: use fewer demand points or candidates, or a shorter standard", demands, candidates, pairs, limit)
	e.Details = map[string]any{"pairs": pairs, "max_pairs": limit}
	return e
}

// estimateArcs estimates the pairs within the standard from a sample of
// at most 512 demand points spread evenly through the list: how many
// candidates fall in each one's search box (searchReach, a slight
// overestimate of the circle), scaled up. It reads the tree only.
func estimateArcs(demands []Demand, tr *rtree.RTreeG[int], dLatDeg float64) int {
	step := max(1, len(demands)/512)
	sampled, found := 0, 0
	for i := 0; i < len(demands); i += step {
		searchReach(tr, demands[i].Point, dLatDeg, func(_, _ [2]float64, _ int) bool {
			found++
			return true
		})
		sampled++
	}
	return int(float64(found) / float64(sampled) * float64(len(demands)))
}

// searchReach visits the candidates of tr in the search box of the point p:
// dLatDeg degrees of latitude either side, and the longitudes that span
// at that latitude, across the antimeridian, or every longitude near a
// pole. BuildNetwork keeps those within the standard.
func searchReach(tr *rtree.RTreeG[int], p orb.Point, dLatDeg float64, visit func(min, max [2]float64, j int) bool) {
	lon, lat := p[0], p[1]
	minLat, maxLat := lat-dLatDeg, lat+dLatDeg
	maxAbsLat := math.Max(math.Abs(minLat), math.Abs(maxLat))
	if maxLat >= 90 || minLat <= -90 || maxAbsLat >= 89 {
		// Near a pole every longitude may be in reach.
		tr.Search([2]float64{-180, math.Max(minLat, -90)}, [2]float64{180, math.Min(maxLat, 90)}, visit)
		return
	}
	dLonDeg := dLatDeg / math.Cos(maxAbsLat*math.Pi/180)
	if dLonDeg >= 180 {
		tr.Search([2]float64{-180, minLat}, [2]float64{180, maxLat}, visit)
		return
	}
	tr.Search([2]float64{lon - dLonDeg, minLat}, [2]float64{lon + dLonDeg, maxLat}, visit)
	// Wrap across the antimeridian.
	if lon-dLonDeg < -180 {
		tr.Search([2]float64{lon - dLonDeg + 360, minLat}, [2]float64{180, maxLat}, visit)
	}
	if lon+dLonDeg > 180 {
		tr.Search([2]float64{-180, minLat}, [2]float64{lon + dLonDeg - 360, maxLat}, visit)
	}
}

// Arc is one kept demand–site pair: the index of the site in the network's
// candidates and the travel cost in the network's unit.
type Arc struct {
	Site int
	Cost float64
}

// Network is a sparse demand × candidate travel-cost structure holding only
// the pairs within the service standard. It is read-only once built.
type Network struct {
	Demands    []Demand
	Candidates []Candidate
	Unit       Unit
	Standard   float64 // in Unit; pairs with cost ≤ Standard are kept

	start []int // arcs of demand i are arcs[start[i]:start[i+1]]
	arcs  []Arc // per demand, sorted by cost then site id
}

// Reach returns the arcs of demand i (an index into Demands), cheapest first.
// The slice is shared: do not modify it.
func (n *Network) Reach(i int) []Arc { return n.arcs[n.start[i]:n.start[i+1]] }

// Reweighted returns the network with demand i weighing weights[i]: the
// same points, sites and kept pairs (shared, not copied), so re-solving
// under other weights — uncertainty draws, say — need not find the pairs
// again.
func (n *Network) Reweighted(weights []float64) (*Network, error) {
	if len(weights) != len(n.Demands) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: %d weights for %d demand points", len(weights), len(n.Demands))
	}
	out := *n
	out.Demands = make([]Demand, len(n.Demands))
	for i, d := range n.Demands {
		if w := weights[i]; math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: demand %q: weight %v is not a finite non-negative number", d.ID, w)
		}
		d.Weight = weights[i]
		out.Demands[i] = d
	}
	return &out, nil
}

// Pairs returns the number of demand–site pairs kept.
func (n *Network) Pairs() int { return len(n.arcs) }

// TotalWeight returns the summed weight of all demand.
func (n *Network) TotalWeight() float64 {
	var t float64
	for _, d := range n.Demands {
		t += d.Weight
	}
	return t
}

func validatePoints(demands []Demand, candidates []Candidate) error {
	seen := make(map[string]bool, len(demands))
	total := 0.0
	for _, d := range demands {
		total += d.Weight
		switch {
		case d.ID == "":
			return placeplan.Errorf(placeplan.EINVALID, "siting: demand with empty id")
		case seen[d.ID]:
			return placeplan.Errorf(placeplan.EINVALID, "siting: duplicate demand id %q", d.ID)
		case math.IsNaN(d.Weight) || math.IsInf(d.Weight, 0) || d.Weight < 0:
			return placeplan.Errorf(placeplan.EINVALID, "siting: demand %q: weight %v is not a finite non-negative number", d.ID, d.Weight)
		}
		if err := checkPoint("demand", d.ID, d.Point); err != nil {
			return err
		}
		seen[d.ID] = true
	}
	if total > MaxTotalWeight {
		return placeplan.Errorf(placeplan.EINVALID, "siting: demand weights add up to %g: at most %g (the weighted travel would overflow)", total, MaxTotalWeight)
	}
	seen = make(map[string]bool, len(candidates))
	for _, c := range candidates {
		switch {
		case c.ID == "":
			return placeplan.Errorf(placeplan.EINVALID, "siting: candidate site with empty id")
		case seen[c.ID]:
			return placeplan.Errorf(placeplan.EINVALID, "siting: duplicate candidate site id %q", c.ID)
		case c.Capacity < 0 || math.IsInf(c.Capacity, -1):
			return placeplan.Errorf(placeplan.EINVALID, "siting: site %q: negative capacity %v", c.ID, c.Capacity)
		}
		if err := checkPoint("site", c.ID, c.Point); err != nil {
			return err
		}
		seen[c.ID] = true
	}
	return nil
}

func checkPoint(kind, id string, p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return placeplan.Errorf(placeplan.EINVALID, "siting: %s %q: point (%v, %v) is not a WGS84 lon,lat", kind, id, lon, lat)
	}
	return nil
}

// BuildNetwork computes travel costs from every demand point to every
// candidate site within the service standard: great-circle distance ×
// circuity, in km, or ÷ SpeedKmh × 60 in minutes. Candidates are indexed in
// an R-tree and each demand point searches a lon/lat box that contains the
// standard's radius, so building is near-linear in the number of kept pairs.
func BuildNetwork(demands []Demand, candidates []Candidate, opts CostOptions) (*Network, error) {
	if err := validatePoints(demands, candidates); err != nil {
		return nil, err
	}
	circuity := opts.Circuity
	if circuity == 0 {
		circuity = DefaultCircuity
	}
	if math.IsNaN(circuity) || math.IsInf(circuity, 0) || circuity < 1 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: circuity %v must be at least 1", opts.Circuity)
	}
	var unit Unit
	var standard, radiusKm float64 // radiusKm: great-circle radius of the standard
	switch {
	case opts.StandardKm > 0 && opts.StandardMinutes > 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: give a standard in km or in minutes, not both")
	case opts.StandardKm > 0:
		unit, standard = Kilometres, opts.StandardKm
		radiusKm = standard / circuity
	case opts.StandardMinutes > 0:
		if !(opts.SpeedKmh > 0) || math.IsInf(opts.SpeedKmh, 0) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: a standard in minutes needs a positive speed in km/h, got %v", opts.SpeedKmh)
		}
		unit, standard = Minutes, opts.StandardMinutes
		radiusKm = standard / 60 * opts.SpeedKmh / circuity
	default:
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: a positive service standard (km or minutes) is required")
	}
	if standard > MaxStandard && !math.IsInf(standard, 1) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: service standard %g %s: at most %g (or +Inf for every pair)", standard, unit, float64(MaxStandard))
	}
	cost := func(d, c orb.Point) float64 {
		km := geo.DistanceHaversine(d, c) / 1000 * circuity
		if unit == Minutes {
			return km / opts.SpeedKmh * 60
		}
		return km
	}

	maxArcs := opts.MaxArcs
	if maxArcs <= 0 {
		maxArcs = DefaultMaxArcs
	}
	n := &Network{Demands: demands, Candidates: candidates, Unit: unit, Standard: standard}
	var buf []Arc
	if math.IsInf(radiusKm, 1) || radiusKm*1000 >= math.Pi*orb.EarthRadius {
		if all := len(demands) * len(candidates); all > maxArcs {
			return nil, TooLarge(all, maxArcs, len(demands), len(candidates))
		}
		n.start = make([]int, len(demands)+1)
		for i, d := range demands {
			buf = buf[:0]
			for j, c := range candidates {
				buf = append(buf, Arc{Site: j, Cost: cost(d.Point, c.Point)})
			}
			n.appendArcs(buf)
			n.start[i+1] = len(n.arcs)
		}
		return n, nil
	}

	var tr rtree.RTreeG[int]
	for j, c := range candidates {
		p := [2]float64{c.Point[0], c.Point[1]}
		tr.Insert(p, p, j)
	}
	// A 1 % margin covers rounding; the radius uses orb's (equatorial) Earth
	// radius, the same as the distance.
	dLatDeg := radiusKm * 1000 / orb.EarthRadius * 180 / math.Pi * 1.01
	if len(demands)*len(candidates) > maxArcs {
		if est := estimateArcs(demands, &tr, dLatDeg); est > maxArcs {
			return nil, TooLarge(est, maxArcs, len(demands), len(candidates))
		}
	}
	n.start = make([]int, len(demands)+1)
	for i, d := range demands {
		buf = buf[:0]
		visit := func(_, _ [2]float64, j int) bool {
			if c := cost(d.Point, candidates[j].Point); c <= standard {
				buf = append(buf, Arc{Site: j, Cost: c})
			}
			return true
		}
		searchReach(&tr, d.Point, dLatDeg, visit)
		n.appendArcs(buf)
		n.start[i+1] = len(n.arcs)
		if len(n.arcs) > maxArcs { // the sample underestimated: stop here
			return nil, TooLarge(len(n.arcs)*len(demands)/(i+1), maxArcs, len(demands), len(candidates))
		}
	}
	return n, nil
}

// appendArcs sorts one demand's arcs by cost, then site id, and appends them.
func (n *Network) appendArcs(buf []Arc) {
	sort.Slice(buf, func(a, b int) bool {
		if buf[a].Cost != buf[b].Cost {
			return buf[a].Cost < buf[b].Cost
		}
		return n.Candidates[buf[a].Site].ID < n.Candidates[buf[b].Site].ID
	})
	n.arcs = append(n.arcs, buf...)
}

// Travel is how a use case asks for travel costs: one service standard,
// in km or in minutes, and either great-circle distance × Circuity (at
// SpeedKmh for minutes) or an imported origin–destination matrix. Zero
// Circuity and SpeedKmh take DefaultCircuity and DefaultSpeedKmh.
type Travel struct {
	StandardKm      float64 // the service standard in km, or
	StandardMinutes float64 // in minutes: one of the two, above 0
	Circuity        float64 // road ÷ great-circle distance, ≥ 1; 0: DefaultCircuity
	SpeedKmh        float64 // average speed for a standard in minutes; 0: DefaultSpeedKmh
	// Matrix, when not nil, gives the travel costs instead of great-circle
	// distance, in MatrixUnit, which must be the standard's unit.
	Matrix     []ODRow
	MatrixUnit Unit
	// MaxArcs bounds the pairs within the standard (CostOptions.MaxArcs);
	// 0 means DefaultMaxArcs.
	MaxArcs int
}

// Standard returns the service standard and its unit: minutes when
// StandardMinutes is set, else km.
func (t Travel) Standard() (float64, Unit) {
	if t.StandardMinutes > 0 {
		return t.StandardMinutes, Minutes
	}
	return t.StandardKm, Kilometres
}

// WithStandard returns t with the service standard set to v in t's unit.
func (t Travel) WithStandard(v float64) Travel {
	if _, unit := t.Standard(); unit == Minutes {
		t.StandardMinutes = v
	} else {
		t.StandardKm = v
	}
	return t
}

// Network builds the travel network from demands to candidates: from the
// matrix when there is one (NetworkFromMatrix), else by great-circle
// distance (BuildNetwork), with the defaults applied.
func (t Travel) Network(demands []Demand, candidates []Candidate) (*Network, error) {
	standard, unit := t.Standard()
	if t.Matrix != nil {
		if t.StandardKm > 0 && t.StandardMinutes > 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: give a standard in km or in minutes, not both")
		}
		if t.MatrixUnit != unit {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: the travel matrix is in %s but the service standard is in %s", t.MatrixUnit, unit)
		}
		return NetworkFromMatrix(demands, candidates, t.Matrix, MatrixOptions{Unit: unit, Standard: standard})
	}
	opts := CostOptions{Circuity: t.Circuity, SpeedKmh: t.SpeedKmh, StandardKm: t.StandardKm, StandardMinutes: t.StandardMinutes, MaxArcs: t.MaxArcs}
	if opts.SpeedKmh == 0 && opts.StandardMinutes > 0 {
		opts.SpeedKmh = DefaultSpeedKmh
	}
	return BuildNetwork(demands, candidates, opts)
}

// ODRow is one row of an imported origin–destination matrix: from a demand
// point to a candidate site, with the travel cost in the matrix's unit.
type ODRow struct {
	OriginID      string // demand id
	DestinationID string // candidate site id
	Cost          float64
}

// MatrixGaps is what an origin–destination matrix leaves out: the ids of
// the demand points and of the candidate sites with no row at all, in the
// order given. A candidate without rows can serve no one; a demand point
// without rows is out of every site's reach. A matrix exported for other
// sites, or cut short, leaves most of them out.
type MatrixGaps struct {
	Demands    []string
	Candidates []string
}

// FindMatrixGaps returns the demand points and candidates that no row of
// rows names (rows naming ids that are neither are NetworkFromMatrix's to
// refuse).
func FindMatrixGaps(demands []Demand, candidates []Candidate, rows []ODRow) MatrixGaps {
	origins := make(map[string]bool, len(demands))
	dests := make(map[string]bool, len(candidates))
	for _, r := range rows {
		origins[r.OriginID] = true
		dests[r.DestinationID] = true
	}
	var g MatrixGaps
	for _, d := range demands {
		if !origins[d.ID] {
			g.Demands = append(g.Demands, d.ID)
		}
	}
	for _, c := range candidates {
		if !dests[c.ID] {
			g.Candidates = append(g.Candidates, c.ID)
		}
	}
	return g
}

// MatrixOptions describes an imported origin–destination matrix: the unit of
// its costs and the service standard (rows costing more are dropped; +Inf
// keeps all rows).
type MatrixOptions struct {
	Unit     Unit
	Standard float64
}

// NetworkFromMatrix builds a Network from imported origin–destination rows.
// Unknown origin or destination ids, duplicate pairs and negative or NaN
// costs are refused, naming the row; rows with +Inf cost (unreachable) and
// rows beyond the standard are dropped.
func NetworkFromMatrix(demands []Demand, candidates []Candidate, rows []ODRow, opts MatrixOptions) (*Network, error) {
	if err := validatePoints(demands, candidates); err != nil {
		return nil, err
	}
	if opts.Unit != Kilometres && opts.Unit != Minutes {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: matrix unit %q is neither %q nor %q", opts.Unit, Kilometres, Minutes)
	}
	if !(opts.Standard > 0) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: a positive service standard is required, got %v", opts.Standard)
	}
	if opts.Standard > MaxStandard && !math.IsInf(opts.Standard, 1) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "siting: service standard %g %s: at most %g (or +Inf for every pair)", opts.Standard, opts.Unit, float64(MaxStandard))
	}
	di := make(map[string]int, len(demands))
	for i, d := range demands {
		di[d.ID] = i
	}
	ci := make(map[string]int, len(candidates))
	for j, c := range candidates {
		ci[c.ID] = j
	}
	per := make([][]Arc, len(demands))
	type pair struct{ i, j int }
	seen := make(map[pair]bool, len(rows))
	for r, row := range rows {
		i, ok := di[row.OriginID]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: matrix row %d: unknown demand id %q", r+1, row.OriginID)
		}
		j, ok := ci[row.DestinationID]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: matrix row %d: unknown site id %q", r+1, row.DestinationID)
		}
		if math.IsNaN(row.Cost) || row.Cost < 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: matrix row %d (%q → %q): cost %v is negative or NaN", r+1, row.OriginID, row.DestinationID, row.Cost)
		}
		if row.Cost > MaxStandard && !math.IsInf(row.Cost, 1) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: matrix row %d (%q → %q): cost %g is more than %g (give +Inf for unreachable)", r+1, row.OriginID, row.DestinationID, row.Cost, float64(MaxStandard))
		}
		if seen[pair{i, j}] {
			return nil, placeplan.Errorf(placeplan.EINVALID, "siting: matrix row %d: duplicate pair %q → %q", r+1, row.OriginID, row.DestinationID)
		}
		seen[pair{i, j}] = true
		if math.IsInf(row.Cost, 1) || row.Cost > opts.Standard {
			continue
		}
		per[i] = append(per[i], Arc{Site: j, Cost: row.Cost})
	}
	n := &Network{Demands: demands, Candidates: candidates, Unit: opts.Unit, Standard: opts.Standard}
	n.start = make([]int, len(demands)+1)
	for i := range per {
		n.appendArcs(per[i])
		n.start[i+1] = len(n.arcs)
	}
	return n, nil
}
