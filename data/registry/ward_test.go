package registry

import (
	"testing"

	"placeplan"
)

// TestWards looks up real areas: an LSOA 2021 in Oswestry, the same place
// as an LSOA 2011, and codes the registry does not hold.
func TestWards(t *testing.T) {
	w, err := WardLookup()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.byLSOA21); n != 35672 {
		t.Errorf("%d LSOA 2021 areas, want every one in England and Wales (35,672)", n)
	}
	for _, tc := range []struct {
		geog placeplan.Geography
		code string
		lad  string
	}{
		{placeplan.LSOA2021, "E01028826", "E06000051"}, // Shropshire
		{placeplan.LSOA2011, "E01028826", "E06000051"},
		{placeplan.LSOA2021, "E01012049", "E06000002"}, // Middlesbrough 014A: Ladgate
	} {
		got := w.Of(tc.geog, tc.code)
		if len(got) == 0 {
			t.Errorf("%s %s: no ward", tc.geog, tc.code)
			continue
		}
		for _, wd := range got {
			if wd.LADCode != tc.lad || wd.Code == "" || wd.Name == "" {
				t.Errorf("%s %s: ward %+v, want one in %s", tc.geog, tc.code, wd, tc.lad)
			}
		}
	}
	if got := w.Of(placeplan.LSOA2021, "E01012049"); got[0].Name != "Ladgate" || got[0].Code != "E05009861" {
		t.Errorf("Middlesbrough 014A is in %+v, want Ladgate (E05009861)", got)
	}
	if got := w.Of(placeplan.LSOA2011, "E99999999"); got != nil {
		t.Errorf("an unknown code has wards %v", got)
	}
}
