package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"placeplan"
	"placeplan/data/input"
	"placeplan/data/table"
	"placeplan/scenario"
	"placeplan/scoring/siting"
	"placeplan/wire"
)

func sitesSpec() spec {
	return spec{
		name: "sites",
		synopsis: []string{
			"--demand FILE --candidates FILE [--matrix FILE] --model mclp|pmedian|lscp|capacitated --p N",
			"--standard-km R | --standard-min M [--circuity F] [--speed-kmh V] [--fixed ID,...]",
			"[--exclude ID,...] [--target-share S] [--seed S] [--format json|csv]",
		},
		about: `Sites chooses sites for a location model from a demand CSV (id,lon,lat,
weight) and a candidates CSV (id,lon,lat[,capacity]), by great-circle
distance times circuity or an imported travel matrix (origin,destination,
minutes|km). Small instances are solved to proven optimality; large ones
report the gap to the best possible.`,
		make: newSitesCmd,
	}
}

// sitesCmd is "placeplan sites": one site-selection problem from CSV
// files (scenario.SelectSites).
type sitesCmd struct {
	cmdLine
	demand, candidates, matrix string
	model                      string  // mclp, pmedian, lscp or capacitated
	p                          int     // sites to open, fixed ones included
	standardKm, standardMin    float64 // the service standard: one of the two
	circuity                   float64 // road distance ÷ great-circle distance
	speedKmh                   float64 // for a standard in minutes
	fixed, exclude             string  // comma-separated site ids
	targetShare                float64 // lscp: share of demand weight to cover
	seed                       int64
	format                     string
}

func newSitesCmd() command {
	c := &sitesCmd{cmdLine: newCmdLine("sites")}
	fs := c.fs
	fs.StringVar(&c.demand, "demand", "", "demand points CSV `FILE`: id,lon,lat,weight")
	fs.StringVar(&c.candidates, "candidates", "", "candidate sites CSV `FILE`: id,lon,lat[,capacity]")
	fs.StringVar(&c.matrix, "matrix", "", "travel matrix CSV `FILE` (origin,destination,minutes|km) instead of great-circle distance")
	fs.StringVar(&c.model, "model", "", "location model: `mclp|pmedian|lscp|capacitated` (maximal covering, p-median, set covering, or mclp within each site's capacity)")
	fs.IntVar(&c.p, "p", 0, "open `N` sites, fixed ones included (every model but lscp)")
	fs.Float64Var(&c.standardKm, "standard-km", 0, "the service standard: within `R` km")
	fs.Float64Var(&c.standardMin, "standard-min", 0, "the service standard: within `M` minutes")
	fs.Float64Var(&c.circuity, "circuity", siting.DefaultCircuity, "road distance is `F` × great-circle distance (1: great-circle)")
	fs.Float64Var(&c.speedKmh, "speed-kmh", siting.DefaultSpeedKmh, "average travel speed `V` in km/h, for a standard in minutes")
	fs.StringVar(&c.fixed, "fixed", "", "the sites that stay open: `ID,...`")
	fs.StringVar(&c.exclude, "exclude", "", "the sites that may not be chosen: `ID,...`")
	fs.Float64Var(&c.targetShare, "target-share", 1, "lscp: cover share `S` of the demand weight")
	fs.Int64Var(&c.seed, "seed", siting.DefaultSeed, "random seed `S` (the solvers are deterministic; recorded in the output)")
	fs.StringVar(&c.format, "format", "json", "output format: `json|csv`")
	return c
}

func (c *sitesCmd) validate() error {
	switch {
	case c.demand == "" || c.candidates == "":
		return usageError{msg: "sites: --demand FILE and --candidates FILE are required"}
	case !validModel(c.model):
		return usageError{msg: fmt.Sprintf("sites: --model %q: use mclp, pmedian, lscp or capacitated", c.model)}
	case c.model != "lscp" && c.p < 1:
		return usageError{msg: "sites: --p N (1 or more) is required for " + c.model}
	case (c.standardKm > 0) == (c.standardMin > 0):
		return usageError{msg: "sites: give one service standard: --standard-km R or --standard-min M"}
	case c.circuity < 1:
		return usageError{msg: "sites: --circuity must be 1 or more"}
	case c.standardMin > 0 && c.speedKmh <= 0:
		return usageError{msg: "sites: --speed-kmh must be above 0"}
	case c.targetShare <= 0 || c.targetShare > 1:
		return usageError{msg: "sites: --target-share must be above 0 and at most 1"}
	case c.format != "json" && c.format != "csv":
		return usageError{msg: fmt.Sprintf("sites: --format %q: use json or csv", c.format)}
	}
	return c.noArgs()
}

func (c *sitesCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	demand, err := input.ReadPath(c.demand, table.ReadDemandCSV)
	if err != nil {
		return err
	}
	cands, err := input.ReadPath(c.candidates, table.ReadCandidatesCSV)
	if err != nil {
		return err
	}
	ds := make([]siting.Demand, len(demand))
	for i, d := range demand {
		ds[i] = siting.Demand{ID: d.ID, Point: d.Point, Weight: d.Weight}
	}
	cs := make([]siting.Candidate, len(cands))
	for i, cand := range cands {
		cs[i] = siting.Candidate{ID: cand.ID, Point: cand.Point, Capacity: cand.Capacity}
	}
	sel := scenario.SiteSelection{Demand: ds, Candidates: cs, Model: siting.Model(c.model), P: c.p, StandardKm: c.standardKm,
		StandardMin: c.standardMin, Circuity: c.circuity, SpeedKmh: c.speedKmh, Fixed: splitIDs(c.fixed),
		Exclude: splitIDs(c.exclude), TargetShare: c.targetShare}
	if c.matrix != "" {
		if sel.Matrix, sel.MatrixUnit, err = scenario.ReadMatrix(c.matrix); err != nil {
			return err
		}
	}
	if want := siting.Kilometres; sel.Matrix != nil {
		if c.standardMin > 0 {
			want = siting.Minutes
		}
		if sel.MatrixUnit != want {
			return placeplan.Errorf(placeplan.EINVALID, "%s is in %s but the service standard is in %s", c.matrix, sel.MatrixUnit, want)
		}
	}
	res, err := scenario.SelectSites(ctx, sel)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	circuity := c.circuity
	if c.matrix != "" {
		circuity = 0
	}
	out := wire.NewSites(sel.Model, res, circuity, c.seed)
	if c.format == "csv" {
		return wire.SitesTable(out, cs).WriteCSV(stdout)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func splitIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// validModel reports whether name is a location model siting knows.
func validModel(name string) bool {
	_, err := siting.ParseModel(name)
	return err == nil
}
