package scenario

import (
	"context"
	"math"
	"slices"

	"placeplan"
)

// ProfileStore is what the area profiles read. *data.Store satisfies it.
type ProfileStore interface {
	Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error)
	Indicators(ctx context.Context, geog placeplan.Geography) ([]placeplan.Indicator, error)
	Values(ctx context.Context, indicatorID int64) ([]placeplan.Value, error)
}

// Rank bases: where an AreaRank comes from.
const (
	RankPublished = "national (published)"        // MHCLG's published national rank and decile
	RankNational  = "national (all areas loaded)" // ranked here among every LSOA of England
	RankLoaded    = "among the areas loaded"      // ranked here among the areas loaded, fewer than all of England
)

// AreaRank is where an area stands on one indicator: Rank 1 is the most
// need, Decile 1 the most needy tenth, among Of areas; Basis is one of
// the Rank bases. The zero AreaRank means the indicator is not ranked.
type AreaRank struct {
	Rank, Decile, Of int
	Basis            string
}

// ProfileValue is one indicator's value held for an area, unpublished
// (the caller applies the disclosure policy), with its rank.
type ProfileValue struct {
	Indicator placeplan.Indicator
	Value     float64
	Rank      AreaRank
}

// AreaProfile is one small area with every indicator value held for it,
// in the order of AreaProfiles.Indicators.
type AreaProfile struct {
	Area   placeplan.Area
	Values []ProfileValue
}

// AreaProfiles is everything an area profile shows for the small areas
// of one geography, read and ranked once (NewAreaProfiles) so that a
// profile is looked up, not queried: the areas (without boundaries), the
// indicators, each area's values and each area's rank on every indicator
// that is ranked. It is built for one data revision; an ingest makes it
// stale. Safe for concurrent use once built.
type AreaProfiles struct {
	geog       placeplan.Geography
	indicators []placeplan.Indicator
	areas      []placeplan.Area // by code
	row        map[string]int32 // area code → index into areas and the columns below
	// values[i][row] is indicator i's value for the area, NaN where none
	// is held (the store holds no NaN: a value column is NOT NULL REAL).
	values [][]float64
	// ranks[i][row] is the area's competition rank on indicator i among
	// every value of it held (1 + how many have more need), 0 where the
	// area holds none; ranks[i] is nil when indicator i is not ranked
	// (rankedHere). held[i] is how many values the ranks are among.
	ranks [][]int32
	held  []int
	// published[i], for an IoD domain's own score or its exponentially
	// transformed score, lists the indicators holding a published rank
	// (kind rank) and decile (kind decile) of that domain, in indicator
	// order: the last one an area holds is its published figure.
	published []publishedRank
}

// NewAreaProfiles reads and ranks what the area profiles of geography
// geog show: every area of geog, its indicators and all their values (one
// query per indicator), in about a second for England's 32,844 LSOAs and
// 37 IoD indicators.
func NewAreaProfiles(ctx context.Context, st ProfileStore, geog placeplan.Geography) (*AreaProfiles, error) {
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: geog})
	if err != nil {
		return nil, err
	}
	inds, err := st.Indicators(ctx, geog)
	if err != nil {
		return nil, err
	}
	p := &AreaProfiles{geog: geog, indicators: inds, areas: areas, row: make(map[string]int32, len(areas)),
		values: make([][]float64, len(inds)), ranks: make([][]int32, len(inds)), held: make([]int, len(inds)),
		published: make([]publishedRank, len(inds))}
	for i, a := range areas {
		p.row[a.Code] = int32(i)
	}
	for i, ind := range inds {
		vs, err := st.Values(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		col := make([]float64, len(areas))
		for r := range col {
			col[r] = math.NaN()
		}
		for _, v := range vs {
			if r, ok := p.row[v.Area]; ok {
				col[r] = v.Value
			}
		}
		p.values[i] = col
		p.published[i] = publishedOf(ind, inds)
		if rankedHere(ind) {
			p.ranks[i], p.held[i] = competitionRanks(ind, vs, col)
		}
	}
	return p, nil
}

// rankedHere says whether an indicator's values are ranked: counts, rates
// and scores that point one way (not ranks, deciles or populations).
func rankedHere(ind placeplan.Indicator) bool {
	if ind.Direction == 0 {
		return false
	}
	switch ind.Kind {
	case placeplan.KindCount, placeplan.KindRate, placeplan.KindScore:
		return true
	}
	return false
}

