package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan/data"
)

// runCLI runs the program in-process and returns stdout, stderr and the
// exit code main would give.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var o, e bytes.Buffer
	err := run(context.Background(), args, &o, &e)
	code := exitCode(err, &e) // writes the message to e
	return o.String(), e.String(), code
}

const example = "../../scenario/defaults/shropshire-need.yaml"

func TestScoreCommand(t *testing.T) {
	out, errOut, code := runCLI(t, "score", "--scenario", example, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Localities []struct {
			Rank        int     `json:"rank"`
			Locality    string  `json:"locality"`
			NeedScore   float64 `json:"need_score"`
			MedianRank  *int    `json:"median_rank"`
			RankP5      *int    `json:"rank_p5"`
			RankP95     *int    `json:"rank_p95"`
			PTopK       *float64
			Explanation string `json:"explanation"`
		} `json:"localities"`
		Sensitivity []struct {
			Factor string  `json:"factor"`
			First  float64 `json:"first_order"`
			Total  float64 `json:"total"`
		} `json:"sensitivity"`
		Weights     map[string]float64 `json:"weights"`
		Attribution []string           `json:"attribution"`
		Draws       int                `json:"draws"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Localities) != 18 || doc.Draws != 1000 || len(doc.Sensitivity) != 3 || len(doc.Weights) != 6 {
		t.Fatalf("%d localities, %d draws, %d sensitivity rows, %d weights", len(doc.Localities), doc.Draws, len(doc.Sensitivity), len(doc.Weights))
	}
	for i, l := range doc.Localities {
		if i > 0 && l.Rank < doc.Localities[i-1].Rank {
			t.Errorf("rows not in rank order at %s", l.Locality)
		}
		if l.MedianRank == nil || *l.RankP5 > *l.MedianRank || *l.MedianRank > *l.RankP95 || !strings.HasPrefix(l.Explanation, l.Locality+" ranks ") {
			t.Errorf("%s: %+v", l.Locality, l)
		}
	}
	// The table is for people: ranks, intervals, explanations, sources.
	out, _, code = runCLI(t, "score", "--scenario", example)
	for _, want := range []string{"5–95 % rank", "P(top 5)", "Why each locality ranks where it does:", "Oswestry ranks", "Sources:", "Open Government Licence"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	out, _, _ = runCLI(t, "score", "--scenario", example, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 19 || strings.Join(rows[0], ",") != "rank,locality,need_score,median_rank,rank_p5,rank_p95,p_top_k,explanation" {
		t.Errorf("csv: %d rows, header %v, %v", len(rows), rows[0], err)
	}
	// A scenario naming an unknown indicator: exit 65, the field named.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, strings.Replace(readFile(t, example), "key: income_score", "key: incme_score", 1))
	_, errOut, code = runCLI(t, "score", "--scenario", bad)
	if code != 65 || !strings.Contains(errOut, `indicators[1].key: no indicator "incme_score"`) {
		t.Errorf("bad scenario: exit %d, %s", code, errOut)
	}
	if _, _, code := runCLI(t, "score"); code != 2 {
		t.Errorf("score without --scenario: exit %d", code)
	}
}

// defaultDBFile writes the embedded default dataset to a database file.
func defaultDBFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "default.db")
	st, err := data.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := data.LoadDefault(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return p
}

func TestIndicatorsAndVintagesCommands(t *testing.T) {
	db := defaultDBFile(t)
	out, _, code := runCLI(t, "indicators", "--db", db, "--geography", "lsoa11")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil {
		t.Fatalf("indicators: exit %d, %v", code, err)
	}
	if strings.Join(rows[0], ",") != "geography,key,name,vintage,direction,unit,kind,denominator,index,confidential" {
		t.Errorf("header %v", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[1] == "idaci_score" {
			found = r[4] == "higher_is_worse" && r[6] == "rate" && r[7] == "children" && r[3] == "IoD2019"
		}
	}
	if !found {
		t.Error("idaci_score is not a children's rate, higher is worse")
	}
	out, errOut, code := runCLI(t, "vintages", "--db", db, "--scheme", "Shropshire early help localities")
	rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 19 {
		t.Fatalf("vintages: exit %d, %d rows, %v %s", code, len(rows), err, errOut)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		seen[r[2]+"/"+r[4]] = true
		if r[6] != "false" {
			t.Errorf("%s: Shropshire has no complex LSOA changes, got %s", r[0], r[6])
		}
	}
	if _, _, code := runCLI(t, "vintages", "--db", db, "--scheme", "Nowhere"); code != 66 {
		t.Errorf("unknown scheme: exit %d", code)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
