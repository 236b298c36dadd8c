package report_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"placeplan"
	"placeplan/data"
	"placeplan/report"
	"placeplan/scenario"
)

// englandLSOA11 is the number of LSOA 2011 areas in England.
const englandLSOA11 = 32844

// englandDistricts is the locality scheme of report/testdata/england-50.yaml.
const englandDistricts = "England local authority districts (2019)"

// BenchmarkEnglandGeoPackage times the England GeoPackage of issue 12 —
// every small area of England with its results, in under 20 s — as
// placeplan report --format gpkg makes it: report.Make (the plan of
// report/testdata/england-50.yaml, fifty hubs within 10 km over all
// 32,844 LSOA 2011 areas, and the paper) and report.Write to a file. It
// reports plan-s (Make), write-s (Write) and total-s per run, and the
// slowest total.
//
// The store is built in a temporary folder from the national files in
// ../shared/data (IoD2019, the LSOA 2011 boundaries and the ONS LSOA →
// MSOA lookup, then the districts the IoD names as a locality scheme;
// about a minute), and the benchmark is skipped when they are absent. To
// reuse a database built once by placeplan ingest (see
// docs/BENCHMARKS.md, "England GeoPackage"), set
// PLACEPLAN_ENGLAND_DB=/path/to/england.db; it is opened, never changed.
//
// The file is checked: one small_areas feature per LSOA of England, and,
// when ogrinfo (gdal-bin) is on PATH, its layers' feature counts and
// their CRS, EPSG:27700.
func BenchmarkEnglandGeoPackage(b *testing.B) {
	ctx := context.Background()
	st := englandReportStore(b)
	sc, err := scenario.ReadFile(filepath.Join("testdata", "england-50.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	req := report.Request{Label: "england-50", Scenario: sc, Now: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}
	out := filepath.Join(b.TempDir(), "england.gpkg")
	var plan, write, slowest time.Duration
	var rep *report.Report
	runs := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rep, err = report.Make(ctx, st, req)
		if err != nil {
			b.Fatal(err)
		}
		made := time.Now()
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if err := report.Write(ctx, f, rep, report.GPKG, report.Renderers{}, nil); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		done := time.Now()
		plan += made.Sub(start)
		write += done.Sub(made)
		slowest = max(slowest, done.Sub(start))
		runs++
	}
	n := float64(runs)
	b.ReportMetric(plan.Seconds()/n, "plan-s")
	b.ReportMetric(write.Seconds()/n, "write-s")
	b.ReportMetric((plan+write).Seconds()/n, "total-s")
	b.ReportMetric(slowest.Seconds(), "slowest-s")
	if fi, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "MB")
	}
	b.StopTimer()
	checkEnglandGeoPackage(b, out, rep)
}

// englandReportStore opens PLACEPLAN_ENGLAND_DB when set, else builds an
// England store in a temporary folder from ../shared/data, skipping when
// the files are absent.
func englandReportStore(b *testing.B) *data.Store {
	b.Helper()
	ctx := context.Background()
	if path := os.Getenv("PLACEPLAN_ENGLAND_DB"); path != "" {
		if _, err := os.Stat(path); err != nil {
			b.Fatalf("PLACEPLAN_ENGLAND_DB: %v", err)
		}
		st, err := data.Open(ctx, path)
		if err != nil {
			b.Fatalf("open %s: %v", path, err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	var files []string
	for _, parts := range [][]string{
		{"iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz"},
		{"lsoa2011_boundaries", "lsoa2011_bgc_england_wgs84_6dp.geojson.gz"},
		{"lsoa2011_lookups", "lsoa11_msoa11_lad_lookup_england.csv.gz"},
	} {
		p := filepath.Join(append([]string{"..", "..", "shared", "data"}, parts...)...)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			b.Skipf("shared data %s is absent; skipping the England GeoPackage (or set PLACEPLAN_ENGLAND_DB)", p)
		}
		files = append(files, p)
	}
	dir := b.TempDir()
	st, err := data.Open(ctx, filepath.Join(dir, "england.db"))
	if err != nil {
		b.Fatalf("open store: %v", err)
	}
	b.Cleanup(func() { st.Close() })
	opts := data.IngestOptions{Geography: placeplan.LSOA2011}
	if _, err := st.IngestFiles(ctx, files, opts); err != nil {
		b.Fatalf("ingest England: %v", err)
	}
	// The localities: England's districts, as the IoD names them.
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011})
	if err != nil {
		b.Fatal(err)
	}
	lads := map[string]string{}
	for _, a := range areas {
		lads[a.LADCode] = a.LADName
	}
	codes := make([]string, 0, len(lads))
	for c := range lads {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	defs := filepath.Join(dir, "england-districts.csv")
	f, err := os.Create(defs)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"scheme", "locality", "code"})
	for _, c := range codes {
		w.Write([]string{englandDistricts, lads[c], c})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		b.Fatal(err)
	}
	if _, err := st.IngestFiles(ctx, []string{defs}, opts); err != nil {
		b.Fatalf("ingest the districts: %v", err)
	}
	return st
}

// checkEnglandGeoPackage checks the file at path against the report it
// was written from: a small_areas feature per LSOA of England, and
// ogrinfo's view of every layer's count and CRS when it is on PATH.
func checkEnglandGeoPackage(b *testing.B, path string, rep *report.Report) {
	b.Helper()
	want := map[string]int{"catchments": len(rep.Catchments.Rows), "notes": -1}
	for _, t := range rep.Tables {
		want[t.Name] = len(t.Rows)
	}
	if want["small_areas"] != englandLSOA11 && os.Getenv("PLACEPLAN_ENGLAND_DB") == "" {
		b.Errorf("the report has %d small areas, want England's %d", want["small_areas"], englandLSOA11)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var got int
	if err := db.QueryRow(`SELECT count(*) FROM small_areas WHERE geom IS NOT NULL`).Scan(&got); err != nil {
		b.Fatal(err)
	}
	if got != want["small_areas"] {
		b.Errorf("small_areas: %d features with a geometry, want %d", got, want["small_areas"])
	}
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		b.Log("ogrinfo is not on PATH (Debian gdal-bin): the file is not checked with GDAL")
		return
	}
	text, err := exec.Command(ogrinfo, "-so", "-al", path).CombinedOutput()
	if err != nil {
		b.Fatalf("ogrinfo: %v\n%s", err, text)
	}
	layers := regexp.MustCompile(`(?m)^Layer name: (\S+)$`)
	count := regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)
	seen := map[string]bool{}
	for _, block := range strings.Split(string(text), "\nLayer name: ")[1:] {
		block = "Layer name: " + block
		name := layers.FindStringSubmatch(block)[1]
		seen[name] = true
		n, ok := want[name]
		if !ok {
			b.Errorf("ogrinfo: unexpected layer %s", name)
			continue
		}
		m := count.FindStringSubmatch(block)
		if m == nil {
			b.Errorf("ogrinfo: layer %s: no feature count", name)
		} else if c, _ := strconv.Atoi(m[1]); n >= 0 && c != n {
			b.Errorf("ogrinfo: layer %s: %d features, want %d", name, c, n)
		}
		if name != "phases" && name != "notes" && !strings.Contains(block, `ID["EPSG",27700]]`) {
			b.Errorf("ogrinfo: layer %s is not in EPSG:27700", name)
		}
	}
	for name := range want {
		if !seen[name] {
			b.Errorf("ogrinfo: no layer %s", name)
		}
	}
}
