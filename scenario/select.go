package scenario

import (
	"context"
	"math"

	"placeplan"
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

// SelectSites builds the travel network and solves the model. It returns
// the result with the standard and its unit. The solve stops soon after
// ctx is done (a client that goes away), returning an error that wraps
// ctx.Err().
func SelectSites(ctx context.Context, s SiteSelection) (*siting.Result, float64, siting.Unit, error) {
	t := siting.Travel{StandardKm: s.StandardKm, StandardMinutes: s.StandardMin, Circuity: s.Circuity, SpeedKmh: s.SpeedKmh,
		Matrix: s.Matrix, MatrixUnit: s.MatrixUnit, MaxArcs: s.MaxPairs}
	standard, unit := t.Standard()
	if (s.StandardKm > 0) == (s.StandardMin > 0) || math.IsInf(standard, 0) || math.IsNaN(standard) {
		return nil, 0, "", placeplan.Errorf(placeplan.EINVALID, "give one service standard above 0: standard_km or standard_min")
	}
	net, err := t.Network(s.Demand, s.Candidates)
	if err != nil {
		return nil, 0, "", err
	}
	pr := siting.Problem{P: s.P, Fixed: s.Fixed, Excluded: s.Exclude, TargetShare: s.TargetShare}
	res, err := siting.Solve(ctx, net, s.Model, pr)
	return res, standard, unit, err
}
