package api

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"placeplan/internal/fixture"
)

// referenceSites is the body as encoding/json reads it: the oracle of
// decodeSitesRequest.
type referenceSites struct {
	Demand []struct {
		ID     string  `json:"id"`
		Lon    float64 `json:"lon"`
		Lat    float64 `json:"lat"`
		Weight float64 `json:"weight"`
	} `json:"demand"`
	Candidates []struct {
		ID       string   `json:"id"`
		Lon      float64  `json:"lon"`
		Lat      float64  `json:"lat"`
		Capacity *float64 `json:"capacity"`
	} `json:"candidates"`
	sitesRequest
}

// agree reports how decodeSitesRequest's answer differs from encoding/json's.
func agree(t *testing.T, body string) {
	t.Helper()
	got, err := decodeSitesRequest([]byte(body))
	var want referenceSites
	wantErr := json.Unmarshal([]byte(body), &want)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%.200q: decoded with error %v, encoding/json %v", body, err, wantErr)
	}
	if err != nil {
		return
	}
	if len(got.Demand) != len(want.Demand) || len(got.Candidates) != len(want.Candidates) {
		t.Fatalf("%.200q: %d demand, %d candidates; encoding/json %d, %d", body, len(got.Demand), len(got.Candidates), len(want.Demand), len(want.Candidates))
	}
	for i, d := range want.Demand {
		if g := got.Demand[i]; g != (sitesDemand{ID: d.ID, Lon: d.Lon, Lat: d.Lat, Weight: d.Weight}) {
			t.Fatalf("%.200q: demand[%d] %+v, encoding/json %+v", body, i, g, d)
		}
	}
	for i, c := range want.Candidates {
		g := got.Candidates[i]
		if g.ID != c.ID || g.Lon != c.Lon || g.Lat != c.Lat || (g.Capacity == nil) != (c.Capacity == nil) || g.Capacity != nil && *g.Capacity != *c.Capacity {
			t.Fatalf("%.200q: candidates[%d] %+v, encoding/json %+v", body, i, g, c)
		}
	}
	got.Demand, got.Candidates = nil, nil
	if !reflect.DeepEqual(got, want.sitesRequest) {
		t.Fatalf("%.200q: %+v, encoding/json %+v", body, got, want.sitesRequest)
	}
}

// TestDecodeSitesRequest: the scanner reads what encoding/json reads —
// the fixture bodies and hand-made edge cases — and refuses what it
// refuses, naming the field.
func TestDecodeSitesRequest(t *testing.T) {
	for _, body := range []string{
		fixture.SitesBody("mclp", 3, 200, 40, 1000),
		fixture.SitesBody("pmedian", 5, 50, 10, 500),
		`{"demand":[{"id":"a","lon":-2.5,"lat":52.7,"weight":3}],"candidates":[{"id":"x","lon":-2.5,"lat":52.7}],"model":"mclp","p":1,"standard_km":5}`,
		` { "p" : 2 , "demand" : [ ] , "candidates" : null , "fixed" : ["a\"b", "\u00e9"] , "seed" : 7 } `,
		`{"demand":[{"id":"caf\u00e9 \\ \"q\"","lon":1e2,"lat":-0.5E-3,"weight":0,"extra":{"deep":[1,[2,{"x":null}]],"s":"t"}}]}`,
		`{"candidates":[{"id":"c","lon":0,"lat":0,"capacity":null},{"id":"d","lon":0,"lat":0,"capacity":12.5}]}`,
		`{"demand":[{"id":"a","lon":null,"lat":1,"weight":2}],"model":"lscp","target_share":0.8,"exclude":[]}`,
		`{"demand":[{"id":"a"}],"demand":[{"id":"b"},{"id":"c"}]}`,
		`{}`,
		// Refused by both.
		`{"demand":[{"id":"a","lon":1e400}]}`,
		`{"demand":[{"id":"a","lon":"1"}]}`,
		`{"demand":[{"id":"a","lon":01}]}`,
		`{"demand":[{"id":"a",}]}`,
		`{"demand":[{"id":"a"},]}`,
		`{"demand":{"id":"a"}}`,
		`{"p":"two"}`,
		`{"demand":[]} x`,
		`{"demand":[{"id":"a\x01"}]}`,
		`{"demand":[{"id":"a\q"}]}`,
		`[]`,
		``,
		`{"demand":[{"id":"a","lon":-}]}`,
		`{"demand":[{"id":"a","lon":1.}]}`,
		`{"demand":[{"id":"a","lon":1e}]}`,
		`{"demand":[{"id":"a","x":tru}]}`,
	} {
		agree(t, body)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"demand":[{"id":"a","lon":1},{"id":"b","lon":1e400}]}`, "demand[1].lon: 1e400 is not a number a float64 holds"},
		{`{"candidates":[{"id":"a","lat":"x"}]}`, "candidates[0].lat: want a number"},
		{"{\"demand\":[{\"id\":\"\xff\"}]}", "request: not UTF-8 text"},
		{strings.Repeat("[", 20_000), "request: want a JSON object"},
		{`{"x":` + strings.Repeat("[", 20_000), "nested more than 10000 deep"},
	} {
		_, err := decodeSitesRequest([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60q: %v, want %q", tc.body, err, tc.want)
		}
	}
}

// caseVariant matches a member name the scanner reads in another case
// than the documented one, which encoding/json would match too.
var caseVariant = regexp.MustCompile(`"(?i:demand|candidates|id|lon|lat|weight|capacity)"`)

// FuzzDecodeSitesRequest: the scanner never accepts what is not JSON, and
// reads what encoding/json reads (where the names are in their
// documented case).
func FuzzDecodeSitesRequest(f *testing.F) {
	f.Add(fixture.SitesBody("mclp", 2, 5, 3, 1000))
	f.Add(`{"demand":[{"id":"a\u00e9","lon":1,"lat":2,"weight":3,"z":[{}]}],"candidates":[{"id":"c","lon":0,"lat":0,"capacity":null}],"p":1}`)
	f.Add(`{"demand":[{"id":"a","lon":1e400}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		_, err := decodeSitesRequest([]byte(body))
		if err == nil && !json.Valid([]byte(body)) {
			t.Fatalf("%q is not JSON, but decoded", body)
		}
		if !utf8.ValidString(body) {
			return // encoding/json takes it, replacing what is not UTF-8; the scanner refuses it
		}
		for _, m := range caseVariant.FindAllString(body, -1) {
			if m != strings.ToLower(m) {
				return
			}
		}
		if strings.Contains(body, `\u`) {
			return // escapes in member names: encoding/json unquotes them, the scanner does not
		}
		agree(t, body)
	})
}

// BenchmarkDecodeSitesRequest: the hostile body of issue 15 (100,000
// demand points, 10,000 candidates, 6 MB), by the scanner and by
// encoding/json.
func BenchmarkDecodeSitesRequest(b *testing.B) {
	body := []byte(fixture.HostileSitesBody())
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := decodeSitesRequest(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var r referenceSites
			if err := json.Unmarshal(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
