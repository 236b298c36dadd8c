package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
)

// The -update flag rewrites golden files. Another test file of this
// package may register it first (files initialise in name order).
var _ = registerUpdateFlag()

func registerUpdateFlag() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
	return true
}

func updatingGolden() bool {
	g, ok := flag.Lookup("update").Value.(flag.Getter)
	if !ok {
		return false
	}
	b, _ := g.Get().(bool)
	return b
}

const (
	subsetIoD        = "iod2019_lsoa11/iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv"
	subsetUnderlying = "iod2019_underlying_indicators_lsoa11/iod2019_underlying_indicators_lsoa11_subset_shropshire_telford_oxfordshire.csv"
)

// summariseGolden is the golden output of summarise --by lad on the subset.
var summariseGolden = filepath.Join("..", "..", "scoring", "testdata", "summary", "summarise_lad_subset.golden.csv")

// runSummarise runs placeplan in process and returns stdout, stderr and the
// exit code main would give.
func runSummarise(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"summarise"}, args...), &out, &errOut)
	code := exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func readCSVOutput(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	return rows
}

// wantSummaryHeader is the column contract for a file with scores for the
// IMD, income, employment, IDACI and IDAOPI, ranks for all ten indices and
// (with File 8) the income and employment numerators.
func wantSummaryHeader(scales bool) string {
	h := []string{"code", "name"}
	for _, k := range []string{"imd", "income", "employment", "education", "health", "crime", "barriers", "living_env", "idaci", "idaopi"} {
		switch k {
		case "imd", "income", "employment", "idaci", "idaopi":
			h = append(h, k+"_average_score", k+"_rank_of_average_score")
		}
		h = append(h, k+"_average_rank", k+"_rank_of_average_rank", k+"_proportion_most_deprived_10pct",
			k+"_extent", k+"_rank_of_extent", k+"_local_concentration", k+"_rank_of_local_concentration")
	}
	if scales {
		h = append(h, "income_scale", "income_rank_of_scale", "employment_scale", "employment_rank_of_scale")
	}
	return strings.Join(h, ",")
}

