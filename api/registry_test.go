package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"placeplan/auth"
	"placeplan/scenario"
	"placeplan/wire"
)

// send sends a request with a body and headers (name, value pairs).
func send(t *testing.T, h http.Handler, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/yaml")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// withToken is h with every request sent under the API token tok.
func withToken(h http.Handler, tok string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(w, r)
	})
}

// TestRegistryRoutes: two commissioners edit one scenario; the second,
// starting from a stale revision, is refused with 412 and nothing is lost;
// every revision stays readable with its plan, and two scenarios compare.
func TestRegistryRoutes(t *testing.T) {
	store := loadDefault(t)
	if _, err := scenario.SeedBuiltins(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	// Ana is an analyst, Ben an approver: each signs their changes with
	// their own API token.
	f := newAuthFixture(t, store, Config{})
	h := withToken(f.h, f.write[auth.Analyst])
	ben := withToken(f.h, f.write[auth.Approver])
	body, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(body), "name: Shropshire — five integrated teams (Oswestry live)", "name: Five teams, our version", 1)

	rec := send(t, h, http.MethodPost, "/api/v1/scenarios?note=start", doc)
	var created savedResponse
	decode(t, rec, http.StatusCreated, "application/json", &created)
	if created.ID != "five-teams-our-version" || created.Revision != 1 || rec.Header().Get("Location") != "/api/v1/scenarios/five-teams-our-version" || rec.Header().Get("ETag") != `"r1"` {
		t.Fatalf("created %+v, headers %v", created, rec.Header())
	}
	url := "/api/v1/scenarios/" + created.ID
	rec = get(t, h, url)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"r1"` {
		t.Fatalf("GET: %d %s", rec.Code, rec.Header().Get("ETag"))
	}
	if r := get(t, h, url, "If-None-Match", `"r1"`); r.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.Code)
	}

	// Ana and Ben both start from r1; Ana saves first.
	four := strings.Replace(doc, "teams: 5", "teams: 4", 1)
	thirty := strings.Replace(doc, "standard_minutes: 20", "standard_minutes: 30", 1)
	var updated savedResponse
	decode(t, send(t, h, http.MethodPut, url+"?note=four", four, "If-Match", `"r1"`), http.StatusOK, "application/json", &updated)
	if updated.Revision != 2 || updated.Changes != "sites.teams: 5 → 4" {
		t.Errorf("update %+v", updated)
	}
	stale := send(t, ben, http.MethodPut, url, thirty, "If-Match", `"r1"`)
	p := decodeProblem(t, stale, http.StatusPreconditionFailed)
	if !strings.Contains(p.Detail, `someone else (analyst) saved revision 2 of "five-teams-our-version" at `) ||
		!strings.HasSuffix(p.Detail, "since you opened revision 1: reload and reapply your change") {
		t.Errorf("stale update: %q", p.Detail)
	}
	// The other person's change, as extension members a page can show.
	var ext map[string]any
	if err := json.Unmarshal(stale.Body.Bytes(), &ext); err != nil {
		t.Fatal(err)
	}
	changedAt, _ := ext["changed_at"].(string)
	if _, err := time.Parse(time.RFC3339, changedAt); err != nil || ext["current_revision"] != 2.0 || ext["changed_by"] != "analyst" ||
		ext["note"] != "four" || ext["changes"] != "sites.teams: 5 → 4" || ext["code"] != "precondition" {
		t.Errorf("stale update: extension members %v", ext)
	}
	staleDelete := send(t, ben, http.MethodDelete, url, "", "If-Match", `"r1"`)
	decodeProblem(t, staleDelete, http.StatusPreconditionFailed)
	ext = nil
	if err := json.Unmarshal(staleDelete.Body.Bytes(), &ext); err != nil || ext["current_revision"] != 2.0 || ext["changed_by"] != "analyst" {
		t.Errorf("stale archive: extension members %v, %v", ext, err)
	}
	decodeProblem(t, send(t, h, http.MethodPut, url, thirty), http.StatusPreconditionRequired)
	decodeProblem(t, send(t, h, http.MethodPut, url, thirty, "If-Match", "yesterday"), http.StatusBadRequest)
	// Ben reloads and reapplies his change on r2.
	decode(t, send(t, ben, http.MethodPut, url, strings.Replace(four, "standard_minutes: 20", "standard_minutes: 30", 1), "If-Match", `"r2"`),
		http.StatusOK, "application/json", &updated)
	if updated.Revision != 3 || updated.Changes != "sites.standard_minutes: 20 → 30" {
		t.Errorf("Ben's update %+v", updated)
	}
	var hist []scenarioRevisionItem
	decode(t, get(t, h, url+"/revisions"), http.StatusOK, "application/json", &hist)
	if len(hist) != 3 || hist[0].Author != "analyst" || hist[0].Note != "start" || hist[2].Author != "approver" {
		t.Errorf("history %+v", hist)
	}
	// An invalid document is refused and stores nothing.
	decodeProblem(t, send(t, h, http.MethodPut, url, strings.Replace(four, "key: idaci_score", "key: unicorns", 1), "If-Match", `"r3"`), http.StatusBadRequest)
	decode(t, get(t, h, url+"/revisions"), http.StatusOK, "application/json", &hist)
	if len(hist) != 3 {
		t.Errorf("%d revisions after a refused update", len(hist))
	}

	// Each revision's plan, computed once and identical when re-opened.
	first := get(t, h, url+"/revisions/1/plan")
	var plan wire.Plan
	decode(t, first, http.StatusOK, "application/json", &plan)
	if plan.Teams != 5 || len(plan.Selection.Selected) != 5 {
		t.Errorf("revision 1 plan: %d teams", plan.Teams)
	}
	again := get(t, h, url+"/revisions/1/plan")
	if again.Body.String() != first.Body.String() {
		t.Error("re-opening revision 1's plan gives a different answer")
	}
	decode(t, get(t, h, url+"/revisions/3/plan"), http.StatusOK, "application/json", &plan)
	if plan.Teams != 4 || plan.Standard != 30 {
		t.Errorf("revision 3 plan: %d teams, %v minutes", plan.Teams, plan.Standard)
	}
	var score wire.Score
	decode(t, get(t, h, url+"/revisions/2/score"), http.StatusOK, "application/json", &score)
	if len(score.Localities) != 18 {
		t.Errorf("score: %d localities", len(score.Localities))
	}
	decodeProblem(t, get(t, h, url+"/revisions/9/plan"), http.StatusNotFound)

	// The plan routes follow the current revision; id@rev names an older one.
	var cur, old wire.Plan
	decode(t, get(t, h, "/api/v1/plans?scenario="+created.ID), http.StatusOK, "application/json", &cur)
	decode(t, get(t, h, "/api/v1/plans?scenario="+created.ID+"@1"), http.StatusOK, "application/json", &old)
	if cur.Teams != 4 || old.Teams != 5 {
		t.Errorf("current %d teams, @1 %d teams", cur.Teams, old.Teams)
	}

	// Compare revision 1 with the current one.
	var cmp wire.Compare
	decode(t, get(t, h, "/api/v1/compare?ids="+created.ID+"@1,"+created.ID), http.StatusOK, "application/json", &cmp)
	var fields []string
	for _, d := range cmp.Differences {
		fields = append(fields, d.Field)
	}
	if strings.Join(fields, ",") != "sites.standard_minutes,sites.teams" || len(cmp.Areas) != 193 || cmp.Labels[1] != created.ID+"@3" {
		t.Errorf("compare: %v, %d areas, labels %v", fields, len(cmp.Areas), cmp.Labels)
	}
	decodeProblem(t, get(t, h, "/api/v1/compare?ids="+created.ID), http.StatusBadRequest)
	layer := decodeFC(t, get(t, h, "/api/v1/layers/compare?ids="+created.ID+"@1,"+created.ID))
	statuses := map[string]int{}
	for _, f := range layer.Features {
		statuses[f.Props["status"].(string)]++
		if want := cmp.Areas[f.ID.(string)]; f.Props["status"] != want {
			t.Errorf("%v: layer says %v, comparison %s", f.ID, f.Props["status"], want)
		}
	}
	if len(layer.Features) != 193 || statuses["b_only"] == 0 {
		t.Errorf("compare layer: %d features, %v", len(layer.Features), statuses)
	}

	// Archive.
	decodeProblem(t, send(t, h, http.MethodDelete, url, "", "If-Match", `"r2"`), http.StatusPreconditionFailed)
	if r := send(t, h, http.MethodDelete, url, "", "If-Match", `"r3"`); r.Code != http.StatusNoContent {
		t.Fatalf("archive: %d %s", r.Code, r.Body)
	}
	var list []scenarioListItem
	decode(t, get(t, h, "/api/v1/scenarios"), http.StatusOK, "application/json", &list)
	for _, it := range list {
		if it.ID == created.ID {
			t.Error("archived scenario listed")
		}
	}
	decode(t, get(t, h, "/api/v1/scenarios?all=true"), http.StatusOK, "application/json", &list)
	if len(list) != 6 {
		t.Errorf("with archived: %d", len(list))
	}
}

// Two updates racing from one revision: exactly one is stored.
func TestRegistryConcurrentUpdates(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	body, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-need.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rec := send(t, h, http.MethodPost, "/api/v1/scenarios", string(body))
	var created savedResponse
	decode(t, rec, http.StatusCreated, "application/json", &created)
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			doc := strings.Replace(string(body), "weight: 3", "weight: "+string(rune('4'+i)), 1)
			codes[i] = send(t, h, http.MethodPut, "/api/v1/scenarios/"+created.ID, doc, "If-Match", `"r1"`).Code
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusPreconditionFailed:
		default:
			t.Errorf("status %d", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d of 4 racing updates stored, want 1 (%v)", ok, codes)
	}
}
