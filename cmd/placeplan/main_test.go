package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"placeplan/accounts"
	"placeplan/auth"
	"placeplan/data"
)

func shared(t *testing.T, rel string) string {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s is absent: %v", p, err)
	}
	return p
}

// TestEndToEnd runs the program in-process: it ingests the official-layout
// subset files into a new database file, queries it, checks that a bad
// ingest changes nothing, and serves the database on port 0.
func TestEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e2e.db")
	iod := shared(t, "iod2019_lsoa11/iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv")
	bounds := shared(t, "lsoa2011_boundaries/lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson")
	lookup := shared(t, "lsoa2011_lookups/lsoa11_msoa11_lad_lookup_subset_shropshire_telford_oxfordshire.csv")

	out, errOut, code := runCLI(t, "ingest", "--db", db, iod, bounds, lookup)
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
	if !strings.HasPrefix(errOut, "reading ") || !strings.Contains(errOut, "lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson: 100% of 2.3 MB") {
		t.Errorf("ingest reports no progress on the boundaries on stderr:\n%s", errOut)
	}
	// The ingest stores the map's first tiles, with progress on stderr.
	for _, want := range []string{"storing tiles areas/lsoa11/suppress-below-5: 100% of", "storing tiles districts/lsoa11: 100% of",
		"storing tiles areas/lsoa11/suppress-below-5?fields=area_count,code,lad_name,name: 100% of"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("ingest stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "stored the map's first tiles in") || strings.Contains(errOut, "warning") {
		t.Errorf("ingest did not store the first tiles:\n%s\n%s", out, errOut)
	}

	out, _, code = runCLI(t, "areas", "--db", db, "--lad", "E06000051", "--format", "csv")
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

	out, _, _ = runCLI(t, "areas", "--db", db, "--format", "json")
	var areas []map[string]any
	if err := json.Unmarshal([]byte(out), &areas); err != nil || len(areas) != 708 {
		t.Fatalf("areas json: %d areas, %v", len(areas), err)
	}

	// A bad file: exit 65, a message naming line and column, nothing stored.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	writeFile(t, bad, "lsoa11cd,referrals\nE01028826,12\nE01028827,twelve\n")
	writeFile(t, strings.TrimSuffix(bad, ".csv")+".meta.csv", "indicator,name,unit,direction,kind,denominator\nreferrals,Referrals,n,higher_is_worse,count,children\n")
	_, errOut, code = runCLI(t, "ingest", "--db", db, "--quiet", bad)
	if code != 65 || !strings.Contains(errOut, `bad.csv line 3 column 2 (referrals), area E01028827: "twelve" is not a number`) {
		t.Errorf("bad ingest: exit %d, %s", code, errOut)
	}
	out, _, _ = runCLI(t, "datasets", "--db", db)
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("datasets after a failed ingest: %d lines, want header + 3:\n%s", n, out)
	}

	// Usage errors exit 2; a missing database exits 66.
	if _, _, code := runCLI(t, "areas"); code != 2 {
		t.Errorf("areas without --db: exit %d, want 2", code)
	}
	if _, _, code := runCLI(t, "areas", "--db", filepath.Join(t.TempDir(), "nope.db")); code != 66 {
		t.Errorf("areas on a missing database: exit %d, want 66", code)
	}

	// Serve the database on port 0.
	url, _, stop := startServe(t, "--db", db, "--addr", "127.0.0.1:0")
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
	// The first start after the ingest answers the map's first tiles from
	// what the ingest stored (Shrewsbury at zoom 6, as the map asks).
	get(t, url+"/tiles/areas/6/31/20.mvt?fields=area_count,code,lad_name,name")
	get(t, url+"/tiles/districts/12/2016/1339.mvt")
	metrics := get(t, url+"/metrics")
	for _, want := range []string{`placeplan_tile_persisted_tiles_total{layer="areas"} 1`, `placeplan_tile_persisted_tiles_total{layer="districts"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics after the first tiles lacks %s", want)
		}
	}
}

// TestServeDefault serves the embedded default dataset with no --db.
func TestServeDefault(t *testing.T) {
	url, says, stop := startServe(t, "--addr", "127.0.0.1:0")
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

// lockedBuffer is a bytes.Buffer that the server's log and a test may use
// at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs "placeplan serve ARGS..." in-process, waits for its
// "listening on" line and the line after it, which says what is served,
// and returns the URL, that line and a function that stops the server
// (as SIGINT does: it cancels run's context) and checks that it shut down
// cleanly. The server is stopped when the test ends if not before.
func startServe(t *testing.T, args ...string) (string, string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	log := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve"}, args...), pw, log)
		pw.Close()
		done <- err
	}()
	lines := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // beyond the two lines read: keep draining the pipe
			}
		}
		close(lines)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve did not shut down cleanly: %v\n%s", err, log)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("serve did not stop within 30 s of its context being cancelled")
			}
		})
	}
	t.Cleanup(stop)
	var first, second string
	for i, line := range []*string{&first, &second} {
		var ok bool
		select {
		case *line, ok = <-lines:
			if !ok {
				stop()
				t.Fatalf("serve stopped after %d lines: %v\n%s", i, <-done, log)
			}
		case <-time.After(60 * time.Second):
			stop()
			t.Fatalf("serve printed %d lines within 60 s, want 2", i)
		}
	}
	url, ok := strings.CutPrefix(first, "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		stop()
		t.Fatalf("first line %q, want 'listening on http://127.0.0.1:PORT'", first)
	}
	return url, second, stop
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
	db := filepath.Join(t.TempDir(), "share", "placeplan", "placeplan.db")
	if _, _, code := runCLI(t, "serve", "--db", db, "--addr", "127.0.0.1:0"); code != 66 {
		t.Errorf("serve --db on a missing file without --create: exit %d, want 66", code)
	}
	if _, errOut, code := runCLI(t, "serve", "--create"); code != 2 || !strings.Contains(errOut, "--create needs --db FILE") {
		t.Errorf("--create without --db: exit %d, %s", code, errOut)
	}

	url, says, stop := startServe(t, "--db", db, "--create", "--addr", "127.0.0.1:0")
	if says != "serving database "+db+" (created now from the embedded default dataset): what you save is kept there" {
		t.Errorf("second line %q", says)
	}
	doc := readFile(t, filepath.Join("..", "..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	mine := strings.Replace(doc, "name: Shropshire — five integrated teams (Oswestry live)", "name: Kept after a restart", 1)
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

	url, says, stop = startServe(t, "--db", db, "--create", "--addr", "127.0.0.1:0", "--basemap-style", "https://tiles.example.org/style.json")
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

// TestServeFrontendDir: serve --frontend-dir DIR serves the web map from
// DIR on disk, so a rebuilt file is served without restarting; a DIR that
// does not exist, is a file, or holds no index.html is refused before the
// server starts.
func TestServeFrontendDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "index.html"), "<!doctype html><title>dev</title>")
	url, _, stop := startServe(t, "--addr", "127.0.0.1:0", "--frontend-dir", dir)
	defer stop()
	if got := get(t, url+"/"); got != "<!doctype html><title>dev</title>" {
		t.Errorf("GET / = %q, want the index.html on disk", got)
	}
	writeFile(t, filepath.Join(dir, "index.html"), "<!doctype html><title>rebuilt</title>")
	if got := get(t, url+"/"); !strings.Contains(got, "rebuilt") {
		t.Errorf("GET / after a rebuild = %q", got)
	}
	if got := get(t, url+"/healthz"); !strings.Contains(got, `"ok"`) {
		t.Errorf("/healthz with --frontend-dir: %s", got)
	}

	file := filepath.Join(dir, "index.html")
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		dir  string
		code int
		want string
	}{
		{"missing", filepath.Join(dir, "nope"), 66, "does not exist"},
		{"a file", file, 65, "is not a directory"},
		{"no index.html", empty, 66, "has no index.html"},
	} {
		_, errOut, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--frontend-dir", tc.dir)
		if code != tc.code || !strings.Contains(errOut, "--frontend-dir "+tc.dir+" ") || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %s; want %d and %q", tc.name, code, errOut, tc.code, tc.want)
		}
	}
}

// TestServeWhoMayUseIt: with no users, serve refuses any address but a
// loopback one; once a user exists it requires sign-in on every route but
// health and the web page.
func TestServeWhoMayUseIt(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "who.db")
	err := run(ctx, []string{"serve", "--db", db, "--create", "--addr", "0.0.0.0:0"}, io.Discard, io.Discard)
	if exitCode(err, io.Discard) != 65 || !strings.Contains(err.Error(), "with no users: anyone who can reach it could read and change everything") {
		t.Fatalf("serve on every address with no users: exit %d, %v", exitCode(err, io.Discard), err)
	}
	st, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.New(st, accounts.Options{}).AddUser(ctx, cliActor(), accounts.NewUser{Name: "ana", Role: auth.Analyst}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	url, _, stop := startServe(t, "--db", db, "--addr", "127.0.0.1:0")
	defer stop()
	for path, want := range map[string]int{"/healthz": 200, "/": 200, "/api/v1/session": 200, "/api/v1/datasets": 401, "/tiles/areas.json": 401, "/ogc/collections": 401} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// TestServeMemoryLimit: the Go runtime's soft memory limit is 3/8 of
// --memory-budget (768 MiB at the default 2 GiB), unless GOMEMLIMIT is set,
// which the runtime then obeys.
func TestServeMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		gomemlimit string
		want       int64
		set        bool
	}{
		{"default", nil, "", 768 << 20, true},
		{"GOMEMLIMIT", nil, "2GiB", 0, false},
		{"budget", []string{"--memory-budget", "1GiB"}, "", 384 << 20, true},
		{"GOMEMLIMIT over budget", []string{"--memory-budget", "1GiB"}, "512MiB", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			c := newServeCmd().(*serveCmd)
			if _, err := parseInterspersed(c.flagSet(), tc.args); err != nil {
				t.Fatal(err)
			}
			if err := c.validate(); err != nil {
				t.Fatal(err)
			}
			if got, set := c.memoryLimit(); got != tc.want || set != tc.set {
				t.Errorf("memoryLimit() = %d, %v; want %d, %v", got, set, tc.want, tc.set)
			}
		})
	}
}
