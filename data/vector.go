package data

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/geo"
)

// ReadGeoJSON reads a GeoJSON FeatureCollection (RFC 7946, or an older file
// with a "crs" member naming EPSG:27700).
func ReadGeoJSON(r io.Reader) (*FeatureSet, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%w", err)
	}
	b = trimBOM(b)
	fc, err := unmarshalFeatureCollection(b)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "not a GeoJSON FeatureCollection: %s", jsonErr(b, err))
	}
	fs := &FeatureSet{Format: "GeoJSON", CRS: geo.WGS84}
	if name, ok := fc.ExtraMembers["name"].(string); ok {
		fs.Layer = name
	}
	if crs, ok := fc.ExtraMembers["crs"]; ok {
		name := ""
		if m, ok := crs.(map[string]any); ok {
			if props, ok := m["properties"].(map[string]any); ok {
				name, _ = props["name"].(string)
			}
		}
		c, err := geo.ParseCRS(name)
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "crs member: %w", err)
		}
		fs.CRS = c
	}
	fs.Features = make([]Feature, 0, len(fc.Features))
	for _, f := range fc.Features {
		props := map[string]any(f.Properties)
		if f.ID != nil {
			if _, has := props["id"]; !has {
				if props == nil {
					props = map[string]any{}
				}
				props["id"] = f.ID
			}
		}
		fs.Features = append(fs.Features, Feature{Properties: props, Geometry: f.Geometry})
	}
	return fs, nil
}

// unmarshalFeatureCollection decodes a FeatureCollection, decoding large
// ones' features in parallel.
func unmarshalFeatureCollection(b []byte) (*geojson.FeatureCollection, error) {
	if len(b) < 1<<20 {
		return geojson.UnmarshalFeatureCollection(b)
	}
	members, raw, err := splitFeatureCollection(b)
	if err != nil {
		return geojson.UnmarshalFeatureCollection(b)
	}
	if t, ok := members["type"]; !ok || string(t) != `"FeatureCollection"` {
		return geojson.UnmarshalFeatureCollection(b)
	}
	features, err := decodeFeatures(raw)
	if err != nil {
		return geojson.UnmarshalFeatureCollection(b) // for its error position
	}
	fc := &geojson.FeatureCollection{Type: "FeatureCollection", Features: features, ExtraMembers: geojson.Properties{}}
	for k, v := range members {
		if k == "type" || k == "features" {
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return geojson.UnmarshalFeatureCollection(b)
		}
		fc.ExtraMembers[k] = x
	}
	return fc, nil
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return b[3:]
	}
	return b
}

// jsonErr names the line and column of a JSON syntax error.
func jsonErr(b []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err.Error()
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d column %d: %v", line, col, err)
}

