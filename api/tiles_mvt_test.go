package api

import (
	"bytes"
	"context"
	"maps"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
	"github.com/paulmach/orb/planar"

	"placeplan"
	"placeplan/geo/tile"
	"placeplan/scenario/tiles"
)

// tileUnits returns a WGS84 point in the tile coordinates of t (4096 per
// side, y down), unrounded.
func tileUnits(t maptile.Tile, p orb.Point) orb.Point {
	n := math.Exp2(float64(t.Z))
	siny := math.Sin(p[1] * math.Pi / 180)
	wx := p[0]/360 + 0.5
	wy := 0.5 - 0.25*math.Log((1+siny)/(1-siny))/math.Pi
	return orb.Point{(wx*n - float64(t.X)) * tile.Extent, (wy*n - float64(t.Y)) * tile.Extent}
}

// checkTileGeometry fails when a vertex of a decoded feature lies outside
// the tile's extent widened by the default buffer.
func checkTileGeometry(t *testing.T, l *mvt.Layer) {
	t.Helper()
	lo, hi := -float64(tile.DefaultBufferPixels), float64(tile.Extent+tile.DefaultBufferPixels)
	for _, f := range l.Features {
		bad := false
		visit(f.Geometry, func(p orb.Point) {
			if p[0] < lo || p[0] > hi || p[1] < lo || p[1] > hi {
				bad = true
			}
		})
		if bad {
			t.Errorf("layer %s feature %v has a vertex outside [%v, %v]: bound %v", l.Name, f.Properties["code"], lo, hi, f.Geometry.Bound())
		}
	}
}

// visit calls fn with every vertex of g.
func visit(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range g {
			for _, p := range r {
				fn(p)
			}
		}
	case orb.MultiPolygon:
		for _, poly := range g {
			visit(poly, fn)
		}
	}
}

// onlyLayer returns the one layer of a decoded tile, checking its name,
// version and extent.
func onlyLayer(t *testing.T, layers mvt.Layers, name string) *mvt.Layer {
	t.Helper()
	if len(layers) != 1 || layers[0].Name != name {
		var names []string
		for _, l := range layers {
			names = append(names, l.Name)
		}
		t.Fatalf("tile layers %v, want [%s]", names, name)
	}
	if l := layers[0]; l.Version != 2 || l.Extent != tile.Extent {
		t.Errorf("layer %s: version %d, extent %d; want 2, %d", name, l.Version, l.Extent, tile.Extent)
	}
	return layers[0]
}

