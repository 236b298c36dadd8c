package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
)

// TestConfig: what the web map reads at start, on the default data and on
// an empty store.
func TestConfig(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{Version: "1.2.3", Persistent: true, BasemapStyle: "https://tiles.example.org/style.json",
		Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	rec := get(t, srv.Handler(), "/api/v1/config")
	var cfg configResponse
	decode(t, rec, http.StatusOK, "application/json", &cfg)
	if cfg.Version != "1.2.3" || !cfg.Persistent || cfg.BasemapStyle == nil || *cfg.BasemapStyle != "https://tiles.example.org/style.json" ||
		cfg.SuppressBelow != 5 {
		t.Errorf("config %+v", cfg)
	}
	want := []configGeography{{"lsoa11", "LSOA 2011", "IoD2019", 708}, {"lsoa21", "LSOA 2021", "IoD2025", 742}}
	if len(cfg.Geographies) != 2 || cfg.Geographies[0] != want[0] || cfg.Geographies[1] != want[1] {
		t.Errorf("geographies %+v, want %+v", cfg.Geographies, want)
	}
	if cfg.DefaultGeography == nil || *cfg.DefaultGeography != "lsoa11" {
		t.Errorf("default geography %v", cfg.DefaultGeography)
	}
	// The bounds are those of every boundary loaded, both geographies.
	areas, err := store.Areas(context.Background(), placeplan.AreaQuery{WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	b := areas[0].Geometry.Bound()
	for _, a := range areas {
		b = b.Union(a.Geometry.Bound())
	}
	if len(cfg.Bounds) != 4 || !near(cfg.Bounds, []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}, 1e-6) {
		t.Errorf("bounds %v, want %v", cfg.Bounds, b)
	}
	// Shropshire's west (about −3.24°) to Oxfordshire's east (about −0.87°).
	if !(orb.Bound{Min: orb.Point{cfg.Bounds[0], cfg.Bounds[1]}, Max: orb.Point{cfg.Bounds[2], cfg.Bounds[3]}}).Contains(orb.Point{-3.0, 52.86}) ||
		cfg.Bounds[0] > -3.2 || cfg.Bounds[2] < -0.9 {
		t.Errorf("bounds %v do not span Oswestry to east Oxfordshire", cfg.Bounds)
	}
	if rec.Header().Get("ETag") != "" {
		t.Error("config is not revisioned, yet carries an ETag")
	}

	// Nothing loaded, the in-memory default's flags.
	empty, _ := newServer(t, Config{}, newStore(t))
	var none map[string]any
	decode(t, get(t, empty.Handler(), "/api/v1/config"), http.StatusOK, "application/json", &none)
	if none["version"] != "dev" || none["persistent"] != false || none["basemap_style"] != nil || none["default_geography"] != nil ||
		none["bounds"] != nil || none["suppress_below"] != 0.0 || len(none["geographies"].([]any)) != 0 {
		t.Errorf("config of an empty store: %v", none)
	}
	for _, k := range []string{"basemap_style", "default_geography", "bounds"} {
		if _, ok := none[k]; !ok {
			t.Errorf("config of an empty store lacks %s (null expected)", k)
		}
	}
}

// near reports whether a and b have the same length and agree within tol.
func near(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}
