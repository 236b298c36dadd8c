package api

import (
	"github.com/labstack/echo/v4"

	"placeplan"
)

// handleSummaries answers GET /api/v1/summaries?by=lad|msoa|locality&scheme=&geography=:
// MHCLG's summary measures of the IoD for groups of the loaded areas.
// (Being moved from the command line into a shared use case.)
func (s *Server) handleSummaries(c echo.Context) error {
	return placeplan.Errorf(placeplan.EUNSUPPORTED, "summaries are not served yet")
}
