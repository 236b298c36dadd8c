package api

import (
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/scenario/tiles"
)

func TestParseBBox(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     *orb.Bound
		err      string
	}{
		{"empty means none", "", nil, ""},
		{"Shropshire", "-3.24,52.30,-2.23,53.00", &orb.Bound{Min: orb.Point{-3.24, 52.30}, Max: orb.Point{-2.23, 53.00}}, ""},
		{"spaces allowed", " -3, 52 , -2,53", &orb.Bound{Min: orb.Point{-3, 52}, Max: orb.Point{-2, 53}}, ""},
		{"a point", "-2,52,-2,52", &orb.Bound{Min: orb.Point{-2, 52}, Max: orb.Point{-2, 52}}, ""},
		{"too few", "1,2,3", nil, "bbox: want 4 numbers minLon,minLat,maxLon,maxLat, got 3"},
		{"too many", "1,2,3,4,5", nil, "got 5"},
		{"empty part", "-3,,-2,53", nil, `bbox: minLat "" is not a number`},
		{"infinite", "-3,52,Inf,53", nil, `bbox: maxLon "Inf" is not a number`},
		{"longitude range", "-181,52,-2,53", nil, "bbox: minLon -181 is outside -180..180"},
		{"latitude range", "-3,-91,-2,53", nil, "bbox: minLat -91 is outside -90..90"},
		{"inverted latitudes", "-3,53,-2,52", nil, "bbox: minLat 53 is greater than maxLat 52"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseBBox(tc.in)
			if tc.err != "" {
				if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want invalid containing %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseBBox(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestLayerGeography(t *testing.T) {
	both := map[placeplan.Geography]int{placeplan.LSOA2011: 708, placeplan.LSOA2021: 742}
	only21 := map[placeplan.Geography]int{placeplan.LSOA2021: 742}
	for _, tc := range []struct {
		name string
		in   string
		held map[placeplan.Geography]int
		want placeplan.Geography
	}{
		{"both loaded: lsoa11", "", both, placeplan.LSOA2011},
		{"only lsoa21 loaded", "", only21, placeplan.LSOA2021},
		{"nothing loaded", "", nil, ""},
		{"explicit wins", "lsoa21", both, placeplan.LSOA2021},
		{"explicit but not loaded", "lsoa11", only21, placeplan.LSOA2011},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tiles.LayerGeography(tc.in, tc.held)
			if err != nil || got != tc.want {
				t.Errorf("tiles.LayerGeography(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestEtagMatch(t *testing.T) {
	for _, tc := range []struct {
		header, tag string
		want        bool
	}{
		{"", `W/"rev-1"`, false},
		{`W/"rev-1"`, `W/"rev-1"`, true},
		{`"rev-1"`, `W/"rev-1"`, true},
		{`W/"rev-1"`, `"abc"`, false},
		{`"a", W/"rev-1"`, `W/"rev-1"`, true},
		{` * `, `"abc"`, true},
		{`W/"rev-10"`, `W/"rev-1"`, false},
	} {
		if got := etagMatch(tc.header, tc.tag); got != tc.want {
			t.Errorf("etagMatch(%q, %q) = %v, want %v", tc.header, tc.tag, got, tc.want)
		}
	}
}

func TestSelectFields(t *testing.T) {
	inds := []placeplan.Indicator{{Key: "imd_decile"}, {Key: "imd_rank"}, {Key: "imd_score"}}
	keys := func(inds []placeplan.Indicator) []string {
		out := []string{}
		for _, ind := range inds {
			out = append(out, ind.Key)
		}
		return out
	}
	for _, tc := range []struct {
		name, query string
		want        []string
		err         string
	}{
		{"no parameter keeps all", "", []string{"imd_decile", "imd_rank", "imd_score"}, ""},
		{"empty parameter keeps none", "fields=", []string{}, ""},
		{"one", "fields=imd_decile", []string{"imd_decile"}, ""},
		{"sorted, deduplicated, trimmed", "fields=imd_score,+imd_decile,imd_score,", []string{"imd_decile", "imd_score"}, ""},
		{"unknown", "fields=imd_decile,bogus", nil, `unknown field "bogus": no such indicator for LSOA 2011`},
		{"misspelt", "fields=imd_decile,imd_rnak", nil, `unknown field "imd_rnak": no such indicator for LSOA 2011 (did you mean "imd_rank"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			got, err := selectFields(inds, q, placeplan.LSOA2011)
			if tc.err != "" {
				if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want invalid containing %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(keys(got), tc.want) {
				t.Errorf("got %v, %v; want %v", keys(got), err, tc.want)
			}
		})
	}
}

// TestSuppression builds properties from a hand-made confidential count
// indicator: small counts are withheld on both the map layer and the area
// profile, other values pass.
func TestSuppression(t *testing.T) {
	count := placeplan.Indicator{Key: "referrals", Name: "Referrals", Kind: placeplan.KindCount, Confidential: true}
	public := placeplan.Indicator{Key: "imd_score", Name: "IMD score", Kind: placeplan.KindScore, Direction: placeplan.HigherIsWorse}
	d := placeplan.Disclosure{MinCount: 5}
	area := placeplan.Area{Code: "E01000001", Name: "Somewhere 001A", Geography: placeplan.LSOA2011}
	inds := []placeplan.Indicator{public, count}

	for _, tc := range []struct {
		name           string
		referrals      float64
		disclosure     placeplan.Disclosure
		wantShown      bool
		wantSuppressed []any
	}{
		{"small count withheld", 3, d, false, []any{"referrals"}},
		{"zero shown", 0, d, true, nil},
		{"at the threshold shown", 5, d, true, nil},
		{"suppression off", 3, placeplan.Disclosure{}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values := []map[string]float64{{area.Code: 41.2}, {area.Code: tc.referrals}}
			props := tiles.AreaProperties(area, inds, values, tc.disclosure)
			// Round-trip through JSON, as a client sees it.
			b, _ := json.Marshal(props)
			var got map[string]any
			json.Unmarshal(b, &got)
			if got["imd_score"] != 41.2 || got["code"] != area.Code || got["name"] != area.Name {
				t.Errorf("properties = %s", b)
			}
			if _, shown := got["referrals"]; shown != tc.wantShown {
				t.Errorf("referrals shown = %v, want %v: %s", shown, tc.wantShown, b)
			}
			if s, _ := got["suppressed"].([]any); !reflect.DeepEqual(s, tc.wantSuppressed) {
				t.Errorf("suppressed = %v, want %v", got["suppressed"], tc.wantSuppressed)
			}

			r := indicatorValue(count, tc.referrals, tc.disclosure)
			b, _ = json.Marshal(r)
			if tc.wantShown {
				if r.Value == nil || *r.Value != tc.referrals || strings.Contains(string(b), "suppressed") {
					t.Errorf("profile value = %s, want %g unsuppressed", b, tc.referrals)
				}
			} else if !strings.Contains(string(b), `"value":null,"suppressed":true`) {
				t.Errorf("profile value = %s, want null and suppressed", b)
			}
		})
	}

	t.Run("area without a value", func(t *testing.T) {
		props := tiles.AreaProperties(area, inds, []map[string]float64{{}, {}}, d)
		if _, ok := props["imd_score"]; ok {
			t.Errorf("properties carry a value the area lacks: %v", props)
		}
	})
	t.Run("non-finite values withheld", func(t *testing.T) {
		values := []map[string]float64{{area.Code: math.Inf(1)}, {area.Code: 10}}
		props := tiles.AreaProperties(area, inds, values, d)
		if _, err := json.Marshal(props); err != nil {
			t.Errorf("marshal: %v", err)
		}
		if !reflect.DeepEqual(props["suppressed"], []string{"imd_score"}) {
			t.Errorf("suppressed = %v", props["suppressed"])
		}
	})
}

func TestSiteProperties(t *testing.T) {
	st := placeplan.Site{Layer: "hubs", ID: "h1", Name: "Hub", Kind: "family hub", Status: "open",
		Capacity: math.NaN(), Point: orb.Point{-2.75, 52.71},
		Properties: map[string]string{"name": "overridden?", "capacity": "9", "ward": "Castle"}}
	got := tiles.SiteProperties(st)
	want := map[string]any{"id": "h1", "name": "Hub", "kind": "family hub", "status": "open", "ward": "Castle"}
	if !reflect.DeepEqual(map[string]any(got), want) {
		t.Errorf("siteProperties = %v, want %v", got, want)
	}
	st.Capacity = 40
	if got := tiles.SiteProperties(st); got["capacity"] != 40.0 {
		t.Errorf("capacity = %v, want 40", got["capacity"])
	}
}
