package record

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/paulmach/orb"

	"placeplan/geo"
)

var (
	lsoaCode = regexp.MustCompile(`^[EW]01\d{6}$`)
	msoaCode = regexp.MustCompile(`^[EW]02\d{6}$`)
	ladCode  = regexp.MustCompile(`^(E0[6789]|W06)\d{6}$`)
)

// IsLSOACode reports whether s is an LSOA code: E01 or W01 and six digits.
func IsLSOACode(s string) bool { return lsoaCode.MatchString(s) }

// IsMSOACode reports whether s is an MSOA code: E02 or W02 and six digits.
func IsMSOACode(s string) bool { return msoaCode.MatchString(s) }

// IsLADCode reports whether s is a local authority district code: a
// unitary authority (E06), non-metropolitan district (E07), metropolitan
// borough (E08), London borough (E09) or Welsh unitary authority (W06).
func IsLADCode(s string) bool { return ladCode.MatchString(s) }

// NormHeader lower-cases h and turns every run of non-alphanumerics into
// one space: "LSOA code (2011)" → "lsoa code 2011". Readers match column
// headers and property names in this form.
func NormHeader(h string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(h) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// IsCodeHeader matches "lad19cd", "lad24cd", "ltla24 code", "lad22cd"
// (normalised by NormHeader) for prefix "lad" or "ltla".
func IsCodeHeader(n, prefix string) bool { return yearHeader(n, prefix, "cd", " code") }

// IsNameHeader matches "lad19nm", "ltla24 name" and the like.
func IsNameHeader(n, prefix string) bool { return yearHeader(n, prefix, "nm", " name") }

// yearHeader matches prefix, a two-digit year and one of two suffixes.
func yearHeader(n, prefix, short, long string) bool {
	if !strings.HasPrefix(n, prefix) {
		return false
	}
	rest := strings.TrimPrefix(n, prefix)
	return len(rest) >= 3 && rest[0] >= '0' && rest[0] <= '9' && rest[1] >= '0' && rest[1] <= '9' &&
		(rest[2:] == short || rest[2:] == long)
}

// SnakeKey turns a header into an indicator key the way R's janitor does:
// "Road distance to a GP surgery indicator (km)" →
// "road_distance_to_a_gp_surgery_indicator_km".
func SnakeKey(h string) string {
	return strings.ReplaceAll(NormHeader(h), " ", "_")
}

// LayerName derives a layer name from a file name: "Family Hubs.csv" → "family_hubs".
func LayerName(file string) string {
	base := file
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	for _, ext := range []string{".gz", ".csv", ".geojson", ".json", ".zip", ".shp", ".gpkg"} {
		base = strings.TrimSuffix(strings.TrimSuffix(base, ext), strings.ToUpper(ext))
	}
	return SnakeKey(base)
}

// TrimBOM drops a UTF-8 byte-order mark from the start of b.
func TrimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return b[3:]
	}
	return b
}

// PointToWGS84 converts a point in crs to WGS84 and checks it is a
// plausible location.
func PointToWGS84(p orb.Point, crs geo.CRS) (orb.Point, error) {
	if crs == geo.BNG {
		if p[0] < -10000 || p[0] > 800000 || p[1] < -20000 || p[1] > 1400000 {
			return p, fmt.Errorf("easting/northing (%g, %g) is outside the British National Grid", p[0], p[1])
		}
		if err := CheckBNG(orb.Bound{Min: p, Max: p}); err != nil {
			return p, err
		}
		lon, lat := geo.BNGToWGS84(p[0], p[1])
		return orb.Point{lon, lat}, nil
	}
	if err := CheckLonLat(orb.Bound{Min: p, Max: p}); err != nil {
		return p, err
	}
	return p, nil
}

// CheckLonLat catches the commonest CRS mistake: British National Grid
// metres in a file that claims (or is assumed) to be WGS84.
func CheckLonLat(b orb.Bound) error {
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("coordinate is not a finite number")
		}
	}
	if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
		if math.Abs(b.Min[0]) > 180 && math.Abs(b.Min[1]) > 90 && b.Min[0] >= -10000 && b.Max[0] <= 800000 && b.Min[1] >= -20000 && b.Max[1] <= 1400000 {
			return fmt.Errorf("coordinates such as (%.0f, %.0f) look like British National Grid metres, but the file is read as WGS84: declare EPSG:27700 (a \"crs\" member, a .prj, or --crs EPSG:27700)", b.Min[0], b.Min[1])
		}
		return fmt.Errorf("coordinates such as (%g, %g) are outside longitude/latitude range", b.Min[0], b.Min[1])
	}
	return nil
}

// CheckBNG catches the converse mistake: longitude/latitude degrees in a
// file that claims to be British National Grid (a GeoPackage with the
// wrong srs_id, a wrong .prj). Grid coordinates within 180 m and 90 m of
// the grid's origin lie in the Atlantic south-west of the Isles of Scilly,
// where no area or site is.
func CheckBNG(b orb.Bound) error {
	if math.Abs(b.Min[0]) <= 180 && math.Abs(b.Max[0]) <= 180 && math.Abs(b.Min[1]) <= 90 && math.Abs(b.Max[1]) <= 90 {
		return fmt.Errorf("coordinates such as (%g, %g) look like longitude/latitude degrees, but the file is read as British National Grid metres: declare EPSG:4326 (the .prj, the GeoPackage srs_id, or --crs EPSG:4326)", b.Min[0], b.Min[1])
	}
	return nil
}

// AsMultiPolygon returns polygonal geometry as a MultiPolygon (nil otherwise).
func AsMultiPolygon(g orb.Geometry) orb.MultiPolygon {
	switch t := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{t}
	case orb.MultiPolygon:
		return t
	}
	return nil
}

var idChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// SiteID derives a site's id from its name where the file gives none:
// "Oswestry Family Hub" → "Oswestry_Family_Hub".
func SiteID(name string) string {
	return strings.Trim(idChars.ReplaceAllString(name, "_"), "_")
}
