package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"placeplan"
	"placeplan/api"
	"placeplan/data"
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
	if _, _, code := runCLI(t, "plan", "--scenario", fiveTeams, "--format", "xml"); code != 2 {
		t.Errorf("--format xml: exit %d", code)
	}
	if _, errOut, code := runCLI(t, "plan", "--scenario", fiveTeams, "--table", "phases"); code != 2 || !strings.Contains(errOut, "--table is for --format csv") {
		t.Errorf("--table without csv: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "plan", "--scenario", fiveTeams, "--format", "csv", "--table", "teams"); code != 2 || !strings.Contains(errOut, "use sites, phases, areas") {
		t.Errorf("--table teams: exit %d, %s", code, errOut)
	}
}

// TestPlanWithholdsSmallCounts: with a confidential count as demand, no
// demand figure small-number suppression covers reaches the JSON, from
// "placeplan plan --format json" or from POST /api/v1/plans; both print
// them as null (the plan use case has withheld them).
func TestPlanWithholdsSmallCounts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := defaultDBFile(t)
	st, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, LAD: "E06000051"})
	if err != nil {
		t.Fatal(err)
	}
	rows := []string{"lsoa11cd,referrals"}
	for i, a := range areas {
		rows = append(rows, a.Code+","+strconv.Itoa(i%3)) // 0, 1 or 2 referrals: all small
	}
	csvPath, metaPath := filepath.Join(dir, "referrals.csv"), filepath.Join(dir, "referrals.meta.csv")
	writeFile(t, csvPath, strings.Join(rows, "\n")+"\n")
	writeFile(t, metaPath, "indicator,name,unit,direction,kind,denominator,confidential\n"+
		"referrals,Early help referrals,referrals,higher_is_worse,count,children,yes\n")
	if _, errOut, code := runCLI(t, "ingest", "--db", db, "--quiet", csvPath, metaPath); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	doc := strings.Replace(readFile(t, fiveTeams), "weight: need ", "weight: referrals ", 1) + "disclosure:\n  suppress_below: 100\n"
	if !strings.Contains(doc, "weight: referrals") {
		t.Fatal("the scenario does not weigh referrals")
	}
	scPath := filepath.Join(dir, "referrals.yaml")
	writeFile(t, scPath, doc)

	cli, errOut, code := runCLI(t, "plan", "--scenario", scPath, "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	srv := api.NewServer(api.Config{Auth: api.AuthConfig{Mode: api.AuthLocal}}, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	req := httptest.NewRequest(http.MethodPost, "/api/v1/plans", strings.NewReader(doc))
	req.Header.Set("Content-Type", "application/yaml")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /api/v1/plans: %d %s", rec.Code, rec.Body)
	}
	for name, out := range map[string][]byte{"CLI": []byte(cli), "HTTP": rec.Body.Bytes()} {
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if below := v.(map[string]any)["suppressed_below"]; below != 100.0 {
			t.Errorf("%s: suppressed_below %v, want 100", name, below)
		}
		nulls := 0
		walkDemandFigures(v, "", func(path string, f any) {
			switch x := f.(type) {
			case nil:
				nulls++
			case float64:
				if x > 0 && x < 100 {
					t.Errorf("%s: %s = %v: a withheld count reached the JSON", name, path, x)
				}
			}
		})
		if nulls == 0 {
			t.Errorf("%s: no figure was withheld: the test proves nothing", name)
		}
	}
}

// demandFigures are the members of a plan document that count demand.
var demandFigures = map[string]bool{"total_weight": true, "covered_weight": true, "objective": true, "upper_bound": true,
	"reach": true, "served": true, "unique": true, "alternative_loss": true, "new_weight": true,
	"marginal_weight": true, "mean_weight": true}

// walkDemandFigures calls f with every demand figure in a decoded JSON
// document and its path.
func walkDemandFigures(v any, path string, f func(string, any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if demandFigures[k] {
				f(path+"."+k, c)
			}
			walkDemandFigures(c, path+"."+k, f)
		}
	case []any:
		for i, c := range x {
			walkDemandFigures(c, fmt.Sprintf("%s[%d]", path, i), f)
		}
	}
}
