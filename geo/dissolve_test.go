package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// square returns the unit square with its lower left corner at x, y, its
// ring anticlockwise or, with cw, clockwise.
func square(x, y float64, cw bool) orb.Polygon {
	r := orb.Ring{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}
	if cw {
		r.Reverse()
	}
	return orb.Polygon{r}
}

func TestDissolve(t *testing.T) {
	grid := func(cells ...[2]float64) []orb.Polygon {
		var ps []orb.Polygon
		for i, c := range cells {
			ps = append(ps, square(c[0], c[1], i%2 == 1)) // orientation must not matter
		}
		return ps
	}
	for _, tc := range []struct {
		name            string
		in              []orb.Polygon
		polygons, holes int
		vertices        int // in all rings, closing points included
	}{
		{"one square", grid([2]float64{0, 0}), 1, 0, 5},
		{"two side by side", grid([2]float64{0, 0}, [2]float64{1, 0}), 1, 0, 7},
		{"2×2 block", grid([2]float64{0, 0}, [2]float64{1, 0}, [2]float64{0, 1}, [2]float64{1, 1}), 1, 0, 9},
		{"ring of 8 around a hole", grid([2]float64{0, 0}, [2]float64{1, 0}, [2]float64{2, 0}, [2]float64{0, 1},
			[2]float64{2, 1}, [2]float64{0, 2}, [2]float64{1, 2}, [2]float64{2, 2}), 1, 1, 13 + 5},
		{"touching at a corner only", grid([2]float64{0, 0}, [2]float64{1, 1}), 2, 0, 10},
		{"apart", grid([2]float64{0, 0}, [2]float64{5, 5}), 2, 0, 10},
		{"L of three with a corner pinch", grid([2]float64{0, 0}, [2]float64{1, 0}, [2]float64{1, 1}, [2]float64{2, 2}), 2, 0, 9 + 5},
		{"nothing", nil, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp := Dissolve(tc.in)
			holes, vertices := 0, 0
			for _, p := range mp {
				holes += len(p) - 1
				if p[0].Orientation() != orb.CCW {
					t.Errorf("exterior %v is not anticlockwise", p[0])
				}
				for i, r := range p {
					vertices += len(r)
					if r[0] != r[len(r)-1] {
						t.Errorf("ring %v is not closed", r)
					}
					if i > 0 && r.Orientation() != orb.CW {
						t.Errorf("hole %v is not clockwise", r)
					}
				}
			}
			if len(mp) != tc.polygons || holes != tc.holes || vertices != tc.vertices {
				t.Errorf("%d polygons, %d holes, %d vertices; want %d, %d, %d: %v", len(mp), holes, vertices, tc.polygons, tc.holes, tc.vertices, mp)
			}
			var want float64
			for _, p := range tc.in {
				want += planar.Area(p)
			}
			if got := planar.Area(mp); math.Abs(got-want) > 1e-12 {
				t.Errorf("area %v, want the sum %v", got, want)
			}
		})
	}
}
