package tiles_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

// TestGetWithoutTransport asks the tile service itself, as a tile export
// does, with no HTTP in the way: a tile of the default data's areas is
// gzipped MVT of the areas layer, a tile over the sea is nil, and a bad
// request is an error with the code the HTTP layer maps.
func TestGetWithoutTransport(t *testing.T) {
	ctx := context.Background()
	store, err := data.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := data.LoadDefault(ctx, store); err != nil {
		t.Fatalf("load default dataset: %v", err)
	}
	svc := tiles.NewService(store, tiles.Options{Policy: scenario.Policy{Disclosure: placeplan.Disclosure{MinCount: 5}}})
	t.Cleanup(svc.StopWarmUp)
	shrewsbury := maptile.At(orb.Point{-2.75, 52.71}, tiles.AreasDetailMinZoom)

	gz, err := svc.Get(ctx, tiles.TileRequest{Layer: tiles.LayerAreas, Tile: shrewsbury, Revision: -1})
	if err != nil || gz == nil {
		t.Fatalf("areas tile over Shrewsbury: %d bytes, %v", len(gz), err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil || len(layers) != 1 || layers[0].Name != tiles.LayerAreas || len(layers[0].Features) == 0 {
		t.Fatalf("tile holds %v, %v; want one areas layer with features", layers, err)
	}

	sea := maptile.At(orb.Point{-30, 45}, 10)
	if gz, err := svc.Get(ctx, tiles.TileRequest{Layer: tiles.LayerAreas, Tile: sea, Revision: -1}); gz != nil || err != nil {
		t.Errorf("tile over the sea: %d bytes, %v; want nil, nil", len(gz), err)
	}

	for _, tc := range []struct {
		name string
		req  tiles.TileRequest
		code string
	}{
		{"unknown layer", tiles.TileRequest{Layer: "roads", Tile: shrewsbury, Revision: -1}, placeplan.ENOTFOUND},
		{"no such tile", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: maptile.New(5, 0, 2), Revision: -1}, placeplan.EINVALID},
		{"unknown field", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: shrewsbury, Fields: []string{"nosuch"}, Revision: -1}, placeplan.EINVALID},
		{"catchments without a scenario", tiles.TileRequest{Layer: tiles.LayerCatchments, Tile: shrewsbury, Revision: -1}, placeplan.EINVALID},
	} {
		if _, err := svc.Get(ctx, tc.req); placeplan.ErrorCode(err) != tc.code {
			t.Errorf("%s: error %v, want code %s", tc.name, err, tc.code)
		}
	}
}
