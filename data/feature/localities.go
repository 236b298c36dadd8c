package feature

import (
	"placeplan"
	"placeplan/data/record"
	"placeplan/geo"
)

// Localities reads locality polygons: each feature carries a "locality"
// (or "name") property and, optionally, a "scheme". crs overrides the
// file's own CRS.
func Localities(name string, fs *Set, crs geo.CRS) (*record.LocalityPolygons, error) {
	if crs != geo.CRSUnknown {
		fs.CRS = crs
	}
	lp := &record.LocalityPolygons{Name: name, Scheme: record.LayerName(name)}
	probs := record.NewProblems(name)
	for i, f := range fs.Features {
		nk := PropKey(f.Properties, "locality", "name")
		n := PropString(f.Properties, nk)
		if sk := PropKey(f.Properties, "scheme"); sk != "" {
			lp.Scheme = PropString(f.Properties, sk)
		}
		if n == "" {
			probs.Addf("%s feature %d: no locality name", name, i+1)
			continue
		}
		mp, err := wgs84Polygons(f.Geometry, fs.CRS)
		if err != nil {
			probs.Addf("%s feature %d (%s): %v", name, i+1, n, err)
			continue
		}
		lp.Names = append(lp.Names, n)
		lp.Polygons = append(lp.Polygons, mp)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if len(lp.Names) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no locality polygons", name)
	}
	return lp, nil
}
