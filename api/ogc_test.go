package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data"
	"placeplan/geo"
)

// ogcItems is a decoded items response.
type ogcItems struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	Links          []ogcLink `json:"links"`
	TimeStamp      string    `json:"timeStamp"`
	NumberMatched  int       `json:"numberMatched"`
	NumberReturned int       `json:"numberReturned"`
}

// getItems fetches an items page, checking its status, media type,
// coordinates' precision and counts.
func getItems(t *testing.T, h http.Handler, target string) ogcItems {
	t.Helper()
	rec := get(t, h, target)
	var page ogcItems
	decode(t, rec, http.StatusOK, geoJSONContentType, &page)
	for _, f := range page.Features {
		if m := tooPrecise.Find(f.Geometry); m != nil {
			t.Errorf("%s: feature %v: coordinate %s has more than 6 decimals", target, f.ID, m)
		}
	}
	if page.Type != "FeatureCollection" || page.NumberReturned != len(page.Features) || page.TimeStamp == "" {
		t.Errorf("%s: type %q, numberReturned %d for %d features, timeStamp %q", target, page.Type,
			page.NumberReturned, len(page.Features), page.TimeStamp)
	}
	if !strings.Contains(rec.Body.String(), `"features":[`) {
		t.Errorf("%s: features is not an array", target)
	}
	return page
}

// linkTo returns the request URI of the link with rel, "" if none.
func linkTo(t *testing.T, links []ogcLink, rel string) string {
	t.Helper()
	for _, l := range links {
		if l.Rel == rel {
			u, err := url.Parse(l.Href)
			if err != nil || !u.IsAbs() {
				t.Fatalf("link %s: href %q is not an absolute URL", rel, l.Href)
			}
			return u.RequestURI()
		}
	}
	return ""
}

// allItems follows next links from target and returns every feature id
// in order (allFeatures).
func allItems(t *testing.T, h http.Handler, target string) []any {
	t.Helper()
	var ids []any
	for _, f := range allFeatures(t, h, target) {
		ids = append(ids, f.ID)
	}
	return ids
}

// ingestConfidential adds a confidential count indicator, referrals, for
// three Shropshire areas: 3 (withheld below 5), 12 and 0.
func ingestConfidential(t *testing.T, store *data.Store) {
	t.Helper()
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
}

func TestOGCLandingAndConformance(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()

	var landing ogcLandingResponse
	decode(t, get(t, h, "/ogc"), http.StatusOK, "application/json", &landing)
	rels := map[string]string{}
	for _, l := range landing.Links {
		rels[l.Rel] = l.Type
		if !strings.HasPrefix(l.Href, "http://example.com/") {
			t.Errorf("link %s: href %q, want an absolute URL on the request's host", l.Rel, l.Href)
		}
		if rec := get(t, h, linkTo(t, landing.Links, l.Rel)); rec.Code != http.StatusOK {
			t.Errorf("link %s (%s) answers %d", l.Rel, l.Href, rec.Code)
		}
	}
	want := map[string]string{"self": "application/json", "service-desc": "application/json",
		"conformance": "application/json", "data": "application/json"}
	if !reflect.DeepEqual(rels, want) {
		t.Errorf("landing page links %v, want %v", rels, want)
	}
	if linkTo(t, landing.Links, "service-desc") != "/ogc/api" {
		t.Errorf("service-desc is %s", linkTo(t, landing.Links, "service-desc"))
	}

	// Behind a TLS-terminating proxy, links keep the client's scheme.
	decode(t, get(t, h, "/ogc", "X-Forwarded-Proto", "https"), http.StatusOK, "application/json", &landing)
	if href := landing.Links[0].Href; href != "https://example.com/ogc" {
		t.Errorf("self link behind a proxy: %s", href)
	}

	var conf ogcConformanceResponse
	decode(t, get(t, h, "/ogc/conformance?f=json"), http.StatusOK, "application/json", &conf)
	for _, c := range []string{"core", "geojson"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c) {
			t.Errorf("conformsTo %v lacks %s", conf.ConformsTo, c)
		}
	}
	if rec := get(t, h, "/ogc"); rec.Header().Get("ETag") != "" {
		t.Errorf("the landing page is not data-derived but has ETag %s", rec.Header().Get("ETag"))
	}
}

