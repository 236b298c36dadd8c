package data

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"placeplan"
	"placeplan/data/internal/datatest"
)

// scenarioStore opens a store in a file of its own whose clock starts at
// 09:00 on 2 March 2026 and moves on a minute at every reading.
func scenarioStore(t *testing.T) (*Store, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "scenarios.db")
	s, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = tickingClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	return s, p
}

// tickingClock returns a clock that reads start, start+1m, start+2m…
func tickingClock(start time.Time) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := next
		next = next.Add(time.Minute)
		return t
	}
}

// countRevisions counts a scenario's stored revisions directly.
func countRevisions(t *testing.T, s *Store, id string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM scenario_revisions WHERE scenario_id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A document whose bytes a JSON round trip would change (key order,
// spacing, a trailing zero, an escaped and an unescaped non-ASCII letter):
// the registry must give back exactly these bytes.
var shropshireDoc = []byte("{\"placeplan_scenario\":1, \"name\":\"Shropshire \u2014 five teams\",\n  \"weights\":\"equal\",\"sites\":{\"teams\":5,\"standard\":20.50,\"fixed\":[\"Oswestry\"]},\"note\":\"\\u00e9t\u00e9\"}")

func TestScenarioCreateAndRead(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rev, err := s.CreateScenario(ctx, "shropshire-five-teams", "  Shropshire — five integrated teams  ", shropshireDoc, placeplan.Actor{Name: "asha"}, "first draft for the board")
	if err != nil {
		t.Fatal(err)
	}
	want := placeplan.ScenarioRevision{ScenarioID: "shropshire-five-teams", Revision: 1, Name: "Shropshire — five integrated teams",
		Document: shropshireDoc, Author: "asha", Note: "first draft for the board", Changes: "created", CreatedAt: created}
	checkRevision(t, "created", rev, want)
	if _, err := s.CreateScenario(ctx, "oxfordshire-hubs", "Oxfordshire hubs", []byte(`{"name":"Oxfordshire hubs"}`), placeplan.Actor{Name: "ben"}, ""); err != nil {
		t.Fatal(err)
	}

	got, err := s.Scenario(ctx, "shropshire-five-teams")
	if err != nil {
		t.Fatal(err)
	}
	wantRec := placeplan.ScenarioRecord{ID: "shropshire-five-teams", Name: "Shropshire — five integrated teams", Revision: 1,
		CreatedAt: created, UpdatedAt: created, Author: "asha"}
	if got != wantRec {
		t.Errorf("Scenario:\n got %+v\nwant %+v", got, wantRec)
	}
	for _, r := range []int{0, 1} {
		rev, err := s.ScenarioRevision(ctx, "shropshire-five-teams", r)
		if err != nil {
			t.Fatal(err)
		}
		checkRevision(t, fmt.Sprintf("ScenarioRevision(%d)", r), rev, want)
	}
	list, err := s.Scenarios(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "oxfordshire-hubs" || list[1].ID != "shropshire-five-teams" || list[1] != wantRec {
		t.Errorf("Scenarios: %+v", list)
	}

	_, err = s.Scenario(ctx, "no-such-scenario")
	datatest.AssertAppError(t, err, placeplan.ENOTFOUND, `"no-such-scenario"`)
	_, err = s.ScenarioRevision(ctx, "no-such-scenario", 0)
	datatest.AssertAppError(t, err, placeplan.ENOTFOUND, `"no-such-scenario"`)
	_, err = s.ScenarioRevisions(ctx, "no-such-scenario")
	datatest.AssertAppError(t, err, placeplan.ENOTFOUND, `"no-such-scenario"`)
	_, err = s.ScenarioRevision(ctx, "shropshire-five-teams", 5)
	datatest.AssertAppError(t, err, placeplan.ENOTFOUND, `"shropshire-five-teams"`, "no revision 5", "at revision 1")
	_, err = s.ScenarioRevision(ctx, "shropshire-five-teams", -1)
	datatest.AssertAppError(t, err, placeplan.EINVALID, `"shropshire-five-teams"`, "-1")

	empty, _ := scenarioStore(t)
	if list, err := empty.Scenarios(ctx, true); err != nil || len(list) != 0 {
		t.Errorf("an empty registry lists %v, %v", list, err)
	}
}

func checkRevision(t *testing.T, where string, got, want placeplan.ScenarioRevision) {
	t.Helper()
	if !bytes.Equal(got.Document, want.Document) {
		t.Errorf("%s: document\n got %q\nwant %q", where, got.Document, want.Document)
	}
	got.Document, want.Document = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", where, got, want)
	}
}

func TestScenarioArgumentsValidated(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	doc := []byte(`{"name":"x"}`)
	for _, tc := range []struct {
		name, id, title string
		doc             []byte
		want            string // "" for success, else a part of the message
	}{
		{"one letter", "a", "A", doc, ""},
		{"one digit", "7", "Seven", doc, ""},
		{"the shipped slug", "shropshire-five-teams", "Shropshire", doc, ""},
		{"64 characters", strings.Repeat("a", 64), "Long", doc, ""},
		{"digits and double hyphen", "oxon--2026-v2", "Oxon", doc, ""},
		{"empty id", "", "Empty", doc, "empty scenario id"},
		{"65 characters", strings.Repeat("a", 65), "Too long", doc, "at most 64"},
		{"upper case", "Shropshire", "Upper", doc, "lower-case"},
		{"underscore", "five_teams", "Underscore", doc, "lower-case"},
		{"space", "five teams", "Space", doc, "lower-case"},
		{"accented letter", "café", "Accent", doc, "lower-case"},
		{"path", "../etc", "Path", doc, "lower-case"},
		{"leading hyphen, taken for a flag", "-five", "Flag", doc, "hyphen"},
		{"trailing hyphen", "five-", "Trailing", doc, "hyphen"},
		{"empty name", "no-name", "   ", doc, "empty name"},
		{"name with a newline", "newline", "Five\nteams", doc, "control character"},
		{"empty document", "no-doc", "No doc", nil, "empty document"},
		{"blank document", "blank-doc", "Blank", []byte(" \n"), "empty document"},
		{"truncated JSON", "truncated", "Truncated", []byte(`{"name":`), "not valid JSON"},
		{"a JSON array", "array", "Array", []byte(`[1,2]`), "not a JSON object"},
		{"not UTF-8", "latin1", "Latin-1", []byte("{\"name\":\"caf\xe9\"}"), "not UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idValid := tc.want == "" || isDocOrNameCase(tc.want)
			if err := ValidateScenarioID(tc.id); (err == nil) != idValid {
				t.Errorf("ValidateScenarioID(%q) = %v", tc.id, err)
			}
			_, err := s.CreateScenario(ctx, tc.id, tc.title, tc.doc, placeplan.Actor{Name: "asha"}, "")
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CreateScenario(%q): %v", tc.id, err)
				}
				return
			}
			datatest.AssertAppError(t, err, placeplan.EINVALID, tc.want)
			if n := countRevisions(t, s, tc.id); n != 0 {
				t.Errorf("a refused scenario left %d revisions", n)
			}
		})
	}
}

