package geo

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// Hand-made rings, counter-clockwise unless named otherwise.
var (
	square4 = orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	// bowTie crosses itself at (1, 1).
	bowTie = orb.Ring{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}
	// figureEight is two triangles meeting at the vertex (1, 1).
	figureEight = orb.Ring{{0, 0}, {2, 0}, {1, 1}, {2, 2}, {0, 2}, {1, 1}, {0, 0}}
	// pinchedHole is the 4×4 square whose boundary dips into a clockwise
	// triangle touching the top edge at (2, 4): the "inverted hole" of ONS
	// generalised boundaries. By the even-odd rule the triangle is a hole.
	pinchedHole = orb.Ring{{0, 0}, {4, 0}, {4, 4}, {2, 4}, {3, 2}, {1, 2}, {2, 4}, {0, 4}, {0, 0}}
	// vertexOnEdge is two triangles, one's corner on the other's edge.
	vertexOnEdge = orb.Ring{{0, 0}, {4, 0}, {4, 2}, {2, 0}, {0, 2}, {0, 0}}
	// spikeRing is the square with a spike out to (6, 2) and back.
	spikeRing = orb.Ring{{0, 0}, {4, 0}, {4, 2}, {6, 2}, {4, 2}, {4, 4}, {0, 4}, {0, 0}}
	// holeCW is a clockwise hole inside square4.
	holeCW = orb.Ring{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}
)

func TestValidate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		g    orb.Geometry
		want []Problem
	}{
		{name: "valid square", g: orb.Polygon{square4}},
		{name: "square with a hole", g: orb.Polygon{square4, holeCW}},
		{name: "repeated points are allowed", g: orb.Polygon{{{0, 0}, {0, 0}, {4, 0}, {4, 4}, {4, 4}, {0, 4}, {0, 0}}}},
		{name: "empty polygon", g: orb.Polygon{}},
		{name: "nil geometry", g: nil},
		{name: "bow-tie", g: orb.Polygon{bowTie},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{1, 1}}}},
		{name: "figure-eight touching at a vertex", g: orb.Polygon{figureEight},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{1, 1}}}},
		{name: "pinched inverted hole (ONS)", g: orb.Polygon{pinchedHole},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{2, 4}}}},
		{name: "vertex on another segment", g: orb.Polygon{vertexOnEdge},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{2, 0}}}},
		{name: "spike doubling back", g: orb.Polygon{spikeRing},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{4, 2}}, {Kind: ProblemSelfIntersection, At: orb.Point{6, 2}}}},
		{name: "collinear ring", g: orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{0, 0}}, {Kind: ProblemSelfIntersection, At: orb.Point{2, 0}}}},
		{name: "unclosed ring", g: orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}},
			want: []Problem{{Kind: ProblemUnclosedRing, At: orb.Point{0, 0}}}},
		{name: "unclosed bow-tie also self-intersects", g: orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}}},
			want: []Problem{{Kind: ProblemUnclosedRing, At: orb.Point{0, 0}}, {Kind: ProblemSelfIntersection, At: orb.Point{1, 1}}}},
		{name: "three points", g: orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}},
			want: []Problem{{Kind: ProblemTooFewPoints, At: orb.Point{0, 0}}}},
		{name: "two distinct points among repeats", g: orb.Polygon{{{0, 0}, {0, 0}, {1, 0}, {0, 0}, {0, 0}}},
			want: []Problem{{Kind: ProblemTooFewPoints, At: orb.Point{0, 0}}}},
		{name: "empty ring", g: orb.Polygon{{}},
			want: []Problem{{Kind: ProblemTooFewPoints}}},
		{name: "hole problems carry the ring index", g: orb.Polygon{square4, {{1, 1}, {3, 3}, {3, 1}, {1, 3}, {1, 1}}},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{2, 2}, Ring: 1}}},
		{name: "multipolygon problems carry the polygon index", g: orb.MultiPolygon{{square4}, {bowTie}},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{1, 1}, Polygon: 1}}},
		{name: "collection numbers polygons depth first", g: orb.Collection{orb.Point{9, 9}, orb.MultiPolygon{{square4}}, orb.Collection{orb.Ring(figureEight)}},
			want: []Problem{{Kind: ProblemSelfIntersection, At: orb.Point{1, 1}, Polygon: 1}}},
		{name: "touching rings of one polygon are not checked", g: orb.Polygon{square4, {{0, 0}, {1, 2}, {2, 1}, {0, 0}}}},
		{name: "nan coordinate", g: orb.Polygon{{{0, 0}, {nan, 0}, {1, 1}, {0, 0}}},
			want: []Problem{{Kind: ProblemNonFinite, At: orb.Point{nan, 0}}}},
		{name: "infinite coordinate in a line", g: orb.LineString{{0, 0}, {math.Inf(1), 0}},
			want: []Problem{{Kind: ProblemNonFinite, At: orb.Point{math.Inf(1), 0}, Ring: -1}}},
		{name: "valid point", g: orb.Point{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.g)
			if !problemsEqual(got, tt.want) {
				t.Errorf("Validate = %v\nwant       %v", got, tt.want)
			}
		})
	}
}

