package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan/data"
	"placeplan/scenario"
	"placeplan/scoring/siting"
	"placeplan/wire"
)

// post sends a body through h.
func post(t *testing.T, h http.Handler, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestScenarioRoutes serves the shipped scenarios, their scores and plans,
// and the plan's catchments and phases, over the embedded default data,
// and checks them against the same use cases called directly.
func TestScenarioRoutes(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()

	if _, err := scenario.SeedBuiltins(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	var list []scenarioListItem
	decode(t, get(t, h, "/api/v1/scenarios"), http.StatusOK, "application/json", &list)
	if len(list) != 4 || list[1].ID != "shropshire-five-teams" || list[1].Revision != 1 || list[1].Author != "placeplan" {
		t.Fatalf("scenarios %+v", list)
	}
	var doc map[string]any
	decode(t, get(t, h, "/api/v1/scenarios/shropshire-five-teams"), http.StatusOK, "application/json", &doc)
	if doc["name"] != "Shropshire — five integrated teams (Oswestry live)" || doc["sites"] == nil {
		t.Errorf("scenario document %v", doc)
	}
	decodeProblem(t, get(t, h, "/api/v1/scenarios/atlantis"), http.StatusNotFound)

	// The plan, as the use case gives it.
	rec := get(t, h, "/api/v1/plans?scenario=shropshire-five-teams")
	var plan wire.Plan
	decode(t, rec, http.StatusOK, "application/json", &plan)
	sc, err := scenario.LookupBuiltin("shropshire-five-teams")
	if err != nil {
		t.Fatal(err)
	}
	want, err := scenario.Plan(context.Background(), store, sc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(plan.Selection.Selected, ",") != strings.Join(want.Selection.Selected, ",") || !plan.Selection.ProvenOptimal ||
		len(plan.Rollout.Phases) != 5 || plan.Evaluation == nil || plan.Robustness == nil {
		t.Errorf("plan %+v", plan.Selection)
	}
	// Each chosen site names its closest alternative, as the use case does.
	for i, site := range plan.Sites {
		e := want.Explanation[i]
		if site.ID != e.ID || site.Alternative != e.Alternative {
			t.Errorf("site %d: %s, alternative %q; want %s, %q", i, site.ID, site.Alternative, e.ID, e.Alternative)
		}
		if e.Alternative != "" && (site.AlternativeLoss == nil || *site.AlternativeLoss != e.AlternativeLoss) ||
			e.Alternative == "" && site.AlternativeLoss != nil {
			t.Errorf("site %s: alternative loss %v, want %v", site.ID, site.AlternativeLoss, e.AlternativeLoss)
		}
		if e.Alternative != "" && !strings.Contains(site.Explanation, e.Alternative) {
			t.Errorf("site %s: the explanation does not name the alternative %s: %s", site.ID, e.Alternative, site.Explanation)
		}
	}
	if plan.Sites[1].Alternative == "" {
		t.Errorf("the second site has no alternative: %+v", plan.Sites[1])
	}
	tag := rec.Header().Get("ETag")
	if !strings.HasPrefix(tag, `W/"rev-`) {
		t.Errorf("ETag %q", tag)
	}
	if rec := get(t, h, "/api/v1/plans?scenario=shropshire-five-teams", "If-None-Match", tag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", rec.Code)
	}
	var score wire.Score
	decode(t, get(t, h, "/api/v1/scores?scenario=shropshire-need"), http.StatusOK, "application/json", &score)
	if len(score.Localities) != 18 || score.Localities[0].Rank != 1 || score.Draws != 1000 {
		t.Errorf("score: %d localities, first %+v", len(score.Localities), score.Localities[0])
	}

	// Catchments: one feature per chosen site, the areas it serves.
	fc := decodeFC(t, get(t, h, "/api/v1/layers/catchments?scenario=shropshire-five-teams"))
	if len(fc.Features) != 5 {
		t.Fatalf("%d catchments, want 5", len(fc.Features))
	}
	served := map[string]int{}
	for i := range want.Demand {
		if p := want.ServedBy[i]; p >= 0 {
			served[want.Selection.Selected[p]]++
		}
	}
	for _, f := range fc.Features {
		site, _ := f.Props["site"].(string)
		var g struct{ Coordinates [][][][2]float64 }
		if err := json.Unmarshal(f.Geometry, &g); err != nil || len(g.Coordinates) != served[site] {
			t.Errorf("%s: %d polygons, serves %d areas (%v)", site, len(g.Coordinates), served[site], err)
		}
		if f.Props["explanation"] == nil || f.Props["order"] == nil || f.Props["phase"] == "" {
			t.Errorf("%s: properties %v", site, f.Props)
		}
		if tooPrecise.Match(f.Geometry) {
			t.Errorf("%s: coordinates with more than 6 decimals", site)
		}
	}
	// A bbox around Ludlow and Craven Arms leaves out the northern sites.
	south := decodeFC(t, get(t, h, "/api/v1/layers/catchments?scenario=shropshire-five-teams&bbox=-2.9,52.3,-2.6,52.45"))
	if len(south.Features) == 0 || len(south.Features) >= 5 {
		t.Errorf("%d catchments meet the bbox", len(south.Features))
	}
	phases := decodeFC(t, get(t, h, "/api/v1/layers/phases?scenario=shropshire-five-teams"))
	if len(phases.Features) != 5 || phases.Features[0].Props["label"] != "Live" || phases.Features[0].Props["sites"] != "Oswestry" {
		t.Errorf("phases: %d, first %v", len(phases.Features), phases.Features[0].Props)
	}

	// Mistakes.
	for _, c := range []struct {
		target string
		status int
		want   string
	}{
		{"/api/v1/plans", 400, "scenario: missing"},
		{"/api/v1/plans?scenario=atlantis", 404, `no scenario "atlantis"`},
		{"/api/v1/plans?scenario=shropshire-need", 400, "has no sites section"},
		{"/api/v1/layers/catchments?scenario=shropshire-five-teams&bbox=1,2,3", 400, "bbox"},
		{"/api/v1/scores?scenario=", 400, "scenario: missing"},
	} {
		p := decodeProblem(t, get(t, h, c.target), c.status)
		if !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %q, want %q", c.target, p.Detail, c.want)
		}
	}
}

// TestPostedScenarios computes a scenario sent in the body, in YAML or
// JSON, and refuses one that names files on the server.
func TestPostedScenarios(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	body, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(body), "teams: 5", "teams: 4", 1)
	var plan wire.Plan
	decode(t, post(t, h, "/api/v1/plans", "application/yaml", yaml), http.StatusOK, "application/json", &plan)
	if len(plan.Selection.Selected) != 4 || plan.Selection.Selected[0] != "Oswestry" {
		t.Errorf("four teams: %v", plan.Selection.Selected)
	}
	var score wire.Score
	decode(t, post(t, h, "/api/v1/scores", "application/json", `{"placeplan_scenario": 1, "name": "IDACI only",
		"dataset": {"geography": "lsoa11"}, "localities": {"scheme": "Oxfordshire early intervention areas"},
		"indicators": [{"key": "idaci_score", "weight": 1}], "normalisation": "rank", "aggregation": "arithmetic",
		"uncertainty": {"draws": 0}}`), http.StatusOK, "application/json", &score)
	if len(score.Localities) != 3 || score.Scenario != "IDACI only" {
		t.Errorf("posted score %+v", score)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"a database on the server", "geography: lsoa11", "geography: lsoa11\n  db: /etc/passwd", "dataset.db"},
		{"a matrix on the server", "model: mclp", "model: mclp\n  matrix: /etc/passwd", "sites.matrix"},
		{"an invalid field", "teams: 5", "teams: -1", "sites.teams"},
	} {
		p := decodeProblem(t, post(t, h, "/api/v1/plans", "application/yaml", strings.Replace(string(body), c.from, c.to, 1)), http.StatusBadRequest)
		if !strings.Contains(p.Detail, c.want) || strings.Contains(p.Detail, "root:") {
			t.Errorf("%s: %q", c.name, p.Detail)
		}
	}
	if rec := post(t, h, "/api/v1/plans", "application/yaml", strings.Repeat("#", maxScenarioBytes+10)); rec.Code != http.StatusBadRequest {
		t.Errorf("oversized body: %d", rec.Code)
	}
}

