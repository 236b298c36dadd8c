package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/labstack/echo/v4"

	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/scoring/siting"
	"placeplan/wire"
)

// The OpenAPI 3.1 document at /api/openapi.json is generated from the
// routes the server registered (Server.Routes: method, path, role,
// summary) and, for each path, the details in routeDocs: parameters,
// media type, statuses. A route without an entry is still listed, with
// its path parameters as strings, and the tests fail until it gets one.

// routeDoc documents one route beyond what the route table says.
type routeDoc struct {
	tag    string
	params []openAPIParameter // path parameters must match the route's
	// content is the media type of a 200 body and schema its schema
	// (nil for any).
	content string
	schema  schema
	// revisioned says the route is data-derived: it sends the data
	// revision as a weak ETag and answers If-None-Match with 304.
	revisioned bool
	// status lists the other statuses it answers, such as 204, 304 (for
	// another kind of ETag), 400 or 404; errors carry a problem document.
	status []int
	// post, when set, documents the POST on the same path: the body it
	// takes (media type → schema); postParams are its query parameters
	// (writes take only their path parameters otherwise).
	post       map[string]schema
	postParams []openAPIParameter
	// tables, when set, names the CSV tables the route also gives
	// (f=csv or Accept: text/csv; table= picks one when there are
	// several, the first by default), for GET and POST alike.
	tables []string
	// paged marks a GeoJSON layer sent in pages (limit=, offset=).
	paged bool
	// contentCRS says the response carries a Content-Crs header.
	contentCRS bool
}

// appJSONType is the JSON media type.
const appJSONType = "application/json"

// schema is a JSON Schema (2020-12, as OpenAPI 3.1 uses).
type schema = map[string]any

