package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// handleLocalities answers GET /api/v1/localities?geography=[&f=csv]:
// the localities of one geography (or all) with their member area codes.
func (s *Server) handleLocalities(c echo.Context) error {
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	geog, err := tiles.ParseGeography(c.QueryParam("geography"))
	if err != nil {
		return err
	}
	locs, err := s.store.Localities(c.Request().Context(), geog)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(c, "localities", wire.LocalitiesTable(locs))
	}
	out := make([]wire.Locality, 0, len(locs))
	for _, l := range locs {
		out = append(out, wire.NewLocality(l))
	}
	return c.JSON(http.StatusOK, out)
}