// TestOGCEmptyStore checks that the collections exist, empty, before any
// ingest.
func TestOGCEmptyStore(t *testing.T) {
	srv, _ := newServer(t, Config{}, newStore(t))
	h := srv.Handler()
	var cols ogcCollectionsResponse
	decode(t, get(t, h, "/ogc/collections"), http.StatusOK, "application/json", &cols)
	var ids []string
	for _, c := range cols.Collections {
		ids = append(ids, c.ID)
		if c.Extent != nil {
			t.Errorf("%s: extent %v on an empty store", c.ID, c.Extent)
		}
	}
	if !reflect.DeepEqual(ids, []string{"areas", "localities", "sites"}) {
		t.Errorf("collections %v", ids)
	}
	for _, id := range ids {
		page := getItems(t, h, "/ogc/collections/"+id+"/items?bbox=-3,52,-2,53")
		if page.NumberMatched != 0 || len(page.Features) != 0 || linkTo(t, page.Links, "next") != "" {
			t.Errorf("%s: %+v, want no features and no next link", id, page)
		}
	}
	decodeProblem(t, get(t, h, "/ogc/collections/areas/items/E01028826"), http.StatusNotFound)
	decodeProblem(t, get(t, h, "/ogc/collections/localities/items/1"), http.StatusNotFound)
	decodeProblem(t, get(t, h, "/ogc/collections/sites/items/towns:Shrewsbury"), http.StatusNotFound)
}

// TestOGCParameters checks the answers to bad and edge-case parameters.
func TestOGCParameters(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	const items = "/ogc/collections/areas/items"
	for _, tc := range []struct {
		name, target string
		status       int
		detail       string // for errors, a substring of the detail
		returned     int    // for 200, the features returned; -1 for any
	}{
		{"default limit", items, 200, "", ogcDefaultLimit},
		{"limit 1", items + "?limit=1", 200, "", 1},
		{"limit above the maximum is served as the maximum", items + "?limit=20000", 200, "", 708},
		{"limit 0", items + "?limit=0", 400, `limit "0": want a whole number from 1 to 10000`, 0},
		{"negative limit", items + "?limit=-5", 400, `limit "-5"`, 0},
		{"fractional limit", items + "?limit=2.5", 400, `limit "2.5"`, 0},
		{"limit not a number", items + "?limit=ten", 400, `limit "ten"`, 0},
		{"offset past the end", items + "?offset=5000", 200, "", 0},
		{"last page", items + "?offset=700", 200, "", 8},
		{"negative offset", items + "?offset=-1", 400, `offset "-1": want a whole number, 0 or more`, 0},
		{"offset not a number", items + "?offset=x", 400, `offset "x"`, 0},
		{"bbox with 3 numbers", items + "?bbox=1,2,3", 400, "bbox: want 4 numbers minLon,minLat,maxLon,maxLat, got 3", 0},
		{"bbox with 5 numbers", items + "?bbox=1,2,3,4,5", 400, "got 5", 0},
		{"bbox not a number", items + "?bbox=west,52,-2,53", 400, `bbox: minLon "west" is not a number`, 0},
		{"bbox NaN", items + "?bbox=-3,NaN,-2,53", 400, `bbox: minLat "NaN" is not a number`, 0},
		{"bbox inverted", items + "?bbox=-2,52,-3,53", 400, "bbox: minLon -2 is greater than maxLon -3", 0},
		{"bbox latitude out of range", items + "?bbox=-3,52,-2,95", 400, "bbox: maxLat 95 is outside -90..90", 0},
		{"bbox with heights", items + "?bbox=-2.80,52.68,0,-2.70,52.74,100", 200, "", -1},
		{"bbox with a bad height", items + "?bbox=-3.2,52.3,low,-2.2,53.0,100", 400, `bbox: height "low" is not a number`, 0},
		{"bbox far away", items + "?bbox=10,10,11,11", 200, "", 0},
		{"crs EPSG:27700", items + "?crs=" + url.QueryEscape(crs27700), 200, "", ogcDefaultLimit},
		{"crs as a safe CURIE", items + "?crs=[EPSG:27700]", 200, "", ogcDefaultLimit},
		{"crs CRS84", items + "?crs=" + url.QueryEscape(crs84), 200, "", ogcDefaultLimit},
		{"crs EPSG:4326 is latitude first, not served", items + "?crs=EPSG:4326", 400, `crs "EPSG:4326": want ` + crs84, 0},
		{"crs unknown", items + "?crs=EPSG:3857", 400, `crs "EPSG:3857"`, 0},
		{"bbox-crs in BNG metres", items + "?bbox-crs=EPSG:27700&bbox=340000,300000,360000,320000", 200, "", -1},
		{"bbox-crs BNG far off the grid", items + "?bbox-crs=EPSG:27700&bbox=-9e6,0,-8e6,1", 400, "is not on the British National Grid", 0},
		{"bbox-crs BNG inverted", items + "?bbox-crs=EPSG:27700&bbox=360000,300000,340000,320000", 400, "is not below the maximum", 0},
		{"bbox-crs without bbox", items + "?bbox-crs=EPSG:27700", 400, "bbox-crs without bbox", 0},
		{"bbox-crs unknown", items + "?bbox-crs=EPSG:2157&bbox=1,2,3,4", 400, `bbox-crs "EPSG:2157"`, 0},
		{"feature in BNG", "/ogc/collections/areas/items/E01028826?crs=EPSG:27700", 200, "", -1},
		{"feature crs unknown", "/ogc/collections/areas/items/E01028826?crs=EPSG:3857", 400, `crs "EPSG:3857"`, 0},
		{"datetime instant", items + "?datetime=2025-01-31T00:00:00Z", 200, "", ogcDefaultLimit},
		{"datetime open interval", items + "?datetime=../2025-01-31T00:00:00Z", 200, "", ogcDefaultLimit},
		{"datetime not a date", items + "?datetime=yesterday", 400, `datetime "yesterday"`, 0},
		{"datetime both ends open", items + "?datetime=../..", 400, "an interval needs at least one end", 0},
		{"unknown parameter", items + "?colour=red", 400, `unknown query parameter "colour"`, 0},
		{"layer is for sites", items + "?layer=towns", 400, `unknown query parameter "layer"`, 0},
		{"f json", items + "?f=json", 200, "", ogcDefaultLimit},
		{"f geojson", items + "?f=geojson", 200, "", ogcDefaultLimit},
		{"f html", items + "?f=html", 400, `f: unsupported format "html": want json or geojson`, 0},
		{"f html on metadata", "/ogc/collections?f=html", 400, `unsupported format "html": want json`, 0},
		{"f geojson on metadata", "/ogc?f=geojson", 400, `unsupported format "geojson": want json`, 0},
		{"unknown parameter on metadata", "/ogc/conformance?limit=3", 400, `unknown query parameter "limit": want f or crs`, 0},
		{"crs on metadata is checked", "/ogc/collections/areas?crs=EPSG:4326", 400, `crs "EPSG:4326": want`, 0},
		{"unknown geography", items + "?geography=lsoa01", 400, `unknown geography "lsoa01"`, 0},
		{"lsoa21", items + "?geography=lsoa21&limit=1000", 200, "", 742},
		{"unknown point layer", "/ogc/collections/sites/items?layer=pubs", 400, `layer: no point layer "pubs"`, 0},
		{"unknown collection", "/ogc/collections/catchments", 404, `no collection "catchments"`, 0},
		{"unknown collection items", "/ogc/collections/catchments/items", 404, `no collection "catchments"`, 0},
		{"unknown collection feature", "/ogc/collections/nope/items/1", 404, `no collection "nope"`, 0},
		{"unknown area", "/ogc/collections/areas/items/E01999999", 404, `no feature "E01999999" in collection areas`, 0},
		{"area of the other geography", "/ogc/collections/areas/items/E01014141?geography=lsoa21&f=json", 404, "(lsoa21)", 0},
		{"area of lsoa21", "/ogc/collections/areas/items/E01034751?geography=lsoa21", 200, "", -1},
		{"locality id not a number", "/ogc/collections/localities/items/Oswestry", 404, `no feature "Oswestry"`, 0},
		{"unknown locality", "/ogc/collections/localities/items/999999", 404, `no feature "999999"`, 0},
		{"site id without layer", "/ogc/collections/sites/items/Shrewsbury", 404, "ids are LAYER:ID", 0},
		{"unknown site", "/ogc/collections/sites/items/towns:Atlantis", 404, `no feature "towns:Atlantis"`, 0},
		{"unknown parameter on a feature", "/ogc/collections/areas/items/E01028826?limit=1", 400, `unknown query parameter "limit"`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status != http.StatusOK {
				p := decodeProblem(t, get(t, h, tc.target), tc.status)
				if !strings.Contains(p.Detail, tc.detail) {
					t.Errorf("detail %q, want it to contain %q", p.Detail, tc.detail)
				}
				return
			}
			if strings.Contains(tc.target, "/items/") {
				var f ogcFeature
				decode(t, get(t, h, tc.target), http.StatusOK, geoJSONContentType, &f)
				return
			}
			page := getItems(t, h, tc.target)
			if tc.returned >= 0 && len(page.Features) != tc.returned {
				t.Errorf("%d features, want %d", len(page.Features), tc.returned)
			}
		})
	}
}

