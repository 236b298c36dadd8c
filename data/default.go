package data

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"

	"placeplan"
)

// defaultFS holds the embedded default dataset: Shropshire, Telford and
// Wrekin and the five Oxfordshire districts (see default/README.md).
//
//go:embed default/*.csv default/*.gz default/README.md
var defaultFS embed.FS

// DefaultInputs returns the files of the embedded default dataset, plus
// the LSOA 2011 → 2021 lookup, ready to ingest.
func DefaultInputs() ([]Input, error) {
	names, err := fs.Glob(defaultFS, "default/*")
	if err != nil {
		return nil, err
	}
	var out []Input
	for _, n := range names {
		if path.Ext(n) == ".md" {
			continue
		}
		b, err := defaultFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ins, err := expand(path.Base(n), b)
		if err != nil {
			return nil, fmt.Errorf("embedded default: %w", err)
		}
		out = append(out, ins...)
	}
	reg, err := expand("lsoa11_lsoa21.csv.gz", lsoaRegistryCSV)
	if err != nil {
		return nil, err
	}
	return append(out, reg...), nil
}

// LoadDefault ingests the embedded default dataset into s, in one
// transaction, through the same readers as any other ingest.
func LoadDefault(ctx context.Context, s *Store) (*IngestReport, error) {
	ins, err := DefaultInputs()
	if err != nil {
		return nil, err
	}
	rep, err := s.IngestInputs(ctx, ins, IngestOptions{Geography: placeplan.LSOA2011})
	if err != nil {
		return nil, fmt.Errorf("embedded default dataset: %w", err)
	}
	return rep, nil
}
