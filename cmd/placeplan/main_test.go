package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary builds placeplan once for the end-to-end tests.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds the binary; skipped with -short")
	}
	p := filepath.Join(t.TempDir(), "placeplan")
	cmd := exec.Command("go", "build", "-o", p, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return p
}

func shared(t *testing.T, rel string) string {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s is absent: %v", p, err)
	}
	return p
}

func runBin(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// TestEndToEnd builds the binary, ingests the official-layout subset files
// into a new database, queries it, checks that a bad ingest changes nothing,
// and serves the database on port 0.
func TestEndToEnd(t *testing.T) {
	bin := binary(t)
	db := filepath.Join(t.TempDir(), "e2e.db")
	iod := shared(t, "iod2019_lsoa11/iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv")
	bounds := shared(t, "lsoa2011_boundaries/lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson")
	lookup := shared(t, "lsoa2011_lookups/lsoa11_msoa11_lad_lookup_subset_shropshire_telford_oxfordshire.csv")

	out, errOut, code := runBin(t, bin, "ingest", "--db", db, iod, bounds, lookup)
	if code != 0 {
		t.Fatalf("ingest exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []string{
		"loaded iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv: IoD2019 combined file",
		"708 areas × 37 indicators",
		"GeoJSON boundaries of LSOA 2011 areas in EPSG:4326 — 708 areas",
		"ONS LSOA lookup (LSOA 2011) — 708 areas, 148 MSOAs",
		"3 polygons had self-intersecting or degenerate rings and were repaired",
		"is at revision 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ingest output lacks %q:\n%s", want, out)
		}
	}

	out, _, code = runBin(t, bin, "areas", "--db", db, "--lad", "E06000051", "--format", "csv")
	if code != 0 {
		t.Fatalf("areas exit %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "code,name,msoa_code,lad_code,vintage,lon,lat" || len(rows) != 194 {
		t.Fatalf("areas: header %v and %d rows, want 193 Shropshire areas", rows[0], len(rows)-1)
	}
	for _, r := range rows[1:] {
		if r[3] != "E06000051" || r[4] != "lsoa11" || !strings.HasPrefix(r[2], "E02") || r[5] == "" {
			t.Errorf("bad row %v", r)
		}
	}

	out, _, _ = runBin(t, bin, "areas", "--db", db, "--format", "json")
	var areas []map[string]any
	if err := json.Unmarshal([]byte(out), &areas); err != nil || len(areas) != 708 {
		t.Fatalf("areas json: %d areas, %v", len(areas), err)
	}

	// A bad file: exit 65, a message naming line and column, nothing stored.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("lsoa11cd,referrals\nE01028826,12\nE01028827,twelve\n"), 0o644)
	os.WriteFile(strings.TrimSuffix(bad, ".csv")+".meta.csv", []byte("indicator,name,unit,direction,kind,denominator\nreferrals,Referrals,n,higher_is_worse,count,children\n"), 0o644)
	_, errOut, code = runBin(t, bin, "ingest", "--db", db, "--quiet", bad)
	if code != 65 || !strings.Contains(errOut, `bad.csv line 3 column 2 (referrals), area E01028827: "twelve" is not a number`) {
		t.Errorf("bad ingest: exit %d, %s", code, errOut)
	}
	out, _, _ = runBin(t, bin, "datasets", "--db", db)
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("datasets after a failed ingest: %d lines, want header + 3:\n%s", n, out)
	}

	// Usage errors exit 2; a missing database exits 66.
	if _, _, code := runBin(t, bin, "areas"); code != 2 {
		t.Errorf("areas without --db: exit %d, want 2", code)
	}
	if _, _, code := runBin(t, bin, "areas", "--db", filepath.Join(t.TempDir(), "nope.db")); code != 66 {
		t.Errorf("areas on a missing database: exit %d, want 66", code)
	}

	// Serve the database on port 0.
	url, stop := serve(t, bin, "--db", db, "--addr", "127.0.0.1:0")
	defer stop()
	if body := get(t, url+"/healthz"); !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz: %s", body)
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal([]byte(get(t, url+"/api/v1/layers/areas?geography=lsoa11&lad=E06000020")), &fc); err != nil || len(fc.Features) != 108 {
		t.Errorf("areas layer for Telford and Wrekin: %d features, %v", len(fc.Features), err)
	}
}