// routeDocs documents every route by its echo path. A new route needs an
// entry here: TestOpenAPIDocumentsEveryRoute fails without one.
func routeDocs() map[string]routeDoc {
	geography := queryParam("geography", "small-area geography: lsoa11 (LSOA 2011) or lsoa21 (LSOA 2021); "+
		"for layers, the one loaded by default, lsoa11 when both are", enumSchema("lsoa11", "lsoa21"))
	lad := queryParam("lad", "local authority district code, such as E06000051", schema{"type": "string"})
	bbox := queryParam("bbox", "minLon,minLat,maxLon,maxLat in WGS84 degrees (CRS84); features whose bounding "+
		"box meets it", schema{"type": "array", "minItems": 4, "maxItems": 4, "items": schema{"type": "number"}})
	bbox.Style, bbox.Explode = "form", new(false)
	fields := queryParam("fields", "comma-separated indicator keys to include (all when absent, none when empty)",
		schema{"type": "string"})
	f := queryParam("f", "response format", enumSchema("json"))
	fFeatures := queryParam("f", "response format", enumSchema("json", "geojson"))
	collectionID := pathParamDoc("collectionId", "collection id: areas, localities, sites, or a stored scenario's "+
		"results, ID.areas, ID.sites or ID.catchments, where ID is a scenario id (its current revision) or ID@REVISION",
		schema{"type": "string", "pattern": `^(areas|localities|sites|[a-z0-9-]+(@[0-9]+)?\.(areas|sites|catchments))$`})
	ogcGeography := queryParam("geography", "areas and localities: small-area geography (default: the layers' "+
		"default, lsoa11 when both are loaded)", enumSchema("lsoa11", "lsoa21"))

	ogcBBox := queryParam("bbox", "minLon,minLat,maxLon,maxLat in WGS84 degrees (CRS84), or six numbers with "+
		"heights, which are ignored; features whose bounding box meets it (sites: points inside it)",
		schema{"type": "array", "oneOf": []schema{{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}},
			"items": schema{"type": "number"}})
	ogcBBox.Style, ogcBBox.Explode = "form", new(false)
	ogcCRSParam := queryParam("crs", "the CRS of the coordinates served (OGC API – Features, Part 2): "+crs84+
		" (WGS84 longitude, latitude; the default) or "+crs27700+" (British National Grid easting, northing, "+
		"metres, to the centimetre); the response's Content-Crs header says which", enumSchema(crs84, crs27700))
	ogcFilter := queryParam("filter", "CQL2 text (Basic CQL2): comparisons = <> < <= > >= of queryable properties "+
		"(see the collection's queryables) with strings in single quotes, numbers or other properties, IS [NOT] NULL, "+
		"AND, OR, NOT and parentheses, such as imd_decile<=2 AND lad_code='E06000051'; a property a feature lacks "+
		"(a withheld value) matches no comparison. Any queryable is also a parameter of its own: lad_code=E06000051 "+
		"keeps the features whose lad_code is E06000051", schema{"type": "string"})
	ogcFilterLang := queryParam("filter-lang", "the language of filter: cql2-text, or cql-text (accepted for GDAL "+
		"before 3.7, the same text)", schema{"type": "string", "enum": []string{"cql2-text", "cql-text"}, "default": "cql2-text"})
	ogcSortBy := queryParam("sortby", "comma-separated queryable properties to sort by, each with + (ascending, the "+
		"default) or - (descending), such as -imd_score,code; features lacking a value sort last",
		schema{"type": "array", "items": schema{"type": "string"}})
	ogcSortBy.Style, ogcSortBy.Explode = "form", new(false)
	metaCRS := queryParam("crs", "checked and otherwise ignored, so that a client may send the crs of its items "+
		"requests with every request (GDAL before 3.7 does, given it in the URL)", enumSchema(crs84, crs27700))
	bboxCRS := queryParam("bbox-crs", "the CRS of bbox: "+crs84+" (the default) or "+crs27700+
		" (minEasting,minNorthing,maxEasting,maxNorthing in metres)", enumSchema(crs84, crs27700))
	limit := queryParam("limit", fmt.Sprintf("features per page, %d unless given; more than %d is served as %d",
		ogcDefaultLimit, ogcMaxLimit, ogcMaxLimit),
		schema{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit})
	limit.Style, limit.Explode = "form", new(false)
	offset := queryParam("offset", "features to skip (the next and prev links carry it)",
		schema{"type": "integer", "minimum": 0, "default": 0})
	datetime := queryParam("datetime", "RFC 3339 date-time or interval; no feature has a time, so every "+
		"feature matches", schema{"type": "string"})
	datetime.Style, datetime.Explode = "form", new(false)
	layer := queryParam("layer", "sites: keep the points of this point layer", schema{"type": "string"})

	scenarioID := required(queryParam("scenario", "scenario id or id@revision (see /api/v1/scenarios)", schema{"type": "string"}))
	tileScenario := queryParam("scenario", "areas: a scenario's areas with its need and plan; catchments: whose "+
		"catchments (id or id@revision)", schema{"type": "string"})
	tileFields := queryParam("fields", "comma-separated property names to keep in the tile, any of the "+
		"TileJSON vector layer's fields (every property when absent, none when empty; an unknown name is a 400 "+
		"that names it); b,c and c,b are the same tile", schema{"type": "string"})
	scenarioPath := pathParamDoc("id", "scenario id (see /api/v1/scenarios)", schema{"type": "string"})
	revPath := pathParamDoc("rev", "revision number, from 1", schema{"type": "integer", "minimum": 1})
	scenarioBody := map[string]schema{ // a scenario document; see docs/SCENARIOS.md
		"application/yaml": {"type": "string"}, appJSONType: {"type": "object", "required": []string{"placeplan_scenario", "name"}},
	}
	jsonArray := schema{"type": "array", "items": schema{"type": "object"}}
	breaksField := required(queryParam("field", "indicator key (see /api/v1/indicators); with scenario, need_score or need_share",
		schema{"type": "string"}))
	breaksMethod := queryParam("method", "classification method", schema{"type": "string",
		"enum": []string{"quantile", "equal", "jenks", "stddev"}, "default": "quantile"})
	breaksClasses := queryParam("classes", "number of classes", schema{"type": "integer", "minimum": 2, "maximum": 12, "default": 5})
	trueFalse := schema{"type": "string", "enum": []string{"true", "false"}, "default": "false"}
	scoreAreas := queryParam("areas", "true: add the scenario's need for each small area it scores (areas)", trueFalse)
	planAreas := queryParam("areas", "true: add what the plan says of each demand area (areas)", trueFalse)
	nullable := func(t string) schema { return schema{"type": []string{t, "null"}} }
	scoreDoc := schema{"type": "object", "properties": schema{
		"areas": schema{"type": "array", "description": "with areas=true, in code order", "items": schema{"type": "object",
			"required": []string{"code", "need_score", "need_rank", "need_share", "locality", "locality_need_rank"},
			"properties": schema{"code": schema{"type": "string"},
				"need_score": nullable("number"), "need_rank": nullable("integer"), "need_share": nullable("number"),
				"locality": nullable("string"), "locality_need_rank": nullable("integer")}}}}}
	planDoc := schema{"type": "object", "required": []string{"candidates"}, "properties": schema{
		"candidates": schema{"type": "array", "description": "every candidate site the plan considered", "items": schema{"type": "object",
			"required": []string{"id", "locality", "lon", "lat", "placed", "selected", "fixed", "excluded"},
			"properties": schema{"id": schema{"type": "string"}, "locality": schema{"type": "string"},
				"lon": schema{"type": "number"}, "lat": schema{"type": "number"}, "placed": schema{"type": "string"},
				"selected": schema{"type": "boolean"}, "fixed": schema{"type": "boolean"}, "excluded": schema{"type": "boolean"}}}},
		"areas": schema{"type": "array", "description": "with areas=true, each demand area in code order; null where no chosen site reaches it",
			"items": schema{"type": "object", "required": []string{"code", "served_by", "reached_in", "phase_index", "travel"},
				"properties": schema{"code": schema{"type": "string"}, "served_by": nullable("string"), "reached_in": nullable("string"),
					"phase_index": nullable("integer"), "travel": schema{"type": []string{"number", "null"},
						"description": "to the serving site, in the plan's unit"}}}}}}
	geoJSON := ref("GeoJSONFeatureCollection")
	const appJSON = echo.MIMEApplicationJSON
	return map[string]routeDoc{
		"/healthz": {tag: "health", content: appJSON, schema: ref("Health")},
		"/readyz":  {tag: "health", content: appJSON, schema: ref("Health"), status: []int{503}},

		"/api/openapi.json": {tag: "api", content: appJSON, schema: schema{"type": "object"}, status: []int{304}},
		"/api/v1/datasets":  {tag: "data", content: appJSON, schema: jsonArray, revisioned: true, tables: []string{"datasets"}},
		"/api/v1/config": {tag: "data", content: appJSON, schema: schema{"type": "object",
			"required": []string{"version", "persistent", "basemap_style", "suppress_below", "geographies", "default_geography", "bounds"},
			"properties": schema{
				"version":    schema{"type": "string"},
				"persistent": schema{"type": "boolean", "description": "false for the embedded default in memory: nothing saved is kept"},
				"basemap_style": schema{"type": []string{"string", "null"}, "format": "uri",
					"description": "serve --basemap-style: a MapLibre style URL; null to draw the basemap from placeplan's own layers"},
				"suppress_below": schema{"type": "number", "description": "confidential counts from 1 to this − 1 are withheld; 0 for none"},
				"geographies": schema{"type": "array", "items": schema{"type": "object",
					"required": []string{"geography", "label", "vintage", "areas"}, "properties": schema{
						"geography": enumSchema("lsoa11", "lsoa21"), "label": schema{"type": "string"},
						"vintage": schema{"type": "string"}, "areas": schema{"type": "integer"}}}},
				"default_geography": schema{"type": []string{"string", "null"}},
				"bounds": schema{"type": []string{"array", "null"}, "minItems": 4, "maxItems": 4, "items": schema{"type": "number"},
					"description": "west, south, east, north of every area loaded (WGS84)"},
			}}},
		"/api/v1/areas": {tag: "data", content: appJSON, schema: jsonArray, revisioned: true, tables: []string{"areas"},
			params: []openAPIParameter{geography, lad}, status: []int{400}},
		"/api/v1/areas/:geography/:code": {tag: "data", content: appJSON, schema: schema{"type": "object"},
			revisioned: true, status: []int{400, 404}, params: []openAPIParameter{
				pathParamDoc("geography", "small-area geography", enumSchema("lsoa11", "lsoa21")),
				pathParamDoc("code", "area code, such as E01028826", schema{"type": "string"})}},
		"/api/v1/localities": {tag: "data", content: appJSON, schema: jsonArray, revisioned: true, tables: []string{"localities"},
			params: []openAPIParameter{geography}, status: []int{400}},
		"/api/v1/indicators": {tag: "data", content: appJSON, schema: jsonArray, revisioned: true, tables: []string{"indicators"},
			params: []openAPIParameter{geography}, status: []int{400}},
		"/api/v1/layers": {tag: "layers", content: appJSON, schema: jsonArray, revisioned: true},
		"/api/v1/search": {tag: "data", content: appJSON, revisioned: true, status: []int{400},
			params: []openAPIParameter{
				required(queryParam("q", "a code or name, or part of one (at least 2 letters or digits; case, punctuation and "+
					"extra spaces are ignored)", schema{"type": "string", "minLength": 2})),
				queryParam("geography", "places of this geography (and towns); default the layers' default, lsoa11 when both are loaded",
					enumSchema("lsoa11", "lsoa21")),
				queryParam("limit", "results at most; more than 50 is served as 50", schema{"type": "integer", "minimum": 1, "maximum": 50, "default": 10})},
			schema: schema{"type": "array", "description": "exact code or name matches first, then prefixes, word prefixes and substrings",
				"items": schema{"type": "object", "required": []string{"kind", "code", "name", "detail", "geography", "bbox", "lon", "lat"},
					"properties": schema{"kind": enumSchema("area", "msoa", "locality", "district", "town"),
						"code": schema{"type": "string", "description": "area, MSOA or district code; locality id; town id in its point layer"},
						"name": schema{"type": "string"}, "detail": schema{"type": "string"},
						"geography": schema{"type": []string{"string", "null"}, "description": "null for a town"},
						"bbox": schema{"type": "array", "minItems": 4, "maxItems": 4, "items": schema{"type": "number"},
							"description": "west, south, east, north of its areas' boundaries (WGS84)"},
						"lon": schema{"type": "number"}, "lat": schema{"type": "number"}}}}},
		"/api/v1/values": {tag: "layers", content: appJSON, revisioned: true, status: []int{400},
			params: []openAPIParameter{required(queryParam("field", "indicator key (see /api/v1/indicators)", schema{"type": "string"})), geography},
			schema: schema{"type": "object", "required": []string{"geography", "field", "name", "unit", "direction", "values", "withheld"},
				"properties": schema{"geography": enumSchema("lsoa11", "lsoa21"), "field": schema{"type": "string"},
					"name": schema{"type": "string"}, "unit": schema{"type": "string"},
					"direction": enumSchema("higher_is_worse", "higher_is_better"),
					"values": schema{"type": "object", "additionalProperties": schema{"type": "number"},
						"description": "area code → value; areas withheld by small-number suppression are left out"},
					"withheld": schema{"type": "array", "items": schema{"type": "string"},
						"description": "areas whose value small-number suppression withholds"}}}},
		"/api/v1/layers/areas": {tag: "layers", content: geoJSONContentType, schema: geoJSON, revisioned: true, paged: true,
			params: []openAPIParameter{geography, lad, bbox, fields, queryParam("scenario", "a scenario id: adds its need "+
				"score, rank and share, locality and locality rank, and (with a plan) the serving site and phase", schema{"type": "string"})},
			status: []int{400, 404}},
		"/api/v1/layers/localities": {tag: "layers", content: geoJSONContentType, schema: geoJSON, revisioned: true, paged: true,
			params: []openAPIParameter{geography, bbox}, status: []int{400}},
		"/api/v1/layers/sites": {tag: "layers", content: geoJSONContentType, schema: geoJSON, revisioned: true, paged: true,
			params: []openAPIParameter{required(queryParam("layer", "point layer name (see /api/v1/layers)",
				schema{"type": "string"})), bbox}, status: []int{400, 404}},
		"/api/v1/layers/catchments": {tag: "layers", content: geoJSONContentType, schema: geoJSON, revisioned: true, paged: true,
			params: []openAPIParameter{scenarioID, bbox}, status: []int{400, 404}},
		"/api/v1/layers/phases": {tag: "layers", content: geoJSONContentType, schema: geoJSON, revisioned: true, paged: true,
			params: []openAPIParameter{scenarioID, bbox}, status: []int{400, 404}},

		"/api/v1/summaries": {tag: "data", content: appJSON, revisioned: true, tables: []string{"summaries"},
			schema: schema{"type": "object", "required": []string{"by", "geography", "groups", "warnings", "attribution"},
				"properties": schema{"by": schema{"type": "string"}, "geography": schema{"type": "string"},
					"scheme": schema{"type": "string"}, "warnings": schema{"type": "array", "items": schema{"type": "string"}},
					"attribution": schema{"type": "array", "items": schema{"type": "string"}},
					"groups": schema{"type": "array", "items": schema{"type": "object", "required": []string{"code", "name"},
						"properties": schema{"code": schema{"type": "string"}, "name": schema{"type": "string"}},
						"description": "code (district or MSOA code, or scheme/locality), name, then each measure under " +
							"the name of its column in placeplan summarise's CSV, such as imd_average_score or " +
							"imd_rank_of_average_score; null where the group has none",
						"additionalProperties": schema{"type": []string{"number", "null"}}}}}},
			params: []openAPIParameter{
				queryParam("geography", "small-area geography: lsoa11 (LSOA 2011) or lsoa21 (LSOA 2021); lsoa11 "+
					"when it is loaded", enumSchema("lsoa11", "lsoa21")),
				queryParam("by", "the groups: lad (districts), msoa or locality",
					schema{"type": "string", "enum": []string{"lad", "msoa", "locality"}, "default": "lad"}),
				queryParam("scheme", "by=locality, and required then: the locality scheme (see /api/v1/localities)",
					schema{"type": "string"})},
			status: []int{400, 404}},
		"/api/v1/session": {tag: "access", content: appJSON, status: []int{201, 401, 403, 409, 415},
			schema: schema{"type": "object", "required": []string{"signed_in", "mode", "methods", "roles"}, "properties": schema{
				"signed_in": schema{"type": "boolean"}, "user": schema{"type": "string"}, "role": enumSchema("viewer", "analyst", "approver", "admin"),
				"via": enumSchema("session", "token", "proxy", "local", "public"), "mode": enumSchema("sign-in", "local", "public"),
				"csrf_token": schema{"type": "string", "description": "send in " + csrfHeader + " with every write while signed in by cookie"},
				"methods":    schema{"type": "array", "items": schema{"type": "string"}}, "roles": schema{"type": "array", "items": schema{"type": "string"}}}},
			post: map[string]schema{appJSONType: {"type": "object", "required": []string{"name", "password"},
				"properties": schema{"name": schema{"type": "string"}, "password": schema{"type": "string"}}}}},
		"/auth/oidc/login": {tag: "access", status: []int{302, 404, 503},
			params: []openAPIParameter{queryParam("return", "a path on this server to come back to once signed in", schema{"type": "string"})}},
		"/auth/oidc/callback": {tag: "access", status: []int{303, 401, 403, 404},
			params: []openAPIParameter{queryParam("code", "the authorisation code", schema{"type": "string"}),
				queryParam("state", "the sign-in's state", schema{"type": "string"})}},
		"/api/v1/audit": {tag: "access", content: appJSON, status: []int{400}, schema: schema{"type": "array", "items": schema{"type": "object",
			"required": []string{"seq", "at", "actor", "action", "target", "detail", "remote"}}},
			tables: []string{"audit"},
			params: []openAPIParameter{queryParam("since", "from this day (2026-12-01) or RFC 3339 time on", schema{"type": "string"})}},
		"/api/v1/scenarios": {tag: "scenarios", content: appJSON, schema: jsonArray, status: []int{400, 409},
			params: []openAPIParameter{queryParam("all", "true: archived scenarios too", enumSchema("true", "false"))},
			post:   scenarioBody},
		"/api/v1/scenarios/:id": {tag: "scenarios", content: appJSON, schema: schema{"type": "object"}, status: []int{304, 400, 404, 409},
			params: []openAPIParameter{scenarioPath}, post: scenarioBody},
		"/api/v1/scenarios/:id/revisions": {tag: "scenarios", content: appJSON, schema: jsonArray, status: []int{404},
			params: []openAPIParameter{scenarioPath}},
		"/api/v1/scenarios/:id/revisions/:rev": {tag: "scenarios", content: appJSON, schema: schema{"type": "object"},
			status: []int{304, 400, 404}, params: []openAPIParameter{scenarioPath, revPath}},
		"/api/v1/scenarios/:id/revisions/:rev/approvals": {tag: "scenarios", content: appJSON, status: []int{201, 400, 404, 409},
			schema: schema{"type": "object", "required": []string{"revision", "committee", "meeting", "by", "at", "note"}},
			params: []openAPIParameter{scenarioPath, revPath},
			post: map[string]schema{appJSONType: {"type": "object", "required": []string{"committee", "meeting"}, "properties": schema{
				"committee": schema{"type": "string"}, "meeting": schema{"type": "string", "format": "date"}, "note": schema{"type": "string"}}}}},
		"/api/v1/scenarios/:id/revisions/:rev/:kind": {tag: "scenarios", content: appJSON, schema: schema{"type": "object"},
			status: []int{304, 400, 404}, params: []openAPIParameter{scenarioPath, revPath,
				pathParamDoc("kind", "the result", enumSchema("plan", "score"))}},
		"/api/v1/scenarios/:id/:file": {tag: "scenarios", content: "*/*", status: []int{202, 400, 404},
			params: []openAPIParameter{scenarioPath,
				pathParamDoc("file", "report.{format}: pdf, docx and html are the board paper; xlsx, csv (zipped), gpkg and geojson the analysts' files",
					enumSchema(reportFiles()...)),
				queryParam("compare", "a second scenario to set beside it as the alternative: id or id@revision", schema{"type": "string"})}},
		"/api/v1/layers/compare": {tag: "layers", content: geoJSONContentType, schema: geoJSON, status: []int{400, 404}, paged: true,
			params: []openAPIParameter{required(queryParam("ids", "two scenarios with plans, comma-separated: id or id@revision",
				schema{"type": "string"})), bbox}},
		"/api/v1/compare": {tag: "scenarios", content: appJSON, schema: schema{"type": "object"}, status: []int{400, 404},
			tables: wire.CompareTableNames(),
			params: []openAPIParameter{required(queryParam("ids", "two or more scenarios, comma-separated: id or id@revision",
				schema{"type": "string"}))}},
		"/api/v1/scores": {tag: "scenarios", content: appJSON, schema: scoreDoc, revisioned: true, tables: wire.ScoreTableNames(),
			params: []openAPIParameter{scenarioID, scoreAreas}, status: []int{400, 404}, post: scenarioBody,
			postParams: []openAPIParameter{scoreAreas}},
		"/api/v1/sites": {tag: "scenarios", content: appJSON, schema: schema{"type": "object"}, status: []int{400},
			post: map[string]schema{appJSONType: {"type": "object", "required": []string{"demand", "candidates", "model"},
				"properties": schema{
					"demand":     schema{"type": "array", "items": schema{"type": "object", "required": []string{"id", "lon", "lat", "weight"}}},
					"candidates": schema{"type": "array", "items": schema{"type": "object", "required": []string{"id", "lon", "lat"}}},
					"model":      enumSchema(modelNames()...),
					"p":          schema{"type": "integer", "minimum": 1}, "standard_km": schema{"type": "number"},
					"standard_min": schema{"type": "number"}, "circuity": schema{"type": "number", "minimum": 1},
					"speed_kmh": schema{"type": "number"}, "fixed": schema{"type": "array", "items": schema{"type": "string"}},
					"exclude": schema{"type": "array", "items": schema{"type": "string"}}, "target_share": schema{"type": "number"},
					"seed": schema{"type": "integer", "default": siting.DefaultSeed, "description": "recorded in the answer; the solvers are deterministic"},
				}}}},
		"/api/v1/plans": {tag: "scenarios", content: appJSON, schema: planDoc, revisioned: true, tables: wire.PlanTableNames(),
			params: []openAPIParameter{scenarioID, planAreas}, status: []int{400, 404}, post: scenarioBody,
			postParams: []openAPIParameter{planAreas}},

		"/ogc": {tag: "ogc", content: appJSON, schema: ref("LandingPage"),
			params: []openAPIParameter{f, metaCRS}, status: []int{400}},
		"/ogc/conformance": {tag: "ogc", content: appJSON, schema: ref("ConformanceDeclaration"),
			params: []openAPIParameter{f, metaCRS}, status: []int{400}},
		"/ogc/collections": {tag: "ogc", content: appJSON, schema: ref("Collections"), revisioned: true,
			params: []openAPIParameter{f, metaCRS}, status: []int{400}},
		"/ogc/collections/:collectionId": {tag: "ogc", content: appJSON, schema: ref("Collection"), revisioned: true,
			params: []openAPIParameter{collectionID, f, metaCRS}, status: []int{400, 404}},
		"/ogc/collections/:collectionId/items": {tag: "ogc", content: geoJSONContentType, contentCRS: true,
			schema: ref("FeatureCollection"), revisioned: true, status: []int{400, 404},
			params: []openAPIParameter{collectionID, ogcBBox, bboxCRS, ogcCRSParam, limit, offset, datetime, ogcGeography, layer,
				ogcFilter, ogcFilterLang, ogcSortBy, fFeatures}},
		"/ogc/api": {tag: "ogc", content: appJSON, schema: schema{"type": "object"}, revisioned: true,
			status: []int{400}, params: []openAPIParameter{f, metaCRS}},
		"/ogc/collections/:collectionId/queryables": {tag: "ogc", content: schemaJSONType, schema: schema{"type": "object"},
			revisioned: true, status: []int{400, 404}, params: []openAPIParameter{collectionID, ogcGeography, f, metaCRS}},
		"/ogc/collections/:collectionId/schema": {tag: "ogc", content: schemaJSONType, schema: schema{"type": "object"},
			revisioned: true, status: []int{400, 404}, params: []openAPIParameter{collectionID, ogcGeography, f, metaCRS}},
		"/ogc/collections/:collectionId/items/:featureId": {tag: "ogc", content: geoJSONContentType, contentCRS: true,
			schema: ref("Feature"), revisioned: true, status: []int{400, 404},
			params: []openAPIParameter{collectionID, pathParamDoc("featureId",
				"areas: area code; localities: locality id; sites: LAYER:ID; a scenario's areas: area code; its sites and catchments: site id",
				schema{"type": "string"}),
				ogcCRSParam, ogcGeography, fFeatures}},

		"/tiles/:layer/:z/:x/:y": {tag: "tiles", content: "application/vnd.mapbox-vector-tile", revisioned: true,
			status: []int{204, 400, 404}, params: []openAPIParameter{
				pathParamDoc("layer", "tile layer (catchments needs scenario)", enumSchema(tiles.LayerNames()...)),
				pathParamDoc("z", "zoom", schema{"type": "integer", "minimum": 0}),
				pathParamDoc("x", "tile column", schema{"type": "integer", "minimum": 0}),
				pathParamDoc("y", "tile row and extension, such as 1234.mvt", schema{"type": "string", "pattern": `^[0-9]+\.mvt$`}),
				geography, tileScenario, tileFields}},
		"/tiles/:layer": {tag: "tiles", content: appJSON, schema: schema{"type": "object"}, revisioned: true,
			status: []int{400, 404}, params: []openAPIParameter{
				pathParamDoc("layer", "TileJSON 3.0 of a tile layer", enumSchema(tileSetFiles()...)),
				geography, tileScenario}},
		"/tiles/style.json": {tag: "tiles", content: appJSON, schema: schema{"type": "object"}, revisioned: true,
			status: []int{400, 404}, params: []openAPIParameter{
				queryParam("field", "what the areas are coloured by: an indicator key (default imd_score, else the first loaded), "+
					"or need_score or need_share with a scenario (default need_score)", schema{"type": "string"}),
				breaksMethod, breaksClasses, geography,
				queryParam("scenario", "a scenario id or id@revision: colour the areas by its need", schema{"type": "string"})}},
		"/api/v1/breaks": {tag: "layers", content: appJSON, schema: schema{"type": "object"}, revisioned: true,
			status: []int{400, 404}, params: []openAPIParameter{
				queryParam("layer", "layer to classify (required without a scenario)", enumSchema("areas")),
				breaksField, breaksMethod, breaksClasses, geography,
				queryParam("scenario", "a scenario id or id@revision: classify its need (field need_score or need_share) "+
					"over every area it scores", schema{"type": "string"})},
			post: scenarioBody, postParams: []openAPIParameter{
				required(queryParam("field", "the draft's need to classify", enumSchema(scenario.FieldNeedScore, scenario.FieldNeedShare))),
				breaksMethod, breaksClasses}},
		"/metrics": {tag: "health", content: "text/plain"},

		"/": {tag: "web", content: "text/html", status: []int{304}},
		"/*": {tag: "web", content: "*/*", status: []int{304, 404},
			params: []openAPIParameter{pathParamDoc("path", "a file of the web map, such as assets/index-…js (content-hashed, cached for good)",
				schema{"type": "string"})}},
	}
}

