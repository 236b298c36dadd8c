package api

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/auth"
	"placeplan/data"
	"placeplan/internal/fixture"
	"placeplan/scenario"
)

// TestNoWithheldCountOnAnyRoute is issue 15's disclosure floor over HTTP.
// It ingests a confidential count — early help referrals, 1 to 4 in every
// Shropshire area a plan serves — and stores two scenarios that weigh
// demand by it and ask for suppress_below 0, lower than the server's 5.
// Then every GET route of the route table (a route without a probe here
// fails the test, so a new route must be added) and the analyses' POST
// routes are asked, as every role, for everything they give: plans,
// scores, comparisons, every layer, tiles at several zooms, OGC items,
// values, profiles, legends, explanations' text and the report files. No
// answer may show a referral count from 1 to 4, nor any figure counted
// from referrals (reach, served, unique, phase weights…) above 0 and below
// 5, nor a sentence that spells one.
func TestNoWithheldCountOnAnyRoute(t *testing.T) {
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "floor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := data.LoadDefault(ctx, st); err != nil {
		t.Fatal(err)
	}
	base, _ := scenario.LookupBuiltin("shropshire-five-teams")
	plain, err := scenario.Plan(ctx, st, base)
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(plain.Demand))
	for i, d := range plain.Demand {
		codes[i] = d.Code
	}
	if err := fixture.IngestReferrals(ctx, st, t.TempDir(), codes); err != nil {
		t.Fatal(err)
	}
	f := newAuthFixture(t, st, Config{Disclosure: placeplan.Disclosure{MinCount: 5}})
	documents := map[string]string{}
	for id, builtin := range map[string]string{"referrals": "shropshire-five-teams", "referrals-30": "shropshire-five-teams-30min"} {
		sc, _ := scenario.LookupBuiltin(builtin)
		doc, _ := sc.YAML()
		text := strings.Replace(string(doc), "weight: need\n", "weight: referrals\n", 1)
		text = regexp.MustCompile(`(?m)^name: .*$`).ReplaceAllString(text, "name: "+id) // its id
		text += "disclosure:\n  suppress_below: 0\n"
		if !strings.Contains(text, "weight: referrals") {
			t.Fatal("the scenario does not weigh referrals")
		}
		documents[id] = text
		if rec := request(t, f.h, http.MethodPost, "/api/v1/scenarios", "application/yaml", text, bearer(f.write[auth.Analyst])...); rec.Code != http.StatusCreated {
			t.Fatalf("store %s: %d %s", id, rec.Code, rec.Body)
		}
	}

	// Tiles over the plan's area at zooms 7 to 14.
	var tilePaths []string
	for z := 7; z <= 14; z += 1 {
		tl := maptile.At(plain.Demand[0].Point, maptile.Zoom(z))
		tilePaths = append(tilePaths, fmt.Sprintf("%d/%d/%d", z, tl.X, tl.Y))
	}
	tilesOf := func(layer, query string) []string {
		var out []string
		for _, p := range tilePaths {
			out = append(out, "/tiles/"+layer+"/"+p+".mvt"+query)
		}
		return out
	}
	code := plain.Demand[0].Code
	probes := map[string][]string{
		"/api/openapi.json":              {"/api/openapi.json"},
		"/api/v1/areas":                  {"/api/v1/areas?geography=lsoa11&lad=E06000051", "/api/v1/areas?geography=lsoa11&f=csv"},
		"/api/v1/areas/:geography/:code": {"/api/v1/areas/lsoa11/" + code, "/api/v1/areas/lsoa11/" + plain.Demand[1].Code},
		"/api/v1/audit":                  {"/api/v1/audit", "/api/v1/audit?format=csv", "/api/v1/audit?f=csv"},
		"/api/v1/breaks":                 {"/api/v1/breaks?layer=areas&field=referrals&geography=lsoa11", "/api/v1/breaks?layer=areas&scenario=referrals&field=need_score", "/api/v1/breaks?layer=areas&scenario=referrals&field=need_share"},
		"/api/v1/compare": {"/api/v1/compare?ids=referrals,referrals-30", "/api/v1/compare?ids=referrals,referrals-30&f=csv",
			"/api/v1/compare?ids=referrals,referrals-30&f=csv&table=sites", "/api/v1/compare?ids=referrals,referrals-30&f=csv&table=phases",
			"/api/v1/compare?ids=referrals,referrals-30&f=csv&table=areas"},
		"/api/v1/config":            {"/api/v1/config"},
		"/api/v1/datasets":          {"/api/v1/datasets", "/api/v1/datasets?f=csv"},
		"/api/v1/indicators":        {"/api/v1/indicators?geography=lsoa11", "/api/v1/indicators?f=csv"},
		"/api/v1/layers":            {"/api/v1/layers"},
		"/api/v1/layers/areas":      {"/api/v1/layers/areas?geography=lsoa11&lad=E06000051", "/api/v1/layers/areas?scenario=referrals"},
		"/api/v1/layers/catchments": {"/api/v1/layers/catchments?scenario=referrals"},
		"/api/v1/layers/compare":    {"/api/v1/layers/compare?ids=referrals,referrals-30"},
		"/api/v1/layers/localities": {"/api/v1/layers/localities?geography=lsoa11"},
		"/api/v1/layers/phases":     {"/api/v1/layers/phases?scenario=referrals"},
		"/api/v1/layers/sites":      {"/api/v1/layers/sites?layer=towns"},
		"/api/v1/localities":        {"/api/v1/localities?geography=lsoa11", "/api/v1/localities?f=csv"},
		"/api/v1/plans": {"/api/v1/plans?scenario=referrals", "/api/v1/plans?scenario=referrals&areas=true", "/api/v1/plans?scenario=referrals-30",
			"/api/v1/plans?scenario=referrals&f=csv", "/api/v1/plans?scenario=referrals&f=csv&table=phases",
			"/api/v1/plans?scenario=referrals&f=csv&table=areas", "/api/v1/plans?scenario=referrals-30&f=csv"},
		"/api/v1/scenarios":                          {"/api/v1/scenarios"},
		"/api/v1/scenarios/:id":                      {"/api/v1/scenarios/referrals"},
		"/api/v1/scenarios/:id/:file":                {"/api/v1/scenarios/referrals/report.csv", "/api/v1/scenarios/referrals/report.geojson", "/api/v1/scenarios/referrals/report.html?compare=referrals-30"},
		"/api/v1/scenarios/:id/revisions":            {"/api/v1/scenarios/referrals/revisions"},
		"/api/v1/scenarios/:id/revisions/:rev":       {"/api/v1/scenarios/referrals/revisions/1"},
		"/api/v1/scenarios/:id/revisions/:rev/:kind": {"/api/v1/scenarios/referrals/revisions/1/plan", "/api/v1/scenarios/referrals/revisions/1/score"},
		"/api/v1/scores": {"/api/v1/scores?scenario=referrals", "/api/v1/scores?scenario=referrals&areas=true",
			"/api/v1/scores?scenario=referrals&f=csv", "/api/v1/scores?scenario=referrals&f=csv&table=areas"},
		"/api/v1/search":  {"/api/v1/search?q=Oswestry"},
		"/api/v1/session": {"/api/v1/session"},
		"/api/v1/summaries": {"/api/v1/summaries?by=lad&geography=lsoa11", "/api/v1/summaries?by=locality&scheme=Shropshire%20early%20help%20localities",
			"/api/v1/summaries?by=msoa&f=csv"},
		"/api/v1/values":                 {"/api/v1/values?field=referrals&geography=lsoa11"},
		"/metrics":                       {"/metrics"},
		"/ogc":                           {"/ogc"},
		"/ogc/api":                       {"/ogc/api"},
		"/ogc/collections":               {"/ogc/collections"},
		"/ogc/collections/:collectionId": {"/ogc/collections/areas", "/ogc/collections/referrals.sites"},
		"/ogc/collections/:collectionId/items": {"/ogc/collections/areas/items?geography=lsoa11&limit=1000", "/ogc/collections/localities/items?limit=1000",
			"/ogc/collections/referrals.areas/items?limit=1000", "/ogc/collections/referrals.sites/items",
			"/ogc/collections/referrals.catchments/items", "/ogc/collections/referrals@1.sites/items?crs=EPSG:27700",
			"/ogc/collections/referrals.sites/items?filter=" + url.QueryEscape("reach < 5 OR served < 5 OR unique < 5") + "&sortby=reach",
			// A filter or a sort on the confidential count reads only what is published.
			"/ogc/collections/areas/items?limit=1000&filter=" + url.QueryEscape("referrals >= 0 OR referrals IS NULL") + "&sortby=-referrals",
			"/ogc/collections/areas/items?limit=1000&crs=EPSG:27700&filter=" + url.QueryEscape("referrals < 5")},
		"/ogc/collections/:collectionId/queryables": {"/ogc/collections/areas/queryables", "/ogc/collections/referrals.sites/queryables"},
		"/ogc/collections/:collectionId/schema":     {"/ogc/collections/areas/schema", "/ogc/collections/referrals.areas/schema"},
		"/ogc/collections/:collectionId/items/:featureId": {"/ogc/collections/areas/items/" + code + "?geography=lsoa11",
			"/ogc/collections/referrals.areas/items/" + code, "/ogc/collections/referrals.catchments/items/" + plain.Selection.Selected[0]},
		"/ogc/conformance":  {"/ogc/conformance"},
		"/tiles/:layer":     {"/tiles/areas.json", "/tiles/catchments.json?scenario=referrals"},
		"/tiles/style.json": {"/tiles/style.json?field=referrals&geography=lsoa11", "/tiles/style.json?scenario=referrals"},
		"/tiles/:layer/:z/:x/:y": append(append(append(tilesOf("areas", "?geography=lsoa11"), tilesOf("areas", "?scenario=referrals")...),
			tilesOf("catchments", "?scenario=referrals")...), tilesOf("sites", "")...),
	}
	// Not data: the page, its files, health, signing in.
	skip := map[string]bool{"/": true, "/*": true, "/healthz": true, "/readyz": true, "/auth/oidc/login": true, "/auth/oidc/callback": true}

	asked := 0
	for _, r := range f.srv.Routes() {
		if r.Method != http.MethodGet || skip[r.Path] {
			continue
		}
		urls, ok := probes[r.Path]
		if !ok {
			t.Errorf("GET %s has no probe: add what it gives to this test", r.Path)
			continue
		}
		for _, role := range auth.Roles() {
			if !role.Allows(auth.Role(r.Role)) {
				continue
			}
			for _, url := range urls {
				rec := getReport(t, f, url, role)
				asked++
				if rec.Code >= 500 {
					t.Errorf("%s as %s: %d %s", url, role, rec.Code, rec.Body)
				}
				if rec.Code >= 300 {
					if rec.Code != http.StatusNoContent && rec.Code != http.StatusForbidden {
						t.Logf("%s as %s: %d %.200s", url, role, rec.Code, rec.Body)
					}
					if rec.Code != http.StatusNoContent && rec.Code < 400 {
						continue
					}
				}
				for _, leak := range leaksIn(t, url, rec) {
					t.Errorf("%s as %s: %s", url, role, leak)
				}
			}
		}
	}
	// The analyses of what is sent, for the roles that may ask.
	for _, role := range auth.Roles() {
		if !role.Allows(auth.Analyst) {
			continue
		}
		for _, url := range []string{"/api/v1/plans", "/api/v1/plans?areas=true", "/api/v1/scores?areas=true", "/api/v1/breaks?field=need_share",
			"/api/v1/plans?f=csv", "/api/v1/plans?f=csv&table=phases", "/api/v1/scores?f=csv&table=areas"} {
			rec := request(t, f.h, http.MethodPost, url, "application/yaml", documents["referrals"], bearer(f.write[role])...)
			asked++
			if rec.Code != http.StatusOK {
				t.Errorf("POST %s as %s: %d %.300s", url, role, rec.Code, rec.Body)
			}
			for _, leak := range leaksIn(t, url, rec) {
				t.Errorf("POST %s as %s: %s", url, role, leak)
			}
		}
	}
	if asked < 200 {
		t.Errorf("only %d answers checked", asked)
	}
}