// TestServeDefault serves the embedded default dataset with no --db.
func TestServeDefault(t *testing.T) {
	bin := binary(t)
	url, says, stop := serveSays(t, bin, "--addr", "127.0.0.1:0")
	defer stop()
	for _, want := range []string{"embedded default dataset in memory", "nothing saved", "is kept after placeplan stops", "--db FILE --create"} {
		if !strings.Contains(says, want) {
			t.Errorf("second line %q does not say %q", says, want)
		}
	}
	if got := get(t, url+"/api/v1/config"); !strings.Contains(got, `"persistent":false`) || !strings.Contains(got, `"basemap_style":null`) {
		t.Errorf("config in memory: %s", got)
	}
	body := get(t, url+"/api/v1/localities")
	for _, want := range []string{"Oswestry", "North Shrewsbury", "South Shrewsbury", "Ludlow", "Market Drayton", "Whitchurch", "Bridgnorth", "North", "Central", "South"} {
		if !strings.Contains(body, `"name":"`+want+`"`) {
			t.Errorf("localities lack %q", want)
		}
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal([]byte(get(t, url+"/api/v1/layers/areas?geography=lsoa21")), &fc); err != nil || len(fc.Features) != 742 {
		t.Errorf("lsoa21 areas layer: %d features, %v", len(fc.Features), err)
	}
}

// serve starts "placeplan serve" and waits for its "listening on" line.
func serve(t *testing.T, bin string, args ...string) (string, func()) {
	t.Helper()
	url, _, stop := serveSays(t, bin, args...)
	return url, stop
}

// serveSays starts "placeplan serve", waits for its "listening on" line and
// the line after it, which says what is served, and returns the URL, that
// line and a function that stops the server.
func serveSays(t *testing.T, bin string, args ...string) (string, string, func()) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cancel := func() { cmd.Process.Signal(os.Interrupt) }
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // beyond the two lines read: keep draining the pipe
			}
		}
		close(lines)
	}()
	var first, second string
	for i, line := range []*string{&first, &second} {
		select {
		case *line = <-lines:
		case <-time.After(60 * time.Second):
			cancel()
			t.Fatalf("serve printed %d lines within 60 s, want 2", i)
		}
	}
	url, ok := strings.CutPrefix(first, "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		cancel()
		t.Fatalf("first line %q, want 'listening on http://127.0.0.1:PORT'", first)
	}
	return url, second, func() {
		cancel()
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve did not shut down cleanly on SIGINT: %v", err)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// TestServeCreateKeepsWork: serve --db FILE --create makes FILE (and its
// folders) from the embedded default; a scenario saved over HTTP is still
// there after a restart, which serves the same file without creating it.
func TestServeCreateKeepsWork(t *testing.T) {
	bin := binary(t)
	db := filepath.Join(t.TempDir(), "share", "placeplan", "placeplan.db")
	if _, _, code := runBin(t, bin, "serve", "--db", db, "--addr", "127.0.0.1:0"); code != 66 {
		t.Errorf("serve --db on a missing file without --create: exit %d, want 66", code)
	}
	if _, errOut, code := runBin(t, bin, "serve", "--create"); code != 2 || !strings.Contains(errOut, "--create needs --db FILE") {
		t.Errorf("--create without --db: exit %d, %s", code, errOut)
	}

	url, says, stop := serveSays(t, bin, "--db", db, "--create", "--addr", "127.0.0.1:0")
	if says != "serving database "+db+" (created now from the embedded default dataset): what you save is kept there" {
		t.Errorf("second line %q", says)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	mine := strings.Replace(string(doc), "name: Shropshire — five integrated teams (Oswestry live)", "name: Kept after a restart", 1)
	resp, err := http.Post(url+"/api/v1/scenarios?author=ana", "application/yaml", strings.NewReader(mine))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(body), `"id":"kept-after-a-restart"`) {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	stop()

	url, says, stop = serveSays(t, bin, "--db", db, "--create", "--addr", "127.0.0.1:0", "--basemap-style", "https://tiles.example.org/style.json")
	defer stop()
	if says != "serving database "+db+": what you save is kept there" {
		t.Errorf("second line after a restart %q", says)
	}
	if got := get(t, url+"/api/v1/config"); !strings.Contains(got, `"persistent":true`) ||
		!strings.Contains(got, `"basemap_style":"https://tiles.example.org/style.json"`) {
		t.Errorf("config of a database file: %s", got)
	}
	if got := get(t, url+"/api/v1/scenarios/kept-after-a-restart"); !strings.Contains(got, `"name":"Kept after a restart"`) {
		t.Errorf("the saved scenario after a restart: %s", got)
	}
	if got := get(t, url+"/api/v1/localities"); !strings.Contains(got, `"name":"Oswestry"`) {
		t.Error("the created database lacks the default localities")
	}
}

// TestServeBasemapStyle: --basemap-style takes only an absolute http(s)
// URL, refused at flag parsing (exit 2) with a message saying what to give.
func TestServeBasemapStyle(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://tiles.example.org/styles/basic.json", true},
		{"http://localhost:8081/style.json?key=abc", true},
		{"style.json", false},
		{"/srv/styles/basic.json", false},
		{"file:///srv/style.json", false},
		{"ftp://tiles.example.org/style.json", false},
		{"https:///style.json", false},
		{"https://exa mple.org/style.json", false},
	} {
		err := checkBasemapStyle(tc.url)
		if tc.ok != (err == nil) {
			t.Errorf("%q: %v", tc.url, err)
		}
		if tc.ok {
			continue
		}
		_, errOut, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--basemap-style", tc.url)
		if code != 2 || !strings.Contains(errOut, "--basemap-style") || !strings.Contains(errOut, "absolute http or https URL") {
			t.Errorf("serve --basemap-style %q: exit %d, %s", tc.url, code, errOut)
		}
	}
}
