package iod

import (
	"fmt"
	"strings"
	"testing"

	"placeplan"
)

// file7Header builds the header of IoD File 7 ("All ranks, scores, deciles
// and population denominators") in MHCLG's wording, for the 2019 release
// (LSOA 2011, districts 2019, mid-2015 populations) or the 2025 release
// (LSOA 2021, districts 2024, mid-2022 populations).
func file7Header(lsoaYear, ladYear, popYear string) []string {
	h := []string{"LSOA code (" + lsoaYear + ")", "LSOA name (" + lsoaYear + ")",
		"Local Authority District code (" + ladYear + ")", "Local Authority District name (" + ladYear + ")"}
	rank := " Rank (where 1 is most deprived)"
	decile := " Decile (where 1 is most deprived 10% of LSOAs)"
	for _, ix := range []struct{ name, score string }{
		{"Index of Multiple Deprivation (IMD)", " Score"},
		{"Income", " Score (rate)"},
		{"Employment", " Score (rate)"},
		{"Education, Skills and Training", " Score"},
		{"Health Deprivation and Disability", " Score"},
		{"Crime", " Score"},
		{"Barriers to Housing and Services", " Score"},
		{"Living Environment", " Score"},
		{"Income Deprivation Affecting Children Index (IDACI)", " Score (rate)"},
		{"Income Deprivation Affecting Older People (IDAOPI)", " Score (rate)"},
		{"Children and Young People Sub-domain", " Score"},
		{"Adult Skills Sub-domain", " Score"},
		{"Geographical Barriers Sub-domain", " Score"},
		{"Wider Barriers Sub-domain", " Score"},
		{"Indoors Sub-domain", " Score"},
		{"Outdoors Sub-domain", " Score"},
	} {
		h = append(h, ix.name+ix.score, ix.name+rank, ix.name+decile)
	}
	return append(h,
		"Total population: mid "+popYear+" (excluding prisoners)",
		"Dependent Children aged 0-15: mid "+popYear+" (excluding prisoners)",
		"Population aged 16-59: mid "+popYear+" (excluding prisoners)",
		"Older population aged 60 and over: mid "+popYear+" (excluding prisoners)",
		"Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)")
}

func csvLine(fields []string) string {
	q := make([]string, len(fields))
	for i, f := range fields {
		q[i] = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
	}
	return strings.Join(q, ",") + "\r\n"
}

func TestReadIoDFile7Layouts(t *testing.T) {
	cases := []struct {
		name, lsoaYear, ladYear, popYear string
		code, lad                        string
		format                           string
		geography                        placeplan.Geography
	}{
		{"IoD2019 File 7", "2011", "2019", "2015", "E01028826", "E06000051",
			"IoD2019 File 7: all ranks, scores, deciles and population denominators (LSOA 2011)", placeplan.LSOA2011},
		{"IoD2025 File 7", "2021", "2024", "2022", "E01034751", "E06000051",
			"IoD2025 File 7: all ranks, scores, deciles and population denominators (LSOA 2021)", placeplan.LSOA2021},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := file7Header(c.lsoaYear, c.ladYear, c.popYear)
			row := []string{c.code, "Shropshire 027A", c.lad, "Shropshire"}
			for i := 0; i < 16; i++ {
				row = append(row, fmt.Sprintf("0.%03d", 100+i), fmt.Sprintf("%d", 1000+i), "1")
			}
			row = append(row, "1,496", "255", "802", "439", "830")
			it, err := Read("File_7.csv", strings.NewReader("\ufeff"+csvLine(h)+csvLine(row)))
			if err != nil {
				t.Fatal(err)
			}
			if it.Format != c.format || it.Geography != c.geography {
				t.Errorf("read as %q (%s), want %q", it.Format, it.Geography, c.format)
			}
			if len(it.Indicators) != 16*3+5 {
				t.Errorf("%d indicators, want 53", len(it.Indicators))
			}
			want := map[string]float64{"imd_score": 0.100, "idaci_score": 0.108, "idaopi_rank": 1009, "outdoors_decile": 1,
				"cyp_score": 0.110, "pop_total": 1496, "pop_working_age": 830}
			for i, ind := range it.Indicators {
				if v, ok := want[ind.Key]; ok {
					if it.Values[i][0] != v {
						t.Errorf("%s = %v, want %v", ind.Key, it.Values[i][0], v)
					}
					delete(want, ind.Key)
				}
			}
			if len(want) > 0 {
				t.Errorf("not read: %v", want)
			}
			if it.Areas[0].LADCode != c.lad {
				t.Errorf("district %q", it.Areas[0].LADCode)
			}
		})
	}
}

// File 5 carries only the scores, in File 7's wording.
func TestReadIoDFile5Layout(t *testing.T) {
	var h []string
	row := []string{"E01028826", "Shropshire 027A", "E06000051", "Shropshire"}
	for _, c := range file7Header("2011", "2019", "2015") {
		if strings.Contains(c, " Score") || strings.HasPrefix(c, "LSOA") || strings.HasPrefix(c, "Local Authority") {
			h = append(h, c)
			if strings.Contains(c, " Score") {
				row = append(row, "0.25")
			}
		}
	}
	it, err := Read("File_5.csv", strings.NewReader(csvLine(h)+csvLine(row)))
	if err != nil {
		t.Fatal(err)
	}
	if it.Format != "IoD2019 File 5: scores (LSOA 2011)" || len(it.Indicators) != 16 {
		t.Errorf("read as %q with %d indicators", it.Format, len(it.Indicators))
	}
}