// problemsEqual compares problem lists, treating NaN coordinates as equal.
func problemsEqual(a, b []Problem) bool {
	return slices.EqualFunc(a, b, func(x, y Problem) bool {
		same := func(u, v float64) bool { return u == v || (math.IsNaN(u) && math.IsNaN(v)) }
		return x.Kind == y.Kind && x.Polygon == y.Polygon && x.Ring == y.Ring && x.Repaired == y.Repaired &&
			same(x.At[0], y.At[0]) && same(x.At[1], y.At[1])
	})
}

func TestProblemString(t *testing.T) {
	p := Problem{Kind: ProblemSelfIntersection, At: orb.Point{-2.7541234, 52.7082}, Polygon: 2, Ring: 1}
	if got, want := p.String(), "ring self-intersection at (-2.754123, 52.7082) in polygon 2 ring 1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	p.Repaired = true
	if got, want := p.String(), "ring self-intersection at (-2.754123, 52.7082) in polygon 2 ring 1 (repaired)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// polygonsOf returns the polygons of an areal geometry.
func polygonsOf(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Ring:
		return []orb.Polygon{{g}}
	case orb.Polygon:
		if len(g) == 0 {
			return nil
		}
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		var out []orb.Polygon
		for _, p := range g {
			out = append(out, polygonsOf(p)...)
		}
		return out
	case orb.Collection:
		var out []orb.Polygon
		for _, c := range g {
			out = append(out, polygonsOf(c)...)
		}
		return out
	}
	return nil
}

// evenOddArea returns the area of the union of the polygons, each taken as
// outer ring less holes; for valid, disjoint output this is the area.
func evenOddArea(g orb.Geometry) float64 {
	a := 0.0
	for _, p := range polygonsOf(g) {
		a += polygonArea(p)
	}
	return a
}

// checkRFC7946 reports rings of g wound against RFC 7946.
func checkRFC7946(t *testing.T, g orb.Geometry) {
	t.Helper()
	for i, p := range polygonsOf(g) {
		for j, r := range p {
			if a := signedArea(r); (j == 0) != (a > 0) {
				t.Errorf("polygon %d ring %d has signed area %g: outer rings must be counter-clockwise, holes clockwise", i, j, a)
			}
		}
	}
}

// allRepaired reports whether every problem was repaired.
func allRepaired(ps []Problem) bool {
	for _, p := range ps {
		if !p.Repaired {
			return false
		}
	}
	return true
}

