package scenario

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/scoring/siting"
)

// selection is three towns of Shropshire and a hub in each, 20 minutes
// apart or more.
func selection() SiteSelection {
	return SiteSelection{
		Demand: []siting.Demand{
			{ID: "a", Point: orb.Point{-2.75, 52.71}, Weight: 10},
			{ID: "b", Point: orb.Point{-3.05, 52.86}, Weight: 5},
			{ID: "c", Point: orb.Point{-2.72, 52.37}, Weight: 7},
		},
		Candidates: []siting.Candidate{
			{ID: "S", Point: orb.Point{-2.754, 52.708}, Capacity: math.NaN()},
			{ID: "O", Point: orb.Point{-3.051, 52.862}, Capacity: math.NaN()},
			{ID: "L", Point: orb.Point{-2.719, 52.368}, Capacity: math.NaN()},
		},
		Model: siting.ModelMCLP, P: 2, StandardMin: 10,
	}
}

// TestSelectSitesTravelDefaults: a standard in minutes with no speed is
// travelled at siting.DefaultSpeedKmh and great-circle × DefaultCircuity,
// as in a scenario's plan.
func TestSelectSitesTravelDefaults(t *testing.T) {
	ctx := context.Background()
	defaults := selection()
	res, err := SelectSites(ctx, defaults)
	if err != nil {
		t.Fatal(err)
	}
	explicit := selection()
	explicit.SpeedKmh, explicit.Circuity = siting.DefaultSpeedKmh, siting.DefaultCircuity
	want, err := SelectSites(ctx, explicit)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Selection
	if !reflect.DeepEqual(res, want) || res.Standard != 10 || res.Unit != siting.Minutes || res.Warnings != nil {
		t.Errorf("defaults: %+v (%v %s, warnings %q), want %+v (10 minutes)", got, res.Standard, res.Unit, res.Warnings, want.Selection)
	}
	if got.Objective != 17 || strings.Join(got.Selected, ",") != "S,L" {
		t.Errorf("selected %v covering %v, want S (10) then L (7) covering 17", got.Selected, got.Objective)
	}
}

// TestSelectSitesWarnsOfMatrixGaps: a travel matrix with no rows for most
// candidates is used, but not silently — the warning says how many
// candidates and demand points it leaves out, and which.
func TestSelectSitesWarnsOfMatrixGaps(t *testing.T) {
	s := selection()
	s.Matrix, s.MatrixUnit = []siting.ODRow{{OriginID: "a", DestinationID: "S", Cost: 4}, {OriginID: "b", DestinationID: "S", Cost: 40}}, siting.Minutes
	res, err := SelectSites(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	want := "the travel matrix has no rows for 2 of the 3 candidate sites (O, L), which can serve no one, " +
		"and for 1 of the 3 demand points (c), which no site can reach: check that it was made for these sites and areas"
	if len(res.Warnings) != 1 || res.Warnings[0] != want {
		t.Errorf("warnings %q, want %q", res.Warnings, want)
	}
	if res.Selection.Objective != 10 {
		t.Errorf("the matrix is still used: objective %v, want a's 10 within 10 minutes of S", res.Selection.Objective)
	}
	// A full matrix warns of nothing.
	s.Matrix = nil
	for _, d := range s.Demand {
		for _, c := range s.Candidates {
			s.Matrix = append(s.Matrix, siting.ODRow{OriginID: d.ID, DestinationID: c.ID, Cost: 30})
		}
	}
	if res, err := SelectSites(context.Background(), s); err != nil || res.Warnings != nil {
		t.Errorf("a complete matrix: warnings %q, %v", res.Warnings, err)
	}
}

func TestSelectSitesRefuses(t *testing.T) {
	cases := []struct {
		name string
		edit func(*SiteSelection)
		want string
	}{
		{"an unknown model", func(s *SiteSelection) { s.Model = "gravity" }, `model "gravity": use mclp, pmedian, lscp or capacitated`},
		{"two standards", func(s *SiteSelection) { s.StandardKm = 5 }, "give one service standard"},
		{"a matrix in km for minutes", func(s *SiteSelection) {
			s.Matrix, s.MatrixUnit = []siting.ODRow{{OriginID: "a", DestinationID: "S", Cost: 1}}, siting.Kilometres
		}, "the travel matrix is in km but the service standard is in minutes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := selection()
			tc.edit(&s)
			_, err := SelectSites(context.Background(), s)
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want invalid with %q", err, tc.want)
			}
		})
	}
}

// TestSelectSitesStopsWhenCancelled: the solve behind placeplan sites and
// POST /api/v1/sites honours its context.
func TestSelectSitesStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := SelectSites(ctx, selection())
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("got %v, %v; want context.Canceled", res, err)
	}
}
