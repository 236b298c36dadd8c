package scenario

import (
	"context"
	"fmt"

	"placeplan"
	"placeplan/data/record"
	"placeplan/scoring"
)

// VintageStore is what CompareVintages reads. *data.Store satisfies it.
type VintageStore interface {
	AreaData
	LSOAChanges(ctx context.Context) ([]record.LSOAChange, error)
}

// CompareVintages compares a scheme's localities under IoD2019 (LSOA 2011)
// and IoD2025 (LSOA 2021) by rank: each locality's LSOA 2011 definition is
// carried onto LSOA 2021 through the ONS lookup, and localities touched by
// complex (X) changes are flagged. Average ranks are population-weighted
// where population denominators are loaded, else each area counts equally.
func CompareVintages(ctx context.Context, s VintageStore, scheme string) ([]scoring.VintageComparison, error) {
	locs, err := s.Localities(ctx, placeplan.LSOA2011)
	if err != nil {
		return nil, err
	}
	changes, err := s.LSOAChanges(ctx)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "no LSOA 2011 → 2021 lookup is loaded: ingest the ONS lookup (LSOA11_to_LSOA21_to_LAD22)")
	}
	chs := make([]scoring.Change, len(changes))
	for i, c := range changes {
		chs[i] = scoring.Change{LSOA11: c.LSOA11, LSOA21: c.LSOA21, Kind: c.Change}
	}
	old := scoring.VintageInput{N: placeplan.LSOACount2011, Members: map[string][]string{}}
	new := scoring.VintageInput{N: placeplan.LSOACount2021, Members: map[string][]string{}}
	complex := map[string]bool{}
	for _, l := range locs {
		if l.Scheme != scheme {
			continue
		}
		old.Members[l.Name] = l.Areas
		conv := scoring.ConvertAreas(l.Areas, chs)
		new.Members[l.Name] = conv.Codes
		complex[l.Name] = len(conv.Complex) > 0
	}
	if len(old.Members) == 0 {
		return nil, placeplan.Errorf(placeplan.ENOTFOUND, "no LSOA 2011 localities in scheme %q", scheme)
	}
	load := func(geog placeplan.Geography, key string) (map[string]float64, error) {
		inds, err := s.Indicators(ctx, geog)
		if err != nil {
			return nil, err
		}
		for _, ind := range inds {
			if ind.Key != key {
				continue
			}
			return s.ValuesByArea(ctx, ind.ID)
		}
		return nil, nil
	}
	if old.Ranks, err = load(placeplan.LSOA2011, "imd_rank"); err != nil {
		return nil, err
	}
	if new.Ranks, err = load(placeplan.LSOA2021, "imd_rank"); err != nil {
		return nil, err
	}
	if old.Ranks == nil || new.Ranks == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "IMD ranks for both IoD2019 (LSOA 2011) and IoD2025 (LSOA 2021) are needed")
	}
	if old.Population, err = load(placeplan.LSOA2011, placeplan.TotalPopulationKey); err != nil {
		return nil, err
	}
	if new.Population, err = load(placeplan.LSOA2021, placeplan.TotalPopulationKey); err != nil {
		return nil, err
	}
	out, err := scoring.CompareVintages(old, new, complex)
	if err != nil {
		return nil, fmt.Errorf("compare vintages: %w", err)
	}
	return out, nil
}
