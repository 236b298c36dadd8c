package api

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// ctxRequestID is the echo context key holding the request ID.
const ctxRequestID = "placeplan.request_id"

// requestID gives every request an ID: the client's X-Request-ID when it is
// a sensible token, else a fresh random one. The ID is echoed in the
// response header, the access log and any problem document.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			id = rand.Text()
		}
		c.Set(ctxRequestID, id)
		h := c.Response().Header()
		h.Set(echo.HeaderXRequestID, id)
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		return next(c)
	}
}

// validRequestID reports whether a client-supplied request ID may be
// reused: 1 to 128 characters of letters, digits and ._:+/=-.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("._:+/=-", r):
		default:
			return false
		}
	}
	return true
}

// requestIDOf returns the request's ID, or "" outside the middleware.
func requestIDOf(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// accessLog writes one structured log line per request. It hands any error
// to the error handler first, so that the line records the status sent.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if res.Status >= 500 {
			level = slog.LevelWarn
		}
		s.logger.LogAttrs(req.Context(), level, "request",
			slog.String("request_id", requestIDOf(c)),
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.String("query", req.URL.RawQuery),
			slog.String("route", c.Path()),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", c.RealIP()),
			slog.String("user_agent", req.UserAgent()),
		)
		return nil
	}
}

// recover turns a panic in a handler into an internal error carrying the
// stack, which the error handler logs.
func (s *Server) recover(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		return next(c)
	}
}
