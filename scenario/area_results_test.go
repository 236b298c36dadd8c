package scenario

import (
	"context"
	"math"
	"testing"
)

// TestAreaPlansAgreeWithTheExplanations: each demand area's serving site,
// phase and travel agree with the plan's own figures: every site's
// furthest and weight-averaged travel, its phase, and the areas it reaches.
func TestAreaPlansAgreeWithTheExplanations(t *testing.T) {
	st, err := defaultStore()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ReadFile("defaults/shropshire-five-teams.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Plan(context.Background(), st, sc)
	if err != nil {
		t.Fatal(err)
	}
	rows := res.AreaPlans()
	if len(rows) != len(res.Demand) {
		t.Fatalf("%d rows for %d demand areas", len(rows), len(res.Demand))
	}
	maxTravel, costSum, weight := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for i, a := range rows {
		if a.Code != res.Demand[i].Code {
			t.Fatalf("row %d is %s, demand area %s", i, a.Code, res.Demand[i].Code)
		}
		if a.ServedBy == "" {
			if !math.IsNaN(a.Travel) || a.Phase != -1 || a.PhaseLabel != "" {
				t.Errorf("%s is served by no site, yet travel %v, phase %d %q", a.Code, a.Travel, a.Phase, a.PhaseLabel)
			}
			continue
		}
		if a.Phase < 0 || res.Rollout.Phases[a.Phase].Label != a.PhaseLabel || a.Travel > res.Standard {
			t.Errorf("%s: phase %d %q, travel %v", a.Code, a.Phase, a.PhaseLabel, a.Travel)
		}
		maxTravel[a.ServedBy] = math.Max(maxTravel[a.ServedBy], a.Travel)
		costSum[a.ServedBy] += res.Demand[i].Weight * a.Travel
		weight[a.ServedBy] += res.Demand[i].Weight
	}
	for _, e := range res.Explanation {
		if math.Abs(maxTravel[e.ID]-e.MaxCost) > 1e-9 || math.Abs(costSum[e.ID]/weight[e.ID]-e.MeanCost) > 1e-9 {
			t.Errorf("%s: furthest %v, mean %v from the areas; the explanation says %v, %v",
				e.ID, maxTravel[e.ID], costSum[e.ID]/weight[e.ID], e.MaxCost, e.MeanCost)
		}
	}
}
