package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// indicatorResponse is one entry of the indicator catalogue on the wire.
type indicatorResponse struct {
	Key          string `json:"key"`
	Name         string `json:"name"`
	Geography    string `json:"geography"`
	Vintage      string `json:"vintage"`
	Direction    string `json:"direction"`
	Unit         string `json:"unit"`
	Kind         string `json:"kind"`
	Denominator  string `json:"denominator"`
	Index        string `json:"index,omitempty"`
	Confidential bool   `json:"confidential"`
}

func toIndicatorResponse(ind placeplan.Indicator) indicatorResponse {
	return indicatorResponse{Key: ind.Key, Name: ind.Name, Geography: string(ind.Geography), Vintage: ind.Vintage,
		Direction: ind.Direction.String(), Unit: ind.Unit, Kind: ind.Kind, Denominator: ind.Denominator,
		Index: string(ind.Index), Confidential: ind.Confidential}
}

// handleIndicators answers GET /api/v1/indicators?geography=[&f=csv]:
// the indicator catalogue — every loaded indicator with its direction,
// unit, kind and denominator population.
func (s *Server) handleIndicators(c echo.Context) error {
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	geog, err := tiles.ParseGeography(c.QueryParam("geography"))
	if err != nil {
		return err
	}
	inds, err := s.store.Indicators(c.Request().Context(), geog)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(c, "indicators", wire.IndicatorsTable(inds))
	}
	out := make([]indicatorResponse, 0, len(inds))
	for _, ind := range inds {
		out = append(out, toIndicatorResponse(ind))
	}
	return c.JSON(http.StatusOK, out)
}