// csvMediaType is the CSV media type in the document (csvContentType
// without its charset).
const csvMediaType = "text/csv"

// tableParams are the query parameters of a route that also gives CSV.
func tableParams(tables []string) []openAPIParameter {
	out := []openAPIParameter{
		queryParam("f", "response format: json (the default), or csv, as Accept: text/csv asks too", enumSchema("json", "csv")),
		queryParam("format", "the older name of f, kept for /api/v1/audit; f and format must agree", enumSchema("json", "csv")),
	}
	if len(tables) > 1 {
		out = append(out, queryParam("table", "with f=csv, the table to send (the command line's --table)",
			schema{"type": "string", "enum": tables, "default": tables[0]}))
	}
	return out
}

// layerPageParams are limit and offset of a paged GeoJSON layer.
func layerPageParams() []openAPIParameter {
	return []openAPIParameter{
		queryParam("limit", fmt.Sprintf("features per page (default %d); more than %d is served as %d. The collection's "+
			"numberMatched, numberReturned and next/prev links say when there are more", layerDefaultLimit, layerMaxLimit, layerMaxLimit),
			schema{"type": "integer", "minimum": 1, "maximum": layerMaxLimit, "default": layerDefaultLimit}),
		queryParam("offset", "features to skip, in the layer's order (the next and prev links carry it)",
			schema{"type": "integer", "minimum": 0, "default": 0}),
	}
}

