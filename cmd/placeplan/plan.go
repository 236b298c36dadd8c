package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scoring/siting"
	"placeplan/wire"
)

func planSpec() spec {
	return spec{
		name:     "plan",
		synopsis: []string{"--scenario FILE [--db FILE] [--format table|csv|json] [--table sites|phases|areas]"},
		about: `Plan works out a rollout from a scenario with a sites section (see
docs/SCENARIOS.md): where the teams go and why, the phased order that
reaches need soonest, a stepped-wedge evaluation design, matched comparison
areas, and how stable each choice is. --scenario is a file or a shipped id
(try shropshire-five-teams); with --db, a scenario stored there too.
--format csv prints one table of the plan (--table; the HTTP API's
GET /api/v1/plans?f=csv&table= gives the same bytes).`,
		make: newPlanCmd,
	}
}

// planCmd is "placeplan plan": a scenario's rollout plan — sites, phased
// order, evaluation design, stability and explanations.
type planCmd struct {
	cmdLine
	scenarioRef
	tableOut
}

func newPlanCmd() command {
	c := &planCmd{cmdLine: newCmdLine("plan")}
	c.scenarioRef.define(c.fs, " with a sites section")
	c.tableOut.define(c.fs, wire.PlanTableNames())
	return c
}

func (c *planCmd) validate() error {
	if err := c.scenarioRef.check(&c.cmdLine); err != nil {
		return err
	}
	if err := c.tableOut.check(); err != nil {
		return err
	}
	return c.noArgs()
}

// tableOut is the config of a command whose result prints as a table for
// reading, as JSON, or as one of its CSV tables (--table).
type tableOut struct {
	format string
	table  string
	tables []string // the tables --table may name, the default first
}

func (o *tableOut) define(fs *flag.FlagSet, tables []string) {
	o.tables = tables
	fs.StringVar(&o.format, "format", "table", "output format: `table|csv|json`")
	fs.StringVar(&o.table, "table", tables[0], "with --format csv, the table to print: `"+strings.Join(tables, "|")+"`")
}

// check refuses an unknown format or table, and --table without CSV.
func (o *tableOut) check() error {
	switch {
	case o.format != "table" && o.format != "csv" && o.format != "json":
		return usageError{msg: fmt.Sprintf("--format %q: use table, csv or json", o.format)}
	case !slices.Contains(o.tables, o.table):
		return usageError{msg: fmt.Sprintf("--table %q: use %s", o.table, strings.Join(o.tables, ", "))}
	case o.format != "csv" && o.table != o.tables[0]:
		return usageError{msg: "--table is for --format csv"}
	}
	return nil
}

func (c *planCmd) run(ctx context.Context, stdout io.Writer) error {
	sc, st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := scenario.Plan(ctx, st, sc)
	if err != nil {
		return err
	}
	doc := wire.NewPlan(res)
	if c.format == "csv" {
		if c.table == "areas" {
			doc.Areas = wire.NewPlanAreas(res)
		}
		return wire.PlanTableOf(doc, c.table).WriteCSV(stdout)
	}
	if c.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	}
	return writePlanTable(stdout, doc)
}

// figure formats a demand figure, or says it is withheld.
func figure(v *float64, suppressBelow float64) string {
	if v == nil {
		if suppressBelow > 0 {
			return fmt.Sprintf("<%s", siting.Amount(suppressBelow))
		}
		return "–"
	}
	return siting.Amount(*v)
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*x)
}

