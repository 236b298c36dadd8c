package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
)

// TestShippedTemplates checks every shipped template loads, names every
// front-sheet field and has the sections a board paper needs.
func TestShippedTemplates(t *testing.T) {
	if got := Templates(); len(got) < 2 {
		t.Fatalf("templates %v: want shropshire and oxfordshire", got)
	}
	for _, name := range Templates() {
		tpl, err := LoadTemplate(name, "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(tpl.FrontSheet) != len(FrontSheetFields()) {
			t.Errorf("%s: front sheet has %d of the %d fields", name, len(tpl.FrontSheet), len(FrontSheetFields()))
		}
		if len(tpl.Sections) != len(SectionKeys()) || len(tpl.Appendices) != len(AppendixKeys()) {
			t.Errorf("%s: %d sections and %d appendices, want every one (%d, %d)", name, len(tpl.Sections),
				len(tpl.Appendices), len(SectionKeys()), len(AppendixKeys()))
		}
		if tpl.Marking != "OFFICIAL" || tpl.KeyDecision.SpendGBP <= 0 {
			t.Errorf("%s: marking %q, key decision %+v", name, tpl.Marking, tpl.KeyDecision)
		}
	}
}

// TestTemplateErrors checks a council's own template file is read, and
// that a bad one is refused with its file and key named.
func TestTemplateErrors(t *testing.T) {
	dir := t.TempDir()
	good := "council: Test Council\nsections:\n  - {key: recommendations, title: Recommendations}\n"
	for _, tc := range []struct {
		name, body, want string
		code             string
	}{
		{"a minimal template", good, "", ""},
		{"an unknown field", good + "colour: red\n", "field colour not found", placeplan.EINVALID},
		{"an unknown section", "council: X\nsections:\n  - {key: recommendations, title: R}\n  - {key: weather, title: W}\n", `sections[1]: key "weather"`, placeplan.EINVALID},
		{"a section twice", "council: X\nsections:\n  - {key: recommendations, title: R}\n  - {key: recommendations, title: S}\n", "recommendations appears twice", placeplan.EINVALID},
		{"no recommendations", "council: X\nsections:\n  - {key: synopsis, title: S}\n", "must have a recommendations section", placeplan.EINVALID},
		{"a title missing", "council: X\nsections:\n  - {key: recommendations}\n", "recommendations has no title", placeplan.EINVALID},
		{"no council", "sections:\n  - {key: recommendations, title: R}\n", "council:", placeplan.EINVALID},
		{"an unknown front-sheet field", good + "front_sheet:\n  - {field: weather, label: W}\n", `front_sheet[0]: field "weather"`, placeplan.EINVALID},
		{"a negative threshold", good + "key_decision: {spend_gbp: -1}\n", "cannot be negative", placeplan.EINVALID},
		{"not YAML", "council: [\n", "paper template", placeplan.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			if err := os.WriteFile(file, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			tpl, err := LoadTemplate(filepath.Base(file), dir)
			if tc.want == "" {
				if err != nil || tpl.Council != "Test Council" || tpl.RecommendationLead == "" {
					t.Fatalf("got %+v, %v", tpl, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), file) || placeplan.ErrorCode(err) != tc.code {
				t.Fatalf("error %v (code %s), want one naming %s and %q (code %s)", err, placeplan.ErrorCode(err), file, tc.want, tc.code)
			}
		})
	}
	if _, err := LoadTemplate("nowhere.yaml", dir); placeplan.ErrorCode(err) != placeplan.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
	if _, err := LoadTemplate("camelot", ""); err == nil || !strings.Contains(err.Error(), "shropshire") {
		t.Errorf("unknown template: %v", err)
	}
}

// FuzzTemplate feeds arbitrary bytes to the template parser: it must
// return a template or an invalid-input error, never panic.
func FuzzTemplate(f *testing.F) {
	for _, name := range Templates() {
		b, _ := templateFS.ReadFile("templates/" + name + ".yaml")
		f.Add(b)
	}
	f.Add([]byte("council: X\nsections: [{key: recommendations, title: R}]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tpl, err := parseTemplate("fuzz.yaml", b)
		if err != nil {
			if placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Fatalf("error code %s: %v", placeplan.ErrorCode(err), err)
			}
			return
		}
		if tpl.Council == "" {
			t.Fatal("a template without a council was accepted")
		}
	})
}
