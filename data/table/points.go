package table

import (
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/record"
	"placeplan/geo"
)

// PointColumns are the positions of a point CSV's columns (-1 where
// absent) and the CRS its coordinate column names imply.
type PointColumns struct {
	ID, Name, X, Y, Capacity, Kind, Status int
	CRS                                    geo.CRS // geo.CRSUnknown for bare x, y: decided from the values
}

// FindPointColumns finds the coordinate, name and attribute columns of a
// point CSV, and reports whether it has coordinate columns at all.
func FindPointColumns(t *Table) (PointColumns, bool) {
	pc := PointColumns{ID: t.Col("id", "site id", "site code", "code", "urn", "ods code"),
		Name:     t.Col("name", "site name", "site", "centre name", "town", "establishmentname", "establishment name", "practice name"),
		Capacity: t.Col("capacity"), Kind: t.Col("kind", "type", "site type"), Status: t.Col("status", "current status")}
	if x, y := t.Col("lon", "long", "longitude", "lon wgs84", "x lon"), t.Col("lat", "latitude", "lat wgs84"); x >= 0 && y >= 0 {
		pc.X, pc.Y, pc.CRS = x, y, geo.WGS84
		return pc, true
	}
	if x, y := t.Col("easting", "eastings", "easting bng", "x bng", "bng e", "geometry x"), t.Col("northing", "northings", "northing bng", "y bng", "bng n", "geometry y"); x >= 0 && y >= 0 {
		pc.X, pc.Y, pc.CRS = x, y, geo.BNG
		return pc, true
	}
	if x, y := t.Col("x"), t.Col("y"); x >= 0 && y >= 0 {
		pc.X, pc.Y = x, y // CRS decided from the values
		return pc, true
	}
	return pc, false
}

// ReadPointsCSV reads a point layer from CSV: a name column, lon/lat
// (EPSG:4326) or easting/northing (EPSG:27700) columns, and optional id,
// capacity, kind and status columns; other columns are kept as attributes.
func ReadPointsCSV(name string, r io.Reader) (*record.PointLayer, error) {
	return readWith(name, r, Points)
}

// Points reads a table already recognised as a point CSV; see ReadPointsCSV.
func Points(t *Table) (*record.PointLayer, error) {
	pc, ok := FindPointColumns(t)
	if !ok {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no coordinate columns (lon,lat or easting,northing)", t.Name)
	}
	if pc.Name < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no name column (name, site_name or town)", t.Name)
	}
	if pc.CRS == geo.CRSUnknown {
		pc.CRS = geo.WGS84
		for _, row := range t.Rows {
			if v, _, err := ParseNumber(row[pc.X]); err == nil && math.Abs(v) > 180 {
				pc.CRS = geo.BNG
				break
			}
		}
	}
	pl := &record.PointLayer{Name: t.Name, Layer: record.LayerName(t.Name), Format: "point CSV (" + pc.CRS.String() + ")", SourceCRS: pc.CRS}
	probs := record.NewProblems(t.Name)
	seen := map[string]int{}
	for r, row := range t.Rows {
		line := t.Lines[r]
		s := placeplan.Site{Layer: pl.Layer, Name: strings.TrimSpace(row[pc.Name]), Capacity: math.NaN(), Properties: map[string]string{}}
		if s.Name == "" {
			probs.Addf("%s line %d column %d: empty name", t.Name, line, pc.Name+1)
			continue
		}
		if pc.ID >= 0 {
			s.ID = strings.TrimSpace(row[pc.ID])
		}
		if s.ID == "" {
			s.ID = record.SiteID(s.Name)
		}
		if first, dup := seen[s.ID]; dup {
			probs.Addf("%s line %d: duplicate site id %q (first on line %d)", t.Name, line, s.ID, first)
			continue
		}
		seen[s.ID] = line
		x, missX, errX := ParseNumber(row[pc.X])
		y, missY, errY := ParseNumber(row[pc.Y])
		switch {
		case errX != nil:
			probs.Addf("%s line %d column %d (%s): %v", t.Name, line, pc.X+1, t.Header[pc.X], errX)
			continue
		case errY != nil:
			probs.Addf("%s line %d column %d (%s): %v", t.Name, line, pc.Y+1, t.Header[pc.Y], errY)
			continue
		case missX || missY:
			probs.Addf("%s line %d: site %q has no coordinates", t.Name, line, s.Name)
			continue
		}
		p, err := record.PointToWGS84(orb.Point{x, y}, pc.CRS)
		if err != nil {
			probs.Addf("%s line %d: site %q: %v", t.Name, line, s.Name, err)
			continue
		}
		s.Point = p
		if pc.Capacity >= 0 {
			v, miss, err := ParseNumber(row[pc.Capacity])
			switch {
			case err != nil:
				probs.Addf("%s line %d column %d (capacity): %v", t.Name, line, pc.Capacity+1, err)
			case !miss && v < 0:
				probs.Addf("%s line %d column %d (capacity): negative capacity %v", t.Name, line, pc.Capacity+1, v)
			case !miss:
				s.Capacity = v
			}
		}
		if pc.Kind >= 0 {
			s.Kind = strings.TrimSpace(row[pc.Kind])
		}
		if pc.Status >= 0 {
			s.Status = strings.TrimSpace(row[pc.Status])
		}
		for i, h := range t.Header {
			switch i {
			case pc.ID, pc.Name, pc.X, pc.Y, pc.Capacity, pc.Kind, pc.Status:
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