// A new ingest is seen at once: the plan is recomputed for the new data
// revision, with a new ETag.
func TestPlanFollowsTheData(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	first := get(t, h, "/api/v1/plans?scenario=oxfordshire-hubs")
	if first.Code != http.StatusOK {
		t.Fatalf("%d: %s", first.Code, first.Body)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "towns2.csv")
	if err := os.WriteFile(p, []byte("name,lon,lat\nDidcot,-1.24,51.61\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.IngestFiles(context.Background(), []string{p}, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	second := get(t, h, "/api/v1/plans?scenario=oxfordshire-hubs", "If-None-Match", first.Header().Get("ETag"))
	if second.Code != http.StatusOK || second.Header().Get("ETag") == first.Header().Get("ETag") {
		t.Errorf("after an ingest: %d, ETag %s (was %s)", second.Code, second.Header().Get("ETag"), first.Header().Get("ETag"))
	}
}

// TestAreaProfileRanks: an IoD domain score carries MHCLG's published
// national rank and decile; another indicator is ranked among the areas
// loaded, most need first, and agrees with a count done here.
func TestAreaProfileRanks(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	var prof wire.AreaProfile
	decode(t, get(t, srv.Handler(), "/api/v1/areas/lsoa11/E01028826"), http.StatusOK, "application/json", &prof)
	byKey := map[string]wire.IndicatorValue{}
	for _, r := range prof.Indicators {
		byKey[r.Key] = r
	}
	imd := byKey["imd_score"]
	if imd.Rank == nil || imd.RankBasis != basisPublished || imd.RankOf != 32844 ||
		float64(*imd.Rank) != *byKey["imd_rank"].Value || float64(*imd.Decile) != *byKey["imd_decile"].Value {
		t.Errorf("imd_score rank %+v, published rank %v decile %v", imd, *byKey["imd_rank"].Value, *byKey["imd_decile"].Value)
	}
	if byKey["imd_rank"].Rank != nil || byKey["pop_total"].Rank != nil {
		t.Error("ranks and populations are not ranked again")
	}
	am := byKey["acute_morbidity_indicator"]
	if am.Rank == nil || am.RankBasis != basisLoaded {
		t.Fatalf("acute morbidity: %+v", am)
	}
	inds, err := store.Indicators(context.Background(), "lsoa11")
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range inds {
		if ind.Key != "acute_morbidity_indicator" {
			continue
		}
		vals, err := store.Values(context.Background(), ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		more := 0
		for _, v := range vals {
			if v.Value > *am.Value { // higher is worse
				more++
			}
		}
		if *am.Rank != more+1 || am.RankOf != len(vals) || *am.Decile != min(10, (10*(more+1)+len(vals)-1)/len(vals)) {
			t.Errorf("rank %d decile %d of %d; counted rank %d of %d", *am.Rank, *am.Decile, am.RankOf, more+1, len(vals))
		}
	}
}

// TestAreasLayerWithScenario: a named scenario adds its area-level need,
// locality rank and, with a plan, the serving site and phase.
func TestAreasLayerWithScenario(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	fc := decodeFC(t, get(t, h, "/api/v1/layers/areas?lad=E06000051&fields=imd_score&scenario=shropshire-five-teams"))
	if len(fc.Features) != 193 {
		t.Fatalf("%d Shropshire areas, want 193", len(fc.Features))
	}
	ranks := map[float64]bool{}
	servedBy := map[string]int{}
	for _, f := range fc.Features {
		p := f.Props
		rank, ok := p["need_rank"].(float64)
		if !ok || p["locality"] == nil || p["locality_need_rank"] == nil || p["need_share"] == nil {
			t.Fatalf("%v: properties %v", f.ID, p)
		}
		ranks[rank] = true
		if site, ok := p["served_by"].(string); ok {
			servedBy[site]++
			if p["reached_in"] == nil {
				t.Errorf("%v is served by %s but reached in no phase", f.ID, site)
			}
		}
	}
	if len(ranks) < 150 {
		t.Errorf("only %d distinct area ranks among 193 areas", len(ranks))
	}
	plan := decodeFC(t, get(t, h, "/api/v1/layers/catchments?scenario=shropshire-five-teams"))
	for _, f := range plan.Features {
		var g struct{ Coordinates [][][][2]float64 }
		if err := json.Unmarshal(f.Geometry, &g); err != nil {
			t.Fatal(err)
		}
		site := f.Props["site"].(string)
		if servedBy[site] == 0 {
			t.Errorf("%s serves no area on the areas layer", site)
		}
	}
	// Oxfordshire's scenario on Oxfordshire's districts.
	fc = decodeFC(t, get(t, h, "/api/v1/layers/areas?lad=E07000178&fields=&scenario=oxfordshire-hubs"))
	if len(fc.Features) == 0 || fc.Features[0].Props["locality"] != "Central" {
		t.Errorf("Oxford: %d areas, first %v", len(fc.Features), fc.Features[0].Props)
	}
	decodeProblem(t, get(t, h, "/api/v1/layers/areas?scenario=atlantis"), http.StatusNotFound)
	p := decodeProblem(t, get(t, h, "/api/v1/layers/areas?geography=lsoa21&scenario=shropshire-need"), http.StatusBadRequest)
	if !strings.Contains(p.Detail, "geography=lsoa11") {
		t.Errorf("geography mismatch: %q", p.Detail)
	}
}

// TestSitesRoute solves the contract's toy case over HTTP: covering 17
// with S and L within 5 km is optimal.
func TestSitesRoute(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	body := `{"demand": [{"id": "a", "lon": -2.75, "lat": 52.71, "weight": 10}, {"id": "b", "lon": -3.05, "lat": 52.86, "weight": 5},
		{"id": "c", "lon": -2.72, "lat": 52.37, "weight": 7}],
		"candidates": [{"id": "S", "lon": -2.754, "lat": 52.708}, {"id": "O", "lon": -3.051, "lat": 52.862}, {"id": "L", "lon": -2.719, "lat": 52.368, "capacity": 3}],
		"model": "mclp", "p": 2, "standard_km": 5, "circuity": 1}`
	var doc wire.Sites
	decode(t, post(t, srv.Handler(), "/api/v1/sites", "application/json", body), http.StatusOK, "application/json", &doc)
	if doc.Objective != 17 || !doc.ProvenOptimal || len(doc.Selected) != 2 || doc.TotalWeight != 22 {
		t.Errorf("toy MCLP %+v", doc)
	}
	if doc.Seed != siting.DefaultSeed || doc.Warnings == nil {
		t.Errorf("seed %d, warnings %v: want the command line's default seed, %d, and an empty warnings list", doc.Seed, doc.Warnings, siting.DefaultSeed)
	}
	decode(t, post(t, srv.Handler(), "/api/v1/sites", "application/json", strings.Replace(body, `"circuity": 1`, `"circuity": 1, "seed": 0`, 1)),
		http.StatusOK, "application/json", &doc)
	if doc.Seed != 0 {
		t.Errorf("seed %d: an explicit 0 is recorded as 0", doc.Seed)
	}
	decode(t, post(t, srv.Handler(), "/api/v1/sites", "application/json", strings.Replace(body, `"mclp"`, `"capacitated"`, 1)),
		http.StatusOK, "application/json", &doc)
	if doc.Objective != 15 || strings.Join(doc.Selected, ",") != "S,O" { // L would serve only 3 of c's 7: O's 5 is better; S (10) adds most
		t.Errorf("capacitated %+v", doc)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"p": 2`, `"p": 0`, "p: 0"},
		{`"standard_km": 5`, `"standard_km": 0`, "one service standard"},
		{`"model": "mclp"`, `"model": "gravity"`, `model "gravity"`},
		{`"id": "S"`, `"id": "a\"`, "request:"},
	} {
		p := decodeProblem(t, post(t, srv.Handler(), "/api/v1/sites", "application/json", strings.Replace(body, c.from, c.to, 1)), http.StatusBadRequest)
		if !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %q", c.to, p.Detail)
		}
	}
}

// TestLayerBBox: the localities and sites layers keep only what meets the
// bbox, as the other layers do.
func TestLayerBBox(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	all := decodeFC(t, get(t, h, "/api/v1/layers/localities"))
	// Around Ludlow and Craven Arms, in south Shropshire.
	south := decodeFC(t, get(t, h, "/api/v1/layers/localities?bbox=-2.8,52.35,-2.7,52.4"))
	if len(south.Features) == 0 || len(south.Features) >= len(all.Features) {
		t.Errorf("localities: %d meet the bbox of %d", len(south.Features), len(all.Features))
	}
	towns := decodeFC(t, get(t, h, "/api/v1/layers/sites?layer=towns&bbox=-2.8,52.35,-2.7,52.4"))
	if len(towns.Features) != 1 || towns.Features[0].Props["name"] != "Ludlow" {
		t.Errorf("towns in the bbox: %d %v", len(towns.Features), towns.Features)
	}
	decodeProblem(t, get(t, h, "/api/v1/layers/sites?layer=towns&bbox=1,2"), http.StatusBadRequest)
}