// propString returns a feature property as text.
func propString(props map[string]any, key string) string {
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

// propKey finds the property whose normalised name is one of names.
func propKey(props map[string]any, names ...string) string {
	for k := range props {
		n := normHeader(k)
		for _, want := range names {
			if n == want {
				return k
			}
		}
	}
	return ""
}

// BoundarySet is a boundary file matched to small areas: each area's code,
// name, district and WGS84 geometry, repaired where it was invalid.
type BoundarySet struct {
	Name      string
	Format    string
	Geography placeplan.Geography
	SourceCRS geo.CRS
	Areas     []AreaRecord
	Repaired  int // polygons whose rings were repaired
	Warnings  []string
}

// Boundaries matches a FeatureSet of polygons to LSOAs. crs overrides the
// file's own CRS when the file has none (a shapefile without .prj).
func Boundaries(name string, fs *FeatureSet, crs geo.CRS) (*BoundarySet, error) {
	if len(fs.Features) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no features", name)
	}
	if crs != geo.CRSUnknown {
		fs.CRS = crs
	}
	if fs.CRS == geo.CRSUnknown {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: the file does not say which coordinate reference system it uses (no .prj): give --crs EPSG:27700 or --crs EPSG:4326", name)
	}
	props := fs.Features[0].Properties
	codeKey := propKey(props, "lsoa11cd", "lsoa21cd", "lsoa11 code", "lsoa21 code", "lsoa code", "lsoa code 2011", "lsoa code 2021", "code", "area code", "lsoacd")
	if codeKey == "" {
		if k := propKey(props, "msoa11cd", "msoa21cd"); k != "" {
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "%s: boundaries of MSOAs (%s): placeplan's small areas are LSOAs; give LSOA boundaries", name, k)
		}
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s feature 1: no LSOA code property (expected LSOA11CD or LSOA21CD); properties are %s", name, strings.Join(sortedKeys(props), ", "))
	}
	reg, err := Registry()
	if err != nil {
		return nil, err
	}
	geog := placeplan.Geography("")
	switch n := normHeader(codeKey); {
	case strings.Contains(n, "11") || strings.Contains(n, "2011"):
		geog = placeplan.LSOA2011
	case strings.Contains(n, "21") || strings.Contains(n, "2021"):
		geog = placeplan.LSOA2021
	}
	nameKey := propKey(props, "lsoa11nm", "lsoa21nm", "lsoa name", "name", "lsoa11 name", "lsoa21 name")
	ladKey := ""
	ladNameKey := ""
	for k := range props {
		n := normHeader(k)
		if isCodeHeader(n, "lad") || isCodeHeader(n, "ltla") {
			ladKey = k
		}
		if isNameHeader(n, "lad") || isNameHeader(n, "ltla") {
			ladNameKey = k
		}
	}
	codes := make([]string, len(fs.Features))
	for i, f := range fs.Features {
		codes[i] = propString(f.Properties, codeKey)
	}
	if geog == "" {
		var only11, only21 []int
		geog, only11, only21 = reg.guessGeography(codes)
		if len(only11) > 0 && len(only21) > 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: a mix of LSOA 2011 and 2021 codes: %s (feature %d) exists only in 2011, %s (feature %d) only in 2021",
				name, codes[only11[0]], only11[0]+1, codes[only21[0]], only21[0]+1)
		}
		if geog == "" {
			geog = placeplan.LSOA2011
		}
	}
	bs := &BoundarySet{Name: name, Format: fs.Format, Geography: geog, SourceCRS: fs.CRS}
	probs := &Problems{name: name}
	seen := map[string]int{}
	var other []string
	for i, f := range fs.Features {
		code := codes[i]
		where := fmt.Sprintf("%s feature %d", name, i+1)
		switch {
		case code == "":
			probs.addf("%s: empty %s", where, codeKey)
			continue
		case !lsoaCode.MatchString(code):
			probs.addf("%s: %s %q is not an LSOA code", where, codeKey, code)
			continue
		case !reg.Known(geog, code):
			if reg.Known(otherGeography(geog), code) {
				other = append(other, fmt.Sprintf("%s (feature %d)", code, i+1))
			} else {
				probs.addf("%s: unknown %s area code %s", where, geog.Label(), code)
			}
			continue
		}
		if first, dup := seen[code]; dup {
			probs.addf("%s: duplicate area code %s (first in feature %d)", where, code, first)
			continue
		}
		seen[code] = i + 1
		g, err := wgs84Polygons(f.Geometry, fs.CRS)
		if err != nil {
			probs.addf("%s, area %s: %v", where, code, err)
			continue
		}
		a := AreaRecord{Code: code}
		if nameKey != "" {
			a.Name = propString(f.Properties, nameKey)
		}
		if ladKey != "" {
			a.LADCode = propString(f.Properties, ladKey)
		}
		if ladNameKey != "" {
			a.LADName = propString(f.Properties, ladNameKey)
		}
		if ps := geo.Validate(g); len(ps) > 0 {
			fixed, _ := geo.Repair(g)
			if mp := toMultiPolygon(fixed); mp != nil && len(geo.Validate(mp)) == 0 {
				g = mp
				bs.Repaired++
				a.Issue = "repaired: " + ps[0].String()
			} else {
				a.Issue = "invalid: " + ps[0].String()
				bs.Warnings = append(bs.Warnings, fmt.Sprintf("area %s: %s (kept as published; could not repair)", code, ps[0]))
			}
		}
		a.Geometry = g
		a.Point = geo.RepresentativePoint(g)
		a.PointKind = "interior point"
		bs.Areas = append(bs.Areas, a)
	}
	if len(other) > 0 {
		probs.addf("%s: a mix of LSOA 2011 and 2021 codes: %d codes exist only in %s, first %s", name, len(other), otherGeography(geog).Label(), other[0])
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if bs.Repaired > 0 {
		bs.Warnings = append(bs.Warnings, fmt.Sprintf("%d polygons had self-intersecting or degenerate rings and were repaired", bs.Repaired))
	}
	return bs, nil
}

// wgs84Polygons reprojects polygonal geometry to WGS84 and checks that its
// coordinates are plausible for England in that CRS.
func wgs84Polygons(g orb.Geometry, crs geo.CRS) (orb.MultiPolygon, error) {
	if g == nil {
		return nil, fmt.Errorf("no geometry")
	}
	mp := toMultiPolygon(g)
	if mp == nil {
		return nil, fmt.Errorf("geometry is a %s, not a polygon", g.GeoJSONType())
	}
	if crs == geo.WGS84 {
		if err := checkLonLat(mp.Bound()); err != nil {
			return nil, err
		}
		return mp, nil
	}
	out, err := geo.ToWGS84(mp, crs)
	if err != nil {
		return nil, err
	}
	return toMultiPolygon(out), nil
}

// checkLonLat catches the commonest CRS mistake: British National Grid
// metres in a file that claims (or is assumed) to be WGS84.
func checkLonLat(b orb.Bound) error {
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
