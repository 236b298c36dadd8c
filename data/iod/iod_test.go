package iod

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data/internal/datatest"
	"placeplan/data/record"
)

func readIoDFile(t testing.TB, rel string) *record.IndicatorTable {
	t.Helper()
	name, b := datatest.ReadShared(t, rel)
	it, err := Read(name, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return it
}

func TestReadIoDOfficialFiles(t *testing.T) {
	cases := []struct {
		file       string
		format     string
		geography  placeplan.Geography
		rows       int
		indicators int
		wantKeys   []string
	}{
		{"iod2019_lsoa11/source/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz", "IoD2019 File 1: Index of Multiple Deprivation (LSOA 2011)", placeplan.LSOA2011, 32844, 2, []string{"imd_rank", "imd_decile"}},
		{"iod2019_lsoa11/source/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz", "IoD2019 File 2: domains of deprivation (LSOA 2011)", placeplan.LSOA2011, 32844, 16, []string{"education_rank", "living_env_decile"}},
		{"iod2019_lsoa11/source/File_3_-_IoD2019_Supplementary_Indices_-_IDACI_and_IDAOPI.csv.gz", "IoD2019 File 3: supplementary indices IDACI and IDAOPI (LSOA 2011)", placeplan.LSOA2011, 32844, 6, []string{"idaci_rank", "idaopi_decile"}},
		{"iod2019_lsoa11/source/File_6_-_IoD2019_Population_Denominators.csv.gz", "IoD2019 File 6: population denominators (LSOA 2011)", placeplan.LSOA2011, 32844, 5, []string{"pop_total", "pop_children_0_15", "pop_working_age", "pop_60_plus"}},
		{"iod2019_lsoa11/source/File_9_-_IoD2019_Transformed_Scores.csv.gz", "IoD2019 File 9: transformed scores (LSOA 2011)", placeplan.LSOA2011, 32844, 7, []string{"income_exp", "living_env_exp"}},
		{"iod2019_lsoa11/iod2019_lsoa11_england.csv.gz", "IoD2019 combined file: scores, ranks, deciles, transformed scores and population denominators (LSOA 2011)", placeplan.LSOA2011, 32844, 37, []string{"imd_score", "idaci_score", "pop_total"}},
		{"iod2019_underlying_indicators_lsoa11/iod2019_underlying_indicators_lsoa11_england.csv.gz", "IoD2019 File 8: underlying indicators (LSOA 2011)", placeplan.LSOA2011, 32844, 28, []string{"acute_morbidity_indicator", "mood_and_anxiety_disorders_indicator"}},
		{"iod2025_lsoa21/imd2025_england_lsoa21.csv.gz", "IoD2025 scores, ranks and deciles (LSOA 2021)", placeplan.LSOA2021, 33755, 24, []string{"imd_score", "barriers_rank", "living_env_decile"}},
		{"iod2025_lsoa21/imd2025_england_lsoa21_subdomains.csv.gz", "IoD2025 File 4: sub-domains of deprivation (LSOA 2021)", placeplan.LSOA2021, 33755, 18, []string{"cyp_score", "outdoors_rank"}},
		{"iod2025_lsoa21/imd2025_england_lsoa21_indicators.csv.gz", "IoD2025 File 8: underlying indicators (LSOA 2021)", placeplan.LSOA2021, 33755, 28, []string{"mental_health_indicator", "patient_to_gp_ratio"}},
		{"iod2025_lsoa21/imd2025_lsoa21_subset_shropshire_telford_oxfordshire.csv", "IoD2025 scores, ranks and deciles (LSOA 2021)", placeplan.LSOA2021, 742, 24, []string{"imd_rank"}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			it := readIoDFile(t, c.file)
			if it.Format != c.format {
				t.Errorf("format %q, want %q", it.Format, c.format)
			}
			if it.Geography != c.geography || len(it.Areas) != c.rows || len(it.Indicators) != c.indicators {
				t.Errorf("got %s, %d areas, %d indicators; want %s, %d, %d", it.Geography, len(it.Areas), len(it.Indicators), c.geography, c.rows, c.indicators)
			}
			keys := map[string]int{}
			for i, ind := range it.Indicators {
				keys[ind.Key] = i
			}
			for _, k := range c.wantKeys {
				if _, ok := keys[k]; !ok {
					t.Errorf("no indicator %s among %v", k, keys)
				}
			}
			if i, ok := keys["imd_rank"]; ok {
				// Jaywick (Tendring 018A) is the most deprived LSOA in both releases.
				for j, a := range it.Areas {
					if a.Code == "E01021988" && it.Values[i][j] != 1 {
						t.Errorf("E01021988 imd_rank = %v, want 1", it.Values[i][j])
					}
				}
			}
			for i := range it.Values {
				if len(it.Values[i]) != len(it.Areas) {
					t.Fatalf("indicator %d has %d values for %d areas", i, len(it.Values[i]), len(it.Areas))
				}
			}
		})
	}
}

func TestReadIoDThousandsSeparators(t *testing.T) {
	it := readIoDFile(t, "iod2019_lsoa11/source/File_6_-_IoD2019_Population_Denominators.csv.gz")
	// E01000001 City of London 001A: total population "1,296" in the official file.
	for j, a := range it.Areas {
		if a.Code == "E01000001" {
			if it.Values[0][j] != 1296 || a.LADCode != "E09000001" || a.Name != "City of London 001A" {
				t.Errorf("E01000001: pop %v, lad %q, name %q", it.Values[0][j], a.LADCode, a.Name)
			}
			return
		}
	}
	t.Fatal("E01000001 not read")
}

func TestReadIoDMissingValuesWarn(t *testing.T) {
	it := readIoDFile(t, "iod2019_underlying_indicators_lsoa11/iod2019_underlying_indicators_lsoa11_england.csv.gz")
	found := false
	for _, w := range it.Warnings {
		if strings.HasPrefix(w, "income_deprivation_affecting_children_index_idaci_numerator: 4553 of 32844") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning about the 4,553 missing IDACI numerators: %q", it.Warnings)
	}
	for i, ind := range it.Indicators {
		if ind.Key == "income_domain_numerator" {
			n := 0
			for _, v := range it.Values[i] {
				if math.IsNaN(v) {
					n++
				}
			}
			if n != 31 {
				t.Errorf("%d missing income numerators, want 31", n)
			}
		}
	}
}
