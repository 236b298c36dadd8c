// Package locality resolves locality definitions to the small areas they
// hold. It is placeplan's one rule for locality membership: ingest applies
// it to the areas stored, summarise to the areas of the IoD files it
// reads, so the same definitions give the same localities wherever they
// are used.
//
// A definition row names an LSOA, an MSOA or a district by code, or an
// MSOA by its House of Commons Library (or ONS) name. An area's MSOA is
// its MSOA code where it has one, else the MSOA its ONS name implies
// (registry.MSOACodes.ForLSOAName). A Library name that MSOAs of several
// districts share is resolved to the one in the districts the scheme's
// other rows lie in. An area may belong to one locality of each scheme.
package locality

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/record"
	"placeplan/data/registry"
	"placeplan/geo"
)

// Resolution is what definitions resolve to over the areas of one
// geography.
type Resolution struct {
	// Localities are scheme by scheme in the order the definitions first
	// name them, each scheme's localities by name, each one's areas by code.
	Localities []placeplan.Locality
	// Unmatched are the definitions that matched no area, scheme by scheme
	// in the order given.
	Unmatched []Unmatched
	// Problems are what makes the definitions wrong — an MSOA name shared
	// by MSOAs the scheme's districts cannot tell apart, an area in two
	// localities of a scheme — scheme by scheme in the order given.
	Problems []Problem
}

// Problem is a definition the rule refuses: either its MSOA name is
// shared by the MSOAs in Shared, none of them in the districts of the
// scheme's other rows (or more than one), or it puts Area into
// Row.Locality while First (defined on line FirstLine; 0 for a polygon)
// of the same scheme already holds it.
type Problem struct {
	Row       record.LocalityRow
	Shared    []string
	Area      string
	First     string
	FirstLine int
}

// Unmatched is a definition that matched no area.
type Unmatched struct {
	Row record.LocalityRow
	// UnknownName says that the row's MSOA name is the name of no MSOA of
	// the geography at all.
	UnknownName bool
}

// SharedName words an ambiguous-name problem; file names the definitions
// and where the areas.
func (p Problem) SharedName(file, where string) string {
	return fmt.Sprintf("%s line %d: locality %q: MSOA name %q is shared by MSOAs %s of %s; name the MSOA by its code instead",
		file, p.Row.Line, p.Row.Locality, p.Row.MSOAName, strings.Join(p.Shared, ", "), where)
}

// What says what the row names, for a message: its code, or "MSOA name"
// and the name.
func (u Unmatched) What() string {
	if u.Row.MSOAName != "" {
		return "MSOA name " + u.Row.MSOAName
	}
	return u.Row.Code
}

// match is one definition row and the areas it names.
type match struct {
	row   record.LocalityRow
	areas []int
	// candidates are the MSOAs (with areas) an ambiguous name matches.
	candidates []string
	unknown    bool   // the MSOA name is no MSOA's
	how        string // what the row names, for the definition
}

// Resolve resolves the rows of defs for geography g (rows for the other
// LSOA vintage are left out) over areas, of which it reads the code,
// name, MSOA code and district code.
func Resolve(defs *record.LocalityDefs, g placeplan.Geography, areas []record.Area, msoas *registry.MSOACodes) *Resolution {
	pos := make(map[string]int, len(areas))
	byLAD := map[string][]int{}
	for i, a := range areas {
		pos[a.Code] = i
		if a.LADCode != "" {
			byLAD[a.LADCode] = append(byLAD[a.LADCode], i)
		}
	}
	byMSOA := map[string][]int{}
	if slices.ContainsFunc(defs.Rows, func(r record.LocalityRow) bool { return r.MSOAName != "" || record.IsMSOACode(r.Code) }) {
		for i, a := range areas {
			code := a.MSOACode
			if code == "" {
				if m, ok := msoas.ForLSOAName(g, a.Name); ok {
					code = m.Code
				}
			}
			if code != "" {
				byMSOA[code] = append(byMSOA[code], i)
			}
		}
	}
	var schemes []string
	matches := map[string][]match{}
	for _, r := range defs.Rows {
		if r.Geography != "" && r.Geography != g {
			continue
		}
		if _, ok := matches[r.Scheme]; !ok {
			schemes = append(schemes, r.Scheme)
		}
		m := match{row: r}
		switch {
		case r.MSOAName != "":
			m.how = "MSOA " + r.MSOAName
			named := msoas.Named(g, r.MSOAName)
			m.unknown = len(named) == 0
			for _, n := range named {
				if len(byMSOA[n.Code]) > 0 {
					m.candidates = append(m.candidates, n.Code)
				}
			}
			if len(m.candidates) == 1 {
				m.areas, m.candidates = byMSOA[m.candidates[0]], nil
			}
		case record.IsLSOACode(r.Code):
			m.how = "LSOA " + r.Code
			if i, ok := pos[r.Code]; ok {
				m.areas = []int{i}
			}
		case record.IsMSOACode(r.Code):
			m.how, m.areas = "MSOA "+r.Code, byMSOA[r.Code]
		default:
			m.how, m.areas = "district "+r.Code, byLAD[r.Code]
		}
		matches[r.Scheme] = append(matches[r.Scheme], m)
	}
	res := &Resolution{}
	for _, scheme := range schemes {
		// The districts the scheme's unambiguous rows lie in.
		lads := map[string]bool{}
		for _, m := range matches[scheme] {
			for _, i := range m.areas {
				lads[areas[i].LADCode] = true
			}
		}
		s := newScheme(scheme, g, areas)
		for _, m := range matches[scheme] {
			r := m.row
			if len(m.candidates) > 1 {
				var in []string
				for _, c := range m.candidates {
					if lads[areas[byMSOA[c][0]].LADCode] {
						in = append(in, c)
					}
				}
				if len(in) != 1 {
					res.Problems = append(res.Problems, Problem{Row: r, Shared: m.candidates})
					continue
				}
				m.areas = byMSOA[in[0]]
			}
			if len(m.areas) == 0 {
				res.Unmatched = append(res.Unmatched, Unmatched{Row: r, UnknownName: m.unknown})
				continue
			}
			res.Problems = s.add(r, m.how, m.areas, res.Problems)
		}
		res.Localities = append(res.Localities, s.localities()...)
	}
	return res
}

