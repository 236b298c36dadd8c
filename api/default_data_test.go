package api

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data"
	"placeplan/wire"
)

// loadDefault returns a store holding the embedded default dataset.
func loadDefault(t *testing.T) *data.Store {
	t.Helper()
	s := newStore(t)
	if _, err := data.LoadDefault(context.Background(), s); err != nil {
		t.Fatalf("load default dataset: %v", err)
	}
	return s
}

// multiPolygonBound decodes a GeoJSON MultiPolygon and returns its bound.
func multiPolygonBound(t *testing.T, raw json.RawMessage) orb.Bound {
	t.Helper()
	var g struct {
		Type        string
		Coordinates [][][][2]float64
	}
	if err := json.Unmarshal(raw, &g); err != nil || g.Type != "MultiPolygon" || len(g.Coordinates) == 0 {
		t.Fatalf("geometry %.80s: type %q, err %v; want a non-empty MultiPolygon", raw, g.Type, err)
	}
	var mp orb.MultiPolygon
	for _, poly := range g.Coordinates {
		var p orb.Polygon
		for _, ring := range poly {
			r := orb.Ring{}
			for _, c := range ring {
				r = append(r, orb.Point(c))
			}
			p = append(p, r)
		}
		mp = append(mp, p)
	}
	return mp.Bound()
}

// tooPrecise finds a number with more than 6 decimal places.
var tooPrecise = regexp.MustCompile(`-?\d+\.\d{7,}`)

