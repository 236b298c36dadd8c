package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/wire"
)

func scenarioSpec() spec {
	return spec{
		name: "scenario",
		synopsis: []string{
			"list|show|history|create|update|archive|export|import [ID[@REV]|FILE...] [--db FILE]",
			"[--file FILE] [--base REV] [--author NAME] [--note TEXT] [--all] [--as yaml|json] [--out FILE]",
		},
		about: `Scenario keeps scenarios in the database's registry. create validates a
scenario against the data (nothing is stored when it names an unknown
indicator, locality or site, or cannot be met) and stores it as revision 1;
update ID --base N stores revision N+1 only if the scenario is still at N
(else it says someone else changed it); every revision is kept, with who,
when, a note and what changed (history); show ID@N, export and import move
documents in and out; archive hides a scenario and keeps its revisions. The
shipped scenarios are stored the first time a database is used. Without
--db, the actions that read work on the embedded default data.`,
		subs: []spec{
			{name: "list", synopsis: []string{"[--db FILE] [--all] [--format table|json]"},
				about: "List prints the stored scenarios: id, revision, when it was last changed, and name.", make: newScenarioListCmd},
			{name: "show", synopsis: []string{"ID[@REV] [--db FILE] [--as yaml|json] [--out FILE]"},
				about: "Show prints a scenario's document (the current revision, or REV) after a header\nsaying who saved it when, with what note and changes.", make: newScenarioShowCmd},
			{name: "history", synopsis: []string{"ID [--db FILE]"},
				about: "History lists a scenario's revisions: who, when, note and what changed; and, last, who archived it, when and why.", make: newScenarioHistoryCmd},
			{name: "create", synopsis: []string{"--file FILE --db FILE [--author NAME] [--note TEXT]"},
				about: "Create validates the scenario in FILE against the data and stores it as revision 1.", make: newScenarioCreateCmd},
			{name: "update", synopsis: []string{"ID --file FILE --base REV --db FILE [--author NAME] [--note TEXT]"},
				about: "Update stores FILE as revision REV+1 of ID, only if ID is still at REV; else it says who saved\nwhat since, and exits 3.", make: newScenarioUpdateCmd},
			{name: "archive", synopsis: []string{"ID --base REV --db FILE [--author NAME] [--note TEXT]"},
				about: "Archive hides a scenario (if it is still at REV; else exit 3) and keeps its revisions; history\nshows who archived it, when and with what note.", make: newScenarioArchiveCmd},
			{name: "export", synopsis: []string{"ID[@REV] [--db FILE] [--as yaml|json] [--out FILE]"},
				about: "Export writes a scenario's document, as import reads it.", make: newScenarioExportCmd},
			{name: "import", synopsis: []string{"FILE... --db FILE [--author NAME] [--note TEXT]"},
				about: "Import stores each scenario document as a new scenario, unless one holds the same document already\n(then it says which, on stderr, and stores nothing).", make: newScenarioImportCmd},
		},
	}
}

// defineDB defines --db for the scenario commands.
func defineDB(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "db", "", "SQLite database `FILE` holding the scenarios (default: the embedded data, read only)")
}

// change is who makes a change to the registry, and why.
type change struct {
	author string
	note   string
}

func (ch *change) define(fs *flag.FlagSet) {
	fs.StringVar(&ch.author, "author", "", "the `NAME` of who makes the change (default: $USER)")
	fs.StringVar(&ch.note, "note", "", "a short note on the change, as `TEXT`")
}

// who is the author, else $USER.
func (ch change) who() placeplan.Actor {
	if ch.author != "" {
		return placeplan.Actor{Name: ch.author}
	}
	if u := os.Getenv("USER"); u != "" {
		return placeplan.Actor{Name: u}
	}
	return placeplan.Actor{Name: "unknown"}
}

// wantArgs checks that an action has n arguments.
func wantArgs(c *cmdLine, n int) error {
	if len(c.args) != n {
		return usageError{msg: fmt.Sprintf("%s: want %d argument(s), got %d", c.fs.Name(), n, len(c.args))}
	}
	return nil
}

// storing refuses to change the registry without --db.
func storing(db string) error {
	if db == "" {
		return usageError{msg: "scenario: --db FILE is required to store scenarios"}
	}
	return nil
}

