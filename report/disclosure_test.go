package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the GeoPackage is read back with SQLite
	"github.com/xuri/excelize/v2"

	"placeplan/data"
	"placeplan/internal/fixture"
	"placeplan/report"
	"placeplan/scenario"
)

// TestNoWithheldCountLeaves ingests a confidential count — early help
// referrals, 1 to 4 in every Shropshire area — plans on it, and proves no
// count below the threshold leaves in any format: every area's own count
// is withheld ([c] or null), and every other figure counted from it is
// either withheld or at least the threshold.
func TestNoWithheldCountLeaves(t *testing.T) {
	ctx := context.Background()
	st, err := data.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := data.LoadDefault(ctx, st); err != nil {
		t.Fatal(err)
	}
	base, _ := scenario.LookupBuiltin("shropshire-five-teams")
	plain, err := scenario.Plan(ctx, st, base)
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(plain.Demand))
	for i, d := range plain.Demand {
		codes[i] = d.Code
	}
	if err := fixture.IngestReferrals(ctx, st, t.TempDir(), codes); err != nil {
		t.Fatal(err)
	}
	doc, _ := base.YAML()
	text := strings.Replace(string(doc), "weight: need\n", "weight: referrals\n", 1)
	if !strings.Contains(text, "weight: referrals") {
		t.Fatal("the scenario does not weigh referrals")
	}
	sc, err := scenario.Read("referrals.yaml", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Make(ctx, st, report.Request{Label: "referrals", Scenario: sc, Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.SuppressBelow != 5 {
		t.Fatalf("threshold %v, want 5", rep.SuppressBelow)
	}
	// The columns counted from the referrals, by table.
	demandCols := map[string][]string{
		"small_areas": {"demand"}, "sites": {"reach", "unique", "alternative_loss"},
		"phases": {"new_demand", "cumulative_demand"}, "localities": nil,
	}
	small := func(s string) bool {
		v, err := strconv.ParseFloat(s, 64)
		return err == nil && v > 0 && v < 5
	}

	// The report's own tables.
	for _, tb := range rep.Tables {
		for _, col := range demandCols[tb.Name] {
			j := columnIndex(t, tb.Columns, col)
			for i, row := range tb.Rows {
				c := row[j]
				if tb.Name == "small_areas" && !c.Withheld {
					t.Fatalf("small_areas row %d: demand %v is not withheld", i, c.Number)
				}
				if !c.Withheld && !c.Empty && c.Number > 0 && c.Number < 5 {
					t.Errorf("%s row %d: %s = %v leaves", tb.Name, i, col, c.Number)
				}
			}
		}
	}

	// CSV.
	var zb bytes.Buffer
	if err := report.WriteCSVZip(&zb, rep); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(zb.Bytes()), int64(zb.Len()))
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".csv")
		cols, ok := demandCols[name]
		if !ok {
			continue
		}
		rc, _ := f.Open()
		recs, err := csv.NewReader(rc).ReadAll()
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range cols {
			j := indexOf(recs[0], col)
			for _, r := range recs[1:] {
				if small(r[j]) || name == "small_areas" && r[j] != report.Withheld {
					t.Errorf("csv %s: %s = %q", name, col, r[j])
				}
			}
		}
	}

	// Excel.
	var xb bytes.Buffer
	if err := report.WriteXLSX(&xb, rep); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(xb.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for name, cols := range demandCols {
		recs, _ := x.GetRows(name)
		for _, col := range cols {
			j := indexOf(recs[0], col)
			for _, r := range recs[1:] {
				if j < len(r) && (small(r[j]) || name == "small_areas" && r[j] != report.Withheld) {
					t.Errorf("xlsx %s: %s = %q", name, col, r[j])
				}
			}
		}
	}

	// GeoPackage.
	gp := filepath.Join(t.TempDir(), "r.gpkg")
	if err := report.WriteGeoPackage(ctx, gp, rep, 27700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+gp+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM small_areas WHERE demand IS NOT NULL`).Scan(&n); err != nil || n != 0 {
		t.Errorf("gpkg: %d areas carry their count (%v)", n, err)
	}
	for name, cols := range demandCols {
		for _, col := range cols {
			if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM "%s" WHERE "%s" > 0 AND "%s" < 5`, name, col, col)).Scan(&n); err != nil || n != 0 {
				t.Errorf("gpkg %s.%s: %d small figures (%v)", name, col, n, err)
			}
		}
	}

	// GeoJSON.
	var gb bytes.Buffer
	if err := report.WriteGeoJSON(&gb, rep); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	json.Unmarshal(gb.Bytes(), &fc)
	for _, f := range fc.Features {
		layer := f.Properties["layer"].(string)
		for _, col := range demandCols[layer] {
			v, ok := f.Properties[col]
			if num, isNum := v.(float64); isNum && (layer == "small_areas" || num > 0 && num < 5) || !ok {
				t.Errorf("geojson %s: %s = %v", layer, col, v)
			}
		}
	}

	// The paper (HTML, and so the PDF, and the Word paper made from it):
	// the full table of areas shows the symbol for every area, and no
	// figure "fewer than" anything is spelled as a number.
	html, err := report.HTML(rep.Paper)
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(html, ">"+report.Withheld+"<"); c < len(plain.Demand) {
		t.Errorf("the paper shows %s %d times, want at least once per area (%d)", report.Withheld, c, len(plain.Demand))
	}
	var pdf bytes.Buffer
	if err := report.WritePDF(ctx, &pdf, rep.Paper, ""); err != nil {
		t.Fatal(err)
	}
	pdfText := pdfToText(t, pdf.Bytes())
	if c := strings.Count(pdfText, report.Withheld); c < len(plain.Demand) {
		t.Errorf("the PDF shows %s %d times, want at least %d", report.Withheld, c, len(plain.Demand))
	}
	if !strings.Contains(pdfText, "withheld") {
		t.Error("the PDF does not explain the withheld symbol")
	}
}

func columnIndex(t *testing.T, cols []report.Column, name string) int {
	t.Helper()
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}

func indexOf(head []string, name string) int {
	for i, h := range head {
		if h == name {
			return i
		}
	}
	return -1
}