// OpenAPI 3.1 wire types (the parts used).

// openAPIDocument is the root of an OpenAPI document.
type openAPIDocument struct {
	OpenAPI    string                                 `json:"openapi"`
	Info       openAPIInfo                            `json:"info"`
	Servers    []openAPIServer                        `json:"servers,omitempty"`
	Tags       []openAPITag                           `json:"tags"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"` // path → lower-case method → operation
	Components openAPIComponents                      `json:"components"`
}

// openAPIServer is where the document's paths are, relative to it.
type openAPIServer struct {
	URL string `json:"url"`
}

// openAPIInfo is the document's info object.
type openAPIInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

// openAPITag names a group of operations.
type openAPITag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// openAPIOperation is one method on one path. Role is the x-role
// extension: the role the route needs.
type openAPIOperation struct {
	Summary     string                     `json:"summary"`
	OperationID string                     `json:"operationId"`
	Tags        []string                   `json:"tags,omitempty"`
	Parameters  []openAPIParameter         `json:"parameters,omitempty"`
	RequestBody *openAPIRequestBody        `json:"requestBody,omitempty"`
	Responses   map[string]openAPIResponse `json:"responses"`
	// Security is who may call it: an API token or a session cookie, or
	// anyone (an empty list) for a public route.
	Security []map[string][]string `json:"security"`
	Role     string                `json:"x-role"`
}