func TestRepair(t *testing.T) {
	tests := []struct {
		name      string
		in        orb.Geometry
		wantType  string
		wantParts int     // polygons in the result
		wantHoles int     // holes in the result, all parts
		wantArea  float64 // by the even-odd rule
		wantKinds []ProblemKind
		rebuilt   bool // rings reoriented per RFC 7946
	}{
		{name: "valid polygon is untouched", in: orb.Polygon{square4, holeCW}, wantType: "Polygon", wantParts: 1, wantHoles: 1, wantArea: 12},
		{name: "bow-tie splits into two triangles", in: orb.Polygon{bowTie}, wantType: "MultiPolygon", wantParts: 2, wantArea: 2,
			wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
		{name: "figure-eight splits at the shared vertex", in: orb.Polygon{figureEight}, wantType: "MultiPolygon", wantParts: 2, wantArea: 2,
			wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
		{name: "pinched inverted hole becomes a hole", in: orb.Polygon{pinchedHole}, wantType: "Polygon", wantParts: 1, wantHoles: 1, wantArea: 14,
			wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
		{name: "vertex on an edge splits there", in: orb.Polygon{vertexOnEdge}, wantType: "MultiPolygon", wantParts: 2, wantArea: 4,
			wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
		{name: "spike is cut off", in: orb.Polygon{spikeRing}, wantType: "Polygon", wantParts: 1, wantArea: 16,
			wantKinds: []ProblemKind{ProblemSelfIntersection, ProblemSelfIntersection}, rebuilt: true},
		{name: "self-intersecting hole stays a hole", in: orb.Polygon{square4, {{1, 1}, {3, 3}, {3, 1}, {1, 3}, {1, 1}}},
			wantType: "Polygon", wantParts: 1, wantHoles: 2, wantArea: 14, wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
		{name: "unclosed ring is closed", in: orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}}, wantType: "Polygon", wantParts: 1, wantArea: 16,
			wantKinds: []ProblemKind{ProblemUnclosedRing}},
		{name: "repeated points are dropped", in: orb.Polygon{{{0, 0}, {0, 0}, {4, 0}, {4, 4}, {4, 4}, {0, 4}, {0, 0}}}, wantType: "Polygon",
			wantParts: 1, wantArea: 16, wantKinds: []ProblemKind{ProblemRepeatedPoint, ProblemRepeatedPoint}},
		{name: "degenerate hole is dropped", in: orb.Polygon{square4, {{1, 1}, {2, 2}, {1, 1}}}, wantType: "Polygon", wantParts: 1, wantArea: 16,
			wantKinds: []ProblemKind{ProblemTooFewPoints}},
		{name: "degenerate outer ring drops the polygon", in: orb.MultiPolygon{{square4}, {{{5, 5}, {6, 6}, {5, 5}}}}, wantType: "MultiPolygon",
			wantParts: 1, wantArea: 16, wantKinds: []ProblemKind{ProblemTooFewPoints}},
		{name: "collinear ring is dropped", in: orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}, wantType: "Polygon", wantParts: 0,
			wantKinds: []ProblemKind{ProblemSelfIntersection, ProblemSelfIntersection}},
		{name: "ring input", in: bowTie, wantType: "MultiPolygon", wantParts: 2, wantArea: 2,
			wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
		{name: "collection members are repaired", in: orb.Collection{orb.Point{1, 1}, orb.Polygon{figureEight}}, wantType: "GeometryCollection",
			wantParts: 2, wantArea: 2, wantKinds: []ProblemKind{ProblemSelfIntersection}, rebuilt: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := orb.Clone(tt.in)
			got, problems := Repair(tt.in)
			if !orb.Equal(before, tt.in) {
				t.Errorf("Repair modified its input")
			}
			if got.GeoJSONType() != tt.wantType {
				t.Errorf("result type %s, want %s", got.GeoJSONType(), tt.wantType)
			}
			var kinds []ProblemKind
			for _, p := range problems {
				kinds = append(kinds, p.Kind)
			}
			if !slices.Equal(kinds, tt.wantKinds) {
				t.Errorf("problems %v, want kinds %v", problems, tt.wantKinds)
			}
			if !allRepaired(problems) {
				t.Errorf("unrepaired problems: %v", problems)
			}
			if ps := Validate(got); ps != nil {
				t.Errorf("repaired geometry %v is invalid: %v", got, ps)
			}
			parts := polygonsOf(got)
			holes := 0
			for _, p := range parts {
				holes += len(p) - 1
			}
			if len(parts) != tt.wantParts || holes != tt.wantHoles {
				t.Errorf("%d parts with %d holes, want %d and %d: %v", len(parts), holes, tt.wantParts, tt.wantHoles, got)
			}
			if a := evenOddArea(got); math.Abs(a-tt.wantArea) > 1e-12 {
				t.Errorf("area %g, want %g", a, tt.wantArea)
			}
			if tt.rebuilt {
				checkRFC7946(t, got)
			}
		})
	}
}

func TestRepairKeepsWhatItCannotFix(t *testing.T) {
	in := orb.MultiPolygon{{square4}, {{{0, 0}, {math.NaN(), 1}, {1, 1}, {0, 0}}}, {bowTie}}
	got, problems := Repair(in)
	mp, ok := got.(orb.MultiPolygon)
	if !ok || len(mp) != 4 {
		t.Fatalf("got %v, want the square, the NaN polygon as it was and two triangles", got)
	}
	if !orb.Equal(mp[0], in[0]) || len(mp[1][0]) != 4 || !math.IsNaN(mp[1][0][1][0]) {
		t.Errorf("valid and unrepairable polygons must be kept as they were: %v", got)
	}
	want := []Problem{
		{Kind: ProblemNonFinite, At: orb.Point{math.NaN(), 1}, Polygon: 1},
		{Kind: ProblemSelfIntersection, At: orb.Point{1, 1}, Polygon: 2, Repaired: true},
	}
	if !problemsEqual(problems, want) {
		t.Errorf("problems %v\nwant     %v", problems, want)
	}
}

func TestRepairOddInput(t *testing.T) {
	nan := math.NaN()
	inputs := []orb.Geometry{
		nil, orb.Polygon(nil), orb.MultiPolygon(nil), orb.Collection(nil), orb.Ring(nil), orb.Ring{},
		orb.Polygon{{}}, orb.Polygon{nil, nil}, orb.Polygon{{{nan, nan}}},
		orb.Polygon{{{0, 0}, {0, 0}, {0, 0}, {0, 0}}},
		orb.Polygon{{{1e308, 1e308}, {-1e308, -1e308}, {1e308, -1e308}, {-1e308, 1e308}, {1e308, 1e308}}},
		orb.Polygon{{{5e-324, 0}, {0, 5e-324}, {5e-324, 5e-324}, {0, 0}, {5e-324, 0}}},
		orb.LineString{{0, 0}, {nan, 1}}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}},
		orb.Point{nan, 0}, orb.MultiPoint{}, orb.MultiLineString{{}},
	}
	for i, in := range inputs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got, problems := Repair(in)
			if allRepaired(problems) && Validate(got) != nil {
				t.Errorf("Repair(%v) = %v reports success but Validate finds %v", in, got, Validate(got))
			}
			_ = RepresentativePoint(in)
			_ = RepresentativePoint(got)
			_ = Contains(in, orb.Point{0.5, 0.5})
		})
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
		p    orb.Point
		want bool
	}{
		{"inside square", orb.Polygon{square4}, orb.Point{1, 1}, true},
		{"outside square", orb.Polygon{square4}, orb.Point{5, 1}, false},
		{"on an edge", orb.Polygon{square4}, orb.Point{4, 2}, false},
		{"on a vertex", orb.Polygon{square4}, orb.Point{4, 4}, false},
		{"in the hole", orb.Polygon{square4, holeCW}, orb.Point{2, 2}, false},
		{"between hole and shell", orb.Polygon{square4, holeCW}, orb.Point{0.5, 2}, true},
		{"bow-tie left triangle", orb.Polygon{bowTie}, orb.Point{0.5, 1}, true},
		{"bow-tie above the crossing", orb.Polygon{bowTie}, orb.Point{1, 1.5}, false},
		{"bow-tie crossing point", orb.Polygon{bowTie}, orb.Point{1, 1}, false},
		{"pinched hole interior is outside", orb.Polygon{pinchedHole}, orb.Point{2, 3}, false},
		{"pinched hole shell is inside", orb.Polygon{pinchedHole}, orb.Point{0.5, 3.5}, true},
		{"ray through a vertex", orb.Polygon{{{0, 0}, {2, 1}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}, orb.Point{1, 1}, true},
		{"ray along a horizontal edge", orb.Polygon{{{0, 0}, {4, 0}, {4, 2}, {3, 2}, {3, 3}, {0, 3}, {0, 0}}}, orb.Point{1, 2}, true},
		{"unclosed ring", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}}, orb.Point{1, 1}, true},
		{"multipolygon second part", orb.MultiPolygon{{square4}, {{{10, 10}, {11, 10}, {11, 11}, {10, 10}}}}, orb.Point{10.9, 10.5}, true},
		{"ring", square4, orb.Point{2, 2}, true},
		{"bound interior", orb.Bound{Max: orb.Point{1, 1}}, orb.Point{0.5, 0.5}, true},
		{"bound edge", orb.Bound{Max: orb.Point{1, 1}}, orb.Point{1, 0.5}, false},
		{"collection", orb.Collection{orb.Point{9, 9}, orb.Polygon{square4}}, orb.Point{1, 1}, true},
		{"point equal", orb.Point{1, 2}, orb.Point{1, 2}, true},
		{"line contains nothing", orb.LineString{{0, 0}, {2, 2}}, orb.Point{1, 1}, false},
		{"nan point", orb.Polygon{square4}, orb.Point{math.NaN(), 1}, false},
		{"empty polygon", orb.Polygon{}, orb.Point{0, 0}, false},
		{"nil", nil, orb.Point{0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Contains(tt.g, tt.p); got != tt.want {
				t.Errorf("Contains(%v, %v) = %v, want %v", tt.g, tt.p, got, tt.want)
			}
		})
	}
}

