package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestScenarioCommands runs the registry through the command line on a
// database file: create, update, a stale update refused, show, history,
// export, import and archive.
func TestScenarioCommands(t *testing.T) {
	db := defaultDBFile(t)
	dir := t.TempDir()
	base := readFile(t, fiveTeams)
	mine := filepath.Join(dir, "mine.yaml")
	writeFile(t, mine, strings.Replace(base, "name: Shropshire — five integrated teams (Oswestry live)", "name: Our five teams", 1))
	run := func(wantCode int, args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, append(args, "--db", db)...)
		if code != wantCode {
			t.Fatalf("%v: exit %d (want %d): %s%s", args, code, wantCode, out, errOut)
		}
		return out + errOut
	}
	if out := run(0, "scenario", "list"); !strings.Contains(out, "shropshire-five-teams-30min") || !strings.Contains(out, "oxfordshire-hubs") {
		t.Errorf("list: %s", out)
	}
	if out := run(0, "scenario", "create", "--file", mine, "--author", "ana", "--note", "first"); !strings.HasPrefix(out, "our-five-teams@1\t") {
		t.Errorf("create: %q", out)
	}
	four := filepath.Join(dir, "four.yaml")
	writeFile(t, four, strings.Replace(readFile(t, mine), "teams: 5", "teams: 4", 1))
	if out := run(0, "scenario", "update", "our-five-teams", "--file", four, "--base", "1", "--author", "ben"); !strings.Contains(out, "our-five-teams@2\tsites.teams: 5 → 4") {
		t.Errorf("update: %q", out)
	}
	if out := run(exitConflict, "scenario", "update", "our-five-teams", "--file", mine, "--base", "1"); !strings.Contains(out, "someone else (ben) saved revision 2 of \"our-five-teams\"") || !strings.Contains(out, "since you opened revision 1") {
		t.Errorf("stale update: %q", out)
	}
	if out := run(0, "scenario", "show", "our-five-teams@1"); !strings.Contains(out, "# our-five-teams — revision 1 of 2, by ana") || !strings.Contains(out, "teams: 5") {
		t.Errorf("show @1: %s", out)
	}
	if out := run(0, "scenario", "history", "our-five-teams"); strings.Count(out, "\n") != 3 || !strings.Contains(out, "sites.teams: 5 → 4") {
		t.Errorf("history: %s", out)
	}
	// plan and score take a stored scenario by id or id@revision.
	var plan struct {
		Teams int `json:"teams"`
	}
	if err := json.Unmarshal([]byte(run(0, "plan", "--scenario", "our-five-teams@1", "--format", "json")), &plan); err != nil || plan.Teams != 5 {
		t.Errorf("plan our-five-teams@1: %d teams, %v", plan.Teams, err)
	}
	if err := json.Unmarshal([]byte(run(0, "plan", "--scenario", "our-five-teams", "--format", "json")), &plan); err != nil || plan.Teams != 4 {
		t.Errorf("plan our-five-teams (current): %d teams, %v", plan.Teams, err)
	}
	exported := filepath.Join(dir, "exported.json")
	run(0, "scenario", "export", "our-five-teams", "--as", "json", "--out", exported)
	var doc map[string]any
	if err := json.Unmarshal([]byte(readFile(t, exported)), &doc); err != nil || doc["name"] != "Our five teams" {
		t.Errorf("export: %v %v", doc["name"], err)
	}
	// The export is the document stored: importing it stores nothing,
	// and says where it is.
	if out := run(0, "scenario", "import", exported); !strings.HasPrefix(out, "our-five-teams@2\tOur five teams") ||
		!strings.Contains(out, exported+" is already stored as our-five-teams@2 (the same document): not imported again") {
		t.Errorf("import of a stored document: %q", out)
	}
	// A changed one is a new scenario.
	writeFile(t, exported, strings.Replace(readFile(t, exported), "Our five teams", "Our four teams", 1))
	if out := run(0, "scenario", "import", exported); !strings.HasPrefix(out, "our-four-teams@1\t") || strings.Contains(out, "already") {
		t.Errorf("import: %q", out)
	}
	run(exitConflict, "scenario", "archive", "our-five-teams", "--base", "1")
	run(0, "scenario", "archive", "our-five-teams", "--base", "2", "--author", "cat", "--note", "superseded by four")
	if out := run(0, "scenario", "history", "our-five-teams"); !regexp.MustCompile(`\narchived +\S+ \S+ +cat +superseded by four +archived at revision 2 \(kept\)\n`).MatchString(out) {
		t.Errorf("history of an archived scenario: %s", out)
	}
	run(exitConflict, "scenario", "archive", "our-five-teams", "--base", "2")
	if out := run(0, "scenario", "list"); strings.Contains(out, "our-five-teams\t") || strings.Contains(out, "our-five-teams ") {
		t.Errorf("archived scenario listed: %s", out)
	}
	// Mistakes.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"scenario"}, 2, "give an action"},
		{[]string{"scenario", "update", "x", "--file", mine}, 2, "--base REVISION is required"},
		{[]string{"scenario", "create", "--file", mine}, 2, "--db FILE is required"},
		{[]string{"scenario", "show", "nope"}, 66, `scenario "nope"`},
		{[]string{"compare", "shropshire-need"}, 2, "two or more"},
	} {
		_, errOut, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %s; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

// TestCompareCommand compares the shipped 20- and 30-minute Shropshire
// scenarios; the table is compared with the golden file (-update rewrites).
func TestCompareCommand(t *testing.T) {
	out, errOut, code := runCLI(t, "compare", "shropshire-five-teams", "shropshire-five-teams-30min")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden := filepath.Join("testdata", "compare_shropshire_20_30.txt")
	if updatingGolden() {
		writeFile(t, golden, out)
	}
	if want := readFile(t, golden); out != want {
		t.Errorf("compare table differs from %s (rerun with -update if intended):\n%s", golden, out)
	}
	out, _, code = runCLI(t, "compare", "shropshire-five-teams", "shropshire-five-teams-30min", "--format", "json")
	var doc struct {
		Labels      []string `json:"labels"`
		Differences []struct {
			Field  string   `json:"field"`
			Values []string `json:"values"`
		} `json:"differences"`
		Areas  map[string]string `json:"areas"`
		Equity []struct {
			MostDeprivedShare *float64 `json:"most_deprived_share"`
		} `json:"equity"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatal(err, code)
	}
	if len(doc.Differences) != 1 || doc.Differences[0].Field != "sites.standard_minutes" || doc.Differences[0].Values[1] != "30" ||
		len(doc.Areas) != 193 || len(doc.Equity) != 2 || doc.Equity[1].MostDeprivedShare == nil {
		t.Errorf("compare json: %+v", doc)
	}
}