// isDocOrNameCase tells the cases whose id is valid but whose name or
// document is not.
func isDocOrNameCase(want string) bool {
	for _, p := range []string{"empty name", "control character", "document", "JSON", "UTF-8"} {
		if strings.Contains(want, p) {
			return true
		}
	}
	return false
}

func TestScenarioDuplicateID(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	if _, err := s.CreateScenario(ctx, "five-teams", "Five teams", []byte(`{"teams":5}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateScenario(ctx, "five-teams", "Another", []byte(`{"teams":4}`), placeplan.Actor{Name: "ben"}, "")
	datatest.AssertAppError(t, err, placeplan.ECONFLICT, `"five-teams"`, "already exists")
	if err := s.ArchiveScenario(ctx, "five-teams", 1, placeplan.Actor{Name: "asha"}, "superseded"); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateScenario(ctx, "five-teams", "Another", []byte(`{"teams":4}`), placeplan.Actor{Name: "ben"}, "")
	datatest.AssertAppError(t, err, placeplan.ECONFLICT, `"five-teams"`, "archived")
	rev, err := s.ScenarioRevision(ctx, "five-teams", 0)
	if err != nil || rev.Name != "Five teams" || string(rev.Document) != `{"teams":5}` || countRevisions(t, s, "five-teams") != 1 {
		t.Errorf("after refused creations: %+v, %v", rev, err)
	}
}

func TestScenarioUpdateChain(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	docs := [][]byte{
		shropshireDoc,
		[]byte(`{"teams":5, "standard":30}`),
		[]byte(`{"teams":4,"standard":30 }`),
	}
	if _, err := s.CreateScenario(ctx, "shropshire", "Shropshire", docs[0], placeplan.Actor{Name: "asha"}, "draft"); err != nil {
		t.Fatal(err)
	}
	r2, err := s.UpdateScenario(ctx, "shropshire", 1, "", docs[1], placeplan.Actor{Name: "ben"}, "rural reach", "service standard 20 → 30 minutes")
	if err != nil {
		t.Fatal(err)
	}
	r3, err := s.UpdateScenario(ctx, "shropshire", 2, "Shropshire — four teams", docs[2], placeplan.Actor{Name: "asha"}, "budget", "teams 5 → 4")
	if err != nil {
		t.Fatal(err)
	}
	if r2.Revision != 2 || r2.Name != "Shropshire" || r3.Revision != 3 || r3.Name != "Shropshire — four teams" {
		t.Errorf("updates returned %+v and %+v", r2, r3)
	}
	want := []placeplan.ScenarioRevision{
		{ScenarioID: "shropshire", Revision: 1, Name: "Shropshire", Document: docs[0], Author: "asha", Note: "draft", Changes: "created", CreatedAt: t0},
		{ScenarioID: "shropshire", Revision: 2, Name: "Shropshire", Document: docs[1], Author: "ben", Note: "rural reach",
			Changes: "service standard 20 → 30 minutes", CreatedAt: t0.Add(time.Minute)},
		{ScenarioID: "shropshire", Revision: 3, Name: "Shropshire — four teams", Document: docs[2], Author: "asha", Note: "budget",
			Changes: "teams 5 → 4", CreatedAt: t0.Add(2 * time.Minute)},
	}
	history, err := s.ScenarioRevisions(ctx, "shropshire")
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != len(want) {
		t.Fatalf("%d revisions, want %d", len(history), len(want))
	}
	for i := range want {
		checkRevision(t, fmt.Sprintf("history[%d]", i), history[i], want[i])
		one, err := s.ScenarioRevision(ctx, "shropshire", i+1)
		if err != nil {
			t.Fatal(err)
		}
		checkRevision(t, fmt.Sprintf("revision %d", i+1), one, want[i])
	}
	rec, err := s.Scenario(ctx, "shropshire")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Revision != 3 || rec.Name != "Shropshire — four teams" || rec.Author != "asha" ||
		!rec.CreatedAt.Equal(t0) || !rec.UpdatedAt.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("record after two updates: %+v", rec)
	}

	// Saving the current document and name again makes no revision.
	same, err := s.UpdateScenario(ctx, "shropshire", 3, "Shropshire — four teams", docs[2], placeplan.Actor{Name: "ben"}, "again", "nothing")
	if err != nil {
		t.Fatal(err)
	}
	checkRevision(t, "repeated update", same, want[2])
	if n := countRevisions(t, s, "shropshire"); n != 3 {
		t.Errorf("a repeated update stored a revision: %d revisions", n)
	}
	// The same document under a new name is a change.
	r4, err := s.UpdateScenario(ctx, "shropshire", 3, "Shropshire — 4 teams", docs[2], placeplan.Actor{Name: "ben"}, "", "renamed")
	if err != nil || r4.Revision != 4 || !bytes.Equal(r4.Document, docs[2]) {
		t.Errorf("rename: %+v, %v", r4, err)
	}
	// Changing the caller's slice afterwards changes nothing stored.
	docs[2][1] = 'X'
	if got, _ := s.ScenarioRevision(ctx, "shropshire", 3); got.Document[1] != '"' {
		t.Errorf("the stored document shares the caller's memory: %q", got.Document)
	}
}

func TestScenarioStaleUpdateStoresNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	if _, err := s.CreateScenario(ctx, "oxon", "Oxfordshire", []byte(`{"v":1}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScenario(ctx, "oxon", 1, "", []byte(`{"v":2}`), placeplan.Actor{Name: "ben"}, "", "v 2"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		base int
		code string
		msg  []string
	}{
		{"someone else saved revision 2", 1, placeplan.EPRECONDITION,
			[]string{`someone else (ben) saved revision 2 of "oxon" at 09:01 UTC on 2 March 2026 since you opened revision 1`, "reload and reapply"}},
		{"a revision from the future", 7, placeplan.EPRECONDITION, []string{`"oxon"`, "at revision 2", "no revision 7"}},
		{"no base revision", 0, placeplan.EINVALID, []string{`"oxon"`, "revision it starts from"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.UpdateScenario(ctx, "oxon", tc.base, "Renamed", []byte(`{"v":3}`), placeplan.Actor{Name: "cai"}, "", "v 3")
			datatest.AssertAppError(t, err, tc.code, tc.msg...)
			if n := countRevisions(t, s, "oxon"); n != 2 {
				t.Errorf("%d revisions after a refused update, want 2", n)
			}
			if rec, _ := s.Scenario(ctx, "oxon"); rec.Revision != 2 || rec.Name != "Oxfordshire" {
				t.Errorf("record after a refused update: %+v", rec)
			}
		})
	}
	_, err := s.UpdateScenario(ctx, "nowhere", 1, "", []byte(`{}`), placeplan.Actor{Name: "cai"}, "", "")
	datatest.AssertAppError(t, err, placeplan.ENOTFOUND, `"nowhere"`)
	_, err = s.UpdateScenario(ctx, "oxon", 2, "", []byte(`not json`), placeplan.Actor{Name: "cai"}, "", "")
	datatest.AssertAppError(t, err, placeplan.EINVALID, `"oxon"`, "JSON")
}

// A refused update or archive carries the current revision, who saved it,
// when, their note and changes as Details, and says so in words.
func TestScenarioStaleDetails(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t) // 2 March 2026, 09:00, a minute a call
	if _, err := s.CreateScenario(ctx, "oxon", "Oxfordshire", []byte(`{"v":1}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScenario(ctx, "oxon", 1, "", []byte(`{"v":2}`), placeplan.Actor{Name: "alice"}, "rural reach", "sites.teams: 5 → 4"); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"current_revision": 2, "changed_by": "alice", "changed_at": "2026-03-02T09:01:00Z",
		"note": "rural reach", "changes": "sites.teams: 5 → 4"}
	_, err := s.UpdateScenario(ctx, "oxon", 1, "", []byte(`{"v":3}`), placeplan.Actor{Name: "ben"}, "", "")
	datatest.AssertAppError(t, err, placeplan.EPRECONDITION, `someone else (alice) saved revision 2 of "oxon" at 09:01 UTC on 2 March 2026 since you opened revision 1: reload and reapply your change`)
	if got := placeplan.ErrorDetails(err); !maps.Equal(got, want) {
		t.Errorf("update details %v, want %v", got, want)
	}
	err = s.ArchiveScenario(ctx, "oxon", 1, placeplan.Actor{Name: "ben"}, "")
	datatest.AssertAppError(t, err, placeplan.EPRECONDITION, "someone else (alice) saved revision 2")
	if got := placeplan.ErrorDetails(err); !maps.Equal(got, want) {
		t.Errorf("archive details %v, want %v", got, want)
	}
	_, err = s.UpdateScenario(ctx, "oxon", 5, "", []byte(`{"v":3}`), placeplan.Actor{Name: "ben"}, "", "")
	datatest.AssertAppError(t, err, placeplan.EPRECONDITION, "no revision 5")
	if got := placeplan.ErrorDetails(err); got["current_revision"] != 2 {
		t.Errorf("a revision from the future: details %v", got)
	}
}

// Two people (here eight, on two connections pools as two server processes
// would be) save from the same revision at once: exactly one wins, and the
// others are told to reload.
func TestScenarioConcurrentUpdatesOneWins(t *testing.T) {
	ctx := context.Background()
	s, path := scenarioStore(t)
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := s.CreateScenario(ctx, "race", "Race", []byte(`{"v":0}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		store := s
		if i%2 == 1 {
			store = other
		}
		wg.Go(func() {
			<-start
			_, errs[i] = store.UpdateScenario(ctx, "race", 1, "", fmt.Appendf(nil, `{"v":%d}`, i+1), placeplan.Actor{Name: fmt.Sprint("editor ", i)}, "", "v")
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch placeplan.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Errorf("editors %d and %d both saved revision 2", winner, i)
			}
			winner = i
		case placeplan.EPRECONDITION:
		default:
			t.Errorf("editor %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no editor saved")
	}
	if c := countRevisions(t, s, "race"); c != 2 {
		t.Errorf("%d revisions, want 2", c)
	}
	rev, err := s.ScenarioRevision(ctx, "race", 0)
	if err != nil || rev.Revision != 2 || string(rev.Document) != fmt.Sprintf(`{"v":%d}`, winner+1) {
		t.Errorf("current revision %+v, %v; want editor %d's", rev, err, winner)
	}
}

func TestScenarioArchive(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	for _, id := range []string{"keep", "old"} {
		if _, err := s.CreateScenario(ctx, id, strings.ToUpper(id), []byte(`{"v":1}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UpdateScenario(ctx, "old", 1, "", []byte(`{"v":2}`), placeplan.Actor{Name: "ben"}, "", "v 2"); err != nil {
		t.Fatal(err)
	}
	err := s.ArchiveScenario(ctx, "old", 1, placeplan.Actor{Name: "asha"}, "superseded")
	datatest.AssertAppError(t, err, placeplan.EPRECONDITION, `someone else (ben) saved revision 2 of "old"`, "since you opened revision 1")
	datatest.AssertAppError(t, s.ArchiveScenario(ctx, "old", 0, placeplan.Actor{Name: "asha"}, ""), placeplan.EINVALID, `"old"`)
	datatest.AssertAppError(t, s.ArchiveScenario(ctx, "gone", 1, placeplan.Actor{Name: "asha"}, ""), placeplan.ENOTFOUND, `"gone"`)
	if err := s.ArchiveScenario(ctx, "old", 2, placeplan.Actor{Name: "cai"}, "superseded by keep"); err != nil {
		t.Fatal(err)
	}

	list, err := s.Scenarios(ctx, false)
	if err != nil || len(list) != 1 || list[0].ID != "keep" {
		t.Errorf("default list after archiving: %+v, %v", list, err)
	}
	all, err := s.Scenarios(ctx, true)
	if err != nil || len(all) != 2 || all[1].ID != "old" {
		t.Fatalf("full list after archiving: %+v, %v", all, err)
	}
	old := all[1]
	// The clock read 09:00 and 09:01 for the creations, 09:02 for the update.
	if !old.Archived || !old.ArchivedAt.Equal(time.Date(2026, 3, 2, 9, 3, 0, 0, time.UTC)) ||
		old.ArchivedBy != "cai" || old.ArchiveNote != "superseded by keep" || old.Revision != 2 {
		t.Errorf("archived record %+v", old)
	}
	if rec, err := s.Scenario(ctx, "old"); err != nil || rec != old {
		t.Errorf("Scenario of an archived scenario: %+v, %v", rec, err)
	}

	_, err = s.UpdateScenario(ctx, "old", 2, "", []byte(`{"v":3}`), placeplan.Actor{Name: "ben"}, "", "v 3")
	datatest.AssertAppError(t, err, placeplan.ECONFLICT, `"old" is archived`)
	datatest.AssertAppError(t, s.ArchiveScenario(ctx, "old", 2, placeplan.Actor{Name: "ben"}, ""), placeplan.ECONFLICT, `"old" is archived`)
	if history, err := s.ScenarioRevisions(ctx, "old"); err != nil || len(history) != 2 {
		t.Errorf("history of an archived scenario: %d revisions, %v", len(history), err)
	}
	if rev, err := s.ScenarioRevision(ctx, "old", 1); err != nil || string(rev.Document) != `{"v":1}` {
		t.Errorf("revision 1 of an archived scenario: %+v, %v", rev, err)
	}
}

func TestScenarioRevisionsImmutableInTheDatabase(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	if _, err := s.CreateScenario(ctx, "fixed", "Fixed", []byte(`{"v":1}`), placeplan.Actor{Name: "asha"}, "original"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, sql, want string }{
		{"rewrite a document", `UPDATE scenario_revisions SET document = '{"v":666}' WHERE scenario_id = 'fixed'`, "immutable"},
		{"rewrite the author", `UPDATE scenario_revisions SET author = 'mallory'`, "immutable"},
		{"delete a revision", `DELETE FROM scenario_revisions WHERE scenario_id = 'fixed'`, "immutable"},
		{"skip a revision number", `INSERT INTO scenario_revisions (scenario_id, revision, name, document, created_at)
			VALUES ('fixed', 3, 'Fixed', '{}', '2026-01-01T00:00:00Z')`, "without gaps"},
		{"rewrite revision 1", `INSERT OR REPLACE INTO scenario_revisions (scenario_id, revision, name, document, created_at)
			VALUES ('fixed', 1, 'Fixed', '{}', '2026-01-01T00:00:00Z')`, "without gaps"},
		{"store a document that is not JSON", `INSERT INTO scenario_revisions (scenario_id, revision, name, document, created_at)
			VALUES ('fixed', 2, 'Fixed', 'not json', '2026-01-01T00:00:00Z')`, "CHECK"},
		{"delete the scenario", `DELETE FROM scenarios WHERE id = 'fixed'`, "never deleted"},
		{"point at a revision that does not exist", `UPDATE scenarios SET revision = 9 WHERE id = 'fixed'`, "FOREIGN KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.db.ExecContext(ctx, tc.sql)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want an error mentioning %q", tc.sql, err, tc.want)
			}
		})
	}
	rev, err := s.ScenarioRevision(ctx, "fixed", 0)
	if err != nil || rev.Revision != 1 || string(rev.Document) != `{"v":1}` || rev.Author != "asha" || countRevisions(t, s, "fixed") != 1 {
		t.Errorf("after the refused statements: %+v, %v", rev, err)
	}
}

func TestScenarioResultsCache(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	if _, err := s.CreateScenario(ctx, "shropshire", "Shropshire", []byte(`{"v":1}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScenario(ctx, "shropshire", 1, "", []byte(`{"v":2}`), placeplan.Actor{Name: "asha"}, "", "v 2"); err != nil {
		t.Fatal(err)
	}
	score := []byte(`{"ranks":[3,1,2]}`)
	plan := []byte("\x00\xff not even UTF-8") // opaque bytes come back as they went in
	put := func(rev int, dataRev int64, kind string, b []byte) {
		t.Helper()
		if err := s.PutScenarioResult(ctx, "shropshire", rev, dataRev, kind, b); err != nil {
			t.Fatal(err)
		}
	}
	put(1, 4, "score", score)
	put(1, 4, "plan", plan)
	put(2, 5, "score", []byte(`{"ranks":[1,2,3]}`))
	// The first result stored for a key stays.
	put(1, 4, "score", []byte(`{"ranks":"recomputed"}`))

	for _, tc := range []struct {
		name    string
		rev     int
		dataRev int64
		kind    string
		want    []byte // nil for a miss
	}{
		{"stored score", 1, 4, "score", score},
		{"stored plan", 1, 4, "plan", plan},
		{"the other revision's score", 2, 5, "score", []byte(`{"ranks":[1,2,3]}`)},
		{"same revision, newer data", 1, 5, "score", nil},
		{"same revision, older data", 1, 3, "score", nil},
		{"same data, other revision", 2, 4, "score", nil},
		{"a kind never computed", 1, 4, "compare", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := s.ScenarioResult(ctx, "shropshire", tc.rev, tc.dataRev, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tc.want != nil) || !bytes.Equal(got, tc.want) {
				t.Errorf("got %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
	if got, ok, err := s.ScenarioResult(ctx, "nowhere", 1, 4, "score"); got != nil || ok || err != nil {
		t.Errorf("an unknown scenario: %q, %v, %v; want a miss", got, ok, err)
	}

	datatest.AssertAppError(t, s.PutScenarioResult(ctx, "shropshire", 3, 4, "score", score), placeplan.ENOTFOUND, `"shropshire"`, "no revision 3")
	datatest.AssertAppError(t, s.PutScenarioResult(ctx, "nowhere", 1, 4, "score", score), placeplan.ENOTFOUND, `"nowhere"`)
	datatest.AssertAppError(t, s.PutScenarioResult(ctx, "shropshire", 0, 4, "score", score), placeplan.EINVALID, "per revision")
	datatest.AssertAppError(t, s.PutScenarioResult(ctx, "shropshire", 1, -1, "score", score), placeplan.EINVALID, "data revision")
	datatest.AssertAppError(t, s.PutScenarioResult(ctx, "shropshire", 1, 4, "Score!", score), placeplan.EINVALID, "result kind")
	datatest.AssertAppError(t, s.PutScenarioResult(ctx, "shropshire", 1, 4, "score", nil), placeplan.EINVALID, "empty score result")
	_, _, err := s.ScenarioResult(ctx, "shropshire", 0, 4, "score")
	datatest.AssertAppError(t, err, placeplan.EINVALID, "per revision")

	// Results of an archived scenario stay, and can still be cached.
	if err := s.ArchiveScenario(ctx, "shropshire", 2, placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	put(2, 6, "plan", plan)
	if got, ok, _ := s.ScenarioResult(ctx, "shropshire", 1, 4, "score"); !ok || !bytes.Equal(got, score) {
		t.Errorf("a result of an archived scenario: %q, %v", got, ok)
	}
}

func TestEnsureScenarioNeverOverwrites(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	created, err := s.EnsureScenario(ctx, "shropshire-five-teams", "Shropshire — five teams", shropshireDoc, "placeplan", "shipped")
	if err != nil || !created {
		t.Fatalf("first EnsureScenario: %v, %v", created, err)
	}
	if _, err := s.UpdateScenario(ctx, "shropshire-five-teams", 1, "", []byte(`{"edited":true}`), placeplan.Actor{Name: "asha"}, "", "edited"); err != nil {
		t.Fatal(err)
	}
	// A later start ships a different default: the user's edit stays.
	created, err = s.EnsureScenario(ctx, "shropshire-five-teams", "Shropshire — five teams (v2)", []byte(`{"shipped":2}`), "placeplan", "shipped")
	if err != nil || created {
		t.Errorf("second EnsureScenario: %v, %v", created, err)
	}
	rev, err := s.ScenarioRevision(ctx, "shropshire-five-teams", 0)
	if err != nil || rev.Revision != 2 || string(rev.Document) != `{"edited":true}` || rev.Name != "Shropshire — five teams" {
		t.Errorf("after EnsureScenario on an edited scenario: %+v, %v", rev, err)
	}
	if first, _ := s.ScenarioRevision(ctx, "shropshire-five-teams", 1); !bytes.Equal(first.Document, shropshireDoc) || first.Changes != "created" {
		t.Errorf("revision 1: %+v", first)
	}
	// Nor is an archived one brought back.
	if err := s.ArchiveScenario(ctx, "shropshire-five-teams", 2, placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Fatal(err)
	}
	if created, err := s.EnsureScenario(ctx, "shropshire-five-teams", "Shropshire", shropshireDoc, "placeplan", ""); err != nil || created {
		t.Errorf("EnsureScenario on an archived scenario: %v, %v", created, err)
	}
	if list, _ := s.Scenarios(ctx, false); len(list) != 0 {
		t.Errorf("EnsureScenario unarchived: %+v", list)
	}
	_, err = s.EnsureScenario(ctx, "Bad Id", "Bad", shropshireDoc, "placeplan", "")
	datatest.AssertAppError(t, err, placeplan.EINVALID, `"Bad Id"`)
}

// The data revision (the basis of the data ETags) belongs to ingests alone.
func TestScenarioWritesKeepTheDataRevision(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	if _, err := s.db.ExecContext(ctx, `UPDATE meta SET value = '7' WHERE key = 'revision'`); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := s.CreateScenario(ctx, "a", "A", []byte(`{}`), placeplan.Actor{Name: "asha"}, "")
			return err
		},
		func() error { _, err := s.EnsureScenario(ctx, "b", "B", []byte(`{}`), "", ""); return err },
		func() error {
			_, err := s.UpdateScenario(ctx, "a", 1, "", []byte(`{"v":2}`), placeplan.Actor{Name: "asha"}, "", "")
			return err
		},
		func() error { return s.PutScenarioResult(ctx, "a", 2, 7, "score", []byte(`{}`)) },
		func() error { return s.ArchiveScenario(ctx, "b", 1, placeplan.Actor{Name: "asha"}, "") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if rev, err := s.Revision(ctx); err != nil || rev != 7 {
			t.Fatalf("data revision after step %d: %d, %v; want 7", i, rev, err)
		}
	}
}

// A database made before the registry existed gains it on opening, and
// keeps its data.
func TestScenarioMigrationOnAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+p+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	initSQL, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
		string(initSQL),
		`INSERT INTO schema_migrations VALUES ('migrations/0001_init.sql', '2025-06-01T00:00:00Z')`,
		`UPDATE meta SET value = '12' WHERE key = 'revision'`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 || got[0] != "migrations/0001_init.sql" || got[1] != "migrations/0002_scenarios.sql" {
		t.Errorf("migrations %v", got)
	}
	if rev, err := s.Revision(ctx); err != nil || rev != 12 {
		t.Errorf("data revision after migrating: %d, %v; want 12", rev, err)
	}
	if _, err := s.CreateScenario(ctx, "after-migration", "After", []byte(`{}`), placeplan.Actor{Name: "asha"}, ""); err != nil {
		t.Errorf("the migrated registry: %v", err)
	}
}

// A scenario's life: saved, updated from the revision read, and a second
// update from that same revision refused.
func ExampleStore_UpdateScenario() {
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return time.Date(2026, 12, 2, 14, 2, 0, 0, time.UTC) }
	r1, _ := s.CreateScenario(ctx, "shropshire-five-teams", "Shropshire — five teams",
		[]byte(`{"placeplan_scenario":1,"name":"Shropshire — five teams"}`), placeplan.Actor{Name: "asha"}, "first draft")
	r2, _ := s.UpdateScenario(ctx, "shropshire-five-teams", r1.Revision, "",
		[]byte(`{"placeplan_scenario":1,"name":"Shropshire — five teams","sites":{"standard":30}}`),
		placeplan.Actor{Name: "ben"}, "rural reach", "service standard 20 → 30 minutes")
	fmt.Println(r2.Revision, r2.Changes)
	_, err = s.UpdateScenario(ctx, "shropshire-five-teams", r1.Revision, "",
		[]byte(`{"placeplan_scenario":1,"name":"Shropshire — four teams"}`), placeplan.Actor{Name: "cai"}, "", "teams 5 → 4")
	fmt.Println(placeplan.ErrorCode(err)+":", err)
	// Output:
	// 2 service standard 20 → 30 minutes
	// precondition: someone else (ben) saved revision 2 of "shropshire-five-teams" at 14:02 UTC on 2 December 2026 since you opened revision 1: reload and reapply your change
}

// TestScenarioChangesAreAudited: every change to a scenario appends its
// audit entry — who, from where, what — in the change's own transaction,
// so a refused change (stale, archived) leaves none.
func TestScenarioChangesAreAudited(t *testing.T) {
	ctx := context.Background()
	s, _ := scenarioStore(t)
	asha := placeplan.Actor{Name: "asha", Remote: "192.0.2.10"}
	ben := placeplan.Actor{Name: "ben", Remote: "192.0.2.11"}
	if _, err := s.CreateScenario(ctx, "oxon", "Oxfordshire", []byte(`{"v":1}`), asha, "start"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScenario(ctx, "oxon", 1, "", []byte(`{"v":2}`), ben, "", "v 1 → 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScenario(ctx, "oxon", 1, "", []byte(`{"v":3}`), asha, "", "v 1 → 3"); placeplan.ErrorCode(err) != placeplan.EPRECONDITION {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := s.UpdateScenario(ctx, "oxon", 2, "", []byte(`{"v":2}`), asha, "", "nothing"); err != nil {
		t.Fatal(err) // the same document: no new revision, nothing to audit
	}
	if err := s.ArchiveScenario(ctx, "oxon", 2, asha, "done"); err != nil {
		t.Fatal(err)
	}
	if err := s.ArchiveScenario(ctx, "oxon", 2, ben, ""); placeplan.ErrorCode(err) != placeplan.ECONFLICT {
		t.Fatalf("archive twice: %v", err)
	}
	trail, err := s.Audit(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range trail {
		got = append(got, strings.Join([]string{e.Actor, e.Remote, e.Action, e.Target, e.Detail}, " | "))
	}
	want := []string{
		"asha | 192.0.2.10 | scenario.create | oxon | revision 1: Oxfordshire (start)",
		"ben | 192.0.2.11 | scenario.update | oxon | revision 2: v 1 → 2",
		"asha | 192.0.2.10 | scenario.archive | oxon | revision 2: archived (done)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