// publishedRank lists the indicators (indexes into the indicators)
// holding an IoD domain's published national ranks and deciles.
type publishedRank struct{ ranks, deciles []int }

// publishedOf returns where the published rank and decile of ind's IoD
// index are held when ind is that index's own score or exponentially
// transformed score (File 8's indicators share the domain's index but not
// its rank), or none.
func publishedOf(ind placeplan.Indicator, inds []placeplan.Indicator) publishedRank {
	var p publishedRank
	if ind.Index == "" || (ind.Key != ind.Index.Key(placeplan.MeasureScore) && ind.Key != ind.Index.Key(placeplan.MeasureExp)) {
		return p
	}
	for j, o := range inds {
		switch {
		case o.Index != ind.Index:
		case o.Kind == placeplan.KindRank:
			p.ranks = append(p.ranks, j)
		case o.Kind == placeplan.KindDecile:
			p.deciles = append(p.deciles, j)
		}
	}
	return p
}

// lastHeld returns the value of the last of the indicators cols that area
// row r holds, or 0.
func (p *AreaProfiles) lastHeld(cols []int, r int32) float64 {
	for k := len(cols) - 1; k >= 0; k-- {
		if v := p.values[cols[k]][r]; !math.IsNaN(v) {
			return v
		}
	}
	return 0
}

// competitionRanks ranks the values col of the areas loaded among all
// values vs held (an area not loaded counts too) most need first, with
// competition ranking: an area's rank is 1 + the number of values with
// strictly more need, so equal values share the best rank and the next is
// skipped (1, 2, 2, 4). An area holding no value (NaN) gets 0. It returns
// the ranks and how many values they are among.
func competitionRanks(ind placeplan.Indicator, vs []placeplan.Value, col []float64) ([]int32, int) {
	keys := make([]float64, 0, len(vs))
	for _, v := range vs {
		if !math.IsNaN(v.Value) {
			keys = append(keys, needOrder(ind, v.Value))
		}
	}
	slices.Sort(keys)
	ranks := make([]int32, len(col))
	for r, v := range col {
		if !math.IsNaN(v) {
			above, _ := slices.BinarySearch(keys, needOrder(ind, v))
			ranks[r] = int32(above + 1)
		}
	}
	return ranks, len(keys)
}

// needOrder maps a value so that ascending order is most need first.
func needOrder(ind placeplan.Indicator, v float64) float64 {
	if ind.Direction == placeplan.HigherIsBetter {
		return v
	}
	return -v
}

// Profile returns the area with code and every indicator value held for
// it with its rank, or false when no area of the geography has that
// code. A domain's own score (or its exponentially transformed score)
// carries MHCLG's published national rank and decile where the area holds
// both; any other count, rate or score that points one way is ranked
// among the areas holding a value, its basis RankNational when they are
// every LSOA of England. Nothing is suppressed here: the caller applies
// its disclosure policy, and gives no rank to a value it withholds.
func (p *AreaProfiles) Profile(code string) (AreaProfile, bool) {
	r, ok := p.row[code]
	if !ok {
		return AreaProfile{}, false
	}
	out := AreaProfile{Area: p.areas[r], Values: make([]ProfileValue, 0, len(p.indicators))}
	for i, ind := range p.indicators {
		v := p.values[i][r]
		if math.IsNaN(v) {
			continue
		}
		out.Values = append(out.Values, ProfileValue{Indicator: ind, Value: v, Rank: p.rank(i, r)})
	}
	return out, true
}

// rank is the rank of area row r on indicator i (see Profile).
func (p *AreaProfiles) rank(i int, r int32) AreaRank {
	if p.ranks[i] == nil {
		return AreaRank{} // not ranked
	}
	pub := p.published[i]
	if rank, decile := p.lastHeld(pub.ranks, r), p.lastHeld(pub.deciles, r); rank > 0 && decile > 0 {
		return AreaRank{Rank: int(rank), Decile: int(decile), Of: p.geog.LSOAsInEngland(), Basis: RankPublished}
	}
	n := p.held[i]
	ar := AreaRank{Rank: int(p.ranks[i][r]), Of: n, Basis: RankLoaded}
	ar.Decile = min(10, int(math.Ceil(10*float64(ar.Rank)/float64(n))))
	if p.geog.LSOAsInEngland() == n {
		ar.Basis = RankNational
	}
	return ar
}
