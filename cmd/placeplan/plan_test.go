package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fiveTeams = "../../scenario/defaults/shropshire-five-teams.yaml"

// TestPlanCommand prints the documented five-team plan: the table is
// compared with the golden file (go test -run PlanCommand -update rewrites
// it), the JSON is checked key by key.
func TestPlanCommand(t *testing.T) {
	out, errOut, code := runCLI(t, "plan", "--scenario", fiveTeams)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden := filepath.Join("testdata", "plan_shropshire_five_teams.txt")
	if updatingGolden() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, golden, out)
	}
	if want := readFile(t, golden); out != want {
		t.Errorf("plan table differs from %s (rerun with -update if the change is intended):\n%s", golden, out)
	}

	out, errOut, code = runCLI(t, "plan", "--scenario", fiveTeams, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scenario", "model", "teams", "standard", "unit", "demand", "selection", "sites", "rollout",
		"evaluation", "comparisons", "robustness", "localities", "warnings", "attribution"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	var sel struct {
		Selected      []string `json:"selected"`
		Objective     float64  `json:"objective"`
		UpperBound    float64  `json:"upper_bound"`
		Solver        string   `json:"solver"`
		ProvenOptimal bool     `json:"proven_optimal"`
		Gap           float64  `json:"gap"`
	}
	if err := json.Unmarshal(doc["selection"], &sel); err != nil {
		t.Fatal(err)
	}
	if len(sel.Selected) != 5 || sel.Selected[0] != "Oswestry" || !sel.ProvenOptimal || sel.Gap != 0 || sel.UpperBound != sel.Objective {
		t.Errorf("selection %+v", sel)
	}
	var ro struct {
		Order  []string `json:"order"`
		Phases []struct {
			Label string `json:"label"`
			Start string `json:"start"`
			Sites []struct {
				ID string `json:"id"`
			} `json:"sites"`
			MostDeprivedShare float64 `json:"cumulative_most_deprived_share"`
			Summary           string  `json:"summary"`
		} `json:"phases"`
	}
	if err := json.Unmarshal(doc["rollout"], &ro); err != nil {
		t.Fatal(err)
	}
	if len(ro.Phases) != 5 || ro.Phases[0].Sites[0].ID != "Oswestry" || ro.Phases[0].Start != "2026-04-01" || ro.Phases[4].Start != "2028-04-01" {
		t.Errorf("rollout %+v", ro)
	}
	// Mistakes: no scenario, a scenario without a sites section, a bad format.
	if _, errOut, code := runCLI(t, "plan"); code != 2 || !strings.Contains(errOut, "plan: --scenario FILE is required") {
		t.Errorf("plan without --scenario: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "plan", "--scenario", example); code != 65 || !strings.Contains(errOut, "sites: missing") {
		t.Errorf("plan on a scenario without sites: exit %d, %s", code, errOut)
	}
	if _, _, code := runCLI(t, "plan", "--scenario", fiveTeams, "--format", "csv"); code != 2 {
		t.Errorf("--format csv: exit %d", code)
	}
}
