package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/geo"
	"placeplan/internal/revcache"
	"placeplan/scenario"
)

// OGC API – Features, Part 1: Core, with the GeoJSON encoding
// (OGC 17-069r4), under /ogc. The collections are the map layers:
//
//   - areas: small areas with their indicator values, ids are area codes;
//   - localities: localities as the polygons of their member areas, ids
//     are the locality ids of /api/v1/localities;
//   - sites: the points of every point layer in one collection, ids are
//     "LAYER:ID" and the property "layer" names the layer.
//
// areas and localities serve one geography: the one layers default to
// (lsoa11 when both are loaded), or the one the extension parameter
// geography names. sites takes layer=NAME to keep one point layer.

// ogcDefaultLimit and ogcMaxLimit bound a page of items. A larger limit is
// served as ogcMaxLimit, as the standard requires, not refused. The
// default suits GIS clients (a page of 100 England LSOAs is about 200 kB,
// answered in 10–30 ms); both are in the OpenAPI document's limit schema,
// where GDAL 3.9 and later and QGIS read them.
const (
	ogcDefaultLimit = 100
	ogcMaxLimit     = 10000
)

// ogcSelectionsKept bounds the selections kept: a few clients paging
// through different queries at once.
const ogcSelectionsKept = 32

// The CRSs coordinates are served in (OGC API – Features, Part 2): WGS84
// longitude, latitude (the default and the storage CRS), and the British
// National Grid, easting, northing in metres.
const (
	crs84    = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	crs27700 = "http://www.opengis.net/def/crs/EPSG/0/27700"
)

// bngFactor rounds British National Grid coordinates to the centimetre.
const bngFactor = 100

// ogcCRS returns the URI of c as the OGC names it.
func ogcCRS(c geo.CRS) string {
	if c == geo.BNG {
		return crs27700
	}
	return crs84
}

// parseOGCCRS reads a crs or bbox-crs parameter: one of the two URIs,
// or a name geo.ParseCRS reads for the same CRS (EPSG:27700, CRS84). EPSG
// 4326 is refused: its axis order is latitude first, which is not served.
func parseOGCCRS(param, s string) (geo.CRS, error) {
	t := strings.TrimSpace(s)
	if u, ok := strings.CutPrefix(t, "["); ok { // a safe CURIE, [EPSG:27700]
		t = strings.TrimSuffix(u, "]")
	}
	c, err := geo.ParseCRS(t)
	if err == nil && (c == geo.BNG || strings.HasSuffix(strings.ToUpper(t), "CRS84")) {
		return c, nil
	}
	return geo.CRSUnknown, invalidf("%s %q: want %s (the default) or %s", param, s, crs84, crs27700)
}

// inCRS returns g, WGS84 rounded to 6 decimals, in c: itself for WGS84, a
// British National Grid copy rounded to the centimetre for BNG.
func inCRS(g orb.Geometry, c geo.CRS) orb.Geometry {
	if g == nil || c != geo.BNG {
		return g
	}
	return orb.Round(geo.ToBNG(g), bngFactor)
}

// setContentCRS says which CRS a response's coordinates are in (Part 2's
// Content-Crs header).
func setContentCRS(c echo.Context, crs geo.CRS) {
	c.Response().Header().Set("Content-Crs", "<"+ogcCRS(crs)+">")
}

// ogcConformsTo lists the conformance classes implemented. The OpenAPI
// class is not claimed: the OpenAPI document is version 3.1, and the
// published standard's class (oas30) requires 3.0.
func ogcConformsTo() []string {
	return []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
		"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	}
}

// ogcState is what the OGC and OpenAPI routes share: their collections,
// the collection extents cached per data revision, and the OpenAPI
// document built on first use.
type ogcState struct {
	s           *Server
	collections []*ogcCollection
	extents     extentCache
	openAPI     openAPICache
	// tables are the collections' tables, by collection and geography;
	// selections the rows that recent queries selected, in order, by
	// selectionKey, so that the pages of one query select once.
	tables     revcache.Cache[string, *ogcTable]
	scenarios  revcache.Cache[string, *ogcTable] // the scenario collections' tables, by collection key
	selections revcache.Cache[string, []int]
	api        revcache.Cache[string, []byte]                      // the OGC API's OpenAPI document, by the scenarios' digest
	held       revcache.Cache[string, map[placeplan.Geography]int] // one entry, key "": the geographies loaded
}

