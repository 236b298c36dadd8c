// Package feature is what placeplan's vector readers (GeoJSON, ESRI
// Shapefile, GeoPackage) return — a Set of features with their properties
// and geometry in the file's CRS — with the helpers those readers share,
// and the matching of a Set to records: LSOA boundaries (Boundaries),
// point layers (Points) and locality polygons (Localities), each
// reprojected to WGS84 and validated.
package feature

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/record"
	"placeplan/geo"
)

// Feature is one record of a boundary or point file as read, before it is
// matched to small areas: its attributes and its geometry in the file's CRS.
// Attribute values are string, float64, int64, bool or nil.
type Feature struct {
	Properties map[string]any
	Geometry   orb.Geometry
}

// Set is the content of one vector file: its features, the CRS their
// coordinates are in, and what the file turned out to be.
type Set struct {
	Format   string // "GeoJSON", "ESRI Shapefile" or "GeoPackage"
	Layer    string // layer or table name, where the format has one
	CRS      geo.CRS
	Features []Feature
}

// PropString returns a feature property as text.
func PropString(props map[string]any, key string) string {
	switch v := props[key].(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	}
	return ""
}

// PropKey finds the property whose normalised name (record.NormHeader) is
// one of names, or "".
func PropKey(props map[string]any, names ...string) string {
	for k := range props {
		n := record.NormHeader(k)
		for _, want := range names {
			if n == want {
				return k
			}
		}
	}
	return ""
}

// CRSFromWKT recognises a WKT CRS definition, or returns an EUNSUPPORTED
// error that names the CRS and its projection. where prefixes the message
// ("prj", "gpkg: layer lsoa").
func CRSFromWKT(where, wkt string) (geo.CRS, error) {
	crs, err := geo.CRSFromWKT(wkt)
	if err == nil {
		return crs, nil
	}
	name, projection := wktNames(wkt)
	if name == "" {
		return geo.CRSUnknown, placeplan.Errorf(placeplan.EUNSUPPORTED, "%s: %w", where, err)
	}
	msg := fmt.Sprintf("%s: unsupported crs %q", where, name)
	if projection != "" {
		msg += fmt.Sprintf(" (projection %s)", projection)
	}
	return geo.CRSUnknown, &placeplan.Error{Code: placeplan.EUNSUPPORTED,
		Message: msg + ": placeplan reads EPSG:4326 and EPSG:27700"}
}

var (
	wktNameRE       = regexp.MustCompile(`^\s*[A-Za-z]+\s*[\[(]\s*"([^"]*)"`)
	wktProjectionRE = regexp.MustCompile(`(?i)(?:PROJECTION|METHOD)\s*[\[(]\s*"([^"]*)"`)
)

// wktNames returns the name of the CRS a WKT string defines and its
// projection method, where it says.
func wktNames(wkt string) (name, projection string) {
	if m := wktNameRE.FindStringSubmatch(wkt); m != nil {
		name = m[1]
	}
	if m := wktProjectionRE.FindStringSubmatch(wkt); m != nil {
		projection = m[1]
	}
	return name, projection
}

// Finite reports whether both coordinates of p are finite numbers.
func Finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// RingArea2 returns twice the signed area of r: positive when r runs
// counter-clockwise (x east, y north). Coordinates are taken relative to the
// first point to keep precision with large grid coordinates.
func RingArea2(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	x0, y0 := r[0][0], r[0][1]
	sum := 0.0
	for i := 1; i+1 < len(r); i++ {
		sum += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return sum
}

// ListNames joins names for a message, eliding after the tenth.
func ListNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	if len(names) > 10 {
		return strings.Join(names[:10], ", ") + fmt.Sprintf(" and %d more", len(names)-10)
	}
	return strings.Join(names, ", ")
}
