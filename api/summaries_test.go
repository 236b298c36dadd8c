package api

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"placeplan"
	"placeplan/scenario"
)

// summaryResponse is a decoded GET /api/v1/summaries.
type summaryResponse struct {
	By          string           `json:"by"`
	Geography   string           `json:"geography"`
	Scheme      string           `json:"scheme"`
	Groups      []map[string]any `json:"groups"`
	Warnings    []string         `json:"warnings"`
	Attribution []string         `json:"attribution"`
}

// contractColumns are the measures the summarise contract names.
var contractColumns = []string{"imd_average_score", "imd_rank_of_average_score", "imd_average_rank", "imd_rank_of_average_rank",
	"imd_proportion_most_deprived_10pct", "imd_extent", "imd_rank_of_extent", "imd_local_concentration", "imd_rank_of_local_concentration"}

// TestSummaries serves MHCLG's IoD summary measures of the embedded
// default dataset through the real router.
func TestSummaries(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	getSummary := func(t *testing.T, query string) (summaryResponse, string) {
		t.Helper()
		rec := get(t, h, "/api/v1/summaries"+query)
		var doc summaryResponse
		decode(t, rec, http.StatusOK, "application/json", &doc)
		return doc, rec.Body.String()
	}

	t.Run("districts", func(t *testing.T) {
		for _, query := range []string{"?by=lad", "", "?by=lad&geography=lsoa11"} {
			doc, body := getSummary(t, query)
			if doc.By != "lad" || doc.Geography != "lsoa11" || doc.Scheme != "" {
				t.Errorf("%s: by %q, geography %q, scheme %q; want lad on lsoa11", query, doc.By, doc.Geography, doc.Scheme)
			}
			want := [][2]string{{"E06000020", "Telford and Wrekin"}, {"E06000051", "Shropshire"}, {"E07000177", "Cherwell"},
				{"E07000178", "Oxford"}, {"E07000179", "South Oxfordshire"}, {"E07000180", "Vale of White Horse"}, {"E07000181", "West Oxfordshire"}}
			if len(doc.Groups) != len(want) {
				t.Fatalf("%s: %d groups, want the 7 districts", query, len(doc.Groups))
			}
			for i, w := range want {
				if g := doc.Groups[i]; g["code"] != w[0] || g["name"] != w[1] {
					t.Errorf("%s: group %d is %v %v, want %s %s", query, i, g["code"], g["name"], w[0], w[1])
				}
			}
			telford := doc.Groups[0]
			for _, k := range append(contractColumns, "income_scale", "employment_rank_of_scale", "idaopi_local_concentration") {
				if _, ok := telford[k].(float64); !ok {
					t.Errorf("%s = %#v, want a number", k, telford[k])
				}
			}
			if len(telford) != 2+84 {
				t.Errorf("%d keys, want code, name and 84 measures", len(telford))
			}
			// MHCLG's published File 10 values, at full precision.
			if v := telford["imd_average_score"].(float64); math.Abs(v-24.987971) > 5e-7 {
				t.Errorf("Telford imd_average_score %v, want 24.987971", v)
			}
			if r := telford["imd_rank_of_average_score"]; r != 1.0 {
				t.Errorf("Telford imd_rank_of_average_score %v, want 1", r)
			}
			// Keys keep the CLI's column order.
			if i, j, k := strings.Index(body, `"code"`), strings.Index(body, `"imd_average_score"`), strings.Index(body, `"employment_scale"`); i < 0 || j < i || k < j {
				t.Errorf("keys out of column order")
			}
			if !strings.Contains(strings.Join(doc.Warnings, "\n"), "employment_domain_numerator of 6 areas has no value") {
				t.Errorf("warnings %q lack the suppressed employment numerators", doc.Warnings)
			}
			if !strings.Contains(strings.Join(doc.Attribution, " "), "Open Government Licence") {
				t.Errorf("attribution %q", doc.Attribution)
			}
		}
	})

	t.Run("MSOAs", func(t *testing.T) {
		doc, body := getSummary(t, "?by=msoa")
		if len(doc.Groups) != 148 {
			t.Fatalf("%d groups, want the 148 MSOAs", len(doc.Groups))
		}
		names := map[any]any{}
		for _, g := range doc.Groups {
			if code, _ := g["code"].(string); !strings.HasPrefix(code, "E02") || g["name"] == "" {
				t.Errorf("group %v %v: want an MSOA code and its name", g["code"], g["name"])
			}
			names[g["code"]] = g["name"]
		}
		if names["E02006024"] != "Oswestry East" {
			t.Errorf("E02006024 is named %v, want Oswestry East", names["E02006024"])
		}
		if !strings.Contains(body, "St Martin's & Weston Rhyn") {
			t.Errorf("an ampersand in a name is escaped or missing")
		}
	})

	t.Run("localities of one scheme", func(t *testing.T) {
		const scheme = "Shropshire early help localities"
		doc, _ := getSummary(t, "?by=locality&scheme="+url.QueryEscape(scheme))
		if doc.By != "locality" || doc.Scheme != scheme || len(doc.Groups) != 18 {
			t.Fatalf("by %q, scheme %q, %d groups; want the 18 localities of %s", doc.By, doc.Scheme, len(doc.Groups), scheme)
		}
		ranks := map[float64]bool{}
		for _, g := range doc.Groups {
			if code, _ := g["code"].(string); code != scheme+"/"+g["name"].(string) {
				t.Errorf("group %v named %v: want the code scheme/name", g["code"], g["name"])
			}
			r, _ := g["imd_rank_of_average_score"].(float64)
			ranks[r] = true
		}
		for r := 1.0; r <= 18; r++ {
			if !ranks[r] {
				t.Errorf("no locality ranked %v of 18", r)
			}
		}
		if !strings.Contains(strings.Join(doc.Attribution, " "), "House of Commons Library") {
			t.Errorf("attribution %q lacks the locality definitions'", doc.Attribution)
		}
	})

	t.Run("revalidation", func(t *testing.T) {
		rec := get(t, h, "/api/v1/summaries?by=msoa")
		tag := rec.Header().Get("ETag")
		if rec.Code != 200 || !strings.HasPrefix(tag, `W/"rev-`) || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("status %d, ETag %q, Cache-Control %q", rec.Code, tag, rec.Header().Get("Cache-Control"))
		}
		again := get(t, h, "/api/v1/summaries?by=msoa", "If-None-Match", tag)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != tag {
			t.Errorf("If-None-Match %s: status %d, %d bytes, ETag %q; want 304, empty, the same tag",
				tag, again.Code, again.Body.Len(), again.Header().Get("ETag"))
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		for _, c := range []struct {
			name, query string
			want        []string
		}{
			{"unknown grouping", "?by=ward", []string{`by: unknown grouping "ward"`, "lad, msoa or locality"}},
			{"unknown scheme", "?by=locality&scheme=Wards", []string{`unknown locality scheme "Wards"`,
				"loaded: Oxfordshire early intervention areas; Shropshire early help localities"}},
			{"missing scheme", "?by=locality", []string{"needs a locality scheme", "Shropshire early help localities"}},
			{"scheme without localities", "?by=lad&scheme=Wards", []string{`scheme "Wards": only grouping by locality`}},
			{"unknown geography", "?geography=oa21", []string{`unknown geography "oa21"`}},
			{"IoD2025 without populations", "?geography=lsoa21", []string{"has no population denominators"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := decodeProblem(t, get(t, h, "/api/v1/summaries"+c.query), http.StatusBadRequest)
				if p.Code != placeplan.EINVALID {
					t.Errorf("code %q, want invalid", p.Code)
				}
				for _, w := range c.want {
					if !strings.Contains(p.Detail, w) {
						t.Errorf("detail %q lacks %q", p.Detail, w)
					}
				}
			})
		}
	})
}

