package api

import (
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/internal/suggest"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
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
	ind := av.Indicator
	out := valuesResponse{Geography: string(ind.Geography), Field: ind.Key, Name: ind.Name, Unit: ind.Unit,
		Direction: ind.Direction.String(), Values: make(map[string]float64, len(av.Shown)), Withheld: av.Withheld}
	for _, v := range av.Shown {
		if !math.IsNaN(v.Value) && !math.IsInf(v.Value, 0) {
			out.Values[v.Area] = v.Value
		}
	}
	return c.JSON(http.StatusOK, out)
}

// indicatorValue is one indicator's value for one area on the wire, as the
// disclosure policy lets it be shown.
func indicatorValue(ind placeplan.Indicator, v float64, d placeplan.Disclosure) wire.IndicatorValue {
	if pv, ok := tiles.Publish(ind, v, d); ok {
		return wire.NewIndicatorValue(ind, &pv)
	}
	return wire.NewIndicatorValue(ind, nil)
}

// indicatorValues reads indicator field of the geography a request names
// (see indicatorOf) for every small area, applying the server's
// small-number suppression.
func (s *Server) indicatorValues(c echo.Context, geogParam, field string) (scenario.AreaValues, error) {
	ind, err := s.indicatorOf(c, geogParam, field)
	if err != nil {
		return scenario.AreaValues{}, err
	}
	return scenario.IndicatorValues(c.Request().Context(), s.store, ind, s.cfg.Disclosure)
}

// layerGeography returns the geography a request's geography parameter
// names (tiles.LayerGeography: the layers' default when param is empty),
// from the geographies held at the request's revision; "" when nothing is
// loaded.
func (s *Server) layerGeography(c echo.Context, param string) (placeplan.Geography, error) {
	rev, err := s.requestRevision(c)
	if err != nil {
		return "", err
	}
	held, err := s.tiles.Geographies(c.Request().Context(), rev)
	if err != nil {
		return "", err
	}
	return tiles.LayerGeography(param, held)
}

// indicatorOf finds indicator field of the geography a request names (the
// layers' default when geogParam is empty). The breaks and the values
// routes share it.
func (s *Server) indicatorOf(c echo.Context, geogParam, field string) (placeplan.Indicator, error) {
	ctx := c.Request().Context()
	geog, err := s.layerGeography(c, geogParam)
	if err != nil {
		return placeplan.Indicator{}, err
	}
	if geog == "" {
		return placeplan.Indicator{}, invalidf("unknown field %q: no indicators are loaded", field)
	}
	inds, err := s.store.Indicators(ctx, geog)
	if err != nil {
		return placeplan.Indicator{}, err
	}
	i := slices.IndexFunc(inds, func(ind placeplan.Indicator) bool { return ind.Key == field })
	if i < 0 {
		keys := make([]string, len(inds))
		for k, ind := range inds {
			keys[k] = ind.Key
		}
		return placeplan.Indicator{}, invalidf("unknown field %q: no such indicator for %s%s (see /api/v1/indicators)", field, geog.Label(), suggest.Hint(field, keys))
	}
	return inds[i], nil
}