// TestTileAreas decodes areas tiles of the default dataset and checks them
// against the store: which areas are in a tile, their properties (numbers
// stay numbers, withheld values are absent) and their geometry.
func TestTileAreas(t *testing.T) {
	store := loadDefault(t)
	ingestReferrals(t, store)
	srv, logs := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()
	ctx := context.Background()
	areas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	inds, err := store.Indicators(ctx, placeplan.LSOA2011)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("features in the tile", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			t    maptile.Tile
		}{
			{"Shrewsbury z11", tileAt(-2.75, 52.71, tiles.AreasDetailMinZoom)},
			{"Shrewsbury z12", tileAt(-2.75, 52.71, 12)},
			{"Oxford z13", tileAt(-1.2578, 51.7520, 13)},
			{"Telford z8 (overview, small areas merged)", tileAt(-2.45, 52.68, 8)},
			{"Oxford z7 (overview, small areas merged)", tileAt(-1.2578, 51.7520, 7)},
			{"Shrewsbury z10 (overview)", tileAt(-2.75, 52.71, tiles.AreasDetailMinZoom-1)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				l := onlyLayer(t, decodeTile(t, get(t, h, tilePath(tiles.LayerAreas, tc.t))), tiles.LayerAreas)
				checkTileGeometry(t, l)
				got := map[string]bool{}
				for _, f := range l.Features {
					code, _ := f.Properties["code"].(string)
					if got[code] {
						t.Errorf("area %q twice", code)
					}
					got[code] = true
				}
				// Every area with a vertex well inside the tile must be
				// there, or, at zooms where small areas merge, drawn by a
				// merged feature of its district that holds its point;
				// every area there must reach the buffered tile.
				const margin = 8 // tile units
				buf := float64(tile.DefaultBufferPixels)
				drawnBy := func(a placeplan.Area) bool {
					p := tileUnits(tc.t, a.Point)
					for _, f := range l.Features {
						if n, _ := f.Properties["area_count"].(float64); n > 1 && f.Properties["lad_code"] == a.LADCode {
							if mp, ok := f.Geometry.(orb.MultiPolygon); ok && planar.MultiPolygonContains(mp, p) {
								return true
							}
							if pg, ok := f.Geometry.(orb.Polygon); ok && planar.PolygonContains(pg, p) {
								return true
							}
						}
					}
					return false
				}
				merged := 0
				for _, a := range areas {
					inside := false
					wb := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
					visit(a.Geometry, func(p orb.Point) {
						u := tileUnits(tc.t, p)
						wb = wb.Extend(u)
						if u[0] > margin && u[0] < tile.Extent-margin && u[1] > margin && u[1] < tile.Extent-margin {
							inside = true
						}
					})
					reaches := wb.Max[0] >= -buf && wb.Min[0] <= tile.Extent+buf && wb.Max[1] >= -buf && wb.Min[1] <= tile.Extent+buf
					if inside && !got[a.Code] {
						if _, merges := tiles.AreasCoalescing(tc.t.Z); merges && drawnBy(a) {
							merged++
							continue
						}
						t.Errorf("area %s lies inside the tile but is missing", a.Code)
					}
					if got[a.Code] && !reaches {
						t.Errorf("area %s (tile units %v) is in the tile but never reaches it", a.Code, wb)
					}
				}
				if len(got) < 5 {
					t.Errorf("only %d areas in the tile", len(got))
				}
				if _, merges := tiles.AreasCoalescing(tc.t.Z); merges && merged == 0 {
					t.Errorf("no area merged at zoom %d", tc.t.Z)
				}
			})
		}
	})

	t.Run("detail properties", func(t *testing.T) {
		for _, code := range []string{"E01028826", "E01028827", "E01028828", "E01014102"} {
			i := slices.IndexFunc(areas, func(a placeplan.Area) bool { return a.Code == code })
			if i < 0 {
				t.Fatalf("no area %s", code)
			}
			a := areas[i]
			tl := maptile.At(a.Point, 12)
			l := onlyLayer(t, decodeTile(t, get(t, h, tilePath(tiles.LayerAreas, tl))), tiles.LayerAreas)
			j := slices.IndexFunc(l.Features, func(f *geojson.Feature) bool { return f.Properties["code"] == code })
			if j < 0 {
				t.Fatalf("area %s missing from the tile %v holding its point", code, tl)
			}
			p := l.Features[j].Properties
			want := map[string]any{"code": a.Code, "name": a.Name, "msoa_code": a.MSOACode, "msoa_name": a.MSOAName,
				"lad_code": a.LADCode, "lad_name": a.LADName}
			vals, err := store.AreaValues(ctx, placeplan.LSOA2011, code)
			if err != nil {
				t.Fatal(err)
			}
			for _, ind := range inds {
				v, ok := vals[ind.Key]
				if !ok {
					continue
				}
				if _, withheld := srv.cfg.Disclosure.Apply(ind, v); !withheld {
					want[ind.Key] = v // decoded MVT numbers are float64
				}
			}
			for k, w := range want {
				if got, ok := p[k]; !ok || got != w {
					t.Errorf("%s: %s = %#v (present %v), want %#v", code, k, got, ok, w)
				}
			}
			for k := range p {
				if _, ok := want[k]; !ok && k != "suppressed" {
					t.Errorf("%s: unexpected property %s = %v", code, k, p[k])
				}
			}
			switch code {
			case "E01028826": // referrals 3: withheld below 5
				if _, ok := p["referrals"]; ok || p["suppressed"] != "referrals" {
					t.Errorf("%s: referrals %v, suppressed %v; want it withheld and named", code, p["referrals"], p["suppressed"])
				}
			case "E01028827", "E01028828": // 12 and 0 are shown
				if _, ok := p["referrals"].(float64); !ok || p["suppressed"] != nil {
					t.Errorf("%s: referrals %#v, suppressed %v; want a number, nothing withheld", code, p["referrals"], p["suppressed"])
				}
			}
		}
	})

	t.Run("overview zooms carry codes, names and districts", func(t *testing.T) {
		for _, z := range []maptile.Zoom{tiles.AreasMinZoom, 8, tiles.AreasDetailMinZoom - 1} {
			l := onlyLayer(t, decodeTile(t, get(t, h, tilePath(tiles.LayerAreas, tileAt(-2.45, 52.68, z)))), tiles.LayerAreas)
			keys := map[string]bool{}
			for _, f := range l.Features {
				for k, v := range f.Properties {
					keys[k] = true
					if k == "area_count" {
						if n, ok := v.(float64); !ok || n < 2 || n != math.Trunc(n) {
							t.Fatalf("z%d %v: area_count = %#v, want a whole number of 2 or more", z, f.Properties["code"], v)
						}
					}
				}
				if f.Properties["code"] == nil || f.Properties["lad_code"] == nil {
					t.Fatalf("z%d: feature without code or district: %v", z, f.Properties)
				}
			}
			want := append(tiles.AreasOverviewFields(), "area_count")
			if _, merges := tiles.AreasCoalescing(z); !merges {
				want = tiles.AreasOverviewFields()
			}
			sort.Strings(want)
			got := slices.Sorted(maps.Keys(keys))
			if !slices.Equal(got, want) {
				t.Errorf("z%d: overview properties %v, want %v", z, got, want)
			}
		}
	})

	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs)
	}
}

