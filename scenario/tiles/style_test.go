package tiles

import (
	"math"
	"testing"

	"placeplan/scenario"
	"placeplan/scoring/classify"
)

// stepColour evaluates a MapLibre ["step", input, c0, s1, c1, …] as a
// client does: the colour of the last stop the value reaches.
func stepColour(t *testing.T, e any, v float64) string {
	t.Helper()
	if c, ok := e.(string); ok {
		return c
	}
	step := e.([]any)
	if step[0] != "step" {
		t.Fatalf("fill is %v, want a step expression", step[0])
	}
	out := step[2].(string)
	for i := 3; i+1 < len(step); i += 2 {
		if v >= step[i].(float64) {
			out = step[i+1].(string)
		}
	}
	return out
}

// classOf is the legend's rule (and the web map's, lib/classify.ts): the
// first class whose inclusive upper bound the value does not exceed.
func classOf(v float64, breaks []float64) int {
	for k := 1; k < len(breaks); k++ {
		if v <= breaks[k] {
			return k - 1
		}
	}
	return len(breaks) - 2
}

// TestStyleClassesAreTheLegends: every value, and every bound and the
// numbers either side of it, takes the colour of its class by the
// legend's rule, so QGIS draws each area in the class the web map does.
func TestStyleClassesAreTheLegends(t *testing.T) {
	for _, tc := range []struct {
		name   string
		breaks []float64
		colors []string
	}{
		{"five quantiles", []float64{1.2, 6.353, 10.094, 14.926, 22.24, 71.4}, []string{"#a", "#b", "#c", "#d", "#e"}},
		{"integers", []float64{0, 1, 2, 3}, []string{"#a", "#b", "#c"}},
		{"negative", []float64{-3.5, -1, 0, 2.25}, []string{"#a", "#b", "#c"}},
		{"one class", []float64{4, 9}, []string{"#a"}},
		{"tiny gaps", []float64{0, 0.1, math.Nextafter(0.1, 1), 0.3}, []string{"#a", "#b", "#c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lg := &scenario.LegendResult{Field: "f", Classification: classify.Classification{Breaks: tc.breaks, Colors: tc.colors}}
			e := classColour(lg)
			for _, b := range tc.breaks {
				for _, v := range []float64{math.Nextafter(b, math.Inf(-1)), b, math.Nextafter(b, math.Inf(1)), b - 0.5, b + 0.5} {
					if got, want := stepColour(t, e, v), tc.colors[classOf(v, tc.breaks)]; got != want {
						t.Errorf("value %v: colour %s, want %s (class %d)", v, got, want, classOf(v, tc.breaks))
					}
				}
			}
		})
	}
}

// TestStyleLayers: the style draws the areas from the zoom their tiles
// carry values, from the sources it names, with the legend's field.
func TestStyleLayers(t *testing.T) {
	lg := &scenario.LegendResult{Field: "imd_score", Name: "IMD", Classification: classify.Classification{
		Method: classify.Quantile, Breaks: []float64{0, 1, 2}, Colors: []string{"#111111", "#222222"}}}
	st := Style(StyleOptions{Legend: lg, TileJSON: func(l string) string { return "http://h/tiles/" + l + ".json" },
		Ink: Ink{Text: "#0b0c0c", Halo: "#ffffff", Background: "#f3f2f1", NoData: "#ffffff", NoDataLine: "#6f777b"}})
	if st["version"] != 8 {
		t.Errorf("version %v", st["version"])
	}
	sources := st["sources"].(map[string]any)
	for _, l := range st["layers"].([]any) {
		l := l.(map[string]any)
		src, ok := l["source"].(string)
		if !ok {
			continue
		}
		if _, ok := sources[src]; !ok {
			t.Errorf("layer %s draws from %q, which the style does not name", l["id"], src)
		}
		if src == LayerAreas {
			if l["minzoom"] != AreasDetailMinZoom {
				t.Errorf("layer %s from zoom %v, want %d", l["id"], l["minzoom"], AreasDetailMinZoom)
			}
			if f := l["filter"].([]any); f[0] != "has" && f[1].([]any)[1] != "imd_score" {
				t.Errorf("layer %s filter %v", l["id"], f)
			}
		}
	}
	if u := sources[LayerAreas].(map[string]any)["url"]; u != "http://h/tiles/areas.json" {
		t.Errorf("areas source %v", u)
	}
}
