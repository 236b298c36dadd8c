package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/scenario/tiles"
)

// TestTileIsTheRoute asks Server.Tile, the transport-neutral tile
// service, and the HTTP route for the same tiles: the service's bytes are
// the route's gzipped body (nil for a 204), and a bad request is an error
// with the code the route maps to its status.
func TestTileIsTheRoute(t *testing.T) {
	store := loadDefault(t)
	ingestReferrals(t, store)
	srv, _ := newServer(t, Config{Disclosure: placeplan.Disclosure{MinCount: 5}}, store)
	h := srv.Handler()
	ctx := context.Background()
	shrewsbury := func(z maptile.Zoom) maptile.Tile { return tileAt(-2.75, 52.71, z) }
	get(t, h, "/tiles/areas.json") // the layer built: no early tiles
	for _, tc := range []struct {
		name  string
		req   tiles.TileRequest
		query string
	}{
		{"areas overview", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: shrewsbury(7)}, ""},
		{"areas detail, a withheld value", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: tileAt(-2.7519, 52.7077, 13)}, ""},
		{"areas with the map's filter", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: shrewsbury(8), Fields: []string{"name", "code", "lad_name", "area_count"}},
			"?fields=area_count,code,lad_name,name"},
		{"areas keeping no property", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: shrewsbury(12), Fields: []string{}}, "?fields="},
		{"areas of a geography", tiles.TileRequest{Layer: tiles.LayerAreas, Geography: placeplan.LSOA2011, Tile: shrewsbury(10)}, "?geography=lsoa11"},
		{"an empty tile", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: tileAt(-40, 10, 8)}, ""},
		{"districts", tiles.TileRequest{Layer: tiles.LayerDistricts, Tile: shrewsbury(9)}, ""},
		{"labels", tiles.TileRequest{Layer: tiles.LayerLabels, Tile: shrewsbury(11)}, ""},
		{"localities", tiles.TileRequest{Layer: tiles.LayerLocalities, Tile: shrewsbury(10)}, ""},
		{"sites", tiles.TileRequest{Layer: tiles.LayerSites, Tile: shrewsbury(10)}, ""},
		{"a scenario's areas", tiles.TileRequest{Layer: tiles.LayerAreas, Scenario: "shropshire-five-teams", Tile: shrewsbury(9)}, "?scenario=shropshire-five-teams"},
		{"a scenario's catchments", tiles.TileRequest{Layer: tiles.LayerCatchments, Scenario: "shropshire-five-teams", Tile: shrewsbury(9)}, "?scenario=shropshire-five-teams"},
	} {
		tc.req.Revision = -1
		got, err := srv.Tile(ctx, tc.req)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		rec := get(t, h, tilePath(tc.req.Layer, tc.req.Tile)+tc.query, "Accept-Encoding", "gzip")
		switch {
		case rec.Code == http.StatusNoContent && got != nil:
			t.Errorf("%s: the route says 204, Tile gave %d bytes", tc.name, len(got))
		case rec.Code == http.StatusOK && !bytes.Equal(got, rec.Body.Bytes()):
			t.Errorf("%s: Tile gave %d bytes, the route %d, not the same", tc.name, len(got), rec.Body.Len())
		case rec.Code != http.StatusOK && rec.Code != http.StatusNoContent:
			t.Errorf("%s: route status %d: %s", tc.name, rec.Code, rec.Body)
		}
		if tc.name == "an empty tile" && got != nil {
			t.Errorf("an empty tile: %d bytes, want nil", len(got))
		}
	}
	for _, tc := range []struct {
		name string
		req  tiles.TileRequest
		code string
		msg  string
	}{
		{"an unknown layer", tiles.TileRequest{Layer: "roads", Tile: shrewsbury(8)}, placeplan.ENOTFOUND, `no tile layer "roads"`},
		{"an unknown field", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: shrewsbury(8), Fields: []string{"imd_scor"}}, placeplan.EINVALID, `unknown field "imd_scor" (did you mean "imd_score"?)`},
		{"catchments without a scenario", tiles.TileRequest{Layer: tiles.LayerCatchments, Tile: shrewsbury(8)}, placeplan.EINVALID, "scenario: missing"},
		{"a scenario on districts", tiles.TileRequest{Layer: tiles.LayerDistricts, Scenario: "shropshire-five-teams", Tile: shrewsbury(8)}, placeplan.EINVALID, "do not depend on a scenario"},
		{"a tile outside the zoom", tiles.TileRequest{Layer: tiles.LayerAreas, Tile: maptile.New(9, 0, 3)}, placeplan.EINVALID, "no tile 3/9/0"},
		{"an unknown geography", tiles.TileRequest{Layer: tiles.LayerAreas, Geography: "lsoa99", Tile: shrewsbury(8)}, placeplan.EINVALID, "lsoa99"},
	} {
		tc.req.Revision = -1
		_, err := srv.Tile(ctx, tc.req)
		if placeplan.ErrorCode(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v (code %q), want code %s and %q", tc.name, err, placeplan.ErrorCode(err), tc.code, tc.msg)
		}
	}
}