// ogcRoutes are the OGC API – Features routes under /ogc and the OpenAPI
// document.
func (s *Server) ogcRoutes() []route {
	o := &ogcState{s: s, selections: revcache.Cache[string, []int]{MaxEntries: ogcSelectionsKept},
		scenarios: revcache.Cache[string, *ogcTable]{MaxEntries: scenarioTablesKept},
		api:       revcache.Cache[string, []byte]{MaxEntries: 2}}
	o.collections = []*ogcCollection{o.areasCollection(), o.localitiesCollection(), o.sitesCollection()}
	get := func(path string, role Role, revisioned bool, h echo.HandlerFunc, summary string) route {
		return route{Route: Route{Method: http.MethodGet, Path: path, Role: role, Summary: summary},
			revisioned: revisioned, handler: h}
	}
	// The list of collections and the OGC API document name every stored
	// scenario's collections, so their ETag follows the registry too.
	listing := func(r route) route {
		r.listsScenarios = true
		return r
	}
	return []route{
		get("/api/openapi.json", RolePublic, false, o.handleOpenAPI, "the OpenAPI 3.1 definition of this API"),
		get("/ogc", RoleViewer, false, o.handleLanding, "OGC API – Features landing page"),
		get("/ogc/conformance", RoleViewer, false, o.handleConformance, "the OGC API conformance classes implemented"),
		listing(get("/ogc/api", RoleViewer, true, o.handleOGCAPI,
			"the OpenAPI 3.1 definition of the OGC API alone (paths relative to /ogc), with each collection's queryables")),
		listing(get("/ogc/collections", RoleViewer, true, o.handleCollections,
			"the feature collections: areas, localities and sites, and each stored scenario's results (ID.areas, ID.sites, ID.catchments)")),
		get("/ogc/collections/:collectionId", RoleViewer, true, o.handleCollection, "one feature collection"),
		get("/ogc/collections/:collectionId/items", RoleViewer, true, o.handleItems,
			"a collection's features, filtered by bbox, CQL2 text or property values, sorted by sortby, and paged by limit and offset"),
		get("/ogc/collections/:collectionId/items/:featureId", RoleViewer, true, o.handleFeature, "one feature"),
		get("/ogc/collections/:collectionId/queryables", RoleViewer, true, o.handleQueryables,
			"the properties a collection's filters, equality parameters and sortby may name (JSON Schema)"),
		get("/ogc/collections/:collectionId/schema", RoleViewer, true, o.handleSchema,
			"the JSON Schema of a collection's features (GeoJSON), with the type of each property"),
	}
}

// ogcCollection is one feature collection and how to read it.
type ogcCollection struct {
	id, title, description string
	// itemParams and featureParams are the extension query parameters
	// its items and single features accept beside the standard ones.
	itemParams, featureParams []string
	// geographic says the collection has a geography (the geography
	// parameter): areas and localities.
	geographic bool
	// build returns the collection's table for geography geog ("" unless
	// geographic); ogcState.table caches it per data revision.
	build func(ctx context.Context, geog placeplan.Geography) (*ogcTable, error)
	// geometries returns the WGS84 geometries, rounded to 6 decimals, of
	// a page's rows of t, aligned with rows (nil for none).
	geometries func(ctx context.Context, t *ogcTable, rows []int) ([]orb.Geometry, error)
	// check, when set, checks the collection's extension parameters.
	check func(ctx context.Context, q ogcQuery) error
	// feature returns one feature, or an ENOTFOUND error.
	feature func(ctx context.Context, q ogcQuery, id string) (ogcFeature, error)
	// extent returns the bound of every feature (WGS84), nil when there
	// are none; extentOf, when set, names the collection whose extent,
	// kept per data revision, it is (a scenario's: the data's).
	extent   func(ctx context.Context) (*orb.Bound, error)
	extentOf string
	// key names the collection in the caches (its id when empty): a
	// scenario collection's names the scenario revision it resolved to.
	key string
	// queryables, when set, are its table's queryables, known without
	// building it.
	queryables []scenario.Queryable
}

// cacheKey names col in the caches.
func (col *ogcCollection) cacheKey() string {
	if col.key != "" {
		return col.key
	}
	return col.id
}

// ogcQuery is a parsed items or feature request.
type ogcQuery struct {
	bbox *orb.Bound // WGS84; nil: everywhere
	// filter keeps the features whose properties match (nil: all), and
	// sortBy orders them (nil: the collection's order); filterKey names
	// both, for the kept selections.
	filter    *scenario.Filter
	sortBy    []scenario.SortKey
	filterKey string
	crs       geo.CRS // of the coordinates served: WGS84 or BNG
	limit     int
	offset    int
	extra     url.Values // the collection's extension parameters
}

// Wire models of OGC API – Features.

// ogcLink is a link of OGC API – Features (OGC API – Common link schema).
type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// ogcLandingResponse is the landing page.
type ogcLandingResponse struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Links       []ogcLink `json:"links"`
}

// ogcConformanceResponse is the conformance declaration.
type ogcConformanceResponse struct {
	ConformsTo []string `json:"conformsTo"`
}

