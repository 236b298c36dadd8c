package main

import (
	"context"
	"fmt"
	"io"

	"placeplan"
	"placeplan/data"
	"placeplan/data/record"
	"placeplan/scenario"
	"placeplan/wire"
)

func summariseSpec() spec {
	return spec{
		name:     "summarise",
		aliases:  []string{"summarize"},
		synopsis: []string{"--iod FILE [--underlying FILE] [--by lad|msoa|locality] [--localities FILE] [--format csv|json]"},
		about: `Summarise computes MHCLG's summary measures of the IoD for districts, MSOAs
or localities straight from the published files (no database): one row
per group, code,name, then for each index the file supports its average
score, average rank, proportion in the most deprived 10 %, extent and
local concentration, each with its rank. Warnings go to stderr.`,
		make: newSummariseCmd,
	}
}

// summariseCmd is "placeplan summarise": MHCLG's summary measures of the
// IoD for groupings of small areas (scenario.IoDAreas).
type summariseCmd struct {
	cmdLine
	iod        string // an IoD file in a published layout
	underlying string // IoD File 8, for the income and employment scale
	by         scenario.Grouping
	localities string // a locality definition CSV for --by locality
	format     string
}

func newSummariseCmd() command {
	c := &summariseCmd{cmdLine: newCmdLine("summarise")}
	fs := c.fs
	fs.StringVar(&c.iod, "iod", "", "IoD `FILE` in a published layout (File 7, the combined file, or Files 1-3 with File 6 populations)")
	fs.StringVar(&c.underlying, "underlying", "", "IoD File 8 (underlying indicators) `FILE`, for the income and employment scale")
	stringVar(fs, &c.by, "by", scenario.ByLAD, "group small areas by: `lad|msoa|locality`")
	fs.StringVar(&c.localities, "localities", "", "locality definition CSV `FILE` for --by locality (default: the embedded localities)")
	fs.StringVar(&c.format, "format", "csv", "output format: `csv|json`")
	return c
}

func (c *summariseCmd) validate() error {
	if c.iod == "" {
		return usageError{msg: "summarise: --iod FILE is required"}
	}
	if _, err := scenario.ParseGrouping(string(c.by)); err != nil {
		return usageError{msg: fmt.Sprintf("--by %q: use lad, msoa or locality", string(c.by))}
	}
	if err := c.noArgs(); err != nil {
		return err
	}
	if c.format != "csv" && c.format != "json" {
		return usageError{msg: fmt.Sprintf("--format %q: use csv or json", c.format)}
	}
	return nil
}

func (c *summariseCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	warn := func(ws []string) {
		for _, w := range ws {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
	}
	ia, err := scenario.ReadIoDAreas(ctx, scenario.IoDFiles{IoD: c.iod, Underlying: c.underlying})
	if err != nil {
		return err
	}
	warn(ia.Warnings())
	var locs []placeplan.Locality
	if c.by == scenario.ByLocality {
		defs, err := readLocalityDefs(c.localities)
		if err != nil {
			return err
		}
		var ws []string
		locs, ws, err = ia.ResolveLocalities(defs)
		warn(ws)
		if err != nil {
			return err
		}
	}
	s, err := ia.Summarise(c.by, locs)
	if err != nil {
		return err
	}
	warn(s.Warnings[len(ia.Warnings()):]) // the values' warnings went out above
	return writeTable(stdout, c.format, wire.SummaryTable(s))
}

// readLocalityDefs reads the locality definition CSV at path, or the
// embedded default's when path is empty.
func readLocalityDefs(path string) (*record.LocalityDefs, error) {
	if path == "" {
		return data.DefaultLocalities()
	}
	return scenario.ReadLocalityDefs(path)
}
