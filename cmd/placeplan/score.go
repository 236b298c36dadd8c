package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/wire"
)

func scoreSpec() spec {
	return spec{
		name:     "score",
		synopsis: []string{"--scenario FILE [--db FILE] [--format table|csv|json] [--table localities|areas]"},
		about: `Score ranks a scenario's localities by need, with the range each could rank
in across the uncertainty in the weights and methods, and explains each
rank. --scenario is a scenario file (YAML or JSON; see docs/SCENARIOS.md) or
a shipped scenario id; with --db, a scenario stored in that database (id or
id@revision) too.`,
		make: newScoreCmd,
	}
}

// scoreCmd is "placeplan score": a scenario's localities ranked by need,
// with rank intervals and explanations.
type scoreCmd struct {
	cmdLine
	scenarioRef
	tableOut
}

func newScoreCmd() command {
	c := &scoreCmd{cmdLine: newCmdLine("score")}
	c.scenarioRef.define(c.fs, "")
	c.tableOut.define(c.fs, wire.ScoreTableNames())
	return c
}

func (c *scoreCmd) validate() error {
	if err := c.scenarioRef.check(&c.cmdLine); err != nil {
		return err
	}
	if err := c.tableOut.check(); err != nil {
		return err
	}
	return c.noArgs()
}

func (c *scoreCmd) run(ctx context.Context, stdout io.Writer) error {
	sc, st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := scenario.Score(ctx, st, sc)
	if err != nil {
		return err
	}
	switch c.format {
	case "json":
		return writeScoreJSON(stdout, res)
	case "csv":
		doc := wire.NewScore(res)
		if c.table == "areas" {
			rows, err := scenario.AreaResults(ctx, st, res)
			if err != nil {
				return err
			}
			doc.Areas = wire.NewScoreAreas(rows)
		}
		return wire.ScoreTableOf(doc, c.table).WriteCSV(stdout)
	}
	return writeScoreTable(stdout, res)
}

// scenarioRef is the config score and plan share: the scenario and the
// data to work it out on.
type scenarioRef struct {
	scenario string // a scenario file, a shipped id, or with db a stored id[@revision]
	db       string
}

// define defines --scenario, a file (with what it must hold) or an id, and
// --db.
func (r *scenarioRef) define(fs *flag.FlagSet, holding string) {
	fs.StringVar(&r.scenario, "scenario", "", "scenario `FILE`"+holding+" (YAML or JSON; see docs/SCENARIOS.md), or a built-in scenario id")
	fs.StringVar(&r.db, "db", "", "SQLite database `FILE` (default: the scenario's, else the embedded default dataset)")
}

func (r *scenarioRef) check(c *cmdLine) error {
	if r.scenario == "" {
		return usageError{msg: c.fs.Name() + ": --scenario FILE is required"}
	}
	return nil
}

// open reads the scenario and opens its data. With --db, a scenario stored
// in that database's registry (id or id@revision) comes first; otherwise
// --scenario is a file or a shipped id.
func (r *scenarioRef) open(ctx context.Context) (*scenario.Scenario, *data.Store, error) {
	if r.db != "" {
		st, err := openExisting(ctx, r.db)
		if err != nil {
			return nil, nil, err
		}
		_, sc, err := scenario.Resolve(ctx, st, r.scenario, true)
		if err != nil {
			st.Close()
			return nil, nil, err
		}
		return sc, st, nil
	}
	sc, err := scenario.Open(r.scenario)
	if err != nil {
		return nil, nil, err
	}
	st, err := openScenarioStore(ctx, "", sc)
	if err != nil {
		return nil, nil, err
	}
	return sc, st, nil
}

// openScenarioStore opens --db, else the scenario's database, else the
// embedded default dataset in memory.
func openScenarioStore(ctx context.Context, flagDB string, sc *scenario.Scenario) (*data.Store, error) {
	path := flagDB
	if path == "" {
		path = sc.DBPath()
	}
	if path != "" {
		return openExisting(ctx, path)
	}
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	if _, err := data.LoadDefault(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func writeScoreJSON(w io.Writer, res *scenario.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(wire.NewScore(res))
}

func writeScoreTable(w io.Writer, res *scenario.Result) error {
	doc := wire.NewScore(res)
	fmt.Fprintf(w, "%s\n%s (%s)\n\n", doc.Scenario, doc.Scheme, placeplan.Geography(doc.Geography).Label())
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
	if res.Uncertainty != nil {
		fmt.Fprintf(tw, "rank\tlocality\tneed score\tmedian rank\t5–95 %% rank\tP(top %d)\t\n", doc.TopK)
	} else {
		fmt.Fprintf(tw, "rank\tlocality\tneed score\t\n")
	}
	for _, r := range doc.Localities {
		if r.MedianRank != nil {
			fmt.Fprintf(tw, "%d\t%s\t%.3f\t%d\t%d–%d\t%.0f %%\t\n", r.Rank, r.Locality, r.NeedScore, *r.MedianRank, *r.RankP5, *r.RankP95, 100**r.TopKProbability)
		} else {
			fmt.Fprintf(tw, "%d\t%s\t%.3f\t\n", r.Rank, r.Locality, r.NeedScore)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s\n", res.Method)
	if doc.Summary != "" {
		fmt.Fprintf(w, "%s\n", doc.Summary)
	}
	fmt.Fprintln(w, "\nWhy each locality ranks where it does:")
	for _, r := range doc.Localities {
		fmt.Fprintf(w, "\n- %s\n", wrap(r.Explanation, 78, "  "))
	}
	if len(doc.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, s := range doc.Warnings {
			fmt.Fprintf(w, "- %s\n", wrap(s, 78, "  "))
		}
	}
	fmt.Fprintln(w, "\nSources:")
	for _, s := range doc.Attribution {
		fmt.Fprintf(w, "- %s\n", wrap(s, 78, "  "))
	}
	return nil
}

// wrap breaks text into lines of at most width characters, indenting the
// continuation lines.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	// Keep "5 %" together: join a number and its per cent sign.
	text = strings.ReplaceAll(text, " %", "\ue000%") // not a space to strings.Fields (U+00A0 would be)
	for i, word := range strings.Fields(text) {
		if i > 0 && line+1+len([]rune(word)) > width {
			b.WriteString("\n" + indent)
			line = len(indent)
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len([]rune(word))
	}
	return strings.ReplaceAll(b.String(), "\ue000%", " %")
}
