package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/wire"
)

// The commands that list what a database holds: areas, localities,
// datasets, indicators and vintages. Each prints CSV or JSON.

func areasSpec() spec {
	return spec{
		name:     "areas",
		synopsis: []string{"--db FILE [--lad CODE] [--geography lsoa11|lsoa21] [--format csv|json]"},
		about: `Areas prints one row per small area: code,name,msoa_code,lad_code,vintage,
lon,lat (lon,lat is the representative point in WGS84).`,
		make: newAreasCmd,
	}
}

func localitiesSpec() spec {
	return spec{
		name:     "localities",
		synopsis: []string{"--db FILE [--geography lsoa11|lsoa21] [--format csv|json]"},
		about: `Localities prints one row per locality: scheme,locality,geography,
area_count,definition,area_codes (codes joined by ";").`,
		make: newLocalitiesCmd,
	}
}

func datasetsSpec() spec {
	return spec{
		name:     "datasets",
		synopsis: []string{"--db FILE [--format csv|json]"},
		about:    "Datasets lists what has been ingested, with licence and attribution.",
		make:     newDatasetsCmd,
	}
}

func indicatorsSpec() spec {
	return spec{
		name:     "indicators",
		synopsis: []string{"--db FILE [--geography lsoa11|lsoa21] [--format csv|json]"},
		about: `Indicators is the indicator catalogue: one row per loaded indicator,
geography,key,name,vintage,direction,unit,kind,denominator,index,confidential.`,
		make: newIndicatorsCmd,
	}
}

func vintagesSpec() spec {
	return spec{
		name:     "vintages",
		synopsis: []string{"--db FILE --scheme NAME [--format csv|json]"},
		about: `Vintages compares a scheme's localities under IoD2019 (LSOA 2011) and
IoD2025 (LSOA 2021) by rank, flagging localities reached through complex
LSOA changes.`,
		make: newVintagesCmd,
	}
}

// listing is the config the listing commands share: the database they
// read, the output format and, for some, a geography to keep to.
type listing struct {
	db        string
	format    string
	geography placeplan.Geography // "" for every geography
}

func (l *listing) define(fs *flag.FlagSet) {
	fs.StringVar(&l.db, "db", "", "SQLite database `FILE`")
	fs.StringVar(&l.format, "format", "csv", "output format: `csv|json`")
}

// defineGeography defines --geography, for the listings that filter by it.
func (l *listing) defineGeography(fs *flag.FlagSet, what string) {
	stringVar(fs, &l.geography, "geography", "", "only "+what+" of this geography: `lsoa11|lsoa21`")
}

// check refuses a missing --db, arguments, an unknown format and an
// unknown geography.
func (l *listing) check(c *cmdLine) error {
	if l.db == "" {
		return usageError{msg: c.fs.Name() + ": --db FILE is required"}
	}
	if err := c.noArgs(); err != nil {
		return err
	}
	if l.format != "csv" && l.format != "json" {
		return usageError{msg: fmt.Sprintf("--format %q: use csv or json", l.format)}
	}
	return checkGeography(l.geography)
}

// areasCmd is "placeplan areas": one row per small area.
type areasCmd struct {
	cmdLine
	listing
	lad string
}

func newAreasCmd() command {
	c := &areasCmd{cmdLine: newCmdLine("areas")}
	c.define(c.fs)
	c.fs.StringVar(&c.lad, "lad", "", "only areas in this local authority district `CODE`")
	c.defineGeography(c.fs, "areas")
	return c
}

func (c *areasCmd) validate() error { return c.check(&c.cmdLine) }

func (c *areasCmd) run(ctx context.Context, stdout io.Writer) error {
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	areas, err := s.Areas(ctx, placeplan.AreaQuery{Geography: c.geography, LAD: c.lad})
	if err != nil {
		return err
	}
	if c.lad != "" && len(areas) == 0 {
		return placeplan.Errorf(placeplan.ENOTFOUND, "no areas in district %s", c.lad)
	}
	return writeTable(stdout, c.format, wire.AreasTable(areas))
}

