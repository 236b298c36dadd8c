package data

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/geo"
)

// PointLayer is a point file read and validated: sites in WGS84.
type PointLayer struct {
	Name      string // file name
	Layer     string // layer name the sites are stored under
	Format    string
	SourceCRS geo.CRS
	Sites     []placeplan.Site
}

// layerName derives a layer name from a file name: "Family Hubs.csv" → "family_hubs".
func layerName(file string) string {
	base := file
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	for _, ext := range []string{".gz", ".csv", ".geojson", ".json", ".zip", ".shp", ".gpkg"} {
		base = strings.TrimSuffix(strings.TrimSuffix(base, ext), strings.ToUpper(ext))
	}
	return snakeKey(base)
}

type pointColumns struct {
	id, name, x, y, capacity, kind, status int
	crs                                    geo.CRS
}

func findPointColumns(t *table) (pointColumns, bool) {
	pc := pointColumns{id: t.col("id", "site id", "site code", "code", "urn", "ods code"),
		name:     t.col("name", "site name", "site", "centre name", "town", "establishmentname", "establishment name", "practice name"),
		capacity: t.col("capacity"), kind: t.col("kind", "type", "site type"), status: t.col("status", "current status")}
	if x, y := t.col("lon", "long", "longitude", "lon wgs84", "x lon"), t.col("lat", "latitude", "lat wgs84"); x >= 0 && y >= 0 {
		pc.x, pc.y, pc.crs = x, y, geo.WGS84
		return pc, true
	}
	if x, y := t.col("easting", "eastings", "easting bng", "x bng", "bng e", "geometry x"), t.col("northing", "northings", "northing bng", "y bng", "bng n", "geometry y"); x >= 0 && y >= 0 {
		pc.x, pc.y, pc.crs = x, y, geo.BNG
		return pc, true
	}
	if x, y := t.col("x"), t.col("y"); x >= 0 && y >= 0 {
		pc.x, pc.y = x, y // CRS decided from the values
		return pc, true
	}
	return pc, false
}

var idChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// ReadPointsCSV reads a point layer from CSV: a name column, lon/lat
// (EPSG:4326) or easting/northing (EPSG:27700) columns, and optional id,
// capacity, kind and status columns; other columns are kept as attributes.
func ReadPointsCSV(name string, r io.Reader) (*PointLayer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	t, err := readTable(name, b)
	if err != nil {
		return nil, err
	}
	return readPointsTable(t)
}

func readPointsTable(t *table) (*PointLayer, error) {
	pc, ok := findPointColumns(t)
	if !ok {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no coordinate columns (lon,lat or easting,northing)", t.name)
	}
	if pc.name < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no name column (name, site_name or town)", t.name)
	}
	if pc.crs == geo.CRSUnknown {
		pc.crs = geo.WGS84
		for _, row := range t.rows {
			if v, _, err := parseNumber(row[pc.x]); err == nil && math.Abs(v) > 180 {
				pc.crs = geo.BNG
				break
			}
		}
	}
	pl := &PointLayer{Name: t.name, Layer: layerName(t.name), Format: "point CSV (" + pc.crs.String() + ")", SourceCRS: pc.crs}
	probs := &Problems{name: t.name}
	seen := map[string]int{}
	for r, row := range t.rows {
		line := t.lines[r]
		s := placeplan.Site{Layer: pl.Layer, Name: strings.TrimSpace(row[pc.name]), Capacity: math.NaN(), Properties: map[string]string{}}
		if s.Name == "" {
			probs.addf("%s line %d column %d: empty name", t.name, line, pc.name+1)
			continue
		}
		if pc.id >= 0 {
			s.ID = strings.TrimSpace(row[pc.id])
		}
		if s.ID == "" {
			s.ID = strings.Trim(idChars.ReplaceAllString(s.Name, "_"), "_")
		}
		if first, dup := seen[s.ID]; dup {
			probs.addf("%s line %d: duplicate site id %q (first on line %d)", t.name, line, s.ID, first)
			continue
		}
		seen[s.ID] = line
		x, missX, errX := parseNumber(row[pc.x])
		y, missY, errY := parseNumber(row[pc.y])
		switch {
		case errX != nil:
			probs.addf("%s line %d column %d (%s): %v", t.name, line, pc.x+1, t.header[pc.x], errX)
			continue
		case errY != nil:
			probs.addf("%s line %d column %d (%s): %v", t.name, line, pc.y+1, t.header[pc.y], errY)
			continue
		case missX || missY:
			probs.addf("%s line %d: site %q has no coordinates", t.name, line, s.Name)
			continue
		}
		p, err := pointToWGS84(orb.Point{x, y}, pc.crs)
		if err != nil {
			probs.addf("%s line %d: site %q: %v", t.name, line, s.Name, err)
			continue
		}
		s.Point = p
		if pc.capacity >= 0 {
			v, miss, err := parseNumber(row[pc.capacity])
			switch {
			case err != nil:
				probs.addf("%s line %d column %d (capacity): %v", t.name, line, pc.capacity+1, err)
			case !miss && v < 0:
				probs.addf("%s line %d column %d (capacity): negative capacity %v", t.name, line, pc.capacity+1, v)
			case !miss:
				s.Capacity = v
			}
		}
		if pc.kind >= 0 {
			s.Kind = strings.TrimSpace(row[pc.kind])
		}
		if pc.status >= 0 {
			s.Status = strings.TrimSpace(row[pc.status])
		}
		for i, h := range t.header {
			switch i {
			case pc.id, pc.name, pc.x, pc.y, pc.capacity, pc.kind, pc.status:
				continue
			}
			if v := strings.TrimSpace(row[i]); v != "" {
				s.Properties[h] = v
			}
		}
		pl.Sites = append(pl.Sites, s)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return pl, nil
}

