package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan/scenario"
	"placeplan/wire"
)

// readDefaultScenario returns a shipped scenario file's text.
func readDefaultScenario(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestScoreAreas: ?areas=true adds the scenario's need for each small area,
// the same figures as the areas layer with ?scenario=, for a stored
// scenario and for a draft posted with other weights.
func TestScoreAreas(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()

	var doc wire.Score
	decode(t, get(t, h, "/api/v1/scores?scenario=shropshire-five-teams&areas=true"), http.StatusOK, "application/json", &doc)
	if len(doc.Areas) != 708 || len(doc.Localities) != 18 {
		t.Fatalf("%d areas and %d localities, want every one of the 708 LSOA 2011 areas and 18 localities", len(doc.Areas), len(doc.Localities))
	}
	layer := decodeFC(t, get(t, h, "/api/v1/layers/areas?fields=&scenario=shropshire-five-teams"))
	props := map[string]map[string]any{}
	for _, f := range layer.Features {
		props[f.ID.(string)] = f.Props
	}
	inScheme, ranks := 0, map[int]bool{}
	for i, a := range doc.Areas {
		p := props[a.Code]
		if i > 0 && doc.Areas[i-1].Code >= a.Code {
			t.Fatalf("areas out of code order at %s", a.Code)
		}
		if a.NeedScore == nil || a.NeedRank == nil || a.NeedShare == nil || *a.NeedScore != p["need_score"] ||
			float64(*a.NeedRank) != p["need_rank"] || *a.NeedShare != p["need_share"] {
			t.Fatalf("%s: %+v; the layer says %v", a.Code, a, p)
		}
		ranks[*a.NeedRank] = true
		if a.Locality == nil {
			if p["locality"] != nil || a.LocalityNeedRank != nil {
				t.Errorf("%s: no locality, but the layer says %v", a.Code, p["locality"])
			}
			continue
		}
		inScheme++
		if *a.Locality != p["locality"] || float64(*a.LocalityNeedRank) != p["locality_need_rank"] {
			t.Errorf("%s: locality %s (%d), the layer %v (%v)", a.Code, *a.Locality, *a.LocalityNeedRank, p["locality"], p["locality_need_rank"])
		}
	}
	if inScheme != 193 || len(ranks) < 600 {
		t.Errorf("%d areas in Shropshire's localities (want 193), %d distinct ranks", inScheme, len(ranks))
	}
	// Without the parameter, no areas.
	var top map[string]json.RawMessage
	decode(t, get(t, h, "/api/v1/scores?scenario=shropshire-five-teams"), http.StatusOK, "application/json", &top)
	if _, ok := top["areas"]; ok {
		t.Error("the score without areas=true carries areas")
	}

	// A draft with other weights re-ranks the areas, as the use case does.
	draft := strings.Replace(readDefaultScenario(t, "shropshire-five-teams.yaml"), "key: idaci_score\n    weight: 3", "key: idaci_score\n    weight: 0.5", 1)
	var posted wire.Score
	decode(t, post(t, h, "/api/v1/scores?areas=true", "application/yaml", draft), http.StatusOK, "application/json", &posted)
	sc, err := scenario.Read("draft", strings.NewReader(draft))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenario.Score(context.Background(), store, sc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := scenario.AreaResults(context.Background(), store, res)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for i, a := range posted.Areas {
		if a.Code != want[i].Code || *a.NeedRank != want[i].NeedRank || *a.NeedScore != want[i].NeedScore {
			t.Fatalf("posted %s: %+v, the use case %+v", a.Code, a, want[i])
		}
		if *a.NeedRank != *doc.Areas[i].NeedRank {
			moved++
		}
	}
	if len(posted.Areas) != 708 || moved < 100 {
		t.Errorf("a third of IDACI's weight moved %d of %d area ranks", moved, len(posted.Areas))
	}
	if p := decodeProblem(t, get(t, h, "/api/v1/scores?scenario=shropshire-need&areas=yes"), http.StatusBadRequest); !strings.Contains(p.Detail, `areas "yes"`) {
		t.Errorf("areas=yes: %q", p.Detail)
	}
}

// TestPlanAreasAndCandidates: ?areas=true adds, for each demand area, the
// site serving it, the phase reaching it and the travel, consistent with
// the catchments and phases layers; every plan lists its candidates; a
// draft's fixed and excluded sites show in them.
func TestPlanAreasAndCandidates(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()

	var plan wire.Plan
	decode(t, get(t, h, "/api/v1/plans?scenario=shropshire-five-teams&areas=true"), http.StatusOK, "application/json", &plan)
	if len(plan.Areas) != plan.Demand.Areas || len(plan.Areas) != 193 {
		t.Fatalf("%d areas, %d demand areas; want Shropshire's 193", len(plan.Areas), plan.Demand.Areas)
	}
	catchments := decodeFC(t, get(t, h, "/api/v1/layers/catchments?scenario=shropshire-five-teams"))
	phases := decodeFC(t, get(t, h, "/api/v1/layers/phases?scenario=shropshire-five-teams"))
	polygons := func(raw json.RawMessage) int {
		var g struct{ Coordinates [][][][2]float64 }
		if err := json.Unmarshal(raw, &g); err != nil {
			t.Fatal(err)
		}
		return len(g.Coordinates)
	}
	servedBy, inPhase := map[string]int{}, map[int]int{}
	for _, a := range plan.Areas {
		if (a.ServedBy == nil) != (a.Travel == nil) || (a.ServedBy == nil) != (a.PhaseIndex == nil) || (a.ReachedIn == nil) != (a.PhaseIndex == nil) {
			t.Fatalf("%s: served by %v, travel %v, phase %v (%v): all or none", a.Code, a.ServedBy, a.Travel, a.PhaseIndex, a.ReachedIn)
		}
		if a.ServedBy == nil {
			continue
		}
		servedBy[*a.ServedBy]++
		inPhase[*a.PhaseIndex]++
		if *a.Travel < 0 || *a.Travel > plan.Standard || plan.Rollout.Phases[*a.PhaseIndex].Label != *a.ReachedIn {
			t.Errorf("%s: travel %v %s (standard %v), phase %d %q", a.Code, *a.Travel, plan.Unit, plan.Standard, *a.PhaseIndex, *a.ReachedIn)
		}
	}
	for _, f := range catchments.Features {
		if site := f.Props["site"].(string); polygons(f.Geometry) != servedBy[site] {
			t.Errorf("catchment %s: %d areas, the areas answer %d", site, polygons(f.Geometry), servedBy[site])
		}
	}
	for _, f := range phases.Features {
		if k := int(f.Props["phase"].(float64)) - 1; polygons(f.Geometry) != inPhase[k] {
			t.Errorf("phase %d: %d areas, the areas answer %d", k, polygons(f.Geometry), inPhase[k])
		}
	}
	// Oswestry's own areas are a few minutes from its hub, and reached live.
	for _, a := range plan.Areas {
		if a.ServedBy != nil && *a.ServedBy == "Oswestry" && (*a.PhaseIndex != 0 || *a.ReachedIn != "Live") {
			t.Errorf("%s is served by Oswestry (live) but reached in %q", a.Code, *a.ReachedIn)
		}
	}

	// The candidates: one hub per locality, the chosen ones marked.
	if len(plan.Candidates) != 18 {
		t.Fatalf("%d candidates, want a hub in each of the 18 localities", len(plan.Candidates))
	}
	var chosen []string
	for _, c := range plan.Candidates {
		if c.Selected {
			chosen = append(chosen, c.ID)
		}
		if c.Fixed != (c.ID == "Oswestry") || c.Excluded || c.Locality == "" || c.Placed == "" || c.Lon > -2 || c.Lat < 52 {
			t.Errorf("candidate %+v", c)
		}
	}
	slices.Sort(chosen)
	want := slices.Sorted(slices.Values(plan.Selection.Selected))
	if !slices.Equal(chosen, want) {
		t.Errorf("candidates marked selected %v, the selection %v", chosen, want)
	}
	var top map[string]json.RawMessage
	decode(t, get(t, h, "/api/v1/plans?scenario=shropshire-five-teams"), http.StatusOK, "application/json", &top)
	if _, ok := top["areas"]; ok || top["candidates"] == nil {
		t.Error("without areas=true: areas sent or candidates missing")
	}

	// A draft that excludes a chosen site and fixes another.
	out := want[0]
	if out == "Oswestry" {
		out = want[1]
	}
	in := ""
	for _, c := range plan.Candidates {
		if !c.Selected {
			in = c.ID
			break
		}
	}
	draft := strings.Replace(readDefaultScenario(t, "shropshire-five-teams.yaml"), "fixed: [Oswestry]",
		"fixed: [Oswestry, "+in+"]\n  exclude: ["+out+"]", 1)
	var posted wire.Plan
	decode(t, post(t, h, "/api/v1/plans?areas=true", "application/yaml", draft), http.StatusOK, "application/json", &posted)
	if slices.Contains(posted.Selection.Selected, out) || !slices.Contains(posted.Selection.Selected, in) || len(posted.Areas) != 193 {
		t.Errorf("draft excluding %s and fixing %s: selected %v, %d areas", out, in, posted.Selection.Selected, len(posted.Areas))
	}
	for _, c := range posted.Candidates {
		if c.Excluded != (c.ID == out) || c.Fixed != (c.ID == "Oswestry" || c.ID == in) || c.Selected != slices.Contains(posted.Selection.Selected, c.ID) {
			t.Errorf("draft candidate %+v", c)
		}
	}
	for _, a := range posted.Areas {
		if a.ServedBy != nil && *a.ServedBy == out {
			t.Errorf("%s is served by the excluded %s", a.Code, out)
		}
		if a.Travel != nil && (math.IsNaN(*a.Travel) || *a.Travel > posted.Standard) {
			t.Errorf("%s: travel %v", a.Code, *a.Travel)
		}
	}
	decodeProblem(t, post(t, h, "/api/v1/plans?areas=1", "application/yaml", draft), http.StatusBadRequest)
}

// TestCachedPlanOfAnOlderPlaceplan: a plan an older placeplan cached in a
// database kept on disk (without candidates) is computed afresh, not
// served.
func TestCachedPlanOfAnOlderPlaceplan(t *testing.T) {
	store := loadDefault(t)
	ctx := context.Background()
	if _, err := scenario.SeedBuiltins(ctx, store); err != nil {
		t.Fatal(err)
	}
	rev, err := store.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutScenarioResult(ctx, "shropshire-five-teams", 1, rev, "plan", []byte(`{"scenario":"an old plan"}`)); err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, Config{}, store)
	var plan wire.Plan
	decode(t, get(t, srv.Handler(), "/api/v1/scenarios/shropshire-five-teams/revisions/1/plan"), http.StatusOK, "application/json", &plan)
	if plan.Scenario == "an old plan" || len(plan.Candidates) != 18 {
		t.Errorf("revision 1's plan: %q with %d candidates", plan.Scenario, len(plan.Candidates))
	}
	if b, ok, err := store.ScenarioResult(ctx, "shropshire-five-teams", 1, rev, planResultKind); err != nil || !ok || !strings.Contains(string(b), `"candidates"`) {
		t.Errorf("the plan kept as %s: %v, %v", planResultKind, ok, err)
	}
}

// TestPlanAreasUnderSuppression: with a confidential count as demand, the
// plan's figures are withheld as before (by scenario.Plan), and the
// per-area rows and candidates carry no demand figure to withhold.
func TestPlanAreasUnderSuppression(t *testing.T) {
	store := loadDefault(t)
	ingestReferrals(t, store) // 3, 12 and 0 referrals in three Shropshire areas
	srv, _ := newServer(t, Config{}, store)
	draft := strings.Replace(readDefaultScenario(t, "shropshire-five-teams.yaml"), "weight: need ", "weight: referrals ", 1)
	if !strings.Contains(draft, "weight: referrals") {
		t.Fatal("the draft does not weigh referrals")
	}
	rec := post(t, srv.Handler(), "/api/v1/plans?areas=true", "application/yaml", draft)
	var plan wire.Plan
	decode(t, rec, http.StatusOK, "application/json", &plan)
	if plan.SuppressedBelow != 5 || plan.Demand.TotalWeight != nil && *plan.Demand.TotalWeight < 5 {
		t.Errorf("suppressed below %v, total weight %v", plan.SuppressedBelow, plan.Demand.TotalWeight)
	}
	var raw struct {
		Areas      []map[string]json.RawMessage `json:"areas"`
		Candidates []map[string]json.RawMessage `json:"candidates"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, a := range raw.Areas {
		for k := range a {
			if !slices.Contains([]string{"code", "served_by", "reached_in", "phase_index", "travel"}, k) {
				t.Fatalf("an area row carries %s", k)
			}
		}
	}
	for _, c := range raw.Candidates {
		for k := range c {
			if !slices.Contains([]string{"id", "locality", "lon", "lat", "placed", "selected", "fixed", "named", "excluded"}, k) {
				t.Fatalf("a candidate carries %s", k)
			}
		}
	}
	if len(raw.Areas) != 193 || len(raw.Candidates) != 18 {
		t.Errorf("%d areas, %d candidates", len(raw.Areas), len(raw.Candidates))
	}
}
