// Command placeplan ingests deprivation and service-demand data for small
// areas, and serves it as map layers. Run "placeplan help" for usage.
package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"

	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"placeplan"
	"placeplan/api"
	"placeplan/data"
	"placeplan/geo"
	"placeplan/scenario"
)

// version is set at link time: -ldflags "-X main.version=…".
var version = "dev"

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1  // anything else, including internal errors
	exitUsage    = 2  // bad flags or arguments
	exitDataErr  = 65 // the input data is invalid or unsupported
	exitNotFound = 66 // a file, area or layer that does not exist
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError marks a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// scenarioArgs checks "placeplan scenario ACTION [ARG...]".
func (cfg *Config) scenarioArgs() error {
	if len(cfg.Paths) == 0 {
		return usageError{"scenario: give an action: list, show, history, create, update, archive, export or import"}
	}
	s := &cfg.Scen
	s.Action, s.Args = cfg.Paths[0], cfg.Paths[1:]
	need := map[string]int{"list": 0, "show": 1, "history": 1, "export": 1, "create": 0, "update": 1, "archive": 1}
	n, ok := need[s.Action]
	switch {
	case s.Action == "import":
		if len(s.Args) == 0 {
			return usageError{"scenario import: give the scenario files to import"}
		}
	case !ok:
		return usageError{fmt.Sprintf("scenario %q: use list, show, history, create, update, archive, export or import", s.Action)}
	case len(s.Args) != n:
		return usageError{fmt.Sprintf("scenario %s: want %d argument(s), got %d", s.Action, n, len(s.Args))}
	case (s.Action == "create" || s.Action == "update") && s.File == "":
		return usageError{"scenario " + s.Action + ": --file FILE is required"}
	case (s.Action == "update" || s.Action == "archive") && s.Base < 1:
		return usageError{"scenario " + s.Action + ": --base REVISION is required (placeplan scenario show ID gives it)"}
	case s.DocType != "yaml" && s.DocType != "json":
		return usageError{fmt.Sprintf("--as %q: use yaml or json", s.DocType)}
	case cfg.Format != "table" && cfg.Format != "json":
		return usageError{fmt.Sprintf("--format %q: use table or json", cfg.Format)}
	}
	return nil
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "placeplan: %v\nRun 'placeplan help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "placeplan: %s\n", placeplan.ErrorMessage(err))
	switch placeplan.ErrorCode(err) {
	case placeplan.EINVALID, placeplan.EUNSUPPORTED:
		return exitDataErr
	case placeplan.ENOTFOUND:
		return exitNotFound
	case placeplan.EINTERNAL:
		fmt.Fprintf(stderr, "placeplan: detail: %v\n", err)
	}
	return exitError
}

// Config is everything the command line can set.
type Config struct {
	DB            string // SQLite database path; "" for the embedded default (serve only)
	Create        bool   // serve: create DB from the embedded default when it does not exist
	BasemapStyle  string // serve: a MapLibre style URL for the web map's basemap
	Addr          string // HOST:PORT to serve on
	Format        string // csv, json or table
	LAD           string // local authority district code filter
	Geography     string // lsoa11 or lsoa21
	CRS           string // CRS for vector files that do not name one
	Layer         string // point layer name
	Quiet         bool   // no progress output
	Provenance    data.Provenance
	SuppressBelow float64  // small-number suppression threshold for confidential counts
	CORSOrigins   []string // serve: origins whose browser pages may read the API
	TileCacheMB   int64    // serve: memory bound of the vector-tile cache, MiB
	IoD           string   // summarise: an IoD file in a published layout
	Underlying    string   // summarise: IoD File 8 (for the income and employment scale)
	By            string   // summarise: lad, msoa or locality
	Localities    string   // summarise: a locality definition CSV
	Scenario      string   // score, plan: the scenario file (YAML or JSON)
	Scheme        string   // vintages: the locality scheme to compare
	Sites         SitesConfig
	Scen          ScenarioConfig // scenario, compare
	Paths         []string
}

