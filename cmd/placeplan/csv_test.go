package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTablesSameFromCLIAndHTTP: every table the HTTP API gives with
// f=csv, asked of a real server (placeplan serve on port 0), is byte for
// byte what the command line prints for it, and both are the golden file
// testdata/csv/NAME.csv (-update rewrites them).
func TestTablesSameFromCLIAndHTTP(t *testing.T) {
	db := defaultDBFile(t)
	url, _, stop := startServe(t, "--db", db, "--addr", "127.0.0.1:0")
	defer stop()
	const lad = "E06000051"
	five, thirty := "shropshire-five-teams", "shropshire-five-teams-30min"
	cases := []struct {
		name   string
		cli    []string // "" in place of the database
		http   string
		golden bool // false: the table holds the time of ingest
	}{
		{"areas", []string{"areas", "--geography", "lsoa11", "--lad", lad}, "/api/v1/areas?geography=lsoa11&lad=" + lad + "&f=csv", true},
		{"localities", []string{"localities", "--geography", "lsoa21"}, "/api/v1/localities?geography=lsoa21&f=csv", true},
		{"indicators", []string{"indicators"}, "/api/v1/indicators?f=csv", true},
		{"datasets", []string{"datasets"}, "/api/v1/datasets?f=csv", false},
		{"score_localities", []string{"score", "--scenario", "shropshire-need", "--format", "csv"}, "/api/v1/scores?scenario=shropshire-need&f=csv", true},
		{"score_areas", []string{"score", "--scenario", "shropshire-need", "--format", "csv", "--table", "areas"}, "/api/v1/scores?scenario=shropshire-need&f=csv&table=areas", true},
		{"plan_sites", []string{"plan", "--scenario", five, "--format", "csv"}, "/api/v1/plans?scenario=" + five + "&f=csv", true},
		{"plan_phases", []string{"plan", "--scenario", five, "--format", "csv", "--table", "phases"}, "/api/v1/plans?scenario=" + five + "&f=csv&table=phases", true},
		{"plan_areas", []string{"plan", "--scenario", five, "--format", "csv", "--table", "areas"}, "/api/v1/plans?scenario=" + five + "&table=areas&format=csv", true},
		{"compare_localities", []string{"compare", five, thirty, "--format", "csv"}, "/api/v1/compare?ids=" + five + "," + thirty + "&f=csv", true},
		{"compare_sites", []string{"compare", five, thirty, "--format", "csv", "--table", "sites"}, "/api/v1/compare?ids=" + five + "," + thirty + "&f=csv&table=sites", true},
		{"compare_phases", []string{"compare", five, thirty, "--format", "csv", "--table", "phases"}, "/api/v1/compare?ids=" + five + "," + thirty + "&f=csv&table=phases", true},
		{"compare_areas", []string{"compare", five, thirty, "--format", "csv", "--table", "areas"}, "/api/v1/compare?ids=" + five + "," + thirty + "&f=csv&table=areas", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{}, tc.cli...), "--db", db)
			cli, errOut, code := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("placeplan %s: exit %d: %s", strings.Join(args, " "), code, errOut)
			}
			resp, err := http.Get(url + tc.http)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", tc.http, resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, ".csv") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if string(body) != cli {
				t.Errorf("GET %s differs from placeplan %s:\n%s\n---\n%s", tc.http, strings.Join(args, " "), body, cli)
			}
			recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(recs) < 2 {
				t.Fatalf("%d records, %v", len(recs), err)
			}
			if !tc.golden {
				return
			}
			golden := filepath.Join("testdata", "csv", tc.name+".csv")
			if updatingGolden() {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); string(body) != want {
				t.Errorf("%s differs from %s (rerun with -update if the change is intended):\n%s", tc.http, golden, body)
			}
		})
	}

	// Accept: text/csv is f=csv; an Accept neither CSV nor JSON is 406.
	for _, tc := range []struct {
		accept string
		status int
		ctype  string
	}{
		{"text/csv", http.StatusOK, "text/csv; charset=utf-8"},
		{"text/csv;q=0.9, application/json;q=0.5", http.StatusOK, "text/csv; charset=utf-8"},
		{"application/json, text/csv", http.StatusOK, "application/json"},
		{"*/*", http.StatusOK, "application/json"},
		{"image/png", http.StatusNotAcceptable, "application/problem+json"},
	} {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/indicators", nil)
		req.Header.Set("Accept", tc.accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("Accept %q: %d %s, want %d %s: %.200s", tc.accept, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype, body)
		}
		if tc.status == http.StatusNotAcceptable && !strings.Contains(string(body), `"code":"unsupported"`) {
			t.Errorf("406 body %s", body)
		}
	}
	// Mistakes: an unknown f, a table without CSV, an unknown table.
	for path, want := range map[string]string{
		"/api/v1/areas?f=xlsx":                                  `f \"xlsx\": use json or csv`,
		"/api/v1/plans?scenario=" + five + "&table=phases":      `tables are CSV; add f=csv`,
		"/api/v1/plans?scenario=" + five + "&f=csv&table=teams": `use sites, phases, areas`,
		"/api/v1/areas?f=csv&format=json":                       `disagree`,
	} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %s, want 400 saying %s", path, resp.StatusCode, body, want)
		}
	}
}

// TestListingJSONTyped: the listing commands' JSON carries numbers as
// numbers and booleans as booleans (issue 13: vintages and indicators
// gave strings).
func TestListingJSONTyped(t *testing.T) {
	db := defaultDBFile(t)
	for _, tc := range []struct {
		args  []string
		check func(row map[string]any) bool
	}{
		{[]string{"indicators"}, func(r map[string]any) bool { _, ok := r["confidential"].(bool); return ok }},
		{[]string{"areas"}, func(r map[string]any) bool { _, ok := r["lon"].(float64); return ok }},
		{[]string{"localities"}, func(r map[string]any) bool {
			n, ok := r["area_count"].(float64)
			codes, ok2 := r["area_codes"].([]any)
			return ok && ok2 && int(n) == len(codes)
		}},
		{[]string{"datasets"}, func(r map[string]any) bool { _, ok := r["records"].(float64); return ok }},
		{[]string{"vintages", "--scheme", "Shropshire early help localities"}, func(r map[string]any) bool {
			_, rank := r["iod2019_rank"].(float64)
			_, avg := r["iod2025_average_rank"].(float64)
			_, cx := r["complex_changes"].(bool)
			return rank && avg && cx
		}},
	} {
		args := append(append([]string{}, tc.args...), "--db", db, "--format", "json")
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Errorf("placeplan %s: exit %d: %s", strings.Join(args, " "), code, errOut)
			continue
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
			t.Errorf("placeplan %s: %d rows, %v", strings.Join(args, " "), len(rows), err)
			continue
		}
		for _, r := range rows {
			if !tc.check(r) {
				t.Errorf("placeplan %s: untyped row %v", strings.Join(args, " "), r)
				break
			}
		}
	}
}
