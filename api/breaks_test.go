package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scoring/classify"
	"placeplan/wire"
)

// storeValues returns every value of one indicator of geog as the store
// holds it, with the indicator.
func storeValues(t *testing.T, store Store, geog placeplan.Geography, key string) (placeplan.Indicator, []float64) {
	t.Helper()
	ctx := context.Background()
	inds, err := store.Indicators(ctx, geog)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(inds, func(ind placeplan.Indicator) bool { return ind.Key == key })
	if i < 0 {
		t.Fatalf("no indicator %s", key)
	}
	vs, err := store.Values(ctx, inds[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(vs))
	for j, v := range vs {
		out[j] = v.Value
	}
	return inds[i], out
}

// TestBreaks checks the breaks endpoint against scoring/classify called
// directly on the store's values, for every method.
func TestBreaks(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()

	for _, tc := range []struct {
		field, geog string
		reversed    bool // higher is better: colours run the other way
	}{
		{"imd_score", "lsoa11", false},
		{"income_score", "lsoa21", false},
		{"imd_rank", "lsoa11", true},
		{"imd_decile", "lsoa11", true},
	} {
		for _, m := range classify.Methods() {
			for _, k := range []int{3, 5, 7} {
				name := fmt.Sprintf("%s %s %s k=%d", tc.geog, tc.field, m, k)
				t.Run(name, func(t *testing.T) {
					path := fmt.Sprintf("/api/v1/breaks?layer=areas&field=%s&method=%s&classes=%d&geography=%s", tc.field, m, k, tc.geog)
					var got wire.Legend
					rec := get(t, h, path)
					decode(t, rec, http.StatusOK, "application/json", &got)
					if rec.Header().Get("ETag") == "" {
						t.Error("no ETag")
					}
					ind, values := storeValues(t, store, placeplan.Geography(tc.geog), tc.field)
					want, err := classify.Breaks(values, m, k)
					if err != nil {
						t.Fatal(err)
					}
					if got.Method != string(m) || got.MethodLabel != m.Label() || got.Requested != k || got.Classes != want.Classes() ||
						!slices.Equal(got.Breaks, want.Breaks) || !slices.Equal(got.Counts, want.Counts) || got.N != want.N {
						t.Errorf("got %s k=%d (of %d) breaks %v counts %v n %d;\nwant %s k=%d breaks %v counts %v n %d",
							got.Method, got.Classes, got.Requested, got.Breaks, got.Counts, got.N, want.Method, want.Classes(), want.Breaks, want.Counts, want.N)
					}
					if got.Min != want.Min || got.Max != want.Max || got.Mean != want.Mean || got.StdDev != want.StdDev || got.GVF != want.GVF {
						t.Errorf("summary %v %v %v %v %v, want %v %v %v %v %v", got.Min, got.Max, got.Mean, got.StdDev, got.GVF,
							want.Min, want.Max, want.Mean, want.StdDev, want.GVF)
					}
					if got.Layer != "areas" || got.Geography != tc.geog || got.Field != tc.field || got.Name != ind.Name ||
						got.Direction != ind.Direction.String() || got.Suppressed != 0 {
						t.Errorf("describes %+v", got)
					}
					if len(got.Colors) != got.Classes || got.PaletteKind == "" || !got.ColorBlind {
						t.Errorf("palette %s (%s, colour-blind safe %v) with %d colours for %d classes",
							got.Palette, got.PaletteKind, got.ColorBlind, len(got.Colors), got.Classes)
					}
					wantColors, wantPalette := want.Colors, want.Palette
					if tc.reversed {
						wantPalette = strings.TrimSuffix(want.Palette, "_r")
						if wantPalette == want.Palette {
							wantPalette += "_r"
						}
						// The same classes, each with its mirror colour
						// on the reversed palette.
						full, _ := classify.Palette(want.Palette, len(want.Colors))
						rev, _ := classify.Palette(wantPalette, len(want.Colors))
						if m == classify.StdDev {
							distinct := len(slices.Compact(slices.Sorted(slices.Values(values)))) // the store holds no NaN
							full, _ = classify.Palette(want.Palette, min(k, distinct))
							rev, _ = classify.Palette(wantPalette, min(k, distinct))
						}
						wantColors = nil
						for _, c := range want.Colors {
							wantColors = append(wantColors, rev[slices.Index(full, c)])
						}
						if !slices.ContainsFunc(got.Notes, func(n string) bool { return strings.Contains(n, "higher is better") }) {
							t.Errorf("notes %q do not say the colours are reversed", got.Notes)
						}
					}
					if got.Palette != wantPalette || !slices.Equal(got.Colors, wantColors) {
						t.Errorf("palette %s %v, want %s %v", got.Palette, got.Colors, wantPalette, wantColors)
					}
					for _, n := range want.Notes {
						if !slices.Contains(got.Notes, n) {
							t.Errorf("notes %q lack classify's %q", got.Notes, n)
						}
					}
				})
			}
		}
	}

	t.Run("defaults: quantile, 5 classes, lsoa11", func(t *testing.T) {
		var got wire.Legend
		decode(t, get(t, h, "/api/v1/breaks?layer=areas&field=imd_score"), http.StatusOK, "application/json", &got)
		if got.Method != "quantile" || got.Requested != 5 || got.Geography != "lsoa11" {
			t.Errorf("defaults: %s, %d classes, %s", got.Method, got.Requested, got.Geography)
		}
	})
	t.Run("method aliases", func(t *testing.T) {
		var got wire.Legend
		decode(t, get(t, h, "/api/v1/breaks?layer=areas&field=imd_score&method=natural-breaks"), http.StatusOK, "application/json", &got)
		if got.Method != "jenks" {
			t.Errorf("natural-breaks gave %s", got.Method)
		}
	})
}

// TestBreaksSuppression checks that values withheld as small numbers are
// never classified, so no break or count can reveal one.
func TestBreaksSuppression(t *testing.T) {
	store := loadDefault(t)
	ingestReferrals(t, store) // 3 (withheld below 5), 12, 0
	srv, _ := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	var got wire.Legend
	decode(t, get(t, srv.Handler(), "/api/v1/breaks?layer=areas&field=referrals&method=equal&classes=2"), http.StatusOK, "application/json", &got)
	if got.N != 2 || got.Suppressed != 1 || slices.Contains(got.Breaks, 3) || got.Min != 0 || got.Max != 12 {
		t.Errorf("n %d, suppressed %d, breaks %v (min %v, max %v); want 2 values classified, 1 withheld, no 3",
			got.N, got.Suppressed, got.Breaks, got.Min, got.Max)
	}
	if !slices.ContainsFunc(got.Notes, func(n string) bool { return strings.Contains(n, "1 value withheld as small numbers is not classified") }) {
		t.Errorf("notes %q", got.Notes)
	}
	// Without suppression the 3 is classified.
	open, _ := newServer(t, Config{}, store)
	decode(t, get(t, open.Handler(), "/api/v1/breaks?layer=areas&field=referrals&method=quantile&classes=3"), http.StatusOK, "application/json", &got)
	if got.N != 3 || got.Suppressed != 0 || !slices.Contains(got.Breaks, 3) {
		t.Errorf("without suppression: n %d, suppressed %d, breaks %v", got.N, got.Suppressed, got.Breaks)
	}
}

func TestBreaksProblems(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	empty, _ := newServer(t, Config{}, newStore(t))
	for _, tc := range []struct {
		name   string
		h      http.Handler
		query  string
		detail string
	}{
		{"missing layer", srv.Handler(), "field=imd_score", "missing layer"},
		{"layer without values", srv.Handler(), "layer=localities&field=area_count", `layer "localities" has no indicator values to classify`},
		{"unknown layer", srv.Handler(), "layer=roads&field=imd_score", `unknown layer "roads"`},
		{"missing field", srv.Handler(), "layer=areas", "missing field"},
		{"unknown field", srv.Handler(), "layer=areas&field=imd_colour", `unknown field "imd_colour": no such indicator for LSOA 2011`},
		{"field of the other geography", srv.Handler(), "layer=areas&field=imd_score&geography=lsoa01", `unknown geography "lsoa01"`},
		{"unknown method", srv.Handler(), "layer=areas&field=imd_score&method=kmeans", `unknown classification method "kmeans"`},
		{"one class", srv.Handler(), "layer=areas&field=imd_score&classes=1", `classes "1": want a whole number from 2 to 12`},
		{"too many classes", srv.Handler(), "layer=areas&field=imd_score&classes=13", `classes "13"`},
		{"classes not a number", srv.Handler(), "layer=areas&field=imd_score&classes=five", `classes "five"`},
		{"nothing loaded", empty.Handler(), "layer=areas&field=imd_score", `unknown field "imd_score": no indicators are loaded`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, get(t, tc.h, "/api/v1/breaks?"+tc.query), http.StatusBadRequest)
			if p.Code != placeplan.EINVALID || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("code %q, detail %q; want invalid, containing %q", p.Code, p.Detail, tc.detail)
			}
		})
	}
}