// openAPIRequestBody is the body an operation takes.
type openAPIRequestBody struct {
	Description string                    `json:"description,omitempty"`
	Required    bool                      `json:"required"`
	Content     map[string]openAPIContent `json:"content"`
}

// openAPIParameter is a path, query or header parameter.
type openAPIParameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Schema      schema `json:"schema"`
	Style       string `json:"style,omitempty"`
	Explode     *bool  `json:"explode,omitempty"`
}

// openAPIResponse is one response of an operation.
type openAPIResponse struct {
	Description string                    `json:"description"`
	Headers     map[string]openAPIHeader  `json:"headers,omitempty"`
	Content     map[string]openAPIContent `json:"content,omitempty"`
}

// openAPIHeader is a response header.
type openAPIHeader struct {
	Description string `json:"description"`
	Schema      schema `json:"schema"`
}

// openAPIContent is a body's schema under one media type.
type openAPIContent struct {
	Schema schema `json:"schema,omitempty"`
}

// openAPIComponents holds the shared schemas.
type openAPIComponents struct {
	Schemas         map[string]schema `json:"schemas"`
	SecuritySchemes map[string]schema `json:"securitySchemes"`
}

// buildOpenAPI returns the OpenAPI document of routes, taking details
// from docs.
func buildOpenAPI(routes []Route, version string, docs map[string]routeDoc) openAPIDocument {
	if version == "" {
		version = "dev"
	}
	d := openAPIDocument{
		OpenAPI: "3.1.0",
		Info: openAPIInfo{Title: "placeplan", Version: version,
			Description: "Population-health site selection planner: the loaded small areas, indicators, " +
				"localities and sites as JSON and GeoJSON, and as OGC API – Features collections under /ogc. " +
				"Errors are RFC 9457 problem documents. x-role is the role each operation needs."},
		Tags: []openAPITag{
			{Name: "health", Description: "liveness, readiness and metrics"},
			{Name: "api", Description: "this document"},
			{Name: "data", Description: "the loaded data as JSON"},
			{Name: "layers", Description: "map layers as GeoJSON (WGS84, 6 decimals)"},
			{Name: "tiles", Description: "Mapbox Vector Tiles and TileJSON"},
			{Name: "scenarios", Description: "scenarios, their need rankings and rollout plans"},
			{Name: "ogc", Description: "OGC API – Features, Part 1: Core, GeoJSON"},
			{Name: "web", Description: "the web page"},
			{Name: "access", Description: "signing in and out, and the audit trail"},
		},
		Paths: map[string]map[string]openAPIOperation{},
		Components: openAPIComponents{Schemas: openAPISchemas(), SecuritySchemes: map[string]schema{
			"token": {"type": "http", "scheme": "bearer", "description": "an API token (placeplan token create): Authorization: Bearer pp_…; " +
				"a read token may only read"},
			"session": {"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "the cookie of a browser signed in " +
				"(POST /api/v1/session); every write also sends " + csrfHeader + " from GET /api/v1/session"},
		}},
	}
	for _, r := range routes {
		doc, ok := docs[r.Path]
		if !ok {
			doc = routeDoc{content: "*/*"}
			for _, name := range routeParams(r.Path) {
				doc.params = append(doc.params, pathParamDoc(name, "", schema{"type": "string"}))
			}
		}
		op := openAPIOperation{
			Summary:     r.Summary,
			OperationID: operationID(r),
			Parameters:  slices.Clone(doc.params),
			Responses:   map[string]openAPIResponse{},
			Role:        string(r.Role),
			Security:    []map[string][]string{},
		}
		if r.Role != RolePublic {
			op.Security = []map[string][]string{{"token": {}}, {"session": {}}}
			doc.status = append(slices.Clone(doc.status), http.StatusUnauthorized, http.StatusForbidden)
		}
		if doc.tag != "" {
			op.Tags = []string{doc.tag}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// Writes take the path's parameters only, a body (POST, PUT)
			// and If-Match (PUT, DELETE); they are not cached by revision.
			var path []openAPIParameter
			for _, p := range op.Parameters {
				if p.In == "path" {
					path = append(path, p)
				}
			}
			op.Parameters = path
			if r.Method == http.MethodPost {
				op.Parameters = append(op.Parameters, doc.postParams...)
			}
			if r.Method == http.MethodPost || r.Method == http.MethodPut {
				op.RequestBody = &openAPIRequestBody{Required: true, Content: map[string]openAPIContent{}}
				for mt, sch := range doc.post {
					op.RequestBody.Content[mt] = openAPIContent{Schema: sch}
				}
			}
			if r.Method == http.MethodPut || r.Method == http.MethodDelete {
				op.Parameters = append(op.Parameters, openAPIParameter{Name: "If-Match", In: "header", Required: true,
					Description: `the ETag of the revision the change starts from, such as "r3"`, Schema: schema{"type": "string"}})
				doc.status = append(slices.Clone(doc.status), http.StatusPreconditionFailed, http.StatusPreconditionRequired)
			}
			if r.Method == http.MethodDelete {
				doc.content, doc.schema = "", nil
				doc.status = append(doc.status, http.StatusNoContent)
			}
			doc.revisioned = false
		}
		ok200 := openAPIResponse{Description: r.Summary}
		if doc.content != "" {
			ok200.Content = map[string]openAPIContent{doc.content: {Schema: doc.schema}}
		}
		statuses := slices.Clone(doc.status)
		if doc.tables != nil && (r.Method == http.MethodGet || r.Method == http.MethodPost) {
			op.Parameters = append(op.Parameters, tableParams(doc.tables)...)
			ok200.Content[csvMediaType] = openAPIContent{Schema: schema{"type": "string",
				"description": "RFC 4180 CSV with a header row, as the command line prints it: '.' decimals, no thousands " +
					"separators, true/false, an empty cell where there is no value or small-number suppression withholds it; " +
					"sent as an attachment named after the table"}}
			statuses = append(statuses, http.StatusBadRequest, http.StatusNotAcceptable)
		}
		if doc.paged {
			op.Parameters = append(op.Parameters, layerPageParams()...)
			ok200.Headers = map[string]openAPIHeader{
				"X-Total-Count": {Description: "numberMatched: the features of the whole layer", Schema: schema{"type": "integer"}},
				"Link":          {Description: `RFC 8288 links to the next and previous pages (rel="next", rel="prev") where there are more`, Schema: schema{"type": "string"}},
			}
		}
		if doc.revisioned {
			if ok200.Headers == nil {
				ok200.Headers = map[string]openAPIHeader{}
			}
			ok200.Headers["ETag"] = openAPIHeader{Description: `the data revision, W/"rev-N"`, Schema: schema{"type": "string"}}
			op.Parameters = append(op.Parameters, openAPIParameter{Name: "If-None-Match", In: "header",
				Description: "an ETag from an earlier response: 304 while the data are unchanged",
				Schema:      schema{"type": "string"}})
			statuses = append(statuses, http.StatusNotModified)
		}
		if doc.contentCRS {
			if ok200.Headers == nil {
				ok200.Headers = map[string]openAPIHeader{}
			}
			ok200.Headers["Content-Crs"] = openAPIHeader{Description: "the CRS of the coordinates, <URI>",
				Schema: schema{"type": "string"}}
		}
		op.Responses["200"] = ok200
		for _, st := range statuses {
			resp := openAPIResponse{Description: http.StatusText(st)}
			if st >= 400 {
				resp.Content = map[string]openAPIContent{problemContentType: {Schema: ref("Problem")}}
			}
			op.Responses[strconv.Itoa(st)] = resp
		}
		op.Responses["default"] = openAPIResponse{Description: "an unexpected error",
			Content: map[string]openAPIContent{problemContentType: {Schema: ref("Problem")}}}

		p := openAPIPath(r.Path)
		if d.Paths[p] == nil {
			d.Paths[p] = map[string]openAPIOperation{}
		}
		d.Paths[p][strings.ToLower(r.Method)] = op
	}
	return d
}

