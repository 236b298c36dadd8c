package scenario

import (
	"path/filepath"
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

// TestReadRefuses has one case per rule; every message names the field.
func TestReadRefuses(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"empty", "", "empty scenario file"},
		{"no version", strings.Replace(good, "placeplan_scenario: 1\n", "", 1), "placeplan_scenario: missing"},
		{"future version", strings.Replace(good, "placeplan_scenario: 1", "placeplan_scenario: 7", 1), "version 7 is not one this placeplan reads"},
		{"unknown field", good + "colour: blue\n", "field colour not found"},
		{"unknown nested field", strings.Replace(good, "{geography: lsoa11}", "{geography: lsoa11, year: 2019}", 1), "field year not found"},
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
		{"bad json", `{"placeplan_scenario": 1, "name": 3}`, `field "name"`},
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
		})
	}
}
