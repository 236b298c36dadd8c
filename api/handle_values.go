package api

import (
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/wire"
)

// valuesResponse is one indicator's value for every small area of a
// geography, by area code, for a map to join to its features (the vector
// tiles' "code"). Areas whose value small-number suppression withholds are
// not in Values but listed in Withheld.
type valuesResponse struct {
	Geography string             `json:"geography"`
	Field     string             `json:"field"`
	Name      string             `json:"name"`
	Unit      string             `json:"unit"`
	Direction string             `json:"direction"`
	Values    map[string]float64 `json:"values"`
	Withheld  []string           `json:"withheld"`
}

// handleValues answers GET /api/v1/values?field=KEY[&geography=]: every
// small area's value of one indicator, suppression applied as on every
// other output. Values JSON cannot carry (NaN, infinities) are left out.
func (s *Server) handleValues(c echo.Context) error {
	field := strings.TrimSpace(c.QueryParam("field"))
	if field == "" {
		return invalidf("missing field: name an indicator key (see /api/v1/indicators)")
	}
	av, err := s.indicatorValues(c, c.QueryParam("geography"), field)
	if err != nil {
		return err
	}
	ind := av.indicator
	out := valuesResponse{Geography: string(av.geography), Field: ind.Key, Name: ind.Name, Unit: ind.Unit,
		Direction: ind.Direction.String(), Values: make(map[string]float64, len(av.shown)), Withheld: av.withheld}
	for _, v := range av.shown {
		if !math.IsNaN(v.Value) && !math.IsInf(v.Value, 0) {
			out.Values[v.Area] = v.Value
		}
	}
	return c.JSON(http.StatusOK, out)
}

// areaValues are one indicator's values over the small areas of a
// geography as they may be published.
type areaValues struct {
	geography placeplan.Geography
	indicator placeplan.Indicator
	shown     []placeplan.Value // in area code order
	withheld  []string          // the areas whose value suppression withholds, in code order
}

// publish applies the disclosure policy to one value and reports whether
// it may be shown. A value JSON cannot carry (NaN, ±Inf) is withheld too.
func publish(ind placeplan.Indicator, v float64, d placeplan.Disclosure) (float64, bool) {
	pv, suppressed := d.Apply(ind, v)
	if suppressed || math.IsNaN(pv) || math.IsInf(pv, 0) {
		return 0, false
	}
	return pv, true
}

// indicatorValue is one indicator's value for one area on the wire, as the
// disclosure policy lets it be shown.
func indicatorValue(ind placeplan.Indicator, v float64, d placeplan.Disclosure) wire.IndicatorValue {
	if pv, ok := publish(ind, v, d); ok {
		return wire.NewIndicatorValue(ind, &pv)
	}
	return wire.NewIndicatorValue(ind, nil)
}

// indicatorValues finds indicator field of the geography a request names
// (the layers' default when geogParam is empty) and reads its value for
// every small area, applying the server's small-number suppression. The
// breaks and the values routes share it.
func (s *Server) indicatorValues(c echo.Context, geogParam, field string) (areaValues, error) {
	ctx := c.Request().Context()
	rev, err := s.requestRevision(c)
	if err != nil {
		return areaValues{}, err
	}
	cat, err := s.tileCatalog(ctx, rev)
	if err != nil {
		return areaValues{}, err
	}
	geog, err := layerGeography(geogParam, cat.geographies)
	if err != nil {
		return areaValues{}, err
	}
	if geog == "" {
		return areaValues{}, invalidf("unknown field %q: no indicators are loaded", field)
	}
	inds, err := s.store.Indicators(ctx, geog)
	if err != nil {
		return areaValues{}, err
	}
	i := slices.IndexFunc(inds, func(ind placeplan.Indicator) bool { return ind.Key == field })
	if i < 0 {
		return areaValues{}, invalidf("unknown field %q: no such indicator for %s (see /api/v1/indicators)", field, geog.Label())
	}
	vs, err := s.store.Values(ctx, inds[i].ID)
	if err != nil {
		return areaValues{}, err
	}
	av := areaValues{geography: geog, indicator: inds[i], shown: make([]placeplan.Value, 0, len(vs)), withheld: []string{}}
	for _, v := range vs {
		if pv, suppressed := s.cfg.Disclosure.Apply(av.indicator, v.Value); suppressed {
			av.withheld = append(av.withheld, v.Area)
		} else {
			av.shown = append(av.shown, placeplan.Value{Area: v.Area, Value: pv})
		}
	}
	return av, nil
}