// localitiesCmd is "placeplan localities": one row per locality.
type localitiesCmd struct {
	cmdLine
	listing
}

func newLocalitiesCmd() command {
	c := &localitiesCmd{cmdLine: newCmdLine("localities")}
	c.define(c.fs)
	c.defineGeography(c.fs, "localities")
	return c
}

func (c *localitiesCmd) validate() error { return c.check(&c.cmdLine) }

func (c *localitiesCmd) run(ctx context.Context, stdout io.Writer) error {
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	locs, err := s.Localities(ctx, c.geography)
	if err != nil {
		return err
	}
	return writeTable(stdout, c.format, wire.LocalitiesTable(locs))
}

// datasetsCmd is "placeplan datasets": what has been ingested.
type datasetsCmd struct {
	cmdLine
	listing
}

func newDatasetsCmd() command {
	c := &datasetsCmd{cmdLine: newCmdLine("datasets")}
	c.define(c.fs)
	return c
}

func (c *datasetsCmd) validate() error { return c.check(&c.cmdLine) }

func (c *datasetsCmd) run(ctx context.Context, stdout io.Writer) error {
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	ds, err := s.Datasets(ctx)
	if err != nil {
		return err
	}
	return writeTable(stdout, c.format, wire.DatasetsTable(ds))
}

// indicatorsCmd is "placeplan indicators": the indicator catalogue, every
// loaded indicator with its direction, unit, kind and denominator
// population.
type indicatorsCmd struct {
	cmdLine
	listing
}

func newIndicatorsCmd() command {
	c := &indicatorsCmd{cmdLine: newCmdLine("indicators")}
	c.define(c.fs)
	c.defineGeography(c.fs, "indicators")
	return c
}

func (c *indicatorsCmd) validate() error { return c.check(&c.cmdLine) }

func (c *indicatorsCmd) run(ctx context.Context, stdout io.Writer) error {
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	inds, err := s.Indicators(ctx, c.geography)
	if err != nil {
		return err
	}
	return writeTable(stdout, c.format, wire.IndicatorsTable(inds))
}

// vintagesCmd is "placeplan vintages": a scheme's localities under
// IoD2019 (LSOA 2011) and IoD2025 (LSOA 2021) by rank. The LSOA 2011
// definition is carried onto LSOA 2021 through the ONS lookup, and
// localities reached through complex (X) changes are flagged.
type vintagesCmd struct {
	cmdLine
	listing
	scheme string
}

func newVintagesCmd() command {
	c := &vintagesCmd{cmdLine: newCmdLine("vintages")}
	c.define(c.fs)
	c.fs.StringVar(&c.scheme, "scheme", "", "the locality scheme `NAME` to compare (placeplan localities lists them)")
	return c
}

func (c *vintagesCmd) validate() error {
	if c.scheme == "" {
		return usageError{msg: "vintages: --scheme NAME is required"}
	}
	return c.check(&c.cmdLine)
}

func (c *vintagesCmd) run(ctx context.Context, stdout io.Writer) error {
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	cmp, err := scenario.CompareVintages(ctx, s, c.scheme)
	if err != nil {
		return err
	}
	return writeTable(stdout, c.format, wire.VintagesTable(cmp))
}

// openExisting opens a database that must already exist, so that a typo in
// --db is reported instead of creating an empty database.
func openExisting(ctx context.Context, path string) (*data.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, placeplan.Errorf(placeplan.ENOTFOUND, "database %s does not exist (create it with placeplan ingest --db %s FILE...)", path, path)
	}
	return data.Open(ctx, path)
}

// writeTable writes a table as CSV, or as JSON objects keyed by its
// column names with numbers and booleans typed.
func writeTable(w io.Writer, format string, t wire.Table) error {
	if format == "json" {
		return t.WriteJSON(w)
	}
	return t.WriteCSV(w)
}