// openAPIPath turns an echo path pattern into an OpenAPI path template:
// /areas/:code becomes /areas/{code}.
func openAPIPath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			segs[i] = "{" + name + "}"
		} else if s == "*" {
			segs[i] = "{" + wildcardParam + "}"
		}
	}
	return strings.Join(segs, "/")
}

// wildcardParam names an echo path's trailing * in the document.
const wildcardParam = "path"

// routeParams returns the names of an echo path's parameters.
func routeParams(path string) []string {
	var names []string
	for _, s := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			names = append(names, name)
		} else if s == "*" {
			names = append(names, wildcardParam)
		}
	}
	return names
}

// operationID names an operation after its method and path:
// GET /api/v1/areas/:geography/:code is getApiV1AreasGeographyCode.
func operationID(r Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, word := range strings.FieldsFunc(r.Path, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c)
	}) {
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	if r.Path == "/" {
		b.WriteString("Root")
	}
	if strings.HasSuffix(r.Path, "/*") {
		b.WriteString("Path")
	}
	return b.String()
}

// queryParam, pathParamDoc and required build parameters.
func queryParam(name, description string, s schema) openAPIParameter {
	return openAPIParameter{Name: name, In: "query", Description: description, Schema: s}
}

func pathParamDoc(name, description string, s schema) openAPIParameter {
	return openAPIParameter{Name: name, In: "path", Description: description, Required: true, Schema: s}
}

