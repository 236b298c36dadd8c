package api

import (
	"math"
	"time"

	"placeplan"
)

// Wire models: what the JSON endpoints send, with explicit converters from
// the domain types (which carry no tags).

// coordFactor rounds coordinates to 6 decimal places (about 0.1 m).
const coordFactor = 1e6

// roundCoord rounds a WGS84 coordinate to 6 decimal places.
func roundCoord(v float64) float64 { return math.Round(v*coordFactor) / coordFactor }

// datasetResponse is one ingested dataset.
type datasetResponse struct {
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

func toDatasetResponse(d placeplan.Dataset) datasetResponse {
	return datasetResponse{
		ID:          d.ID,
		Kind:        d.Kind,
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

// areaResponse is one small area without its boundary. Lon and Lat are the
// representative point in WGS84, null when unknown.
type areaResponse struct {
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

func toAreaResponse(a placeplan.Area) areaResponse {
	r := areaResponse{
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
		lon, lat := roundCoord(a.Point[0]), roundCoord(a.Point[1])
		r.Lon, r.Lat = &lon, &lat
	}
	return r
}

// areaProfileResponse is one small area with every indicator value held
// for it.
type areaProfileResponse struct {
	areaResponse
	Indicators []indicatorValueResponse `json:"indicators"`
}

// indicatorValueResponse is one indicator's value for one area. Value is
// null when the value is suppressed (Suppressed is then true).
type indicatorValueResponse struct {
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

func toIndicatorValueResponse(ind placeplan.Indicator, v float64, d placeplan.Disclosure) indicatorValueResponse {
	r := indicatorValueResponse{
		Key:       ind.Key,
		Name:      ind.Name,
		Unit:      ind.Unit,
		Kind:      ind.Kind,
		Direction: ind.Direction.String(),
	}
	if pv, ok := publish(ind, v, d); ok {
		r.Value = &pv
	} else {
		r.Suppressed = true
	}
	return r
}

// publish applies the disclosure policy to one value and reports whether
// it may be shown. A value JSON cannot carry (NaN, ±Inf) is withheld too.
func publish(ind placeplan.Indicator, v float64, d placeplan.Disclosure) (float64, bool) {
	pv, suppressed := d.Apply(ind, v)
	if suppressed || math.IsNaN(pv) || math.IsInf(pv, 0) {
		return 0, false
	}
	return pv, true
}

// localityResponse is one locality with its member area codes.
type localityResponse struct {
	ID         int64    `json:"id"`
	Scheme     string   `json:"scheme"`
	Name       string   `json:"name"`
	Geography  string   `json:"geography"`
	Definition string   `json:"definition"`
	Areas      []string `json:"areas"`
	AreaCount  int      `json:"area_count"`
}

func toLocalityResponse(l placeplan.Locality) localityResponse {
	areas := l.Areas
	if areas == nil {
		areas = []string{}
	}
	return localityResponse{
		ID:         l.ID,
		Scheme:     l.Scheme,
		Name:       l.Name,
		Geography:  string(l.Geography),
		Definition: l.Definition,
		Areas:      areas,
		AreaCount:  len(l.Areas),
	}
}

// layerResponse describes one drawable layer and where to fetch it.
type layerResponse struct {
	ID           string   `json:"id"`   // areas-lsoa11, localities-lsoa11, sites-<layer>
	Kind         string   `json:"kind"` // areas, localities or sites
	Title        string   `json:"title"`
	Geography    string   `json:"geography,omitempty"`  // areas and localities
	Layer        string   `json:"layer,omitempty"`      // sites: the point layer's name
	GeometryType string   `json:"geometry_type"`        // MultiPolygon or Point
	Count        int      `json:"count"`                // areas, localities or points held; areas without a boundary are left out of the layer
	Indicators   []string `json:"indicators,omitempty"` // areas: the indicator keys the layer can carry
	Links        []link   `json:"links"`
}

// link is a typed hyperlink.
type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type"`
}