const usage = `placeplan — population-health site selection and rollout planning

Usage:
  placeplan ingest --db FILE [--crs EPSG:27700] [--geography lsoa11|lsoa21] [--layer NAME] [--quiet]
                   [--publisher TEXT] [--licence TEXT] [--attribution TEXT] PATH...
  placeplan areas --db FILE [--lad CODE] [--geography lsoa11|lsoa21] [--format csv|json]
  placeplan localities --db FILE [--geography lsoa11|lsoa21] [--format csv|json]
  placeplan datasets --db FILE [--format csv|json]
  placeplan indicators --db FILE [--geography lsoa11|lsoa21] [--format csv|json]
  placeplan vintages --db FILE --scheme NAME [--format csv|json]
  placeplan serve [--db FILE [--create]] [--addr HOST:PORT] [--suppress-below N] [--cors-origin ORIGIN]
                  [--tile-cache-mb N] [--basemap-style URL]
  placeplan summarise --iod FILE [--underlying FILE] [--by lad|msoa|locality] [--localities FILE] [--format csv|json]
  placeplan score --scenario FILE [--db FILE] [--format table|csv|json]
  placeplan sites --demand FILE --candidates FILE [--matrix FILE] --model mclp|pmedian|lscp|capacitated --p N
                  --standard-km R | --standard-min M [--circuity F] [--speed-kmh V] [--fixed ID,...]
                  [--exclude ID,...] [--target-share S] [--seed S] [--format json|csv]
  placeplan plan --scenario FILE [--db FILE] [--format table|json]
  placeplan scenario list|show|history|create|update|archive|export|import [ID[@REV]|FILE...] [--db FILE]
                     [--file FILE] [--base REV] [--author NAME] [--note TEXT] [--all] [--as yaml|json] [--out FILE]
  placeplan compare A B [C...] [--db FILE] [--format table|json]
  placeplan version

ingest recognises each file by its content: English Indices of Deprivation
files (IoD2019 Files 1-9 and the combined file on LSOA 2011, IoD2025 on LSOA
2021), indicator CSVs with a metadata CSV, boundaries (GeoJSON, ESRI
Shapefile, GeoPackage; WGS84 or British National Grid), point layers (CSV or
GeoJSON), ONS lookups, centroids, MSOA names and locality definitions. Files
may be gzipped or zipped. All files of one ingest are stored in one
transaction: if any is bad, nothing is stored.

serve without --db serves the embedded default dataset (Shropshire, Telford
and Wrekin, Oxfordshire) in memory: nothing saved is kept after it stops.
serve --db FILE --create creates FILE from the embedded default the first
time and serves it, so saved scenarios are kept. Its first line on stdout
is "listening on URL"; the second says which data it serves.
`

