package wire

import "placeplan/scenario"

// Legend is a map's legend on the wire: what GET and POST /api/v1/breaks
// send. Breaks follow classify's convention: the minimum, then each class's
// inclusive upper bound.
type Legend struct {
	Layer       string    `json:"layer"`
	Geography   string    `json:"geography"`
	Field       string    `json:"field"`
	Name        string    `json:"name"`
	Unit        string    `json:"unit"`
	Direction   string    `json:"direction"`
	Method      string    `json:"method"`
	MethodLabel string    `json:"method_label"`
	Requested   int       `json:"requested_classes"`
	Classes     int       `json:"classes"`
	Breaks      []float64 `json:"breaks"`
	Counts      []int     `json:"counts"`
	N           int       `json:"n"`          // values classified
	Suppressed  int       `json:"suppressed"` // values withheld as small numbers, not classified
	Min         float64   `json:"min"`
	Max         float64   `json:"max"`
	Mean        float64   `json:"mean"`
	StdDev      float64   `json:"stddev"`
	GVF         float64   `json:"gvf"` // goodness of variance fit, 0 to 1
	Palette     string    `json:"palette"`
	PaletteKind string    `json:"palette_kind"`
	ColorBlind  bool      `json:"colorblind_safe"`
	Colors      []string  `json:"colors"` // one per class, lowest class first
	Notes       []string  `json:"notes"`
}

// NewLegend converts a legend of layer's areas for the wire.
func NewLegend(layer string, lg *scenario.LegendResult) Legend {
	return Legend{
		Layer: layer, Geography: string(lg.Geography), Field: lg.Field, Name: lg.Name, Unit: lg.Unit,
		Direction: lg.Direction.String(), Method: string(lg.Method), MethodLabel: lg.Method.Label(),
		Requested: lg.Requested, Classes: lg.Classes(), Breaks: lg.Breaks, Counts: lg.Counts,
		N: lg.N, Suppressed: lg.Suppressed, Min: lg.Min, Max: lg.Max, Mean: lg.Mean, StdDev: lg.StdDev, GVF: lg.GVF,
		Palette: lg.Palette, PaletteKind: lg.PaletteKind, ColorBlind: lg.ColorBlind, Colors: lg.Colors, Notes: lg.Notes,
	}
}