// TestDefaultData runs the data routes over the embedded default dataset.
func TestDefaultData(t *testing.T) {
	store := loadDefault(t)
	srv, logs := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()

	t.Run("areas layer feature counts", func(t *testing.T) {
		for _, tc := range []struct {
			path string
			want int
		}{
			{"/api/v1/layers/areas?geography=lsoa11&fields=", 708},
			{"/api/v1/layers/areas?geography=lsoa21&fields=", 742},
			{"/api/v1/layers/areas?fields=", 708}, // lsoa11 when both are loaded
		} {
			rec := get(t, h, tc.path)
			if m := tooPrecise.FindString(rec.Body.String()); m != "" {
				t.Errorf("%s: coordinate %s has more than 6 decimals", tc.path, m)
			}
			fc := decodeFC(t, rec)
			if len(fc.Features) != tc.want {
				t.Errorf("%s: %d features, want %d", tc.path, len(fc.Features), tc.want)
			}
			codes := map[any]bool{}
			for _, f := range fc.Features {
				if f.ID == nil || f.ID != f.Props["code"] || codes[f.ID] {
					t.Fatalf("%s: feature id %v, code %v: want a unique id equal to the code", tc.path, f.ID, f.Props["code"])
				}
				codes[f.ID] = true
				for _, k := range []string{"name", "msoa_code", "msoa_name", "lad_code", "lad_name"} {
					if _, ok := f.Props[k]; !ok {
						t.Fatalf("%s: feature %v lacks %s", tc.path, f.ID, k)
					}
				}
			}
		}
	})

	t.Run("all indicators by default", func(t *testing.T) {
		inds, err := store.Indicators(context.Background(), placeplan.LSOA2011)
		if err != nil || len(inds) == 0 {
			t.Fatalf("indicators: %d, %v", len(inds), err)
		}
		fc := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&lad=E06000051"))
		if len(fc.Features) == 0 {
			t.Fatal("no Shropshire features")
		}
		for _, ind := range inds {
			if _, ok := fc.Features[0].Props[ind.Key]; !ok {
				t.Errorf("feature %v lacks indicator %s", fc.Features[0].ID, ind.Key)
			}
		}
	})

	t.Run("bbox filters", func(t *testing.T) {
		all := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields="))
		q := orb.Bound{Min: orb.Point{-2.80, 52.68}, Max: orb.Point{-2.70, 52.74}} // Shrewsbury
		rec := get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields=&bbox=-2.80,52.68,-2.70,52.74")
		fc := decodeFC(t, rec)
		if len(fc.Features) == 0 || len(fc.Features) >= len(all.Features) {
			t.Fatalf("bbox kept %d of %d features, want some but fewer", len(fc.Features), len(all.Features))
		}
		for _, f := range fc.Features {
			if b := multiPolygonBound(t, f.Geometry); !b.Intersects(q) {
				t.Errorf("feature %v, bound %v, does not meet the bbox %v", f.ID, b, q)
			}
		}
		// Every feature left out really is outside.
		kept := map[any]bool{}
		for _, f := range fc.Features {
			kept[f.ID] = true
		}
		for _, f := range all.Features {
			if !kept[f.ID] && multiPolygonBound(t, f.Geometry).Intersects(q) {
				t.Errorf("feature %v meets the bbox but was left out", f.ID)
			}
		}
	})

	t.Run("lad filter", func(t *testing.T) {
		fc := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields=&lad=E06000020"))
		if len(fc.Features) == 0 {
			t.Fatal("no Telford and Wrekin features")
		}
		for _, f := range fc.Features {
			if f.Props["lad_code"] != "E06000020" {
				t.Errorf("feature %v in %v", f.ID, f.Props["lad_code"])
			}
		}
	})

	t.Run("fields narrows indicators", func(t *testing.T) {
		fc := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields=imd_decile"))
		base := []string{"code", "name", "msoa_code", "msoa_name", "lad_code", "lad_name"}
		for _, f := range fc.Features {
			for k, v := range f.Props {
				if k == "imd_decile" {
					if d, ok := v.(float64); !ok || d < 1 || d > 10 || d != float64(int(d)) {
						t.Fatalf("feature %v: imd_decile = %v", f.ID, v)
					}
					continue
				}
				if !slices.Contains(base, k) {
					t.Fatalf("feature %v carries %s beside imd_decile", f.ID, k)
				}
			}
			if _, ok := f.Props["imd_decile"]; !ok {
				t.Fatalf("feature %v lacks imd_decile", f.ID)
			}
		}
	})

	t.Run("unknown field", func(t *testing.T) {
		p := decodeProblem(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields=imd_decile,imd_colour"), http.StatusBadRequest)
		if !strings.Contains(p.Detail, `"imd_colour"`) || strings.Contains(p.Detail, `"imd_decile"`) {
			t.Errorf("detail = %q, want it to name imd_colour only", p.Detail)
		}
	})

	t.Run("area list", func(t *testing.T) {
		var areas []map[string]any
		decode(t, get(t, h, "/api/v1/areas?geography=lsoa21"), http.StatusOK, "application/json", &areas)
		if len(areas) != 742 {
			t.Errorf("%d lsoa21 areas, want 742", len(areas))
		}
		decode(t, get(t, h, "/api/v1/areas?geography=lsoa11&lad=E06000051"), http.StatusOK, "application/json", &areas)
		if len(areas) == 0 {
			t.Fatal("no Shropshire areas")
		}
		for _, k := range []string{"code", "name", "msoa_code", "msoa_name", "lad_code", "lad_name", "vintage", "lon", "lat", "point_kind"} {
			if _, ok := areas[0][k]; !ok {
				t.Errorf("area lacks %s: %v", k, areas[0])
			}
		}
		if _, ok := areas[0]["geometry"]; ok || areas[0]["vintage"] != "lsoa11" || areas[0]["lad_code"] != "E06000051" {
			t.Errorf("area = %v", areas[0])
		}
	})

	t.Run("area profile", func(t *testing.T) {
		var p struct {
			wire.Area
			Indicators []map[string]any `json:"indicators"`
		}
		rec := get(t, h, "/api/v1/areas/lsoa11/E01028826")
		decode(t, rec, http.StatusOK, "application/json", &p)
		if p.Code != "E01028826" || p.Name == "" || p.LADCode == "" || p.Vintage != "lsoa11" {
			t.Errorf("profile = %+v", p.Area)
		}
		if strings.Contains(p.MSOAName, "&") && !strings.Contains(rec.Body.String(), p.MSOAName) {
			t.Errorf("MSOA name %q is escaped in %s", p.MSOAName, rec.Body)
		}
		var rank map[string]any
		for _, ind := range p.Indicators {
			if ind["key"] == "imd_rank" {
				rank = ind
			}
		}
		if rank == nil {
			t.Fatalf("profile lacks imd_rank: %v", p.Indicators)
		}
		if v, ok := rank["value"].(float64); !ok || v < 1 || v > 32844 || rank["kind"] != placeplan.KindRank || rank["name"] == "" {
			t.Errorf("imd_rank = %v", rank)
		}
		decodeProblem(t, get(t, h, "/api/v1/areas/lsoa21/E01028826x"), http.StatusNotFound)
	})

	t.Run("localities", func(t *testing.T) {
		var locs []wire.Locality
		decode(t, get(t, h, "/api/v1/localities"), http.StatusOK, "application/json", &locs)
		var oswestry *wire.Locality
		for i, l := range locs {
			if l.AreaCount != len(l.Areas) {
				t.Errorf("%s: area_count %d, %d areas", l.Name, l.AreaCount, len(l.Areas))
			}
			if l.Name == "Oswestry" {
				oswestry = &locs[i]
			}
		}
		if oswestry == nil || oswestry.AreaCount == 0 {
			t.Fatalf("no Oswestry locality with areas among %d", len(locs))
		}

		rec := get(t, h, "/api/v1/layers/localities?geography="+oswestry.Geography)
		if m := tooPrecise.FindString(rec.Body.String()); m != "" {
			t.Errorf("coordinate %s has more than 6 decimals", m)
		}
		fc := decodeFC(t, rec)
		found := false
		for _, f := range fc.Features {
			if f.Props["name"] != "Oswestry" {
				continue
			}
			found = true
			if f.Props["area_count"] != float64(oswestry.AreaCount) || f.Props["scheme"] != oswestry.Scheme {
				t.Errorf("Oswestry properties = %v", f.Props)
			}
			var g struct{ Coordinates [][][][2]float64 }
			json.Unmarshal(f.Geometry, &g)
			if len(g.Coordinates) == 0 || len(g.Coordinates) >= oswestry.AreaCount {
				t.Errorf("Oswestry has %d polygons for %d areas: not one outline", len(g.Coordinates), oswestry.AreaCount)
			}
		}
		if !found {
			t.Error("localities layer lacks Oswestry")
		}
	})

	t.Run("sites", func(t *testing.T) {
		rec := get(t, h, "/api/v1/layers/sites?layer=towns")
		if m := tooPrecise.FindString(rec.Body.String()); m != "" {
			t.Errorf("coordinate %s has more than 6 decimals", m)
		}
		fc := decodeFC(t, rec)
		var names []string
		for _, f := range fc.Features {
			var g struct {
				Type        string
				Coordinates [2]float64
			}
			json.Unmarshal(f.Geometry, &g)
			if g.Type != "Point" || g.Coordinates[0] < -4 || g.Coordinates[0] > 0 || g.Coordinates[1] < 51 || g.Coordinates[1] > 54 {
				t.Errorf("town %v at %v, want a WGS84 point in the West Midlands or Oxfordshire", f.Props["name"], g)
			}
			if f.ID != f.Props["id"] {
				t.Errorf("feature id %v, property id %v", f.ID, f.Props["id"])
			}
			names = append(names, f.Props["name"].(string))
		}
		if !slices.Contains(names, "Shrewsbury") || !slices.Contains(names, "Oswestry") {
			t.Errorf("towns = %v", names)
		}
	})

	t.Run("layers", func(t *testing.T) {
		var layers []wire.Layer
		decode(t, get(t, h, "/api/v1/layers"), http.StatusOK, "application/json", &layers)
		byID := map[string]wire.Layer{}
		for _, l := range layers {
			byID[l.ID] = l
			if len(l.Links) != 1 || l.Links[0].Type != geoJSONContentType {
				t.Errorf("%s: links %v", l.ID, l.Links)
				continue
			}
			if rec := get(t, h, l.Links[0].Href+"&fields="); rec.Code != 200 {
				t.Errorf("%s: link %s answers %d", l.ID, l.Links[0].Href, rec.Code)
			}
		}
		if a := byID["areas-lsoa11"]; a.Count != 708 || !slices.Contains(a.Indicators, "imd_decile") {
			t.Errorf("areas-lsoa11 = %+v", a)
		}
		if a := byID["areas-lsoa21"]; a.Count != 742 {
			t.Errorf("areas-lsoa21 = %+v", a)
		}
		if s := byID["sites-towns"]; s.Count == 0 || s.GeometryType != "Point" {
			t.Errorf("sites-towns = %+v", s)
		}
		if !slices.ContainsFunc(layers, func(l wire.Layer) bool { return l.Kind == "localities" && l.Count > 0 }) {
			t.Errorf("no localities layer in %v", layers)
		}
	})

	t.Run("datasets carry attribution", func(t *testing.T) {
		var ds []wire.Dataset
		decode(t, get(t, h, "/api/v1/datasets"), http.StatusOK, "application/json", &ds)
		if len(ds) == 0 {
			t.Fatal("no datasets")
		}
		ogl := false
		for _, d := range ds {
			if d.SHA256 == "" || d.IngestedAt == "" || d.Records == 0 {
				t.Errorf("dataset %+v", d)
			}
			if strings.Contains(d.Attribution+d.Licence, "Open Government Licence") {
				ogl = true
			}
		}
		if !ogl {
			t.Errorf("no dataset is under the Open Government Licence: %+v", ds)
		}
	})

	t.Run("confidential counts suppressed", func(t *testing.T) {
		before := get(t, h, "/api/v1/layers").Header().Get("ETag")
		dir := t.TempDir()
		csv := "lsoa11cd,referrals\nE01028826,3\nE01028827,12\nE01028828,0\n"
		meta := "indicator,name,unit,direction,kind,denominator,confidential\n" +
			"referrals,Early help referrals,referrals,higher_is_worse,count,children,yes\n"
		if err := os.WriteFile(filepath.Join(dir, "referrals.csv"), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "referrals.meta.csv"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := store.IngestFiles(context.Background(), []string{filepath.Join(dir, "referrals.csv")},
			data.IngestOptions{Geography: placeplan.LSOA2011}); err != nil {
			t.Fatalf("ingest: %v", err)
		}
		if after := get(t, h, "/api/v1/layers", "If-None-Match", before); after.Code != 200 || after.Header().Get("ETag") == before {
			t.Errorf("after an ingest: status %d, ETag %s (was %s); want 200 and a new tag", after.Code, after.Header().Get("ETag"), before)
		}

		fc := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields=referrals,imd_decile&bbox=-3.2,52.3,-2.2,53.0"))
		want := map[string]struct {
			shown      bool
			suppressed bool
		}{"E01028826": {false, true}, "E01028827": {true, false}, "E01028828": {true, false}}
		seen := 0
		for _, f := range fc.Features {
			w, ok := want[f.ID.(string)]
			if !ok {
				if _, has := f.Props["referrals"]; has {
					t.Errorf("%v has a referrals value it was never given", f.ID)
				}
				continue
			}
			seen++
			_, shown := f.Props["referrals"]
			s, _ := f.Props["suppressed"].([]any)
			if shown != w.shown || slices.Contains(s, any("referrals")) != w.suppressed {
				t.Errorf("%v: referrals shown %v, suppressed %v; want %v, %v", f.ID, shown, s, w.shown, w.suppressed)
			}
			if _, ok := f.Props["imd_decile"]; !ok {
				t.Errorf("%v: imd_decile withheld too", f.ID)
			}
		}
		if seen != len(want) {
			t.Errorf("saw %d of the %d areas given referrals", seen, len(want))
		}

		rec := get(t, h, "/api/v1/areas/lsoa11/E01028826")
		if !strings.Contains(rec.Body.String(), `"key":"referrals","name":"Early help referrals","unit":"referrals","kind":"count","direction":"higher_is_worse","value":null,"suppressed":true`) {
			t.Errorf("profile does not suppress referrals: %s", rec.Body)
		}
		if strings.Contains(rec.Body.String(), `"value":3,`) && strings.Contains(rec.Body.String(), `"key":"referrals"`) {
			t.Errorf("profile shows the small count")
		}
	})

	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs)
	}
}