// csvLeaks lists what in a CSV table (header first) shows a withheld
// count: a small figure in a column of demand, or a sentence spelling one.
func csvLeaks(name string, recs [][]string, small func(float64) bool) []string {
	var leaks []string
	for _, r := range recs[1:] {
		for j, c := range r {
			if n, err := strconv.ParseFloat(c, 64); err == nil && demandKeys[recs[0][j]] && small(n) {
				leaks = append(leaks, fmt.Sprintf("%s: %s = %s", name, recs[0][j], c))
			}
			if m := spelled.FindString(c); m != "" {
				leaks = append(leaks, fmt.Sprintf("%s spells %q", name, m))
			}
		}
	}
	return leaks
}

// getReport GETs url as role, waiting for a report file to be ready
// (its first answer may be 202 with a URL to poll).
func getReport(t *testing.T, f *authFixture, url string, role auth.Role) *httptest.ResponseRecorder {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		rec := request(t, f.h, http.MethodGet, url, "", "", bearer(f.read[role])...)
		if rec.Code != http.StatusAccepted || time.Now().After(deadline) {
			return rec
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// demandKeys are the members counted from the demand weight, and so from
// referrals in these scenarios. Means and shares (mean_weight,
// reach_share) are rates of a published total, withheld with it.
var demandKeys = map[string]bool{
	"total_weight": true, "covered_weight": true, "reach": true, "served": true, "unique": true, "alternative_loss": true,
	"new_weight": true, "cumulative_weight": true, "marginal_weight": true, "demand": true,
	"new_demand": true, "cumulative_demand": true, "referrals": true,
}

// spelled is a sentence spelling a small figure of the demand.
var spelled = regexp.MustCompile(`(^|[^0-9.,])[1-4](\.[0-9]+)? (of it|referrals?\b|of the referrals|need-weighted)`)

var areaCode = regexp.MustCompile(`^E0[0-9]{7}$`)

// leaksIn lists what in an answer shows a withheld count.
func leaksIn(t *testing.T, url string, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	body := rec.Body.Bytes()
	ct := rec.Header().Get("Content-Type")
	var leaks []string
	small := func(v float64) bool { return v > 0 && v < 5 }
	switch {
	case strings.Contains(ct, "json"):
		var doc any
		if err := json.Unmarshal(body, &doc); err != nil {
			return []string{fmt.Sprintf("not JSON: %v", err)}
		}
		referralValues := strings.Contains(url, "field=referrals")
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch x := v.(type) {
			case map[string]any:
				about := fmt.Sprint(x["key"]) == "referrals" || fmt.Sprint(x["indicator"]) == "referrals" || fmt.Sprint(x["field"]) == "referrals"
				for k, c := range x {
					if n, ok := c.(float64); ok {
						switch {
						case demandKeys[k] && small(n):
							leaks = append(leaks, fmt.Sprintf("%s.%s = %v", path, k, n))
						case about && k == "value" && small(n):
							leaks = append(leaks, fmt.Sprintf("%s.value = %v (referrals)", path, n))
						case referralValues && areaCode.MatchString(k) && small(n):
							leaks = append(leaks, fmt.Sprintf("%s.%s = %v (referrals)", path, k, n))
						}
					}
					walk(path+"."+k, c)
				}
			case []any:
				for i, c := range x {
					walk(fmt.Sprintf("%s[%d]", path, i), c)
				}
			case string:
				if m := spelled.FindString(x); m != "" {
					leaks = append(leaks, fmt.Sprintf("%s spells %q: %.200s", path, m, x))
				}
			}
		}
		walk("$", doc)
	case strings.Contains(ct, "mapbox-vector-tile") || strings.HasSuffix(strings.SplitN(url, "?", 2)[0], ".mvt"):
		if len(body) == 0 {
			return nil
		}
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				return []string{fmt.Sprintf("gzip: %v", err)}
			}
			body, _ = io.ReadAll(zr)
		}
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			return []string{fmt.Sprintf("not a tile: %v", err)}
		}
		for _, l := range layers {
			for _, ft := range l.Features {
				for k, v := range ft.Properties {
					if n, ok := v.(float64); ok && demandKeys[k] && small(n) {
						leaks = append(leaks, fmt.Sprintf("tile layer %s: %s = %v", l.Name, k, n))
					}
				}
			}
		}
	case strings.Contains(ct, "zip"):
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			return []string{fmt.Sprintf("zip: %v", err)}
		}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			recs, err := csv.NewReader(rc).ReadAll()
			rc.Close()
			if err != nil || len(recs) == 0 {
				continue
			}
			leaks = append(leaks, csvLeaks(zf.Name, recs, small)...)
		}
	case strings.Contains(ct, "csv"):
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || len(recs) == 0 {
			return []string{fmt.Sprintf("not CSV with a header: %v", err)}
		}
		leaks = append(leaks, csvLeaks("csv", recs, small)...)
	default: // HTML and text
		if m := spelled.FindString(string(body)); m != "" {
			leaks = append(leaks, fmt.Sprintf("text spells %q", m))
		}
	}
	return leaks
}
