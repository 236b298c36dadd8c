// Package scenario is placeplan's scenario document: the choices behind a
// needs score (dataset, localities, indicators with weights and directions,
// normalisation, aggregation, uncertainty settings), read from YAML or JSON,
// validated against what a store holds, and scored. The same document is
// what the CLI reads and what later versions save in the scenario registry.
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"placeplan"
)

// Version is the version of the scenario document this package reads and
// writes; documents say which version they follow in `placeplan_scenario`.
const Version = 1

// Scenario is one scenario document. Field tags give the names used in
// YAML and JSON files (see docs/SCENARIOS.md).
type Scenario struct {
	Format        int         `yaml:"placeplan_scenario" json:"placeplan_scenario"`
	Name          string      `yaml:"name" json:"name"`
	Description   string      `yaml:"description,omitempty" json:"description,omitempty"`
	Dataset       Dataset     `yaml:"dataset" json:"dataset"`
	Localities    Localities  `yaml:"localities" json:"localities"`
	Indicators    []Indicator `yaml:"indicators" json:"indicators"`
	Weights       string      `yaml:"weights,omitempty" json:"weights,omitempty"`
	Normalisation string      `yaml:"normalisation" json:"normalisation"`
	Aggregation   string      `yaml:"aggregation" json:"aggregation"`
	Uncertainty   Uncertainty `yaml:"uncertainty" json:"uncertainty"`
	Disclosure    *Disclosure `yaml:"disclosure,omitempty" json:"disclosure,omitempty"`
	// Sites, when present, is the site selection and phased rollout that
	// placeplan plan works out.
	Sites *Sites `yaml:"sites,omitempty" json:"sites,omitempty"`
	// Paper, when present, is what the scenario's board paper says that
	// only people can write (placeplan report).
	Paper *Paper `yaml:"paper,omitempty" json:"paper,omitempty"`

	// dir is the folder the document was read from; relative paths in it
	// are taken from there.
	dir string
}

// Dataset says which data the scenario scores.
type Dataset struct {
	// DB is a placeplan SQLite database; empty means the embedded default
	// dataset. A relative path is taken from the scenario file's folder.
	DB string `yaml:"db,omitempty" json:"db,omitempty"`
	// Geography is lsoa11 (IoD2019) or lsoa21 (IoD2025).
	Geography string `yaml:"geography" json:"geography"`
	// Vintage, when set, must match the vintage of every IoD indicator used.
	Vintage string `yaml:"vintage,omitempty" json:"vintage,omitempty"`
}

// Localities chooses the localities to rank: a scheme, and optionally only
// some of its localities.
type Localities struct {
	Scheme string   `yaml:"scheme" json:"scheme"`
	Only   []string `yaml:"only,omitempty" json:"only,omitempty"`
}

// Indicator is one indicator of the composite with its weight; Direction
// overrides the catalogue's ("higher_is_worse" or "higher_is_better").
type Indicator struct {
	Key       string  `yaml:"key" json:"key"`
	Weight    float64 `yaml:"weight" json:"weight"`
	Direction string  `yaml:"direction,omitempty" json:"direction,omitempty"`
}

// Uncertainty sets the Monte Carlo over the scenario's choices.
type Uncertainty struct {
	Draws          int      `yaml:"draws" json:"draws"`
	Seed           uint64   `yaml:"seed" json:"seed"`
	Concentration  float64  `yaml:"concentration" json:"concentration"`
	Normalisations []string `yaml:"normalisations,omitempty" json:"normalisations,omitempty"`
	Aggregations   []string `yaml:"aggregations,omitempty" json:"aggregations,omitempty"`
	TopK           int      `yaml:"top_k" json:"top_k"`
}

// Disclosure overrides the small-number suppression threshold for outputs
// of this scenario.
type Disclosure struct {
	SuppressBelow float64 `yaml:"suppress_below" json:"suppress_below"`
}

// Read reads a scenario document from YAML or JSON. Unknown fields are
// refused, naming the field; name is used in messages.
func Read(name string, r io.Reader) (*Scenario, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: empty scenario file", name)
	}
	if !utf8.Valid(b) {
		// YAML refuses it; JSON would take it and turn the bytes into U+FFFD.
		line := 1 + bytes.Count(b[:invalidUTF8At(b)], []byte("\n"))
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: line %d: not valid UTF-8 (save the file as UTF-8)", name, line)
	}
	var sc Scenario
	asJSON := bytes.TrimSpace(b)[0] == '{'
	if asJSON {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&sc)
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err = dec.Decode(&sc); errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		// Say which field, on which line, in the document's words: the
		// decoders name Go types and, for JSON, no line.
		var doc yaml.Node
		if yaml.Unmarshal(b, &doc) == nil {
			if p := shapeProblem(&doc, reflect.TypeOf(sc), "", asJSON); p != "" {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s", name, p)
			}
		}
		if asJSON {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s", name, jsonProblem(b, err))
		}
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := sc.check(name); err != nil {
		return nil, err
	}
	return &sc, nil
}

// invalidUTF8At is the offset of the first byte of b that is not valid
// UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// ReadFile reads a scenario document from a file; relative dataset paths
// in it are taken from the file's folder.
func ReadFile(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.ENOTFOUND, "scenario %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	sc, err := Read(filepath.Base(path), f)
	if err != nil {
		return nil, err
	}
	sc.dir = filepath.Dir(path)
	return sc, nil
}

