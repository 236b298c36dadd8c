package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// CORS policy: browsers on the origins of Config.CORSOrigins may read
// every GET and HEAD response, with its ETag and request ID, and may send
// If-None-Match. Nothing else is allowed: the API has no other methods
// and uses no credentials.
const (
	corsMethods       = "GET, HEAD"
	corsAllowHeaders  = "If-None-Match, X-Request-ID"
	corsExposeHeaders = "ETag, X-Request-ID"
	corsMaxAgeSeconds = 600
)

// cors answers cross-origin requests for the origins Config.CORSOrigins
// allows ("*" for any); with none (the default) it adds nothing and
// leaves preflight requests to the router.
//
// With origins set, every response varies by Origin; a request from an
// allowed origin gets Access-Control-Allow-Origin, and a preflight for
// GET or HEAD from one is answered here with 204. A preflight from
// another origin, or for another method, gets no CORS headers, so the
// browser refuses it.
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc {
	if len(s.cfg.CORSOrigins) == 0 {
		return next
	}
	return func(c echo.Context) error {
		req, h := c.Request(), c.Response().Header()
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		origin := req.Header.Get(echo.HeaderOrigin)
		if !s.corsAllowed(origin) {
			return next(c)
		}
		allowOrigin := origin
		if slices.Contains(s.cfg.CORSOrigins, "*") {
			allowOrigin = "*"
		}
		if method := req.Header.Get(echo.HeaderAccessControlRequestMethod); req.Method == http.MethodOptions && method != "" {
			if method != http.MethodGet && method != http.MethodHead {
				return next(c)
			}
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestMethod)
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestHeaders)
			h.Set(echo.HeaderAccessControlAllowOrigin, allowOrigin)
			h.Set(echo.HeaderAccessControlAllowMethods, corsMethods)
			h.Set(echo.HeaderAccessControlAllowHeaders, corsAllowHeaders)
			h.Set(echo.HeaderAccessControlMaxAge, strconv.Itoa(corsMaxAgeSeconds))
			return c.NoContent(http.StatusNoContent)
		}
		h.Set(echo.HeaderAccessControlAllowOrigin, allowOrigin)
		h.Set(echo.HeaderAccessControlExposeHeaders, corsExposeHeaders)
		return next(c)
	}
}

// corsAllowed reports whether origin may read responses. Origins compare
// without case and without a trailing slash.
func (s *Server) corsAllowed(origin string) bool {
	if origin == "" {
		return false
	}
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" || strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}
