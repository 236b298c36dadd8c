package scenario

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"placeplan"
	"placeplan/scoring/classify"
)

// Defaults of a legend.
const (
	DefaultLegendMethod  = classify.Quantile
	DefaultLegendClasses = 5
)

// The fields of a scored scenario's need that a legend can classify.
const (
	FieldNeedScore = "need_score"
	FieldNeedShare = "need_share"
)

// IsNeedField reports whether field is one of a scenario's need fields.
func IsNeedField(field string) bool { return field == FieldNeedScore || field == FieldNeedShare }

// AreaValues are one indicator's values over the small areas of its
// geography as they may be published.
type AreaValues struct {
	Indicator placeplan.Indicator
	Shown     []placeplan.Value // in area code order
	Withheld  []string          // the areas whose value suppression withholds, in code order
}

// IndicatorValues reads ind's value for every small area and applies the
// disclosure policy d: withheld values are left out of Shown and their
// areas listed in Withheld.
func IndicatorValues(ctx context.Context, st AreaData, ind placeplan.Indicator, d placeplan.Disclosure) (AreaValues, error) {
	vs, err := st.Values(ctx, ind.ID)
	if err != nil {
		return AreaValues{}, err
	}
	av := AreaValues{Indicator: ind, Shown: make([]placeplan.Value, 0, len(vs)), Withheld: []string{}}
	for _, v := range vs {
		if pv, suppressed := d.Apply(ind, v.Value); suppressed {
			av.Withheld = append(av.Withheld, v.Area)
		} else {
			av.Shown = append(av.Shown, placeplan.Value{Area: v.Area, Value: pv})
		}
	}
	return av, nil
}

// LegendRequest says what Legend classifies: either one indicator over
// the small areas of its geography, or (with Scenario) a scored scenario's
// need over every area it scores.
type LegendRequest struct {
	// Indicator is the indicator classified, its values published under
	// Disclosure: values withheld as small numbers are left out (and
	// counted), so that no break can reveal one.
	Indicator  placeplan.Indicator
	Disclosure placeplan.Disclosure

	// Scenario, when set, is the scored scenario (stored or a draft) whose
	// Field, FieldNeedScore or FieldNeedShare, is classified. Need is a
	// composite, not a count: nothing is withheld from it. Areas is the
	// scenario's AreaResults when the caller holds them already; nil
	// computes them.
	Scenario *Result
	Field    string
	Areas    []AreaResult

	// Method and Classes: DefaultLegendMethod and DefaultLegendClasses
	// when zero.
	Method  classify.Method
	Classes int
}

// LegendResult is a map's legend: the class breaks of one field over the small
// areas of one geography (scoring/classify's Classification: the minimum,
// then each class's inclusive upper bound), with its palette and notes.
// Colours run from light (or blue) to dark (or red) towards more need: for
// a field where higher is better the palette is reversed.
type LegendResult struct {
	Geography         placeplan.Geography
	Field, Name, Unit string
	Direction         placeplan.Direction
	classify.Classification
	Suppressed  int    // values withheld as small numbers, not classified
	PaletteKind string // of Palette: sequential or diverging
	ColorBlind  bool   // Palette is colour-blind safe
}

// Legend classifies what req names (see LegendRequest) by scoring/classify
// and describes the classes for a map. It is the one classification behind
// every legend: an indicator's, a stored scenario's need and a draft's.
// Errors have code placeplan.EINVALID when there is nothing to classify.
func Legend(ctx context.Context, st AreaData, req LegendRequest) (*LegendResult, error) {
	if req.Method == "" {
		req.Method = DefaultLegendMethod
	}
	if req.Classes == 0 {
		req.Classes = DefaultLegendClasses
	}
	if req.Scenario != nil {
		return needLegend(ctx, st, req)
	}
	ind := req.Indicator
	av, err := IndicatorValues(ctx, st, ind, req.Disclosure)
	if err != nil {
		return nil, err
	}
	values := make([]float64, 0, len(av.Shown))
	infinite := 0
	for _, v := range av.Shown {
		if math.IsInf(v.Value, 0) {
			infinite++
		} else {
			values = append(values, v.Value)
		}
	}
	if len(values) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "field %q has no values to classify for %s", ind.Key, ind.Geography.Label())
	}
	lg := &LegendResult{Geography: ind.Geography, Field: ind.Key, Name: ind.Name, Unit: ind.Unit, Direction: ind.Direction,
		Suppressed: len(av.Withheld)}
	if err := lg.classify(values, infinite, req.Method, req.Classes); err != nil {
		return nil, err
	}
	return lg, nil
}

// needLegend is Legend of a scored scenario's need score or share.
func needLegend(ctx context.Context, st AreaData, req LegendRequest) (*LegendResult, error) {
	res := req.Scenario
	if !IsNeedField(req.Field) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "field %q: a scenario's legend is of %s or %s", req.Field, FieldNeedScore, FieldNeedShare)
	}
	rows := req.Areas
	if rows == nil {
		var err error
		if rows, err = AreaResults(ctx, st, res); err != nil {
			return nil, err
		}
	}
	lg := &LegendResult{Geography: res.Geography, Field: req.Field, Direction: placeplan.HigherIsWorse,
		Name: "Need score: " + res.Scenario.Name, Unit: "composite score"}
	if req.Field == FieldNeedShare {
		lg.Name, lg.Unit = "Need share: "+res.Scenario.Name, "share of the areas scored with less need"
	}
	values := make([]float64, 0, len(rows))
	for _, a := range rows {
		switch {
		case a.NeedRank == 0: // not scored
		case req.Field == FieldNeedShare:
			values = append(values, a.NeedShare)
		default:
			values = append(values, a.NeedScore)
		}
	}
	if err := lg.classify(values, 0, req.Method, req.Classes); err != nil {
		return nil, err
	}
	lg.Notes = append(lg.Notes, fmt.Sprintf("the need of %d areas under the scenario's indicators, weights, %s normalisation and %s aggregation",
		len(values), res.Scenario.Normalisation, res.Scenario.Aggregation))
	return lg, nil
}

// classify classifies values (those withheld as small numbers, counted in
// lg.Suppressed, and infinite ones already left out) and sets the
// classification, palette and notes of lg.
func (lg *LegendResult) classify(values []float64, infinite int, method classify.Method, classes int) error {
	cl, err := classify.Breaks(values, method, classes)
	if err != nil {
		return err
	}
	lg.Classification = cl
	lg.Notes = append([]string{}, cl.Notes...)
	if n := lg.Suppressed; n > 0 {
		lg.Notes = append(lg.Notes, fmt.Sprintf("%d %s withheld as small numbers %s not classified",
			n, pluralWord(n, "value", "values"), pluralWord(n, "is", "are")))
	}
	if infinite > 0 {
		lg.Notes = append(lg.Notes, fmt.Sprintf("%d infinite %s left out", infinite, pluralWord(infinite, "value", "values")))
	}
	if lg.Direction == placeplan.HigherIsBetter {
		if name, colors, ok := towardsNeed(cl, distinctCount(values)); ok {
			lg.Palette, lg.Colors = name, colors
			lg.Notes = append(lg.Notes, fmt.Sprintf("higher is better for %s, so the colours are reversed: the darkest (or reddest) class is the most in need", lg.Field))
		}
	}
	for _, p := range classify.Palettes() {
		if strings.EqualFold(p.Name, strings.TrimSuffix(lg.Palette, "_r")) {
			lg.PaletteKind, lg.ColorBlind = string(p.Kind), p.ColorBlindSafe
		}
	}
	return nil
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
