package api

import (
	"fmt"
	"placeplan/scenario/tiles"
	"regexp"

	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

// decodedOpenAPI is the part of the OpenAPI document the tests read.
type decodedOpenAPI struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"info"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// getOpenAPI fetches and decodes /api/openapi.json.
func getOpenAPI(t *testing.T, h http.Handler) decodedOpenAPI {
	t.Helper()
	rec := get(t, h, "/api/openapi.json")
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("/api/openapi.json is not valid JSON")
	}
	var doc decodedOpenAPI
	decode(t, rec, http.StatusOK, "application/json", &doc)
	return doc
}

// TestOpenAPIDocumentsEveryRoute checks the document against the router:
// every registered route is documented with its method, path parameters
// and role, and every documented operation is a registered route. A route
// added without an entry in routeDocs fails here.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	srv, _ := newServer(t, Config{Version: "1.2.3"}, newStore(t))
	doc := getOpenAPI(t, srv.Handler())
	if doc.OpenAPI != "3.1.0" || doc.Info.Version != "1.2.3" || doc.Info.Title == "" {
		t.Errorf("openapi %q, info %+v; want 3.1.0 and version 1.2.3", doc.OpenAPI, doc.Info)
	}

	docs := routeDocs()
	registered := map[string]bool{} // "GET /api/v1/areas/{geography}/{code}"
	for _, r := range srv.Routes() {
		path := openAPIPath(r.Path)
		registered[r.Method+" "+path] = true
		if _, ok := docs[r.Path]; !ok {
			t.Errorf("%s %s has no entry in routeDocs (openapi.go): document its parameters and responses", r.Method, r.Path)
		}
		op, ok := doc.Paths[path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is not in the document as %s", r.Method, r.Path, path)
			continue
		}
		if op.Summary != r.Summary || op.Role != string(r.Role) || op.OperationID == "" {
			t.Errorf("%s %s: summary %q, x-role %q; want %q, %q", r.Method, path, op.Summary, op.Role, r.Summary, r.Role)
		}
		var inPath []string
		for _, p := range op.Parameters {
			if p.In == "path" {
				inPath = append(inPath, p.Name)
				if !p.Required {
					t.Errorf("%s %s: path parameter %s is not required", r.Method, path, p.Name)
				}
			}
			if p.Schema["type"] == nil && p.Schema["$ref"] == nil {
				t.Errorf("%s %s: parameter %s has no type", r.Method, path, p.Name)
			}
		}
		if want := routeParams(r.Path); !slices.Equal(inPath, want) {
			t.Errorf("%s %s: path parameters %v, the route has %v", r.Method, path, inPath, want)
		}
		if _, ok := op.Responses["200"]; !ok {
			t.Errorf("%s %s: no 200 response", r.Method, path)
		}
		for code, resp := range op.Responses {
			if code >= "400" && resp.Content[problemContentType].Schema["$ref"] != "#/components/schemas/Problem" {
				t.Errorf("%s %s: response %s is not a problem document", r.Method, path, code)
			}
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[strings.ToUpper(method)+" "+path] {
				t.Errorf("documented %s %s is not a registered route", strings.ToUpper(method), path)
			}
		}
	}
	routes := map[string]bool{}
	for _, r := range srv.Routes() {
		routes[r.Path] = true
	}
	for path := range docs {
		if !routes[path] {
			t.Errorf("routeDocs documents %s, which is not a route", path)
		}
	}

	// Every $ref names a schema that exists.
	raw := get(t, srv.Handler(), "/api/openapi.json").Body.String()
	for _, m := range strings.Split(raw, `"$ref": "#/components/schemas/`)[1:] {
		name, _, _ := strings.Cut(m, `"`)
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("$ref to missing schema %s", name)
		}
	}
}

// TestOpenAPIRevisioned checks that the data-derived routes, and only
// they, document the revision ETag and 304.
func TestOpenAPIRevisioned(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	doc := getOpenAPI(t, srv.Handler())
	docs := routeDocs()
	for _, r := range srv.routeTable() {
		d, ok := docs[r.Path]
		if !ok {
			continue // reported by TestOpenAPIDocumentsEveryRoute
		}
		if r.Method == http.MethodPost {
			d.revisioned = false // a POST is computed from its body (see buildOpenAPI)
		}
		if d.revisioned != r.revisioned {
			t.Errorf("%s %s: routeDocs says revisioned %v, the route table %v", r.Method, r.Path, d.revisioned, r.revisioned)
		}
		op := doc.Paths[openAPIPath(r.Path)][strings.ToLower(r.Method)]
		_, has304 := op.Responses["304"]
		_, etag := op.Responses["200"].Headers["ETag"]
		if r.revisioned && (!has304 || !etag) {
			t.Errorf("%s %s is revisioned but documents 304 %v, ETag %v", r.Method, r.Path, has304, etag)
		}
	}
}

