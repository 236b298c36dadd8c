package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"placeplan/frontend"
)

// TestStyle: GET /tiles/style.json is a MapLibre style whose areas take
// the classes and colours /api/v1/breaks gives for the same parameters
// (the web map's), whose furniture is the web map's, whose sources are
// TileJSON documents the server answers, and which every TileJSON of a
// drawn layer links as its stylesheet; a field it cannot colour by is a
// 400 naming it.
func TestStyle(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	ink, err := frontend.Colours()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ style, breaks, field string }{
		{"/tiles/style.json", "/api/v1/breaks?layer=areas&field=imd_score", "imd_score"},
		{"/tiles/style.json?field=idaci_score&method=jenks&classes=7", "/api/v1/breaks?layer=areas&field=idaci_score&method=jenks&classes=7", "idaci_score"},
		{"/tiles/style.json?scenario=shropshire-need", "/api/v1/breaks?scenario=shropshire-need&field=need_score", "need_score"},
	} {
		t.Run(tc.style, func(t *testing.T) {
			rec := get(t, h, tc.style)
			if rec.Code != http.StatusOK {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			var st struct {
				Version int                                   `json:"version"`
				Sources map[string]struct{ Type, URL string } `json:"sources"`
				Layers  []map[string]any                      `json:"layers"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
				t.Fatal(err)
			}
			var lg struct {
				Breaks []float64 `json:"breaks"`
				Colors []string  `json:"colors"`
			}
			if err := json.Unmarshal(get(t, h, tc.breaks).Body.Bytes(), &lg); err != nil {
				t.Fatal(err)
			}
			fill := layerOf(t, st.Layers, "areas-fill")["paint"].(map[string]any)["fill-color"].([]any)
			if got := fill[1].([]any)[1].([]any)[1]; got != tc.field {
				t.Errorf("coloured by %v, want %s", got, tc.field)
			}
			// ["step", value, c0, s1, c1, …]: the breaks' colours, each
			// stop just above a break.
			if len(fill) != 2*len(lg.Colors)+1 {
				t.Fatalf("fill %v for %d classes", fill, len(lg.Colors))
			}
			for k, c := range lg.Colors {
				if fill[2+2*k] != c {
					t.Errorf("class %d colour %v, want %s", k, fill[2+2*k], c)
				}
				if k > 0 {
					if s := fill[1+2*k].(float64); !(s > lg.Breaks[k]) || s-lg.Breaks[k] > 1e-9*max(1, lg.Breaks[k]) {
						t.Errorf("stop %d is %v, want just above the break %v", k, s, lg.Breaks[k])
					}
				}
			}
			if bg := layerOf(t, st.Layers, "background")["paint"].(map[string]any)["background-color"]; bg != ink.Background {
				t.Errorf("background %v, want the web map's %s", bg, ink.Background)
			}
			for name, src := range st.Sources {
				u, err := url.Parse(src.URL)
				if err != nil || src.Type != "vector" {
					t.Fatalf("source %s: %+v", name, src)
				}
				tj := get(t, h, u.RequestURI())
				if tj.Code != http.StatusOK {
					t.Fatalf("source %s: GET %s: %d", name, u.RequestURI(), tj.Code)
				}
				var doc struct {
					Links []struct{ Rel, Href string } `json:"links"`
				}
				if err := json.Unmarshal(tj.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				if len(doc.Links) != 1 || doc.Links[0].Rel != "stylesheet" || !strings.Contains(doc.Links[0].Href, "/tiles/style.json") {
					t.Errorf("TileJSON %s links %+v, want its stylesheet", u.RequestURI(), doc.Links)
				}
			}
		})
	}
	p := decodeProblem(t, get(t, h, "/tiles/style.json?field=idacci_score"), http.StatusBadRequest)
	if !strings.Contains(p.Detail, `"idacci_score"`) {
		t.Errorf("misspelt field: %q", p.Detail)
	}
	p = decodeProblem(t, get(t, h, "/tiles/style.json?scenario=shropshire-need&field=imd_score"), http.StatusBadRequest)
	if !strings.Contains(p.Detail, "need_score or need_share") {
		t.Errorf("an indicator with a scenario: %q", p.Detail)
	}
}

func layerOf(t *testing.T, layers []map[string]any, id string) map[string]any {
	t.Helper()
	for _, l := range layers {
		if l["id"] == id {
			return l
		}
	}
	t.Fatalf("no layer %s", id)
	return nil
}
