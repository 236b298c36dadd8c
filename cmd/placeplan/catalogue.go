package main

import (
	"context"
	"io"
	"strconv"

	"placeplan"
	"placeplan/scenario"
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
	cmp, err := scenario.CompareVintages(ctx, s, cfg.Scheme)
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
