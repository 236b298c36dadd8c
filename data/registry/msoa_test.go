package registry

import (
	"testing"

	"placeplan"
)

func TestMSOARegistry(t *testing.T) {
	r, err := MSOAs()
	if err != nil {
		t.Fatal(err)
	}
	for g, want := range map[placeplan.Geography]int{placeplan.LSOA2011: 7201, placeplan.LSOA2021: 7264} {
		if n := len(r.byCode[g]); n != want {
			t.Errorf("%s: %d MSOAs, want %d (England and Wales)", g, n, want)
		}
	}
	cases := []struct {
		name      string
		geography placeplan.Geography
		lsoaName  string
		wantCode  string
		wantHCL   string
	}{
		{"Shropshire LSOA 2011", placeplan.LSOA2011, "Shropshire 027A", "E02006009", "Cosford & Albrighton"},
		{"Telford LSOA 2011", placeplan.LSOA2011, "Telford and Wrekin 007B", "E02002934", "Apley & Leegomery"},
		{"Welsh LSOA 2011", placeplan.LSOA2011, "Cardiff 032E", "W02000398", "Cathays South & Bute Park"},
		{"LSOA 2021 named after a 2021 MSOA", placeplan.LSOA2021, "Shropshire 027A", "E02006009", "Cosford & Albrighton"},
		{"not an LSOA name", placeplan.LSOA2011, "Shropshire", "", ""},
		{"lower-case letter", placeplan.LSOA2011, "Shropshire 027a", "", ""},
		{"unknown MSOA", placeplan.LSOA2011, "Nowhere 001A", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := r.ForLSOAName(c.geography, c.lsoaName)
			if ok != (c.wantCode != "") || m.Code != c.wantCode {
				t.Fatalf("ForLSOAName(%q) = %+v, %v; want code %q", c.lsoaName, m, ok, c.wantCode)
			}
			if c.wantHCL != "" && m.HCLName != c.wantHCL {
				t.Errorf("HCL name %q, want %q", m.HCLName, c.wantHCL)
			}
			if ok {
				if byCode, _ := r.Code(c.geography, m.Code); byCode != m {
					t.Errorf("Code(%s) = %+v, want %+v", m.Code, byCode, m)
				}
			}
		})
	}
	if got := r.Named(placeplan.LSOA2011, "oswestry east"); len(got) != 1 || got[0].Code != "E02006024" {
		t.Errorf("Named(oswestry east) = %+v", got)
	}
	if got := r.Named(placeplan.LSOA2011, "Shropshire 027"); len(got) != 1 || got[0].HCLName != "Cosford & Albrighton" {
		t.Errorf("Named by ONS name = %+v", got)
	}
	if got := r.Named(placeplan.LSOA2011, "Hillside"); len(got) < 2 {
		t.Errorf("Named(Hillside) = %+v, want the MSOAs of several districts", got)
	}
}