func TestParseItemsQuery(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  ogcQuery
	}{
		{"", ogcQuery{crs: geo.WGS84, limit: ogcDefaultLimit, extra: url.Values{}}},
		{"limit=20000&offset=30", ogcQuery{crs: geo.WGS84, limit: ogcMaxLimit, offset: 30, extra: url.Values{}}},
		{"limit=+7", ogcQuery{crs: geo.WGS84, limit: 7, extra: url.Values{}}},
		{"geography=lsoa21&layer=towns", ogcQuery{crs: geo.WGS84, limit: ogcDefaultLimit, extra: url.Values{"geography": {"lsoa21"}}}},
		{"bbox=-3,52,0,-2,53,10", ogcQuery{crs: geo.WGS84, limit: ogcDefaultLimit, extra: url.Values{},
			bbox: &orb.Bound{Min: orb.Point{-3, 52}, Max: orb.Point{-2, 53}}}},
	} {
		q, _ := url.ParseQuery(tc.query)
		got, err := parseItemsQuery(q, []string{"geography"})
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseItemsQuery(%q) = %+v, %v; want %+v", tc.query, got, err, tc.want)
		}
	}
}

// TestOGCAreas checks the areas collection against the areas map layer:
// the same features, geometry and properties, suppression included.
func TestOGCAreas(t *testing.T) {
	store := loadDefault(t)
	ingestConfidential(t, store)
	srv, logs := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()

	layer := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11"))
	byID := map[any]int{}
	for i, f := range layer.Features {
		byID[f.ID] = i
	}

	t.Run("paging reads every area once, in code order", func(t *testing.T) {
		ids := allItems(t, h, "/ogc/collections/areas/items?limit=100")
		if len(ids) != len(layer.Features) || len(ids) != 708 {
			t.Fatalf("%d areas through paging, the layer has %d", len(ids), len(layer.Features))
		}
		for i, id := range ids {
			if id != layer.Features[i].ID {
				t.Fatalf("feature %d is %v, the layer's is %v", i, id, layer.Features[i].ID)
			}
		}
		// The default page size, with links both ways.
		first := getItems(t, h, "/ogc/collections/areas/items")
		if first.NumberMatched != 708 || len(first.Features) != ogcDefaultLimit || linkTo(t, first.Links, "prev") != "" {
			t.Errorf("first page: %d of %d, prev %q", len(first.Features), first.NumberMatched, linkTo(t, first.Links, "prev"))
		}
		next := linkTo(t, first.Links, "next")
		if q, _ := url.ParseQuery(strings.SplitN(next, "?", 2)[1]); q.Get("offset") != "100" || q.Get("limit") != "100" {
			t.Errorf("next link %s, want offset 100 and limit 100", next)
		}
		if self := linkTo(t, first.Links, "self"); self != "/ogc/collections/areas/items" {
			t.Errorf("self link %s", self)
		}
		second := getItems(t, h, next)
		if prev := linkTo(t, second.Links, "prev"); !strings.Contains(prev, "offset=0") {
			t.Errorf("second page's prev link %s, want offset 0", prev)
		}
	})

	t.Run("features equal the map layer's", func(t *testing.T) {
		page := getItems(t, h, "/ogc/collections/areas/items?bbox=-3.2,52.3,-2.2,53.0&limit=10000")
		if page.NumberMatched != len(page.Features) || len(page.Features) == 0 {
			t.Fatalf("%d features of %d matched", len(page.Features), page.NumberMatched)
		}
		referrals := 0
		for _, f := range page.Features {
			i, ok := byID[f.ID]
			if !ok {
				t.Fatalf("feature %v is not in the areas layer", f.ID)
			}
			lf := layer.Features[i]
			if !reflect.DeepEqual(f.Properties, lf.Props) {
				t.Errorf("%v: properties\n%v\nthe layer's\n%v", f.ID, f.Properties, lf.Props)
			}
			if string(f.Geometry) != string(lf.Geometry) {
				t.Errorf("%v: geometry differs from the layer's", f.ID)
			}
			if _, ok := f.Properties["referrals"]; ok {
				referrals++
			}
		}
		if referrals != 2 {
			t.Errorf("%d areas show referrals, want 2 (E01028827 and E01028828)", referrals)
		}
	})

	t.Run("a small confidential count is withheld", func(t *testing.T) {
		var f ogcFeature
		decode(t, get(t, h, "/ogc/collections/areas/items/E01028826"), http.StatusOK, geoJSONContentType, &f)
		if _, shown := f.Properties["referrals"]; shown {
			t.Errorf("E01028826 shows referrals %v", f.Properties["referrals"])
		}
		if s, _ := f.Properties["suppressed"].([]any); !slices.Contains(s, any("referrals")) {
			t.Errorf("E01028826 suppressed = %v, want referrals listed", f.Properties["suppressed"])
		}
		decode(t, get(t, h, "/ogc/collections/areas/items/E01028827"), http.StatusOK, geoJSONContentType, &f)
		if f.Properties["referrals"] != 12.0 {
			t.Errorf("E01028827 referrals = %v, want 12", f.Properties["referrals"])
		}
	})

	t.Run("bbox keeps what the map layer keeps", func(t *testing.T) {
		bbox := "-2.80,52.68,-2.70,52.74"
		want := decodeFC(t, get(t, h, "/api/v1/layers/areas?geography=lsoa11&fields=&bbox="+bbox))
		got := allItems(t, h, "/ogc/collections/areas/items?limit=7&bbox="+bbox)
		withHeights := allItems(t, h, "/ogc/collections/areas/items?limit=7&bbox=-2.80,52.68,-10,-2.70,52.74,900")
		if !reflect.DeepEqual(withHeights, got) {
			t.Errorf("a bbox with heights keeps %v, without %v", withHeights, got)
		}
		if len(got) != len(want.Features) || len(got) == 0 {
			t.Fatalf("%d features, the layer has %d", len(got), len(want.Features))
		}
		for i, f := range want.Features {
			if got[i] != f.ID {
				t.Errorf("feature %d: %v, the layer's %v", i, got[i], f.ID)
			}
		}
	})

	t.Run("one feature", func(t *testing.T) {
		rec := get(t, h, "/ogc/collections/areas/items/E01028826")
		var f ogcFeature
		decode(t, rec, http.StatusOK, geoJSONContentType, &f)
		lf := layer.Features[byID["E01028826"]]
		var raw struct {
			Geometry json.RawMessage `json:"geometry"`
		}
		json.Unmarshal(rec.Body.Bytes(), &raw)
		if f.ID != "E01028826" || f.Type != "Feature" || string(raw.Geometry) != string(lf.Geometry) {
			t.Errorf("feature %v, type %s; geometry equal to the layer's: %v", f.ID, f.Type, string(raw.Geometry) == string(lf.Geometry))
		}
		rels := map[string]string{}
		for _, l := range f.Links {
			rels[l.Rel] = l.Href
		}
		if rels["self"] != "http://example.com/ogc/collections/areas/items/E01028826" ||
			rels["collection"] != "http://example.com/ogc/collections/areas" {
			t.Errorf("links %v", f.Links)
		}
	})

	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs)
	}
}