func TestSummariseByLADGolden(t *testing.T) {
	iod, und := shared(t, subsetIoD), shared(t, subsetUnderlying)
	out, errOut, code := runSummarise(t, "--iod", iod, "--underlying", und, "--by", "lad", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := readCSVOutput(t, out)
	if got := strings.Join(rows[0], ","); got != wantSummaryHeader(true) {
		t.Errorf("header\n%s\nwant\n%s", got, wantSummaryHeader(true))
	}
	if len(rows) != 8 {
		t.Fatalf("%d rows, want the 7 districts", len(rows)-1)
	}
	// The published File 10 values for Telford and Wrekin and Shropshire.
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, c := range []struct {
		row          int
		column, want string
	}{
		{1, "code", "E06000020"}, {1, "name", "Telford and Wrekin"},
		{1, "imd_average_score", "24.987971"}, {1, "imd_proportion_most_deprived_10pct", "0.166667"},
		{2, "code", "E06000051"}, {2, "imd_average_score", "17.153275"},
	} {
		if got := rows[c.row][col[c.column]]; got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.column, got, c.want)
		}
	}
	for _, want := range []string{"income_domain_numerator of 1 areas has no value", "employment_domain_numerator of 6 areas has no value"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if updatingGolden() {
		if err := os.WriteFile(summariseGolden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(summariseGolden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if out != string(golden) {
		t.Errorf("output differs from %s (run go test -update after checking the change):\n%s", summariseGolden, out)
	}
}

func TestSummariseWithoutUnderlyingLeavesScaleOut(t *testing.T) {
	out, errOut, code := runSummarise(t, "--iod", shared(t, subsetIoD))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := readCSVOutput(t, out)
	if got := strings.Join(rows[0], ","); got != wantSummaryHeader(false) {
		t.Errorf("header\n%s\nwant\n%s", got, wantSummaryHeader(false))
	}
}

func TestSummariseByMSOA(t *testing.T) {
	out, errOut, code := runSummarise(t, "--iod", shared(t, subsetIoD), "--by", "msoa")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := readCSVOutput(t, out)
	if len(rows) != 149 {
		t.Fatalf("%d rows, want the 148 MSOAs", len(rows)-1)
	}
	names := map[string]string{}
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[0], "E02") || r[1] == "" {
			t.Errorf("row %v: want an MSOA code and its House of Commons Library name", r[:2])
		}
		names[r[0]] = r[1]
	}
	if names["E02006024"] != "Oswestry East" {
		t.Errorf("E02006024 is named %q, want Oswestry East", names["E02006024"])
	}
}

func TestSummariseByLocality(t *testing.T) {
	iod := shared(t, subsetIoD)
	out, errOut, code := runSummarise(t, "--iod", iod, "--by", "locality")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := readCSVOutput(t, out)
	if len(rows) != 22 {
		t.Fatalf("%d rows, want 18 Shropshire and 3 Oxfordshire localities:\n%s", len(rows)-1, out)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r[1]
	}
	for code, name := range map[string]string{
		"Shropshire early help localities/North Shrewsbury": "North Shrewsbury",
		"Shropshire early help localities/Oswestry":         "Oswestry",
		"Oxfordshire early intervention areas/Central":      "Central",
	} {
		if got[code] != name {
			t.Errorf("row %q has name %q, want %q", code, got[code], name)
		}
	}
	// Ranks are among the localities of one scheme.
	col := 0
	for i, h := range rows[0] {
		if h == "imd_rank_of_average_score" {
			col = i
		}
	}
	for _, r := range rows[1:] {
		if rank, err := strconv.Atoi(r[col]); strings.HasPrefix(r[0], "Oxfordshire") && (err != nil || rank < 1 || rank > 3) {
			t.Errorf("%s: rank %s, want 1 to 3 among the Oxfordshire areas", r[0], r[col])
		}
	}
	// Every Shropshire LSOA is in one Shropshire locality, every
	// Oxfordshire LSOA in one Oxfordshire area.
	ia, err := scenario.ReadIoDAreas(context.Background(), scenario.IoDFiles{IoD: iod})
	if err != nil {
		t.Fatal(err)
	}
	defs, err := data.DefaultLocalities()
	if err != nil {
		t.Fatal(err)
	}
	locs, warnings, err := ia.ResolveLocalities(defs)
	for _, w := range warnings {
		t.Errorf("warning: %s", w)
	}
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]int{} // scheme → LSOAs
	for _, l := range locs {
		members[l.Scheme] += len(l.Areas)
	}
	if len(members) != 2 {
		t.Fatalf("schemes %v", members)
	}
	for scheme, want := range map[string]int{"Shropshire early help localities": 193, "Oxfordshire early intervention areas": 407} {
		if n := members[scheme]; n != want {
			t.Errorf("%s: %d LSOAs, want %d", scheme, n, want)
		}
	}
}

func TestSummariseOwnLocalities(t *testing.T) {
	iod := shared(t, subsetIoD)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// An upper-tier authority is a locality listing its districts.
	upper := write("upper.csv", "scheme,locality,code\n"+
		"Upper tier,Oxfordshire,E07000177\nUpper tier,Oxfordshire,E07000178\nUpper tier,Oxfordshire,E07000179\n"+
		"Upper tier,Oxfordshire,E07000180\nUpper tier,Oxfordshire,E07000181\n"+
		"Upper tier,Shropshire,E06000051\nUpper tier,Telford and Wrekin,E06000020\n"+
		"Upper tier,Herefordshire,E06000019\n")
	out, errOut, code := runSummarise(t, "--iod", iod, "--by", "locality", "--localities", upper, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 3 || got[0]["code"] != "Upper tier/Oxfordshire" || got[0]["name"] != "Oxfordshire" {
		t.Fatalf("rows %v", got)
	}
	if !strings.Contains(errOut, `upper.csv line 9: locality "Herefordshire": E06000019 matches no area`) {
		t.Errorf("stderr lacks the warning for Herefordshire:\n%s", errOut)
	}

	cases := []struct {
		name, body, want string
	}{
		{"unknown MSOA name", "scheme,locality,msoa_name\nS,Town,Nowhere Central\n",
			`bad.csv line 2: locality "Town": "Nowhere Central" is not the House of Commons Library or ONS name of an MSOA of LSOA 2011`},
		{"an area in two localities", "scheme,locality,code\nS,A,E06000051\nS,B,E01028826\n",
			`bad.csv line 3: area E01028826 is in locality "A" (line 2) and "B" of scheme "S"`},
		{"not a locality file", "lsoa11cd,x\nE01028826,1\n", "is not a locality CSV"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write("bad.csv", c.body)
			_, errOut, code := runSummarise(t, "--iod", iod, "--by", "locality", "--localities", p)
			if code != exitDataErr || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %s; want 65 and %q", code, errOut, c.want)
			}
		})
	}
}

