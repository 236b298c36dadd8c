package api

import (
	"context"
	"math"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"placeplan"
	"placeplan/geo"
	"placeplan/scenario/tiles"
)

// TestDissolveLocalities dissolves the default dataset's localities: each
// keeps its area and loses its inner edges.
func TestDissolveLocalities(t *testing.T) {
	store := loadDefault(t)
	ctx := context.Background()
	locs, err := store.Localities(ctx, placeplan.LSOA2011)
	if err != nil || len(locs) == 0 {
		t.Fatalf("localities: %d, %v", len(locs), err)
	}
	for _, l := range locs {
		areas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, Codes: l.Areas, WithGeometry: true})
		if err != nil {
			t.Fatal(err)
		}
		var members []orb.Polygon
		var area float64
		for _, a := range areas {
			members = append(members, a.Geometry...)
			area += planar.Area(a.Geometry)
		}
		mp := geo.Dissolve(members)
		if got := planar.Area(mp); math.Abs(got-area) > 1e-12*area {
			t.Errorf("%s: dissolved area %v, members' %v", l.Name, got, area)
		}
		if len(members) > 2 && len(mp) >= len(members) {
			t.Errorf("%s: %d member polygons dissolved into %d", l.Name, len(members), len(mp))
		}
	}
}

// selfCrossings counts the pairs of non-adjacent edges of r that cross
// properly (touching is not counted).
func selfCrossings(r orb.Ring) int {
	side := func(p, q, s orb.Point) float64 { return (q[0]-p[0])*(s[1]-p[1]) - (q[1]-p[1])*(s[0]-p[0]) }
	crosses := func(a, b, c, d orb.Point) bool {
		d1, d2, d3, d4 := side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
		return (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0)
	}
	n := 0
	for i := 0; i+1 < len(r); i++ {
		for j := i + 2; j+1 < len(r); j++ {
			if i == 0 && j+1 == len(r)-1 {
				continue // the closing edge meets the first
			}
			if crosses(r[i], r[i+1], r[j], r[j+1]) {
				n++
			}
		}
	}
	return n
}

// TestTileRingsValid decodes tiles of the default dataset and counts
// polygon rings that cross themselves, which MVT 2.1 forbids and GEOS
// rejects: the areas and the dissolved localities must have none at any
// zoom (geo/tile rebuilds what snapping to the grid tangles; GEOS itself
// checks the tiles in TestServedTilesValid).
func TestTileRingsValid(t *testing.T) {
	srv, _ := newServer(t, Config{}, loadDefault(t))
	h := srv.Handler()
	for _, layer := range []string{tiles.LayerAreas, tiles.LayerLocalities} {
		for z := maptile.Zoom(6); z <= tiles.MaxZoom; z++ {
			bad, total := 0, 0
			for _, p := range [][2]float64{{-2.75, 52.71}, {-2.45, 52.68}, {-1.25, 51.75}, {-3.0, 52.5}} {
				rec := get(t, h, tilePath(layer, tileAt(p[0], p[1], z)))
				if rec.Code == http.StatusNoContent {
					continue
				}
				for _, f := range onlyLayer(t, decodeTile(t, rec), layer).Features {
					total++
					n := 0
					visitRings(f.Geometry, func(r orb.Ring) { n += selfCrossings(r) })
					if n > 0 {
						bad++
					}
				}
			}
			if bad > 0 {
				t.Errorf("%s z%d: %d of %d features have a self-crossing ring", layer, z, bad, total)
			}
		}
	}
}

// visitRings calls fn with every ring of a polygonal geometry.
func visitRings(g orb.Geometry, fn func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			fn(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			visitRings(p, fn)
		}
	}
}
