package feature

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/record"
	"placeplan/geo"
)

// Points turns a Set of points (GeoJSON, shapefile or GeoPackage) into a
// point layer. crs overrides the file's own CRS.
func Points(name string, fs *Set, crs geo.CRS) (*record.PointLayer, error) {
	if crs != geo.CRSUnknown {
		fs.CRS = crs
	}
	if fs.CRS == geo.CRSUnknown {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: the file does not say which coordinate reference system it uses: give --crs EPSG:27700 or --crs EPSG:4326", name)
	}
	pl := &record.PointLayer{Name: name, Layer: record.LayerName(name), Format: fs.Format + " points", SourceCRS: fs.CRS}
	probs := record.NewProblems(name)
	seen := map[string]int{}
	for i, f := range fs.Features {
		where := fmt.Sprintf("%s feature %d", name, i+1)
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			probs.Addf("%s: geometry is not a point", where)
			continue
		}
		p, err := record.PointToWGS84(pt, fs.CRS)
		if err != nil {
			probs.Addf("%s: %v", where, err)
			continue
		}
		s := placeplan.Site{Layer: pl.Layer, Point: p, Capacity: math.NaN(), Properties: map[string]string{}}
		nameKey := PropKey(f.Properties, "name", "site name", "site", "town", "msoa11hclnm", "centre name")
		idKey := PropKey(f.Properties, "id", "site id", "code", "msoa11cd", "urn")
		s.Name = PropString(f.Properties, nameKey)
		s.ID = PropString(f.Properties, idKey)
		if s.Name == "" {
			probs.Addf("%s: no name property", where)
			continue
		}
		if s.ID == "" {
			s.ID = record.SiteID(s.Name)
		}
		if first, dup := seen[s.ID]; dup {
			probs.Addf("%s: duplicate site id %q (first in feature %d)", where, s.ID, first)
			continue
		}
		seen[s.ID] = i + 1
		for k := range f.Properties {
			v := PropString(f.Properties, k)
			switch record.NormHeader(k) {
			case "capacity":
				if c, err := strconv.ParseFloat(v, 64); err == nil && c >= 0 {
					s.Capacity = c
				} else if v != "" {
					probs.Addf("%s: capacity %q is not a non-negative number", where, v)
				}
			case "kind", "type":
				s.Kind = v
			case "status":
				s.Status = v
			default:
				if k != nameKey && k != idKey && v != "" {
					s.Properties[k] = v
				}
			}
		}
		pl.Sites = append(pl.Sites, s)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if len(pl.Sites) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no points", name)
	}
	return pl, nil
}