func TestSummariseJSON(t *testing.T) {
	out, errOut, code := runSummarise(t, "--iod", shared(t, subsetIoD), "--underlying", shared(t, subsetUnderlying), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows, want 7", len(rows))
	}
	r := rows[0]
	if r["code"] != "E06000020" || r["name"] != "Telford and Wrekin" {
		t.Errorf("first row %v %v", r["code"], r["name"])
	}
	for _, k := range strings.Split(wantSummaryHeader(true), ",")[2:] {
		if _, ok := r[k].(float64); !ok {
			t.Errorf("%s = %#v, want a number", k, r[k])
		}
	}
	if len(r) != len(strings.Split(wantSummaryHeader(true), ",")) {
		t.Errorf("%d keys, want %d", len(r), len(strings.Split(wantSummaryHeader(true), ",")))
	}
	// Full precision, not the CSV's 6 decimal places.
	if v := r["imd_average_score"].(float64); v == 24.987971 || v < 24.98797 || v > 24.98798 {
		t.Errorf("imd_average_score %v, want full precision near 24.987971", v)
	}
	// Keys keep the column order.
	if i, j := strings.Index(out, `"imd_average_score"`), strings.Index(out, `"employment_scale"`); i < 0 || j < i {
		t.Errorf("keys out of column order")
	}
}

func TestSummariseErrors(t *testing.T) {
	dir := t.TempDir()
	noPop := filepath.Join(dir, "no_population.csv")
	os.WriteFile(noPop, []byte("lsoa11cd,lsoa11nm,lad19cd,lad19nm,imd_score,imd_rank\n"+
		"E01028826,Oxford 001A,E07000178,Oxford,10.5,12000\nE01028827,Oxford 001B,E07000178,Oxford,20.5,6000\n"), 0o644)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no population denominators", []string{"--iod", noPop}, exitDataErr,
			"no_population.csv (IoD2019 scores, ranks and deciles (LSOA 2011)) has no population denominators"},
		{"IoD2025 without File 7 populations", []string{"--iod", shared(t, "iod2025_lsoa21/imd2025_lsoa21_subset_shropshire_telford_oxfordshire.csv")}, exitDataErr,
			"has no population denominators"},
		{"underlying file without numerators", []string{"--iod", shared(t, subsetIoD), "--underlying", noPop}, exitDataErr,
			"has no income or employment domain numerator"},
		{"missing file", []string{"--iod", filepath.Join(dir, "nope.csv")}, exitDataErr, "nope.csv"},
		{"no --iod", []string{"--by", "lad"}, exitUsage, "--iod FILE is required"},
		{"bad --by", []string{"--iod", noPop, "--by", "ward"}, exitUsage, `--by "ward"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runSummarise(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, c.code, c.want)
			}
		})
	}
	// The error is an application error with a code, for the HTTP layer too.
	err := run(context.Background(), []string{"summarise", "--iod", noPop}, &bytes.Buffer{}, &bytes.Buffer{})
	if placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Errorf("code %q, want invalid", placeplan.ErrorCode(err))
	}
}
