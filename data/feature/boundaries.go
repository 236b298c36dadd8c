package feature

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

// Boundaries matches a Set of polygons to LSOAs. crs overrides the
// file's own CRS when the file has none (a shapefile without .prj).
func Boundaries(name string, fs *Set, crs geo.CRS) (*record.BoundarySet, error) {
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
	codeKey := PropKey(props, "lsoa11cd", "lsoa21cd", "lsoa11 code", "lsoa21 code", "lsoa code", "lsoa code 2011", "lsoa code 2021", "code", "area code", "lsoacd")
	if codeKey == "" {
		if k := PropKey(props, "msoa11cd", "msoa21cd"); k != "" {
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "%s: boundaries of MSOAs (%s): placeplan's small areas are LSOAs; give LSOA boundaries", name, k)
		}
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s feature 1: no LSOA code property (expected LSOA11CD or LSOA21CD); properties are %s", name, strings.Join(slices.Sorted(maps.Keys(props)), ", "))
	}
	reg, err := registry.LSOAs()
	if err != nil {
		return nil, err
	}
	geog := placeplan.Geography("")
	switch n := record.NormHeader(codeKey); {
	case strings.Contains(n, "11") || strings.Contains(n, "2011"):
		geog = placeplan.LSOA2011
	case strings.Contains(n, "21") || strings.Contains(n, "2021"):
		geog = placeplan.LSOA2021
	}
	nameKey := PropKey(props, "lsoa11nm", "lsoa21nm", "lsoa name", "name", "lsoa11 name", "lsoa21 name")
	ladKey := ""
	ladNameKey := ""
	for k := range props {
		n := record.NormHeader(k)
		if record.IsCodeHeader(n, "lad") || record.IsCodeHeader(n, "ltla") {
			ladKey = k
		}
		if record.IsNameHeader(n, "lad") || record.IsNameHeader(n, "ltla") {
			ladNameKey = k
		}
	}
	codes := make([]string, len(fs.Features))
	for i, f := range fs.Features {
		codes[i] = PropString(f.Properties, codeKey)
	}
	if geog == "" {
		var only11, only21 []int
		geog, only11, only21 = reg.Guess(codes)
		if len(only11) > 0 && len(only21) > 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: a mix of LSOA 2011 and 2021 codes: %s (feature %d) exists only in 2011, %s (feature %d) only in 2021",
				name, codes[only11[0]], only11[0]+1, codes[only21[0]], only21[0]+1)
		}
		if geog == "" {
			geog = placeplan.LSOA2011
		}
	}
	bs := &record.BoundarySet{Name: name, Format: fs.Format, Geography: geog, SourceCRS: fs.CRS}
	if _, ok := props["src_lad_file"]; ok && geog == placeplan.LSOA2011 {
		// The England file of ../shared/data/lsoa2011_boundaries: the
		// 326 per-district files of martinjc/UK-GeoJSON merged, each
		// feature naming its source file.
		bs.Attribution = record.LSOA2011BGCAttribution
	}
	probs := record.NewProblems(name)
	seen := map[string]int{}
	var other []string
	for i, f := range fs.Features {
		code := codes[i]
		where := fmt.Sprintf("%s feature %d", name, i+1)
		switch {
		case code == "":
			probs.Addf("%s: empty %s", where, codeKey)
			continue
		case !record.IsLSOACode(code):
			probs.Addf("%s: %s %q is not an LSOA code", where, codeKey, code)
			continue
		case !reg.Known(geog, code):
			if reg.Known(geog.Other(), code) {
				other = append(other, fmt.Sprintf("%s (feature %d)", code, i+1))
			} else {
				probs.Addf("%s: unknown %s area code %s", where, geog.Label(), code)
			}
			continue
		}
		if first, dup := seen[code]; dup {
			probs.Addf("%s: duplicate area code %s (first in feature %d)", where, code, first)
			continue
		}
		seen[code] = i + 1
		g, err := wgs84Polygons(f.Geometry, fs.CRS)
		if err != nil {
			probs.Addf("%s, area %s: %v", where, code, err)
			continue
		}
		a := record.Area{Code: code}
		if nameKey != "" {
			a.Name = PropString(f.Properties, nameKey)
		}
		if ladKey != "" {
			a.LADCode = PropString(f.Properties, ladKey)
		}
		if ladNameKey != "" {
			a.LADName = PropString(f.Properties, ladNameKey)
		}
		if ps := geo.Validate(g); len(ps) > 0 {
			fixed, _ := geo.Repair(g)
			if mp := record.AsMultiPolygon(fixed); mp != nil && len(geo.Validate(mp)) == 0 {
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
		probs.Addf("%s: a mix of LSOA 2011 and 2021 codes: %d codes exist only in %s, first %s", name, len(other), geog.Other().Label(), other[0])
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
	mp := record.AsMultiPolygon(g)
	if mp == nil {
		return nil, fmt.Errorf("geometry is a %s, not a polygon", g.GeoJSONType())
	}
	if crs == geo.WGS84 {
		if err := record.CheckLonLat(mp.Bound()); err != nil {
			return nil, err
		}
		return mp, nil
	}
	if crs == geo.BNG {
		if err := record.CheckBNG(mp.Bound()); err != nil {
			return nil, err
		}
	}
	out, err := geo.ToWGS84(mp, crs)
	if err != nil {
		return nil, err
	}
	return record.AsMultiPolygon(out), nil
}