func TestTileLocalitiesAndSites(t *testing.T) {
	store := loadDefault(t)
	srv, _ := newServer(t, Config{}, store)
	h := srv.Handler()
	ctx := context.Background()

	locs, err := store.Localities(ctx, placeplan.LSOA2011)
	if err != nil || len(locs) == 0 {
		t.Fatalf("localities: %d, %v", len(locs), err)
	}
	l := onlyLayer(t, decodeTile(t, get(t, h, tilePath(tiles.LayerLocalities, tileAt(-2.75, 52.71, 9)))), tiles.LayerLocalities)
	checkTileGeometry(t, l)
	if len(l.Features) == 0 {
		t.Fatal("no localities around Shrewsbury")
	}
	for _, f := range l.Features {
		id, _ := f.Properties["id"].(float64)
		i := slices.IndexFunc(locs, func(loc placeplan.Locality) bool { return float64(loc.ID) == id })
		if i < 0 {
			t.Fatalf("feature id property %v names no locality", f.Properties["id"])
		}
		if f.ID != id {
			t.Errorf("locality %v: MVT id %v, want its id", id, f.ID)
		}
		if loc := locs[i]; f.Properties["name"] != loc.Name || f.Properties["scheme"] != loc.Scheme ||
			f.Properties["area_count"] != float64(len(loc.Areas)) {
			t.Errorf("locality %v: properties %v, want %s, %s, %d areas", id, f.Properties, loc.Name, loc.Scheme, len(loc.Areas))
		}
		if _, ok := f.Geometry.(orb.MultiPolygon); !ok {
			if _, ok := f.Geometry.(orb.Polygon); !ok {
				t.Errorf("locality %v: geometry %T", id, f.Geometry)
			}
		}
	}

	sites, err := store.Sites(ctx, "")
	if err != nil || len(sites) == 0 {
		t.Fatalf("sites: %d, %v", len(sites), err)
	}
	st := sites[0]
	tl := maptile.At(st.Point, 12)
	l = onlyLayer(t, decodeTile(t, get(t, h, tilePath(tiles.LayerSites, tl))), tiles.LayerSites)
	checkTileGeometry(t, l)
	i := slices.IndexFunc(l.Features, func(f *geojson.Feature) bool { return f.Properties["id"] == st.ID })
	if i < 0 {
		t.Fatalf("site %s/%s missing from tile %v", st.Layer, st.ID, tl)
	}
	f := l.Features[i]
	if f.Properties["layer"] != st.Layer || f.Properties["name"] != st.Name {
		t.Errorf("site properties %v, want layer %s, name %s", f.Properties, st.Layer, st.Name)
	}
	p, ok := f.Geometry.(orb.Point)
	want := tileUnits(tl, st.Point)
	if !ok || math.Abs(p[0]-math.Floor(want[0])) > 1 || math.Abs(p[1]-math.Floor(want[1])) > 1 {
		t.Errorf("site at %v, want about %v", f.Geometry, want)
	}
}

