package scenario

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
)

func registryStore(t *testing.T) *data.Store {
	t.Helper()
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := data.LoadDefault(ctx, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRegistry: the shipped scenarios are seeded once; a new scenario is
// validated and stored; an update makes an immutable revision recording
// what changed; a stale update is refused and stores nothing; every
// revision reads back exactly.
func TestRegistry(t *testing.T) {
	ctx := context.Background()
	st := registryStore(t)
	added, err := SeedBuiltins(ctx, st)
	if err != nil || len(added) != 4 {
		t.Fatalf("seeded %v, %v", added, err)
	}
	if again, err := SeedBuiltins(ctx, st); err != nil || len(again) != 0 {
		t.Errorf("seeding twice added %v, %v", again, err)
	}

	sc := readScenario(t, "shropshire-five-teams.yaml")
	sc.Name = "Shropshire — my five teams"
	saved, err := Create(ctx, st, sc, placeplan.Actor{Name: "ana"}, "first try")
	if err != nil {
		t.Fatal(err)
	}
	if saved.ID != "shropshire-my-five-teams" || saved.Revision != 1 {
		t.Fatalf("created %+v", saved)
	}
	if again, err := Create(ctx, st, sc, placeplan.Actor{Name: "ana"}, ""); err != nil || again.ID != "shropshire-my-five-teams-2" {
		t.Errorf("same name again: %+v, %v", again, err)
	}

	four := *sc
	sites := *sc.Sites
	sites.Teams = 4
	four.Sites = &sites
	v2, err := Update(ctx, st, saved.ID, 1, &four, placeplan.Actor{Name: "ben"}, "four teams")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Revision != 2 || v2.Changes != "sites.teams: 5 → 4" {
		t.Errorf("update: revision %d, changes %q", v2.Revision, v2.Changes)
	}
	// Ana's edit, from revision 1, is now stale.
	six := *sc
	sites6 := *sc.Sites
	sites6.Teams = 6
	six.Sites = &sites6
	_, err = Update(ctx, st, saved.ID, 1, &six, placeplan.Actor{Name: "ana"}, "six teams")
	if placeplan.ErrorCode(err) != placeplan.EPRECONDITION || !strings.Contains(err.Error(), "someone else (ben) saved revision 2") || placeplan.ErrorDetails(err)["current_revision"] != 2 {
		t.Errorf("stale update: %v", err)
	}
	rec, hist, err := History(ctx, st, saved.ID)
	if err != nil || len(hist) != 2 || rec.Archived {
		t.Fatalf("history %d, %+v, %v", len(hist), rec, err)
	}
	// Reproducible: each revision reads back to the same document.
	for rev, want := range map[int]*Scenario{1: sc, 2: &four} {
		got, err := Get(ctx, st, saved.ID, rev)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := Encode(got.Scenario)
		b, _ := Encode(want)
		if !bytes.Equal(a, b) {
			t.Errorf("revision %d reads back differently", rev)
		}
	}
	cur, err := Get(ctx, st, saved.ID, 0)
	if err != nil || cur.Revision != 2 || cur.Current != 2 || cur.Author != "ben" || cur.Label() != "shropshire-my-five-teams@2" {
		t.Errorf("current %+v, %v", cur, err)
	}
	// Importing the current document again stores nothing: it is there.
	again, existing, err := Import(ctx, st, &four, placeplan.Actor{Name: "cat"}, "")
	if err != nil || !existing || again.Label() != "shropshire-my-five-teams@2" {
		t.Errorf("import of the stored document: %s, existing %v, %v", again.Label(), existing, err)
	}
	if err := Archive(ctx, st, saved.ID, 2, placeplan.Actor{Name: "ben"}, "superseded"); err != nil {
		t.Fatal(err)
	}
	// The history says who archived it and why.
	if rec, _, err := History(ctx, st, saved.ID); err != nil || !rec.Archived || rec.ArchivedBy != "ben" || rec.ArchiveNote != "superseded" {
		t.Errorf("history after archiving: %+v, %v", rec, err)
	}
	// Once archived, the document imports as a new scenario.
	if fresh, existing, err := Import(ctx, st, &four, placeplan.Actor{Name: "cat"}, ""); err != nil || existing || fresh.ID == saved.ID {
		t.Errorf("import of an archived document: %s, existing %v, %v", fresh.Label(), existing, err)
	}
	list, _ := List(ctx, st, false)
	for _, r := range list {
		if r.ID == saved.ID {
			t.Error("an archived scenario is listed")
		}
	}
	for _, ref := range []struct {
		in  string
		id  string
		rev int
		ok  bool
	}{{"a", "a", 0, true}, {"a@3", "a", 3, true}, {"a@0", "", 0, false}, {"a@x", "", 0, false}} {
		id, rev, err := ParseRef(ref.in)
		if (err == nil) != ref.ok || id != ref.id || rev != ref.rev {
			t.Errorf("ParseRef(%q) = %q, %d, %v", ref.in, id, rev, err)
		}
	}
}

// TestRegistryValidation refuses scenarios that do not fit the data,
// naming the field, and stores nothing.
func TestRegistryValidation(t *testing.T) {
	ctx := context.Background()
	st := registryStore(t)
	cases := []struct {
		name string
		edit func(*Scenario)
		want string
	}{
		{"an unknown indicator", func(s *Scenario) { s.Indicators[0].Key = "happiness" }, `indicators[0].key: no indicator "happiness"`},
		{"an unknown locality scheme", func(s *Scenario) { s.Localities.Scheme = "Wards" }, `localities.scheme: no scheme "Wards"`},
		{"an unknown fixed site", func(s *Scenario) { s.Sites.Fixed = []string{"Atlantis"} }, `sites.fixed[0]: "Atlantis" is not a candidate`},
		{"an unknown vintage", func(s *Scenario) { s.Dataset.Vintage = "IoD2031" }, "dataset.vintage: IoD2031 is not loaded"},
		{"an unknown excluded site", func(s *Scenario) { s.Sites.Exclude = []string{"Narnia"} }, `sites.exclude[0]: "Narnia" is not a candidate`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := readScenario(t, "shropshire-five-teams.yaml")
			c.edit(sc)
			_, err := Create(ctx, st, sc, placeplan.Actor{Name: "ana"}, "")
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want EINVALID with %q", err, c.want)
			}
			if list, _ := List(ctx, st, true); len(list) != 0 {
				t.Errorf("%d scenarios stored after a refused create", len(list))
			}
		})
	}
	// Weights and constraints are refused when the document is read.
	for _, c := range []struct{ from, to, want string }{
		{"weight: 3", "weight: -3", "negative weight"},
		{"teams: 5", "teams: 5\n  exclude: [Oswestry]", "sites.exclude[0]: Oswestry is also sites.fixed[0]"},
	} {
		b, err := os.ReadFile(filepath.Join("defaults", "shropshire-five-teams.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Read("x.yaml", strings.NewReader(strings.Replace(string(b), c.from, c.to, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: %v", c.from, c.to, err)
		}
	}
}

// TestInvalidUTF8IsRefusedInJSONAsInYAML: a scenario document that is not
// UTF-8 is refused, naming the line, whether it is JSON or YAML.
func TestInvalidUTF8IsRefusedInJSONAsInYAML(t *testing.T) {
	for name, doc := range map[string]string{
		"json": "{\"placeplan_scenario\": 1,\n\"name\": \"Shrop\xffshire\"}",
		"yaml": "placeplan_scenario: 1\nname: Shrop\xffshire\n",
	} {
		_, err := Read(name, strings.NewReader(doc))
		if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), "line 2: not valid UTF-8") {
			t.Errorf("%s: %v, want EINVALID naming line 2", name, err)
		}
	}
}