// TestOpenAPIParameters spot-checks parameter details.
func TestOpenAPIParameters(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	doc := getOpenAPI(t, srv.Handler())
	param := func(path, name string) openAPIParameter {
		t.Helper()
		for _, p := range doc.Paths[path]["get"].Parameters {
			if p.Name == name {
				return p
			}
		}
		t.Fatalf("%s has no parameter %s", path, name)
		return openAPIParameter{}
	}
	enum := func(p openAPIParameter) []string {
		var out []string
		vs, _ := p.Schema["enum"].([]any)
		for _, v := range vs {
			out = append(out, v.(string))
		}
		sort.Strings(out)
		return out
	}
	if g := param("/api/v1/areas/{geography}/{code}", "geography"); g.In != "path" || !slices.Equal(enum(g), []string{"lsoa11", "lsoa21"}) {
		t.Errorf("geography: %+v", g)
	}
	if g := param("/api/v1/areas", "geography"); g.In != "query" || g.Required {
		t.Errorf("geography query parameter: %+v", g)
	}
	if l := param("/api/v1/layers/sites", "layer"); !l.Required {
		t.Errorf("layers/sites layer is not required")
	}
	items := "/ogc/collections/{collectionId}/items"
	if l := param(items, "limit"); l.Schema["type"] != "integer" || l.Schema["minimum"] != 1.0 ||
		l.Schema["maximum"] != float64(ogcMaxLimit) || l.Schema["default"] != float64(ogcDefaultLimit) {
		t.Errorf("limit: %+v", l.Schema)
	}
	if b := param(items, "bbox"); b.Schema["type"] != "array" || b.Style != "form" || b.Explode == nil || *b.Explode {
		t.Errorf("bbox: %+v", b)
	}
	c := param(items, "collectionId")
	pattern, err := regexp.Compile(fmt.Sprint(c.Schema["pattern"]))
	if err != nil {
		t.Fatalf("collectionId: %+v: %v", c, err)
	}
	for id, want := range map[string]bool{"areas": true, "localities": true, "sites": true, "shropshire-five-teams.areas": true,
		"shropshire-five-teams@2.catchments": true, "x.sites": true, "x.phases": false, "catchments": false, ".areas": false, "x@.sites": false} {
		if pattern.MatchString(id) != want {
			t.Errorf("collectionId pattern %s matches %q: %v", pattern, id, !want)
		}
	}
	op := doc.Paths[items]["get"]
	if _, ok := op.Responses["200"].Content[geoJSONContentType]; !ok {
		t.Errorf("items 200 is not GeoJSON: %+v", op.Responses["200"])
	}
	for _, code := range []string{"304", "400", "404"} {
		if _, ok := op.Responses[code]; !ok {
			t.Errorf("items does not document %s", code)
		}
	}
	tilePathTemplate := "/tiles/{layer}/{z}/{x}/{y}"
	if l := param(tilePathTemplate, "layer"); !slices.Equal(enum(l), slices.Sorted(slices.Values(tiles.LayerNames()))) {
		t.Errorf("tile layers %v, want %v", enum(l), tiles.LayerNames())
	}
	if f := param(tilePathTemplate, "fields"); f.In != "query" || f.Required || !strings.Contains(f.Description, "unknown name is a 400") {
		t.Errorf("tile fields parameter: %+v", f)
	}
	if op := doc.Paths["/ogc"]["get"]; op.Role != string(RoleViewer) {
		t.Errorf("/ogc x-role %q", op.Role)
	}
}

func TestOpenAPIServing(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	rec := get(t, h, "/api/openapi.json")
	tag := rec.Header().Get("ETag")
	if rec.Code != 200 || tag == "" || strings.HasPrefix(tag, "W/") {
		t.Fatalf("status %d, ETag %q; want 200 and a strong tag", rec.Code, tag)
	}
	if again := get(t, h, "/api/openapi.json", "If-None-Match", tag); again.Code != http.StatusNotModified {
		t.Errorf("revalidation answers %d", again.Code)
	}
	var doc decodedOpenAPI
	json.Unmarshal(rec.Body.Bytes(), &doc)
	if doc.Info.Version != "dev" {
		t.Errorf("info.version %q without Config.Version, want dev", doc.Info.Version)
	}
	if strings.Contains(rec.Body.String(), `\u0026`) {
		t.Error("the document escapes & as \\u0026")
	}
}

func TestOpenAPIPath(t *testing.T) {
	for _, tc := range []struct{ in, want, op string }{
		{"/", "/", "getRoot"},
		{"/healthz", "/healthz", "getHealthz"},
		{"/*", "/{path}", "getPath"},
		{"/api/v1/areas/:geography/:code", "/api/v1/areas/{geography}/{code}", "getApiV1AreasGeographyCode"},
		{"/ogc/collections/:collectionId/items", "/ogc/collections/{collectionId}/items", "getOgcCollectionsCollectionIdItems"},
		{"/api/openapi.json", "/api/openapi.json", "getApiOpenapiJson"},
	} {
		if got := openAPIPath(tc.in); got != tc.want {
			t.Errorf("openAPIPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := operationID(Route{Method: "GET", Path: tc.in}); got != tc.op {
			t.Errorf("operationID(%q) = %q, want %q", tc.in, got, tc.op)
		}
	}
}

// TestOpenAPIRequiredIsAlwaysAList: in a schema, "required" is a
// non-empty list of names or absent (JSON Schema 2020-12, which OpenAPI
// 3.1 uses); a parameter's or request body's is a boolean. The Collection schema's extent
// once had "required": null, which validators refuse.
func TestOpenAPIRequiredIsAlwaysAList(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	rec := get(t, srv.Handler(), "/api/openapi.json")
	var doc any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["required"]; ok {
				_, isBool := r.(bool)
				list, isList := r.([]any)
				if !(isBool && (x["in"] != nil || x["content"] != nil)) && !(isList && len(list) > 0) {
					t.Errorf("%s.required = %v", path, r)
				}
			}
			for k, c := range x {
				walk(path+"."+k, c)
			}
		case []any:
			for i, c := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), c)
			}
		}
	}
	walk("$", doc)
}
