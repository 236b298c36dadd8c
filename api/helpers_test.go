package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"placeplan/data"
)

// newStore opens an empty SQLite store in the test's temporary directory.
func newStore(t *testing.T) *data.Store {
	t.Helper()
	s, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newServer builds a Server over store that logs JSON lines into the
// returned buffer. A cfg without accounts serves in local mode, as make run
// does: the tests of authentication (auth_test.go) give accounts.
func newServer(t *testing.T, cfg Config, store Store) (*Server, *logBuffer) {
	t.Helper()
	cfg = localUnlessAccounts(cfg)
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return NewServer(cfg, store, logger), logs
}

// do sends one request through h; headers come in name, value pairs.
func do(t *testing.T, h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// get sends a GET through h.
func get(t *testing.T, h http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, h, http.MethodGet, target, headers...)
}

// decode unmarshals a JSON response body into v, failing on a wrong
// status or content type.
func decode(t *testing.T, rec *httptest.ResponseRecorder, status int, contentType string, v any) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		t.Fatalf("Content-Type = %q, want %s", ct, contentType)
	}
	body := rec.Body.Bytes() // leaves the body for the caller to read again
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// decodeProblem checks that rec is an RFC 9457 problem document with the
// given status and returns it.
func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) problem {
	t.Helper()
	var p problem
	decode(t, rec, status, problemContentType, &p)
	if p.Type != "about:blank" || p.Status != status || p.Title != http.StatusText(status) {
		t.Errorf("problem = %+v, want type about:blank, status %d, title %q", p, status, http.StatusText(status))
	}
	if id := rec.Header().Get("X-Request-ID"); id == "" || p.RequestID != id {
		t.Errorf("problem request_id = %q, X-Request-ID = %q; want the same, non-empty", p.RequestID, id)
	}
	if tag := rec.Header().Get("ETag"); tag != "" {
		t.Errorf("problem carries ETag %s", tag)
	}
	return p
}

// featureCollection is a decoded GeoJSON FeatureCollection.
type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string          `json:"type"`
		ID       any             `json:"id"`
		Geometry json.RawMessage `json:"geometry"`
		Props    map[string]any  `json:"properties"`
	} `json:"features"`
}

// decodeFC decodes a 200 application/geo+json FeatureCollection.
func decodeFC(t *testing.T, rec *httptest.ResponseRecorder) featureCollection {
	t.Helper()
	var fc featureCollection
	decode(t, rec, http.StatusOK, geoJSONContentType, &fc)
	if fc.Type != "FeatureCollection" {
		t.Fatalf("type = %q, want FeatureCollection", fc.Type)
	}
	return fc
}

// localUnlessAccounts is cfg in local single-user mode when it has no
// accounts to sign in with.
func localUnlessAccounts(cfg Config) Config {
	if cfg.Auth.Accounts == nil && cfg.Auth.Mode == AuthSignIn {
		cfg.Auth.Mode = AuthLocal
	}
	return cfg
}