// pointToWGS84 converts a point and checks it is a plausible location.
func pointToWGS84(p orb.Point, crs geo.CRS) (orb.Point, error) {
	if crs == geo.BNG {
		if p[0] < -10000 || p[0] > 800000 || p[1] < -20000 || p[1] > 1400000 {
			return p, fmt.Errorf("easting/northing (%g, %g) is outside the British National Grid", p[0], p[1])
		}
		lon, lat := geo.BNGToWGS84(p[0], p[1])
		return orb.Point{lon, lat}, nil
	}
	if err := checkLonLat(orb.Bound{Min: p, Max: p}); err != nil {
		return p, err
	}
	return p, nil
}

// PointsFromFeatures turns a FeatureSet of points (GeoJSON, shapefile or
// GeoPackage) into a point layer.
func PointsFromFeatures(name string, fs *FeatureSet, crs geo.CRS) (*PointLayer, error) {
	if crs != geo.CRSUnknown {
		fs.CRS = crs
	}
	if fs.CRS == geo.CRSUnknown {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: the file does not say which coordinate reference system it uses: give --crs EPSG:27700 or --crs EPSG:4326", name)
	}
	pl := &PointLayer{Name: name, Layer: layerName(name), Format: fs.Format + " points", SourceCRS: fs.CRS}
	probs := &Problems{name: name}
	seen := map[string]int{}
	for i, f := range fs.Features {
		where := fmt.Sprintf("%s feature %d", name, i+1)
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			probs.addf("%s: geometry is not a point", where)
			continue
		}
		p, err := pointToWGS84(pt, fs.CRS)
		if err != nil {
			probs.addf("%s: %v", where, err)
			continue
		}
		s := placeplan.Site{Layer: pl.Layer, Point: p, Capacity: math.NaN(), Properties: map[string]string{}}
		nameKey := propKey(f.Properties, "name", "site name", "site", "town", "msoa11hclnm", "centre name")
		idKey := propKey(f.Properties, "id", "site id", "code", "msoa11cd", "urn")
		s.Name = propString(f.Properties, nameKey)
		s.ID = propString(f.Properties, idKey)
		if s.Name == "" {
			probs.addf("%s: no name property", where)
			continue
		}
		if s.ID == "" {
			s.ID = strings.Trim(idChars.ReplaceAllString(s.Name, "_"), "_")
		}
		if first, dup := seen[s.ID]; dup {
			probs.addf("%s: duplicate site id %q (first in feature %d)", where, s.ID, first)
			continue
		}
		seen[s.ID] = i + 1
		for k := range f.Properties {
			v := propString(f.Properties, k)
			switch normHeader(k) {
			case "capacity":
				if c, err := strconv.ParseFloat(v, 64); err == nil && c >= 0 {
					s.Capacity = c
				} else if v != "" {
					probs.addf("%s: capacity %q is not a non-negative number", where, v)
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
