package scenario

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"placeplan"
)

// SearchStore is what the search index reads. *data.Store satisfies it.
type SearchStore interface {
	Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error)
	Localities(ctx context.Context, geog placeplan.Geography) ([]placeplan.Locality, error)
	Sites(ctx context.Context, layer string) ([]placeplan.Site, error)
}

// Kinds of place a search finds, in the order they are listed when they
// match a query equally well.
const (
	SearchDistrict = "district" // a local authority district, by code or name
	SearchLocality = "locality" // a locality of a scheme, by name
	SearchTown     = "town"     // a point of a point layer, by name
	SearchMSOA     = "msoa"     // an MSOA, by code, House of Commons Library name or ONS name
	SearchArea     = "area"     // a small area (LSOA), by code or name
)

// searchKindRank is a kind's place in that order.
func searchKindRank(kind string) int {
	switch kind {
	case SearchDistrict:
		return 0
	case SearchLocality:
		return 1
	case SearchTown:
		return 2
	case SearchMSOA:
		return 3
	}
	return 4
}

// Limits of a search.
const (
	DefaultSearchLimit = 10
	MaxSearchLimit     = 50
	MinSearchLength    = 2 // letters or digits in the query, after normalising
)

// SearchResult is one place a search found, with where to show it.
type SearchResult struct {
	Kind string // one of the Search kinds
	// Code is the area, MSOA or district code, the locality's id, or the
	// town's id in its layer.
	Code   string
	Name   string
	Detail string // what it is, in words: "LSOA 2011 in Shropshire"
	// Geography is the geography of the areas it is made of; "" for a town.
	Geography placeplan.Geography
	// Bound is the bounding box of its member areas' boundaries (WGS84); a
	// town's, or a place without boundaries', is its point.
	Bound orb.Bound
	// Point is where to put a marker (WGS84): an area's representative
	// point, for a group of areas that of the member area nearest their
	// centre, a town's own point.
	Point orb.Point
}

// SearchQuery is what to look for.
type SearchQuery struct {
	Text      string              // matched case-insensitively, punctuation and extra spaces ignored
	Geography placeplan.Geography // only places of this geography, and towns; "" for every geography
	Limit     int                 // at most this many results; 0 for DefaultSearchLimit, at most MaxSearchLimit
}

// SearchIndex finds places by code or name. Build it once per data
// revision with NewSearchIndex; Search is safe for concurrent use.
type SearchIndex struct {
	places []SearchResult
	// rank orders places that match equally well: by kind, then shorter
	// names, then name, geography and code.
	rank []int32
	// geog is each place's geography as a position in geogs plus one, 0
	// for a town: compact, for filtering many matches fast.
	geog  []uint8
	geogs []placeplan.Geography
	// suffixes are every name and code of every place from each word's
	// start, sorted, for exact, prefix and word-prefix matches by binary
	// search.
	suffixes []searchSuffix
	// text holds every place's names and codes, each after a NUL, for
	// substring matches; starts[k] is where key k starts and owner[k] its
	// place.
	text   string
	starts []int
	owner  []int32
}

// searchSuffix is one name or code of a place from one word's start.
type searchSuffix struct {
	text  string // normalised, from the word's start to the key's end
	place int32
	whole bool // from the key's start
}

// Match tiers, best first.
const (
	tierExact = iota + 1
	tierPrefix
	tierWordPrefix
	tierSubstring
)

