package api

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/scenario"
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
//
// With scenario=ID[@REV] the field is need_score or need_share, and the
// breaks are those of the scenario's need over every area it scores.
func (s *Server) handleBreaks(c echo.Context) error {
	q := c.QueryParams()
	field, method, classes, err := parseBreaks(q)
	if err != nil {
		return err
	}
	if ref := q.Get("scenario"); ref != "" {
		if !isNeedField(field) {
			return invalidf("field %q: with a scenario, want need_score or need_share", field)
		}
		ctx := c.Request().Context()
		res, err := s.scoreOf(ctx, ref)
		if err != nil {
			return err
		}
		if g := q.Get("geography"); g != "" && g != string(res.Geography) {
			return invalidf("scenario %s is on %s: ask for geography=%s or leave geography out", ref, res.Geography.Label(), res.Geography)
		}
		rows, err := s.areaNeedOf(ctx, ref)
		if err != nil {
			return err
		}
		return needBreaks(c, res, rows, field, method, classes)
	}
	if isNeedField(field) {
		return invalidf("field %q is a scenario's: add scenario=ID, or POST the scenario document", field)
	}
	av, err := s.indicatorValues(c, q.Get("geography"), field)
	if err != nil {
		return err
	}
	ind := av.indicator
	values := make([]float64, 0, len(av.shown))
	infinite := 0
	for _, v := range av.shown {
		if math.IsInf(v.Value, 0) {
			infinite++
		} else {
			values = append(values, v.Value)
		}
	}
	if len(values) == 0 {
		return invalidf("field %q has no values to classify for %s", field, av.geography.Label())
	}
	res, err := legend(breaksSubject{geography: av.geography, field: ind.Key, name: ind.Name, unit: ind.Unit, direction: ind.Direction},
		values, len(av.withheld), infinite, method, classes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// handlePostBreaks answers POST /api/v1/breaks?field=need_score|need_share
// [&method=][&classes=] with a scenario document in the body: the breaks of
// that draft's need over every area it scores, as handleBreaks gives them
// for a stored scenario. Nothing is stored.
func (s *Server) handlePostBreaks(c echo.Context) error {
	q := c.QueryParams()
	if q.Get("layer") == "" { // the posted scenario's areas
		q = url.Values(maps.Clone(q))
		q.Set("layer", tileAreas)
	}
	field, method, classes, err := parseBreaks(q)
	if err != nil {
		return err
	}
	if !isNeedField(field) {
		return invalidf("field %q: a posted scenario has need_score and need_share to classify (an indicator's breaks: GET /api/v1/breaks)", field)
	}
	res, err := s.scorePosted(c)
	if err != nil {
		return err
	}
	rows, err := scenario.AreaResults(c.Request().Context(), s.store, res)
	if err != nil {
		return err
	}
	return needBreaks(c, res, rows, field, method, classes)
}

// The fields of a scenario's need that breaks can classify.
const (
	fieldNeedScore = "need_score"
	fieldNeedShare = "need_share"
)

func isNeedField(f string) bool { return f == fieldNeedScore || f == fieldNeedShare }

// needBreaks answers with the breaks of a scored scenario's need score or
// share (field, which the caller has checked) over every area it scores.
// Need is a composite, not a count: nothing is withheld from it, as on the
// areas layer and tiles.
func needBreaks(c echo.Context, res *scenario.Result, rows []scenario.AreaResult, field string, method classify.Method, classes int) error {
	subj := breaksSubject{geography: res.Geography, field: field, direction: placeplan.HigherIsWorse,
		name: "Need score: " + res.Scenario.Name, unit: "composite score"}
	if field == fieldNeedShare {
		subj.name, subj.unit = "Need share: "+res.Scenario.Name, "share of the areas scored with less need"
	}
	values := make([]float64, 0, len(rows))
	for _, a := range rows {
		switch {
		case a.NeedRank == 0: // not scored
		case field == fieldNeedShare:
			values = append(values, a.NeedShare)
		default:
			values = append(values, a.NeedScore)
		}
	}
	out, err := legend(subj, values, 0, 0, method, classes)
	if err != nil {
		return err
	}
	out.Notes = append(out.Notes, fmt.Sprintf("the need of %d areas under the scenario's indicators, weights, %s normalisation and %s aggregation",
		len(values), res.Scenario.Normalisation, res.Scenario.Aggregation))
	return c.JSON(http.StatusOK, out)
}

// parseBreaks reads the parameters every breaks request shares: layer
// (areas; it may be left out with a scenario), field, method and classes.
func parseBreaks(q url.Values) (field string, method classify.Method, classes int, err error) {
	switch layer := q.Get("layer"); layer {
	case tileAreas:
	case "":
		if q.Get("scenario") == "" {
			return "", "", 0, invalidf("missing layer: want layer=areas")
		}
	case tileLocalities, tileSites:
		return "", "", 0, invalidf("layer %q has no indicator values to classify: want layer=areas", layer)
	default:
		return "", "", 0, invalidf("unknown layer %q: want layer=areas", layer)
	}
	field = strings.TrimSpace(q.Get("field"))
	if field == "" {
		return "", "", 0, invalidf("missing field: name an indicator key (see /api/v1/indicators), or need_score or need_share with a scenario")
	}
	method = defaultBreaksMethod
	if m := q.Get("method"); m != "" {
		if method, err = classify.ParseMethod(m); err != nil {
			return "", "", 0, err
		}
	}
	classes = defaultBreaksClasses
	if k := q.Get("classes"); k != "" {
		n, err := strconv.Atoi(k)
		if err != nil || n < 2 || n > classify.MaxClasses {
			return "", "", 0, invalidf("classes %q: want a whole number from 2 to %d", k, classify.MaxClasses)
		}
		classes = n
	}
	return field, method, classes, nil
}

// breaksSubject is what a legend classifies: a field of the areas of one
// geography, with its name, unit and direction.
type breaksSubject struct {
	geography         placeplan.Geography
	field, name, unit string
	direction         placeplan.Direction
}

// legend classifies values (suppressed withheld as small numbers and
// infinite ones already left out, and counted) by scoring/classify and
// describes the classes for a map: breaks, counts, summary, palette and
// notes. The one classification behind every breaks route.
func legend(subj breaksSubject, values []float64, suppressed, infinite int, method classify.Method, classes int) (breaksResponse, error) {
	cl, err := classify.Breaks(values, method, classes)
	if err != nil {
		return breaksResponse{}, err
	}
	res := breaksResponse{
		Layer: tileAreas, Geography: string(subj.geography), Field: subj.field, Name: subj.name, Unit: subj.unit,
		Direction: subj.direction.String(), Method: string(cl.Method), MethodLabel: cl.Method.Label(),
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
	if subj.direction == placeplan.HigherIsBetter {
		if name, colors, ok := towardsNeed(cl, distinctCount(values)); ok {
			res.Palette, res.Colors = name, colors
			res.Notes = append(res.Notes, fmt.Sprintf("higher is better for %s, so the colours are reversed: the darkest (or reddest) class is the most in need", subj.field))
		}
	}
	for _, p := range classify.Palettes() {
		if strings.EqualFold(p.Name, strings.TrimSuffix(res.Palette, "_r")) {
			res.PaletteKind, res.ColorBlind = string(p.Kind), p.ColorBlindSafe
		}
	}
	return res, nil
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
