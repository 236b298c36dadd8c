package tiles

import (
	"fmt"
	"math"

	"placeplan/scenario"
)

// Ink holds the colours of a map's furniture: the web map's, shared with
// it (frontend/src/map/ink.json), so that a style drawn by another client
// looks like the web map.
type Ink struct {
	Text, Halo, Background string
	NoData, NoDataLine     string // an area without a value: white with a grey outline
}

// StyleOptions is what a MapLibre style of placeplan's tile layers is
// drawn from.
type StyleOptions struct {
	// Legend gives the field the areas are coloured by, its classes and
	// their colours: the classification the web map draws (scenario.Legend).
	Legend *scenario.LegendResult
	// TileJSON returns the absolute URL of a layer's TileJSON document
	// (LayerAreas, LayerLocalities, LayerDistricts, LayerLabels), which
	// carries the layer's geography or scenario.
	TileJSON func(layer string) string
	Ink      Ink
}

// styleFonts are the fonts of the labels, the web map's: a client without
// them falls back to its own sans-serif.
var styleFonts = []string{"Noto Sans Regular", "DejaVu Sans", "Liberation Sans", "sans-serif"}

// Style returns a MapLibre style (version 8) of the areas coloured by the
// legend's classes, with locality and district outlines and place labels
// drawn as the web map draws them, for QGIS and other MapLibre clients.
//
// Each area takes the colour of its class by the legend's rule (a value
// belongs to the first class whose inclusive upper bound it does not
// exceed), written as a step expression over the next number above each
// bound, which is exact for every float64 and which clients that read
// MapLibre styles (QGIS among them) support. Areas without the field —
// withheld small numbers, no value, or zooms whose tiles do not carry it —
// are white with a grey outline, as on the web map. The areas' tiles carry
// values from zoom AreasDetailMinZoom, where the areas are drawn from;
// below it the style shows the outlines and labels.
func Style(o StyleOptions) map[string]any {
	lg, ink := o.Legend, o.Ink
	field := lg.Field
	source := func(layer string) map[string]any {
		return map[string]any{"type": "vector", "url": o.TileJSON(layer)}
	}
	has := []any{"has", field}
	lineWidth := func(stops ...float64) []any {
		e := []any{"interpolate", []any{"linear"}, []any{"zoom"}}
		for _, s := range stops {
			e = append(e, s)
		}
		return e
	}
	layer := func(id, typ, src string, paint map[string]any) map[string]any {
		return map[string]any{"id": id, "type": typ, "source": src, "source-layer": src, "paint": paint}
	}
	// The areas' tiles carry values from AreasDetailMinZoom; below it the
	// areas are not drawn, rather than drawn white as if without a value.
	withFilter := func(l map[string]any, f []any) map[string]any {
		l["filter"], l["minzoom"] = f, AreasDetailMinZoom
		return l
	}
	layers := []any{
		map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": ink.Background}},
		withFilter(layer("areas-fill", "fill", LayerAreas, map[string]any{"fill-color": classColour(lg), "fill-antialias": false}), has),
		withFilter(layer("areas-no-value", "fill", LayerAreas, map[string]any{"fill-color": ink.NoData, "fill-antialias": false}), []any{"!", has}),
		withFilter(layer("areas-line", "line", LayerAreas, map[string]any{
			"line-color": ink.Halo, "line-width": lineWidth(7, 0.15, 10, 0.6, 14, 1.2), "line-opacity": 0.8}), has),
		withFilter(layer("areas-no-value-line", "line", LayerAreas, map[string]any{
			"line-color": ink.NoDataLine, "line-width": lineWidth(7, 0.15, 10, 0.6, 14, 1.2), "line-opacity": 0.8}), []any{"!", has}),
		layer("localities-casing", "line", LayerLocalities, map[string]any{"line-color": ink.Halo, "line-width": lineWidth(6, 2.5, 12, 5)}),
		layer("localities-line", "line", LayerLocalities, map[string]any{
			"line-color": ink.Text, "line-width": lineWidth(6, 0.8, 12, 2), "line-dasharray": []any{3, 1.5}}),
		layer("districts-casing", "line", LayerDistricts, map[string]any{"line-color": ink.Halo, "line-width": lineWidth(5, 3, 12, 6)}),
		layer("districts-line", "line", LayerDistricts, map[string]any{"line-color": ink.Text, "line-width": lineWidth(5, 1.2, 12, 2.5)}),
		map[string]any{
			"id": "labels", "type": "symbol", "source": LayerLabels, "source-layer": LayerLabels,
			"filter": []any{"any", []any{"==", []any{"get", "kind"}, LabelDistrict},
				[]any{"all", []any{"==", []any{"get", "kind"}, LabelLocality}, []any{">=", []any{"zoom"}, 8}},
				[]any{"all", []any{"==", []any{"get", "kind"}, LabelTown}, []any{">=", []any{"zoom"}, 9}}},
			"layout": map[string]any{
				"text-field": []any{"get", "name"}, "text-font": styleFonts,
				"text-size": []any{"interpolate", []any{"linear"}, []any{"zoom"},
					6, []any{"match", []any{"get", "kind"}, LabelDistrict, 12, 11},
					10, []any{"match", []any{"get", "kind"}, LabelDistrict, 16, LabelLocality, 14, 13}},
				"symbol-sort-key":      []any{"coalesce", []any{"get", "rank"}, 9},
				"text-variable-anchor": []any{"center", "top", "bottom", "left", "right"}, "text-radial-offset": 0.6,
				"text-padding": 2, "text-max-width": 8,
			},
			"paint": map[string]any{"text-color": ink.Text, "text-halo-color": ink.Halo, "text-halo-width": 2},
		},
	}
	name := lg.Name
	if name == "" {
		name = field
	}
	return map[string]any{
		"version": 8,
		"name":    fmt.Sprintf("placeplan: %s (%s, %d classes)", name, lg.Method.Label(), lg.Classes()),
		"metadata": map[string]any{"placeplan:legend": map[string]any{
			"field": field, "geography": string(lg.Geography), "method": string(lg.Method), "breaks": lg.Breaks,
			"colors": lg.Colors, "palette": lg.Palette, "direction": lg.Direction.String(),
			"note": fmt.Sprintf("the areas are drawn from zoom %d, where their tiles carry %s", AreasDetailMinZoom, field),
		}},
		"sources": map[string]any{
			LayerAreas: source(LayerAreas), LayerLocalities: source(LayerLocalities),
			LayerDistricts: source(LayerDistricts), LayerLabels: source(LayerLabels),
		},
		"layers": layers,
	}
}

// classColour is the fill colour of the legend's classes: ["step", value,
// colour of class 0, just above bound 1, colour of class 1, …]. Bounds are
// inclusive upper bounds, so each stop is the next float64 above one.
func classColour(lg *scenario.LegendResult) any {
	if len(lg.Colors) == 0 {
		return "#ffffff"
	}
	e := []any{"step", []any{"to-number", []any{"get", lg.Field}}, lg.Colors[0]}
	last := math.Inf(-1)
	for k := 1; k < len(lg.Colors) && k < len(lg.Breaks)-1; k++ {
		stop := math.Nextafter(lg.Breaks[k], math.Inf(1))
		if !(stop > last) {
			continue // stops must rise
		}
		e = append(e, stop, lg.Colors[k])
		last = stop
	}
	if len(e) == 3 {
		return lg.Colors[0]
	}
	return e
}
