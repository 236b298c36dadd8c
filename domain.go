package placeplan

import (
	"time"

	"github.com/paulmach/orb"
)

// Geography names the small-area geography a code, area or value belongs to.
type Geography string

// The small-area geographies placeplan stores.
const (
	LSOA2011 Geography = "lsoa11" // Lower layer Super Output Areas, 2011 (IoD2019; 32,844 in England)
	LSOA2021 Geography = "lsoa21" // Lower layer Super Output Areas, 2021 (IoD2025; 33,755 in England)
)

// Label returns the geography as people write it: "LSOA 2011".
func (g Geography) Label() string {
	switch g {
	case LSOA2011:
		return "LSOA 2011"
	case LSOA2021:
		return "LSOA 2021"
	}
	return string(g)
}

// National LSOA counts in England: the N of every IoD rank.
const (
	LSOACount2011 = 32844
	LSOACount2021 = 33755
)

// LSOAsInEngland returns how many LSOAs of geography g England has (the N
// of every IoD rank of that vintage), or 0 for a geography placeplan does
// not know.
func (g Geography) LSOAsInEngland() int {
	switch g {
	case LSOA2011:
		return LSOACount2011
	case LSOA2021:
		return LSOACount2021
	}
	return 0
}

// Other returns the other LSOA vintage: LSOA 2021 for LSOA 2011 and LSOA
// 2011 for anything else.
func (g Geography) Other() Geography {
	if g == LSOA2011 {
		return LSOA2021
	}
	return LSOA2011
}

// Dataset records one ingested file: what it was, where it came from, the
// licence and the attribution line that must travel with anything derived
// from it.
type Dataset struct {
	ID          int64
	Kind        DatasetKind // iod, indicators, boundaries, points, lookup, names, centroids, localities
	Format      string      // what the reader recognised, e.g. "IoD2019 File 2: domains of deprivation"
	Vintage     string      // IoD2019, IoD2025 or the user's own label; may be empty
	Geography   Geography   // may be empty for point layers
	Source      string      // file name as given
	SHA256      string      // of the file's bytes as read (after decompression)
	Publisher   string
	Licence     string
	Attribution string
	Records     int
	IngestedAt  time.Time
}

// Area is one small area (an LSOA) with its parents, its boundary and a
// representative point, all in WGS84 (EPSG:4326, lon,lat).
type Area struct {
	Code      string
	Name      string
	Geography Geography
	MSOACode  string
	MSOAName  string // House of Commons Library name where known, else the ONS name
	LADCode   string
	LADName   string
	Geometry  orb.MultiPolygon // nil when no boundary has been loaded
	Bound     orb.Bound        // the boundary's bounding box, also when Geometry is not read; zero without a boundary
	Point     orb.Point        // representative point; zero when unknown
	PointKind string           // "population-weighted centroid" or "interior point"
}

// Direction says which way an indicator points.
type Direction int

// Directions: HigherIsWorse means a higher value means more need.
const (
	HigherIsWorse  Direction = 1
	HigherIsBetter Direction = -1
)

// String returns "higher_is_worse" or "higher_is_better".
func (d Direction) String() string {
	if d == HigherIsBetter {
		return "higher_is_better"
	}
	return "higher_is_worse"
}

// Indicator kinds.
const (
	KindCount      = "count"      // a number of people or events; summed when areas are grouped
	KindRate       = "rate"       // a proportion or rate; population-weighted when grouped
	KindScore      = "score"      // a score or ratio; population-weighted when grouped
	KindRank       = "rank"       // a national rank, 1 = most deprived
	KindDecile     = "decile"     // a national decile, 1 = most deprived 10 %
	KindPopulation = "population" // a population denominator
)

// Denominator populations, as the IoD publishes them.
const (
	PopTotal      = "total"       // total population
	PopChildren   = "children"    // dependent children aged 0–15
	PopWorkingAge = "working_age" // working-age population (Employment domain)
	PopOlder      = "older"       // people aged 60 and over
	PopAdults1659 = "adults_16_59"
	PopNone       = "none"
)

// Indicator describes one measure held for small areas.
type Indicator struct {
	ID           int64
	DatasetID    int64
	Key          string // unique within a geography, e.g. imd_score, acute_morbidity_indicator
	Name         string
	Unit         string
	Direction    Direction
	Kind         string   // one of the Kind constants
	Denominator  string   // one of the Pop constants
	Index        IoDIndex // the IoD index (imd, income, …, idaci, idaopi) the measure belongs to, if any
	Geography    Geography
	Vintage      string
	Confidential bool // service data a council holds: small counts are suppressed on output
}

// Value is one indicator's value for one area.
type Value struct {
	Area  string
	Value float64
}

// Locality is a named set of small areas (a town and its hinterland, a
// district, an early-help area).
type Locality struct {
	ID         int64
	Name       string
	Scheme     string // the set of localities it belongs to, e.g. "Shropshire place plan areas"
	Geography  Geography
	Definition string // how it was defined, in words
	Areas      []string
}

// Site is one point of a point layer: a children's centre, family hub, GP
// practice, school or candidate location, in WGS84.
type Site struct {
	Layer      string
	ID         string
	Name       string
	Kind       string
	Status     string
	Capacity   float64 // NaN when not given
	Point      orb.Point
	Properties map[string]string
}

// Disclosure is the small-number suppression policy applied on every output
// path. Confidential count indicators with a value above zero and below
// MinCount are withheld; MinCount 0 switches suppression off.
type Disclosure struct {
	MinCount float64
}

// Apply returns the value to publish for ind and whether it was suppressed.
func (d Disclosure) Apply(ind Indicator, v float64) (float64, bool) {
	if ind.Confidential && ind.Kind == KindCount && d.Withholds(v) {
		return 0, true
	}
	return v, false
}

// Withholds reports whether a figure counted from confidential data (a
// confidential count, or a sum or share of one) is too small to publish.
func (d Disclosure) Withholds(v float64) bool {
	return d.MinCount > 0 && v > 0 && v < d.MinCount
}

// AreaQuery selects small areas. Empty fields select everything.
type AreaQuery struct {
	Geography    Geography
	LAD          string     // local authority district code
	Codes        []string   // only these codes
	Bound        *orb.Bound // only areas whose bounding box meets this one (WGS84)
	WithGeometry bool       // load boundaries (otherwise Geometry is nil)
}
