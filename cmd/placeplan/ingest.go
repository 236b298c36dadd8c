package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"placeplan"
	"placeplan/data"
	"placeplan/data/input"
	"placeplan/geo"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

func ingestSpec() spec {
	return spec{
		name: "ingest",
		synopsis: []string{
			"--db FILE [--crs EPSG:27700] [--geography lsoa11|lsoa21] [--layer NAME] [--quiet]",
			"[--publisher TEXT] [--licence TEXT] [--attribution TEXT] PATH...",
		},
		about: `Ingest recognises each file by its content and says what it found; files
may be plain, gzipped or zipped. All files of one ingest are stored in one
transaction: if any is bad, nothing is stored, and the error names the
file, line, column and area code. Progress on large files goes to stderr.`,
		make: newIngestCmd,
	}
}

// ingestCmd is "placeplan ingest": files into a database, in one
// transaction.
type ingestCmd struct {
	cmdLine
	db         string
	crs        string // CRS of vector files that do not name one
	geography  placeplan.Geography
	layer      string
	quiet      bool
	provenance input.Provenance

	parsedCRS geo.CRS // crs, checked by validate
}

func newIngestCmd() command {
	c := &ingestCmd{cmdLine: newCmdLine("ingest")}
	fs := c.fs
	fs.StringVar(&c.db, "db", "", "SQLite database `FILE` (created if missing)")
	fs.StringVar(&c.crs, "crs", "", "CRS of vector files that do not name one: `EPSG:27700` or EPSG:4326")
	stringVar(fs, &c.geography, "geography", "", "geography of indicator CSVs whose codes exist in both vintages: `lsoa11|lsoa21`")
	fs.StringVar(&c.layer, "layer", "", "point layer `NAME` (default: the file name); for GeoPackages, the table to read")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress output")
	fs.StringVar(&c.provenance.Publisher, "publisher", "", "who published the files, as `TEXT` (recorded with the datasets)")
	fs.StringVar(&c.provenance.Licence, "licence", "", "the files' licence, as `TEXT`")
	fs.StringVar(&c.provenance.Attribution, "attribution", "", "the attribution line the licence requires, as `TEXT`")
	return c
}

func (c *ingestCmd) validate() error {
	switch {
	case c.db == "":
		return usageError{msg: "ingest: --db FILE is required"}
	case len(c.args) == 0:
		return usageError{msg: "ingest: give at least one file to ingest"}
	}
	if err := checkGeography(c.geography); err != nil {
		return err
	}
	if c.crs != "" {
		crs, err := geo.ParseCRS(c.crs)
		if err != nil {
			return usageError{msg: "--crs: " + err.Error()}
		}
		c.parsedCRS = crs
	}
	return nil
}

func (c *ingestCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	opts := data.IngestOptions{CRS: c.parsedCRS, Geography: c.geography, Layer: c.layer, Provenance: c.provenance, By: cliActor()}
	if !c.quiet {
		opts.Progress = progressPrinter(stderr)
	}
	s, err := data.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	rep, err := s.IngestFiles(ctx, c.args, opts)
	if err != nil {
		return err
	}
	for _, l := range rep.Loaded {
		fmt.Fprintf(stdout, "loaded %s\n", l)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "ingest complete in %.1f s: %s is at revision %d\n", time.Since(start).Seconds(), c.db, rep.Revision)
	persistTiles(ctx, s, c.quiet, stdout, stderr)
	return nil
}

// persistTiles stores the map's first tiles of the new revision
// (tiles.Service.PersistTiles), encoded with serve's default suppression, so
// that the first start of placeplan serve answers them from the database.
// The ingest has committed: a failure here is a warning, not an error,
// and serve then encodes those tiles itself.
func persistTiles(ctx context.Context, s *data.Store, quiet bool, stdout, stderr io.Writer) {
	start := time.Now()
	svc := tiles.NewService(s, tiles.Options{Policy: scenario.Policy{Disclosure: placeplan.Disclosure{MinCount: defaultSuppressBelow}}})
	var progress tiles.PersistProgress
	if !quiet {
		progress = tilesProgressPrinter(stderr)
	}
	if err := svc.PersistTiles(ctx, progress); err != nil {
		fmt.Fprintf(stderr, "warning: the map's first tiles were not stored (serve will encode them): %v\n", err)
		return
	}
	fmt.Fprintf(stdout, "stored the map's first tiles in %.1f s\n", time.Since(start).Seconds())
}

// tilesProgressPrinter reports the tiles of each set stored, in steps of
// 25 %.
func tilesProgressPrinter(w io.Writer) tiles.PersistProgress {
	last := map[string]int{}
	return func(layer, fields string, done, total int) {
		name := layer
		if fields != "" {
			name += "?" + fields
		}
		step := done * 4 / max(total, 1)
		if prev, ok := last[name]; ok && step <= prev {
			return
		}
		last[name] = step
		fmt.Fprintf(w, "storing tiles %s: %3d%% of %d\n", name, step*25, total)
	}
}

// progressPrinter reports reading progress of files over 1 MB in steps of
// 10 %. IngestFiles reads two files at once, so it is called from more
// than one goroutine.
func progressPrinter(w io.Writer) func(file string, read, total int64) {
	var mu sync.Mutex
	last := map[string]int64{}
	return func(file string, read, total int64) {
		if total < 1<<20 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		step := read * 10 / total
		if prev, ok := last[file]; ok && step <= prev {
			return
		}
		last[file] = step
		fmt.Fprintf(w, "reading %s: %3d%% of %.1f MB\n", file, step*10, float64(total)/(1<<20))
	}
}

// checkGeography refuses a --geography other than lsoa11 and lsoa21 (none
// is fine: every geography).
func checkGeography(g placeplan.Geography) error {
	if g != "" && g != placeplan.LSOA2011 && g != placeplan.LSOA2021 {
		return usageError{msg: fmt.Sprintf("--geography %q: use lsoa11 or lsoa21", string(g))}
	}
	return nil
}
