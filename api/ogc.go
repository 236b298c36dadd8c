package api

// ogcRoutes are the OGC API – Features routes under /ogc and the OpenAPI
// document. (Filled in by the OGC work of issue 5.)
func (s *Server) ogcRoutes() []route { return nil }
