package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan/auth"
)

// Role is what a caller must be to use a route: public, or one of the
// account roles of package auth, which are ordered (an admin may do what an
// approver may, an approver what an analyst may, an analyst what a viewer
// may).
type Role string

// Roles.
const (
	RolePublic   Role = "public"            // health checks, the web page and signing in: never behind authentication
	RoleViewer   Role = Role(auth.Viewer)   // reads data and results
	RoleAnalyst  Role = Role(auth.Analyst)  // ingests data, edits scenarios and runs analyses
	RoleApprover Role = Role(auth.Approver) // approves a scenario revision for a board
	RoleAdmin    Role = Role(auth.Admin)    // manages users, tokens and settings, reads the audit trail
)

// Route describes one registered route: its method, its echo path pattern,
// the role it needs and a one-line summary.
type Route struct {
	Method  string
	Path    string
	Role    Role
	Summary string
}

// route is a Route with its handler and how it is served.
type route struct {
	Route
	// revisioned marks a data-derived response: it carries the store
	// revision as a weak ETag, Cache-Control: no-cache, and answers a
	// matching If-None-Match with 304.
	revisioned bool
	// listsScenarios marks a revisioned response that names every stored
	// scenario: its ETag follows the registry as well.
	listsScenarios bool
	// analysis marks a route that scores, selects sites or plans what the
	// request sends: it runs as one analysis (limitAnalysis). Routes of
	// stored scenarios compute through the tile service, which runs each
	// score and plan so.
	analysis bool
	handler  echo.HandlerFunc
}

