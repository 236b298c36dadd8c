package api

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryRoute: every /api/v1 route the server serves is
// in the README's HTTP table, as it is written there — `{id}` for `:id`,
// and the table's two abbreviations: revisions[/{rev}[/plan|score]] and
// report.{pdf,…}.
func TestREADMEDocumentsEveryRoute(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(b), "### HTTP\n")
	table, _, _ = strings.Cut(table, "\nErrors are RFC 9457")
	abbreviated := map[string]string{
		"/api/v1/scenarios/{id}/revisions/{rev}":        "/api/v1/scenarios/{id}/revisions[/{rev}[",
		"/api/v1/scenarios/{id}/revisions/{rev}/{kind}": "/api/v1/scenarios/{id}/revisions[/{rev}[/plan\\|score]]",
		"/api/v1/scenarios/{id}/{file}":                 "/api/v1/scenarios/{id}/report.{pdf,",
	}
	param := regexp.MustCompile(`:(\w+)`)
	srv, _ := newServer(t, Config{}, newStore(t))
	for _, r := range srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1") {
			continue
		}
		path := param.ReplaceAllString(r.Path, "{$1}")
		if a, ok := abbreviated[path]; ok {
			if !strings.Contains(table, a) {
				t.Errorf("%s %s: the README's HTTP table does not have %q", r.Method, path, a)
			}
			continue
		}
		// The path whole: followed by the end of the code span, a query,
		// a list, a space or an optional part, not by more path.
		if !regexp.MustCompile(regexp.QuoteMeta(path) + "([`?, \\[]|$)").MatchString(table) {
			t.Errorf("%s %s is not in the README's HTTP table", r.Method, path)
		}
	}
}