// TestContainsMatchesOrb compares Contains with orb/planar on random
// points against real polygons (orb counts boundary points as inside; a
// random point is never on a boundary).
func TestContainsMatchesOrb(t *testing.T) {
	polys := loadPolygons(t, filepath.Join("testdata", "lsoa2011_self_intersecting.geojson"))
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range polys {
		b := f.geom.Bound()
		for range 2000 {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			var want bool
			switch g := f.geom.(type) {
			case orb.Polygon:
				want = planar.PolygonContains(g, p)
			case orb.MultiPolygon:
				want = planar.MultiPolygonContains(g, p)
			}
			if got := Contains(f.geom, p); got != want {
				t.Errorf("%s: Contains(%v) = %v, orb says %v", f.code, p, got, want)
			}
		}
	}
}

func TestRepresentativePoint(t *testing.T) {
	uShape := orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {4, 6}, {4, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
	annulus := orb.Polygon{square4, holeCW}
	tests := []struct {
		name   string
		g      orb.Geometry
		inside orb.Geometry // where the point must be (strictly)
		want   *orb.Point   // exact answer, when there is one
	}{
		{name: "square gives its centroid", g: orb.Polygon{square4}, inside: orb.Polygon{square4}, want: &orb.Point{2, 2}},
		{name: "u-shape centroid is outside", g: uShape, inside: uShape},
		{name: "annulus centroid is in the hole", g: annulus, inside: annulus},
		{name: "bow-tie centroid is the crossing", g: orb.Polygon{bowTie}, inside: orb.Polygon{bowTie}},
		{name: "pinched inverted hole", g: orb.Polygon{pinchedHole}, inside: orb.Polygon{pinchedHole}},
		{name: "multipolygon uses the largest part", g: orb.MultiPolygon{{{{10, 10}, {11, 10}, {11, 11}, {10, 10}}}, uShape}, inside: uShape},
		{name: "ring", g: square4, inside: square4},
		{name: "collection prefers areas", g: orb.Collection{orb.Point{9, 9}, orb.LineString{{0, 0}, {9, 9}}, orb.Polygon{square4}}, inside: orb.Polygon{square4}},
		{name: "point", g: orb.Point{3, 4}, want: &orb.Point{3, 4}},
		{name: "line midpoint", g: orb.LineString{{0, 0}, {2, 0}, {2, 2}}, want: &orb.Point{2, 0}},
		{name: "multipoint member nearest the mean", g: orb.MultiPoint{{0, 0}, {1, 1}, {5, 5}}, want: &orb.Point{1, 1}},
		{name: "bound centre", g: orb.Bound{Max: orb.Point{2, 4}}, want: &orb.Point{1, 2}},
		{name: "zero-area polygon gives a vertex", g: orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}, want: &orb.Point{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := RepresentativePoint(tt.g)
			if tt.inside != nil && !Contains(tt.inside, p) {
				t.Errorf("RepresentativePoint = %v, not inside %v", p, tt.inside)
			}
			if tt.want != nil && p != *tt.want {
				t.Errorf("RepresentativePoint = %v, want %v", p, *tt.want)
			}
		})
	}
	for _, g := range []orb.Geometry{nil, orb.Polygon{}, orb.MultiPolygon{}, orb.LineString{}, orb.MultiPoint{}, orb.Collection{},
		orb.Polygon{{{math.NaN(), 0}, {1, 1}}}} {
		if p := RepresentativePoint(g); finite(p) && g != nil && len(polygonsOf(g)) == 0 {
			t.Errorf("RepresentativePoint(%#v) = %v, want NaN", g, p)
		}
	}
}

