package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"placeplan"
	"placeplan/data"
	"placeplan/data/input"
	"placeplan/data/record"
)

// The fuzz targets of the HTTP layer send arbitrary requests through the
// real router over the embedded default data cut down to the two Oswestry
// MSOAs: none may panic or answer with a server error (5xx), whatever the
// body or the query.

// fuzzMSOAs are the MSOAs (2011) whose areas the fuzz targets serve:
// Oswestry East and Oswestry West, 12 LSOAs. The whole default dataset
// (708 areas) makes a layer without a bbox take half a second under the
// fuzzer's instrumentation, and the fuzzer then spends its minimising
// time (up to a minute an input, reporting no executions) on such
// requests; every route parses its query the same over 12 areas.
var fuzzMSOAs = []string{"E02006024", "E02006025"}

// fuzzHandler is a local-mode server over fuzzInputs in a database file,
// for the whole of one fuzz target.
func fuzzHandler(f *testing.F) http.Handler {
	f.Helper()
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	ins, err := fuzzInputs(fuzzMSOAs)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := st.IngestInputs(ctx, ins, data.IngestOptions{Geography: placeplan.LSOA2011}); err != nil {
		f.Fatal(err)
	}
	return NewServer(localUnlessAccounts(Config{}), st, nil).Handler()
}

// fuzzHang is how long a fuzzed request may take before the target calls
// it a hang: the fuzzer has no timeout of its own, and a worker stuck in a
// request only shows as executions that stop counting. It is far beyond
// any request of these targets (milliseconds each), so it is no speed
// test.
const fuzzHang = 20 * time.Second

// answers runs serve, failing the input if it has not returned within
// fuzzHang.
func answers(t *testing.T, what string, serve func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); serve() }()
	select {
	case <-done:
	case <-time.After(fuzzHang):
		t.Fatalf("%s: no answer in %v: a hang", what, fuzzHang)
	}
}

