package report

import (
	"bytes"
	"embed"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"placeplan"
)

//go:embed templates/*.yaml
var templateFS embed.FS

// Template is a council's shape of a committee report: its name, the
// marking printed in every footer, the front sheet's fields and labels,
// and the sections and appendices in the council's order with the
// council's titles. The content of each section is placeplan's, named by
// its key (SectionKeys, FrontSheetFields).
type Template struct {
	Council            string          `yaml:"council"`
	Marking            string          `yaml:"marking"`
	RecommendationLead string          `yaml:"recommendation_lead"`
	KeyDecision        KeyDecisionRule `yaml:"key_decision"`
	FrontSheet         []FrontField    `yaml:"front_sheet"`
	Sections           []SectionName   `yaml:"sections"`
	Appendices         []SectionName   `yaml:"appendices"`
}

// KeyDecisionRule is when a decision is a key decision: it spends or saves
// at least SpendGBP, or affects at least Divisions electoral divisions.
// A zero threshold is not applied.
type KeyDecisionRule struct {
	SpendGBP  float64 `yaml:"spend_gbp"`
	Divisions int     `yaml:"divisions"`
}

// FrontField is one row of the front sheet: which field, under what label.
type FrontField struct {
	Field string `yaml:"field"`
	Label string `yaml:"label"`
}

// SectionName is one section or appendix: placeplan's key and the
// council's title.
type SectionName struct {
	Key   string `yaml:"key"`
	Title string `yaml:"title"`
}

// SectionKeys are the numbered sections a template may name, in
// placeplan's default order.
func SectionKeys() []string {
	return []string{"synopsis", "executive_summary", "recommendations", "risks", "equalities", "financial",
		"background", "method", "maps", "ranking", "sites", "rollout", "coverage", "equity", "options",
		"conclusions", "background_papers"}
}

// AppendixKeys are the appendices a template may name.
func AppendixKeys() []string {
	return []string{"data_sources", "parameters", "full_tables", "text_alternatives", "glossary"}
}

// FrontSheetFields are the front-sheet fields a template may name.
func FrontSheetFields() []string {
	return []string{"committee", "item", "access", "title", "officer", "divisions", "key_decision", "approval", "purpose"}
}

// Templates lists the names of the templates placeplan ships.
func Templates() []string {
	entries, _ := templateFS.ReadDir("templates") // embedded: cannot fail
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return out
}

// DefaultTemplate is the template a paper uses when its scenario names
// none.
const DefaultTemplate = "shropshire"

// LoadTemplate returns a shipped template by name (Templates), or reads
// one from a YAML file when name ends in .yaml or .yml (a relative path is
// taken from dir). Unknown fields, sections and appendices are refused,
// naming the file and the key; every key must appear at most once, and a
// template must have a recommendations section.
func LoadTemplate(name, dir string) (*Template, error) {
	if name == "" {
		name = DefaultTemplate
	}
	var b []byte
	var err error
	file := name
	if ext := filepath.Ext(name); ext == ".yaml" || ext == ".yml" {
		if !filepath.IsAbs(file) && dir != "" {
			file = filepath.Join(dir, file)
		}
		if b, err = os.ReadFile(file); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, placeplan.Errorf(placeplan.ENOTFOUND, "paper template %s: no such file", file)
			}
			return nil, placeplan.Errorf(placeplan.EINVALID, "paper template %s: %w", file, err)
		}
	} else if b, err = templateFS.ReadFile("templates/" + name + ".yaml"); err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "paper template %q: want one of %s, or a .yaml file",
			name, strings.Join(Templates(), ", "))
	}
	return parseTemplate(file, b)
}

// parseTemplate parses and checks a template read from file.
func parseTemplate(file string, b []byte) (*Template, error) {
	var t Template
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil && !errors.Is(err, io.EOF) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "paper template %s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	bad := func(format string, args ...any) error {
		return placeplan.Errorf(placeplan.EINVALID, "paper template %s: "+format, append([]any{file}, args...)...)
	}
	if t.Council == "" {
		return nil, bad("council: give the council's name")
	}
	if t.RecommendationLead == "" {
		t.RecommendationLead = "It is recommended that the Board"
	}
	if t.KeyDecision.SpendGBP < 0 || t.KeyDecision.Divisions < 0 {
		return nil, bad("key_decision: thresholds cannot be negative")
	}
	seen := map[string]bool{}
	for i, f := range t.FrontSheet {
		if !slices.Contains(FrontSheetFields(), f.Field) {
			return nil, bad("front_sheet[%d]: field %q: want one of %s", i, f.Field, strings.Join(FrontSheetFields(), ", "))
		}
		if f.Label == "" {
			return nil, bad("front_sheet[%d]: field %s has no label", i, f.Field)
		}
		if seen["front "+f.Field] {
			return nil, bad("front_sheet[%d]: field %s appears twice", i, f.Field)
		}
		seen["front "+f.Field] = true
	}
	check := func(list string, names []SectionName, keys []string) error {
		for i, s := range names {
			if !slices.Contains(keys, s.Key) {
				return bad("%s[%d]: key %q: want one of %s", list, i, s.Key, strings.Join(keys, ", "))
			}
			if s.Title == "" {
				return bad("%s[%d]: %s has no title", list, i, s.Key)
			}
			if seen[s.Key] {
				return bad("%s[%d]: %s appears twice", list, i, s.Key)
			}
			seen[s.Key] = true
		}
		return nil
	}
	if err := check("sections", t.Sections, SectionKeys()); err != nil {
		return nil, err
	}
	if err := check("appendices", t.Appendices, AppendixKeys()); err != nil {
		return nil, err
	}
	if !seen["recommendations"] {
		return nil, bad("sections: a paper must have a recommendations section")
	}
	return &t, nil
}
