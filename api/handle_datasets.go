package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"placeplan/wire"
)

// handleDatasets answers GET /api/v1/datasets[?f=csv]: every ingested
// dataset with its source, licence and attribution, oldest first.
func (s *Server) handleDatasets(c echo.Context) error {
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	ds, err := s.store.Datasets(c.Request().Context())
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(c, "datasets", wire.DatasetsTable(ds))
	}
	out := make([]wire.Dataset, 0, len(ds))
	for _, d := range ds {
		out = append(out, wire.NewDataset(d))
	}
	return c.JSON(http.StatusOK, out)
}
