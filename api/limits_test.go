package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"placeplan/internal/fixture"
)

// TestHugeSiteSelectionIsRefused is issue 15's request that once grew the
// server to 24 GB: 100,000 demand points × 10,000 candidates with every
// pair within the standard (8 MB, under the body limit). It is refused
// with 422 naming the limit and the size asked for, and the server goes on
// answering.
func TestHugeSiteSelectionIsRefused(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	body := fixture.HostileSitesBody()
	if len(body) > maxSitesBytes {
		t.Fatalf("the request is %d bytes, over the body limit", len(body))
	}
	rec := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", body)
	p := decodeProblem(t, rec, http.StatusUnprocessableEntity)
	if !strings.Contains(p.Detail, "100000 demand points × 10000 candidates") || !strings.Contains(p.Detail, fmt.Sprintf("the limit is %d", srv.policy.MaxPairs)) {
		t.Errorf("detail %q: want the size asked for and the limit, %d", p.Detail, srv.policy.MaxPairs)
	}
	var ext map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &ext); err != nil {
		t.Fatal(err)
	}
	if ext["max_pairs"] != float64(srv.policy.MaxPairs) || ext["pairs"] != 1e9 {
		t.Errorf("pairs %v, max_pairs %v: want 1e9 and %d", ext["pairs"], ext["max_pairs"], srv.policy.MaxPairs)
	}
	if r := get(t, h, "/healthz"); r.Code != http.StatusOK {
		t.Errorf("healthz after the refusal: %d", r.Code)
	}
}

// TestAnalysesAreQueuedThenRefused: with one analysis running and the
// queue full, the next analysis is refused at once with 503, code busy and
// Retry-After, while maps and health answer as usual; a queued one runs
// once the running one ends.
func TestAnalysesAreQueuedThenRefused(t *testing.T) {
	srv, _ := newServer(t, Config{MaxAnalyses: 1, AnalysisQueue: 1}, loadDefault(t))
	h := srv.Handler()
	release, err := srv.analyses.acquire(context.Background()) // one running
	if err != nil {
		t.Fatal(err)
	}
	queued := make(chan int)
	go func() {
		queued <- get(t, h, "/api/v1/scores?scenario=shropshire-need").Code
	}()
	for srv.analyses.waiting.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	busy := get(t, h, "/api/v1/plans?scenario=shropshire-five-teams")
	p := decodeProblem(t, busy, http.StatusServiceUnavailable)
	if p.Code != "busy" || busy.Header().Get("Retry-After") != "2" || !strings.Contains(p.Detail, "1 analyses are running and 1 waiting") {
		t.Errorf("a full queue: %+v, Retry-After %q", p, busy.Header().Get("Retry-After"))
	}
	for _, url := range []string{"/healthz", "/api/v1/config", "/api/v1/datasets"} {
		if r := get(t, h, url); r.Code != http.StatusOK {
			t.Errorf("%s while the analyses are full: %d", url, r.Code)
		}
	}
	release()
	if code := <-queued; code != http.StatusOK {
		t.Errorf("the queued analysis: %d", code)
	}
}

// TestOverflowingSitesRequestIs400: demand weights of 1e308 used to give a
// 500 (the objective overflowed to +Inf); now a 400 that names them.
func TestOverflowingSitesRequestIs400(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	body := `{"model":"pmedian","p":1,"standard_km":50,"demand":[{"id":"a","lon":-2.7,"lat":52.7,"weight":1e308},{"id":"b","lon":-2.8,"lat":52.7,"weight":1e308}],` +
		`"candidates":[{"id":"x","lon":-2.75,"lat":52.7}]}`
	p := decodeProblem(t, request(t, srv.Handler(), http.MethodPost, "/api/v1/sites", "application/json", body), http.StatusBadRequest)
	if !strings.Contains(p.Detail, "demand weights add up to") {
		t.Errorf("detail %q", p.Detail)
	}
}

