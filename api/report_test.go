package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fetchReport asks the real server for a report, polling while it
// answers 202 as a page would, and returns the final response's status,
// headers and body.
func fetchReport(t *testing.T, base, path string) (int, http.Header, []byte, int) {
	t.Helper()
	polls := 0
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return resp.StatusCode, resp.Header, body, polls
		}
		polls++
		var st reportStatus
		if err := json.Unmarshal(body, &st); err != nil || st.Status != "running" || st.Step == "" || st.Poll != path {
			t.Fatalf("202 body %s (%v)", body, err)
		}
		if resp.Header.Get("Retry-After") != "1" || resp.Header.Get("Location") != path {
			t.Fatalf("202 headers %v", resp.Header)
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("%s: still running after 90 s", path)
	return 0, nil, nil, 0
}

// TestReportRoute asks the real server, on port 0 over a SQLite file, for
// the Shropshire paper and files: each arrives (at once or after polls)
// with its media type and a file name naming the scenario; bad names,
// unknown scenarios and scenarios without a plan are problems.
func TestReportRoute(t *testing.T) {
	srv, _ := newServer(t, Config{Addr: "127.0.0.1:0"}, loadDefault(t))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	base := srv.URL()
	for _, tc := range []struct {
		path, mediaType, file string
		starts                []byte
	}{
		{"/api/v1/scenarios/shropshire-five-teams/report.html", "text/html", "shropshire-five-teams.html", []byte("<!doctype html>")},
		{"/api/v1/scenarios/shropshire-five-teams/report.pdf", "application/pdf", "shropshire-five-teams.pdf", []byte("%PDF-")},
		{"/api/v1/scenarios/shropshire-five-teams/report.csv", "application/zip", "shropshire-five-teams.csv.zip", []byte("PK")},
		{"/api/v1/scenarios/shropshire-five-teams/report.gpkg", "application/geopackage+sqlite3", "shropshire-five-teams.gpkg", []byte("SQLite format 3\x00")},
		{"/api/v1/scenarios/shropshire-five-teams/report.xlsx?compare=shropshire-five-teams-30min",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "shropshire-five-teams-vs-shropshire-five-teams-30min.xlsx", []byte("PK")},
	} {
		code, h, body, polls := fetchReport(t, base, tc.path)
		if code != http.StatusOK {
			t.Errorf("%s: status %d: %s", tc.path, code, body)
			continue
		}
		if !strings.HasPrefix(h.Get("Content-Type"), tc.mediaType) || !strings.Contains(h.Get("Content-Disposition"), `filename="`+tc.file+`"`) ||
			!bytes.HasPrefix(body, tc.starts) {
			t.Errorf("%s: %s, %s, starts %q", tc.path, h.Get("Content-Type"), h.Get("Content-Disposition"), body[:min(len(body), 16)])
		}
		t.Logf("%s: %d bytes after %d polls", tc.path, len(body), polls)
	}
	// With no wait, the first answer is 202 with the status, and polling
	// brings the file.
	srv.reports.wait = 0
	if code, _, body, polls := fetchReport(t, base, "/api/v1/scenarios/shropshire-five-teams/report.docx"); code != 200 || polls == 0 || !bytes.HasPrefix(body, []byte("PK")) {
		t.Errorf("the Word paper without waiting: status %d after %d polls", code, polls)
	}
	srv.reports.wait = reportWait
	// A second request for a paper just made is answered from the job at once.
	start := time.Now()
	if code, _, _, polls := fetchReport(t, base, "/api/v1/scenarios/shropshire-five-teams/report.pdf"); code != 200 || polls != 0 {
		t.Errorf("the same paper again: status %d after %d polls", code, polls)
	}
	if d := time.Since(start); d > reportWait {
		t.Errorf("the same paper again took %s: it was made anew", d)
	}
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/api/v1/scenarios/shropshire-five-teams/report.rtf", 404, "want report.{pdf,docx,html,xlsx,csv,gpkg,geojson,pmtiles}"},
		{"/api/v1/scenarios/shropshire-five-teams/paper.pdf", 404, "want report.{"},
		{"/api/v1/scenarios/nowhere/report.pdf", 404, "nowhere"},
		{"/api/v1/scenarios/shropshire-need/report.pdf", 400, "no sites section"},
		{"/api/v1/scenarios/shropshire-five-teams/report.pdf?compare=nowhere", 404, "nowhere"},
	} {
		code, h, body, _ := fetchReport(t, base, tc.path)
		if code != tc.code || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d %s %s, want %d and %q", tc.path, code, h.Get("Content-Type"), body, tc.code, tc.want)
		}
	}
}