func TestTileEmpty(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	empty, _ := newServer(t, Config{}, newStore(t))
	for _, tc := range []struct {
		name string
		h    http.Handler
		path string
	}{
		{"the Atlantic", srv.Handler(), tilePath(tiles.LayerAreas, tileAt(-30, 45, 10))},
		{"below the areas' zoom range", srv.Handler(), tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 3))},
		{"beyond the max zoom", srv.Handler(), tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 16))},
		{"no sites here", srv.Handler(), tilePath(tiles.LayerSites, tileAt(150, -30, 8))},
		{"empty store", empty.Handler(), tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 10))},
		{"empty store, localities", empty.Handler(), tilePath(tiles.LayerLocalities, tileAt(-2.75, 52.71, 10))},
		{"localities below the basemap zooms", srv.Handler(), tilePath(tiles.LayerLocalities, tileAt(-2.75, 52.71, tiles.BasemapMinZoom-1))},
		{"labels below the basemap zooms", srv.Handler(), tilePath(tiles.LayerLabels, tileAt(-2.75, 52.71, tiles.BasemapMinZoom-1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 { // encoded, then from the cache
				rec := get(t, tc.h, tc.path, "Accept-Encoding", "gzip")
				if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
					t.Fatalf("status %d with %d bytes, want 204 and no body", rec.Code, rec.Body.Len())
				}
				if ct, ce := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"); ct != "" || ce != "" {
					t.Errorf("Content-Type %q, Content-Encoding %q on a 204", ct, ce)
				}
				if rec.Header().Get("ETag") == "" {
					t.Error("no ETag on an empty tile")
				}
			}
		})
	}
}

func TestTileGzip(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	path := tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 11))
	var sizes [2]int
	for i, accept := range []string{"gzip, deflate", ""} {
		for _, pass := range []string{"encoded", "cached"} {
			rec := get(t, h, path, "Accept-Encoding", accept)
			want := ""
			if accept != "" {
				want = "gzip"
			}
			if ce := rec.Header().Get("Content-Encoding"); ce != want {
				t.Errorf("Accept-Encoding %q, %s: Content-Encoding %q, want %q", accept, pass, ce, want)
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q", rec.Header().Get("Vary"))
			}
			sizes[i] = rec.Body.Len()
			layers := decodeTile(t, rec) // undoes gzip once; a second layer would not decode
			onlyLayer(t, layers, tiles.LayerAreas)
		}
	}
	if sizes[0] >= sizes[1] {
		t.Errorf("gzipped tile %d bytes, plain %d", sizes[0], sizes[1])
	}
}

