package wire

import (
	"time"

	"placeplan"
)

// Dataset is one ingested dataset.
type Dataset struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Format      string `json:"format"`
	Vintage     string `json:"vintage"`
	Geography   string `json:"geography"`
	Source      string `json:"source"`
	SHA256      string `json:"sha256"`
	Publisher   string `json:"publisher"`
	Licence     string `json:"licence"`
	Attribution string `json:"attribution"`
	Records     int    `json:"records"`
	IngestedAt  string `json:"ingested_at"` // RFC 3339, UTC
}

// NewDataset converts a dataset for the wire.
func NewDataset(d placeplan.Dataset) Dataset {
	return Dataset{
		ID:          d.ID,
		Kind:        string(d.Kind),
		Format:      d.Format,
		Vintage:     d.Vintage,
		Geography:   string(d.Geography),
		Source:      d.Source,
		SHA256:      d.SHA256,
		Publisher:   d.Publisher,
		Licence:     d.Licence,
		Attribution: d.Attribution,
		Records:     d.Records,
		IngestedAt:  d.IngestedAt.UTC().Format(time.RFC3339),
	}
}

// Area is one small area without its boundary. Lon and Lat are the
// representative point in WGS84, null when unknown.
type Area struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	MSOACode  string   `json:"msoa_code"`
	MSOAName  string   `json:"msoa_name"`
	LADCode   string   `json:"lad_code"`
	LADName   string   `json:"lad_name"`
	Vintage   string   `json:"vintage"` // the geography: lsoa11 or lsoa21
	Lon       *float64 `json:"lon"`
	Lat       *float64 `json:"lat"`
	PointKind string   `json:"point_kind"`
}

// NewArea converts a small area for the wire, its point rounded.
func NewArea(a placeplan.Area) Area {
	r := Area{
		Code:      a.Code,
		Name:      a.Name,
		MSOACode:  a.MSOACode,
		MSOAName:  a.MSOAName,
		LADCode:   a.LADCode,
		LADName:   a.LADName,
		Vintage:   string(a.Geography),
		PointKind: a.PointKind,
	}
	if a.Point != ([2]float64{}) {
		lon, lat := RoundCoord(a.Point[0]), RoundCoord(a.Point[1])
		r.Lon, r.Lat = &lon, &lat
	}
	return r
}

// AreaProfile is one small area with every indicator value held for it.
type AreaProfile struct {
	Area
	Indicators []IndicatorValue `json:"indicators"`
}

// IndicatorValue is one indicator's value for one area. Value is null
// when the value is suppressed (Suppressed is then true).
type IndicatorValue struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Unit       string   `json:"unit"`
	Kind       string   `json:"kind"`
	Direction  string   `json:"direction"`
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed,omitempty"`
	// Rank (1 = most need) and Decile (1 = the most needy tenth) among
	// RankOf areas; RankBasis says whether they are MHCLG's published
	// national ones, computed over all of England's areas, or over the
	// areas loaded. Absent for suppressed values, ranks, deciles and
	// populations.
	Rank      *int   `json:"rank,omitempty"`
	Decile    *int   `json:"decile,omitempty"`
	RankOf    int    `json:"rank_of,omitempty"`
	RankBasis string `json:"rank_basis,omitempty"`
}

// NewIndicatorValue converts one indicator's value for one area for the
// wire: v is the value as it may be published, nil when it is withheld.
func NewIndicatorValue(ind placeplan.Indicator, v *float64) IndicatorValue {
	return IndicatorValue{
		Key:        ind.Key,
		Name:       ind.Name,
		Unit:       ind.Unit,
		Kind:       ind.Kind,
		Direction:  ind.Direction.String(),
		Value:      v,
		Suppressed: v == nil,
	}
}

// Locality is one locality with its member area codes.
type Locality struct {
	ID         int64    `json:"id"`
	Scheme     string   `json:"scheme"`
	Name       string   `json:"name"`
	Geography  string   `json:"geography"`
	Definition string   `json:"definition"`
	Areas      []string `json:"areas"`
	AreaCount  int      `json:"area_count"`
}

// NewLocality converts a locality for the wire; Areas is never null.
func NewLocality(l placeplan.Locality) Locality {
	areas := l.Areas
	if areas == nil {
		areas = []string{}
	}
	return Locality{
		ID:         l.ID,
		Scheme:     l.Scheme,
		Name:       l.Name,
		Geography:  string(l.Geography),
		Definition: l.Definition,
		Areas:      areas,
		AreaCount:  len(l.Areas),
	}
}

// Layer describes one drawable layer and where to fetch it.
type Layer struct {
	ID           string   `json:"id"`   // areas-lsoa11, localities-lsoa11, sites-<layer>
	Kind         string   `json:"kind"` // areas, localities or sites
	Title        string   `json:"title"`
	Geography    string   `json:"geography,omitempty"`  // areas and localities
	Layer        string   `json:"layer,omitempty"`      // sites: the point layer's name
	GeometryType string   `json:"geometry_type"`        // MultiPolygon or Point
	Count        int      `json:"count"`                // areas, localities or points held; areas without a boundary are left out of the layer
	Indicators   []string `json:"indicators,omitempty"` // areas: the indicator keys the layer can carry
	Links        []Link   `json:"links"`
}

// Link is a typed hyperlink.
type Link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type"`
}
