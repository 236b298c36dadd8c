package api

import "github.com/labstack/echo/v4"

// cors answers cross-origin requests for the origins Config.CORSOrigins
// allows; with none (the default) it adds nothing. (Filled in by the OGC
// work of issue 5.)
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc { return next }
