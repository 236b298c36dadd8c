package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"placeplan/scenario"
	"placeplan/wire"
)

// TestOGCScenarioCollections reads a stored scenario's results as OGC
// collections and checks them against the plan the plans route gives: the
// same sites in the same order and phases, each area served by the same
// site, each catchment the outline of exactly the areas its site serves.
// A new revision is served at once under the scenario's id and the old one
// stays readable as id@revision.
func TestOGCScenarioCollections(t *testing.T) {
	store := loadDefault(t)
	if _, err := scenario.SeedBuiltins(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	const id = "shropshire-five-teams"

	var cols ogcCollectionsResponse
	rec := get(t, h, "/ogc/collections")
	decode(t, rec, http.StatusOK, "application/json", &cols)
	listTag := rec.Header().Get("ETag")
	ids := map[string]ogcCollectionResponse{}
	for _, c := range cols.Collections {
		ids[c.ID] = c
	}
	for _, want := range []string{id + ".areas", id + ".sites", id + ".catchments", "shropshire-need.areas"} {
		c, ok := ids[want]
		if !ok {
			t.Fatalf("/ogc/collections lacks %s", want)
		}
		if !strings.Contains(c.Title, "Shropshire") || c.Extent == nil || linkTo(t, c.Links, "items") != "/ogc/collections/"+want+"/items" {
			t.Errorf("%s: %+v", want, c)
		}
	}
	if _, ok := ids["shropshire-need.sites"]; ok {
		t.Error("a scenario without sites lists a sites collection")
	}

	var plan wire.Plan
	decode(t, get(t, h, "/api/v1/plans?scenario="+id+"&areas=true"), http.StatusOK, "application/json", &plan)

	// Sites: the plan's, in its order, at its points, in its phases.
	sites := getItems(t, h, "/ogc/collections/"+id+".sites/items")
	if len(sites.Features) != len(plan.Sites) || len(plan.Sites) != 5 {
		t.Fatalf("%d sites served, the plan has %d", len(sites.Features), len(plan.Sites))
	}
	phaseOf := map[string]string{}
	for _, ph := range plan.Rollout.Phases {
		for _, s := range ph.Sites {
			phaseOf[s.ID] = ph.Label
		}
	}
	for i, f := range sites.Features {
		s := plan.Sites[i]
		var pt struct{ Coordinates [2]float64 }
		if err := json.Unmarshal(f.Geometry, &pt); err != nil {
			t.Fatal(err)
		}
		if f.ID != s.ID || pt.Coordinates != [2]float64{s.Lon, s.Lat} || f.Properties["phase"] != phaseOf[s.ID] ||
			f.Properties["order"] != float64(slices.Index(plan.Rollout.Order, s.ID)+1) || f.Properties["explanation"] != s.Explanation {
			t.Errorf("site %d: %v at %v %v, the plan's %s at %v %v", i, f.ID, pt.Coordinates, f.Properties, s.ID, s.Lon, s.Lat)
		}
	}

	// Areas: each demand area served by the plan's site, reached in its
	// phase; the scenario's need on every area it scores.
	areas := map[string]map[string]any{}
	for _, raw := range allFeatures(t, h, "/ogc/collections/"+id+".areas/items?limit=250") {
		areas[raw.ID.(string)] = raw.Properties
	}
	servedBy := map[string][]string{}
	for _, a := range plan.Areas {
		p, ok := areas[a.Code]
		if !ok {
			t.Fatalf("demand area %s is not in %s.areas", a.Code, id)
		}
		if want := deref(a.ServedBy); p["served_by"] != want {
			t.Errorf("%s: served_by %v, the plan says %v", a.Code, p["served_by"], want)
		}
		if want := deref(a.ReachedIn); p["reached_in"] != want {
			t.Errorf("%s: reached_in %v, the plan says %v", a.Code, p["reached_in"], want)
		}
		if a.ServedBy != nil {
			servedBy[*a.ServedBy] = append(servedBy[*a.ServedBy], a.Code)
		}
		if p["locality"] == nil || p["need_rank"] == nil || p["lad_code"] == nil {
			t.Errorf("%s: properties %v", a.Code, p)
		}
	}

	// Catchments: the outline of exactly the areas each site serves.
	boundary := map[string]float64{}
	for _, f := range decodeFC(t, get(t, h, "/api/v1/layers/areas?fields=")).Features {
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		boundary[f.ID.(string)] = planar.Area(g.Geometry())
	}
	catch := allFeatures(t, h, "/ogc/collections/"+id+".catchments/items")
	if len(catch) != len(servedBy) {
		t.Errorf("%d catchments, %d sites serve areas", len(catch), len(servedBy))
	}
	for _, f := range catch {
		site := f.ID.(string)
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for _, code := range servedBy[site] {
			want += boundary[code]
		}
		got := planar.Area(g.Geometry())
		if f.Properties["area_count"] != float64(len(servedBy[site])) || math.Abs(got-want) > 1e-4*want {
			t.Errorf("catchment %s: %v areas, area %.6g; the plan serves %d areas of area %.6g", site,
				f.Properties["area_count"], got, len(servedBy[site]), want)
		}
	}

	// Filters and sorts on the scenario's own properties.
	oswestry := getItems(t, h, "/ogc/collections/"+id+".areas/items?limit=1000&sortby=need_rank&filter="+
		url.QueryEscape("served_by = 'Oswestry' AND need_rank > 0"))
	if oswestry.NumberMatched != len(servedBy["Oswestry"]) || oswestry.NumberMatched == 0 {
		t.Errorf("%d areas served by Oswestry, the plan says %d", oswestry.NumberMatched, len(servedBy["Oswestry"]))
	}
	for i := 1; i < len(oswestry.Features); i++ {
		if oswestry.Features[i-1].Properties["need_rank"].(float64) > oswestry.Features[i].Properties["need_rank"].(float64) {
			t.Fatal("sortby=need_rank is not in rank order")
		}
	}
	if got := getItems(t, h, "/ogc/collections/"+id+".sites/items?phase=Live"); len(got.Features) != 1 || got.Features[0].ID != "Oswestry" {
		t.Errorf("phase=Live: %v", got.Features)
	}

	// One feature; the queryables; the OGC API document's paths.
	var one ogcFeature
	decode(t, get(t, h, "/ogc/collections/"+id+".sites/items/Oswestry"), http.StatusOK, geoJSONContentType, &one)
	if one.ID != "Oswestry" || one.Properties["fixed"] != true {
		t.Errorf("one site: %+v", one)
	}
	var qs ogcQueryablesResponse
	decode(t, get(t, h, "/ogc/collections/"+id+".areas/queryables"), http.StatusOK, schemaJSONType, &qs)
	if qs.Properties["served_by"].Type != "string" || qs.Properties["need_rank"].Type != "integer" {
		t.Errorf("queryables: %+v", qs.Properties)
	}
	var doc openAPIDocument
	decode(t, get(t, h, "/ogc/api"), http.StatusOK, "application/json", &doc)
	op, ok := doc.Paths["/collections/"+id+".areas/items"]["get"]
	if !ok || !slices.ContainsFunc(op.Parameters, func(p openAPIParameter) bool { return p.Name == "served_by" }) {
		t.Errorf("the OGC API document has no items path with served_by for %s.areas", id)
	}

	for _, c := range []struct {
		target string
		status int
	}{
		{"/ogc/collections/atlantis.areas", http.StatusNotFound},
		{"/ogc/collections/atlantis@2.sites/items", http.StatusNotFound},
		{"/ogc/collections/" + id + "@9.sites/items", http.StatusNotFound},
		{"/ogc/collections/shropshire-need.sites/items", http.StatusNotFound},
		{"/ogc/collections/" + id + ".phases/items", http.StatusNotFound},
		{"/ogc/collections/" + id + ".sites/items/Atlantis", http.StatusNotFound},
		{"/ogc/collections/" + id + ".sites/items?geography=lsoa11", http.StatusBadRequest},
		{"/ogc/collections/" + id + ".areas/items?filter=" + url.QueryEscape("served_by > 3"), http.StatusBadRequest},
	} {
		decodeProblem(t, get(t, h, c.target), c.status)
	}

	// A new revision (four teams) is served at once; the first stays.
	sitesTag := get(t, h, "/ogc/collections/"+id+".sites/items").Header().Get("ETag")
	body, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	four := strings.Replace(string(body), "teams: 5", "teams: 4", 1)
	if r := send(t, h, http.MethodPut, "/api/v1/scenarios/"+id, four, "If-Match", `"r1"`); r.Code != http.StatusOK {
		t.Fatalf("update: %d %s", r.Code, r.Body)
	}
	rec = get(t, h, "/ogc/collections/"+id+".sites/items", "If-None-Match", sitesTag)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == sitesTag {
		t.Fatalf("after the edit: %d, ETag %s", rec.Code, rec.Header().Get("ETag"))
	}
	if got := getItems(t, h, "/ogc/collections/"+id+".sites/items"); len(got.Features) != 4 {
		t.Errorf("revision 2 has %d sites, want 4", len(got.Features))
	}
	if got := getItems(t, h, "/ogc/collections/"+id+"@1.sites/items"); len(got.Features) != 5 {
		t.Errorf("revision 1 has %d sites, want 5", len(got.Features))
	}
	if rec := get(t, h, "/ogc/collections", "If-None-Match", listTag); rec.Code != http.StatusOK || rec.Header().Get("ETag") == listTag {
		t.Errorf("the collections after the edit: %d, ETag %s (was %s)", rec.Code, rec.Header().Get("ETag"), listTag)
	}
}

// ogcFeatureRead is one feature of an items page.
type ogcFeatureRead struct {
	ID         any
	Geometry   json.RawMessage
	Properties map[string]any
}

// allFeatures follows next links from target and returns every feature
// in order, checking that prev links lead back and that every page counts
// the same matches as the features found.
func allFeatures(t *testing.T, h http.Handler, target string) []ogcFeatureRead {
	t.Helper()
	var out []ogcFeatureRead
	matched := -1
	for pages := 0; target != ""; pages++ {
		if pages > 2000 {
			t.Fatal("next links never end")
		}
		page := getItems(t, h, target)
		if matched >= 0 && page.NumberMatched != matched {
			t.Fatalf("%s: numberMatched %d, was %d", target, page.NumberMatched, matched)
		}
		matched = page.NumberMatched
		for _, f := range page.Features {
			out = append(out, ogcFeatureRead{ID: f.ID, Geometry: f.Geometry, Properties: f.Properties})
		}
		if pages > 0 && linkTo(t, page.Links, "prev") == "" {
			t.Errorf("%s: no prev link", target)
		}
		target = linkTo(t, page.Links, "next")
	}
	if len(out) != matched {
		t.Errorf("paging gave %d features, numberMatched %d", len(out), matched)
	}
	return out
}

// deref returns *s as a property value: nil for none.
func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
