package api

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/scoring/classify"
)

// Defaults of the breaks parameters.
const (
	defaultBreaksMethod  = classify.Quantile
	defaultBreaksClasses = 5
)

// breaksResponse is a legend: the class breaks of one indicator over the
// small areas of one geography, with the count in each class and a palette.
// Breaks follow classify's convention: the minimum, then each class's
// inclusive upper bound.
type breaksResponse struct {
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

// handleBreaks answers GET /api/v1/breaks?layer=areas&field=KEY
// [&method=quantile|equal|jenks|stddev][&classes=K][&geography=]: legend
// class breaks of one indicator over every small area of the geography,
// computed by scoring/classify (Jenks exactly). Values withheld as small
// numbers are left out, so no break can reveal one. Colours run from light
// (or blue) to dark (or red) towards more need: for an indicator where
// higher is better (a rank, a decile) the palette is reversed.
func (s *Server) handleBreaks(c echo.Context) error {
	q := c.QueryParams()
	switch layer := q.Get("layer"); layer {
	case tileAreas:
	case "":
		return invalidf("missing layer: want layer=areas")
	case tileLocalities, tileSites:
		return invalidf("layer %q has no indicator values to classify: want layer=areas", layer)
	default:
		return invalidf("unknown layer %q: want layer=areas", layer)
	}
	field := strings.TrimSpace(q.Get("field"))
	if field == "" {
		return invalidf("missing field: name an indicator key (see /api/v1/indicators)")
	}
	method := defaultBreaksMethod
	if m := q.Get("method"); m != "" {
		var err error
		if method, err = classify.ParseMethod(m); err != nil {
			return err
		}
	}
	classes := defaultBreaksClasses
	if k := q.Get("classes"); k != "" {
		n, err := strconv.Atoi(k)
		if err != nil || n < 2 || n > classify.MaxClasses {
			return invalidf("classes %q: want a whole number from 2 to %d", k, classify.MaxClasses)
		}
		classes = n
	}

	av, err := s.indicatorValues(c, q.Get("geography"), field)
	if err != nil {
		return err
	}
	geog, ind := av.geography, av.indicator
	values := make([]float64, 0, len(av.shown))
	suppressed, infinite := len(av.withheld), 0
	for _, v := range av.shown {
		if math.IsInf(v.Value, 0) {
			infinite++
		} else {
			values = append(values, v.Value)
		}
	}
	if len(values) == 0 {
		return invalidf("field %q has no values to classify for %s", field, geog.Label())
	}
	cl, err := classify.Breaks(values, method, classes)
	if err != nil {
		return err
	}

	res := breaksResponse{
		Layer: tileAreas, Geography: string(geog), Field: ind.Key, Name: ind.Name, Unit: ind.Unit,
		Direction: ind.Direction.String(), Method: string(cl.Method), MethodLabel: cl.Method.Label(),
		Requested: cl.Requested, Classes: cl.Classes(), Breaks: cl.Breaks, Counts: cl.Counts,
		N: cl.N, Suppressed: suppressed, Min: cl.Min, Max: cl.Max, Mean: cl.Mean, StdDev: cl.StdDev, GVF: cl.GVF,
		Palette: cl.Palette, Colors: cl.Colors, Notes: append([]string{}, cl.Notes...),
	}
	if suppressed > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d %s withheld as small numbers %s not classified",
			suppressed, pluralWord(suppressed, "value", "values"), pluralWord(suppressed, "is", "are")))
	}
	if infinite > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d infinite %s left out", infinite, pluralWord(infinite, "value", "values")))
	}
	if ind.Direction == placeplan.HigherIsBetter {
		if name, colors, ok := towardsNeed(cl, distinctCount(values)); ok {
			res.Palette, res.Colors = name, colors
			res.Notes = append(res.Notes, fmt.Sprintf("higher is better for %s, so the colours are reversed: the darkest (or reddest) class is the most in need", ind.Key))
		}
	}
	for _, p := range classify.Palettes() {
		if strings.EqualFold(p.Name, strings.TrimSuffix(res.Palette, "_r")) {
			res.PaletteKind, res.ColorBlind = string(p.Kind), p.ColorBlindSafe
		}
	}
	return c.JSON(http.StatusOK, res)
}

// towardsNeed reverses a classification's colours, for an indicator where
// higher is better, and returns the reversed palette's name. Each class
// keeps its position on the palette, mirrored: classify draws the k
// colours of its palette for k = min(requested, distinct values) and, for
// standard deviations, keeps those of the classes that survive, so every
// colour is found in that list and swapped with its mirror image.
func towardsNeed(cl classify.Classification, distinct int) (string, []string, bool) {
	name := cl.Palette + "_r"
	if base, ok := strings.CutSuffix(cl.Palette, "_r"); ok {
		name = base
	}
	k := min(cl.Requested, distinct)
	full, err := classify.Palette(cl.Palette, k)
	if err != nil || len(cl.Colors) > k {
		return "", nil, false
	}
	if cl.Method != classify.StdDev {
		// Merged quantile classes take a palette of their own size.
		if full, err = classify.Palette(cl.Palette, len(cl.Colors)); err != nil {
			return "", nil, false
		}
		k = len(full)
	}
	out := make([]string, len(cl.Colors))
	for i, col := range cl.Colors {
		j := slices.Index(full, col)
		if j < 0 {
			return "", nil, false
		}
		out[i] = full[k-1-j]
	}
	return name, out, true
}

// distinctCount returns the number of distinct values, NaN aside.
func distinctCount(values []float64) int {
	s := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return len(slices.Compact(s))
}

// pluralWord returns one or many as n requires.
func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