// DBPath returns the database the scenario names, resolved against the
// scenario file's folder, or "" for the embedded default dataset.
func (sc *Scenario) DBPath() string { return sc.resolve(sc.Dataset.DB) }

// resolve takes a relative path from the scenario file's folder.
func (sc *Scenario) resolve(path string) string {
	if path == "" || filepath.IsAbs(path) || sc.dir == "" {
		return path
	}
	return filepath.Join(sc.dir, path)
}

// TemplatePath returns the paper template the scenario names: a shipped
// name as it is, a file resolved against the scenario file's folder; ""
// when it names none.
func (sc *Scenario) TemplatePath() string {
	if sc.Paper == nil {
		return ""
	}
	if ext := filepath.Ext(sc.Paper.Template); ext == ".yaml" || ext == ".yml" {
		return sc.resolve(sc.Paper.Template)
	}
	return sc.Paper.Template
}

// YAML returns the document as YAML.
func (sc *Scenario) YAML() ([]byte, error) { return yaml.Marshal(sc) }

func jsonProblem(b []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		err = fmt.Errorf("%s: %s is not %s", te.Field, te.Value, kindWords(te.Type))
	}
	if off < 0 || off > int64(len(b)) {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	return fmt.Sprintf("line %d: %s", line, strings.TrimPrefix(err.Error(), "json: "))
}

// check validates what can be validated without a store: versions,
// enumerations, weights and uncertainty settings. Messages name the field.
func (sc *Scenario) check(name string) error {
	fail := func(field, format string, args ...any) error {
		return placeplan.Errorf(placeplan.EINVALID, "%s: %s: %s", name, field, fmt.Sprintf(format, args...))
	}
	switch {
	case sc.Format == 0:
		return fail("placeplan_scenario", "missing: say which version of the scenario document this is (%d)", Version)
	case sc.Format != Version:
		return fail("placeplan_scenario", "version %d is not one this placeplan reads (%d)", sc.Format, Version)
	case strings.TrimSpace(sc.Name) == "":
		return fail("name", "empty")
	}
	switch placeplan.Geography(sc.Dataset.Geography) {
	case placeplan.LSOA2011, placeplan.LSOA2021:
	case "":
		return fail("dataset.geography", "missing (lsoa11 or lsoa21)")
	default:
		return fail("dataset.geography", "%s", notOneOf(sc.Dataset.Geography, "lsoa11", "lsoa21"))
	}
	if sc.Localities.Scheme == "" {
		return fail("localities.scheme", "missing: name the locality scheme to rank (placeplan localities lists them)")
	}
	if len(sc.Indicators) == 0 {
		return fail("indicators", "none given")
	}
	seen := map[string]int{}
	total := 0.0
	for i, ind := range sc.Indicators {
		field := fmt.Sprintf("indicators[%d]", i)
		switch {
		case ind.Key == "":
			return fail(field+".key", "missing")
		case ind.Weight < 0:
			return fail(field+".weight", "%s has a negative weight %v", ind.Key, ind.Weight)
		case ind.Direction != "" && ind.Direction != "higher_is_worse" && ind.Direction != "higher_is_better":
			return fail(field+".direction", "%s", notOneOf(ind.Direction, "higher_is_worse", "higher_is_better"))
		}
		if j, dup := seen[ind.Key]; dup {
			return fail(field+".key", "%s is listed twice (also indicators[%d])", ind.Key, j)
		}
		seen[ind.Key] = i
		total += ind.Weight
	}
	switch sc.Weights {
	case "", "user":
		if total == 0 {
			return fail("indicators[].weight", "every weight is zero")
		}
	case "equal", "iod", "pca":
	default:
		return fail("weights", "%s", notOneOf(sc.Weights, "user", "equal", "iod", "pca"))
	}
	if !validMethod(sc.Normalisation) {
		return fail("normalisation", "%s", notOneOf(sc.Normalisation, methods...))
	}
	if !validAggregation(sc.Aggregation) {
		return fail("aggregation", "%s", notOneOf(sc.Aggregation, aggregations...))
	}
	u := sc.Uncertainty
	switch {
	case u.Draws < 0 || u.Draws > 1_000_000:
		return fail("uncertainty.draws", "%d is outside 0 to 1,000,000", u.Draws)
	case u.Draws > 0 && u.Concentration <= 0:
		return fail("uncertainty.concentration", "must be above 0 (larger keeps the weights closer to the chosen ones)")
	case u.TopK < 0:
		return fail("uncertainty.top_k", "negative")
	}
	for i, m := range u.Normalisations {
		if !validMethod(m) {
			return fail(fmt.Sprintf("uncertainty.normalisations[%d]", i), "%s", notOneOf(m, methods...))
		}
	}
	for i, a := range u.Aggregations {
		if !validAggregation(a) {
			return fail(fmt.Sprintf("uncertainty.aggregations[%d]", i), "%s", notOneOf(a, aggregations...))
		}
	}
	if sc.Disclosure != nil && sc.Disclosure.SuppressBelow < 0 {
		return fail("disclosure.suppress_below", "negative")
	}
	if sc.Sites != nil {
		if err := sc.Sites.check(fail); err != nil {
			return err
		}
	}
	return sc.Paper.check(name)
}

// The normalisations and aggregations a scenario may name.
var (
	methods      = []string{"zscore", "minmax", "rank", "exponential"}
	aggregations = []string{"arithmetic", "geometric"}
)

func validMethod(m string) bool { return slices.Contains(methods, m) }

func validAggregation(a string) bool { return slices.Contains(aggregations, a) }