// run is the program: it parses args and runs one subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		if len(rest) > 0 {
			return run(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintf(stdout, "placeplan %s\n", version)
		return nil
	}
	cfg, err := parseFlags(cmd, rest, stdout)
	if err != nil {
		return err
	}
	switch cmd {
	case "ingest":
		return cmdIngest(ctx, cfg, stdout, stderr)
	case "areas":
		return cmdAreas(ctx, cfg, stdout)
	case "localities":
		return cmdLocalities(ctx, cfg, stdout)
	case "datasets":
		return cmdDatasets(ctx, cfg, stdout)
	case "indicators":
		return cmdIndicators(ctx, cfg, stdout)
	case "vintages":
		return cmdVintages(ctx, cfg, stdout)
	case "serve":
		return cmdServe(ctx, cfg, stdout, stderr)
	case "summarise", "summarize":
		return cmdSummarise(ctx, cfg, stdout, stderr)
	case "score":
		return cmdScore(ctx, cfg, stdout, stderr)
	case "sites":
		return cmdSites(ctx, cfg, stdout)
	case "plan":
		return cmdPlan(ctx, cfg, stdout)
	case "scenario":
		return cmdScenario(ctx, cfg, stdout)
	case "compare":
		return cmdCompare(ctx, cfg, stdout)
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// parseFlags parses the flags of one subcommand, allowing flags after
// positional arguments ("ingest a.csv --db x.db").
func parseFlags(cmd string, args []string, stdout io.Writer) (Config, error) {
	cfg := Config{Format: "csv", Addr: api.DefaultAddr}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	switch cmd {
	case "ingest":
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE` (created if missing)")
		fs.StringVar(&cfg.CRS, "crs", "", "CRS of vector files that do not name one: EPSG:27700 or EPSG:4326")
		fs.StringVar(&cfg.Geography, "geography", "", "geography of indicator CSVs whose codes exist in both vintages: lsoa11 or lsoa21")
		fs.StringVar(&cfg.Layer, "layer", "", "point layer `NAME` (default: the file name); for GeoPackages, the table to read")
		fs.BoolVar(&cfg.Quiet, "quiet", false, "no progress output")
		fs.StringVar(&cfg.Provenance.Publisher, "publisher", "", "who published the files (recorded with the datasets)")
		fs.StringVar(&cfg.Provenance.Licence, "licence", "", "the files' licence")
		fs.StringVar(&cfg.Provenance.Attribution, "attribution", "", "the attribution line the licence requires")
	case "sites":
		sitesFlags(fs, &cfg)
	case "vintages":
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE`")
		fs.StringVar(&cfg.Scheme, "scheme", "", "the locality scheme to compare (placeplan localities lists them)")
		fs.StringVar(&cfg.Format, "format", "csv", "output format: csv or json")
	case "areas", "localities", "datasets", "indicators":
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE`")
		fs.StringVar(&cfg.Format, "format", "csv", "output format: csv or json")
		fs.StringVar(&cfg.Geography, "geography", "", "only this geography: lsoa11 or lsoa21")
		if cmd == "areas" {
			fs.StringVar(&cfg.LAD, "lad", "", "only areas in this local authority district `CODE`")
		}
	case "serve":
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE` (default: the embedded default dataset, in memory, kept nowhere)")
		fs.BoolVar(&cfg.Create, "create", false, "with --db: when FILE does not exist, create it (and its folder) holding the embedded default dataset")
		fs.StringVar(&cfg.Addr, "addr", api.DefaultAddr, "`HOST:PORT` to listen on (port 0 picks a free port)")
		fs.Float64Var(&cfg.SuppressBelow, "suppress-below", 5, "withhold confidential counts from 1 to N-1 (0 switches suppression off)")
		fs.StringVar(&cfg.BasemapStyle, "basemap-style", "", "absolute http(s) `URL` of a MapLibre style for the web map's basemap (default: drawn from placeplan's own layers; nothing leaves the machine)")
		fs.Int64Var(&cfg.TileCacheMB, "tile-cache-mb", api.DefaultTileCacheBytes>>20, "memory bound of the vector-tile cache in MiB")
		fs.Func("cors-origin", "allow browser pages from this `ORIGIN` (e.g. https://maps.example.org, or *) to read the API; repeatable", func(v string) error {
			cfg.CORSOrigins = append(cfg.CORSOrigins, v)
			return nil
		})
	case "summarise", "summarize":
		fs.StringVar(&cfg.IoD, "iod", "", "IoD `FILE` in a published layout (File 7, the combined file, or Files 1-3 with File 6 populations)")
		fs.StringVar(&cfg.Underlying, "underlying", "", "IoD File 8 (underlying indicators) `FILE`, for the income and employment scale")
		fs.StringVar(&cfg.By, "by", "lad", "group small areas by: lad, msoa or locality")
		fs.StringVar(&cfg.Localities, "localities", "", "locality definition CSV `FILE` for --by locality (default: the embedded localities)")
		fs.StringVar(&cfg.Format, "format", "csv", "output format: csv or json")
	case "score":
		fs.StringVar(&cfg.Scenario, "scenario", "", "scenario `FILE` (YAML or JSON; see docs/SCENARIOS.md), or a built-in scenario id")
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE` (default: the scenario's, else the embedded default dataset)")
		fs.StringVar(&cfg.Format, "format", "table", "output format: table, csv or json")
	case "scenario":
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE` holding the scenarios (default: the embedded data, read only)")
		fs.StringVar(&cfg.Scen.File, "file", "", "create, update: the scenario `FILE` (YAML or JSON)")
		fs.IntVar(&cfg.Scen.Base, "base", 0, "update, archive: the revision your change starts from (a stale one is refused)")
		fs.StringVar(&cfg.Scen.Author, "author", "", "who makes the change (default: $USER)")
		fs.StringVar(&cfg.Scen.Note, "note", "", "a short note on the change")
		fs.BoolVar(&cfg.Scen.All, "all", false, "list: archived scenarios too")
		fs.StringVar(&cfg.Scen.Out, "out", "", "export: write to `FILE` instead of stdout")
		fs.StringVar(&cfg.Scen.DocType, "as", "yaml", "show, export: yaml or json")
		fs.StringVar(&cfg.Format, "format", "table", "list: table or json")
	case "compare":
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE` (default: the embedded default data)")
		fs.StringVar(&cfg.Format, "format", "table", "output format: table or json")
	case "plan":
		fs.StringVar(&cfg.Scenario, "scenario", "", "scenario `FILE` with a sites section (YAML or JSON; see docs/SCENARIOS.md), or a built-in scenario id")
		fs.StringVar(&cfg.DB, "db", "", "SQLite database `FILE` (default: the scenario's, else the embedded default dataset)")
		fs.StringVar(&cfg.Format, "format", "table", "output format: table or json")
	default:
		return cfg, usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return cfg, err
			}
			return cfg, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		cfg.Paths = append(cfg.Paths, args[0])
		args = args[1:]
	}
	switch {
	case (cmd == "summarise" || cmd == "summarize") && cfg.IoD == "":
		return cfg, usageError{"summarise: --iod FILE is required"}
	case (cmd == "summarise" || cmd == "summarize") && cfg.By != "lad" && cfg.By != "msoa" && cfg.By != "locality":
		return cfg, usageError{fmt.Sprintf("--by %q: use lad, msoa or locality", cfg.By)}
	case cmd == "sites":
		if err := cfg.Sites.check(); err != nil {
			return cfg, err
		}
	case cmd == "vintages" && cfg.Scheme == "":
		return cfg, usageError{"vintages: --scheme NAME is required"}
	case (cmd == "score" || cmd == "plan") && cfg.Scenario == "":
		return cfg, usageError{cmd + ": --scenario FILE is required"}
	case cmd == "plan" && cfg.Format != "table" && cfg.Format != "json":
		return cfg, usageError{fmt.Sprintf("--format %q: use table or json", cfg.Format)}
	case cmd == "score" && cfg.Format != "table" && cfg.Format != "csv" && cfg.Format != "json":
		return cfg, usageError{fmt.Sprintf("--format %q: use table, csv or json", cfg.Format)}
	case cmd == "scenario":
		if err := cfg.scenarioArgs(); err != nil {
			return cfg, err
		}
	case cmd == "compare" && len(cfg.Paths) < 2:
		return cfg, usageError{"compare: give two or more scenarios: ids (id or id@revision), built-in ids or files"}
	case cmd == "compare" && cfg.Format != "table" && cfg.Format != "json":
		return cfg, usageError{fmt.Sprintf("--format %q: use table or json", cfg.Format)}
	case cmd == "compare":
		cfg.Scen.Args = cfg.Paths
	case cmd != "serve" && cmd != "summarise" && cmd != "summarize" && cmd != "score" && cmd != "plan" && cmd != "sites" && cfg.DB == "":
		return cfg, usageError{cmd + ": --db FILE is required"}
	case cmd == "ingest" && len(cfg.Paths) == 0:
		return cfg, usageError{"ingest: give at least one file to ingest"}
	case cmd != "ingest" && len(cfg.Paths) > 0:
		return cfg, usageError{fmt.Sprintf("%s: unexpected argument %q", cmd, cfg.Paths[0])}
	case cmd != "score" && cmd != "plan" && cfg.Format != "csv" && cfg.Format != "json":
		return cfg, usageError{fmt.Sprintf("--format %q: use csv or json", cfg.Format)}
	case cfg.Geography != "" && cfg.Geography != string(placeplan.LSOA2011) && cfg.Geography != string(placeplan.LSOA2021):
		return cfg, usageError{fmt.Sprintf("--geography %q: use lsoa11 or lsoa21", cfg.Geography)}
	case cfg.TileCacheMB < 0:
		return cfg, usageError{"--tile-cache-mb must not be negative"}
	case cfg.SuppressBelow < 0:
		return cfg, usageError{"--suppress-below must not be negative"}
	case cfg.Create && cfg.DB == "":
		return cfg, usageError{"--create needs --db FILE: the database file to create from the embedded default dataset"}
	case cfg.BasemapStyle != "":
		if err := checkBasemapStyle(cfg.BasemapStyle); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// checkBasemapStyle refuses a basemap style that is not an absolute http
// or https URL: the browser fetches it, so a file path or a relative URL
// could only fail there, later and less clearly.
func checkBasemapStyle(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("--basemap-style %q: want the absolute http or https URL of a MapLibre style, such as https://tiles.example.org/styles/basic.json", v)}
	}
	return nil
}

// openServed opens the store serve serves: the embedded default in
// memory without --db; with --db the file, created first from the
// embedded default when --create asks and it does not exist. It returns
// the line that tells the user what is served and whether their work is
// kept.
func openServed(ctx context.Context, cfg Config, logger *slog.Logger) (*data.Store, string, error) {
	if cfg.DB == "" {
		s, err := data.Open(ctx, ":memory:")
		if err != nil {
			return nil, "", err
		}
		rep, err := data.LoadDefault(ctx, s)
		if err != nil {
			s.Close()
			return nil, "", err
		}
		logger.Info("loaded the embedded default dataset", "files", len(rep.Loaded))
		return s, "serving the embedded default dataset in memory: nothing saved (scenarios, revisions) is kept after placeplan stops; " +
			"to keep your work, serve a database file: placeplan serve --db FILE --create", nil
	}
	path := cfg.DB
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	created := false
	if _, err := os.Stat(cfg.DB); errors.Is(err, fs.ErrNotExist) {
		if !cfg.Create {
			return nil, "", placeplan.Errorf(placeplan.ENOTFOUND, "database %s does not exist (placeplan serve --db %s --create creates it "+
				"from the embedded default dataset; placeplan ingest --db %s FILE... from your own files)", cfg.DB, cfg.DB, cfg.DB)
		}
		rep, err := data.CreateDefault(ctx, cfg.DB)
		switch {
		case placeplan.ErrorCode(err) == placeplan.ECONFLICT: // created meanwhile by another placeplan: serve it
		case err != nil:
			return nil, "", err
		default:
			created = true
			logger.Info("created the database from the embedded default dataset", "path", path, "files", len(rep.Loaded))
		}
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return nil, "", err
	}
	if created {
		return s, "serving database " + path + " (created now from the embedded default dataset): what you save is kept there", nil
	}
	return s, "serving database " + path + ": what you save is kept there", nil
}

// openExisting opens a database that must already exist, so that a typo in
// --db is reported instead of creating an empty database.
func openExisting(ctx context.Context, path string) (*data.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, placeplan.Errorf(placeplan.ENOTFOUND, "database %s does not exist (create it with placeplan ingest --db %s FILE...)", path, path)
	}
	return data.Open(ctx, path)
}

func cmdIngest(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	opts := data.IngestOptions{Geography: placeplan.Geography(cfg.Geography), Layer: cfg.Layer, Provenance: cfg.Provenance}
	if cfg.CRS != "" {
		c, err := geo.ParseCRS(cfg.CRS)
		if err != nil {
			return usageError{"--crs: " + err.Error()}
		}
		opts.CRS = c
	}
	if !cfg.Quiet {
		opts.Progress = progressPrinter(stderr)
	}
	s, err := data.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	rep, err := s.IngestFiles(ctx, cfg.Paths, opts)
	if err != nil {
		return err
	}
	for _, l := range rep.Loaded {
		fmt.Fprintf(stdout, "loaded %s\n", l)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "ingest complete in %.1f s: %s is at revision %d\n", time.Since(start).Seconds(), cfg.DB, rep.Revision)
	return nil
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

func cmdAreas(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	areas, err := s.Areas(ctx, data.AreaQuery{Geography: placeplan.Geography(cfg.Geography), LAD: cfg.LAD})
	if err != nil {
		return err
	}
	if cfg.LAD != "" && len(areas) == 0 {
		return placeplan.Errorf(placeplan.ENOTFOUND, "no areas in district %s", cfg.LAD)
	}
	header := []string{"code", "name", "msoa_code", "lad_code", "vintage", "lon", "lat"}
	rows := make([][]string, len(areas))
	for i, a := range areas {
		lon, lat := "", ""
		if a.PointKind != "" {
			lon, lat = coord(a.Point[0]), coord(a.Point[1])
		}
		rows[i] = []string{a.Code, a.Name, a.MSOACode, a.LADCode, string(a.Geography), lon, lat}
	}
	return writeRows(stdout, cfg.Format, header, rows)
}

func cmdLocalities(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	locs, err := s.Localities(ctx, placeplan.Geography(cfg.Geography))
	if err != nil {
		return err
	}
	header := []string{"scheme", "locality", "geography", "area_count", "definition", "area_codes"}
	rows := make([][]string, len(locs))
	for i, l := range locs {
		rows[i] = []string{l.Scheme, l.Name, string(l.Geography), strconv.Itoa(len(l.Areas)), l.Definition, strings.Join(l.Areas, ";")}
	}
	return writeRows(stdout, cfg.Format, header, rows)
}

func cmdDatasets(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	ds, err := s.Datasets(ctx)
	if err != nil {
		return err
	}
	header := []string{"id", "kind", "format", "vintage", "geography", "source", "records", "licence", "attribution", "ingested_at"}
	rows := make([][]string, len(ds))
	for i, d := range ds {
		rows[i] = []string{strconv.FormatInt(d.ID, 10), d.Kind, d.Format, d.Vintage, string(d.Geography), d.Source,
			strconv.Itoa(d.Records), d.Licence, d.Attribution, d.IngestedAt.Format(time.RFC3339)}
	}
	return writeRows(stdout, cfg.Format, header, rows)
}

func coord(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// writeRows writes a table as CSV, or as JSON objects keyed by the header
// (numbers where a column holds numbers).
func writeRows(w io.Writer, format string, header []string, rows [][]string) error {
	if format == "json" {
		out := make([]map[string]any, len(rows))
		for i, r := range rows {
			m := map[string]any{}
			for j, h := range header {
				m[h] = jsonValue(h, r[j])
			}
			out[i] = m
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	cw := csv.NewWriter(w)
	cw.Write(header)
	cw.WriteAll(rows)
	return cw.Error()
}

func jsonValue(col, v string) any {
	switch col {
	case "lon", "lat", "records", "area_count", "id":
		if v == "" {
			return nil
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case "area_codes":
		if v == "" {
			return []string{}
		}
		return strings.Split(v, ";")
	}
	return v
}

func cmdServe(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	s, serving, err := openServed(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer s.Close()
	// The shipped scenarios, so a new user sees plans and comparisons at
	// once; stored ones are never overwritten.
	if added, err := scenario.SeedBuiltins(ctx, s); err != nil {
		return err
	} else if len(added) > 0 {
		logger.Info("stored the shipped scenarios", "ids", added)
	}
	srv := api.NewServer(api.Config{Addr: cfg.Addr, Version: version, CORSOrigins: cfg.CORSOrigins, TileCacheBytes: cfg.TileCacheMB << 20,
		Disclosure: placeplan.Disclosure{MinCount: cfg.SuppressBelow}, Persistent: cfg.DB != "", BasemapStyle: cfg.BasemapStyle}, s, logger)
	if err := srv.Start(); err != nil {
		return placeplan.Errorf(placeplan.EINVALID, "serve on %s: %w", cfg.Addr, err)
	}
	fmt.Fprintf(stdout, "listening on %s\n%s\n", srv.URL(), serving)
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logger.Info("shutting down")
	return srv.Shutdown(shutdownCtx)
}
