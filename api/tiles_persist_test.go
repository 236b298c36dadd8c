package api

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/scenario/tiles"
)

// opaqueStore is a store seen only through Store: it keeps no persisted
// tiles, so a server over it always encodes its tiles from its layers.
type opaqueStore struct{ Store }

// builtLayer waits, through its TileJSON, for the built layer name of
// srv's default geography.
func builtLayer(t *testing.T, srv *Server, name string) {
	t.Helper()
	if rec := get(t, srv.Handler(), "/tiles/"+name+".json"); rec.Code != http.StatusOK {
		t.Fatalf("TileJSON of %s: status %d", name, rec.Code)
	}
}

// persistedPaths returns the URL of the persisted tiles of the layers a
// map asks for first, with each filter stored, in the form the map sends:
// every one to zoom 10, and one in seven above it (tens of thousands).
func persistedPaths(t *testing.T, ref *Server, rev int64) []string {
	t.Helper()
	var paths []string
	for _, name := range tiles.WarmLayers() {
		builtLayer(t, ref, name)
		addrs, err := ref.tiles.PersistedTiles(context.Background(), name, placeplan.LSOA2011, rev)
		if err != nil {
			t.Fatalf("persisted tiles of %s: %v", name, err)
		}
		for i, tt := range addrs {
			if tt.Z > 10 && i%7 != 0 {
				continue
			}
			p := tilePath(name, tt)
			paths = append(paths, p)
			if name == tiles.LayerAreas {
				paths = append(paths, p+"?fields="+tiles.WebMapAreaFields)
			}
		}
	}
	return paths
}

// TestPersistedTilesAreTheTiles persists the tiles of the default data, as
// an ingest does, then asks a new server for every one before its layers
// are built: each is answered from the store, and is byte for byte the
// tile a server that persists nothing encodes from its built layer.
func TestPersistedTilesAreTheTiles(t *testing.T) {
	ctx := context.Background()
	store := loadDefault(t) // a real SQLite file
	ingestReferrals(t, store)
	cfg := Config{Disclosure: placeplan.Disclosure{MinCount: 5}}
	rev, _ := store.Revision(ctx)
	if err := NewServer(localUnlessAccounts(cfg), store, nil).PersistTiles(ctx, nil); err != nil {
		t.Fatal(err)
	}
	sets, err := store.TileSets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sets {
		if s.Revision != rev || s.Tiles == 0 {
			t.Errorf("set %+v: want tiles of revision %d", s, rev)
		}
		got = append(got, s.Layer+" "+s.Fields)
	}
	want := []string{
		"areas/lsoa11/suppress-below-5 ", "areas/lsoa11/suppress-below-5 fields=" + tiles.WebMapAreaFields,
		"districts/lsoa11 ", "labels/lsoa11 ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("persisted sets %q, want %q", got, want)
	}

	ref, _ := newServer(t, cfg, opaqueStore{store})
	paths := persistedPaths(t, ref, rev)
	srv, _ := newServer(t, cfg, store)
	h := srv.Handler()
	empty := 0
	for _, p := range paths {
		fromStore := get(t, h, p, "Accept-Encoding", "gzip")
		built := get(t, ref.Handler(), p, "Accept-Encoding", "gzip")
		if fromStore.Code != built.Code || !bytes.Equal(fromStore.Body.Bytes(), built.Body.Bytes()) {
			t.Errorf("%s: persisted tile (status %d, %d bytes) differs from the built layer's (status %d, %d bytes)",
				p, fromStore.Code, fromStore.Body.Len(), built.Code, built.Body.Len())
		}
		if fromStore.Code == http.StatusNoContent {
			empty++
		}
		// A client that does not accept gzip gets the same tile, decompressed.
		if plain := get(t, h, p); plain.Code == http.StatusOK && plain.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", p, plain.Header().Get("Content-Encoding"))
		} else if plain.Code == http.StatusOK && !slices.Equal(canonicalTile(decodeTile(t, plain)), canonicalTile(decodeTile(t, built))) {
			t.Errorf("%s without Accept-Encoding: another tile", p)
		}
	}
	if empty == 0 || empty == len(paths) {
		t.Errorf("%d of %d persisted tiles empty: want some of each", empty, len(paths))
	}
	m := scrape(t, h)
	var served float64
	for _, name := range tiles.WarmLayers() {
		served += m[`placeplan_tile_persisted_tiles_total{layer="`+name+`"}`]
	}
	if int(served) != len(paths) {
		t.Errorf("%v tiles answered from the store, want all %d", served, len(paths))
	}
	if got := m[`placeplan_tile_early_tiles_total{layer="areas"}`]; got != 0 {
		t.Errorf("%v early tiles encoded, want none: every tile asked for was persisted", got)
	}
	// The fields= filter in another order and with repeats is the same
	// filter, and the same stored tile.
	p := paths[1]
	reordered := strings.Replace(p, tiles.WebMapAreaFields, "name,code,lad_name,area_count,code", 1)
	if a, b := get(t, h, p, "Accept-Encoding", "gzip"), get(t, h, reordered, "Accept-Encoding", "gzip"); a.Code != b.Code || !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
		t.Errorf("%s and %s differ", p, reordered)
	}
}

