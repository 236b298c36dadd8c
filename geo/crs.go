// Package geo holds placeplan's geometry: coordinate reference systems, the
// British National Grid ⇄ WGS84 transformation, polygon validity checks and
// repair, representative points and point-in-polygon tests. It imports only
// the standard library and github.com/paulmach/orb.
package geo

import (
	"fmt"
	"strings"
)

// CRS identifies a coordinate reference system placeplan can read.
type CRS int

const (
	// CRSUnknown means the input did not say and placeplan could not tell.
	CRSUnknown CRS = iota
	// WGS84 is EPSG:4326 used in lon,lat order (OGC CRS84), in degrees.
	WGS84
	// BNG is the British National Grid, EPSG:27700 (OSGB36 / Transverse
	// Mercator on the Airy 1830 ellipsoid), easting,northing in metres.
	BNG
)

// String returns the EPSG name of c.
func (c CRS) String() string {
	switch c {
	case WGS84:
		return "EPSG:4326"
	case BNG:
		return "EPSG:27700"
	default:
		return "unknown CRS"
	}
}

// ParseCRS reads a CRS name as users and files write it: "EPSG:4326",
// "4326", "WGS84", "CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84",
// "urn:ogc:def:crs:EPSG::27700", "EPSG:27700", "27700", "BNG", "OSGB36".
func ParseCRS(s string) (CRS, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "HTTP://WWW.OPENGIS.NET/DEF/CRS/")
	switch {
	case t == "":
		return CRSUnknown, fmt.Errorf("empty crs name")
	case strings.HasSuffix(t, "CRS84"), strings.HasSuffix(t, ":4326"), strings.HasSuffix(t, "/4326"),
		t == "4326", t == "WGS84", t == "WGS 84", strings.HasSuffix(t, "EPSG::4326"):
		return WGS84, nil
	case strings.HasSuffix(t, ":27700"), strings.HasSuffix(t, "/27700"), t == "27700",
		t == "BNG", t == "OSGB36", t == "OSGB 1936", strings.HasSuffix(t, "EPSG::27700"):
		return BNG, nil
	}
	return CRSUnknown, fmt.Errorf("unsupported crs %q (placeplan reads EPSG:4326 and EPSG:27700)", s)
}

// CRSFromWKT recognises the CRS described by an OGC or ESRI WKT string, as
// found in a shapefile's .prj or a GeoPackage's gpkg_spatial_ref_sys.
func CRSFromWKT(wkt string) (CRS, error) {
	u := strings.ToUpper(wkt)
	switch {
	case strings.TrimSpace(u) == "":
		return CRSUnknown, fmt.Errorf("empty crs definition")
	case strings.HasPrefix(strings.TrimSpace(u), "PROJCS") || strings.HasPrefix(strings.TrimSpace(u), "PROJCRS"):
		if strings.Contains(u, "BRITISH_NATIONAL_GRID") || strings.Contains(u, "BRITISH NATIONAL GRID") ||
			(strings.Contains(u, "OSGB") && strings.Contains(u, "TRANSVERSE_MERCATOR")) ||
			strings.Contains(u, `"EPSG","27700"`) || strings.Contains(u, "ID[\"EPSG\",27700]") {
			return BNG, nil
		}
	case strings.HasPrefix(strings.TrimSpace(u), "GEOGCS") || strings.HasPrefix(strings.TrimSpace(u), "GEOGCRS") ||
		strings.HasPrefix(strings.TrimSpace(u), "GEODCRS"):
		if strings.Contains(u, "WGS_1984") || strings.Contains(u, "WGS 84") || strings.Contains(u, "WGS84") ||
			strings.Contains(u, `"EPSG","4326"`) {
			return WGS84, nil
		}
	}
	name := strings.TrimSpace(wkt)
	if len(name) > 60 {
		name = name[:60] + "…"
	}
	return CRSUnknown, fmt.Errorf("unsupported crs %q (placeplan reads EPSG:4326 and EPSG:27700)", name)
}
