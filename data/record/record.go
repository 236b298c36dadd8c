// Package record holds what placeplan's file readers return and its store
// writes: small-area records, indicator tables, boundaries, point layers,
// lookups, names, centroids and locality definitions, together with the
// checks every reader shares (area code patterns, coordinates, header
// names) and the problem list through which each reports what is wrong.
// It knows nothing of any file format or of SQLite.
package record

import (
	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/geo"
)

// Licence and attribution lines for the official files placeplan recognises.
const (
	OGL            = "Open Government Licence v3.0"
	OGLAttribution = "Contains public sector information licensed under the Open Government Licence v3.0."
	MHCLG          = "Ministry of Housing, Communities and Local Government"
	ONS            = "Office for National Statistics"
	ONSAttribution = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right."
	// LSOA2011BGCAttribution is the line of ONS's December 2011
	// generalised clipped LSOA boundaries as Martin Chorley's
	// UK-GeoJSON converted them (the shared England file, and the
	// embedded default's): the year of the data and the converter's
	// CC-BY credit.
	LSOA2011BGCAttribution = "Contains National Statistics data © Crown copyright and database right 2014. Contains OS data © Crown copyright and database right 2014. " +
		"GeoJSON and TopoJSON UK Boundary Data by Martin Chorley (CC-BY-4.0)."
)

// Area is what one file says about one small area; empty fields say
// nothing.
type Area struct {
	Code      string
	Name      string
	MSOACode  string
	MSOAName  string
	LADCode   string
	LADName   string
	Geometry  orb.MultiPolygon // WGS84
	Point     orb.Point
	PointKind string
	Issue     string // geometry problems found and repaired
}

// IndicatorTable is an indicator file read and validated: one row per area,
// one column per indicator.
type IndicatorTable struct {
	Name        string                // file name
	Format      string                // what the file was recognised as
	Kind        placeplan.DatasetKind // DatasetIoD or DatasetIndicators
	Vintage     string
	Geography   placeplan.Geography
	Publisher   string
	Licence     string
	Attribution string
	Areas       []Area
	Indicators  []placeplan.Indicator
	Values      [][]float64 // Values[i][j]: indicator i, area j; NaN when missing
	Warnings    []string
}

// IndicatorMeta is the metadata file that describes the value columns of
// an indicator CSV: one row per indicator.
//
//	indicator,name,unit,direction,kind,denominator,confidential
//	early_help_referrals,Early help referrals 2024/25,referrals,higher_is_worse,count,children,yes
type IndicatorMeta struct {
	Name       string
	Indicators map[string]placeplan.Indicator
}

// BoundarySet is a boundary file matched to small areas: each area's code,
// name, district and WGS84 geometry, repaired where it was invalid.
type BoundarySet struct {
	Name      string
	Format    string
	Geography placeplan.Geography
	SourceCRS geo.CRS
	// Attribution is the line the file's licence asks for, when the
	// reader knows the file; "" takes ONS's.
	Attribution string
	Areas       []Area
	Repaired    int // polygons whose rings were repaired
	Warnings    []string
}

// PointLayer is a point file read and validated: sites in WGS84.
type PointLayer struct {
	Name      string // file name
	Layer     string // layer name the sites are stored under
	Format    string
	SourceCRS geo.CRS
	Sites     []placeplan.Site
}

// Lookup is an ONS lookup from LSOAs to their MSOA and local authority
// district, or (Changes) the LSOA 2011 → 2021 lookup.
type Lookup struct {
	Name      string
	Format    string
	Geography placeplan.Geography
	Areas     []Area
	MSOAs     []MSOAName
	Changes   []LSOAChange
}

// LSOAChange is one row of the ONS LSOA 2011 → 2021 lookup.
type LSOAChange struct {
	LSOA11, LSOA21 string
	Change         string // U unchanged, S split, M merged, X complex
}

// MSOAName is an MSOA's ONS name and House of Commons Library name.
type MSOAName struct {
	Code, Name, HCLName string
}

// MSOANames is a file of MSOA names (House of Commons Library layout).
type MSOANames struct {
	Name      string
	Geography placeplan.Geography
	MSOAs     []MSOAName
}

// Centroids is a file of LSOA population-weighted centroids (ONS layout,
// British National Grid x, y).
type Centroids struct {
	Name      string
	Geography placeplan.Geography
	Codes     []string
	Points    []orb.Point // WGS84
}

// LocalityDefs defines localities from lists of area codes (LSOA, MSOA or
// local authority district) or House of Commons Library MSOA names.
type LocalityDefs struct {
	Name string
	Rows []LocalityRow
}

// LocalityRow says that a locality contains one area, MSOA or district.
type LocalityRow struct {
	Line      int
	Scheme    string
	Locality  string
	Geography placeplan.Geography // "" when the file does not say
	Code      string              // an LSOA, MSOA or LAD code, or ""
	MSOAName  string              // a House of Commons Library MSOA name, or ""
}

// LocalityPolygons defines localities as the areas whose representative
// point falls inside each polygon.
type LocalityPolygons struct {
	Name     string
	Scheme   string
	Names    []string
	Polygons []orb.MultiPolygon // WGS84
}

// DemandPoint is a weighted point of demand for site selection: a small
// area at its representative point, in WGS84.
type DemandPoint struct {
	ID     string
	Point  orb.Point
	Weight float64
}

// Candidate is a place a team could be based, in WGS84; Capacity is NaN
// when not given.
type Candidate struct {
	ID       string
	Point    orb.Point
	Capacity float64
}

// ODCost is one origin–destination pair of an imported travel-cost matrix.
type ODCost struct {
	Origin, Destination string
	Cost                float64 // minutes or km, as the matrix says
}