// feature is a boundary loaded for tests.
type feature struct {
	code string
	geom orb.Geometry
}

// loadPolygons reads the LSOA 2011 features of a (gzipped) GeoJSON file.
func loadPolygons(tb testing.TB, path string) []feature {
	tb.Helper()
	b, err := io.ReadAll(openMaybeGzip(tb, path))
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	out := make([]feature, len(fc.Features))
	for i, f := range fc.Features {
		out[i] = feature{f.Properties.MustString("LSOA11CD", ""), f.Geometry}
	}
	return out
}

// checkBoundaries validates, repairs and finds representative points for
// real boundaries, expecting exactly the given codes to be invalid.
func checkBoundaries(t *testing.T, fs []feature, wantInvalid []string) {
	start := time.Now()
	var invalid []string
	for _, f := range fs {
		if Validate(f.geom) != nil {
			invalid = append(invalid, f.code)
		}
	}
	t.Logf("validated %d polygons in %v", len(fs), time.Since(start))
	slices.Sort(invalid)
	if wantInvalid != nil && !slices.Equal(invalid, wantInvalid) {
		t.Errorf("invalid polygons %v, want %v", invalid, wantInvalid)
	}

	fixed := 0
	for _, f := range fs {
		rp := RepresentativePoint(f.geom)
		if !Contains(f.geom, rp) {
			t.Errorf("%s: representative point %v is not inside", f.code, rp)
		}
		if !slices.Contains(invalid, f.code) {
			continue
		}
		got, problems := Repair(f.geom)
		if !allRepaired(problems) {
			t.Errorf("%s: not repaired: %v", f.code, problems)
			continue
		}
		if ps := Validate(got); ps != nil {
			t.Errorf("%s: still invalid after repair: %v", f.code, ps)
			continue
		}
		before, after := math.Abs(planar.Area(f.geom)), evenOddArea(got)
		if d := math.Abs(after-before) / before; d > 0.01 {
			t.Errorf("%s: area changed by %.2f%% (%g → %g)", f.code, 100*d, before, after)
		}
		if rp := RepresentativePoint(got); !Contains(got, rp) || !Contains(f.geom, rp) {
			t.Errorf("%s: representative point %v of the repaired polygon is not inside", f.code, rp)
		}
		fixed++
	}
	t.Logf("%d invalid, %d repaired", len(invalid), fixed)
}

