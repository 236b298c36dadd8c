package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/frontend"
)

func TestHealthz(t *testing.T) {
	for _, tc := range []struct {
		name, version, want string
	}{
		{"no version", "", `{"status":"ok"}`},
		{"with version", "1.2.3", `{"status":"ok","version":"1.2.3"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, Config{Version: tc.version}, newStore(t))
			rec := get(t, srv.Handler(), "/healthz")
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d", rec.Code)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != tc.want {
				t.Errorf("body = %s, want %s", got, tc.want)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestReadyz(t *testing.T) {
	store := newStore(t)
	srv, logs := newServer(t, Config{}, store)
	if rec := get(t, srv.Handler(), "/readyz"); rec.Code != http.StatusOK {
		t.Fatalf("open store: status = %d, want 200; body: %s", rec.Code, rec.Body)
	}

	store.Close()
	rec := get(t, srv.Handler(), "/readyz")
	p := decodeProblem(t, rec, http.StatusServiceUnavailable)
	if p.Detail != "the data store does not answer" {
		t.Errorf("detail = %q", p.Detail)
	}
	if strings.Contains(rec.Body.String(), "closed") {
		t.Errorf("problem leaks the store error: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("store error not logged; log:\n%s", logs)
	}
}

// TestEmptyStore checks every data route on a store with nothing ingested.
func TestEmptyStore(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	for _, path := range []string{"/api/v1/datasets", "/api/v1/areas", "/api/v1/localities", "/api/v1/layers",
		"/api/v1/areas?geography=lsoa21&lad=E06000051"} {
		t.Run(path, func(t *testing.T) {
			var got []any
			decode(t, get(t, h, path), http.StatusOK, "application/json", &got)
			if got == nil || len(got) != 0 {
				t.Errorf("got %v, want an empty array", got)
			}
		})
	}
	for _, path := range []string{"/api/v1/layers/areas", "/api/v1/layers/areas?geography=lsoa21&bbox=-3,52,-2,53",
		"/api/v1/layers/localities", "/api/v1/layers/localities?geography=lsoa11"} {
		t.Run(path, func(t *testing.T) {
			rec := get(t, h, path)
			body := rec.Body.String()
			fc := decodeFC(t, rec)
			if len(fc.Features) != 0 {
				t.Errorf("%d features, want 0", len(fc.Features))
			}
			if !strings.Contains(body, `"features":[]`) {
				t.Errorf("features is not an empty array: %s", body)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	srv, logs := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	for _, tc := range []struct {
		name, method, path string
		status             int
		code, detail       string // detail: a substring the detail must contain
	}{
		{"unknown page", "GET", "/nope", 404, "not_found", "nothing at /nope"},
		{"unknown api route", "GET", "/api/v1/nope", 404, "not_found", "nothing at /api/v1/nope"},
		{"unknown geography", "GET", "/api/v1/areas?geography=lsoa01", 400, "invalid", `unknown geography "lsoa01"`},
		{"unknown geography in locality list", "GET", "/api/v1/localities?geography=msoa", 400, "invalid", `unknown geography "msoa"`},
		{"unknown area", "GET", "/api/v1/areas/lsoa11/E01999999", 404, "not_found", `no LSOA 2011 area "E01999999"`},
		{"profile with unknown geography", "GET", "/api/v1/areas/oa/E00000001", 400, "invalid", `unknown geography "oa"`},
		{"bbox with 3 numbers", "GET", "/api/v1/layers/areas?bbox=1,2,3", 400, "invalid", "bbox: want 4 numbers minLon,minLat,maxLon,maxLat, got 3"},
		{"bbox not a number", "GET", "/api/v1/layers/areas?bbox=west,52,-2,53", 400, "invalid", `bbox: minLon "west" is not a number`},
		{"bbox NaN", "GET", "/api/v1/layers/areas?bbox=-3,NaN,-2,53", 400, "invalid", `bbox: minLat "NaN" is not a number`},
		{"bbox inverted", "GET", "/api/v1/layers/areas?bbox=-2,52,-3,53", 400, "invalid", "bbox: minLon -2 is greater than maxLon -3"},
		{"bbox latitude out of range", "GET", "/api/v1/layers/areas?bbox=-3,52,-2,95", 400, "invalid", "bbox: maxLat 95 is outside -90..90"},
		{"unknown field on empty store", "GET", "/api/v1/layers/areas?fields=imd_decile", 400, "invalid", `unknown field "imd_decile"`},
		{"areas layer with unknown geography", "GET", "/api/v1/layers/areas?geography=lsoa", 400, "invalid", `unknown geography "lsoa"`},
		{"localities layer with unknown geography", "GET", "/api/v1/layers/localities?geography=x", 400, "invalid", `unknown geography "x"`},
		{"sites without layer", "GET", "/api/v1/layers/sites", 400, "invalid", "missing layer"},
		{"unknown point layer", "GET", "/api/v1/layers/sites?layer=nope", 404, "not_found", `no point layer "nope"`},
		{"method not allowed", "POST", "/api/v1/datasets", 405, "unsupported", "POST is not allowed on /api/v1/datasets; allowed: "},
		{"missing asset", "GET", "/missing.js", 404, "not_found", "nothing at /missing.js"},
		{"asset path escaping", "GET", "/..%2fgo.mod", 404, "not_found", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path)
			p := decodeProblem(t, rec, tc.status)
			if p.Code != tc.code {
				t.Errorf("code = %q, want %q", p.Code, tc.code)
			}
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tc.detail)
			}
			if wantPath, _, _ := strings.Cut(tc.path, "?"); p.Instance != strings.ReplaceAll(wantPath, "%2f", "/") {
				t.Errorf("instance = %q, want %q", p.Instance, wantPath)
			}
			if tc.status == http.StatusMethodNotAllowed && !strings.Contains(rec.Header().Get("Allow"), "GET") {
				t.Errorf("Allow = %q, want it to list GET", rec.Header().Get("Allow"))
			}
		})
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("client errors logged as errors:\n%s", logs)
	}
}

func TestStatusOf(t *testing.T) {
	for code, want := range map[string]int{
		placeplan.EINVALID:      400,
		placeplan.ENOTFOUND:     404,
		placeplan.ECONFLICT:     409,
		placeplan.EPRECONDITION: 412,
		placeplan.EUNSUPPORTED:  422,
		placeplan.EBUSY:         503,
		placeplan.ESTORAGE:      503,
		placeplan.EUNAUTHORIZED: 401,
		placeplan.EFORBIDDEN:    403,
		placeplan.EINTERNAL:     500,
		"something new":         500,
	} {
		if got := statusOf(code); got != want {
			t.Errorf("statusOf(%q) = %d, want %d", code, got, want)
		}
	}
}

// TestProblemExtensions: an error's Details become extension members
// beside the problem's own, which they never replace, in name order and
// without HTML escaping; without details the document is as before.
func TestProblemExtensions(t *testing.T) {
	p := problem{Type: "about:blank", Title: "Precondition Failed", Status: 412, Detail: "stale", Code: "precondition",
		Extensions: map[string]any{"changed_by": "a & b", "current_revision": 3, "status": 200, "code": "x"}}
	b, err := marshalNoEscape(p) // as the server's JSON serializer writes it
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"about:blank","title":"Precondition Failed","status":412,"detail":"stale","code":"precondition","changed_by":"a & b","current_revision":3}`
	if string(b) != want {
		t.Errorf("problem with extensions:\n%s\nwant\n%s", b, want)
	}
	p.Extensions = nil
	if b, _ := marshalNoEscape(p); string(b) != `{"type":"about:blank","title":"Precondition Failed","status":412,"detail":"stale","code":"precondition"}` {
		t.Errorf("problem without extensions: %s", b)
	}
}

// failingStore is a real store whose Datasets fails with a message that
// must never reach a client, and whose revision the test sets.
type failingStore struct {
	Store
	revision int64
}

func (s *failingStore) Datasets(context.Context) ([]placeplan.Dataset, error) {
	return nil, errors.New("disk on fire at /srv/secret/path")
}

func (s *failingStore) Revision(context.Context) (int64, error) { return s.revision, nil }

func TestInternalErrorIsLoggedOnceAndNotShown(t *testing.T) {
	srv, logs := newServer(t, Config{}, &failingStore{Store: newStore(t)})
	rec := get(t, srv.Handler(), "/api/v1/datasets")
	p := decodeProblem(t, rec, http.StatusInternalServerError)
	if p.Code != placeplan.EINTERNAL {
		t.Errorf("code = %q, want internal", p.Code)
	}
	if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "fire") {
		t.Errorf("internal detail leaked: %s", rec.Body)
	}
	if !strings.Contains(p.Detail, p.RequestID) {
		t.Errorf("detail %q does not quote the request id %q", p.Detail, p.RequestID)
	}
	if n := strings.Count(logs.String(), "disk on fire"); n != 1 {
		t.Errorf("internal error logged %d times, want once; log:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("access log does not record status 500:\n%s", logs)
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	srv, logs := newServer(t, Config{}, newStore(t))
	srv.echo.GET("/boom", func(c echo.Context) error { panic("kaboom") })
	rec := get(t, srv.Handler(), "/boom")
	decodeProblem(t, rec, http.StatusInternalServerError)
	if strings.Contains(rec.Body.String(), "kaboom") {
		t.Errorf("panic value leaked: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "kaboom") {
		t.Errorf("panic not logged:\n%s", logs)
	}
}

func TestRevisionETag(t *testing.T) {
	store := &failingStore{Store: newStore(t), revision: 3}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	const tag = `W/"rev-3"`
	for _, path := range []string{"/api/v1/layers", "/api/v1/areas", "/api/v1/localities",
		"/api/v1/layers/areas", "/api/v1/layers/localities"} {
		t.Run(path, func(t *testing.T) {
			rec := get(t, h, path)
			if rec.Code != 200 || rec.Header().Get("ETag") != tag || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Fatalf("status %d, ETag %q, Cache-Control %q; want 200, %s, no-cache",
					rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"), tag)
			}
			for _, tc := range []struct {
				ifNoneMatch string
				want        int
			}{
				{tag, 304},
				{`"rev-3"`, 304}, // weak comparison
				{`W/"rev-2", W/"rev-3"`, 304},
				{"*", 304},
				{`W/"rev-2"`, 200},
			} {
				rec := get(t, h, path, "If-None-Match", tc.ifNoneMatch)
				if rec.Code != tc.want {
					t.Errorf("If-None-Match %s: status %d, want %d", tc.ifNoneMatch, rec.Code, tc.want)
				}
				if rec.Code == 304 && (rec.Body.Len() != 0 || rec.Header().Get("ETag") != tag) {
					t.Errorf("304 with body %q and ETag %q", rec.Body, rec.Header().Get("ETag"))
				}
			}
		})
	}

	// An ingest bumps the revision: the old tag no longer matches.
	store.revision = 4
	rec := get(t, h, "/api/v1/layers", "If-None-Match", tag)
	if rec.Code != 200 || rec.Header().Get("ETag") != `W/"rev-4"` {
		t.Errorf("after a new revision: status %d, ETag %q; want 200, W/\"rev-4\"", rec.Code, rec.Header().Get("ETag"))
	}
	// Health checks are not data-derived.
	if tag := get(t, h, "/healthz").Header().Get("ETag"); tag != "" {
		t.Errorf("/healthz has ETag %s", tag)
	}
}

// builtFrontend writes a small stand-in for the web map's build into a
// directory: index.html and a content-hashed script under assets/.
func builtFrontend(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	page := `<!doctype html><html lang="en-GB"><head><script type="module" src="./assets/index-abc123.js"></script></head><body><div id="app"></div></body></html>`
	script := strings.Repeat("console.log('placeplan');\n", 200) // over the gzip threshold
	for name, body := range map[string]string{"index.html": page, "assets/index-abc123.js": script, "assets/index-abc123.css": "body{margin:0}"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLandingPage(t *testing.T) {
	dir := builtFrontend(t)
	srv, _ := newServer(t, Config{FrontendDir: dir}, newStore(t))
	h := srv.Handler()
	for _, tc := range []struct {
		path, file, contentType, cache string
	}{
		{"/", "index.html", "text/html; charset=utf-8", "no-cache"},
		{"/index.html", "index.html", "text/html; charset=utf-8", "no-cache"},
		{"/assets/index-abc123.js", "assets/index-abc123.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/assets/index-abc123.css", "assets/index-abc123.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := get(t, h, tc.path)
			if rec.Code != 200 {
				t.Fatalf("status = %d; body: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tc.contentType)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", cc, tc.cache)
			}
			want, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("body differs from %s", tc.file)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self';", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %s", csp, want)
				}
			}
			tag := rec.Header().Get("ETag")
			if again := get(t, h, tc.path, "If-None-Match", tag); tag == "" || again.Code != 304 {
				t.Errorf("ETag %q: revalidation status %d, want 304", tag, again.Code)
			}
		})
	}
	for _, path := range []string{"/assets/missing.js", "/assets", "/../etc/passwd", "/assets/../index.html/x"} {
		if rec := get(t, h, path); rec.Code != 404 {
			t.Errorf("%s: status %d, want 404", path, rec.Code)
		}
	}
	// API paths that do not exist are still problems, not the page.
	if p := decodeProblem(t, get(t, h, "/api/v1/nothing"), 404); p.Code == "" {
		t.Errorf("unknown API path: problem without a code")
	}
}

func TestPageCSP(t *testing.T) {
	for _, tc := range []struct {
		basemap   string
		want, not []string
	}{
		{"", []string{"connect-src 'self';", "img-src 'self' data: blob:;"}, []string{"https:"}},
		{"https://tiles.example.org/style.json", []string{"connect-src 'self' https:;", "img-src 'self' data: blob: https:;"}, nil},
		{"http://maps.council.internal:8081/style.json", []string{"connect-src 'self' https: http://maps.council.internal:8081;"}, nil},
	} {
		csp := pageCSP(tc.basemap)
		for _, w := range tc.want {
			if !strings.Contains(csp, w) {
				t.Errorf("basemap %q: CSP %q lacks %q", tc.basemap, csp, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(csp, n) {
				t.Errorf("basemap %q: CSP %q has %q", tc.basemap, csp, n)
			}
		}
		if !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("basemap %q: scripts not limited to the server: %q", tc.basemap, csp)
		}
	}
}

// TestEmbeddedFrontend checks the page the binary embeds: the built web
// map when make built it, else the page saying how to build it.
func TestEmbeddedFrontend(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	rec := get(t, srv.Handler(), "/")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	page := rec.Body.String()
	if frontend.Built() {
		if !strings.Contains(page, `<div id="app">`) || !strings.Contains(page, "./assets/") {
			t.Errorf("the built page lacks the app's root or its assets:\n%s", page)
		}
	} else if !strings.Contains(page, "make run") {
		t.Errorf("the fallback page does not say how to build the map:\n%s", page)
	}
}

// TestFrontendIsOffline guards the page's HTML and styles against loading
// anything from another host: the machine it runs on may be offline. (The
// bundled libraries mention URLs in strings and comments; the browser test
// fails on any request that leaves the machine.)
func TestFrontendIsOffline(t *testing.T) {
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//`)
	err := fs.WalkDir(frontend.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".css")) {
			return err
		}
		b, err := fs.ReadFile(frontend.FS(), path)
		if err != nil {
			return err
		}
		if m := external.Find(b); m != nil {
			t.Errorf("%s refers to another host: %s", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFrontendDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>dev</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, Config{FrontendDir: dir}, newStore(t))
	if body := get(t, srv.Handler(), "/").Body.String(); body != "<p>dev</p>" {
		t.Errorf("body = %q, want the file on disk", body)
	}
}

func TestRequestID(t *testing.T) {
	srv, logs := newServer(t, Config{}, newStore(t))
	h := srv.Handler()

	rec := get(t, h, "/healthz", "X-Request-ID", "abc-123")
	if got := rec.Header().Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the client's abc-123", got)
	}
	if !strings.Contains(logs.String(), `"request_id":"abc-123"`) {
		t.Errorf("access log lacks the request id:\n%s", logs)
	}
	for _, bad := range []string{"", "has space", strings.Repeat("x", 129), "line\x01break"} {
		rec := get(t, h, "/healthz", "X-Request-ID", bad)
		got := rec.Header().Get("X-Request-ID")
		if got == "" || got == bad {
			t.Errorf("client id %q: X-Request-ID = %q, want a fresh one", bad, got)
		}
	}
	a, b := get(t, h, "/healthz").Header().Get("X-Request-ID"), get(t, h, "/healthz").Header().Get("X-Request-ID")
	if a == b {
		t.Errorf("two requests share the id %q", a)
	}
}

func TestGzip(t *testing.T) {
	dir := builtFrontend(t)
	srv, _ := newServer(t, Config{FrontendDir: dir}, newStore(t))
	h := srv.Handler()
	const script = "/assets/index-abc123.js"
	want, _ := os.ReadFile(filepath.Join(dir, script))

	rec := get(t, h, script, "Accept-Encoding", "gzip, deflate")
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("%s (%d bytes) not compressed; headers %v", script, len(want), rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("decompressed body differs (err %v)", err)
	}
	if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary = %q", rec.Header().Get("Vary"))
	}

	for _, tc := range []struct{ name, path, accept string }{
		{"small body", "/healthz", "gzip"},
		{"gzip refused", script, "gzip;q=0, identity"},
		{"no Accept-Encoding", script, ""},
	} {
		rec := get(t, h, tc.path, "Accept-Encoding", tc.accept)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: status %d, Content-Encoding %q; want 200 uncompressed", tc.name, rec.Code, rec.Header().Get("Content-Encoding"))
		}
	}
	tag := rec.Header().Get("ETag")
	if rec := get(t, h, script, "Accept-Encoding", "gzip", "If-None-Match", tag); rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("gzip + If-None-Match: status %d, body %d bytes; want 304, empty", rec.Code, rec.Body.Len())
	}
	if p := decodeProblem(t, get(t, h, "/api/v1/areas?geography=x", "Accept-Encoding", "gzip"), 400); p.Code != "invalid" {
		t.Errorf("problem through gzip: code %q", p.Code)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                  false,
		"gzip":              true,
		"GZIP":              true,
		"deflate, gzip":     true,
		"gzip;q=0.5":        true,
		"gzip; q=0":         false,
		"gzip;q=0.000":      false,
		"br, identity":      false,
		"x-gzip-ish, br":    false,
		"deflate;q=1, gzip": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

func TestRoutesHaveRoles(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	routes := srv.Routes()
	if len(routes) == 0 {
		t.Fatal("no routes")
	}
	for _, r := range routes {
		// Data is for viewers; health, the web page, the API description
		// and metrics are public.
		want := RolePublic
		switch {
		case r.Path == "/api/v1/session": // signing in is for everyone, out for anyone signed in
			if r.Method == http.MethodDelete {
				want = RoleViewer
			}
		case r.Path == "/api/v1/audit":
			want = RoleAdmin
		case strings.HasSuffix(r.Path, "/approvals"):
			want = RoleApprover
		case r.Method != http.MethodGet:
			want = RoleAnalyst // runs an analysis or changes a scenario
		case r.Path == "/api/openapi.json":
		case strings.HasPrefix(r.Path, "/api/"), r.Path == "/ogc", strings.HasPrefix(r.Path, "/ogc/"), strings.HasPrefix(r.Path, "/tiles/"):
			want = RoleViewer
		}
		if r.Role != want {
			t.Errorf("%s %s: role %q, want %q", r.Method, r.Path, r.Role, want)
		}
		if r.Summary == "" {
			t.Errorf("%s %s has no summary", r.Method, r.Path)
		}
	}
}

func TestStartURLShutdown(t *testing.T) {
	srv, _ := newServer(t, Config{Addr: "127.0.0.1:0"}, newStore(t))
	if u := srv.URL(); u != "" {
		t.Errorf("URL before Start = %q, want empty", u)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown before Start: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	u := srv.URL()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(u) {
		t.Fatalf("URL = %q", u)
	}
	if err := srv.Start(); placeplan.ErrorCode(err) != placeplan.ECONFLICT {
		t.Errorf("second Start: %v, want a conflict", err)
	}

	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(u + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Errorf("GET /healthz: %d %s", res.StatusCode, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	client.CloseIdleConnections()
	if _, err := client.Get(u + "/healthz"); err == nil {
		t.Error("server still answers after Shutdown")
	}
}

func TestURLWildcardAddress(t *testing.T) {
	srv, _ := newServer(t, Config{Addr: "0.0.0.0:0"}, newStore(t))
	if err := srv.Start(); err != nil {
		t.Skipf("cannot listen on 0.0.0.0: %v", err)
	}
	defer srv.Shutdown(context.Background())
	if u := srv.URL(); !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want http://127.0.0.1:PORT", u)
	}
}

func TestConfigDefaults(t *testing.T) {
	got := Config{WriteTimeout: time.Second}.withDefaults()
	want := Config{Addr: DefaultAddr, ReadTimeout: DefaultReadTimeout, WriteTimeout: time.Second, IdleTimeout: DefaultIdleTimeout,
		TileCacheBytes: DefaultTileCacheBytes, AnalysisQueue: DefaultAnalysisQueue, MaxAnalyses: runtime.GOMAXPROCS(0),
		AnalysisTimeout: DefaultAnalysisTimeout, MemoryBudgetBytes: DefaultMemoryBudgetBytes}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("withDefaults = %+v, want %+v", got, want)
	}
	// A small budget makes a smaller tile cache and smaller analyses.
	small := Config{MemoryBudgetBytes: 512 << 20, MaxAnalyses: 2}.withDefaults()
	if small.TileCacheBytes != 64<<20 {
		t.Errorf("tile cache under a 512 MiB budget: %d bytes, want 64 MiB", small.TileCacheBytes)
	}
	if pol := analysisPolicy(small); pol.MaxPairs != 128<<20/64 || pol.MaxDrawCells != 25_000_000 {
		t.Errorf("analysis bounds under a 512 MiB budget, 2 at once: %+v; want 2,097,152 pairs (128 MiB each) and the default 25,000,000 cells", pol)
	}
	if pol := analysisPolicy(Config{MemoryBudgetBytes: 128 << 20, MaxAnalyses: 2}.withDefaults()); pol.MaxPairs != 524_288 || pol.MaxDrawCells != 8_388_608 {
		t.Errorf("analysis bounds under a 128 MiB budget, 2 at once: %+v; want 524,288 pairs and 8,388,608 cells (32 MiB each)", pol)
	}
	if def := analysisPolicy(Config{MaxAnalyses: 1}.withDefaults()); def.MaxPairs != 16_777_216 || def.MaxDrawCells != 25_000_000 {
		t.Errorf("analysis bounds under the default budget, 1 at once: %+v; want 16,777,216 pairs (1 GiB) and the default 25,000,000 cells", def)
	}
}

// TestHeadWhereverGet: every GET route answers HEAD (RFC 9110) with the
// status and headers GET gives and no body, over a real connection (the
// server discards the body); with real paths and the table's filled
// ones. Every problem has a code, the router's 405 and 404 included.
func TestHeadWhereverGet(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	urls := []string{"/healthz", "/api/v1/datasets", "/api/v1/areas/lsoa11/E01028826", "/api/v1/layers/areas?geography=lsoa11&lad=E06000051",
		"/tiles/areas.json", "/tiles/districts/7/63/42.mvt", "/ogc/collections/areas/items?limit=5", "/api/openapi.json", "/"}
	for _, r := range srv.Routes() {
		if r.Method == http.MethodGet {
			urls = append(urls, fillPath(r.Path))
		}
	}
	for _, u := range urls {
		g, err := http.Get(ts.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := io.ReadAll(g.Body)
		g.Body.Close()
		h, err := http.Head(ts.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		hb, _ := io.ReadAll(h.Body)
		h.Body.Close()
		if h.StatusCode != g.StatusCode || len(hb) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes; GET: %d", u, h.StatusCode, len(hb), g.StatusCode)
			continue
		}
		for _, name := range []string{"Content-Type", "ETag", "Cache-Control"} {
			if h.Header.Get(name) != g.Header.Get(name) {
				t.Errorf("HEAD %s: %s %q, GET's %q", u, name, h.Header.Get(name), g.Header.Get(name))
			}
		}
		if g.StatusCode >= 400 && strings.Contains(g.Header.Get("Content-Type"), "problem") && !strings.Contains(string(gb), `"code":"`) {
			t.Errorf("GET %s: a problem without a code: %s", u, gb)
		}
	}
	for _, tc := range []struct{ method, url, code string }{
		{http.MethodPost, "/api/v1/datasets", "unsupported"}, {http.MethodGet, "/api/v2/nothing", "not_found"},
		{http.MethodPut, "/api/v1/scenarios/shropshire-need", "precondition"}, // 428: no If-Match
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.url, strings.NewReader("placeplan_scenario: 1\nname: x\n"))
		req.Header.Set("Content-Type", "application/yaml")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `"code":"`+tc.code+`"`) {
			t.Errorf("%s %s: %d %s; want code %s", tc.method, tc.url, resp.StatusCode, b, tc.code)
		}
	}
}
