// Command mkdefault derives placeplan's embedded default dataset
// (data/default) and LSOA code registry (data/registry) from the open data
// in ../shared/data. Run it through `go generate ./data`; the output is
// deterministic, so a rerun on the same inputs changes nothing.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The districts of the default dataset: Shropshire, Telford and Wrekin and
// the five Oxfordshire districts.
var lads = map[string]bool{
	"E06000051": true, "E06000020": true,
	"E07000177": true, "E07000178": true, "E07000179": true, "E07000180": true, "E07000181": true,
}

func main() {
	shared := flag.String("shared", "../../shared/data", "folder holding the shared open data")
	out := flag.String("out", "default", "folder to write the default dataset to")
	registry := flag.String("registry", "registry", "folder to write the LSOA code registry to")
	flag.Parse()
	if err := run(*shared, *out, *registry); err != nil {
		fmt.Fprintln(os.Stderr, "mkdefault:", err)
		os.Exit(1)
	}
}

func run(shared, out, registry string) error {
	in := func(p string) string { return filepath.Join(shared, p) }
	steps := []struct {
		name string
		fn   func() error
	}{
		{"registry", func() error {
			return selectCSV(in("lsoa2021_boundaries_and_lookups/LSOA11_to_LSOA21_to_LAD22_lookup_ew.csv.gz"),
				filepath.Join(registry, "lsoa11_lsoa21.csv.gz"), []string{"F_LSOA11CD", "LSOA21CD", "CHGIND"},
				[]string{"lsoa11cd", "lsoa21cd", "chgind"}, nil)
		}},
		{"ward registry", func() error {
			// Every LSOA 2021 in England and Wales with the ward (May
			// 2024) and district it lies in: the electoral areas a plan
			// affects.
			return selectCSV(in("lsoa2021_boundaries_and_lookups/lookup_lsoa21_ward24_ltla24_ew.csv.gz"),
				filepath.Join(registry, "lsoa21_ward24.csv.gz"),
				[]string{"lsoa21_code", "ward24_code", "ward24_name", "ltla24_code", "ltla24_name"},
				[]string{"lsoa21cd", "wd24cd", "wd24nm", "lad24cd", "lad24nm"}, nil)
		}},
		{"msoa names registry", func() error {
			// Every MSOA 2011 and 2021 in England and Wales: code, ONS name
			// (an LSOA is named after its MSOA plus a letter) and House of
			// Commons Library name.
			for _, y := range []struct{ src, yy string }{
				{"MSOA-Names-1.14_2011msoas_houseofcommonslibrary.csv", "11"},
				{"MSOA-Names-2021_houseofcommonslibrary.csv", "21"},
			} {
				cols := []string{"msoa" + y.yy + "cd", "msoa" + y.yy + "nm", "msoa" + y.yy + "hclnm"}
				if err := selectCSV(in("msoa_names_and_towns/"+y.src),
					filepath.Join(registry, "msoa"+y.yy+"_names.csv.gz"), cols, nil, nil); err != nil {
					return err
				}
			}
			return nil
		}},
		{"iod2019", func() error {
			return selectCSV(in("iod2019_lsoa11/iod2019_lsoa11_subset_shropshire_telford_oxfordshire.csv"),
				filepath.Join(out, "iod2019_lsoa11.csv.gz"), nil, nil, ladFilter("lad19cd"))
		}},
		{"iod2019 underlying", func() error {
			cols := []string{"lsoa11cd", "lad19cd", "lad19nm", "income_domain_numerator",
				"income_deprivation_affecting_children_index_idaci_numerator",
				"income_deprivation_affecting_older_people_index_idaopi_numerator", "employment_domain_numerator",
				"acute_morbidity_indicator", "mood_and_anxiety_disorders_indicator",
				"comparative_illness_and_disability_ratio_indicator", "staying_on_in_education_post_16_indicator"}
			return selectCSV(in("iod2019_underlying_indicators_lsoa11/iod2019_underlying_indicators_lsoa11_subset_shropshire_telford_oxfordshire.csv"),
				filepath.Join(out, "iod2019_underlying_indicators_lsoa11.csv.gz"), cols, nil, ladFilter("lad19cd"))
		}},
		{"lsoa11 lookup", func() error {
			cols := []string{"LSOA11CD", "LSOA11NM", "MSOA11CD", "MSOA11NM", "MSOA11HCLNM", "LAD19CD", "LAD19NM"}
			return selectCSV(in("lsoa2011_lookups/lsoa11_msoa11_lad_lookup_subset_shropshire_telford_oxfordshire.csv"),
				filepath.Join(out, "lsoa11_msoa11_lad19_lookup.csv.gz"), cols, nil, ladFilter("LAD19CD"))
		}},
		{"lsoa11 boundaries", func() error {
			return selectGeoJSON(in("lsoa2011_boundaries/lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson"),
				filepath.Join(out, "lsoa2011_bgc.geojson.gz"), []string{"LSOA11CD", "LSOA11NM", "LAD19CD", "LAD19NM"}, "LAD19CD")
		}},
		{"iod2025", func() error {
			return selectCSV(in("iod2025_lsoa21/imd2025_lsoa21_subset_shropshire_telford_oxfordshire.csv"),
				filepath.Join(out, "iod2025_lsoa21.csv.gz"), nil, nil, ladFilter("ltla24_code"))
		}},
		{"lsoa21 boundaries", func() error {
			return selectGeoJSON(in("lsoa2021_boundaries_and_lookups/lsoa2021_bsc_subset_shropshire_telford_oxfordshire.geojson"),
				filepath.Join(out, "lsoa2021_bsc.geojson.gz"), []string{"LSOA21CD", "LSOA21NM", "LAD24CD", "LAD24NM"}, "LAD24CD")
		}},
		{"lsoa21 centroids", func() error {
			codes, err := codesOf(in("iod2025_lsoa21/imd2025_lsoa21_subset_shropshire_telford_oxfordshire.csv"), "lsoa21_code")
			if err != nil {
				return err
			}
			return selectCSV(in("lsoa2021_boundaries_and_lookups/LSOA21_population_weighted_centroids_ew_bng.csv.gz"),
				filepath.Join(out, "lsoa21_population_weighted_centroids_bng.csv.gz"), []string{"FID", "LSOA21CD", "GlobalID", "x", "y"}, nil,
				func(h map[string]int, row []string) bool { return codes[row[h["LSOA21CD"]]] })
		}},
		{"msoa11 names", func() error {
			return selectCSV(in("msoa_names_and_towns/MSOA-Names-1.14_2011msoas_houseofcommonslibrary.csv"),
				filepath.Join(out, "msoa11_names_hcl.csv.gz"), []string{"msoa11cd", "msoa11nm", "msoa11hclnm"}, nil,
				laNameFilter("Laname"))
		}},
		{"msoa21 names", func() error {
			// An LSOA is named after its MSOA plus a letter; select the MSOAs
			// the default areas are named after (E01027305 "West
			// Northamptonshire 048E" lies in Cherwell since 2024).
			names, err := codesOf(in("iod2025_lsoa21/imd2025_lsoa21_subset_shropshire_telford_oxfordshire.csv"), "lsoa21_name")
			if err != nil {
				return err
			}
			msoas := map[string]bool{}
			for n := range names {
				msoas[n[:len(n)-1]] = true
			}
			return selectCSV(in("msoa_names_and_towns/MSOA-Names-2021_houseofcommonslibrary.csv"),
				filepath.Join(out, "msoa21_names_hcl.csv.gz"), []string{"msoa21cd", "msoa21nm", "msoa21hclnm"}, nil,
				func(h map[string]int, row []string) bool { return msoas[row[h["msoa21nm"]]] })
		}},
		{"towns", func() error {
			return selectCSV(in("msoa_names_and_towns/shropshire_market_towns_coordinates.csv"),
				filepath.Join(out, "towns.csv"), []string{"town", "easting_bng", "northing_bng", "coord_source"},
				[]string{"name", "easting", "northing", "source"}, nil)
		}},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintln(os.Stderr, "mkdefault: wrote", s.name)
	}
	return nil
}

