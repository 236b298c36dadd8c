package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand writes the Shropshire paper as HTML through the real
// command line: the file appears only when complete, progress and the
// fields to complete go to stderr, and bad command lines exit 2 without
// writing anything.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "paper.html")
	stdout, stderr, code := runCLI(t, "report", "--scenario", "shropshire-five-teams", "--format", "html", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>Shropshire — five integrated teams (Oswestry live)</h1>", "Recommendations", "It is recommended that the Board"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the paper lacks %q", want)
		}
	}
	if stdout != "" || !strings.Contains(stderr, "report: wrote "+out) || !strings.Contains(stderr, "to complete: ") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the paper alone", len(entries))
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--scenario", "shropshire-five-teams", "--out", out}, "--format is required"},
		{[]string{"report", "--scenario", "shropshire-five-teams", "--format", "rtf", "--out", out}, `--format "rtf": use pdf, docx, html, xlsx, csv, gpkg, geojson, pmtiles`},
		{[]string{"report", "--scenario", "shropshire-five-teams", "--format", "html"}, "--out FILE is required"},
		{[]string{"report", "--format", "html", "--out", out}, "--scenario FILE is required"},
	} {
		if _, errOut, code := runCLI(t, tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errOut)
		}
	}
	// A scenario without a sites section has no plan to report.
	other := filepath.Join(dir, "need.html")
	if _, errOut, code := runCLI(t, "report", "--scenario", "shropshire-need", "--format", "html", "--out", other); code == 0 || !strings.Contains(errOut, "no sites section") {
		t.Errorf("shropshire-need: exit %d:\n%s", code, errOut)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("a failed report left %s", other)
	}
}
