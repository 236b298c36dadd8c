package scenario

import (
	"context"
	"fmt"
	"math"
	"strings"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/scoring/siting"
)

// SiteSelection is one site-selection problem as "placeplan sites" and
// POST /api/v1/sites pose it: demand points and candidate sites (WGS84),
// the travel cost (great-circle distance × Circuity, in km or in minutes
// at SpeedKmh, or an imported matrix: see siting.Travel, whose defaults
// apply), the model and its settings.
type SiteSelection struct {
	Demand     []siting.Demand
	Candidates []siting.Candidate
	// Matrix, when not nil, gives the travel costs (in the standard's
	// unit) instead of great-circle distance; MatrixUnit names its unit.
	Matrix      []siting.ODRow
	MatrixUnit  siting.Unit
	Model       siting.Model
	P           int // sites to open, fixed ones included (not lscp)
	StandardKm  float64
	StandardMin float64
	Circuity    float64 // ≥ 1; 0 means siting.DefaultCircuity
	SpeedKmh    float64 // for a standard in minutes; 0 means siting.DefaultSpeedKmh
	Fixed       []string
	Exclude     []string
	TargetShare float64 // lscp: the share of demand weight to cover (0: all)
	// MaxPairs bounds the network's pairs within the standard (Policy.MaxPairs).
	MaxPairs int
}

// SitesResult is a solved SiteSelection: the sites chosen, the service
// standard in its unit, and warnings about the input that did not stop
// the solve (a travel matrix that leaves out candidates or demand points).
type SitesResult struct {
	Selection *siting.Result
	Standard  float64
	Unit      siting.Unit
	Warnings  []string
}

// SelectSites builds the travel network and solves the model. The solve
// stops soon after ctx is done (a client that goes away), returning an
// error that wraps ctx.Err().
func SelectSites(ctx context.Context, s SiteSelection) (*SitesResult, error) {
	t := siting.Travel{StandardKm: s.StandardKm, StandardMinutes: s.StandardMin, Circuity: s.Circuity, SpeedKmh: s.SpeedKmh,
		Matrix: s.Matrix, MatrixUnit: s.MatrixUnit, MaxArcs: s.MaxPairs}
	standard, unit := t.Standard()
	if (s.StandardKm > 0) == (s.StandardMin > 0) || math.IsInf(standard, 0) || math.IsNaN(standard) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "give one service standard above 0: standard_km or standard_min")
	}
	net, err := t.Network(s.Demand, s.Candidates)
	if err != nil {
		return nil, err
	}
	out := &SitesResult{Standard: standard, Unit: unit}
	if s.Matrix != nil {
		if w := matrixWarning(siting.FindMatrixGaps(s.Demand, s.Candidates, s.Matrix), len(s.Demand), len(s.Candidates)); w != "" {
			out.Warnings = append(out.Warnings, w)
		}
	}
	pr := siting.Problem{P: s.P, Fixed: s.Fixed, Excluded: s.Exclude, TargetShare: s.TargetShare}
	if out.Selection, err = siting.Solve(ctx, net, s.Model, pr); err != nil {
		return nil, err
	}
	return out, nil
}

// matrixWarning words what a travel matrix leaves out: how many of the nd
// demand points and nc candidates have no row, and which; "" when it
// leaves out none.
func matrixWarning(g siting.MatrixGaps, nd, nc int) string {
	var parts []string
	if n := len(g.Candidates); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of the %d candidate sites (%s), which can serve no one", n, nc, feature.ListNames(g.Candidates)))
	}
	if n := len(g.Demands); n > 0 {
		parts = append(parts, fmt.Sprintf("%d of the %d demand points (%s), which no site can reach", n, nd, feature.ListNames(g.Demands)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "the travel matrix has no rows for " + strings.Join(parts, ", and for ") + ": check that it was made for these sites and areas"
}
