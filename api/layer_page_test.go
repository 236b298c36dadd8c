package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// layerPageDoc is a page of a GeoJSON layer: its features' ids and what
// it says of the whole layer.
type layerPageDoc struct {
	Features []struct {
		ID any `json:"id"`
	} `json:"features"`
	NumberMatched  int       `json:"numberMatched"`
	NumberReturned int       `json:"numberReturned"`
	Links          []ogcLink `json:"links"`
}

// TestLayersComeInPages (issue 13: /api/v1/layers/areas returned 121 MB
// on England and ignored limit): every GeoJSON layer honours limit and
// offset, says how many features the whole layer has and links the next
// page, and paging by the links gives every feature once, in the order
// of the unpaged layer.
func TestLayersComeInPages(t *testing.T) {
	s, _ := newServer(t, Config{}, loadDefault(t))
	h := s.Handler()
	for _, tc := range []struct {
		path  string
		limit int
	}{
		{"/api/v1/layers/areas?geography=lsoa11&lad=E06000051", 50},
		{"/api/v1/layers/areas?geography=lsoa11&bbox=-3,52.4,-2.4,52.9&scenario=shropshire-five-teams", 37},
		{"/api/v1/layers/localities?geography=lsoa21", 4},
		{"/api/v1/layers/sites?layer=towns", 3},
		{"/api/v1/layers/catchments?scenario=shropshire-five-teams", 2},
		{"/api/v1/layers/phases?scenario=shropshire-five-teams", 2},
	} {
		var all layerPageDoc
		rec := get(t, h, tc.path)
		decode(t, rec, http.StatusOK, geoJSONContentType, &all)
		if len(all.Features) <= tc.limit || all.NumberMatched != len(all.Features) || all.NumberReturned != len(all.Features) {
			t.Fatalf("%s: %d features, numberMatched %d, numberReturned %d; want more than %d, all of them",
				tc.path, len(all.Features), all.NumberMatched, all.NumberReturned, tc.limit)
		}
		if rec.Header().Get("Link") != "" || rec.Header().Get("X-Total-Count") != strconv.Itoa(len(all.Features)) {
			t.Errorf("%s: whole layer with Link %q, X-Total-Count %q", tc.path, rec.Header().Get("Link"), rec.Header().Get("X-Total-Count"))
		}
		next := tc.path + "&limit=" + strconv.Itoa(tc.limit)
		var ids []any
		for pages := 0; next != ""; pages++ {
			if pages > len(all.Features) {
				t.Fatalf("%s: paging does not end", tc.path)
			}
			var page layerPageDoc
			rec := get(t, h, next)
			decode(t, rec, http.StatusOK, geoJSONContentType, &page)
			if page.NumberMatched != all.NumberMatched || page.NumberReturned != len(page.Features) || len(page.Features) > tc.limit {
				t.Fatalf("%s: numberMatched %d, numberReturned %d, %d features", next, page.NumberMatched, page.NumberReturned, len(page.Features))
			}
			for _, f := range page.Features {
				ids = append(ids, f.ID)
			}
			next = ""
			for _, l := range page.Links {
				if l.Rel == "next" {
					u, err := url.Parse(l.Href)
					if err != nil {
						t.Fatal(err)
					}
					next = u.RequestURI()
					if link := rec.Header().Get("Link"); !strings.Contains(link, `rel="next"`) || !strings.Contains(link, u.RawQuery) {
						t.Errorf("%s: Link header %q lacks the next page %s", tc.path, link, l.Href)
					}
				}
			}
		}
		if len(ids) != len(all.Features) {
			t.Fatalf("%s: pages gave %d features, the layer %d", tc.path, len(ids), len(all.Features))
		}
		for i, f := range all.Features {
			if ids[i] != f.ID {
				t.Fatalf("%s: feature %d is %v by pages, %v unpaged", tc.path, i, ids[i], f.ID)
			}
		}
	}
}

// TestLayerPageLimits: the default page is layerDefaultLimit features, a
// larger limit than the maximum is served as the maximum, and a bad limit
// or offset is a 400 naming it.
func TestLayerPageLimits(t *testing.T) {
	s, _ := newServer(t, Config{}, loadDefault(t))
	h := s.Handler()
	var page layerPageDoc
	// Both geographies' areas: more than one default page.
	rec := get(t, h, "/api/v1/layers/areas?geography=lsoa11&limit=100000&offset=0")
	decode(t, rec, http.StatusOK, geoJSONContentType, &page)
	if page.NumberReturned != min(page.NumberMatched, layerMaxLimit) {
		t.Errorf("limit above the maximum: %d of %d returned", page.NumberReturned, page.NumberMatched)
	}
	rec = get(t, h, "/api/v1/layers/areas?geography=lsoa11&offset=100")
	decode(t, rec, http.StatusOK, geoJSONContentType, &page)
	if page.NumberReturned != min(page.NumberMatched-100, layerDefaultLimit) {
		t.Errorf("offset 100: %d of %d returned", page.NumberReturned, page.NumberMatched)
	}
	var prev bool
	for _, l := range page.Links {
		prev = prev || l.Rel == "prev" && strings.Contains(l.Href, "offset=0")
	}
	if !prev {
		t.Errorf("offset 100: no prev link to offset 0 in %+v", page.Links)
	}
	rec = get(t, h, "/api/v1/layers/sites?layer=towns&offset=100000")
	decode(t, rec, http.StatusOK, geoJSONContentType, &page)
	if page.NumberReturned != 0 || page.NumberMatched == 0 || page.Features == nil {
		t.Errorf("offset past the end: %d of %d, features %v", page.NumberReturned, page.NumberMatched, page.Features)
	}
	for target, want := range map[string]string{
		"/api/v1/layers/areas?limit=0":                   `limit "0": want a whole number from 1 to 10000`,
		"/api/v1/layers/localities?limit=ten":            `limit "ten"`,
		"/api/v1/layers/sites?layer=towns&offset=-1":     `offset "-1": want a whole number, 0 or more`,
		"/api/v1/layers/areas?geography=lsoa11&offset=x": `offset "x"`,
	} {
		p := decodeProblem(t, get(t, h, target), http.StatusBadRequest)
		if !strings.Contains(p.Detail, want) {
			t.Errorf("%s: %q, want %q", target, p.Detail, want)
		}
	}
}
