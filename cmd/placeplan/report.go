package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"placeplan"
	"placeplan/report"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

func reportSpec() spec {
	return spec{
		name:     "report",
		synopsis: []string{"--scenario ID[@REV]|FILE [--compare ID[@REV]] [--db FILE] --format pdf|docx|html|xlsx|csv|gpkg|geojson|pmtiles --out FILE"},
		about: `Report writes a scenario's board paper: a committee report in the council's
own shape (the scenario's paper.template: shropshire, oxfordshire or a .yaml
file; see docs/REPORTS.md) with a front sheet, numbered paragraphs, maps,
charts, the ranked localities, the sites and why, the phased rollout and
appendices. html is one self-contained file; pdf is that page printed to a
tagged, accessible A4 PDF by headless Chromium (Debian's chromium package),
which must be installed. xlsx, csv (a zip of one file per table) and
geojson are the tables behind it — localities, small areas, sites, phases
(and catchments in geojson) — with their definitions and attribution;
pmtiles is the map's layers (the scenario's areas, catchments, districts
and labels, zooms 6–12) as one archive for any static host.`,
		make: newReportCmd,
	}
}

// reportFormats names the formats placeplan report writes.
func reportFormats() []string {
	var out []string
	for _, f := range report.Formats() {
		out = append(out, string(f))
	}
	return out
}

// reportCmd is "placeplan report": a scenario's board paper.
type reportCmd struct {
	cmdLine
	scenarioRef
	compare string
	format  string
	out     string
}

func newReportCmd() command {
	c := &reportCmd{cmdLine: newCmdLine("report")}
	c.scenarioRef.define(c.fs, " with a sites section")
	c.fs.StringVar(&c.compare, "compare", "", "a second scenario `ID[@REV]` (or file) to set beside it as the alternative")
	c.fs.StringVar(&c.format, "format", "", "output `format`: "+strings.Join(reportFormats(), "|"))
	c.fs.StringVar(&c.out, "out", "", "output `FILE`, written only when the paper is complete")
	return c
}

func (c *reportCmd) validate() error {
	if err := c.scenarioRef.check(&c.cmdLine); err != nil {
		return err
	}
	switch {
	case c.format == "":
		return usageError{msg: "report: --format is required: " + strings.Join(reportFormats(), ", ")}
	case !slices.Contains(reportFormats(), c.format):
		return usageError{msg: fmt.Sprintf("report: --format %q: use %s", c.format, strings.Join(reportFormats(), ", "))}
	case c.out == "":
		return usageError{msg: "report: --out FILE is required"}
	}
	return c.noArgs()
}

func (c *reportCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	start := time.Now()
	step := func(what string) { fmt.Fprintf(stderr, "report: %s (%.1f s)\n", what, time.Since(start).Seconds()) }
	sc, st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	req := report.Request{Label: c.scenario, Scenario: sc, Now: time.Now()}
	if label, _, err := scenario.Resolve(ctx, st, c.scenario, true); err == nil {
		req.Label = label // id@revision when stored
		if req.Approvals, err = scenario.ApprovalsOfLabel(ctx, st, label); err != nil {
			return err
		}
	}
	if c.compare != "" {
		if req.CompareLabel, req.Compare, err = scenario.Resolve(ctx, st, c.compare, true); err != nil {
			return err
		}
	}
	step("working out the plan")
	rep, err := report.Make(ctx, st, req)
	if err != nil {
		return err
	}
	// Write beside the target and rename, so a failed run leaves no
	// half-written paper where the old one was.
	tmp, err := os.CreateTemp(filepath.Dir(c.out), "."+filepath.Base(c.out)+".*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it private
		tmp.Close()
		return fmt.Errorf("report: %w", err)
	}
	var tools report.Renderers
	if c.format == string(report.PMTiles) {
		// The tiles come from the same tile service the server answers
		// with, over this store, under the default small-number policy.
		svc := tiles.NewService(st, tiles.Options{Policy: scenario.Policy{Disclosure: placeplan.Disclosure{MinCount: defaultSuppressBelow}}})
		tools.Tiles = report.ServiceTiles(svc, req.Label, placeplan.Geography(sc.Dataset.Geography))
	}
	err = report.Write(ctx, tmp, rep, report.Format(c.format), tools, step)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("report: %s: %w", c.out, cerr)
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), c.out); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	step("wrote " + c.out)
	for _, f := range rep.Paper.Flags {
		fmt.Fprintf(stderr, "to complete: %s\n", f)
	}
	return nil
}