// NewSearchIndex reads the areas, localities and point layers of st and
// indexes them: small areas (code, name), MSOAs (code, House of Commons
// Library name, ONS name), districts (code, name) and localities (name)
// of each geography, and the points of every point layer as towns (name).
func NewSearchIndex(ctx context.Context, st SearchStore) (*SearchIndex, error) {
	areas, err := st.Areas(ctx, placeplan.AreaQuery{})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	locs, err := st.Localities(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	sites, err := st.Sites(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	b := &searchBuilder{}
	type group struct {
		members  []*placeplan.Area
		name     string
		onsNames map[string]bool
	}
	type groupKey struct {
		geog placeplan.Geography
		code string
	}
	msoas, districts := map[groupKey]*group{}, map[groupKey]*group{}
	var msoaOrder, districtOrder []groupKey
	byCode := make(map[groupKey]*placeplan.Area, len(areas))
	for i := range areas {
		a := &areas[i]
		byCode[groupKey{a.Geography, a.Code}] = a
		detail := a.Geography.Label()
		if a.LADName != "" {
			detail += " in " + a.LADName
		}
		b.add(SearchResult{Kind: SearchArea, Code: a.Code, Name: a.Name, Detail: detail, Geography: a.Geography,
			Bound: areaBound(a), Point: a.Point}, a.Code, a.Name)
		if a.MSOACode != "" {
			k := groupKey{a.Geography, a.MSOACode}
			g := msoas[k]
			if g == nil {
				g = &group{name: a.MSOAName, onsNames: map[string]bool{}}
				msoas[k] = g
				msoaOrder = append(msoaOrder, k)
			}
			g.members = append(g.members, a)
			g.onsNames[onsMSOAName(a.Name)] = true
		}
		if a.LADCode != "" {
			k := groupKey{a.Geography, a.LADCode}
			g := districts[k]
			if g == nil {
				g = &group{name: a.LADName}
				districts[k] = g
				districtOrder = append(districtOrder, k)
			}
			g.members = append(g.members, a)
		}
	}
	for _, k := range msoaOrder {
		g := msoas[k]
		names := []string{k.code, g.name}
		detail := strings.Replace(k.geog.Label(), "LSOA", "MSOA", 1)
		if lad := g.members[0].LADName; lad != "" {
			detail += " in " + lad
		}
		// The ONS name ("Shropshire 027") when every member area's name
		// gives the same one.
		if ons := onlyKey(g.onsNames); ons != "" && ons != g.name {
			names = append(names, ons)
			detail += " (" + ons + ")"
		}
		name := cmp.Or(g.name, k.code)
		bound, point := groupPlace(g.members)
		b.add(SearchResult{Kind: SearchMSOA, Code: k.code, Name: name, Detail: detail, Geography: k.geog, Bound: bound, Point: point}, names...)
	}
	for _, k := range districtOrder {
		g := districts[k]
		bound, point := groupPlace(g.members)
		b.add(SearchResult{Kind: SearchDistrict, Code: k.code, Name: cmp.Or(g.name, k.code),
			Detail:    fmt.Sprintf("local authority district: %d %s areas", len(g.members), k.geog.Label()),
			Geography: k.geog, Bound: bound, Point: point}, k.code, g.name)
	}
	for _, l := range locs {
		var members []*placeplan.Area
		for _, code := range l.Areas {
			if a := byCode[groupKey{l.Geography, code}]; a != nil {
				members = append(members, a)
			}
		}
		if len(members) == 0 {
			continue
		}
		bound, point := groupPlace(members)
		b.add(SearchResult{Kind: SearchLocality, Code: strconv.FormatInt(l.ID, 10), Name: l.Name, Detail: l.Scheme,
			Geography: l.Geography, Bound: bound, Point: point}, l.Name)
	}
	if len(sites) > 0 {
		near := newAreaFinder(areas)
		for _, st := range sites {
			name := cmp.Or(st.Name, st.ID)
			detail := st.Layer + " layer"
			if a := near.at(st.Point); a != nil && a.LADName != "" {
				detail = "in " + a.LADName + " (" + detail + ")"
			}
			b.add(SearchResult{Kind: SearchTown, Code: st.ID, Name: name, Detail: detail,
				Bound: orb.Bound{Min: st.Point, Max: st.Point}, Point: st.Point}, name)
		}
	}
	return b.build(), nil
}

// Search returns the places matching q.Text, best first: an exact code or
// name, then a code or name that starts with it, then one with a word that
// starts with it, then one that contains it; equally good matches by kind
// (districts, localities, towns, MSOAs, areas), then shorter names first.
// A query of fewer than MinSearchLength letters or digits is EINVALID.
func (ix *SearchIndex) Search(q SearchQuery) ([]SearchResult, error) {
	text := normaliseSearch(q.Text)
	if utf8.RuneCountInString(strings.ReplaceAll(text, " ", "")) < MinSearchLength {
		return nil, placeplan.Errorf(placeplan.EINVALID, "q %q: give at least %d letters or digits", q.Text, MinSearchLength)
	}
	limit := q.Limit
	switch {
	case limit < 0:
		return nil, placeplan.Errorf(placeplan.EINVALID, "limit %d: want 1 to %d", limit, MaxSearchLimit)
	case limit == 0:
		limit = DefaultSearchLimit
	case limit > MaxSearchLimit:
		limit = MaxSearchLimit
	}
	want := uint8(0) // any geography
	if q.Geography != "" {
		want = uint8(len(ix.geogs) + 1) // none held: towns only
		if i := slices.Index(ix.geogs, q.Geography); i >= 0 {
			want = uint8(i + 1)
		}
	}
	tier := make([]uint8, len(ix.places)) // best tier per place, 0 for no match
	var found []int32
	hit := func(p int32, t uint8) {
		if g := ix.geog[p]; want != 0 && g != 0 && g != want {
			return
		}
		switch {
		case tier[p] == 0:
			tier[p] = t
			found = append(found, p)
		case t < tier[p]:
			tier[p] = t
		}
	}
	i := sort.Search(len(ix.suffixes), func(i int) bool { return ix.suffixes[i].text >= text })
	for ; i < len(ix.suffixes) && strings.HasPrefix(ix.suffixes[i].text, text); i++ {
		s := ix.suffixes[i]
		switch {
		case s.whole && len(s.text) == len(text):
			hit(s.place, tierExact)
		case s.whole:
			hit(s.place, tierPrefix)
		default:
			hit(s.place, tierWordPrefix)
		}
	}
	if len(found) < limit {
		// Substrings: slower, and only ever after the matches above.
		for from := 0; ; {
			j := strings.Index(ix.text[from:], text)
			if j < 0 {
				break
			}
			at := from + j
			k := sort.Search(len(ix.starts), func(k int) bool { return ix.starts[k] > at }) - 1
			hit(ix.owner[k], tierSubstring)
			from = at + 1
		}
	}
	better := func(a, b int32) int {
		return cmp.Or(cmp.Compare(tier[a], tier[b]), cmp.Compare(ix.rank[a], ix.rank[b]))
	}
	// Keep the best limit, in order, without sorting every match.
	best := make([]int32, 0, limit+1)
	for _, p := range found {
		if len(best) == limit && better(p, best[limit-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, p, better)
		best = slices.Insert(best, at, p)
		if len(best) > limit {
			best = best[:limit]
		}
	}
	out := make([]SearchResult, len(best))
	for i, p := range best {
		out[i] = ix.places[p]
	}
	return out, nil
}

// searchBuilder collects the places and their keys.
type searchBuilder struct {
	places []SearchResult
	keys   [][]string // normalised names and codes, per place
}

func (b *searchBuilder) add(r SearchResult, names ...string) {
	var keys []string
	for _, n := range names {
		if k := normaliseSearch(n); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	b.places = append(b.places, r)
	b.keys = append(b.keys, keys)
}

func (b *searchBuilder) build() *SearchIndex {
	ix := &SearchIndex{places: b.places}
	var text strings.Builder
	for p, keys := range b.keys {
		for _, k := range keys {
			text.WriteByte(0)
			ix.starts = append(ix.starts, text.Len())
			ix.owner = append(ix.owner, int32(p))
			text.WriteString(k)
			for i := 0; i < len(k); i++ {
				if i == 0 || k[i-1] == ' ' {
					ix.suffixes = append(ix.suffixes, searchSuffix{text: k[i:], place: int32(p), whole: i == 0})
				}
			}
		}
	}
	ix.text = text.String()
	slices.SortFunc(ix.suffixes, func(a, b searchSuffix) int { return strings.Compare(a.text, b.text) })
	order := make([]int32, len(ix.places))
	for p := range order {
		order[p] = int32(p)
	}
	slices.SortFunc(order, func(a, b int32) int {
		pa, pb := &ix.places[a], &ix.places[b]
		return cmp.Or(cmp.Compare(searchKindRank(pa.Kind), searchKindRank(pb.Kind)),
			cmp.Compare(len(pa.Name), len(pb.Name)), strings.Compare(pa.Name, pb.Name),
			strings.Compare(string(pa.Geography), string(pb.Geography)), strings.Compare(pa.Code, pb.Code))
	})
	ix.rank = make([]int32, len(ix.places))
	for r, p := range order {
		ix.rank[p] = int32(r)
	}
	ix.geog = make([]uint8, len(ix.places))
	for p, pl := range ix.places {
		if pl.Geography == "" {
			continue
		}
		i := slices.Index(ix.geogs, pl.Geography)
		if i < 0 {
			i = len(ix.geogs)
			ix.geogs = append(ix.geogs, pl.Geography)
		}
		ix.geog[p] = uint8(i + 1)
	}
	return ix
}

// normaliseSearch folds a name, code or query for matching: lower case,
// apostrophes dropped ("Bishop's" is "bishops"), "&" read as "and", any
// other run of punctuation or space one space, none at either end.
func normaliseSearch(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false // a space is due before the next letter or digit
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘':
			continue
		case r == '&':
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("and")
			gap = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(unicode.ToLower(r))
		default:
			gap = true
		}
	}
	return b.String()
}

// onsMSOAName is the MSOA name the ONS naming rule gives an LSOA name,
// "Shropshire 027A" → "Shropshire 027", or "" when the name does not
// follow the rule.
func onsMSOAName(lsoa string) string {
	n := len(lsoa)
	if n < 5 || lsoa[n-1] < 'A' || lsoa[n-1] > 'Z' || lsoa[n-2] < '0' || lsoa[n-2] > '9' {
		return ""
	}
	return lsoa[:n-1]
}

// onlyKey returns the one non-empty key of a set, or "" when there is
// none or more than one.
func onlyKey(set map[string]bool) string {
	if len(set) != 1 {
		return ""
	}
	for k := range set {
		return k
	}
	return ""
}

// areaBound is an area's bounding box, its point when it has no boundary.
func areaBound(a *placeplan.Area) orb.Bound {
	if a.Bound != (orb.Bound{}) {
		return a.Bound
	}
	return orb.Bound{Min: a.Point, Max: a.Point}
}

// groupPlace is the bounding box of a group of areas and the point of the
// member nearest the mean of their points (a place in a populated area,
// never in a field between towns).
func groupPlace(members []*placeplan.Area) (orb.Bound, orb.Point) {
	bound := areaBound(members[0])
	var sx, sy float64
	for _, a := range members {
		bound = bound.Union(areaBound(a))
		sx += a.Point[0]
		sy += a.Point[1]
	}
	mean := orb.Point{sx / float64(len(members)), sy / float64(len(members))}
	kx := math.Cos(mean[1] * math.Pi / 180)
	best, bestD := members[0].Point, math.Inf(1)
	for _, a := range members {
		dx, dy := (a.Point[0]-mean[0])*kx, a.Point[1]-mean[1]
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = a.Point, d
		}
	}
	return bound, best
}

// areaFinder finds the area a point is in, by bounding box and then the
// nearest representative point: near enough to name a town's district.
type areaFinder struct {
	areas []placeplan.Area
	index rtree.RTreeG[int]
}

func newAreaFinder(areas []placeplan.Area) *areaFinder {
	f := &areaFinder{areas: areas}
	for i, a := range areas {
		if a.Bound != (orb.Bound{}) {
			f.index.Insert([2]float64(a.Bound.Min), [2]float64(a.Bound.Max), i)
		}
	}
	return f
}

// at returns the area whose box holds p and whose point is nearest p, or
// nil when no box holds it.
func (f *areaFinder) at(p orb.Point) *placeplan.Area {
	best, bestD := -1, math.Inf(1)
	f.index.Search([2]float64(p), [2]float64(p), func(_, _ [2]float64, i int) bool {
		q := f.areas[i].Point
		if d := (q[0]-p[0])*(q[0]-p[0]) + (q[1]-p[1])*(q[1]-p[1]); d < bestD {
			best, bestD = i, d
		}
		return true
	})
	if best < 0 {
		return nil
	}
	return &f.areas[best]
}
