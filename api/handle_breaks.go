package api

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/scoring/classify"
	"placeplan/wire"
)

// handleBreaks answers GET /api/v1/breaks?layer=areas&field=KEY
// [&method=quantile|equal|jenks|stddev][&classes=K][&geography=]: legend
// class breaks of one indicator over every small area of the geography,
// by scenario.Legend (Jenks exactly). Values withheld as small numbers are
// left out, so no break can reveal one.
//
// With scenario=ID[@REV] the field is need_score or need_share, and the
// breaks are those of the scenario's need over every area it scores.
func (s *Server) handleBreaks(c echo.Context) error {
	req, err := s.legendRequest(c, c.QueryParams())
	if err != nil {
		return err
	}
	return s.writeLegend(c, req)
}

// legendRequest reads what a stored legend is asked for by (handleBreaks):
// an indicator's, or with scenario=ID[@REV] a stored scenario's need.
func (s *Server) legendRequest(c echo.Context, q url.Values) (scenario.LegendRequest, error) {
	field, method, classes, err := parseBreaks(q)
	if err != nil {
		return scenario.LegendRequest{}, err
	}
	ctx := c.Request().Context()
	req := scenario.LegendRequest{Field: field, Method: method, Classes: classes}
	if ref := q.Get("scenario"); ref != "" {
		if !scenario.IsNeedField(field) {
			return req, invalidf("field %q: with a scenario, want need_score or need_share", field)
		}
		if req.Scenario, err = s.tiles.Score(ctx, ref); err != nil {
			return req, err
		}
		if g := q.Get("geography"); g != "" && g != string(req.Scenario.Geography) {
			return req, invalidf("scenario %s is on %s: ask for geography=%s or leave geography out", ref, req.Scenario.Geography.Label(), req.Scenario.Geography)
		}
		if req.Areas, err = s.tiles.AreaNeed(ctx, ref); err != nil {
			return req, err
		}
		return req, nil
	}
	if scenario.IsNeedField(field) {
		return req, invalidf("field %q is a scenario's: add scenario=ID, or POST the scenario document", field)
	}
	if req.Indicator, err = s.indicatorOf(c, q.Get("geography"), field); err != nil {
		return req, err
	}
	req.Disclosure = s.cfg.Disclosure
	return req, nil
}

// handlePostBreaks answers POST /api/v1/breaks?field=need_score|need_share
// [&method=][&classes=] with a scenario document in the body: the breaks of
// that draft's need over every area it scores, as handleBreaks gives them
// for a stored scenario. Nothing is stored.
func (s *Server) handlePostBreaks(c echo.Context) error {
	q := c.QueryParams()
	if q.Get("layer") == "" { // the posted scenario's areas
		q = url.Values(maps.Clone(q))
		q.Set("layer", tiles.LayerAreas)
	}
	field, method, classes, err := parseBreaks(q)
	if err != nil {
		return err
	}
	if !scenario.IsNeedField(field) {
		return invalidf("field %q: a posted scenario has need_score and need_share to classify (an indicator's breaks: GET /api/v1/breaks)", field)
	}
	res, err := s.scorePosted(c)
	if err != nil {
		return err
	}
	return s.writeLegend(c, scenario.LegendRequest{Scenario: res, Field: field, Method: method, Classes: classes})
}

// writeLegend answers with the legend req asks for.
func (s *Server) writeLegend(c echo.Context, req scenario.LegendRequest) error {
	lg, err := scenario.Legend(c.Request().Context(), s.store, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wire.NewLegend(tiles.LayerAreas, lg))
}

// parseBreaks reads the parameters every breaks request shares: layer
// (areas; it may be left out with a scenario), field, method and classes.
func parseBreaks(q url.Values) (field string, method classify.Method, classes int, err error) {
	switch layer := q.Get("layer"); layer {
	case tiles.LayerAreas:
	case "":
		if q.Get("scenario") == "" {
			return "", "", 0, invalidf("missing layer: want layer=areas")
		}
	case tiles.LayerLocalities, tiles.LayerSites:
		return "", "", 0, invalidf("layer %q has no indicator values to classify: want layer=areas", layer)
	default:
		return "", "", 0, invalidf("unknown layer %q: want layer=areas", layer)
	}
	field = strings.TrimSpace(q.Get("field"))
	if field == "" {
		return "", "", 0, invalidf("missing field: name an indicator key (see /api/v1/indicators), or need_score or need_share with a scenario")
	}
	method = scenario.DefaultLegendMethod
	if m := q.Get("method"); m != "" {
		if method, err = classify.ParseMethod(m); err != nil {
			return "", "", 0, err
		}
	}
	classes = scenario.DefaultLegendClasses
	if k := q.Get("classes"); k != "" {
		n, err := strconv.Atoi(k)
		if err != nil || n < 2 || n > classify.MaxClasses {
			return "", "", 0, invalidf("classes %q: want a whole number from 2 to %d", k, classify.MaxClasses)
		}
		classes = n
	}
	return field, method, classes, nil
}