func TestOGCLocalitiesAndSites(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()

	t.Run("localities equal the map layer's", func(t *testing.T) {
		layer := decodeFC(t, get(t, h, "/api/v1/layers/localities"))
		ids := allItems(t, h, "/ogc/collections/localities/items?limit=3")
		if len(ids) != len(layer.Features) || len(ids) == 0 {
			t.Fatalf("%d localities, the layer has %d", len(ids), len(layer.Features))
		}
		for i, f := range layer.Features {
			if ids[i] != f.ID {
				t.Errorf("locality %d: %v, the layer's %v", i, ids[i], f.ID)
			}
		}
		one := layer.Features[0]
		rec := get(t, h, "/ogc/collections/localities/items/"+jsonNumber(one.ID))
		var f struct {
			ID         any             `json:"id"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		}
		decode(t, rec, http.StatusOK, geoJSONContentType, &f)
		if f.ID != one.ID || string(f.Geometry) != string(one.Geometry) || !reflect.DeepEqual(f.Properties, one.Props) {
			t.Errorf("locality %v: %v %v, the layer's %v %v", one.ID, f.ID, f.Properties, one.ID, one.Props)
		}
	})

	t.Run("localities bbox", func(t *testing.T) {
		// Oswestry's areas are north-west of Shrewsbury; Ludlow's south.
		names := func(target string) []string {
			var out []string
			for _, f := range getItems(t, h, target).Features {
				out = append(out, f.Properties["name"].(string))
			}
			return out
		}
		near := names("/ogc/collections/localities/items?limit=100&bbox=-3.10,52.84,-3.00,52.88")
		if !slices.Contains(near, "Oswestry") || slices.Contains(near, "Ludlow") {
			t.Errorf("localities meeting a box in Oswestry: %v", near)
		}
		if far := names("/ogc/collections/localities/items?bbox=1,51,1.1,51.1"); len(far) != 0 {
			t.Errorf("localities meeting a box in Kent: %v", far)
		}
	})

	t.Run("sites", func(t *testing.T) {
		layer := decodeFC(t, get(t, h, "/api/v1/layers/sites?layer=towns"))
		page := getItems(t, h, "/ogc/collections/sites/items?layer=towns&limit=1000")
		if len(page.Features) != len(layer.Features) || len(page.Features) == 0 {
			t.Fatalf("%d towns, the layer has %d", len(page.Features), len(layer.Features))
		}
		for i, f := range page.Features {
			lf := layer.Features[i]
			if f.ID != "towns:"+lf.ID.(string) || f.Properties["layer"] != "towns" || string(f.Geometry) != string(lf.Geometry) {
				t.Errorf("site %v, layer %v; the layer's %v", f.ID, f.Properties["layer"], lf.ID)
			}
			delete(f.Properties, "layer")
			if !reflect.DeepEqual(f.Properties, lf.Props) {
				t.Errorf("site %v: properties %v, the layer's %v", f.ID, f.Properties, lf.Props)
			}
		}
		all := getItems(t, h, "/ogc/collections/sites/items?limit=1000")
		if all.NumberMatched < len(page.Features) {
			t.Errorf("sites has %d features, towns alone %d", all.NumberMatched, len(page.Features))
		}

		var f ogcFeature
		decode(t, get(t, h, "/ogc/collections/sites/items/towns:Shrewsbury"), http.StatusOK, geoJSONContentType, &f)
		if f.ID != "towns:Shrewsbury" || f.Properties["name"] != "Shrewsbury" {
			t.Errorf("towns:Shrewsbury = %v %v", f.ID, f.Properties)
		}
		// An encoded colon names the same feature.
		if rec := get(t, h, "/ogc/collections/sites/items/towns%3AShrewsbury"); rec.Code != http.StatusOK {
			t.Errorf("towns%%3AShrewsbury: status %d", rec.Code)
		}

		inBox := getItems(t, h, "/ogc/collections/sites/items?bbox=-2.80,52.68,-2.70,52.74")
		if len(inBox.Features) != 1 || inBox.Features[0].ID != "towns:Shrewsbury" {
			t.Errorf("sites in a box around Shrewsbury: %+v", inBox.Features)
		}
	})
}

// jsonNumber formats a decoded JSON number as the integer it holds.
func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestOGCCollections(t *testing.T) {
	store := &failingStore{Store: loadDefault(t), revision: 7}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()

	var cols ogcCollectionsResponse
	decode(t, get(t, h, "/ogc/collections"), http.StatusOK, "application/json", &cols)
	england := orb.Bound{Min: orb.Point{-6.5, 49.8}, Max: orb.Point{2, 55.9}}
	for _, c := range cols.Collections {
		if c.Extent == nil || len(c.Extent.Spatial.BBox) != 1 || c.Extent.Spatial.CRS != crs84 {
			t.Fatalf("%s: extent %+v", c.ID, c.Extent)
		}
		b := c.Extent.Spatial.BBox[0]
		box := orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
		if !england.Contains(box.Min) || !england.Contains(box.Max) || box.Min[0] >= box.Max[0] {
			t.Errorf("%s: extent %v is not a box in England", c.ID, b)
		}
		if c.ItemType != "feature" || !slices.Contains(c.CRS, crs84) || c.Title == "" || c.Description == "" {
			t.Errorf("%s: %+v", c.ID, c)
		}
		if linkTo(t, c.Links, "items") != "/ogc/collections/"+c.ID+"/items" {
			t.Errorf("%s: links %v", c.ID, c.Links)
		}

		var one ogcCollectionResponse
		decode(t, get(t, h, "/ogc/collections/"+c.ID), http.StatusOK, "application/json", &one)
		if linkTo(t, one.Links, "self") != "/ogc/collections/"+c.ID || !reflect.DeepEqual(one.Extent, c.Extent) {
			t.Errorf("%s alone: links %v, extent %v", c.ID, one.Links, one.Extent)
		}
	}

	// The areas extent holds every area.
	layer := decodeFC(t, get(t, h, "/api/v1/layers/areas?fields="))
	b := cols.Collections[0].Extent.Spatial.BBox[0]
	box := orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
	for _, f := range layer.Features {
		if fb := multiPolygonBound(t, f.Geometry); !box.Contains(fb.Min) || !box.Contains(fb.Max) {
			t.Fatalf("area %v (%v) is outside the areas extent %v", f.ID, fb, b)
		}
	}

	// Data routes carry the revision; a new one is seen at once.
	for _, target := range []string{"/ogc/collections", "/ogc/collections/areas", "/ogc/collections/areas/items",
		"/ogc/collections/areas/items/E01028826"} {
		rec := get(t, h, target)
		tag := rec.Header().Get("ETag")
		if tag != `W/"rev-7"` && (target != "/ogc/collections" || !strings.HasPrefix(tag, `W/"rev-7-`)) {
			t.Errorf("%s: ETag %q", target, tag)
		}
		if again := get(t, h, target, "If-None-Match", tag); again.Code != http.StatusNotModified {
			t.Errorf("%s: revalidation answers %d", target, again.Code)
		}
	}
	before := get(t, h, "/ogc/collections").Header().Get("ETag")
	store.revision = 8
	if rec := get(t, h, "/ogc/collections", "If-None-Match", before); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("ETag"), `W/"rev-8-`) {
		t.Errorf("after a new revision: %d, ETag %s", rec.Code, rec.Header().Get("ETag"))
	}
}

