package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"placeplan"
	"placeplan/api"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/scoring/siting"
)

// SitesConfig is the command line of "placeplan sites".
type SitesConfig struct {
	Demand, Candidates, Matrix string
	Model                      string  // mclp, pmedian or lscp
	P                          int     // sites to open, fixed ones included
	StandardKm, StandardMin    float64 // the service standard: one of the two
	Circuity                   float64 // road distance ÷ great-circle distance
	SpeedKmh                   float64 // for a standard in minutes
	Fixed, Exclude             string  // comma-separated site ids
	TargetShare                float64 // lscp: share of demand weight to cover
	Seed                       int64
	Format                     string
}

func sitesFlags(fs *flag.FlagSet, cfg *Config) {
	s := &cfg.Sites
	fs.StringVar(&s.Demand, "demand", "", "demand points CSV `FILE`: id,lon,lat,weight")
	fs.StringVar(&s.Candidates, "candidates", "", "candidate sites CSV `FILE`: id,lon,lat[,capacity]")
	fs.StringVar(&s.Matrix, "matrix", "", "travel matrix CSV `FILE` (origin,destination,minutes|km) instead of great-circle distance")
	fs.StringVar(&s.Model, "model", "", "mclp (maximal covering), pmedian, lscp (set covering) or capacitated (mclp within each site's capacity)")
	fs.IntVar(&s.P, "p", 0, "number of sites to open, fixed sites included (mclp, pmedian)")
	fs.Float64Var(&s.StandardKm, "standard-km", 0, "service standard in km")
	fs.Float64Var(&s.StandardMin, "standard-min", 0, "service standard in minutes")
	fs.Float64Var(&s.Circuity, "circuity", siting.DefaultCircuity, "road distance ÷ great-circle distance (1 = great-circle)")
	fs.Float64Var(&s.SpeedKmh, "speed-kmh", 40, "average travel speed for a standard in minutes, km/h")
	fs.StringVar(&s.Fixed, "fixed", "", "site ids that stay open, comma-separated")
	fs.StringVar(&s.Exclude, "exclude", "", "site ids that may not be chosen, comma-separated")
	fs.Float64Var(&s.TargetShare, "target-share", 1, "lscp: the share of demand weight to cover")
	fs.Int64Var(&s.Seed, "seed", 1, "random seed (the solvers are deterministic; recorded in the output)")
	fs.StringVar(&s.Format, "format", "json", "output format: json or csv")
}

func (s SitesConfig) check() error {
	switch {
	case s.Demand == "" || s.Candidates == "":
		return usageError{"sites: --demand FILE and --candidates FILE are required"}
	case s.Model != "mclp" && s.Model != "pmedian" && s.Model != "lscp" && s.Model != "capacitated":
		return usageError{fmt.Sprintf("sites: --model %q: use mclp, pmedian, lscp or capacitated", s.Model)}
	case s.Model != "lscp" && s.P < 1:
		return usageError{"sites: --p N (1 or more) is required for " + s.Model}
	case (s.StandardKm > 0) == (s.StandardMin > 0):
		return usageError{"sites: give one service standard: --standard-km R or --standard-min M"}
	case s.Circuity < 1:
		return usageError{"sites: --circuity must be 1 or more"}
	case s.StandardMin > 0 && s.SpeedKmh <= 0:
		return usageError{"sites: --speed-kmh must be above 0"}
	case s.TargetShare <= 0 || s.TargetShare > 1:
		return usageError{"sites: --target-share must be above 0 and at most 1"}
	case s.Format != "json" && s.Format != "csv":
		return usageError{fmt.Sprintf("sites: --format %q: use json or csv", s.Format)}
	}
	return nil
}

func cmdSites(ctx context.Context, cfg Config, stdout io.Writer) error {
	s := cfg.Sites
	demand, err := data.ReadPath(s.Demand, data.ReadDemandCSV)
	if err != nil {
		return err
	}
	cands, err := data.ReadPath(s.Candidates, data.ReadCandidatesCSV)
	if err != nil {
		return err
	}
	ds := make([]siting.Demand, len(demand))
	for i, d := range demand {
		ds[i] = siting.Demand{ID: d.ID, Point: d.Point, Weight: d.Weight}
	}
	cs := make([]siting.Candidate, len(cands))
	for i, c := range cands {
		cs[i] = siting.Candidate{ID: c.ID, Point: c.Point, Capacity: c.Capacity}
	}
	sel := scenario.SiteSelection{Demand: ds, Candidates: cs, Model: siting.Model(s.Model), P: s.P, StandardKm: s.StandardKm,
		StandardMin: s.StandardMin, Circuity: s.Circuity, SpeedKmh: s.SpeedKmh, Fixed: splitIDs(s.Fixed),
		Exclude: splitIDs(s.Exclude), TargetShare: s.TargetShare}
	if s.Matrix != "" {
		if sel.Matrix, sel.MatrixUnit, err = scenario.ReadMatrix(s.Matrix); err != nil {
			return err
		}
	}
	if want := siting.Kilometres; sel.Matrix != nil {
		if s.StandardMin > 0 {
			want = siting.Minutes
		}
		if sel.MatrixUnit != want {
			return placeplan.Errorf(placeplan.EINVALID, "%s is in %s but the service standard is in %s", s.Matrix, sel.MatrixUnit, want)
		}
	}
	res, standard, unit, err := scenario.SelectSites(ctx, sel)
	if err != nil {
		return err
	}
	circuity := s.Circuity
	if s.Matrix != "" {
		circuity = 0
	}
	out := api.NewSitesDocument(sel.Model, res, standard, unit, circuity, s.Seed)
	if s.Format == "csv" {
		return writeSitesCSV(stdout, out, cands)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeSitesCSV writes one row per selected site, in the order chosen, with
// the demand weight it serves.
func writeSitesCSV(w io.Writer, r api.SitesDocument, cands []data.Candidate) error {
	at := map[string]data.Candidate{}
	for _, c := range cands {
		at[c.ID] = c
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"order", "id", "lon", "lat", "capacity", "served"})
	for i, id := range r.Selected {
		c := at[id]
		capacity := ""
		if !math.IsNaN(c.Capacity) {
			capacity = strconv.FormatFloat(c.Capacity, 'f', -1, 64)
		}
		cw.Write([]string{strconv.Itoa(i + 1), id, coord(c.Point[0]), coord(c.Point[1]), capacity,
			strconv.FormatFloat(r.Served[i], 'f', -1, 64)})
	}
	cw.Flush()
	return cw.Error()
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