func TestSummariesNothingLoaded(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	for _, path := range []string{"/api/v1/summaries", "/api/v1/summaries?by=msoa&geography=lsoa21"} {
		p := decodeProblem(t, get(t, srv.Handler(), path), http.StatusNotFound)
		if !strings.Contains(p.Detail, "are loaded") {
			t.Errorf("%s: detail %q", path, p.Detail)
		}
	}
}

// TestSummaryGroupJSON checks the wire form of a group: keys in column
// order, no value as null, names unescaped.
func TestSummaryGroupJSON(t *testing.T) {
	s := &scenario.Summary{By: scenario.ByLocality, Geography: placeplan.LSOA2011, Scheme: "S",
		Columns: []string{"imd_average_score", "imd_rank_of_average_score", "income_scale"},
		Groups: []scenario.SummaryGroup{{Code: "S/Cosford & Albrighton", Name: "Cosford & Albrighton",
			Values: []float64{12.5, 1, math.NaN()}}}}
	var b strings.Builder
	enc := json.NewEncoder(&b) // as the server's serializer does
	enc.SetEscapeHTML(false)
	if err := enc.Encode(newSummaryDocument(s)); err != nil {
		t.Fatal(err)
	}
	want := `{"by":"locality","geography":"lsoa11","scheme":"S","groups":[{"code":"S/Cosford & Albrighton","name":"Cosford & Albrighton",` +
		`"imd_average_score":12.5,"imd_rank_of_average_score":1,"income_scale":null}],"warnings":[],"attribution":[]}` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
