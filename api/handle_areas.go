package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan"
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
// with every indicator value held for it, small numbers suppressed.
func (s *Server) handleAreaProfile(c echo.Context) error {
	ctx := c.Request().Context()
	geog, err := tiles.ParseGeography(c.Param("geography"))
	if err != nil {
		return err
	}
	if geog == "" {
		return invalidf("missing geography: want lsoa11 or lsoa21")
	}
	code := c.Param("code")
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: []string{code}})
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
	// MHCLG's published ranks and deciles, by index (imd, income, …).
	published := map[placeplan.IoDIndex][2]float64{}
	for _, ind := range inds {
		v, ok := values[ind.Key]
		if !ok || ind.Index == "" {
			continue
		}
		p := published[ind.Index]
		switch ind.Kind {
		case placeplan.KindRank:
			p[0] = v
		case placeplan.KindDecile:
			p[1] = v
		}
		published[ind.Index] = p
	}
	out := wire.AreaProfile{Area: wire.NewArea(areas[0]), Indicators: []wire.IndicatorValue{}}
	for _, ind := range inds {
		v, ok := values[ind.Key]
		if !ok {
			continue
		}
		r := indicatorValue(ind, v, s.cfg.Disclosure)
		switch {
		case r.Suppressed || ind.Direction == 0:
		case ind.Kind != placeplan.KindCount && ind.Kind != placeplan.KindRate && ind.Kind != placeplan.KindScore:
		case (ind.Key == ind.Index.Key(placeplan.MeasureScore) || ind.Key == ind.Index.Key(placeplan.MeasureExp)) &&
			published[ind.Index][0] > 0 && published[ind.Index][1] > 0:
			// The domain's own score: its published rank (File 8's
			// indicators share the domain's index but not its rank).
			rank, decile := int(published[ind.Index][0]), int(published[ind.Index][1])
			r.Rank, r.Decile, r.RankOf, r.RankBasis = &rank, &decile, geog.LSOAsInEngland(), basisPublished
		default:
			ar, err := s.rankOf(ctx, ind, v)
			if err != nil {
				return err
			}
			if ar.Of > 0 {
				r.Rank, r.Decile, r.RankOf, r.RankBasis = &ar.Rank, &ar.Decile, ar.Of, ar.Basis
			}
		}
		out.Indicators = append(out.Indicators, r)
	}
	return c.JSON(http.StatusOK, out)
}
