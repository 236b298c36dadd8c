package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"placeplan"
	"placeplan/api"
	"placeplan/data"
	"placeplan/scenario"
)

// ScenarioConfig is the command line of "placeplan scenario" and
// "placeplan compare".
type ScenarioConfig struct {
	Action  string // list, show, history, create, update, archive, export, import
	Args    []string
	File    string // create, update: the scenario document
	Base    int    // update, archive: the revision the change starts from
	Author  string
	Note    string
	All     bool   // list: archived scenarios too
	Out     string // export: write here instead of stdout
	DocType string // show, export: yaml or json
}

// openRegistry opens --db (scenarios are stored there) and stores the
// shipped scenarios it lacks; without --db, the embedded default data in
// memory, where nothing lasts beyond the command.
func openRegistry(ctx context.Context, path string, writing bool) (*data.Store, error) {
	var st *data.Store
	var err error
	if path == "" {
		if writing {
			return nil, usageError{"scenario: --db FILE is required to store scenarios"}
		}
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

func author(a string) string {
	if a != "" {
		return a
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// cmdScenario manages the scenario registry.
func cmdScenario(ctx context.Context, cfg Config, stdout io.Writer) error {
	s := cfg.Scen
	writing := s.Action == "create" || s.Action == "update" || s.Action == "archive" || s.Action == "import"
	st, err := openRegistry(ctx, cfg.DB, writing)
	if err != nil {
		return err
	}
	defer st.Close()
	switch s.Action {
	case "list":
		recs, err := scenario.List(ctx, st, s.All)
		if err != nil {
			return err
		}
		if cfg.Format == "json" {
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
	case "show", "export":
		saved, err := getRef(ctx, st, s.Args[0])
		if err != nil {
			return err
		}
		w := stdout
		if s.Out != "" {
			f, err := os.Create(s.Out)
			if err != nil {
				return placeplan.Errorf(placeplan.EINVALID, "--out %s: %v", s.Out, err)
			}
			defer f.Close()
			w = f
		}
		if s.Action == "show" {
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
		if s.DocType == "json" {
			return writeJSON(w, saved.Scenario)
		}
		b, err := saved.Scenario.YAML()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "history":
		revs, err := scenario.History(ctx, st, s.Args[0])
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "revision\twhen\twho\tnote\tchanges")
		for _, r := range revs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Revision, r.CreatedAt.UTC().Format("2006-01-02 15:04"), r.Author, r.Note, r.Changes)
		}
		return tw.Flush()
	case "create", "import":
		files := s.Args
		if s.Action == "create" {
			files = []string{s.File}
		}
		for _, f := range files {
			sc, err := scenario.ReadFile(f)
			if err != nil {
				return err
			}
			saved, err := scenario.Create(ctx, st, sc, author(s.Author), s.Note)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\t%s\n", saved.Label(), sc.Name)
		}
		return nil
	case "update":
		sc, err := scenario.ReadFile(s.File)
		if err != nil {
			return err
		}
		saved, err := scenario.Update(ctx, st, s.Args[0], s.Base, sc, author(s.Author), s.Note)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\t%s\n", saved.Label(), saved.Changes)
		return nil
	case "archive":
		return scenario.Archive(ctx, st, s.Args[0], s.Base, author(s.Author), s.Note)
	}
	return usageError{fmt.Sprintf("scenario %q: use list, show, history, create, update, archive, export or import", s.Action)}
}

// getRef reads "id" or "id@revision" from the registry.
func getRef(ctx context.Context, st *data.Store, ref string) (scenario.Saved, error) {
	id, rev, err := scenario.ParseRef(ref)
	if err != nil {
		return scenario.Saved{}, err
	}
	return scenario.Get(ctx, st, id, rev)
}

// cmdCompare compares two or more scenarios: registry ids (id or
// id@revision), built-in ids or scenario files.
func cmdCompare(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, err := openRegistry(ctx, cfg.DB, false)
	if err != nil {
		return err
	}
	defer st.Close()
	var items []scenario.Compared
	for _, ref := range cfg.Scen.Args {
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
	c, err := scenario.Compare(items)
	if err != nil {
		return err
	}
	doc := api.NewCompareDocument(c)
	if cfg.Format == "json" {
		return writeJSON(stdout, doc)
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
func writeCompareTable(w io.Writer, d api.CompareDocument) error {
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