// routeTable lists every route the server serves. New routes go here, so
// that each is registered with its role in one place.
func (s *Server) routeTable() []route {
	get := func(path string, role Role, revisioned bool, h echo.HandlerFunc, summary string) route {
		return route{Route: Route{Method: http.MethodGet, Path: path, Role: role, Summary: summary},
			revisioned: revisioned, handler: h}
	}
	// Writes and analyses on request are for analysts.
	write := func(method, path string, h echo.HandlerFunc, summary string) route {
		return route{Route: Route{Method: method, Path: path, Role: RoleAnalyst, Summary: summary}, handler: h}
	}
	post := func(path string, h echo.HandlerFunc, summary string) route {
		return write(http.MethodPost, path, h, summary)
	}
	analysis := func(r route) route {
		r.analysis = true
		return r
	}
	routes := []route{
		get("/healthz", RolePublic, false, s.handleHealthz, "liveness: the process answers"),
		get("/readyz", RolePublic, false, s.handleReadyz, "readiness: the data store answers"),

		get("/api/v1/session", RolePublic, false, s.handleSession, "who is signed in (if anyone), with the anti-forgery token for writes and the ways to sign in"),
		{Route: Route{Method: http.MethodPost, Path: "/api/v1/session", Role: RolePublic, Summary: "sign in with a user name and password (JSON); sets the session cookie"}, handler: s.handleSignIn},
		{Route: Route{Method: http.MethodDelete, Path: "/api/v1/session", Role: RoleViewer, Summary: "sign out: the server ends the session"}, handler: s.handleSignOut},
		get("/auth/oidc/login", RolePublic, false, s.handleOIDCLogin, "single sign-on: go to the provider (return=PATH to come back there)"),
		get("/auth/oidc/callback", RolePublic, false, s.handleOIDCCallback, "single sign-on: the provider's answer; signs the user in"),
		get("/api/v1/audit", RoleAdmin, false, s.handleAudit, "the audit trail, oldest first (since=DATE, format=json|csv)"),
		get("/api/v1/config", RoleViewer, false, s.handleConfig, "what the web map reads at start: version, whether saved work is kept, basemap, suppression threshold, geographies, bounds"),
		get("/api/v1/datasets", RoleViewer, true, s.handleDatasets, "ingested datasets with licence and attribution"),
		get("/api/v1/areas", RoleViewer, true, s.handleAreas, "small areas, without boundaries"),
		get("/api/v1/areas/:geography/:code", RoleViewer, true, s.handleAreaProfile, "one small area with its indicator values"),
		get("/api/v1/localities", RoleViewer, true, s.handleLocalities, "localities with their member areas"),
		get("/api/v1/indicators", RoleViewer, true, s.handleIndicators, "the indicator catalogue: direction, unit, kind, denominator"),
		get("/api/v1/search", RoleViewer, true, s.handleSearch, "small areas, MSOAs, localities, districts and towns by code or name, best first"),
		get("/api/v1/values", RoleViewer, true, s.handleValues, "every small area's value of one indicator, by area code, for a choropleth (withheld ones listed)"),
		get("/api/v1/layers", RoleViewer, true, s.handleLayers, "the map layers available"),
		get("/api/v1/layers/areas", RoleViewer, true, s.handleAreasLayer, "small areas with indicator values as GeoJSON"),
		get("/api/v1/layers/localities", RoleViewer, true, s.handleLocalitiesLayer, "localities as GeoJSON"),
		get("/api/v1/layers/sites", RoleViewer, true, s.handleSitesLayer, "one point layer as GeoJSON"),
		get("/api/v1/layers/catchments", RoleViewer, true, s.handleCatchmentsLayer, "a plan's catchments: the areas each chosen site serves, as GeoJSON"),
		get("/api/v1/layers/phases", RoleViewer, true, s.handlePhasesLayer, "a plan's rollout phases: the areas first reached in each, as GeoJSON"),

		get("/api/v1/summaries", RoleViewer, true, s.handleSummaries, "MHCLG's IoD summary measures for districts, MSOAs or localities"),

		get("/api/v1/scenarios", RoleViewer, false, s.handleScenarios, "the stored scenarios (all=true: archived ones too)"),
		post("/api/v1/scenarios", s.handleCreateScenario, "store a new scenario (validated against the data)"),
		get("/api/v1/scenarios/:id", RoleViewer, false, s.handleGetScenario, "a scenario's current document; its ETag names the revision"),
		write(http.MethodPut, "/api/v1/scenarios/:id", s.handleUpdateScenario, "store a new revision (If-Match: the revision it starts from; 412 when stale)"),
		write(http.MethodDelete, "/api/v1/scenarios/:id", s.handleArchiveScenario, "archive a scenario (If-Match; its revisions are kept)"),
		get("/api/v1/scenarios/:id/revisions", RoleViewer, false, s.handleScenarioRevisions, "a scenario's revisions: who, when, note, what changed"),
		get("/api/v1/scenarios/:id/revisions/:rev", RoleViewer, false, s.handleGetScenarioRevision, "one revision's document"),
		{Route: Route{Method: http.MethodPost, Path: "/api/v1/scenarios/:id/revisions/:rev/approvals", Role: RoleApprover,
			Summary: "approve a revision for a board: {committee, meeting (a day), note} as JSON"}, handler: s.handleApprove},
		get("/api/v1/scenarios/:id/revisions/:rev/:kind", RoleViewer, false, s.handleRevisionResult, "one revision's plan or score on the current data, kept once computed"),
		get("/api/v1/scenarios/:id/:file", RoleViewer, false, s.handleReport,
			"the board paper or analysts' files, /api/v1/scenarios/{id}/report.{pdf,docx,html,xlsx,csv,gpkg,geojson,pmtiles} ({id} may be id@revision; compare= a second scenario): the file when ready within 2 s, else 202 with the status to poll"),
		get("/api/v1/layers/compare", RoleViewer, false, s.handleCompareLayer, "where two plans differ: each area reached by both, one or neither, as GeoJSON"),
		get("/api/v1/compare", RoleViewer, false, s.handleCompare, "scenarios side by side: assumptions, ranks, sites, phases, equity, area coverage"),
		get("/api/v1/scores", RoleViewer, true, s.handleScore, "a named scenario's need ranking of its localities"),
		analysis(post("/api/v1/scores", s.handlePostScore, "the need ranking of the scenario document sent")),
		get("/api/v1/plans", RoleViewer, true, s.handlePlan, "a named scenario's rollout plan: sites, phases, evaluation, stability"),
		analysis(post("/api/v1/sites", s.handleSites, "choose sites for the demand and candidates sent (mclp, pmedian, lscp or capacitated)")),
		analysis(post("/api/v1/plans", s.handlePostPlan, "the rollout plan of the scenario document sent")),
		analysis(post("/api/v1/breaks", s.handlePostBreaks, "legend class breaks of the need (need_score or need_share) of the scenario document sent")),
	}
	routes = append(routes, s.tileRoutes()...)
	routes = append(routes, s.ogcRoutes()...)
	return append(routes,
		get("/", RolePublic, false, s.handleIndex, "the web page"),
		get("/*", RolePublic, false, s.handleAsset, "the web map's scripts, styles and other files"),
	)
}

// register adds r to the router behind the authorisation hook and, for
// data-derived routes, the revision check.
func (s *Server) register(r route) {
	mw := []echo.MiddlewareFunc{s.authorize(r.Role)}
	if r.revisioned {
		mw = append(mw, s.revision(r.listsScenarios))
	}
	if r.analysis {
		mw = append(mw, s.limitAnalysis)
	}
	s.echo.Add(r.Method, r.Path, r.handler, mw...)
	if r.Method == http.MethodGet {
		// HEAD wherever GET (RFC 9110 §9.3.2): the same handler and
		// headers; the server sends no body.
		s.echo.Add(http.MethodHead, r.Path, r.handler, mw...)
	}
	s.routes = append(s.routes, r.Route)
}

// Routes returns the routes the server serves, in registration order.
func (s *Server) Routes() []Route {
	return append([]Route(nil), s.routes...)
}
