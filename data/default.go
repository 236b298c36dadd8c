package data

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"placeplan"
	"placeplan/data/input"
	"placeplan/data/record"
	"placeplan/data/registry"
	"placeplan/data/table"
)

// defaultFS holds the embedded default dataset: Shropshire, Telford and
// Wrekin and the five Oxfordshire districts (see default/README.md).
//
//go:embed default/*.csv default/*.gz default/README.md
var defaultFS embed.FS

// defaultProvenance records where the embedded files whose readers cannot
// know it came from (see default/README.md).
var defaultProvenance = map[string]input.Provenance{
	"towns.csv": {
		Publisher:   "Ordnance Survey (OS Open Names); ONS MSOA centroids for Oswestry, Shifnal, Broseley and Albrighton proxies",
		Licence:     record.OGL,
		Attribution: "Contains OS data © Crown copyright and database right 2021. Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
	},
	"localities.csv": {
		Publisher:   "placeplan (working definitions built from House of Commons Library MSOA names and ONS district codes)",
		Licence:     "Open Parliament Licence (MSOA names); Open Government Licence v3.0 (codes)",
		Attribution: "MSOA names © House of Commons Library, Open Parliament Licence. Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
	},
	"lsoa2011_bgc.geojson.gz": {Attribution: record.LSOA2011BGCAttribution},
}

// DefaultInputs returns the files of the embedded default dataset, plus
// the LSOA 2011 → 2021 lookup, ready to ingest.
func DefaultInputs() ([]input.Input, error) {
	names, err := fs.Glob(defaultFS, "default/*")
	if err != nil {
		return nil, err
	}
	var out []input.Input
	for _, n := range names {
		if path.Ext(n) == ".md" {
			continue
		}
		b, err := defaultFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ins, err := input.ReadInputs(path.Base(n), bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("embedded default: %w", err)
		}
		for i := range ins {
			ins[i].Provenance = defaultProvenance[path.Base(n)]
		}
		out = append(out, ins...)
	}
	name, gz := registry.LSOAChangesFile()
	reg, err := input.ReadInputs(name, bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return append(out, reg...), nil
}

// DefaultLocalities returns the locality definitions of the embedded
// default dataset (data/default/localities.csv): Shropshire early help
// localities by House of Commons Library MSOA name and Oxfordshire early
// intervention areas by district code.
func DefaultLocalities() (*record.LocalityDefs, error) {
	b, err := defaultFS.ReadFile("default/localities.csv")
	if err != nil {
		return nil, fmt.Errorf("embedded default localities: %w", err)
	}
	t, err := table.Read("localities.csv", b)
	if err != nil {
		return nil, err
	}
	return table.Localities(t)
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

// CreateDefault creates a database file at path, and the folders above
// it, holding the embedded default dataset loaded as LoadDefault loads it.
// It is all or nothing: the database is built under a temporary name in
// the same folder and appears at path only once complete, so a failed or
// interrupted load never leaves a half-made database at path. It returns
// ECONFLICT, and leaves the file alone, when path already exists.
func CreateDefault(ctx context.Context, path string) (*IngestReport, error) {
	var rep *IngestReport
	err := createDatabase(ctx, path, func(s *Store) error {
		var err error
		rep, err = LoadDefault(ctx, s)
		return err
	})
	return rep, err
}

// createDatabase builds a new database with load and moves it to path.
func createDatabase(ctx context.Context, path string, load func(*Store) error) error {
	if _, err := os.Stat(path); err == nil {
		return placeplan.Errorf(placeplan.ECONFLICT, "database %s already exists", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return placeplan.Errorf(placeplan.EINVALID, "create the folder of database %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.creating")
	if err != nil {
		return placeplan.Errorf(placeplan.EINVALID, "create database %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		// SQLite's companions go too; after a success tmp is a second
		// name of the file at path, and only the name is removed.
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}()
	s, err := Open(ctx, tmp)
	if err != nil {
		return err
	}
	if err := load(s); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		return fmt.Errorf("create database %s: close: %w", path, err)
	}
	// A hard link never replaces a file that appeared meanwhile; where the
	// file system has none, a rename does.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return placeplan.Errorf(placeplan.ECONFLICT, "database %s already exists", path)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("create database %s: %w", path, err)
		}
	}
	return nil
}