// TestPersistedTilesKeepToTheirRevisionAndSuppression checks that a
// persisted tile is answered only at the data revision and the
// suppression threshold it was encoded under, that a server's warm-up
// persists the new revision's tiles (deleting the old ones), and that a
// filter first asked for once the layer is built is persisted too.
func TestPersistedTilesKeepToTheirRevisionAndSuppression(t *testing.T) {
	ctx := context.Background()
	store := loadDefault(t)
	cfg := Config{Disclosure: placeplan.Disclosure{MinCount: 5}}
	if err := NewServer(localUnlessAccounts(cfg), store, nil).PersistTiles(ctx, nil); err != nil {
		t.Fatal(err)
	}
	served := func(srv *Server) float64 {
		m := scrape(t, srv.Handler())
		var n float64
		for _, name := range tiles.WarmLayers() {
			n += m[`placeplan_tile_persisted_tiles_total{layer="`+name+`"}`]
		}
		return n
	}
	first := tilePath(tiles.LayerAreas, tileAt(-2.75, 52.71, tiles.AreasMinZoom)) // Shrewsbury, persisted
	basemap := tilePath(tiles.LayerDistricts, tileAt(-2.75, 52.71, tiles.BasemapMinZoom))

	// Another suppression threshold: encoded afresh.
	other, _ := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 10}}, store)
	get(t, other.Handler(), first)
	if n := served(other); n != 0 {
		t.Errorf("a server withholding counts below 10 answered %v tiles persisted under 5", n)
	}
	if rec := get(t, other.Handler(), basemap); rec.Code != http.StatusOK || served(other) != 1 {
		t.Errorf("districts (no values to withhold): status %d, %v from the store; want 200, 1", rec.Code, served(other))
	}

	// A new data revision: nothing persisted is answered.
	ingestReferrals(t, store)
	rev, _ := store.Revision(ctx)
	srv, _ := newServer(t, cfg, store)
	ref, _ := newServer(t, cfg, opaqueStore{store})
	builtLayer(t, ref, tiles.LayerAreas)
	for _, p := range []string{first, basemap, first + "?fields=" + tiles.WebMapAreaFields} {
		a, b := get(t, srv.Handler(), p, "Accept-Encoding", "gzip"), get(t, ref.Handler(), p, "Accept-Encoding", "gzip")
		if a.Code != b.Code || !bytes.Equal(a.Body.Bytes(), b.Body.Bytes()) {
			t.Errorf("%s after an ingest: not the new revision's tile", p)
		}
	}
	if n := served(srv); n != 0 {
		t.Errorf("after an ingest, %v tiles of the old revision were answered", n)
	}

	// The warm-up persists the new revision's tiles and the filters asked
	// for; the old revision's are deleted.
	get(t, srv.Handler(), first+"?fields=code") // before the build: noted
	srv.tiles.WarmUp(ctx)
	sets, _ := store.TileSets(ctx, "")
	var got []string
	for _, s := range sets {
		if s.Revision != rev {
			t.Errorf("set %+v of an old revision kept", s)
		}
		got = append(got, s.Layer+" "+s.Fields)
	}
	want := []string{
		"areas/lsoa11/suppress-below-5 ", "areas/lsoa11/suppress-below-5 fields=" + tiles.WebMapAreaFields,
		"areas/lsoa11/suppress-below-5 fields=code", "districts/lsoa11 ", "labels/lsoa11 ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sets after the warm-up %q, want %q", got, want)
	}
	// A filter first asked for once the layer is built is persisted in
	// the background; an unknown field is refused and never stored.
	get(t, srv.Handler(), first+"?fields=lad_code,name")
	if rec := get(t, srv.Handler(), first+"?fields=nosuch"); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown field: status %d", rec.Code)
	}
	if err := srv.tiles.WaitPersisting(ctx); err != nil {
		t.Fatal(err)
	}
	sets, _ = store.TileSets(ctx, tiles.LayerID(tiles.LayerAreas, placeplan.LSOA2011, "")+"/suppress-below-5")
	var fields []string
	for _, s := range sets {
		fields = append(fields, s.Fields)
	}
	if !slices.Contains(fields, "fields=lad_code,name") || slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(f, "nosuch") }) {
		t.Errorf("filters persisted: %q; want fields=lad_code,name and no unknown field", fields)
	}
}

// TestPersistedZoomsCarryNoValues holds the persisted zooms below the
// zoom from which the areas carry indicator values, and the web map's
// filter to the one the map sends.
func TestPersistedZoomsCarryNoValues(t *testing.T) {
	if tiles.AreasPersistMaxZoom >= tiles.AreasDetailMinZoom {
		t.Errorf("areas persisted to zoom %d, where they carry indicator values (from %d)", tiles.AreasPersistMaxZoom, tiles.AreasDetailMinZoom)
	}
	style, err := os.ReadFile("../frontend/src/map/style.ts")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`AREA_FIELDS = \[([^\]]*)\]`).FindSubmatch(style)
	if m == nil {
		t.Fatal("style.ts: no AREA_FIELDS")
	}
	var fields []string
	for _, f := range strings.Split(string(m[1]), ",") {
		fields = append(fields, strings.Trim(strings.TrimSpace(f), `'"`))
	}
	if got := strings.Join(tiles.FieldNames(strings.Join(fields, ",")), ","); got != tiles.WebMapAreaFields {
		t.Errorf("the web map asks for fields=%s, tiles.WebMapAreaFields is %s", got, tiles.WebMapAreaFields)
	}
}
