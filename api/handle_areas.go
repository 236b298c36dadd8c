package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// handleAreas answers GET /api/v1/areas?geography=&lad=[&f=csv]: the
// small areas, without boundaries, of one geography (or all) and
// optionally one local authority district.
func (s *Server) handleAreas(c echo.Context) error {
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	geog, err := tiles.ParseGeography(c.QueryParam("geography"))
	if err != nil {
		return err
	}
	areas, err := s.store.Areas(c.Request().Context(), placeplan.AreaQuery{Geography: geog, LAD: c.QueryParam("lad")})
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(c, "areas", wire.AreasTable(areas))
	}
	out := make([]wire.Area, 0, len(areas))
	for _, a := range areas {
		out = append(out, wire.NewArea(a))
	}
	return c.JSON(http.StatusOK, out)
}

// handleAreaProfile answers GET /api/v1/areas/{geography}/{code}: one area
// with every indicator value held for it, small numbers suppressed, and
// its ranks (scenario.AreaProfiles, built once per data revision and
// geography, so that a profile reads nothing from the store).
func (s *Server) handleAreaProfile(c echo.Context) error {
	ctx := c.Request().Context()
	geog, err := tiles.ParseGeography(c.Param("geography"))
	if err != nil {
		return err
	}
	if geog == "" {
		return invalidf("missing geography: want lsoa11 or lsoa21")
	}
	rev, err := s.requestRevision(c)
	if err != nil {
		return err
	}
	profiles, _, err := s.profiles.Get(ctx, geog, rev, func(ctx context.Context) (*scenario.AreaProfiles, error) {
		return scenario.NewAreaProfiles(ctx, s.store, geog)
	})
	if err != nil {
		return err
	}
	code := c.Param("code")
	prof, ok := profiles.Profile(code)
	if !ok {
		return notFoundf("no %s area %q", geog.Label(), code)
	}
	out := wire.AreaProfile{Area: wire.NewArea(prof.Area), Indicators: make([]wire.IndicatorValue, 0, len(prof.Values))}
	for _, pv := range prof.Values {
		r := indicatorValue(pv.Indicator, pv.Value, s.cfg.Disclosure)
		if ar := pv.Rank; !r.Suppressed && ar.Basis != "" { // a withheld value has no rank
			r.Rank, r.Decile, r.RankOf, r.RankBasis = &ar.Rank, &ar.Decile, ar.Of, ar.Basis
		}
		out.Indicators = append(out.Indicators, r)
	}
	return c.JSON(http.StatusOK, out)
}
