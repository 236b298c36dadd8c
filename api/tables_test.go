package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestAcceptQuality: the quality an Accept header gives CSV and JSON is
// that of the most specific range naming it (RFC 9110 §12.5.1).
func TestAcceptQuality(t *testing.T) {
	for _, tc := range []struct {
		accept    string
		csv, json float64
	}{
		{"text/csv", 1, 0},
		{"application/json", 0, 1},
		{"text/csv;q=0.9, application/json;q=0.5", 0.9, 0.5},
		{"*/*;q=0.8, text/csv;q=0.2", 0.2, 0.8},      // the specific range wins over */*
		{"text/*;q=0.3, */*;q=0.9", 0.3, 0.9},        // text/* is more specific than */*
		{"application/geo+json", 0, 1},               // a JSON type placeplan sends
		{"TEXT/CSV; charset=utf-8", 1, 0},            // media types are case-insensitive
		{"text/csv;q=7, application/json;q=x", 0, 0}, // a malformed q accepts nothing
		{"image/png, text/html", 0, 0},
	} {
		if c, j := acceptQuality(tc.accept, "text", "csv"), acceptQuality(tc.accept, "application", "json"); c != tc.csv || j != tc.json {
			t.Errorf("Accept %q: csv %v, json %v; want %v, %v", tc.accept, c, j, tc.csv, tc.json)
		}
	}
}

// TestTableRoutesNegotiate: over the default data, f, format and Accept
// choose CSV or JSON on each table route, with one rule: f (or its older
// name format) first, then Accept; CSV goes out as an attachment named
// after the table and Vary says Accept chose it.
func TestTableRoutesNegotiate(t *testing.T) {
	s, _ := newServer(t, Config{}, loadDefault(t))
	h := s.Handler()
	for _, tc := range []struct {
		target, accept string
		csv            bool
		file           string
	}{
		{"/api/v1/areas?lad=E06000051&f=csv", "", true, "areas.csv"},
		{"/api/v1/areas?lad=E06000051&format=csv", "", true, "areas.csv"},
		{"/api/v1/areas?lad=E06000051", "text/csv", true, "areas.csv"},
		{"/api/v1/areas?lad=E06000051&f=json", "text/csv", false, ""}, // f wins over Accept
		{"/api/v1/localities?f=csv", "application/json", true, "localities.csv"},
		{"/api/v1/indicators", "", false, ""},
		{"/api/v1/datasets?f=csv", "", true, "datasets.csv"},
		{"/api/v1/summaries?by=locality&scheme=Shropshire%20early%20help%20localities&f=csv", "", true, "summaries-locality.csv"},
		{"/api/v1/scores?scenario=shropshire-need&table=areas", "text/csv", true, "shropshire-need-areas.csv"},
		{"/api/v1/plans?scenario=shropshire-five-teams&f=csv&table=phases", "", true, "shropshire-five-teams-phases.csv"},
		{"/api/v1/compare?ids=shropshire-five-teams,shropshire-five-teams-30min&f=csv&table=sites", "", true, "compare-sites.csv"},
	} {
		rec := get(t, h, tc.target, "Accept", tc.accept)
		if rec.Code != http.StatusOK {
			t.Errorf("%s (Accept %q): %d %.300s", tc.target, tc.accept, rec.Code, rec.Body)
			continue
		}
		ct, cd := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition")
		switch {
		case tc.csv && (ct != csvContentType || cd != "attachment; filename="+tc.file):
			t.Errorf("%s: Content-Type %q, Content-Disposition %q; want CSV as %s", tc.target, ct, cd, tc.file)
		case !tc.csv && (!strings.HasPrefix(ct, "application/json") || cd != ""):
			t.Errorf("%s: Content-Type %q, Content-Disposition %q; want JSON", tc.target, ct, cd)
		}
		if v := rec.Header().Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept") {
			t.Errorf("%s: Vary %q lacks Accept", tc.target, v)
		}
	}
	// HEAD gets the CSV's headers (net/http's server drops the body).
	rec := do(t, h, http.MethodHead, "/api/v1/areas?f=csv")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != csvContentType || rec.Header().Get("Content-Disposition") == "" {
		t.Errorf("HEAD f=csv: %d %q", rec.Code, rec.Header())
	}
	p := decodeProblem(t, get(t, h, "/api/v1/areas", "Accept", "application/xml"), http.StatusNotAcceptable)
	if p.Code != "unsupported" || !strings.Contains(p.Detail, "application/json or text/csv") {
		t.Errorf("406: %+v", p)
	}
}
