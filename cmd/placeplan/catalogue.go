package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"placeplan"
	"placeplan/data"
	"placeplan/scoring"
)

// cmdIndicators prints the indicator catalogue: every loaded indicator
// with its direction, unit, kind and denominator population.
func cmdIndicators(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	inds, err := s.Indicators(ctx, placeplan.Geography(cfg.Geography))
	if err != nil {
		return err
	}
	header := []string{"geography", "key", "name", "vintage", "direction", "unit", "kind", "denominator", "index", "confidential"}
	rows := make([][]string, len(inds))
	for i, ind := range inds {
		rows[i] = []string{string(ind.Geography), ind.Key, ind.Name, ind.Vintage, ind.Direction.String(), ind.Unit, ind.Kind,
			ind.Denominator, ind.Index, strconv.FormatBool(ind.Confidential)}
	}
	return writeRows(stdout, cfg.Format, header, rows)
}

// cmdVintages compares a scheme's localities under IoD2019 (LSOA 2011) and
// IoD2025 (LSOA 2021) by rank: the LSOA 2011 definition is carried onto
// LSOA 2021 through the ONS lookup, and localities reached through complex
// (X) changes are flagged.
func cmdVintages(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	cmp, err := compareVintages(ctx, s, cfg.Scheme)
	if err != nil {
		return err
	}
	header := []string{"locality", "iod2019_average_rank", "iod2019_rank", "iod2025_average_rank", "iod2025_rank", "rank_change", "complex_changes"}
	rows := make([][]string, len(cmp))
	for i, c := range cmp {
		rows[i] = []string{c.Locality, strconv.FormatFloat(c.IoD2019.AverageRank, 'f', 1, 64), strconv.Itoa(c.IoD2019.Rank),
			strconv.FormatFloat(c.IoD2025.AverageRank, 'f', 1, 64), strconv.Itoa(c.IoD2025.Rank), strconv.Itoa(c.RankChange), strconv.FormatBool(c.Complex)}
	}
	return writeRows(stdout, cfg.Format, header, rows)
}

// compareVintages is the use case behind "placeplan vintages".
func compareVintages(ctx context.Context, s *data.Store, scheme string) ([]scoring.VintageComparison, error) {
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
	old := scoring.VintageInput{N: data.LSOACount2011, Members: map[string][]string{}}
	new := scoring.VintageInput{N: data.LSOACount2021, Members: map[string][]string{}}
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
			vals, err := s.Values(ctx, ind.ID)
			if err != nil {
				return nil, err
			}
			m := make(map[string]float64, len(vals))
			for _, v := range vals {
				m[v.Area] = v.Value
			}
			return m, nil
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
	if old.Population, err = load(placeplan.LSOA2011, "pop_total"); err != nil {
		return nil, err
	}
	if new.Population, err = load(placeplan.LSOA2021, "pop_total"); err != nil {
		return nil, err
	}
	out, err := scoring.CompareVintages(old, new, complex)
	if err != nil {
		return nil, fmt.Errorf("compare vintages: %w", err)
	}
	return out, nil
}
