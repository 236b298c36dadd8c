package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"placeplan/data"
)

// The fuzz targets of the HTTP layer send arbitrary requests through the
// real router over the embedded default data: none may panic or answer
// with a server error (5xx), whatever the body or the query.

// fuzzHandler is a local-mode server over the embedded default data in a
// database file, for the whole of one fuzz target.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if _, err := data.LoadDefault(ctx, st); err != nil {
		f.Fatal(err)
	}
	return NewServer(localUnlessAccounts(Config{}), st, nil).Handler()
}

// FuzzSitesBody: the body of POST /api/v1/sites.
func FuzzSitesBody(f *testing.F) {
	f.Add(`{"model":"mclp","p":1,"standard_km":10,"demand":[{"id":"a","lon":-2.7,"lat":52.7,"weight":3}],"candidates":[{"id":"x","lon":-2.75,"lat":52.71}]}`)
	f.Add(`{"model":"capacitated","p":2,"standard_min":20,"demand":[{"id":"a","lon":-2.7,"lat":52.7,"weight":1e308}],"candidates":[{"id":"x","lon":1e9,"lat":-91,"capacity":-1}]}`)
	f.Add(`{"model":"lscp","standard_km":1e308,"fixed":["nope"],"demand":[],"candidates":[]}`)
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 4<<10 {
			return // big bodies are the limits' tests, not the parser's
		}
		rec := request(t, h, http.MethodPost, "/api/v1/sites", "application/json", body)
		if rec.Code >= 500 {
			t.Fatalf("POST /api/v1/sites %q: %d %s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzQueryParams: the query parameters and path segments the map and GIS
// clients send — bboxes, tile addresses, OGC paging, fields, geographies.
func FuzzQueryParams(f *testing.F) {
	f.Add("/api/v1/layers/areas", "bbox", "-3.2,52.3,-2.2,53.0")
	f.Add("/ogc/collections/areas/items", "bbox", "-3,52,-2,53,0,100")
	f.Add("/ogc/collections/areas/items", "limit", "-1")
	f.Add("/ogc/collections/areas/items", "offset", "99999999999999999999")
	f.Add("/tiles/areas/12/2016/1344.mvt", "fields", "imd_score,,nope")
	f.Add("/tiles/areas/99/-1/1e9.mvt", "fields", "")
	f.Add("/api/v1/breaks", "classes", "1000000")
	f.Add("/api/v1/values", "field", "imd_score")
	f.Add("/api/v1/search", "q", "Oswestry")
	f.Add("/api/v1/areas", "geography", "lsoa99")
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, path, key, value string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#\x00 \r\n") || len(path)+len(value) > 2<<10 {
			return
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return
		}
		if strings.Contains(path, "report.") || strings.HasPrefix(path, "/api/v1/plans") || strings.HasPrefix(path, "/api/v1/scores") ||
			strings.HasPrefix(path, "/api/v1/compare") || strings.Contains(path, "/revisions/") {
			return // whole analyses: seconds each, fuzzed through their documents instead
		}
		if key == "scenario" {
			return // a tile of a scenario is a plan: the same
		}
		target := path + "?" + url.Values{key: {value}}.Encode()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	})
}
