package api

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"placeplan/data"
)

// TestSearchRoute: the wire shape, the default geography, the index
// following a new ingest, and the mistakes.
func TestSearchRoute(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()

	for _, tc := range []struct {
		path, kind, code, name, detail string
		geog                           any
	}{
		{"/api/v1/search?q=E01028826", "area", "E01028826", "Shropshire 027A", "LSOA 2011 in Shropshire", "lsoa11"},
		{"/api/v1/search?q=Shropshire+027A", "area", "E01028826", "Shropshire 027A", "LSOA 2011 in Shropshire", "lsoa11"},
		{"/api/v1/search?q=Harlescott", "msoa", "E02006029", "Shrewsbury Harlescott Grange", "MSOA 2011 in Shropshire (Shropshire 015)", "lsoa11"},
		{"/api/v1/search?q=North%20Shrewsbury", "locality", "", "North Shrewsbury", "Shropshire early help localities", "lsoa11"},
		{"/api/v1/search?q=telford+%26+wrekin", "district", "E06000020", "Telford and Wrekin", "local authority district: 108 LSOA 2011 areas", "lsoa11"},
		{"/api/v1/search?q=E06000051&geography=lsoa21", "district", "E06000051", "Shropshire", "local authority district: 198 LSOA 2021 areas", "lsoa21"},
		{"/api/v1/search?q=Craven+Arms&limit=3", "locality", "", "Craven Arms", "Shropshire early help localities", "lsoa11"},
	} {
		rec := get(t, h, tc.path)
		var got []map[string]any
		decode(t, rec, http.StatusOK, "application/json", &got)
		if len(got) == 0 {
			t.Fatalf("%s: nothing found", tc.path)
		}
		r := got[0]
		if r["kind"] != tc.kind || tc.code != "" && r["code"] != tc.code || r["name"] != tc.name || r["detail"] != tc.detail || r["geography"] != tc.geog {
			t.Errorf("%s: first %v", tc.path, r)
		}
		bbox, _ := r["bbox"].([]any)
		lon, _ := r["lon"].(float64)
		lat, _ := r["lat"].(float64)
		if len(bbox) != 4 || lon < bbox[0].(float64) || lon > bbox[2].(float64) || lat < bbox[1].(float64) || lat > bbox[3].(float64) {
			t.Errorf("%s: bbox %v, point %v,%v", tc.path, bbox, lon, lat)
		}
		if m := tooPrecise.FindString(rec.Body.String()); m != "" {
			t.Errorf("%s: %s has more than 6 decimals", tc.path, m)
		}
		if rec.Header().Get("ETag") == "" {
			t.Errorf("%s: no ETag", tc.path)
		}
	}
	// A town has no geography; its bbox is its point. The locality of the
	// same name comes first; the town carries its layer's id.
	var ludlow []map[string]any
	decode(t, get(t, h, "/api/v1/search?q=ludlow"), http.StatusOK, "application/json", &ludlow)
	if len(ludlow) < 2 || ludlow[0]["kind"] != "locality" || ludlow[1]["kind"] != "town" || ludlow[1]["geography"] != nil ||
		ludlow[1]["code"] != "Ludlow" || ludlow[1]["detail"] != "in Shropshire (towns layer)" {
		t.Fatalf("ludlow: %v", ludlow)
	}
	if b := ludlow[1]["bbox"].([]any); b[0] != ludlow[1]["lon"] || b[2] != ludlow[1]["lon"] || b[1] != ludlow[1]["lat"] {
		t.Errorf("the town's bbox %v is not its point", b)
	}
	// The locality's code is its id on the localities layer.
	locs := decodeFC(t, get(t, h, "/api/v1/layers/localities"))
	found := false
	for _, f := range locs.Features {
		if f.Props["name"] == "Ludlow" && f.Props["id"] != nil {
			found = strconv.FormatFloat(f.Props["id"].(float64), 'f', -1, 64) == ludlow[0]["code"]
		}
	}
	if !found {
		t.Errorf("the locality's code %v is not Ludlow's id on the localities layer", ludlow[0]["code"])
	}
	var many []map[string]any
	decode(t, get(t, h, "/api/v1/search?q=shropshire&limit=500"), http.StatusOK, "application/json", &many)
	if len(many) != 50 {
		t.Errorf("limit=500: %d results, want 50", len(many))
	}

	// A new town is found after an ingest.
	p := filepath.Join(t.TempDir(), "hubs.csv")
	if err := os.WriteFile(p, []byte("name,lon,lat\nHarlescott Family Hub,-2.735,52.735\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.IngestFiles(context.Background(), []string{p}, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	var hub []map[string]any
	decode(t, get(t, h, "/api/v1/search?q=family+hub"), http.StatusOK, "application/json", &hub)
	if len(hub) != 1 || hub[0]["name"] != "Harlescott Family Hub" || hub[0]["detail"] != "in Shropshire (hubs layer)" {
		t.Errorf("after an ingest: %v", hub)
	}

	for _, c := range []struct{ path, want string }{
		{"/api/v1/search", "q: missing"},
		{"/api/v1/search?q=a", "at least 2 letters or digits"},
		{"/api/v1/search?q=%27a%27", "at least 2 letters or digits"},
		{"/api/v1/search?q=ludlow&limit=0", "limit"},
		{"/api/v1/search?q=ludlow&limit=ten", "limit"},
		{"/api/v1/search?q=ludlow&geography=msoa", "unknown geography"},
	} {
		if p := decodeProblem(t, get(t, h, c.path), http.StatusBadRequest); !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %q, want %q", c.path, p.Detail, c.want)
		}
	}
}
