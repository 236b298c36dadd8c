package api

import (
	"io"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"placeplan/scenario"
	"placeplan/scoring/siting"
	"placeplan/wire"
)

// maxSitesBytes bounds a site-selection request: England's 32,844 demand
// points and 6,800 candidates are about 3 MB of JSON.
const maxSitesBytes = 32 << 20

// sitesRequest is the body of POST /api/v1/sites: the same problem as
// "placeplan sites", with the demand and candidates inline (WGS84).
type sitesRequest struct {
	// Demand and Candidates are read by decodeSitesRequest's scanner, the
	// other members by encoding/json.
	Demand      []sitesDemand    `json:"-"`
	Candidates  []sitesCandidate `json:"-"`
	Model       string           `json:"model"`
	P           int              `json:"p"`
	StandardKm  float64          `json:"standard_km"`
	StandardMin float64          `json:"standard_min"`
	Circuity    float64          `json:"circuity"`
	SpeedKmh    float64          `json:"speed_kmh"`
	Fixed       []string         `json:"fixed"`
	Exclude     []string         `json:"exclude"`
	TargetShare float64          `json:"target_share"`
	Seed        *int64           `json:"seed"` // recorded; siting.DefaultSeed when absent
}

// sitesDemand is a demand point of a sites request.
type sitesDemand struct {
	ID       string
	Lon, Lat float64
	Weight   float64
}

// sitesCandidate is a candidate site of a sites request.
type sitesCandidate struct {
	ID       string
	Lon, Lat float64
	Capacity *float64 // nil: unbounded
}

// handleSites answers POST /api/v1/sites: where to put sites for the demand
// and candidates sent, by the model asked for (mclp, pmedian, lscp or
// capacitated) — the use case of "placeplan sites", answered as its JSON.
func (s *Server) handleSites(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxSitesBytes+1))
	if err != nil {
		return invalidf("reading the request: %v", err)
	}
	if len(body) > maxSitesBytes {
		return invalidf("request larger than %d bytes", maxSitesBytes)
	}
	req, err := decodeSitesRequest(body)
	if err != nil {
		return err
	}
	if req.Circuity == 0 {
		req.Circuity = siting.DefaultCircuity
	}
	sel := scenario.SiteSelection{Model: siting.Model(req.Model), P: req.P, StandardKm: req.StandardKm, StandardMin: req.StandardMin,
		Circuity: req.Circuity, SpeedKmh: req.SpeedKmh, Fixed: req.Fixed, Exclude: req.Exclude, TargetShare: req.TargetShare,
		MaxPairs: s.policy.MaxPairs}
	for _, d := range req.Demand {
		sel.Demand = append(sel.Demand, siting.Demand{ID: d.ID, Point: orb.Point{d.Lon, d.Lat}, Weight: d.Weight})
	}
	for _, cd := range req.Candidates {
		capacity := math.NaN()
		if cd.Capacity != nil {
			capacity = *cd.Capacity
		}
		sel.Candidates = append(sel.Candidates, siting.Candidate{ID: cd.ID, Point: orb.Point{cd.Lon, cd.Lat}, Capacity: capacity})
	}
	if len(sel.Demand) == 0 || len(sel.Candidates) == 0 {
		return invalidf("demand and candidates: give at least one of each")
	}
	if sel.Model != siting.ModelLSCP && sel.P < 1 {
		return invalidf("p: %d; want 1 or more sites", sel.P)
	}
	res, err := scenario.SelectSites(c.Request().Context(), sel)
	if err != nil {
		return err
	}
	seed := siting.DefaultSeed
	if req.Seed != nil {
		seed = *req.Seed
	}
	return c.JSON(http.StatusOK, wire.NewSites(sel.Model, res, req.Circuity, seed))
}
