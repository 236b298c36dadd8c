package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"placeplan"
	"placeplan/data"
	"placeplan/data/geopackage"
	"placeplan/data/registry"
	"placeplan/geo"
	"placeplan/report"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/scoring/siting"
	"placeplan/wire"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/protomaps/go-pmtiles/pmtiles"
	"github.com/xuri/excelize/v2"
)

// defaultStore is the embedded default data, loaded once for the tests.
var defaultStore = sync.OnceValues(func() (*data.Store, error) {
	ctx := context.Background()
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	_, err = data.LoadDefault(ctx, st)
	return st, err
})

// shropshirePaper is the paper of the shipped Shropshire scenario, dated
// a fixed day, with its plan.
func shropshirePaper(t *testing.T) (*report.Paper, *scenario.PlanResult) {
	rep, res := shropshireReport(t)
	return rep.Paper, res
}

// shropshireReport is the report of the shipped Shropshire scenario,
// dated a fixed day, with its plan.
func shropshireReport(t *testing.T) (*report.Report, *scenario.PlanResult) {
	t.Helper()
	st, err := defaultStore()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sc, err := scenario.LookupBuiltin("shropshire-five-teams")
	if err != nil {
		t.Fatal(err)
	}
	p, err := report.Make(ctx, st, report.Request{Label: "shropshire-five-teams", Scenario: sc, Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenario.Plan(ctx, st, sc)
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// TestPaperFollowsTheTemplate checks that the paper has every section and
// appendix of the Shropshire template, numbered in its order, with
// numbered paragraphs, and a front sheet with each of its fields.
func TestPaperFollowsTheTemplate(t *testing.T) {
	p, _ := shropshirePaper(t)
	tpl, err := report.LoadTemplate("shropshire", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sections) != len(tpl.Sections) || len(p.Appendices) != len(tpl.Appendices) {
		t.Fatalf("%d sections and %d appendices, want %d and %d", len(p.Sections), len(p.Appendices), len(tpl.Sections), len(tpl.Appendices))
	}
	for i, s := range p.Sections {
		if s.Title != tpl.Sections[i].Title || s.Number != strconv.Itoa(i+1) {
			t.Errorf("section %d is %s %q, want %q", i, s.Number, s.Title, tpl.Sections[i].Title)
		}
		if len(s.Blocks) == 0 {
			t.Errorf("section %s %q is empty", s.Number, s.Title)
		}
		n := 0
		for _, b := range s.Blocks {
			if b.Para != nil {
				n++
				if want := s.Number + "." + strconv.Itoa(n); b.Para.Number != want {
					t.Errorf("paragraph %q in section %s, want %s", b.Para.Number, s.Number, want)
				}
			}
		}
	}
	for i, a := range p.Appendices {
		if want := string(rune('A' + i)); a.Number != want || a.Title != tpl.Appendices[i].Title {
			t.Errorf("appendix %s %q, want %s %q", a.Number, a.Title, want, tpl.Appendices[i].Title)
		}
	}
	if len(p.FrontSheet) != len(tpl.FrontSheet) {
		t.Fatalf("front sheet has %d fields, want %d", len(p.FrontSheet), len(tpl.FrontSheet))
	}
	for i, f := range p.FrontSheet {
		if f.Label != tpl.FrontSheet[i].Label || f.Value == "" {
			t.Errorf("front sheet row %d: %q = %q", i, f.Label, f.Value)
		}
	}
	// The shipped scenario has no paper section: the paper must say what
	// the officer has to complete, on the front sheet and in the list.
	missing := 0
	for _, f := range p.FrontSheet {
		if f.Missing {
			missing++
		}
	}
	if missing == 0 || len(p.Flags) < missing {
		t.Errorf("%d front-sheet fields flagged missing, %d flags: want the committee, item and officer flagged", missing, len(p.Flags))
	}
	// The electoral areas are the wards the catchments reach, looked up
	// from the LSOA 2011 areas through LSOA 2021.
	for _, f := range p.FrontSheet {
		if f.Label == "Electoral divisions affected" && (!strings.Contains(f.Value, "wards (May 2024)") || !strings.Contains(f.Value, "Harlescott")) {
			t.Errorf("electoral divisions: %q", f.Value)
		}
		if f.Label == "Key decision" && !strings.HasPrefix(f.Value, "Yes: it affects ") {
			t.Errorf("key decision: %q", f.Value)
		}
	}
	if p.Language != "en-GB" || p.Marking != "OFFICIAL" || !strings.Contains(p.Footer, "shropshire-five-teams") {
		t.Errorf("language %q, marking %q, footer %q", p.Language, p.Marking, p.Footer)
	}
}

// TestPaperHTML checks the HTML is one self-contained, labelled document:
// every map and chart an SVG with role img and alt text, every table with
// a caption and header cells, nothing fetched.
func TestPaperHTML(t *testing.T) {
	p, _ := shropshirePaper(t)
	doc, err := report.HTML(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="en-GB">`, "<title>" + p.Title, `<caption>The phased rollout</caption>`,
		`<th scope="col"`, `<th scope="row">`} {
		if !strings.Contains(doc, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	for _, bad := range []string{"http://", "https://", "<script", "<img"} {
		if i := strings.Index(doc, bad); i >= 0 && !strings.HasPrefix(doc[i:], "http://www.w3.org/") {
			t.Errorf("html holds %q at %d: a paper must fetch nothing", bad, i)
		}
	}
	svgs := regexp.MustCompile(`<svg [^>]*>`).FindAllString(doc, -1)
	if len(svgs) != 3 {
		t.Fatalf("%d SVG figures, want 3 (two maps and the coverage chart)", len(svgs))
	}
	for _, s := range svgs {
		if !strings.Contains(s, `role="img"`) || !strings.Contains(s, "aria-labelledby=") {
			t.Errorf("figure %s is not labelled", s)
		}
	}
	if n := strings.Count(doc, "<desc id="); n != 3 {
		t.Errorf("%d figures with a description, want 3", n)
	}
}

// TestPaperPDF prints the paper through Chromium and reads it back with
// poppler as a reader would: tagged, every font embedded, every section,
// site, plan figure and attribution line in its text, and the maps drawn.
func TestPaperPDF(t *testing.T) {
	for _, tool := range []string{"pdfinfo", "pdffonts", "pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian poppler-utils; make deps installs it)", tool)
		}
	}
	p, res := shropshirePaper(t)
	var buf bytes.Buffer
	if err := report.WritePDF(context.Background(), &buf, p, ""); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "paper.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}
	info := run("pdfinfo", file)
	for _, want := range []string{"Tagged:          yes", "Page size:       594.96 x 841.92 pts (A4)", "Title:           " + p.Title} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	fonts := strings.Split(strings.TrimSpace(run("pdffonts", file)), "\n")[2:]
	if len(fonts) == 0 {
		t.Error("pdffonts lists no font")
	}
	for _, f := range fonts {
		if fs := strings.Fields(f); len(fs) < 6 || fs[len(fs)-5] != "yes" {
			t.Errorf("font not embedded: %s", f)
		}
	}
	text := strings.Join(strings.Fields(run("pdftotext", "-layout", file, "-")), " ")
	for _, s := range p.Sections {
		if !strings.Contains(text, s.Number+". "+s.Title) {
			t.Errorf("the PDF's text lacks section %s. %s", s.Number, s.Title)
		}
	}
	for _, a := range p.Appendices {
		if !strings.Contains(text, "Appendix "+a.Number+": "+a.Title) {
			t.Errorf("the PDF's text lacks appendix %s: %s", a.Number, a.Title)
		}
	}
	// The figures of the plan JSON, as the plan route gives them.
	var doc wire.Plan
	b, _ := json.Marshal(wire.NewPlan(res))
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Sites {
		if !strings.Contains(text, s.ID) {
			t.Errorf("the PDF's text lacks site %s", s.ID)
		}
		if s.Reach != nil && !strings.Contains(text, siting.Amount(*s.Reach)) {
			t.Errorf("the PDF's text lacks site %s's reach %s", s.ID, siting.Amount(*s.Reach))
		}
	}
	for _, ph := range doc.Rollout.Phases {
		if ph.NewWeight != nil && !strings.Contains(text, siting.Amount(*ph.NewWeight)) {
			t.Errorf("the PDF's text lacks %s's newly reached %s", ph.Label, siting.Amount(*ph.NewWeight))
		}
	}
	for _, line := range doc.Attribution {
		if !strings.Contains(text, strings.Join(strings.Fields(line), " ")) {
			t.Errorf("the PDF's text lacks the attribution line %q", line)
		}
	}
	if !strings.Contains(text, strings.Join(strings.Fields(registry.WardsAttribution), " ")) {
		t.Error("the PDF's text lacks the ward lookup's attribution line")
	}
	if !strings.Contains(text, "Page 1 of ") || !strings.Contains(text, "OFFICIAL") {
		t.Error("the footer (marking, page n of N) is missing")
	}
	// The page with the need map: many coloured pixels.
	page := findPage(t, file, "Need by small area")
	dir := t.TempDir()
	run("pdftoppm", "-r", "40", "-png", "-f", page, "-l", page, file, filepath.Join(dir, "p"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != 1 {
		t.Fatalf("pdftoppm wrote %v", pngs)
	}
	if share := colouredShare(t, pngs[0]); share < 0.1 {
		t.Errorf("the map's page is %.0f%% coloured: the map is not drawn", 100*share)
	}
}

// findPage returns the number of the first page whose text holds s.
func findPage(t *testing.T, file, s string) string {
	t.Helper()
	for i := 1; i < 60; i++ {
		out, err := exec.Command("pdftotext", "-f", strconv.Itoa(i), "-l", strconv.Itoa(i), file, "-").Output()
		if err != nil {
			break
		}
		if strings.Contains(string(out), s) {
			return strconv.Itoa(i)
		}
	}
	t.Fatalf("no page holds %q", s)
	return ""
}

// colouredShare is the share of a PNG's pixels that are neither white nor
// grey: what a choropleth paints.
func colouredShare(t *testing.T, file string) float64 {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	var n, coloured int
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			n++
			if saturated(img, x, y) {
				coloured++
			}
		}
	}
	return float64(coloured) / float64(n)
}

func saturated(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	hi, lo := max(r, g, b), min(r, g, b)
	return hi-lo > 0x2000
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestAnalystsFiles writes the workbook, the zipped CSVs and the GeoJSON
// of the Shropshire plan and reads each back as an analyst's tool would:
// excelize for the workbook (numbers as numbers, a notes sheet with the
// attribution), golden CSVs, and GDAL for the GeoJSON.
func TestAnalystsFiles(t *testing.T) {
	rep, res := shropshireReport(t)
	dir := t.TempDir()

	var xb bytes.Buffer
	if err := report.WriteXLSX(&xb, rep); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(xb.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := x.GetSheetList(), []string{"Notes", "localities", "small_areas", "sites", "phases"}; !slices.Equal(got, want) {
		t.Errorf("sheets %v, want %v", got, want)
	}
	rows, _ := x.GetRows("small_areas")
	if len(rows) != len(res.Demand)+1 {
		t.Errorf("small_areas has %d rows, want a header and %d areas", len(rows), len(res.Demand))
	}
	if typ, _ := x.GetCellType("sites", "I2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("sites reach is a %v cell, want a number", typ)
	}
	notes, _ := x.GetRows("Notes")
	var joined []string
	for _, r := range notes {
		joined = append(joined, strings.Join(r, " "))
	}
	for _, line := range res.Attribution {
		if !slices.Contains(joined, line) {
			t.Errorf("the Notes sheet lacks the attribution line %q", line)
		}
	}

	var zb bytes.Buffer
	if err := report.WriteCSVZip(&zb, rep); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zb.Bytes()), int64(zb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if _, err := csv.NewReader(bytes.NewReader(got)).ReadAll(); err != nil {
			t.Errorf("%s is not CSV: %v", f.Name, err)
		}
		golden := filepath.Join("testdata", "shropshire-five-teams", f.Name)
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (go test ./report -run AnalystsFiles -update writes it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (go test ./report -run AnalystsFiles -update rewrites it after a deliberate change)", f.Name, golden)
		}
	}
	if want := []string{"localities.csv", "small_areas.csv", "sites.csv", "phases.csv", "notes.txt"}; !slices.Equal(names, want) {
		t.Errorf("zip holds %v, want %v", names, want)
	}

	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo not installed (Debian gdal-bin; make deps installs it)")
	}
	gj := filepath.Join(dir, "plan.geojson")
	var gb bytes.Buffer
	if err := report.WriteGeoJSON(&gb, rep); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(gj, gb.Bytes(), 0o644)
	for layer, want := range map[string]int{"small_areas": len(res.Demand), "sites": len(res.Selection.Selected), "catchments": len(res.Selection.Selected)} {
		out, err := exec.Command("ogrinfo", "-ro", "-q", "-sql", fmt.Sprintf("SELECT COUNT(*) AS n FROM plan WHERE layer = '%s'", layer), gj).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), fmt.Sprintf("n (Integer) = %d", want)) {
			t.Errorf("GDAL counts in layer %s:\n%s\nwant %d", layer, out, want)
		}
	}
}

// TestGeoPackage writes the Shropshire plan as GeoPackages in British
// National Grid and in WGS84 and checks each with GDAL's own GeoPackage
// validator, ogrinfo (layers, CRS, feature counts) and placeplan's reader.
func TestGeoPackage(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo not installed (Debian gdal-bin; make deps installs it)")
	}
	rep, res := shropshireReport(t)
	for _, srs := range []int{geopackage.EPSG27700, geopackage.EPSG4326} {
		file := filepath.Join(t.TempDir(), "plan.gpkg")
		if err := report.WriteGeoPackage(context.Background(), file, rep, srs); err != nil {
			t.Fatal(err)
		}
		const validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
		if _, err := os.Stat(validator); err == nil {
			if out, err := exec.Command("/usr/bin/python3", validator, file).CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("EPSG:%d: GDAL's validate_gpkg.py: %v\n%s", srs, err, out)
			}
		}
		for layer, want := range map[string]int{"small_areas": len(res.Demand), "localities": len(res.Score.Need.Localities),
			"sites": len(res.Selection.Selected), "catchments": len(res.Selection.Selected), "phases": len(res.Rollout.Phases)} {
			out, err := exec.Command("ogrinfo", "-ro", "-so", file, layer).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo %s: %v\n%s", layer, err, out)
			}
			if !strings.Contains(string(out), fmt.Sprintf("Feature Count: %d\n", want)) {
				t.Errorf("EPSG:%d %s: want %d features:\n%s", srs, layer, want, out)
			}
			if layer != "phases" && !strings.Contains(string(out), fmt.Sprintf(`ID["EPSG",%d]]`, srs)) {
				t.Errorf("EPSG:%d %s: the layer's CRS is not EPSG:%d:\n%s", srs, layer, srs, out)
			}
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		set, err := geopackage.Read(f, "sites")
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Features) != len(res.Selection.Selected) {
			t.Errorf("placeplan's reader finds %d sites", len(set.Features))
		}
		if wantCRS := map[int]geo.CRS{geopackage.EPSG27700: geo.BNG, geopackage.EPSG4326: geo.WGS84}[srs]; set.CRS != wantCRS {
			t.Errorf("EPSG:%d: placeplan's reader finds CRS %v", srs, set.CRS)
		}
		for _, ft := range set.Features {
			g, err := geo.ToWGS84(ft.Geometry, set.CRS)
			if err != nil {
				t.Fatal(err)
			}
			p := g.(orb.Point)
			if p[0] < -3.3 || p[0] > -2.2 || p[1] < 52.3 || p[1] > 53.0 {
				t.Errorf("EPSG:%d: site %v read back at %v, not in Shropshire", srs, ft.Properties["id"], p)
			}
		}
	}
}

// TestPaperDOCX makes the Word paper and reads its XML back: Word's
// heading styles for the title and every section, real tables, and each
// map and chart as a picture whose alt text is the figure's.
func TestPaperDOCX(t *testing.T) {
	if _, err := exec.LookPath("pandoc"); err != nil {
		t.Skip("pandoc not installed (Debian pandoc; make deps installs it)")
	}
	p, _ := shropshirePaper(t)
	var buf bytes.Buffer
	if err := report.WriteDOCX(context.Background(), &buf, p, "", ""); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	images := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "word/media/") && strings.HasSuffix(f.Name, ".png") {
			images++
		}
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			doc = string(b)
		}
	}
	if doc == "" {
		t.Fatal("no word/document.xml")
	}
	if n := strings.Count(doc, `<w:pStyle w:val="Heading2" />`) + strings.Count(doc, `<w:pStyle w:val="Heading2"/>`); n != len(p.Sections)+len(p.Appendices) {
		t.Errorf("%d Heading 2 paragraphs, want one per section and appendix (%d)", n, len(p.Sections)+len(p.Appendices))
	}
	if n := strings.Count(doc, "<w:tbl>"); n < 7 {
		t.Errorf("%d Word tables, want the front sheet and every table of the paper", n)
	}
	var figures []*report.Figure
	for _, s := range p.Sections {
		for _, b := range s.Blocks {
			if b.Figure != nil {
				figures = append(figures, b.Figure)
			}
		}
	}
	if images != len(figures) {
		t.Errorf("%d images, want %d", images, len(figures))
	}
	for _, f := range figures {
		if alt := f.Alt[:40]; !strings.Contains(doc, `descr="`+alt) {
			t.Errorf("no picture has the alt text of %s (%q…)", f.ID, alt)
		}
	}
	for _, s := range p.Sections {
		if !strings.Contains(doc, s.Number+". "+s.Title) {
			t.Errorf("the document lacks the heading %s. %s", s.Number, s.Title)
		}
	}
}

// TestPaperCompared sets the 30-minute variant beside the Shropshire plan:
// the options section names the alternative and sets both plans' bases and
// coverage side by side, and the maps show both.
func TestPaperCompared(t *testing.T) {
	st, err := defaultStore()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := scenario.LookupBuiltin("shropshire-five-teams")
	b, _ := scenario.LookupBuiltin("shropshire-five-teams-30min")
	rep, err := report.Make(context.Background(), st, report.Request{Label: "shropshire-five-teams", Scenario: a,
		CompareLabel: "shropshire-five-teams-30min", Compare: b, Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := report.HTML(rep.Paper)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"The alternative, " + b.Name + " (shropshire-five-teams-30min)", `id="table-compare-sites"`,
		`id="table-compare-coverage"`, `id="map-compare"`, "By the alternative only", "sites.standard_minutes"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the compared paper lacks %q", want)
		}
	}
	need, _ := scenario.LookupBuiltin("shropshire-need")
	if _, err := report.Make(context.Background(), st, report.Request{Label: "x", Scenario: a, CompareLabel: "shropshire-need", Compare: need}); err == nil ||
		!strings.Contains(err.Error(), "shropshire-need has no sites section") {
		t.Errorf("comparing with a scenario without sites: %v", err)
	}
}

// pdfToText is a PDF's text by pdftotext, its whitespace collapsed.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestPMTiles writes the Shropshire plan's map layers through the real
// tile service and reads the archive back with go-pmtiles: a valid v3
// header, directories that find every tile, and tiles that decode to the
// areas (with the scenario's plan), catchments, districts and labels.
func TestPMTiles(t *testing.T) {
	st, err := defaultStore()
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := shropshireReport(t)
	svc := tiles.NewService(st, tiles.Options{Policy: scenario.Policy{Disclosure: placeplan.Disclosure{MinCount: 5}}})
	var buf bytes.Buffer
	if err := report.WritePMTiles(context.Background(), &buf, rep, report.ServiceTiles(svc, "shropshire-five-teams", placeplan.LSOA2011), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	h, err := pmtiles.DeserializeHeader(b[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	if h.SpecVersion != 3 || h.TileType != pmtiles.Mvt || h.MinZoom != 6 || h.MaxZoom != 12 || !h.Clustered || h.TileEntriesCount == 0 {
		t.Fatalf("header %+v", h)
	}
	if lon := float64(h.CenterLonE7) / 1e7; lon < -3.3 || lon > -2.2 {
		t.Errorf("centre longitude %v is not in Shropshire", lon)
	}
	var entries []pmtiles.EntryV3
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		entries = append(entries, e)
	})
	if err != nil || uint64(len(entries)) != h.TileEntriesCount {
		t.Fatalf("%d entries (%v), header says %d", len(entries), err, h.TileEntriesCount)
	}
	layers := map[string]int{}
	phases := 0
	for _, e := range entries {
		data := b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		ls, err := mvt.UnmarshalGzipped(data)
		if err != nil {
			t.Fatalf("tile %d: %v", e.TileID, err)
		}
		for _, l := range ls {
			layers[l.Name] += len(l.Features)
			for _, f := range l.Features {
				if _, ok := f.Properties["reached_in"]; l.Name == "areas" && ok {
					phases++
				}
			}
		}
	}
	for _, want := range []string{"areas", "catchments", "districts", "labels"} {
		if layers[want] == 0 {
			t.Errorf("no %s features in the archive (%v)", want, layers)
		}
	}
	if phases == 0 {
		t.Errorf("no areas feature carries the phase that first reaches it (reached_in): the scenario's areas were not drawn")
	}
}

// TestFigureDrawsOnce: a figure is drawn when first asked for, once, however
// many formats ask at the same time, and a drawing's error reaches each.
func TestFigureDrawsOnce(t *testing.T) {
	var calls atomic.Int32
	f := report.NewFigure("map-x", "caption", "alt", "", func() (string, error) {
		calls.Add(1)
		return "<svg></svg>", nil
	})
	if n := calls.Load(); n != 0 {
		t.Fatalf("drawn %d times before anyone asked", n)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if svg, err := f.SVG(); err != nil || svg != "<svg></svg>" {
				t.Errorf("SVG() = %q, %v", svg, err)
			}
		})
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("drawn %d times, want once", n)
	}
	bad := report.NewFigure("chart-x", "caption", "alt", "", func() (string, error) { return "", errors.New("no fonts") })
	for range 2 {
		if _, err := bad.SVG(); err == nil || err.Error() != "no fonts" {
			t.Errorf("SVG() error = %v, want the drawing's", err)
		}
	}
}