func checkBase(c *cmdLine, base int) error {
	if base < 1 {
		return usageError{msg: c.fs.Name() + ": --base REVISION is required (placeplan scenario show ID gives it)"}
	}
	return nil
}

// scenarioListCmd is "placeplan scenario list".
type scenarioListCmd struct {
	cmdLine
	db     string
	all    bool // archived scenarios too
	format string
}

func newScenarioListCmd() command {
	c := &scenarioListCmd{cmdLine: newCmdLine("scenario list")}
	defineDB(c.fs, &c.db)
	c.fs.BoolVar(&c.all, "all", false, "archived scenarios too")
	c.fs.StringVar(&c.format, "format", "table", "output format: `table|json`")
	return c
}

func (c *scenarioListCmd) validate() error {
	if err := wantArgs(&c.cmdLine, 0); err != nil {
		return err
	}
	if c.format != "table" && c.format != "json" {
		return usageError{msg: fmt.Sprintf("--format %q: use table or json", c.format)}
	}
	return nil
}

func (c *scenarioListCmd) run(ctx context.Context, stdout io.Writer) error {
	st, err := openRegistry(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	recs, err := scenario.List(ctx, st, c.all)
	if err != nil {
		return err
	}
	if c.format == "json" {
		type row struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Revision int    `json:"revision"`
			Updated  string `json:"updated"`
			Archived bool   `json:"archived"`
		}
		out := []row{}
		for _, r := range recs {
			out = append(out, row{r.ID, r.Name, r.Revision, r.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"), r.Archived})
		}
		return writeJSON(stdout, out)
	}
	tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\trevision\tupdated\tname")
	for _, r := range recs {
		name := r.Name
		if r.Archived {
			name += " (archived)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", r.ID, r.Revision, r.UpdatedAt.UTC().Format("2006-01-02 15:04"), name)
	}
	return tw.Flush()
}

// document is the config of the actions that write out a scenario's
// document: show and export.
type document struct {
	db  string
	as  string // yaml or json
	out string // a file instead of stdout
}

func (d *document) define(fs *flag.FlagSet) {
	defineDB(fs, &d.db)
	fs.StringVar(&d.as, "as", "yaml", "document format: `yaml|json`")
	fs.StringVar(&d.out, "out", "", "write to `FILE` instead of stdout")
}

// write writes the document of the scenario ref (id or id@revision),
// after a header saying who saved it when if header is set.
func (d *document) write(ctx context.Context, stdout io.Writer, ref string, header bool) error {
	st, err := openRegistry(ctx, d.db)
	if err != nil {
		return err
	}
	defer st.Close()
	saved, err := getRef(ctx, st, ref)
	if err != nil {
		return err
	}
	w := stdout
	if d.out != "" {
		f, err := os.Create(d.out)
		if err != nil {
			return placeplan.Errorf(placeplan.EINVALID, "--out %s: %v", d.out, err)
		}
		defer f.Close()
		w = f
	}
	if header {
		fmt.Fprintf(w, "# %s — revision %d of %d, by %s on %s", saved.ID, saved.Revision, saved.Current, saved.Author, saved.Created.UTC().Format("2006-01-02 15:04"))
		if saved.Archived {
			fmt.Fprint(w, " (archived)")
		}
		fmt.Fprintln(w)
		if saved.Note != "" {
			fmt.Fprintf(w, "# note: %s\n", saved.Note)
		}
		if saved.Changes != "" {
			fmt.Fprintf(w, "# changes: %s\n", saved.Changes)
		}
	}
	if d.as == "json" {
		return writeJSON(w, saved.Scenario)
	}
	b, err := saved.Scenario.YAML()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// scenarioDocumentCmd is "placeplan scenario show" (header set: the
// document after who saved it when) and "placeplan scenario export" (the
// document alone, as import reads it).
type scenarioDocumentCmd struct {
	cmdLine
	document
	header bool
}

func newScenarioShowCmd() command {
	c := &scenarioDocumentCmd{cmdLine: newCmdLine("scenario show"), header: true}
	c.document.define(c.fs)
	return c
}

func newScenarioExportCmd() command {
	c := &scenarioDocumentCmd{cmdLine: newCmdLine("scenario export")}
	c.document.define(c.fs)
	return c
}

func (c *scenarioDocumentCmd) validate() error {
	if err := wantArgs(&c.cmdLine, 1); err != nil {
		return err
	}
	if c.as != "yaml" && c.as != "json" {
		return usageError{msg: fmt.Sprintf("--as %q: use yaml or json", c.as)}
	}
	return nil
}

func (c *scenarioDocumentCmd) run(ctx context.Context, stdout io.Writer) error {
	return c.write(ctx, stdout, c.args[0], c.header)
}

// scenarioHistoryCmd is "placeplan scenario history".
type scenarioHistoryCmd struct {
	cmdLine
	db string
}

func newScenarioHistoryCmd() command {
	c := &scenarioHistoryCmd{cmdLine: newCmdLine("scenario history")}
	defineDB(c.fs, &c.db)
	return c
}

func (c *scenarioHistoryCmd) validate() error { return wantArgs(&c.cmdLine, 1) }

func (c *scenarioHistoryCmd) run(ctx context.Context, stdout io.Writer) error {
	st, err := openRegistry(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	rec, revs, err := scenario.History(ctx, st, c.args[0])
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "revision\twhen\twho\tnote\tchanges")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Revision, r.CreatedAt.UTC().Format("2006-01-02 15:04"), r.Author, r.Note, r.Changes)
	}
	if rec.Archived {
		fmt.Fprintf(tw, "archived\t%s\t%s\t%s\tarchived at revision %d (kept)\n", rec.ArchivedAt.UTC().Format("2006-01-02 15:04"), rec.ArchivedBy, rec.ArchiveNote, rec.Revision)
	}
	return tw.Flush()
}

// scenarioCreateCmd is "placeplan scenario create".
type scenarioCreateCmd struct {
	cmdLine
	change
	db   string
	file string
}

func newScenarioCreateCmd() command {
	c := &scenarioCreateCmd{cmdLine: newCmdLine("scenario create")}
	defineDB(c.fs, &c.db)
	c.fs.StringVar(&c.file, "file", "", "the scenario `FILE` (YAML or JSON)")
	c.change.define(c.fs)
	return c
}

func (c *scenarioCreateCmd) validate() error {
	if err := wantArgs(&c.cmdLine, 0); err != nil {
		return err
	}
	if c.file == "" {
		return usageError{msg: "scenario create: --file FILE is required"}
	}
	return storing(c.db)
}

func (c *scenarioCreateCmd) run(ctx context.Context, stdout io.Writer) error {
	st, sc, err := openWithFile(ctx, c.db, c.file)
	if err != nil {
		return err
	}
	defer st.Close()
	saved, err := scenario.Create(ctx, st, sc, c.who(), c.note)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\t%s\n", saved.Label(), sc.Name)
	return err
}

// scenarioImportCmd is "placeplan scenario import".
type scenarioImportCmd struct {
	cmdLine
	change
	db string
}

func newScenarioImportCmd() command {
	c := &scenarioImportCmd{cmdLine: newCmdLine("scenario import")}
	defineDB(c.fs, &c.db)
	c.change.define(c.fs)
	return c
}

func (c *scenarioImportCmd) validate() error {
	if len(c.args) == 0 {
		return usageError{msg: "scenario import: give the scenario files to import"}
	}
	return storing(c.db)
}

// run stores each file as a new scenario and prints its id@revision and
// name; a document already stored is not stored again: it prints where
// it is, and says so on stderr.
func (c *scenarioImportCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	st, err := openRegistry(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, f := range c.args {
		sc, err := scenario.ReadFile(f)
		if err != nil {
			return err
		}
		saved, existing, err := scenario.Import(ctx, st, sc, c.who(), c.note)
		if err != nil {
			return err
		}
		if existing {
			fmt.Fprintf(stderr, "placeplan: %s is already stored as %s (the same document): not imported again\n", f, saved.Label())
		}
		fmt.Fprintf(stdout, "%s\t%s\n", saved.Label(), sc.Name)
	}
	return nil
}

// scenarioUpdateCmd is "placeplan scenario update".
type scenarioUpdateCmd struct {
	cmdLine
	change
	db   string
	file string
	base int // the revision the change starts from
}

func newScenarioUpdateCmd() command {
	c := &scenarioUpdateCmd{cmdLine: newCmdLine("scenario update")}
	defineDB(c.fs, &c.db)
	c.fs.StringVar(&c.file, "file", "", "the scenario `FILE` (YAML or JSON)")
	c.fs.IntVar(&c.base, "base", 0, "the `REVISION` your change starts from (a stale one is refused)")
	c.change.define(c.fs)
	return c
}

func (c *scenarioUpdateCmd) validate() error {
	if err := wantArgs(&c.cmdLine, 1); err != nil {
		return err
	}
	if c.file == "" {
		return usageError{msg: "scenario update: --file FILE is required"}
	}
	if err := checkBase(&c.cmdLine, c.base); err != nil {
		return err
	}
	return storing(c.db)
}

func (c *scenarioUpdateCmd) run(ctx context.Context, stdout io.Writer) error {
	st, sc, err := openWithFile(ctx, c.db, c.file)
	if err != nil {
		return err
	}
	defer st.Close()
	saved, err := scenario.Update(ctx, st, c.args[0], c.base, sc, c.who(), c.note)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\t%s\n", saved.Label(), saved.Changes)
	return nil
}

// scenarioArchiveCmd is "placeplan scenario archive".
type scenarioArchiveCmd struct {
	cmdLine
	change
	db   string
	base int // the revision the change starts from
}

func newScenarioArchiveCmd() command {
	c := &scenarioArchiveCmd{cmdLine: newCmdLine("scenario archive")}
	defineDB(c.fs, &c.db)
	c.fs.IntVar(&c.base, "base", 0, "the `REVISION` your change starts from (a stale one is refused)")
	c.change.define(c.fs)
	return c
}

func (c *scenarioArchiveCmd) validate() error {
	if err := wantArgs(&c.cmdLine, 1); err != nil {
		return err
	}
	if err := checkBase(&c.cmdLine, c.base); err != nil {
		return err
	}
	return storing(c.db)
}

func (c *scenarioArchiveCmd) run(ctx context.Context, stdout io.Writer) error {
	st, err := openRegistry(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	return scenario.Archive(ctx, st, c.args[0], c.base, c.who(), c.note)
}

// openRegistry opens --db (scenarios are stored there) and stores the
// shipped scenarios it lacks; without --db, the embedded default data in
// memory, where nothing lasts beyond the command.
// openWithFile opens the registry of db and reads the scenario file; the
// caller closes the store.
func openWithFile(ctx context.Context, db, file string) (*data.Store, *scenario.Scenario, error) {
	st, err := openRegistry(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	sc, err := scenario.ReadFile(file)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, sc, nil
}

func openRegistry(ctx context.Context, path string) (*data.Store, error) {
	var st *data.Store
	var err error
	if path == "" {
		st, err = openScenarioStore(ctx, "", &scenario.Scenario{})
	} else {
		st, err = openExisting(ctx, path)
	}
	if err != nil {
		return nil, err
	}
	if _, err := scenario.SeedBuiltins(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// getRef reads "id" or "id@revision" from the registry.
func getRef(ctx context.Context, st *data.Store, ref string) (scenario.Saved, error) {
	id, rev, err := scenario.ParseRef(ref)
	if err != nil {
		return scenario.Saved{}, err
	}
	return scenario.Get(ctx, st, id, rev)
}

func compareSpec() spec {
	return spec{
		name:     "compare",
		synopsis: []string{"A B [C...] [--db FILE] [--format table|csv|json] [--table localities|sites|phases|areas]"},
		about: `Compare sets two or more scenarios (registry ids, id@revision, shipped ids
or files) side by side: the assumptions that differ, need ranks and their
changes, sites in and out with their phases, coverage per phase, equity and
how many areas each reaches; --format csv prints one table of it, a row per
scenario (--table). Try: placeplan compare shropshire-five-teams
shropshire-five-teams-30min`,
		make: newCompareCmd,
	}
}

// compareCmd is "placeplan compare": two or more scenarios side by side.
type compareCmd struct {
	cmdLine
	db string
	tableOut
}

func newCompareCmd() command {
	c := &compareCmd{cmdLine: newCmdLine("compare")}
	c.fs.StringVar(&c.db, "db", "", "SQLite database `FILE` (default: the embedded default data)")
	c.tableOut.define(c.fs, wire.CompareTableNames())
	return c
}

func (c *compareCmd) validate() error {
	if len(c.args) < 2 {
		return usageError{msg: "compare: give two or more scenarios: ids (id or id@revision), built-in ids or files"}
	}
	return c.tableOut.check()
}

func (c *compareCmd) run(ctx context.Context, stdout io.Writer) error {
	st, err := openRegistry(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	var items []scenario.Compared
	for _, ref := range c.args {
		label, sc, err := scenario.Resolve(ctx, st, ref, true)
		if err != nil {
			return err
		}
		it := scenario.Compared{Label: label, Scenario: sc}
		if sc.Sites != nil {
			if it.Plan, err = scenario.Plan(ctx, st, sc); err != nil {
				return placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", label)
			}
			it.Score = it.Plan.Score
		} else if it.Score, err = scenario.Score(ctx, st, sc); err != nil {
			return placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", label)
		}
		items = append(items, it)
	}
	cmp, err := scenario.Compare(items)
	if err != nil {
		return err
	}
	doc := wire.NewCompare(cmp)
	switch c.format {
	case "json":
		return writeJSON(stdout, doc)
	case "csv":
		return wire.CompareTableOf(doc, c.table).WriteCSV(stdout)
	}
	return writeCompareTable(stdout, doc)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeCompareTable prints a comparison for reading.
func writeCompareTable(w io.Writer, d wire.Compare) error {
	for k, l := range d.Labels {
		fmt.Fprintf(w, "%c  %s — %s\n", 'A'+k, l, d.Names[k])
	}
	fmt.Fprintln(w)
	for _, s := range d.Summary {
		fmt.Fprintf(w, "%s\n", wrap(s, 78, "  "))
	}
	cols := make([]string, len(d.Labels))
	for k := range cols {
		cols[k] = string(rune('A' + k))
	}
	head := strings.Join(cols, "\t")
	if len(d.Differences) > 0 {
		fmt.Fprintln(w, "\nAssumptions that differ:")
		tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "field\t%s\n", head)
		for _, x := range d.Differences {
			fmt.Fprintf(tw, "%s\t%s\n", x.Field, strings.Join(x.Values, "\t"))
		}
		tw.Flush()
	}
	if len(d.Sites) > 0 {
		fmt.Fprintln(w, "\nSites (the phase each opens in):")
		tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "site\t%s\n", head)
		for _, s := range d.Sites {
			cells := make([]string, len(s.Phase))
			for k, p := range s.Phase {
				cells[k] = "–"
				if s.Chosen[k] {
					cells[k] = p
				}
			}
			fmt.Fprintf(tw, "%s\t%s\n", s.ID, strings.Join(cells, "\t"))
		}
		tw.Flush()
	}
	if len(d.Phases) > 0 {
		fmt.Fprintln(w, "\nDemand reached by the end of each phase (share of the most deprived decile's population):")
		tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "phase\t%s\n", head)
		for _, p := range d.Phases {
			cells := make([]string, len(p.WeightShare))
			for k := range cells {
				cells[k] = "–"
				if p.WeightShare[k] != nil {
					cells[k] = fmt.Sprintf("%s %.0f %% (%s)", p.Labels[k], 100**p.WeightShare[k], pctOrDash(p.MostDeprivedShare[k]))
				}
			}
			fmt.Fprintf(tw, "%d\t%s\n", p.Index+1, strings.Join(cells, "\t"))
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\nNeed ranks:")
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "locality\t%s\tchange\n", head)
	for _, l := range d.Localities {
		cells := make([]string, len(l.Ranks))
		for k, r := range l.Ranks {
			cells[k] = "–"
			if r != nil {
				cells[k] = strconv.Itoa(*r)
			}
		}
		change := ""
		if l.Change != 0 {
			change = fmt.Sprintf("%+d", l.Change)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.Locality, strings.Join(cells, "\t"), change)
	}
	return tw.Flush()
}

func pctOrDash(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100**p)
}