func ladFilter(col string) func(map[string]int, []string) bool {
	return func(h map[string]int, row []string) bool { return lads[row[h[col]]] }
}

var laNames = map[string]bool{"Shropshire": true, "Telford and Wrekin": true, "Cherwell": true, "Oxford": true,
	"South Oxfordshire": true, "Vale of White Horse": true, "West Oxfordshire": true}

func laNameFilter(col string) func(map[string]int, []string) bool {
	return func(h map[string]int, row []string) bool { return laNames[row[h[col]]] }
}

func readAll(p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), nil
}

func codesOf(p, col string) (map[string]bool, error) {
	b, err := readAll(p)
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, err
	}
	idx := -1
	for i, h := range rows[0] {
		if h == col {
			idx = i
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("%s: no column %s", p, col)
	}
	out := map[string]bool{}
	for _, r := range rows[1:] {
		out[r[idx]] = true
	}
	return out, nil
}

// selectCSV copies the chosen columns (all when cols is nil) of the rows
// keep accepts, renaming them to names when given.
func selectCSV(src, dst string, cols, names []string, keep func(map[string]int, []string) bool) error {
	b, err := readAll(src)
	if err != nil {
		return err
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return err
	}
	h := map[string]int{}
	for i, c := range rows[0] {
		h[c] = i
	}
	if cols == nil {
		cols = rows[0]
	}
	for _, c := range cols {
		if _, ok := h[c]; !ok {
			return fmt.Errorf("%s: no column %s", src, c)
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := cols
	if names != nil {
		header = names
	}
	w.Write(header)
	n := 0
	for _, r := range rows[1:] {
		if keep != nil && !keep(h, r) {
			continue
		}
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = r[h[c]]
		}
		w.Write(out)
		n++
	}
	w.Flush()
	if n == 0 {
		return fmt.Errorf("%s: no rows selected", src)
	}
	return write(dst, buf.Bytes())
}

// selectGeoJSON keeps the features of the default districts with the given
// properties, coordinates rounded to 6 decimal places (about 0.1 m, far
// finer than the boundaries' own generalisation).
func selectGeoJSON(src, dst string, props []string, ladProp string) error {
	b, err := readAll(src)
	if err != nil {
		return err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	for _, f := range fc.Features {
		if !lads[fmt.Sprint(f.Properties[ladProp])] {
			continue
		}
		p := map[string]any{}
		for _, k := range props {
			p[k] = f.Properties[k]
		}
		pj, _ := json.Marshal(p)
		gj, err := json.Marshal(geojson.NewGeometry(round6(f.Geometry)))
		if err != nil {
			return err
		}
		if n > 0 {
			buf.WriteString(",\n")
		}
		fmt.Fprintf(&buf, `{"type":"Feature","properties":%s,"geometry":%s}`, pj, gj)
		n++
	}
	buf.WriteString("]}\n")
	return write(dst, buf.Bytes())
}

func round6(g orb.Geometry) orb.Geometry {
	r := func(p orb.Point) orb.Point {
		return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
	}
	ring := func(rg orb.Ring) orb.Ring {
		out := make(orb.Ring, len(rg))
		for i, p := range rg {
			out[i] = r(p)
		}
		return out
	}
	poly := func(pg orb.Polygon) orb.Polygon {
		out := make(orb.Polygon, len(pg))
		for i, rg := range pg {
			out[i] = ring(rg)
		}
		return out
	}
	switch t := g.(type) {
	case orb.Polygon:
		return poly(t)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(t))
		for i, pg := range t {
			out[i] = poly(pg)
		}
		return out
	}
	return g
}

// write stores b at dst, gzipped (with no timestamp, so reruns are
// byte-identical) when dst ends in .gz.
func write(dst string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if strings.HasSuffix(dst, ".gz") {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		b = z.Bytes()
	}
	return os.WriteFile(dst, b, 0o644)
}