func required(p openAPIParameter) openAPIParameter {
	p.Required = true
	return p
}

// enumSchema is a string schema with the given values.
func enumSchema(values ...string) schema {
	return schema{"type": "string", "enum": values}
}

// modelNames are the names of the location models (siting.Models).
func modelNames() []string {
	var out []string
	for _, m := range siting.Models() {
		out = append(out, m.String())
	}
	return out
}

// ref refers to a schema of the components.
func ref(name string) schema {
	return schema{"$ref": "#/components/schemas/" + name}
}

// openAPISchemas are the shared schemas: the problem document and the
// OGC API – Features responses.
func openAPISchemas() map[string]schema {
	str := schema{"type": "string"}
	integer := schema{"type": "integer", "minimum": 0}
	links := schema{"type": "array", "items": ref("Link")}
	object := func(required []string, props schema) schema {
		o := schema{"type": "object", "properties": props}
		if len(required) > 0 { // OpenAPI 3.1: required is a non-empty array or absent
			o["required"] = required
		}
		return o
	}
	return map[string]schema{
		"Problem": object([]string{"type", "title", "status"}, schema{
			"type": str, "title": str, "status": schema{"type": "integer"}, "detail": str, "instance": str,
			"code":       schema{"type": "string", "description": "placeplan error code: invalid, not_found, …"},
			"request_id": schema{"type": "string", "description": "quote it when reporting a problem"},
			// A stale scenario revision (412) says what the change would overwrite.
			"current_revision": schema{"type": "integer", "description": "412 on a scenario: its current revision"},
			"changed_by":       schema{"type": "string", "description": "412 on a scenario: who saved the current revision"},
			"changed_at":       schema{"type": "string", "format": "date-time", "description": "412 on a scenario: when (RFC 3339, UTC)"},
			"note":             schema{"type": "string", "description": "412 on a scenario: their note"},
			"changes":          schema{"type": "string", "description": "412 on a scenario: what they changed"},
		}),
		"Health": object([]string{"status"}, schema{"status": str, "version": str}),
		"Link": object([]string{"href", "rel"}, schema{
			"href": schema{"type": "string", "format": "uri"}, "rel": str, "type": str, "title": str}),
		"LandingPage": object([]string{"links"}, schema{"title": str, "description": str, "links": links}),
		"ConformanceDeclaration": object([]string{"conformsTo"}, schema{
			"conformsTo": schema{"type": "array", "items": str}}),
		"Collection": object([]string{"id", "links"}, schema{
			"id": str, "title": str, "description": str, "links": links, "itemType": str,
			"crs": schema{"type": "array", "items": str}, "storageCrs": str,
			"extent": object(nil, schema{"spatial": object(nil, schema{
				"bbox": schema{"type": "array", "items": schema{"type": "array", "minItems": 4, "maxItems": 4,
					"items": schema{"type": "number"}}},
				"crs": str,
			})}),
		}),
		"Collections": object([]string{"links", "collections"}, schema{
			"links": links, "collections": schema{"type": "array", "items": ref("Collection")}}),
		"Feature": object([]string{"type", "geometry", "properties"}, schema{
			"type": enumSchema("Feature"), "id": schema{"type": []string{"string", "integer"}},
			"geometry": schema{"type": []string{"object", "null"}}, "properties": schema{"type": []string{"object", "null"}},
			"links": links,
		}),
		"FeatureCollection": object([]string{"type", "features"}, schema{
			"type": enumSchema("FeatureCollection"), "features": schema{"type": "array", "items": ref("Feature")},
			"links": links, "timeStamp": schema{"type": "string", "format": "date-time"},
			"numberMatched": integer, "numberReturned": integer,
		}),
		"GeoJSONFeatureCollection": object([]string{"type", "features"}, schema{
			"type": enumSchema("FeatureCollection"), "features": schema{"type": "array", "items": ref("Feature")},
			"numberMatched":  schema{"type": "integer", "description": "the features of the whole layer, every page"},
			"numberReturned": schema{"type": "integer", "description": "the features of this page; fewer than numberMatched when the layer was cut short"},
			"links": schema{"type": "array", "description": "self, and next and prev where there are more pages",
				"items": object([]string{"href", "rel"}, schema{"href": schema{"type": "string", "format": "uri"},
					"rel": schema{"type": "string"}, "type": schema{"type": "string"}, "title": schema{"type": "string"}})},
		}),
	}
}