func TestBoundariesGolden(t *testing.T) {
	fs := loadPolygons(t, filepath.Join("testdata", "lsoa2011_self_intersecting.geojson"))
	checkBoundaries(t, fs, []string{"E01014146", "E01028701", "E01028883"})
}

func TestBoundariesSubset(t *testing.T) {
	path := sharedData("lsoa2011_boundaries", "lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson")
	skipIfAbsent(t, path)
	fs := loadPolygons(t, path)
	if len(fs) != 708 {
		t.Fatalf("%d features, want 708", len(fs))
	}
	checkBoundaries(t, fs, []string{"E01014146", "E01028701", "E01028883"})
}

// TestBoundariesEngland runs over all 32,844 LSOA 2011 boundaries, of
// which 90 fail OGC validity with a ring self-intersection.
func TestBoundariesEngland(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 32,844 polygons; skipped with -short")
	}
	path := sharedData("lsoa2011_boundaries", "lsoa2011_bgc_england_wgs84_6dp.geojson.gz")
	skipIfAbsent(t, path)
	fs := loadPolygons(t, path)
	if len(fs) != 32844 {
		t.Fatalf("%d features, want 32,844", len(fs))
	}
	checkBoundaries(t, fs, nil)
	n := 0
	for _, f := range fs {
		if Validate(f.geom) != nil {
			n++
		}
	}
	if n != 90 {
		t.Errorf("%d invalid polygons, want 90", n)
	}
}

