package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan/data"
)

// handleAreas answers GET /api/v1/areas?geography=&lad=: the small areas,
// without boundaries, of one geography (or all) and optionally one local
// authority district.
func (s *Server) handleAreas(c echo.Context) error {
	geog, err := parseGeography(c.QueryParam("geography"))
	if err != nil {
		return err
	}
	areas, err := s.store.Areas(c.Request().Context(), data.AreaQuery{Geography: geog, LAD: c.QueryParam("lad")})
	if err != nil {
		return err
	}
	out := make([]areaResponse, 0, len(areas))
	for _, a := range areas {
		out = append(out, toAreaResponse(a))
	}
	return c.JSON(http.StatusOK, out)
}

// handleAreaProfile answers GET /api/v1/areas/{geography}/{code}: one area
// with every indicator value held for it, small numbers suppressed.
func (s *Server) handleAreaProfile(c echo.Context) error {
	ctx := c.Request().Context()
	geog, err := parseGeography(c.Param("geography"))
	if err != nil {
		return err
	}
	if geog == "" {
		return invalidf("missing geography: want lsoa11 or lsoa21")
	}
	code := c.Param("code")
	areas, err := s.store.Areas(ctx, data.AreaQuery{Geography: geog, Codes: []string{code}})
	if err != nil {
		return err
	}
	if len(areas) == 0 {
		return notFoundf("no %s area %q", geog.Label(), code)
	}
	inds, err := s.store.Indicators(ctx, geog)
	if err != nil {
		return err
	}
	values, err := s.store.AreaValues(ctx, geog, code)
	if err != nil {
		return err
	}
	out := areaProfileResponse{areaResponse: toAreaResponse(areas[0]), Indicators: []indicatorValueResponse{}}
	for _, ind := range inds {
		if v, ok := values[ind.Key]; ok {
			out.Indicators = append(out.Indicators, toIndicatorValueResponse(ind, v, s.cfg.Disclosure))
		}
	}
	return c.JSON(http.StatusOK, out)
}