// ogcCollectionsResponse lists the collections.
type ogcCollectionsResponse struct {
	Links       []ogcLink               `json:"links"`
	Collections []ogcCollectionResponse `json:"collections"`
}

// ogcCollectionResponse describes one collection. Extent is left out
// while the collection is empty.
type ogcCollectionResponse struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Links       []ogcLink  `json:"links"`
	Extent      *ogcExtent `json:"extent,omitempty"`
	ItemType    string     `json:"itemType"`
	CRS         []string   `json:"crs"`
	StorageCRS  string     `json:"storageCrs"`
}

// ogcExtent is a collection's extent: space only, the data have no time.
type ogcExtent struct {
	Spatial ogcSpatialExtent `json:"spatial"`
}

// ogcSpatialExtent is one bounding box, minLon, minLat, maxLon, maxLat.
type ogcSpatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

// ogcFeature is a GeoJSON Feature; Links only on a single feature.
type ogcFeature struct {
	Type       string             `json:"type"`
	ID         any                `json:"id"`
	Geometry   *geojson.Geometry  `json:"geometry"`
	Properties geojson.Properties `json:"properties"`
	Links      []ogcLink          `json:"links,omitempty"`
}

// newOGCFeature returns a feature of geometry g, whose coordinates the
// caller has rounded.
func newOGCFeature(id any, g orb.Geometry, props geojson.Properties) ogcFeature {
	return ogcFeature{Type: "Feature", ID: id, Geometry: geojson.NewGeometry(g), Properties: props}
}

// ogcFeatureCollection is one page of items.
type ogcFeatureCollection struct {
	Type           string            `json:"type"`
	Features       []json.RawMessage `json:"features"`
	Links          []ogcLink         `json:"links"`
	TimeStamp      string            `json:"timeStamp"`
	NumberMatched  int               `json:"numberMatched"`
	NumberReturned int               `json:"numberReturned"`
}

// handleLanding answers GET /ogc: the landing page.
func (o *ogcState) handleLanding(c echo.Context) error {
	if err := checkMetadataQuery(c.QueryParams()); err != nil {
		return err
	}
	base := baseURL(c)
	return c.JSON(http.StatusOK, ogcLandingResponse{
		Title:       "placeplan",
		Description: "Small areas, localities and sites of placeplan as OGC API – Features collections",
		Links: []ogcLink{
			{Href: base + "/ogc", Rel: "self", Type: echo.MIMEApplicationJSON, Title: "this document"},
			{Href: base + "/ogc/api", Rel: "service-desc", Type: echo.MIMEApplicationJSON,
				Title: "the API definition (OpenAPI 3.1)"},
			{Href: base + "/ogc/conformance", Rel: "conformance", Type: echo.MIMEApplicationJSON,
				Title: "the conformance classes implemented"},
			{Href: base + "/ogc/collections", Rel: "data", Type: echo.MIMEApplicationJSON,
				Title: "the feature collections"},
		},
	})
}