func TestTileProblems(t *testing.T) {
	srv, logs := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	for _, tc := range []struct {
		name, path string
		status     int
		detail     string
	}{
		{"unknown layer", "/tiles/roads/10/504/334.mvt", 404, `no tile layer "roads"`},
		{"catchments need a scenario", "/tiles/catchments/10/504/334.mvt", 400, "scenario: missing"},
		{"other format", "/tiles/areas/10/504/334.png", 404, `no tile "334.png"`},
		{"zoom not a number", "/tiles/areas/ten/504/334.mvt", 400, `tile zoom "ten"`},
		{"negative zoom", "/tiles/areas/-1/0/0.mvt", 400, `tile zoom "-1"`},
		{"zoom too deep", "/tiles/areas/23/0/0.mvt", 400, `tile zoom "23": want a whole number from 0 to 22`},
		{"x not a number", "/tiles/areas/10/5.5/334.mvt", 400, `tile x "5.5"`},
		{"x outside the zoom", "/tiles/areas/10/1024/334.mvt", 400, "tile x 1024 is outside 0 to 1023 at zoom 10"},
		{"y outside the zoom", "/tiles/areas/2/0/4.mvt", 400, "tile y 4 is outside 0 to 3 at zoom 2"},
		{"y empty", "/tiles/areas/2/0/.mvt", 400, `tile y ""`},
		{"unknown geography", "/tiles/areas/10/504/334.mvt?geography=lsoa01", 400, `unknown geography "lsoa01"`},
		{"unknown tile set", "/tiles/roads.json", 404, `no tile set "roads.json"`},
		{"tile set without .json", "/tiles/areas", 404, `no tile set "areas"`},
		{"tile set with bad geography", "/tiles/localities.json?geography=msoa", 400, `unknown geography "msoa"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, get(t, h, tc.path), tc.status)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q, want it to contain %q", p.Detail, tc.detail)
			}
			if want := map[int]string{400: placeplan.EINVALID, 404: placeplan.ENOTFOUND}[tc.status]; p.Code != want {
				t.Errorf("code %q, want %q", p.Code, want)
			}
		})
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("client errors logged as errors:\n%s", logs)
	}
}

// TestTileFields checks the fields= filter on tiles: only the named
// properties are written, at every zoom and in every layer; the order and
// repeats of the names do not matter (one cache entry); an empty filter
// keeps none; an unknown name is a 400 that names it.
func TestTileFields(t *testing.T) {
	srv, logs := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	keys := func(l *mvt.Layer) []string {
		seen := map[string]bool{}
		for _, f := range l.Features {
			for k := range f.Properties {
				seen[k] = true
			}
		}
		return slices.Sorted(maps.Keys(seen))
	}

	t.Run("code, name and lad_code on every area at every zoom", func(t *testing.T) {
		for z := maptile.Zoom(tiles.AreasMinZoom); z <= tiles.MaxZoom; z++ {
			rec := get(t, h, tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, z))+"?fields=code,name,lad_code", "Accept-Encoding", "gzip")
			l := onlyLayer(t, decodeTile(t, rec), tiles.LayerAreas)
			for _, f := range l.Features {
				if code, _ := f.Properties["code"].(string); code == "" {
					t.Fatalf("z%d: a feature without a code: %v", z, f.Properties)
				}
				for k := range f.Properties {
					if k != "code" && k != "name" && k != "lad_code" {
						t.Fatalf("z%d: property %s kept", z, k)
					}
				}
			}
			if got := keys(l); !slices.Equal(got, []string{"code", "lad_code", "name"}) {
				t.Errorf("z%d: properties %v", z, got)
			}
		}
	})

	t.Run("one cache entry whatever the order", func(t *testing.T) {
		get(t, h, "/tiles/areas.json") // waits for the layer: these tiles are cached, not early
		base := tilePath(tiles.LayerAreas, tileAt(-1.2578, 51.7520, 12))
		first := get(t, h, base+"?fields=imd_score,code", "Accept-Encoding", "gzip")
		before := srv.tiles.Cache().Stats()
		again := get(t, h, base+"?fields=code,%20imd_score,code", "Accept-Encoding", "gzip")
		after := srv.tiles.Cache().Stats()
		if after.Hits != before.Hits+1 || after.Puts != before.Puts {
			t.Errorf("reordered fields: cache %+v then %+v, want one hit and no new tile", before, after)
		}
		if !bytes.Equal(first.Body.Bytes(), again.Body.Bytes()) {
			t.Error("reordered fields gave another tile")
		}
		if got := keys(onlyLayer(t, decodeTile(t, again), tiles.LayerAreas)); !slices.Equal(got, []string{"code", "imd_score"}) {
			t.Errorf("properties %v", got)
		}
		whole := get(t, h, base, "Accept-Encoding", "gzip")
		if whole.Body.Len() <= first.Body.Len() || len(keys(onlyLayer(t, decodeTile(t, whole), tiles.LayerAreas))) < 10 {
			t.Errorf("the unfiltered tile (%d bytes) was answered from the filtered one (%d)", whole.Body.Len(), first.Body.Len())
		}
	})

	t.Run("other layers", func(t *testing.T) {
		for _, tc := range []struct {
			layer, fields string
			t             maptile.Tile
			want          []string
		}{
			{tiles.LayerLocalities, "name", tileAt(-2.75, 52.71, 9), []string{"name"}},
			{tiles.LayerSites, "layer,name", tileAt(-2.75, 52.71, 8), []string{"layer", "name"}},
			{tiles.LayerAreas, "", tileAt(-2.75, 52.71, 11), nil},
		} {
			l := onlyLayer(t, decodeTile(t, get(t, h, tilePath(tc.layer, tc.t)+"?fields="+tc.fields)), tc.layer)
			if got := keys(l); !slices.Equal(got, tc.want) || len(l.Features) == 0 {
				t.Errorf("%s fields=%s: %d features with properties %v, want %v", tc.layer, tc.fields, len(l.Features), got, tc.want)
			}
		}
	})

	t.Run("unknown fields", func(t *testing.T) {
		for _, tc := range []struct{ path, detail string }{
			{tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, 12)) + "?fields=code,imd_scor", `unknown field "imd_scor" (did you mean "imd_score"?): the areas tiles have`},
			{tilePath(tiles.LayerLocalities, tileAt(-2.75, 52.71, 9)) + "?fields=code", `unknown field "code": the localities tiles have area_count, id, name, scheme`},
		} {
			p := decodeProblem(t, get(t, h, tc.path), http.StatusBadRequest)
			if !strings.Contains(p.Detail, tc.detail) || p.Code != placeplan.EINVALID {
				t.Errorf("%s: %s %q, want it to contain %q", tc.path, p.Code, p.Detail, tc.detail)
			}
		}
	})
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs)
	}
}

// TestTileDistrictsAndLabels decodes the basemap layers of the default
// dataset: one outline per district with its code and name, at every
// zoom from tiles.BasemapMinZoom, containing its areas; and labels of every
// district (inside its outline), locality (inside its outline) and town,
// with kind, rank and, for localities, scheme.
func TestTileDistrictsAndLabels(t *testing.T) {
	store := loadDefault(t)
	srv, logs := newServer(t, Config{}, store)
	h := srv.Handler()
	ctx := context.Background()
	areas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, WithGeometry: true})
	if err != nil {
		t.Fatal(err)
	}
	var bound orb.Bound
	for i, a := range areas {
		if i == 0 {
			bound = a.Geometry.Bound()
		}
		bound = bound.Union(a.Geometry.Bound())
	}
	// over returns the features of layer in every tile of zoom z over the
	// default data, by tile.
	over := func(layer string, z maptile.Zoom, query string) map[maptile.Tile]*mvt.Layer {
		out := map[maptile.Tile]*mvt.Layer{}
		for tl := range tilecover.Bound(bound, z) {
			rec := get(t, h, tilePath(layer, tl)+query)
			if rec.Code == http.StatusNoContent {
				continue
			}
			l := onlyLayer(t, decodeTile(t, rec), layer)
			checkTileGeometry(t, l)
			out[tl] = l
		}
		return out
	}

	t.Run("districts", func(t *testing.T) {
		for _, g := range []placeplan.Geography{placeplan.LSOA2011, placeplan.LSOA2021} {
			gas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: g})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for _, a := range gas {
				want[a.LADCode] = a.LADName
			}
			for z := maptile.Zoom(tiles.BasemapMinZoom); z <= 11; z++ {
				seen := map[string]bool{}
				for tl, l := range over(tiles.LayerDistricts, z, "?geography="+string(g)) {
					inTile := map[string]bool{}
					for _, f := range l.Features {
						code, _ := f.Properties["code"].(string)
						if want[code] == "" || f.Properties["name"] != want[code] || len(f.Properties) != 2 || inTile[code] {
							t.Fatalf("%s %v: district %v (twice: %v), want one of %v", g, tl, f.Properties, inTile[code], want)
						}
						inTile[code], seen[code] = true, true
						if multi(f.Geometry) == nil {
							t.Errorf("%s %v: district %s is a %T", g, tl, code, f.Geometry)
						}
					}
				}
				if len(seen) != len(want) {
					t.Errorf("%s z%d: %d districts, want all %d", g, z, len(seen), len(want))
				}
			}
		}
		// At zoom 10 every area's point lies in its district's outline and
		// in no other.
		byTile := over(tiles.LayerDistricts, 10, "")
		checked := 0
		for _, a := range areas {
			tl := maptile.At(a.Point, 10)
			l := byTile[tl]
			if l == nil {
				t.Fatalf("no districts in %v, which holds area %s", tl, a.Code)
			}
			p := tileUnits(tl, a.Point)
			for _, f := range l.Features {
				if in := planar.MultiPolygonContains(multi(f.Geometry), p); in != (f.Properties["code"] == a.LADCode) {
					t.Errorf("area %s of %s: inside %v: %v", a.Code, a.LADCode, f.Properties["code"], in)
				}
			}
			checked++
		}
		if checked != len(areas) {
			t.Errorf("checked %d of %d areas", checked, len(areas))
		}
		if rec := get(t, h, tilePath(tiles.LayerDistricts, maptile.At(areas[0].Point, tiles.BasemapMinZoom-1))); rec.Code != http.StatusNoContent {
			t.Errorf("below the districts' zoom range: status %d", rec.Code)
		}
	})

	t.Run("labels", func(t *testing.T) {
		locs, err := store.Localities(ctx, placeplan.LSOA2011)
		if err != nil {
			t.Fatal(err)
		}
		towns, err := store.Sites(ctx, tiles.TownLayer)
		if err != nil || len(towns) == 0 {
			t.Fatalf("towns: %d, %v", len(towns), err)
		}
		const z = 8
		labels, districts, localities := over(tiles.LayerLabels, z, ""), over(tiles.LayerDistricts, z, ""), over(tiles.LayerLocalities, z, "")
		type label struct {
			tl maptile.Tile
			p  orb.Point
		}
		byKind := map[string]map[string]label{tiles.LabelDistrict: {}, tiles.LabelLocality: {}, tiles.LabelTown: {}}
		for tl, l := range labels {
			for _, f := range l.Features {
				kind, _ := f.Properties["kind"].(string)
				name, _ := f.Properties["name"].(string)
				if byKind[kind] == nil || name == "" || f.Properties["rank"] != float64(tiles.LabelRank(kind)) {
					t.Fatalf("label %v", f.Properties)
				}
				if _, ok := f.Properties["scheme"]; ok != (kind == tiles.LabelLocality) {
					t.Errorf("label %v: scheme only for localities", f.Properties)
				}
				p, ok := f.Geometry.(orb.Point)
				if !ok {
					t.Fatalf("label %s is a %T", name, f.Geometry)
				}
				if p[0] < 0 || p[1] < 0 || p[0] >= tile.Extent || p[1] >= tile.Extent {
					continue // in the buffer: its own tile has it
				}
				if _, twice := byKind[kind][name]; twice && kind != tiles.LabelLocality {
					t.Errorf("%s %s labelled twice", kind, name)
				}
				byKind[kind][name] = label{tl, p}
			}
		}
		inside := func(outlines map[maptile.Tile]*mvt.Layer, name string, lb label) bool {
			for _, f := range outlines[lb.tl].Features {
				if f.Properties["name"] == name && planar.MultiPolygonContains(multi(f.Geometry), lb.p) {
					return true
				}
			}
			return false
		}
		districtNames := map[string]bool{}
		for _, a := range areas {
			districtNames[a.LADName] = true
		}
		for name := range districtNames {
			if lb, ok := byKind[tiles.LabelDistrict][name]; !ok || !inside(districts, name, lb) {
				t.Errorf("district %s: label %v (present %v) not inside its outline", name, lb, ok)
			}
		}
		for _, loc := range locs {
			if lb, ok := byKind[tiles.LabelLocality][loc.Name]; !ok || !inside(localities, loc.Name, lb) {
				t.Errorf("locality %s: label %v (present %v) not inside its outline", loc.Name, lb, ok)
			}
		}
		for _, st := range towns {
			lb, ok := byKind[tiles.LabelTown][st.Name]
			want := tileUnits(maptile.At(st.Point, z), st.Point)
			if !ok || lb.tl != maptile.At(st.Point, z) || math.Abs(lb.p[0]-want[0]) > 1 || math.Abs(lb.p[1]-want[1]) > 1 {
				t.Errorf("town %s: label %v (present %v), want about %v", st.Name, lb, ok, want)
			}
		}
		if len(byKind[tiles.LabelTown]) != len(towns) {
			t.Errorf("%d town labels for %d towns", len(byKind[tiles.LabelTown]), len(towns))
		}
	})
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", logs)
	}
}

// multi returns a decoded polygonal geometry as a MultiPolygon.
func multi(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}