// openAPICache holds the encoded document, built on first use (when the
// route table is complete) with its strong ETag.
type openAPICache struct {
	once sync.Once
	body []byte
	etag string
	err  error
}

// handleOpenAPI answers GET /api/openapi.json: this API's OpenAPI 3.1
// document. It is served as application/json, which every client reads
// (GDAL refuses the OpenAPI media type of version 3.1).
func (o *ogcState) handleOpenAPI(c echo.Context) error {
	cache := &o.openAPI
	cache.once.Do(func() {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		if cache.err = enc.Encode(buildOpenAPI(o.s.Routes(), o.s.cfg.Version, routeDocs())); cache.err != nil {
			return
		}
		sum := sha256.Sum256(buf.Bytes())
		cache.body, cache.etag = buf.Bytes(), `"`+hex.EncodeToString(sum[:12])+`"`
	})
	if cache.err != nil {
		return fmt.Errorf("encode openapi document: %w", cache.err)
	}
	if notModified(c, cache.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, cache.body)
}

// ogcOpenAPI returns the OpenAPI document of the OGC API alone, the
// landing page's service-desc: the /ogc routes of the whole document
// (full), under a server "/ogc" so that its paths are the standard's
// (/collections/{collectionId}/items), with a path of its own for each
// collection's items listing its queryables as parameters. GDAL (3.6 and
// later) finds its paths there: /collections/areas/items's parameters
// are the properties it sends as equality filters, filter-lang's enum
// (cql-text) says it may send CQL text, and limit's default and maximum
// are its page size from 3.9 on.
func ogcOpenAPI(full openAPIDocument, queryables map[string][]scenario.Queryable) openAPIDocument {
	d := full
	d.Info.Title = "placeplan – OGC API – Features"
	d.Info.Description = "Small areas, localities and sites as OGC API – Features collections (Parts 1, 2 and 3: " +
		"GeoJSON, CRS84 and EPSG:27700, queryables, CQL2 text filters). The paths are relative to /ogc; " +
		"/api/openapi.json describes the whole API."
	d.Servers = []openAPIServer{{URL: "/ogc"}}
	d.Paths = map[string]map[string]openAPIOperation{}
	for p, ops := range full.Paths {
		if rest, ok := strings.CutPrefix(p, "/ogc"); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
			if rest == "" {
				rest = "/"
			}
			d.Paths[rest] = ops
		}
	}
	items, ok := d.Paths["/collections/{collectionId}/items"]["get"]
	if !ok {
		return d
	}
	for id, qs := range queryables {
		op := items
		op.OperationID += strings.ToUpper(id[:1]) + id[1:]
		op.Parameters = nil
		have := map[string]bool{}
		for _, p := range items.Parameters {
			if p.Name != "collectionId" {
				op.Parameters = append(op.Parameters, p)
				have[p.Name] = true
			}
		}
		for _, q := range qs {
			if !have[q.Name] {
				op.Parameters = append(op.Parameters, queryParam(q.Name, "keep the features whose "+q.Name+
					" equals this: "+q.Description, schema{"type": q.Type}))
			}
		}
		d.Paths["/collections/"+id+"/items"] = map[string]openAPIOperation{"get": op}
	}
	return d
}