func TestExtentCache(t *testing.T) {
	var c extentCache
	calls := 0
	compute := func() (*orb.Bound, error) {
		calls++
		return &orb.Bound{Max: orb.Point{float64(calls), 0}}, nil
	}
	for _, tc := range []struct {
		rev       int64
		wantCalls int
	}{{1, 1}, {1, 1}, {2, 2}, {2, 2}, {1, 3}} {
		b, err := c.get("areas", tc.rev, compute)
		if err != nil || calls != tc.wantCalls || b.Max[0] != float64(calls) {
			t.Errorf("rev %d: bound %v, %d computations; want %d", tc.rev, b, calls, tc.wantCalls)
		}
	}
}

func TestCheckDatetime(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2025-01-31T00:00:00Z", true},
		{"2025-01-31T10:00:00+01:00", true},
		{"2025-01-01T00:00:00Z/2025-12-31T00:00:00Z", true},
		{"../2025-12-31T00:00:00Z", true},
		{"2025-01-01T00:00:00Z/..", true},
		{"/2025-12-31T00:00:00Z", true},
		{"2025-01-01T00:00:00Z/", true},
		{"", false},
		{"..", false},
		{"../..", false},
		{"/", false},
		{"2025-01-31", false}, // RFC 3339 section 5.6 date-time only
		{"a/b/c", false},
	} {
		if err := checkDatetime(tc.in); (err == nil) != tc.ok {
			t.Errorf("checkDatetime(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
}

func TestPathParamDecodes(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	// A slash in a feature id arrives as %2F and must not split the path.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/ogc/collections/sites/items/towns%2FShrewsbury", nil)
	srv.Handler().ServeHTTP(rec, req)
	p := decodeProblem(t, rec, http.StatusNotFound)
	if !strings.Contains(p.Detail, `"towns/Shrewsbury"`) {
		t.Errorf("detail %q, want the decoded id", p.Detail)
	}
}

// TestOGCFilters checks Part 3 on the default data: queryables, equality
// parameters, CQL2 text, sortby, their errors, and that a filtered query
// pages like an unfiltered one, with the layer's properties as the oracle.
func TestOGCFilters(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	const items = "/ogc/collections/areas/items?limit=10000"
	all := getItems(t, h, items)
	// count returns how many areas pred keeps, from the unfiltered page.
	count := func(pred func(p map[string]any) bool) int {
		n := 0
		for _, f := range all.Features {
			if pred(f.Properties) {
				n++
			}
		}
		return n
	}
	num := func(p map[string]any, k string) float64 { v, _ := p[k].(float64); return v }
	shropshire := func(p map[string]any) bool { return p["lad_code"] == "E06000051" }
	deprived := func(p map[string]any) bool { _, ok := p["imd_decile"]; return ok && num(p, "imd_decile") <= 2 }

	t.Run("queryables", func(t *testing.T) {
		rec := get(t, h, "/ogc/collections/areas/queryables")
		var q ogcQueryablesResponse
		decode(t, rec, http.StatusOK, schemaJSONType, &q)
		if q.Properties["lad_code"].Type != "string" || q.Properties["imd_decile"].Type != "integer" ||
			q.Properties["imd_score"].Type != "number" || !strings.HasSuffix(q.ID, "/ogc/collections/areas/queryables") {
			t.Errorf("queryables: %+v", q)
		}
		// The features' schema, which GDAL reads for a layer's fields, has
		// the same properties with the same types.
		var fs ogcFeatureSchema
		decode(t, get(t, h, "/ogc/collections/areas/schema"), http.StatusOK, schemaJSONType, &fs)
		if !reflect.DeepEqual(fs.Properties.Properties.Properties, q.Properties) || fs.Properties.Type["enum"] == nil ||
			!strings.HasSuffix(fs.ID, "/ogc/collections/areas/schema") {
			t.Errorf("schema: %+v", fs)
		}
		var col ogcCollectionResponse
		decode(t, get(t, h, "/ogc/collections/areas"), http.StatusOK, "application/json", &col)
		if linkTo(t, col.Links, "describedBy") != "/ogc/collections/areas/schema" {
			t.Errorf("areas links no schema: %v", col.Links)
		}
		// Every property a feature has is queryable.
		for k := range all.Features[0].Properties {
			if _, ok := q.Properties[k]; !ok && k != "suppressed" {
				t.Errorf("property %s is not queryable", k)
			}
		}
		var loc ogcQueryablesResponse
		decode(t, get(t, h, "/ogc/collections/localities/queryables"), http.StatusOK, schemaJSONType, &loc)
		if loc.Properties["area_count"].Type != "integer" || loc.Properties["scheme"].Type != "string" {
			t.Errorf("locality queryables: %+v", loc)
		}
		decodeProblem(t, get(t, h, "/ogc/collections/areas/queryables?limit=1"), http.StatusBadRequest)
	})

	for _, tc := range []struct {
		name, query string
		want        int
	}{
		{"equality parameter", "lad_code=E06000051", count(shropshire)},
		{"equality on a number", "imd_decile=1", count(func(p map[string]any) bool { return num(p, "imd_decile") == 1 })},
		{"two equality parameters", "lad_code=E06000051&imd_decile=1",
			count(func(p map[string]any) bool { return shropshire(p) && num(p, "imd_decile") == 1 })},
		{"CQL2 AND", "filter=" + url.QueryEscape("imd_decile<=2 AND lad_code='E06000051'"),
			count(func(p map[string]any) bool { return deprived(p) && shropshire(p) })},
		{"CQL2 OR", "filter=" + url.QueryEscape("imd_decile<=2 OR lad_code='E06000051'"),
			count(func(p map[string]any) bool { return deprived(p) || shropshire(p) })},
		{"CQL2 NOT and filter-lang", "filter-lang=cql2-text&filter=" + url.QueryEscape("NOT (lad_code = 'E06000051')"),
			count(func(p map[string]any) bool { return !shropshire(p) })},
		{"GDAL 3.6's cql-text", "filter-lang=cql-text&filter=" + url.QueryEscape("(lad_code = 'E06000051') AND (imd_decile <= 2)"),
			count(func(p map[string]any) bool { return deprived(p) && shropshire(p) })},
		{"filter and equality and bbox together", "bbox=-3.2,52.3,-2.2,53.0&lad_code=E06000051&filter=imd_decile%3E5", -1},
		{"nothing", "filter=" + url.QueryEscape("lad_code='E09999999'"), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := getItems(t, h, items+"&"+tc.query)
			if tc.want >= 0 && (page.NumberMatched != tc.want || len(page.Features) != tc.want) {
				t.Errorf("%d features of %d matched, want %d", len(page.Features), page.NumberMatched, tc.want)
			}
			if tc.want != 0 && len(page.Features) == 0 {
				t.Error("nothing matched")
			}
		})
	}

	t.Run("a filtered query pages through every match once", func(t *testing.T) {
		ids := allItems(t, h, "/ogc/collections/areas/items?limit=7&lad_code=E06000051&sortby=-imd_score")
		if len(ids) != count(shropshire) {
			t.Errorf("%d areas through paging, want %d", len(ids), count(shropshire))
		}
	})

	t.Run("sortby", func(t *testing.T) {
		page := getItems(t, h, items+"&sortby=-imd_score,code")
		prev := math.Inf(1)
		for _, f := range page.Features {
			v, ok := f.Properties["imd_score"].(float64)
			if !ok {
				continue
			}
			if v > prev {
				t.Fatalf("%v: imd_score %v after %v, want descending", f.ID, v, prev)
			}
			prev = v
		}
		asc := getItems(t, h, items+"&sortby=%2Bname") // +name, escaped
		plus := getItems(t, h, items+"&sortby=+name")  // + decoded as a space
		for i := 1; i < len(asc.Features); i++ {
			if asc.Features[i-1].Properties["name"].(string) > asc.Features[i].Properties["name"].(string) {
				t.Fatalf("+name: %v before %v", asc.Features[i-1].Properties["name"], asc.Features[i].Properties["name"])
			}
			if plus.Features[i].ID != asc.Features[i].ID {
				t.Fatalf("sortby=+name and sortby=%%2Bname differ at %d", i)
			}
		}
	})

	for _, tc := range []struct{ name, query, detail string }{
		{"unknown property", "filter=" + url.QueryEscape("colour='red'"), "filter: colour is not a queryable property"},
		{"a string for a number", "filter=" + url.QueryEscape("imd_decile<='two'"),
			`filter: "<=" compares imd_decile (a number) with a string at position 11`},
		{"unbalanced", "filter=" + url.QueryEscape("(imd_decile<=2"), "where the ) closing the ( at position 1 belongs"},
		{"empty", "filter=", "filter is empty"},
		{"unknown language", "filter-lang=cql2-json&filter=" + url.QueryEscape("{}"), `filter-lang "cql2-json": want cql2-text`},
		{"language without filter", "filter-lang=cql2-text", "filter-lang without filter"},
		{"equality on a number with text", "imd_decile=one", `imd_decile="one": imd_decile is a number`},
		{"unknown sort key", "sortby=-colour", "sortby: colour is not a queryable property"},
		{"unknown parameter still", "colour=red", `unknown query parameter "colour"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, get(t, h, "/ogc/collections/areas/items?"+tc.query), http.StatusBadRequest)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q, want it to contain %q", p.Detail, tc.detail)
			}
		})
	}

	t.Run("sites by layer and kind", func(t *testing.T) {
		sites := getItems(t, h, "/ogc/collections/sites/items?limit=10000")
		towns := getItems(t, h, "/ogc/collections/sites/items?limit=10000&layer=towns")
		one := getItems(t, h, "/ogc/collections/sites/items?filter="+url.QueryEscape("layer='towns' AND name='Shrewsbury'"))
		if len(towns.Features) == 0 || len(towns.Features) != len(sites.Features) || len(one.Features) != 1 ||
			one.Features[0].ID != "towns:Shrewsbury" {
			t.Errorf("%d sites, %d towns, %v by filter", len(sites.Features), len(towns.Features), one.Features)
		}
	})
}

// scanCounter is a store that counts the reads of every area of a
// geography (an Areas query naming no codes).
type scanCounter struct {
	Store
	mu    sync.Mutex
	scans int
}

func (s *scanCounter) Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error) {
	if len(q.Codes) == 0 {
		s.mu.Lock()
		s.scans++
		s.mu.Unlock()
	}
	return s.Store.Areas(ctx, q)
}

// TestOGCPagesDoNotRescan checks item 1's "no re-scan per page": paging
// through areas, plain, filtered and by bbox, reads the collection once
// per data revision, however many pages follow.
func TestOGCPagesDoNotRescan(t *testing.T) {
	store := &scanCounter{Store: loadDefault(t)}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	for _, q := range []string{"limit=10", "limit=10&filter=imd_decile%3C%3D5", "limit=10&bbox=-3.2,52.3,-2.2,53.0&sortby=-imd_score"} {
		if ids := allItems(t, h, "/ogc/collections/areas/items?"+q); len(ids) < 30 {
			t.Fatalf("%s: %d areas, want a few pages' worth", q, len(ids))
		}
	}
	if store.scans != 1 {
		t.Errorf("%d reads of every area while paging, want 1 (the table)", store.scans)
	}
}
