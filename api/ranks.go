package api

import (
	"context"
	"math"
	"slices"

	"placeplan"
)

// areaRank is where an area stands on one indicator: Rank 1 is the most
// need, Decile 1 the most needy tenth, among Of areas; Basis says whether
// the rank is MHCLG's published national one or among the areas loaded.
type areaRank struct {
	Rank, Decile, Of int
	Basis            string
}

// Rank bases.
const (
	basisPublished = "national (published)"
	basisNational  = "national (all areas loaded)"
	basisLoaded    = "among the areas loaded"
)

// rankOf returns where value v stands among the indicator's values: the
// competition rank (1 + the number of areas with more need) and decile.
func (s *Server) rankOf(ctx context.Context, ind placeplan.Indicator, v float64) (areaRank, error) {
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return areaRank{}, err
	}
	vals, _, err := s.ranks.Get(ctx, ind.ID, rev, func(ctx context.Context) ([]float64, error) {
		vs, err := s.store.Values(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		vals := make([]float64, 0, len(vs))
		for _, x := range vs {
			if !math.IsNaN(x.Value) {
				vals = append(vals, needOrder(ind, x.Value))
			}
		}
		slices.Sort(vals)
		return vals, nil
	})
	if err != nil {
		return areaRank{}, err
	}
	n := len(vals)
	if n == 0 {
		return areaRank{}, nil
	}
	// vals ascend in need order's negation: the number of areas with
	// strictly more need is the count of keys below this one.
	key := needOrder(ind, v)
	above, _ := slices.BinarySearch(vals, key)
	r := areaRank{Rank: above + 1, Of: n, Basis: basisLoaded}
	r.Decile = min(10, int(math.Ceil(10*float64(r.Rank)/float64(n))))
	if ind.Geography.LSOAsInEngland() == n {
		r.Basis = basisNational
	}
	return r, nil
}

// needOrder maps a value so that ascending order is most need first.
func needOrder(ind placeplan.Indicator, v float64) float64 {
	if ind.Direction == placeplan.HigherIsBetter {
		return v
	}
	return -v
}