// ResolvePolygons resolves locality polygons over areas of geography g:
// each holds the areas whose representative point lies inside it. A
// polygon that holds no area's point is Unmatched (its row names only the
// scheme and locality).
func ResolvePolygons(lp *record.LocalityPolygons, g placeplan.Geography, areas []record.Area) *Resolution {
	res := &Resolution{}
	s := newScheme(lp.Scheme, g, areas)
	for k, name := range lp.Names {
		poly := lp.Polygons[k]
		bd := poly.Bound()
		var in []int
		for i, a := range areas {
			if a.Point != (orb.Point{}) && bd.Contains(a.Point) && geo.Contains(poly, a.Point) {
				in = append(in, i)
			}
		}
		if len(in) == 0 {
			res.Unmatched = append(res.Unmatched, Unmatched{Row: record.LocalityRow{Scheme: lp.Scheme, Locality: name}})
			continue
		}
		row := record.LocalityRow{Scheme: lp.Scheme, Locality: name}
		res.Problems = s.add(row, "areas whose representative point lies inside the polygon", in, res.Problems)
	}
	res.Localities = s.localities()
	return res
}

// scheme gathers the localities of one scheme, each area in one of them.
type scheme struct {
	name    string
	g       placeplan.Geography
	areas   []record.Area
	members map[string][]int    // locality → areas
	how     map[string][]string // locality → what its definitions name
	owner   map[int]string      // area → its locality
	line    map[int]int         // area → the line that gave it its locality
}

func newScheme(name string, g placeplan.Geography, areas []record.Area) *scheme {
	return &scheme{name: name, g: g, areas: areas, members: map[string][]int{}, how: map[string][]string{},
		owner: map[int]string{}, line: map[int]int{}}
}

// add puts areas into the row's locality, appending to probs a problem for
// each area another locality of the scheme already holds.
func (s *scheme) add(r record.LocalityRow, how string, areas []int, probs []Problem) []Problem {
	s.how[r.Locality] = append(s.how[r.Locality], how)
	for _, i := range areas {
		if prev, dup := s.owner[i]; dup {
			if prev != r.Locality {
				probs = append(probs, Problem{Row: r, Area: s.areas[i].Code, First: prev, FirstLine: s.line[i]})
			}
			continue
		}
		s.owner[i], s.line[i] = r.Locality, r.Line
		s.members[r.Locality] = append(s.members[r.Locality], i)
	}
	return probs
}

// localities returns the scheme's localities by name, each with its areas
// by code and how it was defined.
func (s *scheme) localities() []placeplan.Locality {
	var out []placeplan.Locality
	for _, name := range slices.Sorted(maps.Keys(s.members)) {
		l := placeplan.Locality{Scheme: s.name, Name: name, Geography: s.g, Definition: "defined by " + strings.Join(summarised(s.how[name]), ", ")}
		for _, i := range s.members[name] {
			l.Areas = append(l.Areas, s.areas[i].Code)
		}
		slices.Sort(l.Areas)
		out = append(out, l)
	}
	return out
}

// summarised shortens a long list of definitions for the words of a
// locality's definition.
func summarised(xs []string) []string {
	if len(xs) > 6 {
		return []string{fmt.Sprintf("%d codes (%s, …)", len(xs), strings.Join(xs[:3], ", "))}
	}
	return xs
}
