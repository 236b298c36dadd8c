package api

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan/data"
	"placeplan/scenario"
)

// TestServeReadOnlyDatabase: a database that cannot be written is served —
// maps, scenarios, plans — and a save is refused with 503 and a storage
// problem that says why, not an internal error.
func TestServeReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	if _, err := data.CreateDefault(ctx, path); err != nil {
		t.Fatal(err)
	}
	rw, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.SeedBuiltins(ctx, rw); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	store, err := data.OpenWith(ctx, path, data.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, logs := newServer(t, Config{}, store)
	h := srv.Handler()
	for _, target := range []string{"/api/v1/scenarios", "/api/v1/scenarios/shropshire-five-teams/revisions/1/plan", "/tiles/areas/8/126/84.mvt"} {
		if rec := get(t, h, target); rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			t.Errorf("GET %s: status %d on a read-only database: %s", target, rec.Code, rec.Body)
		}
	}
	body, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rec := send(t, h, http.MethodPost, "/api/v1/scenarios", strings.Replace(string(body), "id: shropshire-five-teams", "id: ours", 1))
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("status %d, body %s: %v", rec.Code, rec.Body, err)
	}
	if rec.Code != http.StatusServiceUnavailable || p.Code != "storage" || !strings.Contains(p.Detail, "read-only") {
		t.Errorf("a save on a read-only database: status %d, %+v; want 503, code storage, saying read-only", rec.Code, p)
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("a read-only refusal logged as an error:\n%s", logs)
	}
}