// fuzzGeometry decodes a polygon from fuzz input. The first byte chooses
// the coding: even, each following byte pair is a point on a small integer
// grid (many collinear, touching and repeated points) and 0xff starts a new
// ring; odd, each 16 bytes are a point of two raw float64s, and a NaN x
// starts a new ring.
func fuzzGeometry(data []byte) orb.Polygon {
	if len(data) == 0 {
		return nil
	}
	mode, data := data[0], data[1:]
	pg := orb.Polygon{nil}
	if mode%2 == 0 {
		for len(data) >= 2 {
			if data[0] == 0xff {
				pg = append(pg, nil)
				data = data[1:]
				continue
			}
			p := orb.Point{float64(data[0] % 16), float64(data[1] % 16)}
			pg[len(pg)-1] = append(pg[len(pg)-1], p)
			data = data[2:]
		}
	} else {
		for len(data) >= 16 {
			x := math.Float64frombits(binary.LittleEndian.Uint64(data))
			y := math.Float64frombits(binary.LittleEndian.Uint64(data[8:]))
			data = data[16:]
			if math.IsNaN(x) {
				pg = append(pg, nil)
				continue
			}
			pg[len(pg)-1] = append(pg[len(pg)-1], orb.Point{x, y})
		}
	}
	if mode&2 != 0 {
		for i, r := range pg {
			if len(r) > 0 && r[0] != r[len(r)-1] {
				pg[i] = append(r, r[0])
			}
		}
	}
	return pg
}

// fuzzEncodeGrid encodes integer-grid rings for the fuzz seed corpus.
func fuzzEncodeGrid(rings ...orb.Ring) []byte {
	b := []byte{0}
	for i, r := range rings {
		if i > 0 {
			b = append(b, 0xff)
		}
		for _, p := range r {
			b = append(b, byte(p[0]), byte(p[1]))
		}
	}
	return b
}

// fuzzEncodeFloat encodes float rings for the fuzz seed corpus.
func fuzzEncodeFloat(rings ...orb.Ring) []byte {
	b := []byte{1}
	for i, r := range rings {
		if i > 0 {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(math.NaN()))
			b = binary.LittleEndian.AppendUint64(b, 0)
		}
		for _, p := range r {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
		}
	}
	return b
}