// writePlanTable prints the plan for reading: the sites and why, the phased
// order, the evaluation design, stability, and the need ranking behind it.
func writePlanTable(w io.Writer, d wire.Plan) error {
	unit := d.Unit
	fmt.Fprintf(w, "%s\n%s (%s)\n\n", d.Scenario, d.Scheme, placeplan.Geography(d.Geography).Label())
	fmt.Fprintf(w, "%s\n\n", wrap(fmt.Sprintf("Demand: %s in %d small areas, %s in all (%s %s). Service standard: %s %s.",
		d.Demand.Noun, d.Demand.Areas, figure(d.Demand.TotalWeight, d.SuppressedBelow), siting.Amount(d.Demand.TotalPopulation),
		populationWord(d.Demand.Population), strconv.FormatFloat(d.Standard, 'f', -1, 64), unit), 78, ""))

	s := d.Selection
	proof := "the gap to the best possible is " + pct(s.Gap)
	if s.ProvenOptimal {
		proof = "proven optimal"
	}
	fmt.Fprintf(w, "%s\n", wrap(fmt.Sprintf("Sites (%s, %d teams, %s: %s): %s of %s %s within %s %s.",
		d.Model, d.Teams, s.Solver, proof, figure(s.CoveredWeight, d.SuppressedBelow), figure(s.TotalWeight, d.SuppressedBelow),
		d.Demand.Noun, strconv.FormatFloat(d.Standard, 'f', -1, 64), unit), 78, ""))
	if s.UpperBound != nil && !s.ProvenOptimal {
		fmt.Fprintf(w, "No choice of sites can reach more than %s.\n", figure(s.UpperBound, d.SuppressedBelow))
	}
	if s.LowerBound != nil && !s.ProvenOptimal {
		fmt.Fprintf(w, "No choice of sites can need less travel than %s.\n", siting.Amount(*s.LowerBound))
	}
	fmt.Fprintln(w)
	stab := map[string]wire.PlanStability{}
	if d.Robustness != nil {
		for _, c := range d.Robustness.Candidates {
			stab[c.ID] = c
		}
	}
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "site\tlocality\treach\treached by no other\tmean %s\tchosen in draws\tchosen in standards\t\n", unit)
	for _, site := range d.Sites {
		name := site.ID
		kept := "fixed"
		switch {
		case site.Fixed:
			name += " (live)"
		case site.Named:
			name += " (named)"
			kept = "named"
		}
		draws, stds := "–", "–"
		if c, ok := stab[site.ID]; ok && c.Fixed {
			draws, stds = kept, kept // in every run: not a choice
		} else if ok {
			if c.Draws != nil {
				draws = pct(*c.Draws)
			}
			if c.Standards != nil {
				stds = pct(*c.Standards)
			}
		}
		mean := "–"
		if site.MeanTravel != nil {
			mean = fmt.Sprintf("%.1f", *site.MeanTravel)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, site.Locality, figure(site.Reach, d.SuppressedBelow),
			figure(site.Unique, d.SuppressedBelow), mean, draws, stds)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nWhy these sites:")
	for _, site := range d.Sites {
		fmt.Fprintf(w, "- %s\n", wrap(site.Explanation, 78, "  "))
	}

	r := d.Rollout
	proof = "proven the best order"
	if !r.ProvenOptimal {
		proof = "the best order found"
	}
	fmt.Fprintf(w, "\n%s\n\n", wrap(fmt.Sprintf("Rollout (%s, %s): %s of the need-time that opening everything at once would give, to %s.",
		r.Solver, proof, pctOrDash(r.AUCShare), r.End), 78, ""))
	tw = tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tstarts\topens\tnew %s\tnew %s\t%s reached\tmost deprived reached\t\n", shortNoun(d.Demand.Noun), populationWord(d.Demand.Population), shortNoun(d.Demand.Noun))
	for _, p := range r.Phases {
		ids := make([]string, len(p.Sites))
		for k, o := range p.Sites {
			ids[k] = o.ID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Label, p.Start, strings.Join(ids, ", "), figure(p.NewWeight, d.SuppressedBelow),
			siting.Amount(p.NewPopulation), pctOrDash(p.WeightShare), pct(p.MostDeprivedShare))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, p := range r.Phases {
		fmt.Fprintf(w, "- %s\n", wrap(p.Summary, 78, "  "))
	}

	if e := d.Evaluation; e != nil {
		fmt.Fprintf(w, "\nEvaluation (stepped wedge, seed %d): randomised order %s.\n%s\n", e.Seed, strings.Join(e.Order, ", "), wrap(e.Verdict, 78, ""))
		if len(e.Balance) > 0 {
			fmt.Fprintln(w, "\nBalance across the phases of the randomised order (areas newly reached):")
			tw = tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "phase\tsites\tareas\tmean %s\t%s\tmost deprived\t%s\t\n", shortNoun(d.Demand.Noun), populationWord(d.Demand.Population), strings.Join(e.Profile, "\t"))
			for _, b := range e.Balance {
				cells := make([]string, len(b.ProfileMeans))
				for k, m := range b.ProfileMeans {
					cells[k] = "–"
					if m != nil {
						cells[k] = fmt.Sprintf("%.2f", *m)
					}
				}
				md := "–"
				if b.MostDeprivedShare != nil {
					md = pct(*b.MostDeprivedShare)
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", b.Label, b.Sites, b.Units, figure(b.MeanWeight, d.SuppressedBelow),
					siting.Amount(b.Population), md, strings.Join(cells, "\t"))
			}
			tw.Flush()
		}
	}
	if len(d.Comparisons) > 0 {
		fmt.Fprintln(w, "\nComparison areas (not yet reached, matched on the deprivation profile):")
		for _, c := range d.Comparisons {
			fmt.Fprintf(w, "- %s\n", wrap(c.Summary, 78, "  "))
		}
	}
	if rb := d.Robustness; rb != nil {
		fmt.Fprintf(w, "\nStability:\n%s\n", wrap(rb.Summary, 78, ""))
	}

	fmt.Fprintln(w, "\nNeed ranking of the localities:")
	tw = tabwriter.NewWriter(w, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "rank\tlocality\tneed score\t5–95 %% rank\t\n")
	for _, l := range d.Localities {
		interval := "–"
		if l.RankP5 != nil {
			interval = fmt.Sprintf("%d–%d", *l.RankP5, *l.RankP95)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.3f\t%s\t\n", l.Rank, l.Locality, l.NeedScore, interval)
	}
	tw.Flush()
	if len(d.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, s := range d.Warnings {
			fmt.Fprintf(w, "- %s\n", wrap(s, 78, "  "))
		}
	}
	fmt.Fprintln(w, "\nSources:")
	for _, s := range d.Attribution {
		fmt.Fprintf(w, "- %s\n", wrap(s, 78, "  "))
	}
	return nil
}

// populationWord names a population indicator in a column heading.
func populationWord(key string) string {
	switch key {
	case "pop_children_0_15":
		return "children"
	case "pop_60_plus":
		return "people 60+"
	case "pop_working_age", "pop_16_59":
		return "adults"
	}
	return "people"
}

// shortNoun shortens the demand noun for a column heading.
func shortNoun(noun string) string {
	if strings.HasPrefix(noun, "need-weighted") || len(noun) > 20 {
		return "demand"
	}
	return noun
}
