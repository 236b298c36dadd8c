package data

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"placeplan"
	"placeplan/geo/tile"
)

// setRevision moves the store's data revision, as an ingest does.
func setRevision(t *testing.T, s *Store, rev int64) {
	t.Helper()
	if _, err := s.db.Exec(`UPDATE meta SET value = ? WHERE key = 'revision'`, rev); err != nil {
		t.Fatal(err)
	}
}

func TestPersistedTiles(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "tiles.db")
	s, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	key := func(rev int64, fields string, z, x, y uint32) tile.CacheKey {
		return tile.CacheKey{Layer: "areas/lsoa11", Revision: rev, Fields: fields, Z: z, X: x, Y: y}
	}
	set := func(rev int64, fields string) tile.StoredSet {
		return tile.StoredSet{Layer: "areas/lsoa11", Revision: rev, Fields: fields, MinZoom: 6, MaxZoom: 7}
	}
	setRevision(t, s, 3)
	if err := s.PutTileSet(ctx, set(3, ""), []tile.Stored{
		{Key: key(3, "", 6, 31, 21), Data: []byte("gz-a")},
		{Key: key(3, "", 6, 32, 21), Data: nil}, // no features: left out
		{Key: key(3, "", 7, 63, 42), Data: []byte("gz-b")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTileSet(ctx, set(3, "fields=code"), []tile.Stored{{Key: key(3, "fields=code", 6, 31, 21), Data: []byte("gz-c")}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  tile.CacheKey
		want []byte
		ok   bool
	}{
		{"a stored tile", key(3, "", 6, 31, 21), []byte("gz-a"), true},
		{"a tile of the next zoom of the set", key(3, "", 7, 63, 42), []byte("gz-b"), true},
		{"an empty tile of the set is found, empty", key(3, "", 6, 32, 21), []byte{}, true},
		{"any tile of the set without a row is empty", key(3, "", 7, 0, 0), []byte{}, true},
		{"the filter is part of the key", key(3, "fields=code", 6, 31, 21), []byte("gz-c"), true},
		{"another filter is a miss", key(3, "fields=name", 6, 31, 21), nil, false},
		{"another revision is a miss", key(2, "", 6, 31, 21), nil, false},
		{"a zoom outside the set is a miss", key(3, "", 8, 126, 84), nil, false},
		{"another layer is a miss", tile.CacheKey{Layer: "districts/lsoa11", Revision: 3, Z: 6, X: 31, Y: 21}, nil, false},
		{"a scenario's tile is never stored", tile.CacheKey{Layer: "areas/lsoa11", Revision: 3, Scenario: "s@1", Z: 6, X: 31, Y: 21}, nil, false},
	} {
		got, ok, err := s.Tile(ctx, tc.key)
		if err != nil || ok != tc.ok || !bytes.Equal(got, tc.want) || (ok && got == nil) {
			t.Errorf("%s: Tile = %q, %v, %v; want %q, %v", tc.name, got, ok, err, tc.want, tc.ok)
		}
	}
	wantSets := []tile.StoredSet{{Layer: "areas/lsoa11", Revision: 3, Fields: "", MinZoom: 6, MaxZoom: 7, Tiles: 2}, {Layer: "areas/lsoa11", Revision: 3, Fields: "fields=code", MinZoom: 6, MaxZoom: 7, Tiles: 1}}
	if sets, err := s.TileSets(ctx, ""); err != nil || len(sets) != 2 || sets[0] != wantSets[0] || sets[1] != wantSets[1] {
		t.Errorf("TileSets = %+v, %v; want %+v", sets, err, wantSets)
	}

	// Refused sets store nothing.
	for _, tc := range []struct {
		name  string
		set   tile.StoredSet
		tiles []tile.Stored
		code  string
	}{
		{"a revision the data has left", set(2, "fields=name"), nil, placeplan.ECONFLICT},
		{"a revision the data has not reached", set(4, "fields=name"), nil, placeplan.ECONFLICT},
		{"a tile of another revision", set(3, "fields=name"), []tile.Stored{{Key: key(2, "fields=name", 6, 0, 0), Data: []byte("x")}}, placeplan.EINVALID},
		{"a tile of another zoom", set(3, "fields=name"), []tile.Stored{{Key: key(3, "fields=name", 8, 0, 0), Data: []byte("x")}}, placeplan.EINVALID},
		{"a scenario's tile", set(3, "fields=name"), []tile.Stored{{Key: tile.CacheKey{Layer: "areas/lsoa11", Revision: 3, Fields: "fields=name", Scenario: "s@1", Z: 6}}}, placeplan.EINVALID},
		{"no such tile", set(3, "fields=name"), []tile.Stored{{Key: key(3, "fields=name", 6, 64, 0), Data: []byte("x")}}, placeplan.EINVALID},
		{"no such zooms", tile.StoredSet{Layer: "areas/lsoa11", Revision: 3, MinZoom: 8, MaxZoom: 7}, nil, placeplan.EINVALID},
	} {
		err := s.PutTileSet(ctx, tc.set, tc.tiles)
		var pe *placeplan.Error
		if !errors.As(err, &pe) || pe.Code != tc.code {
			t.Errorf("%s: PutTileSet = %v, want code %s", tc.name, err, tc.code)
		}
	}
	if sets, _ := s.TileSets(ctx, ""); len(sets) != 2 {
		t.Errorf("a refused set changed the stored tiles: %+v", sets)
	}

	// A set stored again replaces the old one whole.
	if err := s.PutTileSet(ctx, set(3, "fields=code"), nil); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := s.Tile(ctx, key(3, "fields=code", 6, 31, 21)); !ok || len(got) != 0 {
		t.Errorf("a tile of a replaced set: %q, %v; want the new, empty one", got, ok)
	}

	// A newer revision's set deletes every older one, and survives a
	// reopening: it is in the file.
	setRevision(t, s, 4)
	if got, ok, _ := s.Tile(ctx, key(4, "", 6, 31, 21)); ok {
		t.Errorf("a tile of revision 3 was found for revision 4: %q", got)
	}
	if err := s.PutTileSet(ctx, tile.StoredSet{Layer: "labels/lsoa11", Revision: 4, MinZoom: 4, MaxZoom: 14},
		[]tile.Stored{{Key: tile.CacheKey{Layer: "labels/lsoa11", Revision: 4, Z: 14, X: 8000, Y: 5000}, Data: []byte("gz-d")}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, p); err != nil {
		t.Fatal(err)
	}
	sets, err := s.TileSets(ctx, "")
	if err != nil || len(sets) != 1 || sets[0] != (tile.StoredSet{Layer: "labels/lsoa11", Revision: 4, Fields: "", MinZoom: 4, MaxZoom: 14, Tiles: 1}) {
		t.Errorf("after a newer revision's set and a reopening: TileSets = %+v, %v; want only revision 4's", sets, err)
	}
	var rows int
	if err := s.db.QueryRow(`SELECT count(*) FROM tiles WHERE data_revision < 4`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d tiles of older revisions left, %v", rows, err)
	}
	if got, ok, err := s.Tile(ctx, tile.CacheKey{Layer: "labels/lsoa11", Revision: 4, Z: 14, X: 8000, Y: 5000}); err != nil || !ok || string(got) != "gz-d" {
		t.Errorf("Tile after reopening = %q, %v, %v", got, ok, err)
	}
	if err := s.DeleteTiles(ctx); err != nil {
		t.Fatal(err)
	}
	if sets, _ := s.TileSets(ctx, ""); len(sets) != 0 {
		t.Errorf("after DeleteTiles: %+v", sets)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM tiles`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("after DeleteTiles, %d tiles left, %v", rows, err)
	}
}