func FuzzRepair(f *testing.F) {
	for _, r := range []orb.Ring{square4, bowTie, figureEight, pinchedHole, vertexOnEdge, spikeRing} {
		f.Add(fuzzEncodeGrid(r))
		f.Add(fuzzEncodeFloat(r))
	}
	f.Add(fuzzEncodeGrid(square4, holeCW))
	f.Add(fuzzEncodeFloat(orb.Ring{{-2.7, 52.7}, {-2.6, 52.8}, {-2.6, 52.7}, {-2.7, 52.8}, {-2.7, 52.7}}))
	f.Add(fuzzEncodeFloat(orb.Ring{{0, 0}, {1e300, 1e-300}, {-1e300, 5e-324}, {0, 0}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		pg := fuzzGeometry(data)
		_ = Validate(pg)
		_ = Contains(pg, RepresentativePoint(pg))
		got, problems := Repair(pg)
		if !allRepaired(problems) {
			return
		}
		if ps := Validate(got); ps != nil {
			t.Fatalf("Repair(%v) = %v reports success (%v) but Validate finds %v", pg, got, problems, ps)
		}
		// A valid result with area must contain its representative point,
		// barring overflow and slivers so thin against their coordinates
		// that no float64 point lies strictly inside them.
		small := true
		eachPoint(got, func(p orb.Point) bool {
			small = math.Abs(p[0]) < 1e100 && math.Abs(p[1]) < 1e100 &&
				(p[0] == 0 || math.Abs(p[0]) > 1e-100) && (p[1] == 0 || math.Abs(p[1]) > 1e-100)
			return small
		})
		for _, pg := range polygonsOf(got) {
			// 2·area/perimeter measures thickness; require ten thousand
			// units in the last place of the largest coordinate.
			b := ringBound(pg[0])
			scale := max(math.Abs(b.Min[0]), math.Abs(b.Max[0]), math.Abs(b.Min[1]), math.Abs(b.Max[1]))
			perimeter := 0.0
			for _, r := range pg {
				perimeter += lineLength(orb.LineString(r))
			}
			if 2*polygonArea(pg)/perimeter <= 1e-12*scale {
				small = false
			}
		}
		if small && evenOddArea(got) > 0 {
			if rp := RepresentativePoint(got); !Contains(got, rp) {
				t.Fatalf("RepresentativePoint(%v) = %v is not inside", got, rp)
			}
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	path := sharedData("lsoa2011_boundaries", "lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson")
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join("testdata", "lsoa2011_self_intersecting.geojson")
	}
	fs := loadPolygons(b, path)
	points := 0
	for _, f := range fs {
		eachPoint(f.geom, func(orb.Point) bool { points++; return true })
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fs {
			Validate(f.geom)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(points), "ns/point")
}

func BenchmarkRepair(b *testing.B) {
	fs := loadPolygons(b, filepath.Join("testdata", "lsoa2011_self_intersecting.geojson"))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fs {
			Repair(f.geom)
		}
	}
}

func BenchmarkRepresentativePoint(b *testing.B) {
	fs := loadPolygons(b, filepath.Join("testdata", "lsoa2011_self_intersecting.geojson"))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fs {
			RepresentativePoint(f.geom)
		}
	}
}

func ExampleRepair() {
	// A bow-tie: the ring crosses itself at (1, 1).
	bowTie := orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}
	for _, p := range Validate(bowTie) {
		fmt.Println(p)
	}
	fixed, problems := Repair(bowTie)
	fmt.Println(fixed, problems[0].Repaired, Validate(fixed) == nil)
	// Output:
	// ring self-intersection at (1, 1) in polygon 0 ring 0
	// [[[[1 1] [2 0] [2 2] [1 1]]] [[[0 0] [1 1] [0 2] [0 0]]]] true true
}

func ExampleRepresentativePoint() {
	// A U shape: its centroid (3, 2.71) lies in the gap between the arms.
	u := orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {4, 6}, {4, 2}, {2, 2}, {2, 6}, {0, 6}, {0, 0}}}
	p := RepresentativePoint(u)
	fmt.Println(p, Contains(u, p))
	// Output: [1 4] true
}
