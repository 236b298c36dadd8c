package api

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/frontend"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

// styleDefaultIndicator is the indicator a style colours the areas by when
// it is not told, as the web map does: the IMD score when it is loaded.
const styleDefaultIndicator = "imd_score"

// styleMediaType is the media type of a MapLibre (Mapbox GL) style, as OGC
// API – Styles names it, for the links to one.
const styleMediaType = "application/vnd.mapbox.style+json"

// handleStyle answers GET /tiles/style.json[?field=][&scenario=ID[@REV]]
// [&geography=][&method=][&classes=]: a MapLibre style of the tile layers
// (tiles.Style) with the areas coloured by the legend handleBreaks gives
// for the same parameters — the web map's classes, palette and furniture —
// for QGIS and any MapLibre client. The field defaults to need_score with
// a scenario, else the IMD score (or the first indicator loaded).
func (s *Server) handleStyle(c echo.Context) error {
	q := url.Values(maps.Clone(c.QueryParams()))
	q.Set("layer", tiles.LayerAreas)
	if q.Get("field") == "" {
		field, err := s.styleField(c, q)
		if err != nil {
			return err
		}
		q.Set("field", field)
	}
	req, err := s.legendRequest(c, q)
	if err != nil {
		return err
	}
	lg, err := scenario.Legend(c.Request().Context(), s.store, req)
	if err != nil {
		return err
	}
	ink, err := frontend.Colours()
	if err != nil {
		return err
	}
	ref := q.Get("scenario")
	doc := tiles.Style(tiles.StyleOptions{Legend: lg,
		Ink: tiles.Ink{Text: ink.Text, Halo: ink.Halo, Background: ink.Background, NoData: ink.NoData, NoDataLine: ink.NoDataLine},
		TileJSON: func(layer string) string {
			p := url.Values{"geography": {string(lg.Geography)}}
			if layer == tiles.LayerAreas && ref != "" {
				p = url.Values{"scenario": {ref}}
			}
			return baseURL(c) + "/tiles/" + layer + ".json?" + p.Encode()
		}})
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderXForwardedProto)
	return c.JSON(http.StatusOK, doc)
}

// styleField is the field a style colours the areas by when not told.
func (s *Server) styleField(c echo.Context, q url.Values) (string, error) {
	if q.Get("scenario") != "" {
		return scenario.FieldNeedScore, nil
	}
	ctx := c.Request().Context()
	geog, err := s.layerGeography(c, q.Get("geography"))
	if err != nil {
		return "", err
	}
	if geog == "" {
		return "", invalidf("no indicators are loaded: there is nothing to colour the areas by")
	}
	inds, err := s.store.Indicators(ctx, geog)
	if err != nil {
		return "", err
	}
	if len(inds) == 0 {
		return "", invalidf("no indicators are loaded for %s: there is nothing to colour the areas by", geog.Label())
	}
	if slices.ContainsFunc(inds, func(i placeplan.Indicator) bool { return i.Key == styleDefaultIndicator }) {
		return styleDefaultIndicator, nil
	}
	return inds[0].Key, nil
}

// styleLink is the link from a TileJSON document to the style that draws
// its layer, with the request's geography or scenario.
func styleLink(c echo.Context) map[string]any {
	p := url.Values{}
	for _, k := range []string{"geography", "scenario"} {
		if v := c.QueryParam(k); v != "" {
			p.Set(k, v)
		}
	}
	href := baseURL(c) + "/tiles/style.json"
	if len(p) > 0 {
		href += "?" + p.Encode()
	}
	return map[string]any{"rel": "stylesheet", "type": styleMediaType, "href": href,
		"title": "a MapLibre style of the tile layers, as the web map draws them"}
}
