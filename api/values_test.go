package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/wire"
)

// TestValues: every area's value of an indicator, as the store holds it,
// joined to the areas by code; small numbers withheld and listed.
func TestValues(t *testing.T) {
	store := loadDefault(t)
	ingestReferrals(t, store) // 3 (withheld below 5), 12, 0
	srv, _ := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()

	for _, tc := range []struct {
		path, geog, field string
		n                 int
	}{
		{"/api/v1/values?field=imd_score", "lsoa11", "imd_score", 708}, // the layers' default geography
		{"/api/v1/values?geography=lsoa21&field=income_score", "lsoa21", "income_score", 742},
		{"/api/v1/values?geography=lsoa11&field=imd_decile", "lsoa11", "imd_decile", 708},
	} {
		rec := get(t, h, tc.path)
		var got valuesResponse
		decode(t, rec, http.StatusOK, "application/json", &got)
		ind, want := storeValues(t, store, placeplan.Geography(tc.geog), tc.field)
		if got.Geography != tc.geog || got.Field != tc.field || got.Name != ind.Name || got.Unit != ind.Unit ||
			got.Direction != ind.Direction.String() || len(got.Values) != tc.n || len(want) != tc.n || len(got.Withheld) != 0 {
			t.Errorf("%s: %s %s %q %q %s, %d values (store %d), withheld %v", tc.path, got.Geography, got.Field, got.Name,
				got.Unit, got.Direction, len(got.Values), len(want), got.Withheld)
		}
		if rec.Header().Get("ETag") == "" {
			t.Errorf("%s: no ETag", tc.path)
		}
	}
	// A value checked against the area's profile.
	var imd valuesResponse
	decode(t, get(t, h, "/api/v1/values?field=imd_score"), http.StatusOK, "application/json", &imd)
	var prof wire.AreaProfile
	decode(t, get(t, h, "/api/v1/areas/lsoa11/E01028826"), http.StatusOK, "application/json", &prof)
	for _, r := range prof.Indicators {
		if r.Key == "imd_score" && (r.Value == nil || *r.Value != imd.Values["E01028826"]) {
			t.Errorf("E01028826: values say %v, the profile %v", imd.Values["E01028826"], r.Value)
		}
	}

	// A confidential count: the 3 is withheld, not sent.
	var refs valuesResponse
	decode(t, get(t, h, "/api/v1/values?field=referrals"), http.StatusOK, "application/json", &refs)
	if len(refs.Values) != 2 || refs.Values["E01028827"] != 12 || refs.Values["E01028828"] != 0 ||
		!slices.Equal(refs.Withheld, []string{"E01028826"}) {
		t.Errorf("referrals: values %v, withheld %v", refs.Values, refs.Withheld)
	}
	if _, ok := refs.Values["E01028826"]; ok {
		t.Error("a withheld value is in values")
	}
	open, _ := newServer(t, Config{}, store)
	decode(t, get(t, open.Handler(), "/api/v1/values?field=referrals"), http.StatusOK, "application/json", &refs)
	if len(refs.Values) != 3 || refs.Values["E01028826"] != 3 || len(refs.Withheld) != 0 {
		t.Errorf("referrals without suppression: values %v, withheld %v", refs.Values, refs.Withheld)
	}

	for _, c := range []struct {
		path, want string
	}{
		{"/api/v1/values", "missing field"},
		{"/api/v1/values?field=unicorns", `unknown field "unicorns": no such indicator for LSOA 2011`},
		{"/api/v1/values?field=imd_scroe", `unknown field "imd_scroe": no such indicator for LSOA 2011 (did you mean "imd_score"?)`},
		{"/api/v1/values?field=referrals&geography=lsoa21", `unknown field "referrals"`},
		{"/api/v1/values?field=imd_score&geography=msoa", "unknown geography"},
	} {
		if p := decodeProblem(t, get(t, h, c.path), http.StatusBadRequest); !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %q, want %q", c.path, p.Detail, c.want)
		}
	}
}
