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
	got, standard, unit, err := SelectSites(ctx, defaults)
	if err != nil {
		t.Fatal(err)
	}
	explicit := selection()
	explicit.SpeedKmh, explicit.Circuity = siting.DefaultSpeedKmh, siting.DefaultCircuity
	want, _, _, err := SelectSites(ctx, explicit)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || standard != 10 || unit != siting.Minutes {
		t.Errorf("defaults: %+v (%v %s), want %+v (10 minutes)", got, standard, unit, want)
	}
	if got.Objective != 17 || strings.Join(got.Selected, ",") != "S,L" {
		t.Errorf("selected %v covering %v, want S (10) then L (7) covering 17", got.Selected, got.Objective)
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
			_, _, _, err := SelectSites(context.Background(), s)
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
	res, _, _, err := SelectSites(ctx, selection())
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("got %v, %v; want context.Canceled", res, err)
	}
}