// TestMemoryBudgetBoundsAnalyses: a smaller memory budget makes smaller
// bounds — half of 128 MiB shared by two analyses is 524,288 pairs each —
// and requests over them get 422 naming the limit
// and the size asked for, while requests within them are answered.
func TestMemoryBudgetBoundsAnalyses(t *testing.T) {
	srv, _ := newServer(t, Config{MemoryBudgetBytes: 128 << 20, MaxAnalyses: 2}, loadDefault(t))
	h := srv.Handler()
	over := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", fixture.SitesBody("mclp", 3, 1000, 600, 1000))
	if p := decodeProblem(t, over, http.StatusUnprocessableEntity); !strings.Contains(p.Detail, "1000 demand points × 600 candidates have about 600000 pairs") ||
		!strings.Contains(p.Detail, "the limit is 524288") {
		t.Errorf("600,000 pairs under a 128 MiB budget: %q", p.Detail)
	}
	if r := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", fixture.SitesBody("mclp", 3, 1000, 500, 1000)); r.Code != http.StatusOK {
		t.Errorf("500,000 pairs under a 128 MiB budget: %d %s", r.Code, r.Body)
	}
	draws := `{"placeplan_scenario": 1, "name": "IDACI only", "dataset": {"geography": "lsoa11"},
		"localities": {"scheme": "Oxfordshire early intervention areas"}, "indicators": [{"key": "idaci_score", "weight": 1}],
		"normalisation": "rank", "aggregation": "arithmetic", "uncertainty": {"draws": 1000000, "concentration": 10}}`
	// 16 MiB, two at once: 4 MiB, 1,048,576 ranks each.
	tiny, _ := newServer(t, Config{MemoryBudgetBytes: 16 << 20, MaxAnalyses: 2}, loadDefault(t))
	p := decodeProblem(t, post(t, tiny.Handler(), "/api/v1/scores", "application/json", draws), http.StatusUnprocessableEntity)
	if !strings.Contains(p.Detail, "1000000 draws for 3 localities is more than the 1048576 ranks this server keeps: use at most 349525 draws") {
		t.Errorf("1,000,000 draws under a 16 MiB budget: %q", p.Detail)
	}
}

// TestAnalysisDeadline: an analysis that runs past the server's
// AnalysisTimeout is stopped and answered with 422 naming the limit,
// soon after the deadline; the next analysis gets its turn.
func TestAnalysisDeadline(t *testing.T) {
	srv, _ := newServer(t, Config{AnalysisTimeout: 300 * time.Millisecond, MaxAnalyses: 1}, loadDefault(t))
	h := srv.Handler()
	start := time.Now()
	rec := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", fixture.SitesBody("pmedian", 40, 6000, 200, 1000))
	took := time.Since(start)
	p := decodeProblem(t, rec, http.StatusUnprocessableEntity)
	if !strings.Contains(p.Detail, "the analysis was stopped after 300ms, the most this server gives one") {
		t.Errorf("detail %q", p.Detail)
	}
	if took > 5*time.Second {
		t.Errorf("answered %v after the start; the deadline was 300 ms", took)
	}
	if r := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", fixture.SitesBody("mclp", 2, 50, 10, 1000)); r.Code != http.StatusOK {
		t.Errorf("a small analysis after the deadline's: %d %s", r.Code, r.Body)
	}
}

// TestStoredScenarioComputationsAreGated: a stored scenario's score or
// plan is an analysis whichever route asks for it first — here the legend
// breaks, which is no analysis route — so with every turn taken and no
// queue it is refused with 503 busy; once a turn is free it is answered.
func TestStoredScenarioComputationsAreGated(t *testing.T) {
	srv, _ := newServer(t, Config{MaxAnalyses: 1, AnalysisQueue: -1}, loadDefault(t))
	h := srv.Handler()
	release, err := srv.analyses.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{"/api/v1/breaks?scenario=shropshire-need&field=need_score", "/api/v1/layers/catchments?scenario=shropshire-five-teams"} {
		busy := get(t, h, url)
		if p := decodeProblem(t, busy, http.StatusServiceUnavailable); p.Code != "busy" || busy.Header().Get("Retry-After") == "" {
			t.Errorf("%s with every turn taken: %+v", url, p)
		}
	}
	release()
	if r := get(t, h, "/api/v1/breaks?scenario=shropshire-need&field=need_score"); r.Code != http.StatusOK {
		t.Errorf("breaks once a turn is free: %d %s", r.Code, r.Body)
	}
}

// TestCompareIsBounded: more scenarios than maxCompared are refused with
// 422 naming the limit, before any is planned.
func TestCompareIsBounded(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	ids := strings.Repeat("shropshire-need,", maxCompared) + "oxfordshire-hubs"
	p := decodeProblem(t, get(t, srv.Handler(), "/api/v1/compare?ids="+ids), http.StatusUnprocessableEntity)
	if !strings.Contains(p.Detail, "ids: 7 scenarios; at most 6 are compared at once") {
		t.Errorf("detail %q", p.Detail)
	}
}