// TestNeedBreaks: the legend of a scenario's need, stored (GET with
// scenario=) or a draft (POST), is scoring/classify over the need the
// scores route sends for every area scored.
func TestNeedBreaks(t *testing.T) {
	store := loadDefault(t)
	if _, err := scenario.SeedBuiltins(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	needOf := func(doc wire.Score, field string) []float64 {
		var out []float64
		for _, a := range doc.Areas {
			if field == "need_share" {
				out = append(out, *a.NeedShare)
			} else {
				out = append(out, *a.NeedScore)
			}
		}
		return out
	}
	check := func(name string, got wire.Legend, values []float64, m classify.Method, k int) {
		t.Helper()
		want, err := classify.Breaks(values, m, k)
		if err != nil {
			t.Fatal(err)
		}
		if got.N != 708 || got.Method != string(m) || !slices.Equal(got.Breaks, want.Breaks) || !slices.Equal(got.Counts, want.Counts) ||
			got.Mean != want.Mean || got.Direction != "higher_is_worse" || got.Geography != "lsoa11" || got.Suppressed != 0 ||
			!slices.Equal(got.Colors, want.Colors) {
			t.Errorf("%s: n %d breaks %v counts %v colours %v;\nwant n %d breaks %v counts %v colours %v", name,
				got.N, got.Breaks, got.Counts, got.Colors, want.N, want.Breaks, want.Counts, want.Colors)
		}
	}

	var stored wire.Score
	decode(t, get(t, h, "/api/v1/scores?scenario=shropshire-five-teams&areas=true"), http.StatusOK, "application/json", &stored)
	for _, field := range []string{"need_score", "need_share"} {
		for _, m := range []classify.Method{classify.Jenks, classify.Quantile} {
			path := fmt.Sprintf("/api/v1/breaks?layer=areas&scenario=shropshire-five-teams&field=%s&method=%s&classes=5", field, m)
			rec := get(t, h, path)
			var got wire.Legend
			decode(t, rec, http.StatusOK, "application/json", &got)
			check(path, got, needOf(stored, field), m, 5)
			if got.Field != field || !strings.Contains(got.Name, "Shropshire — five integrated teams") {
				t.Errorf("%s: field %q, name %q", path, got.Field, got.Name)
			}
			if tag := rec.Header().Get("ETag"); !strings.Contains(tag, "shropshire-five-teams@1") {
				t.Errorf("%s: ETag %s does not name the scenario revision", path, tag)
			}
		}
	}

	// A draft: IDACI weighed less.
	draft := strings.Replace(readDefaultScenario(t, "shropshire-five-teams.yaml"), "key: idaci_score\n    weight: 3", "key: idaci_score\n    weight: 0.5", 1)
	var posted wire.Score
	decode(t, post(t, h, "/api/v1/scores?areas=true", "application/yaml", draft), http.StatusOK, "application/json", &posted)
	var got wire.Legend
	decode(t, post(t, h, "/api/v1/breaks?field=need_score&method=jenks&classes=6", "application/yaml", draft), http.StatusOK, "application/json", &got)
	check("posted draft", got, needOf(posted, "need_score"), classify.Jenks, 6)
	if slices.Equal(got.Breaks, func() []float64 {
		var b wire.Legend
		decode(t, get(t, h, "/api/v1/breaks?scenario=shropshire-five-teams&field=need_score&method=jenks&classes=6"), http.StatusOK, "application/json", &b)
		return b.Breaks
	}()) {
		t.Error("the draft's breaks are the stored scenario's")
	}

	for _, c := range []struct {
		rec    *httptest.ResponseRecorder
		status int
		want   string
	}{
		{get(t, h, "/api/v1/breaks?layer=areas&scenario=shropshire-five-teams&field=imd_score"), 400, "want need_score or need_share"},
		{get(t, h, "/api/v1/breaks?layer=areas&field=need_score"), 400, "add scenario=ID"},
		{get(t, h, "/api/v1/breaks?layer=areas&scenario=shropshire-five-teams&field=need_score&geography=lsoa21"), 400, "geography=lsoa11"},
		{get(t, h, "/api/v1/breaks?layer=areas&scenario=atlantis&field=need_score"), 404, `no scenario "atlantis"`},
		{get(t, h, "/api/v1/breaks?scenario=shropshire-five-teams&field=need_score&classes=1"), 400, "classes"},
		{post(t, h, "/api/v1/breaks?field=imd_score", "application/yaml", draft), 400, "need_score and need_share"},
		{post(t, h, "/api/v1/breaks?field=need_score", "application/yaml", "name: x"), 400, "scenario"},
	} {
		if p := decodeProblem(t, c.rec, c.status); !strings.Contains(p.Detail, c.want) {
			t.Errorf("%q, want %q", p.Detail, c.want)
		}
	}
}
