package api

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"placeplan/scenario"
)

// TestScenarioTiles draws a plan as tiles: its catchments, and its areas
// with the scenario's need; an edit to the scenario is drawn afresh.
func TestScenarioTiles(t *testing.T) {
	store := loadDefault(t)
	if _, err := scenario.SeedBuiltins(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	shrewsbury := maptile.At(orb.Point{-2.75, 52.71}, 10)
	path := func(layer, ref string) string {
		return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt?scenario=%s", layer, shrewsbury.Z, shrewsbury.X, shrewsbury.Y, ref)
	}
	rec := get(t, h, path("catchments", "shropshire-five-teams"))
	layers := decodeTile(t, rec)
	if len(layers) != 1 || layers[0].Name != "catchments" || len(layers[0].Features) == 0 {
		t.Fatalf("catchments tile: %+v", layers)
	}
	sites := map[string]bool{}
	for _, f := range layers[0].Features {
		site, _ := f.Properties["site"].(string)
		sites[site] = true
		if f.Properties["explanation"] == nil || f.Properties["phase"] == nil {
			t.Errorf("%s: properties %v", site, f.Properties)
		}
	}
	if !sites["South Shrewsbury"] {
		t.Errorf("Shrewsbury's tile shows %v, not South Shrewsbury's catchment", sites)
	}
	tag := rec.Header().Get("ETag")
	if !strings.Contains(tag, "shropshire-five-teams@1") {
		t.Errorf("ETag %s does not name the scenario revision", tag)
	}

	areas := decodeTile(t, get(t, h, path("areas", "shropshire-five-teams")))
	if len(areas) != 1 || len(areas[0].Features) == 0 {
		t.Fatalf("areas tile with a scenario: %+v", areas)
	}
	for _, f := range areas[0].Features {
		if f.Properties["need_rank"] == nil || f.Properties["locality"] == nil {
			t.Fatalf("area %v: properties %v", f.Properties["code"], f.Properties)
		}
	}

	var tj map[string]any
	decode(t, get(t, h, "/tiles/catchments.json?scenario=shropshire-five-teams"), http.StatusOK, "application/json", &tj)
	if tiles, _ := tj["tiles"].([]any); len(tiles) != 1 || !strings.Contains(tiles[0].(string), "scenario=shropshire-five-teams") {
		t.Errorf("TileJSON tiles %v", tj["tiles"])
	}

	// Edit the scenario (four teams): the next request draws revision 2.
	body, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	four := strings.Replace(string(body), "teams: 5", "teams: 4", 1)
	if r := send(t, h, http.MethodPut, "/api/v1/scenarios/shropshire-five-teams", four, "If-Match", `"r1"`); r.Code != http.StatusOK {
		t.Fatalf("update: %d %s", r.Code, r.Body)
	}
	rec = get(t, h, path("catchments", "shropshire-five-teams"), "If-None-Match", tag)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("ETag"), "shropshire-five-teams@2") {
		t.Errorf("after the edit: %d, ETag %s", rec.Code, rec.Header().Get("ETag"))
	}

	for _, c := range []struct {
		target string
		status int
	}{
		{fmt.Sprintf("/tiles/catchments/%d/%d/%d.mvt", shrewsbury.Z, shrewsbury.X, shrewsbury.Y), http.StatusBadRequest},
		{path("catchments", "atlantis"), http.StatusNotFound},
		{path("sites", "shropshire-five-teams"), http.StatusBadRequest},
		{path("catchments", "shropshire-need"), http.StatusBadRequest},
	} {
		decodeProblem(t, get(t, h, c.target), c.status)
	}
}
