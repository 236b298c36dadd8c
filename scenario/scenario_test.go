package scenario

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"placeplan"
)

const good = `placeplan_scenario: 1
name: test
dataset: {geography: lsoa11}
localities: {scheme: S}
indicators:
  - {key: idaci_score, weight: 2}
  - {key: income_score, weight: 1}
normalisation: zscore
aggregation: arithmetic
uncertainty: {draws: 100, seed: 1, concentration: 20, top_k: 3}
`

func TestReadExample(t *testing.T) {
	sc, err := ReadFile(filepath.Join("defaults", "shropshire-need.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Localities.Scheme != "Shropshire early help localities" || len(sc.Indicators) != 6 || sc.Uncertainty.Draws != 1000 {
		t.Errorf("read %+v", sc)
	}
	// The same document as JSON reads the same.
	js := `{"placeplan_scenario":1,"name":"test","dataset":{"geography":"lsoa11"},"localities":{"scheme":"S"},
		"indicators":[{"key":"idaci_score","weight":2},{"key":"income_score","weight":1}],
		"normalisation":"zscore","aggregation":"arithmetic","uncertainty":{"draws":100,"seed":1,"concentration":20,"top_k":3}}`
	a, err := Read("a.json", strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Read("b.yaml", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	ay, _ := a.YAML()
	by, _ := b.YAML()
	if string(ay) != string(by) {
		t.Errorf("JSON and YAML differ:\n%s\n%s", ay, by)
	}
}

// goType matches what a Go type looks like in a decoder's message:
// "scenario.Scenario", "[]string", "float64", "into int".
var goType = regexp.MustCompile(`\b(scenario|siting|placeplan)\.[A-Z]|\[\]\w|map\[|\b(u?int(8|16|32|64)?|float(32|64)|bool)\b`)

// quoted matches a Go-quoted string in a message: the document's own words
// echoed back, which may say "int8" without the reader showing a Go type.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// showsGoType says whether msg, outside the document's quoted words, shows
// a Go type.
func showsGoType(msg string) bool {
	return goType.MatchString(quoted.ReplaceAllString(msg, `""`))
}

// TestReadRefuses has one case per rule; every message names the field,
// in the document's words, and never a Go type.
func TestReadRefuses(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"empty", "", "empty scenario file"},
		{"no version", strings.Replace(good, "placeplan_scenario: 1\n", "", 1), "placeplan_scenario: missing"},
		{"future version", strings.Replace(good, "placeplan_scenario: 1", "placeplan_scenario: 7", 1), "version 7 is not one this placeplan reads"},
		{"unknown field", good + "colour: blue\n", `unknown field "colour" (the fields are placeplan_scenario, name, description, dataset,`},
		{"unknown nested field", strings.Replace(good, "{geography: lsoa11}", "{geography: lsoa11, year: 2019}", 1), `dataset: unknown field "year" (the fields are db, geography, vintage)`},
		{"misspelt field", strings.Replace(good, "normalisation:", "normalization:", 1), `unknown field "normalization" (did you mean "normalisation"?)`},
		{"misspelt nested field", strings.Replace(good, "{scheme: S}", "{schema: S}", 1), `localities: unknown field "schema" (did you mean "scheme"?)`},
		{"misspelt field in JSON", `{"placeplan_scenario": 1, "name": "x",` + "\n" + ` "uncertainty": {"draw": 5}}`, `line 2: uncertainty: unknown field "draw" (did you mean "draws"?)`},
		{"text for a number", strings.Replace(good, "draws: 100", "draws: many", 1), `uncertainty.draws: "many" is not a whole number`},
		{"a list for a mapping", strings.Replace(good, "{geography: lsoa11}", "[lsoa11]", 1), `dataset: want a mapping of fields (db, geography, vintage), not a list`},
		{"a negative seed", strings.Replace(good, "{draws: 100", "{seed: -1, draws: 100", 1), `uncertainty.seed: "-1" is not a whole number, 0 or more`},
		{"misspelt value", strings.Replace(good, "normalisation: zscore", "normalisation: zscores", 1), `normalisation: "zscores" is not zscore, minmax, rank or exponential (did you mean "zscore"?)`},
		{"misspelt direction", strings.Replace(good, "weight: 1}", "weight: 1, direction: higher_is_wrose}", 1), `(did you mean "higher_is_worse"?)`},
		{"bad geography", strings.Replace(good, "lsoa11", "ward", 1), `dataset.geography: "ward" is not lsoa11 or lsoa21`},
		{"no scheme", strings.Replace(good, "{scheme: S}", "{}", 1), "localities.scheme: missing"},
		{"negative weight", strings.Replace(good, "weight: 2", "weight: -2", 1), "indicators[0].weight: idaci_score has a negative weight -2"},
		{"all weights zero", strings.Replace(strings.Replace(good, "weight: 2", "weight: 0", 1), "weight: 1", "weight: 0", 1), "every weight is zero"},
		{"duplicate indicator", strings.Replace(good, "income_score", "idaci_score", 1), "indicators[1].key: idaci_score is listed twice"},
		{"bad direction", strings.Replace(good, "weight: 1}", "weight: 1, direction: up}", 1), `indicators[1].direction: "up"`},
		{"bad normalisation", strings.Replace(good, "normalisation: zscore", "normalisation: log", 1), `normalisation: "log" is not zscore`},
		{"bad aggregation", strings.Replace(good, "aggregation: arithmetic", "aggregation: median", 1), `aggregation: "median" is not arithmetic or geometric`},
		{"bad weights scheme", good + "weights: magic\n", `weights: "magic" is not user, equal, iod or pca`},
		{"no concentration", strings.Replace(good, "concentration: 20", "concentration: 0", 1), "uncertainty.concentration: must be above 0"},
		{"bad sampled method", strings.Replace(good, "top_k: 3}", "top_k: 3, normalisations: [zscore, cube]}", 1), `uncertainty.normalisations[1]: "cube"`},
		{"bad json", `{"placeplan_scenario": 1, "name": 3}`, `line 1: name: "3" is not text`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read("s.yaml", strings.NewReader(c.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q (code %s) does not say %q", err, placeplan.ErrorCode(err), c.want)
			}
			if showsGoType(err.Error()) {
				t.Errorf("error %q shows a Go type", err)
			}
		})
	}
}

// TestShowsGoType keeps the check honest: a Go type in the reader's own
// words is caught, the document's quoted words are not.
func TestShowsGoType(t *testing.T) {
	for msg, want := range map[string]bool{
		`sites.teams: cannot unmarshal !!str into int`:                        true,
		`dataset: cannot decode into scenario.Dataset`:                        true,
		`weights: want []string`:                                              true,
		`line 1: unknown field "0 int8" (the fields are name, dataset)`:       false,
		`want a mapping of fields (db), not "00 int8"`:                        false,
		`name: "a \"float64\" b" is not text, and the value is a bool either`: true,
	} {
		if got := showsGoType(msg); got != want {
			t.Errorf("showsGoType(%q) = %v, want %v", msg, got, want)
		}
	}
}
