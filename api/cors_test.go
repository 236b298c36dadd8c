package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// corsHeaders returns the Access-Control-* headers of a response.
func corsHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = strings.Join(v, ", ")
		}
	}
	return out
}

// varies reports whether a response's Vary names field.
func varies(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

func TestCORSOffByDefault(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	for _, tc := range []struct {
		name, method, path string
		headers            []string
	}{
		{"simple GET", "GET", "/api/v1/layers", []string{"Origin", "https://maps.example.org"}},
		{"preflight", "OPTIONS", "/api/v1/layers", []string{"Origin", "https://maps.example.org",
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match"}},
		{"OGC items", "GET", "/ogc/collections/areas/items", []string{"Origin", "https://maps.example.org"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, tc.headers...)
			if got := corsHeaders(rec.Header()); len(got) != 0 {
				t.Errorf("CORS headers %v with CORS off", got)
			}
			if varies(rec.Header(), "Origin") {
				t.Error("Vary: Origin with CORS off")
			}
		})
	}
	// The router's own OPTIONS answer: the allowed methods, nothing more.
	rec := do(t, h, "OPTIONS", "/api/v1/layers", "Origin", "https://maps.example.org", "Access-Control-Request-Method", "GET")
	if rec.Code != http.StatusNoContent || !strings.Contains(rec.Header().Get("Allow"), "GET") {
		t.Errorf("OPTIONS: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestCORS(t *testing.T) {
	const maps, other = "https://maps.example.org", "https://evil.example.com"
	listed, _ := newServer(t, Config{CORSOrigins: []string{maps + "/", "http://localhost:5173"}}, newStore(t))
	anyOrigin, _ := newServer(t, Config{CORSOrigins: []string{"*"}}, newStore(t))
	preflight := func(origin, method string) []string {
		return []string{"Origin", origin, "Access-Control-Request-Method", method,
			"Access-Control-Request-Headers", "if-none-match"}
	}
	for _, tc := range []struct {
		name         string
		srv          *Server
		method, path string
		headers      []string
		status       int
		allowOrigin  string // "" for no CORS headers at all
		preflight    bool
	}{
		{"GET from a listed origin", listed, "GET", "/api/v1/layers", []string{"Origin", maps}, 200, maps, false},
		{"origin compares without case", listed, "GET", "/api/v1/layers", []string{"Origin", "HTTPS://Maps.Example.org"}, 200, "HTTPS://Maps.Example.org", false},
		{"GET from another origin", listed, "GET", "/api/v1/layers", []string{"Origin", other}, 200, "", false},
		{"GET without Origin", listed, "GET", "/api/v1/layers", nil, 200, "", false},
		{"an error is readable too", listed, "GET", "/ogc/collections/nope", []string{"Origin", maps}, 404, maps, false},
		{"preflight for GET", listed, "OPTIONS", "/ogc/collections/areas/items", preflight(maps, "GET"), 204, maps, true},
		{"preflight for HEAD", listed, "OPTIONS", "/api/v1/layers", preflight(maps, "HEAD"), 204, maps, true},
		{"preflight for POST is refused", listed, "OPTIONS", "/api/v1/layers", preflight(maps, "POST"), 204, "", false},
		{"preflight from another origin is refused", listed, "OPTIONS", "/api/v1/layers", preflight(other, "GET"), 204, "", false},
		{"any origin: GET", anyOrigin, "GET", "/api/v1/layers", []string{"Origin", other}, 200, "*", false},
		{"any origin: preflight", anyOrigin, "OPTIONS", "/api/v1/layers", preflight(other, "GET"), 204, "*", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, tc.srv.Handler(), tc.method, tc.path, tc.headers...)
			h := rec.Header()
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if !varies(h, "Origin") {
				t.Errorf("Vary %v lacks Origin", h.Values("Vary"))
			}
			if tc.allowOrigin == "" {
				if got := corsHeaders(h); len(got) != 0 {
					t.Errorf("CORS headers %v, want none", got)
				}
				return
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tc.allowOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.allowOrigin)
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed")
			}
			if !tc.preflight {
				if expose := h.Get("Access-Control-Expose-Headers"); !strings.Contains(expose, "ETag") {
					t.Errorf("Access-Control-Expose-Headers %q lacks ETag", expose)
				}
				return
			}
			methods := strings.Split(strings.ReplaceAll(h.Get("Access-Control-Allow-Methods"), " ", ""), ",")
			if !slices.Equal(methods, []string{"GET", "HEAD"}) {
				t.Errorf("Access-Control-Allow-Methods %v, want GET, HEAD", methods)
			}
			if allow := h.Get("Access-Control-Allow-Headers"); !strings.Contains(allow, "If-None-Match") {
				t.Errorf("Access-Control-Allow-Headers %q lacks If-None-Match", allow)
			}
			if h.Get("Access-Control-Max-Age") == "" || rec.Body.Len() != 0 {
				t.Errorf("Max-Age %q, body %q", h.Get("Access-Control-Max-Age"), rec.Body)
			}
		})
	}
}

// TestCORSRevalidation checks a cross-origin client can revalidate: the
// 304 keeps the CORS headers.
func TestCORSRevalidation(t *testing.T) {
	const maps = "https://maps.example.org"
	srv, _ := newServer(t, Config{CORSOrigins: []string{maps}}, newStore(t))
	h := srv.Handler()
	tag := get(t, h, "/api/v1/layers", "Origin", maps).Header().Get("ETag")
	rec := get(t, h, "/api/v1/layers", "Origin", maps, "If-None-Match", tag)
	if rec.Code != http.StatusNotModified || rec.Header().Get("Access-Control-Allow-Origin") != maps {
		t.Errorf("status %d, Access-Control-Allow-Origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
}