// handleOGCAPI answers GET /ogc/api: the OGC API's own OpenAPI document
// (ogcOpenAPI), built once per data revision since the queryables of
// areas are the indicators loaded.
func (o *ogcState) handleOGCAPI(c echo.Context) error {
	if err := checkMetadataQuery(c.QueryParams()); err != nil {
		return err
	}
	ctx := c.Request().Context()
	rev, err := o.s.store.Revision(ctx)
	if err != nil {
		return err
	}
	scenarios, digest, err := o.scenarioCollections(ctx)
	if err != nil {
		return err
	}
	body, _, err := o.api.Get(ctx, digest, rev, func(ctx context.Context) ([]byte, error) {
		qs := map[string][]scenario.Queryable{}
		for _, col := range append(slices.Clip(o.collections), scenarios...) {
			if col.queryables != nil {
				qs[col.id] = col.queryables
				continue
			}
			t, err := o.table(ctx, col, ogcQuery{})
			if err != nil {
				return nil, err
			}
			qs[col.id] = t.queryables
		}
		doc := ogcOpenAPI(buildOpenAPI(o.s.Routes(), o.s.cfg.Version, routeDocs()), qs)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("encode the ogc openapi document: %w", err)
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}

// handleConformance answers GET /ogc/conformance.
func (o *ogcState) handleConformance(c echo.Context) error {
	if err := checkMetadataQuery(c.QueryParams()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ogcConformanceResponse{ConformsTo: ogcConformsTo()})
}

// handleCollections answers GET /ogc/collections.
func (o *ogcState) handleCollections(c echo.Context) error {
	if err := checkMetadataQuery(c.QueryParams()); err != nil {
		return err
	}
	base := baseURL(c)
	out := ogcCollectionsResponse{
		Links:       []ogcLink{{Href: base + "/ogc/collections", Rel: "self", Type: echo.MIMEApplicationJSON, Title: "this document"}},
		Collections: []ogcCollectionResponse{},
	}
	scenarios, _, err := o.scenarioCollections(c.Request().Context())
	if err != nil {
		return err
	}
	for _, col := range append(slices.Clip(o.collections), scenarios...) {
		r, err := o.describe(c.Request().Context(), base, col, "collection")
		if err != nil {
			return err
		}
		out.Collections = append(out.Collections, r)
	}
	return c.JSON(http.StatusOK, out)
}

// handleCollection answers GET /ogc/collections/{collectionId}.
func (o *ogcState) handleCollection(c echo.Context) error {
	col, err := o.collection(c)
	if err != nil {
		return err
	}
	if err := checkMetadataQuery(c.QueryParams()); err != nil {
		return err
	}
	r, err := o.describe(c.Request().Context(), baseURL(c), col, "self")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// describe returns a collection's metadata. Its first link, of relation
// rel, is the collection itself: "self" alone, "collection" in the list.
func (o *ogcState) describe(ctx context.Context, base string, col *ogcCollection, rel string) (ogcCollectionResponse, error) {
	href := base + "/ogc/collections/" + url.PathEscape(col.id)
	r := ogcCollectionResponse{
		ID: col.id, Title: col.title, Description: col.description, ItemType: "feature",
		CRS: []string{crs84, crs27700}, StorageCRS: crs84,
		Links: []ogcLink{
			{Href: href, Rel: rel, Type: echo.MIMEApplicationJSON, Title: col.title},
			{Href: href + "/items", Rel: "items", Type: geoJSONContentType, Title: col.title + " as GeoJSON"},
			{Href: href + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: schemaJSONType,
				Title: "the properties filters may name"},
			// GDAL (3.6 on) takes a layer's fields from a JSON Schema of its
			// features linked so, rather than from its first page, where a
			// property the first features lack would be lost.
			{Href: href + "/schema", Rel: "describedBy", Type: schemaJSONType, Title: "the JSON Schema of its features"},
		},
	}
	rev, err := o.s.store.Revision(ctx)
	if err != nil {
		return r, err
	}
	extentKey := col.id
	if col.extentOf != "" {
		extentKey = col.extentOf
	}
	b, err := o.extents.get(extentKey, rev, func() (*orb.Bound, error) { return col.extent(ctx) })
	if err != nil {
		return r, err
	}
	if b != nil {
		// Rounded outwards, so that the box still holds every feature.
		r.Extent = &ogcExtent{Spatial: ogcSpatialExtent{CRS: crs84, BBox: [][4]float64{{
			floorCoord(b.Min[0]), floorCoord(b.Min[1]), ceilCoord(b.Max[0]), ceilCoord(b.Max[1])}}}}
	}
	return r, nil
}

// handleItems answers GET /ogc/collections/{collectionId}/items: one page
// of features with links to the next and previous pages.
func (o *ogcState) handleItems(c echo.Context) error {
	col, err := o.collection(c)
	if err != nil {
		return err
	}
	params := c.QueryParams()
	ctx := c.Request().Context()
	// The table first: its queryables are parameters too.
	t, err := o.table(ctx, col, ogcQuery{extra: pick(params, col.itemParams)})
	if err != nil {
		return err
	}
	allowed := append([]string{"bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "filter", "filter-lang", "sortby"},
		col.itemParams...)
	for _, qb := range t.queryables {
		allowed = append(allowed, qb.Name)
	}
	if err := checkQuery(params, true, allowed...); err != nil {
		return err
	}
	q, err := parseItemsQuery(params, col.itemParams)
	if err != nil {
		return err
	}
	if err := parseFilterQuery(params, t.queryables, &q); err != nil {
		return err
	}
	feats, matched, err := o.items(ctx, col, t, q)
	if err != nil {
		return err
	}

	base := baseURL(c)
	collHref := base + "/ogc/collections/" + url.PathEscape(col.id)
	page := func(offset int) string {
		v := url.Values{}
		for k, vs := range params {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(q.limit))
		v.Set("offset", strconv.Itoa(offset))
		return collHref + "/items?" + v.Encode()
	}
	links := []ogcLink{
		{Href: base + c.Request().URL.RequestURI(), Rel: "self", Type: geoJSONContentType, Title: "this page"},
		{Href: collHref, Rel: "collection", Type: echo.MIMEApplicationJSON, Title: col.title},
	}
	if next := q.offset + len(feats); len(feats) > 0 && next < matched {
		links = append(links, ogcLink{Href: page(next), Rel: "next", Type: geoJSONContentType, Title: "the next page"})
	}
	if q.offset > 0 {
		links = append(links, ogcLink{Href: page(max(0, q.offset-q.limit)), Rel: "prev", Type: geoJSONContentType,
			Title: "the previous page"})
	}
	setContentCRS(c, q.crs)
	return writeJSONAs(c, geoJSONContentType, ogcFeatureCollection{
		Type:           "FeatureCollection",
		Features:       feats,
		Links:          links,
		TimeStamp:      time.Now().UTC().Format(time.RFC3339),
		NumberMatched:  matched,
		NumberReturned: len(feats),
	})
}

// items returns the page of features q selects from col, with the number
// that match in all pages.
func (o *ogcState) items(ctx context.Context, col *ogcCollection, t *ogcTable, q ogcQuery) ([]json.RawMessage, int, error) {
	if col.check != nil {
		if err := col.check(ctx, q); err != nil {
			return nil, 0, err
		}
	}
	rows, err := o.selection(ctx, col, t, q)
	if err != nil {
		return nil, 0, err
	}
	page := pageOf(rows, q.offset, q.limit)
	feats, err := o.encoded(ctx, col, t, page, q.crs)
	return feats, len(rows), err
}

// encoded returns the features of rows of t as GeoJSON in crs. CRS84
// features are encoded once per data revision and kept in t, so that a
// client reading a collection page by page (GDAL 3.6 asks for 10 at a
// time) costs the server a copy per page, not a read and an encoding;
// British National Grid ones are encoded per request.
func (o *ogcState) encoded(ctx context.Context, col *ogcCollection, t *ogcTable, rows []int, crs geo.CRS) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(rows)) // "features": [], not null
	var missing []int                         // indices into rows
	t.mu.Lock()
	for i, r := range rows {
		if crs == geo.WGS84 && t.encoded[r] != nil {
			out[i] = t.encoded[r]
		} else {
			missing = append(missing, i)
		}
	}
	t.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	load := make([]int, len(missing))
	for j, i := range missing {
		load[j] = rows[i]
	}
	geoms, err := col.geometries(ctx, t, load)
	if err != nil {
		return nil, err
	}
	for j, i := range missing {
		r := rows[i]
		b, err := json.Marshal(ogcFeature{Type: "Feature", ID: t.ids[r], Properties: t.props[r],
			Geometry: wireGeometry(inCRS(geoms[j], crs))})
		if err != nil {
			return nil, fmt.Errorf("encode feature %v of %s: %w", t.ids[r], col.id, err)
		}
		out[i] = b
	}
	if crs == geo.WGS84 {
		t.mu.Lock()
		for _, i := range missing {
			t.encoded[rows[i]] = out[i]
		}
		t.mu.Unlock()
	}
	return out, nil
}

// wireGeometry returns g as GeoJSON, nil for none.
func wireGeometry(g orb.Geometry) *geojson.Geometry {
	if g == nil {
		return nil
	}
	return geojson.NewGeometry(g)
}

// selection returns the rows of t that q selects, in order: every row
// without a condition, else the rows kept for the same query at this
// revision, else found now (scenario.SelectRows) and kept.
func (o *ogcState) selection(ctx context.Context, col *ogcCollection, t *ogcTable, q ogcQuery) ([]int, error) {
	if q.bbox == nil && q.filter == nil && len(q.sortBy) == 0 {
		return t.all, nil
	}
	rev, err := o.s.store.Revision(ctx)
	if err != nil {
		return nil, err
	}
	key := selectionKey(col.cacheKey(), t.geog, q)
	rows, _, err := o.selections.Get(ctx, key, rev, func(context.Context) ([]int, error) {
		var keep func(int) bool
		if q.bbox != nil {
			keep = func(i int) bool { return t.meets(i, *q.bbox) }
		}
		props := func(i int) scenario.Props { return t.props[i] }
		return scenario.SelectRows(len(t.ids), props, keep, q.filter, q.sortBy), nil
	})
	return rows, err
}

// selectionKey names the selection of q in col: every condition on which
// features and in what order, none of paging or encoding.
func selectionKey(col string, geog placeplan.Geography, q ogcQuery) string {
	var b strings.Builder
	b.WriteString(col + "\x00" + string(geog))
	if q.bbox != nil {
		fmt.Fprintf(&b, "\x00bbox=%v", *q.bbox)
	}
	b.WriteString("\x00" + q.filterKey)
	return b.String()
}

// parseFilterQuery parses an items request's filter (CQL2 text; filter-
// lang cql2-text, or cql-text as GDAL before 3.7 sends), its equality
// filters on queryable properties (lad_code=E06000051; layer on sites)
// and sortby (+name,-imd_score) into q.
func parseFilterQuery(params url.Values, qs []scenario.Queryable, q *ogcQuery) error {
	var filters []*scenario.Filter
	var key strings.Builder
	for _, qb := range qs {
		for _, v := range params[qb.Name] {
			f, err := scenario.EqualityFilter(qb.Name, v, qs)
			if err != nil {
				return err
			}
			filters = append(filters, f)
			fmt.Fprintf(&key, "%q=%q&", qb.Name, v)
		}
	}
	if params.Has("filter-lang") {
		if lang := params.Get("filter-lang"); lang != "cql2-text" && lang != "cql-text" {
			return invalidf("filter-lang %q: want cql2-text (the default)", lang)
		}
		if !params.Has("filter") {
			return invalidf("filter-lang without filter: filter-lang says the language of filter")
		}
	}
	if params.Has("filter") {
		text := params.Get("filter")
		f, err := scenario.ParseFilter(text, qs)
		if err != nil {
			return err
		}
		filters = append(filters, f)
		fmt.Fprintf(&key, "filter=%q&", text)
	}
	if params.Has("sortby") {
		keys, err := scenario.ParseSortBy(params.Get("sortby"), qs)
		if err != nil {
			return err
		}
		q.sortBy = keys
		fmt.Fprintf(&key, "sortby=%v", keys)
	}
	q.filter = scenario.And(filters...)
	q.filterKey = key.String()
	return nil
}

// schemaJSONType is the media type of a JSON Schema.
const schemaJSONType = "application/schema+json"

// ogcQueryablesResponse is a collection's queryables: a JSON Schema of
// the properties filters may name (OGC API – Features, Part 3).
type ogcQueryablesResponse struct {
	Schema     string                      `json:"$schema"`
	ID         string                      `json:"$id"`
	Type       string                      `json:"type"`
	Title      string                      `json:"title"`
	Properties map[string]ogcQueryableType `json:"properties"`
	Additional bool                        `json:"additionalProperties"`
}

// ogcQueryableType is one queryable's schema.
type ogcQueryableType struct {
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// handleQueryables answers GET /ogc/collections/{collectionId}/queryables.
func (o *ogcState) handleQueryables(c echo.Context) error {
	col, qs, err := o.queryablesOf(c)
	if err != nil {
		return err
	}
	out := ogcQueryablesResponse{Schema: "https://json-schema.org/draft/2020-12/schema",
		ID:   baseURL(c) + "/ogc/collections/" + url.PathEscape(col.id) + "/queryables",
		Type: "object", Title: col.title, Properties: ogcPropertyTypes(qs)}
	return writeJSONAs(c, schemaJSONType, out)
}

// ogcFeatureSchema is the JSON Schema of a collection's features: GeoJSON
// Features whose properties have the types of its queryables (and perhaps
// others, such as "suppressed"); a property may be absent, where a value
// is withheld or unknown.
type ogcFeatureSchema struct {
	Schema     string   `json:"$schema"`
	ID         string   `json:"$id"`
	Type       string   `json:"type"`
	Title      string   `json:"title"`
	Required   []string `json:"required"`
	Properties struct {
		Type       map[string]any `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties struct {
			Type       string                      `json:"type"`
			Properties map[string]ogcQueryableType `json:"properties"`
		} `json:"properties"`
	} `json:"properties"`
}

// handleSchema answers GET /ogc/collections/{collectionId}/schema: the
// collection's features' schema, the describedBy link from which GDAL
// takes a layer's fields and their types.
func (o *ogcState) handleSchema(c echo.Context) error {
	col, qs, err := o.queryablesOf(c)
	if err != nil {
		return err
	}
	out := ogcFeatureSchema{Schema: "https://json-schema.org/draft/2020-12/schema",
		ID:   baseURL(c) + "/ogc/collections/" + url.PathEscape(col.id) + "/schema",
		Type: "object", Title: col.title, Required: []string{"type", "geometry", "properties"}}
	out.Properties.Type = map[string]any{"type": "string", "enum": []string{"Feature"}}
	out.Properties.Geometry = map[string]any{"type": []string{"object", "null"}, "description": "GeoJSON geometry"}
	out.Properties.Properties.Type = "object"
	out.Properties.Properties.Properties = ogcPropertyTypes(qs)
	return writeJSONAs(c, schemaJSONType, out)
}

// queryablesOf checks a queryables or schema request and returns its
// collection with the collection's queryables.
func (o *ogcState) queryablesOf(c echo.Context) (*ogcCollection, []scenario.Queryable, error) {
	col, err := o.collection(c)
	if err != nil {
		return nil, nil, err
	}
	params := c.QueryParams()
	if err := checkQuery(params, false, append([]string{"crs"}, col.featureParams...)...); err != nil {
		return nil, nil, err
	}
	if params.Has("crs") { // as on the other metadata routes
		if _, err := parseOGCCRS("crs", params.Get("crs")); err != nil {
			return nil, nil, err
		}
	}
	if col.queryables != nil {
		return col, col.queryables, nil
	}
	t, err := o.table(c.Request().Context(), col, ogcQuery{extra: pick(params, col.featureParams)})
	if err != nil {
		return nil, nil, err
	}
	return col, t.queryables, nil
}

// ogcPropertyTypes returns the JSON Schema of each queryable, by name.
func ogcPropertyTypes(qs []scenario.Queryable) map[string]ogcQueryableType {
	out := make(map[string]ogcQueryableType, len(qs))
	for _, q := range qs {
		out[q.Name] = ogcQueryableType{Type: q.Type, Description: q.Description}
	}
	return out
}

// handleFeature answers GET /ogc/collections/{collectionId}/items/{featureId}.
func (o *ogcState) handleFeature(c echo.Context) error {
	col, err := o.collection(c)
	if err != nil {
		return err
	}
	id, err := pathParam(c, "featureId")
	if err != nil {
		return err
	}
	params := c.QueryParams()
	if err := checkQuery(params, true, append([]string{"crs"}, col.featureParams...)...); err != nil {
		return err
	}
	q := ogcQuery{extra: pick(params, col.featureParams), crs: geo.WGS84}
	if params.Has("crs") {
		if q.crs, err = parseOGCCRS("crs", params.Get("crs")); err != nil {
			return err
		}
	}
	f, err := col.feature(c.Request().Context(), q, id)
	if err != nil {
		return err
	}
	if f.Geometry != nil {
		f.Geometry = wireGeometry(inCRS(f.Geometry.Geometry(), q.crs))
	}
	setContentCRS(c, q.crs)
	base := baseURL(c)
	collHref := base + "/ogc/collections/" + url.PathEscape(col.id)
	f.Links = []ogcLink{
		{Href: base + c.Request().URL.RequestURI(), Rel: "self", Type: geoJSONContentType, Title: "this feature"},
		{Href: collHref, Rel: "collection", Type: echo.MIMEApplicationJSON, Title: col.title},
	}
	return writeJSONAs(c, geoJSONContentType, f)
}

// collection returns the collection the path names.
func (o *ogcState) collection(c echo.Context) (*ogcCollection, error) {
	id, err := pathParam(c, "collectionId")
	if err != nil {
		return nil, err
	}
	for _, col := range o.collections {
		if col.id == id {
			return col, nil
		}
	}
	if col, ok, err := o.scenarioCollection(c.Request().Context(), id); ok {
		return col, err
	}
	return nil, notFoundf("no collection %q: the collections are areas, localities and sites, "+
		"and a scenario's ID.areas, ID.sites and ID.catchments (ID or ID@REVISION)", id)
}

// checkQuery rejects a query parameter that is neither f nor one of
// allowed, since OGC API – Features answers unknown parameters with 400
// (/req/core/query-param-unknown), and an f other than json (or geojson,
// for features).
func checkQuery(q url.Values, features bool, allowed ...string) error {
	for _, k := range sortedKeys(q) {
		if k == "f" || slices.Contains(allowed, k) {
			continue
		}
		if len(allowed) == 0 {
			return invalidf("unknown query parameter %q: only f is accepted here", k)
		}
		return invalidf("unknown query parameter %q: want f or %s", k, strings.Join(allowed, ", "))
	}
	if !q.Has("f") {
		return nil
	}
	switch f := q.Get("f"); {
	case f == "json", features && f == "geojson":
		return nil
	case features:
		return invalidf("f: unsupported format %q: want json or geojson", f)
	default:
		return invalidf("f: unsupported format %q: want json", f)
	}
}

// checkMetadataQuery checks the query of a metadata route (landing page,
// conformance, collections): f, and crs, which is checked and otherwise
// ignored, since GDAL before 3.7, given crs in the dataset's URL, sends
// it with every request.
func checkMetadataQuery(q url.Values) error {
	if err := checkQuery(q, false, "crs"); err != nil {
		return err
	}
	if q.Has("crs") {
		_, err := parseOGCCRS("crs", q.Get("crs"))
		return err
	}
	return nil
}

// parseItemsQuery parses an items request's bbox, limit, offset and
// datetime, and keeps the collection's extension parameters.
func parseItemsQuery(q url.Values, extra []string) (ogcQuery, error) {
	out := ogcQuery{limit: ogcDefaultLimit, extra: pick(q, extra), crs: geo.WGS84}
	var err error
	if q.Has("crs") {
		if out.crs, err = parseOGCCRS("crs", q.Get("crs")); err != nil {
			return out, err
		}
	}
	bboxCRS := geo.WGS84
	if q.Has("bbox-crs") {
		if bboxCRS, err = parseOGCCRS("bbox-crs", q.Get("bbox-crs")); err != nil {
			return out, err
		}
		if !q.Has("bbox") {
			return out, invalidf("bbox-crs without bbox: bbox-crs says the CRS of bbox")
		}
	}
	if bboxCRS == geo.BNG {
		out.bbox, err = parseBNGBBox(q.Get("bbox"))
	} else {
		out.bbox, err = parseOGCBBox(q.Get("bbox"))
	}
	if err != nil {
		return out, err
	}
	if out.limit, out.offset, err = parsePage(q, ogcDefaultLimit, ogcMaxLimit); err != nil {
		return out, err
	}
	if q.Has("datetime") {
		// No feature has a time, so every feature matches a valid
		// datetime (/req/core/fc-time-response C).
		if err := checkDatetime(q.Get("datetime")); err != nil {
			return out, err
		}
	}
	return out, nil
}

// parseOGCBBox parses an OGC bbox: four numbers, or six with heights,
// which are ignored (the data are flat). It returns nil for "".
func parseOGCBBox(s string) (*orb.Bound, error) {
	if parts := strings.Split(s, ","); len(parts) == 6 {
		for _, i := range []int{2, 5} {
			if _, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64); err != nil {
				return nil, invalidf("bbox: height %q is not a number", parts[i])
			}
		}
		s = strings.Join([]string{parts[0], parts[1], parts[3], parts[4]}, ",")
	}
	return parseBBox(s)
}

// parseBNGBBox parses a bbox in British National Grid metres, minE,minN,
// maxE,maxN (or six numbers with heights, ignored), and returns the WGS84
// bound of the box's outline.
func parseBNGBBox(s string) (*orb.Bound, error) {
	if parts := strings.Split(s, ","); len(parts) == 6 {
		s = strings.Join([]string{parts[0], parts[1], parts[3], parts[4]}, ",")
	}
	v, err := bboxNumbers(s, [4]string{"minEasting", "minNorthing", "maxEasting", "maxNorthing"}, " (bbox-crs EPSG:27700)")
	if err != nil {
		return nil, err
	}
	if v[0] > v[2] || v[1] > v[3] {
		return nil, invalidf("bbox: the minimum %g,%g is not below the maximum %g,%g", v[0], v[1], v[2], v[3])
	}
	g, err := geo.ToWGS84(orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, geo.BNG)
	if err != nil {
		return nil, invalidf("bbox: %g,%g,%g,%g is not on the British National Grid (bbox-crs EPSG:27700)", v[0], v[1], v[2], v[3])
	}
	b := g.Bound()
	return &b, nil
}

// checkDatetime checks a datetime parameter: an RFC 3339 date-time or an
// interval of two, either end open ("" or "..").
func checkDatetime(s string) error {
	ends := strings.Split(s, "/")
	if len(ends) > 2 {
		return invalidf("datetime %q: want a date-time or an interval start/end", s)
	}
	open := 0
	for _, e := range ends {
		if len(ends) == 2 && (e == "" || e == "..") {
			open++
			continue
		}
		if _, err := time.Parse(time.RFC3339, e); err != nil {
			return invalidf("datetime %q: %q is not an RFC 3339 date-time such as 2025-01-31T00:00:00Z", s, e)
		}
	}
	if open == 2 {
		return invalidf("datetime %q: an interval needs at least one end", s)
	}
	return nil
}

// pick returns the values of q named in keys.
func pick(q url.Values, keys []string) url.Values {
	out := url.Values{}
	for _, k := range keys {
		if q.Has(k) {
			out[k] = q[k]
		}
	}
	return out
}

// pathParam returns a path parameter decoded. echo leaves parameters
// percent-encoded when the request path carries an escape that changes
// its meaning, such as %2F.
func pathParam(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", invalidf("%s %q: bad percent-encoding", name, v)
	}
	return u, nil
}

// baseURL returns the scheme and host the client used, for absolute links
// (clients such as GDAL follow them as they are): https behind TLS or as
// an X-Forwarded-Proto of http or https says, as for TileJSON.
func baseURL(c echo.Context) string {
	req := c.Request()
	scheme := "http"
	if req.TLS != nil {
		scheme = "https"
	} else if p := strings.ToLower(req.Header.Get(echo.HeaderXForwardedProto)); p == "http" || p == "https" {
		scheme = p
	}
	host := req.Host
	if host == "" || strings.ContainsAny(host, "/?#@\\ ") {
		host = "localhost" // HTTP/1.0 without Host, or a Host no URL can hold
	}
	return scheme + "://" + host
}

// writeJSONAs sends v as JSON under the media type ctype.
func writeJSONAs(c echo.Context, ctype string, v any) error {
	c.Response().Header().Set(echo.HeaderContentType, ctype)
	return c.JSON(http.StatusOK, v)
}

// pageOf returns the page of items from offset, at most limit long.
func pageOf[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return nil
	}
	return items[offset:min(len(items), offset+limit)]
}
