package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthResponse is the body of /healthz and /readyz.
type healthResponse struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}

// handleHealthz answers GET /healthz: the process is up.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok", Version: s.cfg.Version})
}

// readyTimeout bounds the store ping behind /readyz.
const readyTimeout = 2 * time.Second

// handleReadyz answers GET /readyz: 200 when the store answers a ping,
// else 503.
func (s *Server) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &echo.HTTPError{Code: http.StatusServiceUnavailable,
			Message: "the data store does not answer", Internal: err}
	}
	return c.JSON(http.StatusOK, healthResponse{Status: "ok", Version: s.cfg.Version})
}