// fuzzInputs returns the embedded default dataset cut down to the LSOAs
// (2011, and the LSOAs 2021 they became) of the MSOAs given: every CSV row
// and GeoJSON feature naming another LSOA is left out; rows naming no LSOA
// (MSOA names, towns) are kept, and the locality definitions of those
// MSOAs.
func fuzzInputs(msoas []string) ([]input.Input, error) {
	ins, err := data.DefaultInputs()
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, in := range ins { // the LSOAs 2011 of the MSOAs, from the lookup
		if strings.HasPrefix(path.Base(in.Name), "lsoa11_msoa11") {
			rows, err := csv.NewReader(bytes.NewReader(in.Data)).ReadAll()
			if err != nil {
				return nil, err
			}
			for _, r := range rows[1:] {
				if slices.Contains(msoas, r[2]) {
					keep[r[0]], keep[r[2]], keep[r[4]] = true, true, true // LSOA, MSOA, Library name
				}
			}
		}
	}
	for _, in := range ins { // and the LSOAs 2021 they became
		if strings.HasPrefix(path.Base(in.Name), "lsoa11_lsoa21") {
			rows, err := csv.NewReader(bytes.NewReader(in.Data)).ReadAll()
			if err != nil {
				return nil, err
			}
			for _, r := range rows[1:] {
				if keep[r[0]] {
					for _, v := range r[1:] {
						if record.IsLSOACode(v) {
							keep[v] = true
						}
					}
				}
			}
		}
	}
	kept := func(vals []string) bool {
		for _, v := range vals {
			if record.IsLSOACode(v) && !keep[v] {
				return false
			}
		}
		return true
	}
	// A locality definition must match an area: keep those naming a kept
	// MSOA (by code or name) or LSOA.
	definesKept := func(vals []string) bool { return slices.ContainsFunc(vals, func(v string) bool { return keep[v] }) }
	for i, in := range ins {
		var b []byte
		switch strings.ToLower(path.Ext(in.Name)) {
		case ".csv":
			if path.Base(in.Name) == "localities.csv" {
				b, err = filterCSV(in.Data, definesKept)
				break
			}
			b, err = filterCSV(in.Data, kept)
		case ".geojson":
			b, err = filterGeoJSON(in.Data, kept)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		ins[i].Data = b
	}
	return ins, nil
}

// filterCSV keeps the header and the rows of a CSV that keep accepts.
func filterCSV(b []byte, keep func([]string) bool) ([]byte, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	for i, r := range rows {
		if i == 0 || keep(r) {
			w.Write(r)
		}
	}
	w.Flush()
	return out.Bytes(), w.Error()
}

// filterGeoJSON keeps the features of a FeatureCollection whose string
// properties keep accepts.
func filterGeoJSON(b []byte, keep func([]string) bool) ([]byte, error) {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for _, raw := range fc.Features {
		var f struct {
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, err
		}
		var vals []string
		for _, v := range f.Properties {
			if s, ok := v.(string); ok {
				vals = append(vals, s)
			}
		}
		if keep(vals) {
			out = append(out, raw)
		}
	}
	fc.Features = out
	return json.Marshal(fc)
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
		var rec *httptest.ResponseRecorder
		answers(t, "POST /api/v1/sites", func() { rec = request(t, h, http.MethodPost, "/api/v1/sites", "application/json", body) })
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
	f.Add("/ogc/collections/areas/items", "filter", "imd_decile<=2 AND (lad_code='E06000051' OR NOT name IS NULL)")
	f.Add("/ogc/collections/areas/items", "sortby", "-imd_score,+code")
	f.Add("/ogc/collections/areas/items", "lad_code", "E06000051")
	f.Add("/ogc/collections/areas/items", "crs", "http://www.opengis.net/def/crs/EPSG/0/27700")
	f.Add("/ogc/collections/sites/items", "bbox-crs", "[EPSG:27700]")
	f.Add("/ogc/collections/localities/queryables", "geography", "lsoa21")
	f.Add("/tiles/areas/12/2016/1344.mvt", "fields", "imd_score,,nope")
	f.Add("/tiles/areas/99/-1/1e9.mvt", "fields", "")
	f.Add("/api/v1/breaks", "classes", "1000000")
	f.Add("/api/v1/values", "field", "imd_score")
	f.Add("/api/v1/search", "q", "Oswestry")
	f.Add("/api/v1/areas", "geography", "lsoa99")
	f.Add("/api/v1/areas", "f", "csv")
	f.Add("/api/v1/indicators", "format", "xlsx")
	f.Add("/api/v1/localities", "table", "sites")
	f.Add("/api/v1/layers/localities", "limit", "0")
	f.Add("/api/v1/layers/sites", "offset", "-5")
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, path, key, value string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#\x00 \r\n") || len(path)+len(key)+len(value) > 1<<10 {
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
		answers(t, "GET "+target, func() { h.ServeHTTP(rec, req) })
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	})
}

// FuzzAccept sends arbitrary Accept headers to a route that gives JSON or
// CSV: each is answered with one of them or a 406 problem, never a server
// error, and acceptQuality stays a quality from 0 to 1.
func FuzzAccept(f *testing.F) {
	for _, a := range []string{"text/csv", "application/json;q=0.5, text/csv;q=0.6", "*/*;q=0.1", "image/png",
		"text/*;q=abc", "text/csv;q=2", ";;,,", "application/problem+json", "text/html,application/xhtml+xml,*/*;q=0.8"} {
		f.Add(a)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, accept string) {
		if len(accept) > 1<<10 || strings.ContainsAny(accept, "\r\n\x00") {
			return
		}
		for _, q := range []float64{acceptQuality(accept, "text", "csv"), acceptQuality(accept, "application", "json")} {
			if !(q >= 0 && q <= 1) {
				t.Fatalf("Accept %q: quality %v", accept, q)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/api/v1/indicators", nil)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		answers(t, "GET /api/v1/indicators with Accept "+accept, func() { h.ServeHTTP(rec, req) })
		switch ct := rec.Header().Get("Content-Type"); {
		case rec.Code == http.StatusOK && (ct == csvContentType || strings.HasPrefix(ct, "application/json")):
		case rec.Code == http.StatusNotAcceptable && ct == problemContentType:
		default:
			t.Fatalf("Accept %q: %d %s %.200s", accept, rec.Code, ct, rec.Body)
		}
	})
}
