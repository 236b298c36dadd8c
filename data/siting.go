package data

import (
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/geo"
)

// DemandPoint is a weighted point of demand for site selection: a small
// area at its representative point, in WGS84.
type DemandPoint struct {
	ID     string
	Point  orb.Point
	Weight float64
}

// Candidate is a place a team could be based, in WGS84; Capacity is NaN
// when not given.
type Candidate struct {
	ID       string
	Point    orb.Point
	Capacity float64
}

// ODCost is one origin–destination pair of an imported travel-cost matrix.
type ODCost struct {
	Origin, Destination string
	Cost                float64 // minutes or km, as the matrix says
}

// ReadDemandCSV reads demand points: columns id, lon, lat, weight (WGS84),
// or id, easting, northing, weight (British National Grid).
func ReadDemandCSV(name string, r io.Reader) ([]DemandPoint, error) {
	t, err := readCSVFrom(name, r)
	if err != nil {
		return nil, err
	}
	id, x, y, crs, err := siteColumns(t)
	if err != nil {
		return nil, err
	}
	w := t.col("weight")
	if w < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no weight column (demand files have id,lon,lat,weight)", name)
	}
	probs := &Problems{name: name}
	seen := map[string]int{}
	var out []DemandPoint
	for r, row := range t.rows {
		line := t.lines[r]
		d := DemandPoint{ID: strings.TrimSpace(row[id])}
		p, ok := sitePoint(probs, t, row, line, d.ID, seen, x, y, crs)
		if !ok {
			continue
		}
		d.Point = p
		v, miss, err := parseNumber(row[w])
		switch {
		case err != nil:
			probs.addf("%s line %d column %d (weight), demand %s: %v", name, line, w+1, d.ID, err)
			continue
		case miss:
			probs.addf("%s line %d column %d (weight), demand %s: no weight", name, line, w+1, d.ID)
			continue
		case v < 0:
			probs.addf("%s line %d column %d (weight), demand %s: negative weight %v", name, line, w+1, d.ID, v)
			continue
		}
		d.Weight = v
		out = append(out, d)
	}
	return out, probs.Err()
}

// ReadCandidatesCSV reads candidate sites: columns id, lon, lat (or
// easting, northing) and an optional capacity.
func ReadCandidatesCSV(name string, r io.Reader) ([]Candidate, error) {
	t, err := readCSVFrom(name, r)
	if err != nil {
		return nil, err
	}
	id, x, y, crs, err := siteColumns(t)
	if err != nil {
		return nil, err
	}
	capCol := t.col("capacity")
	probs := &Problems{name: name}
	seen := map[string]int{}
	var out []Candidate
	for r, row := range t.rows {
		line := t.lines[r]
		c := Candidate{ID: strings.TrimSpace(row[id]), Capacity: math.NaN()}
		p, ok := sitePoint(probs, t, row, line, c.ID, seen, x, y, crs)
		if !ok {
			continue
		}
		c.Point = p
		if capCol >= 0 {
			v, miss, err := parseNumber(row[capCol])
			switch {
			case err != nil:
				probs.addf("%s line %d column %d (capacity), site %s: %v", name, line, capCol+1, c.ID, err)
				continue
			case !miss && v < 0:
				probs.addf("%s line %d column %d (capacity), site %s: negative capacity %v", name, line, capCol+1, c.ID, v)
				continue
			case !miss:
				c.Capacity = v
			}
		}
		out = append(out, c)
	}
	return out, probs.Err()
}

// ReadODMatrix reads an origin–destination travel-cost matrix as OSRM,
// OpenTripPlanner or r5 exports produce: an origin column (the demand id),
// a destination column (the site id) and a cost column in minutes or km.
// It returns the pairs and the unit ("minutes" or "km").
func ReadODMatrix(name string, r io.Reader) ([]ODCost, string, error) {
	t, err := readCSVFrom(name, r)
	if err != nil {
		return nil, "", err
	}
	o := t.col("origin", "origin id", "from", "from id", "origin code", "fromid")
	d := t.col("destination", "destination id", "to", "to id", "site", "site id", "toid")
	unit := "minutes"
	c := t.col("minutes", "travel minutes", "travel time minutes", "duration minutes", "time")
	if c < 0 {
		if c = t.col("km", "distance km", "travel km"); c >= 0 {
			unit = "km"
		}
	}
	if o < 0 || d < 0 || c < 0 {
		return nil, "", placeplan.Errorf(placeplan.EINVALID, "%s line 1: a travel matrix needs origin, destination and minutes (or km) columns; found %s",
			name, strings.Join(t.header, ", "))
	}
	probs := &Problems{name: name}
	seen := map[[2]string]int{}
	var out []ODCost
	for r, row := range t.rows {
		line := t.lines[r]
		p := ODCost{Origin: strings.TrimSpace(row[o]), Destination: strings.TrimSpace(row[d])}
		v, miss, err := parseNumber(row[c])
		switch {
		case p.Origin == "" || p.Destination == "":
			probs.addf("%s line %d: empty origin or destination", name, line)
			continue
		case err != nil:
			probs.addf("%s line %d column %d (%s), %s → %s: %v", name, line, c+1, unit, p.Origin, p.Destination, err)
			continue
		case miss:
			continue // unreachable pair
		case v < 0:
			probs.addf("%s line %d column %d (%s), %s → %s: negative cost %v", name, line, c+1, unit, p.Origin, p.Destination, v)
			continue
		}
		k := [2]string{p.Origin, p.Destination}
		if first, dup := seen[k]; dup {
			probs.addf("%s line %d: %s → %s given twice (first on line %d)", name, line, p.Origin, p.Destination, first)
			continue
		}
		seen[k] = line
		p.Cost = v
		out = append(out, p)
	}
	return out, unit, probs.Err()
}

func readCSVFrom(name string, r io.Reader) (*table, error) {
	ins, err := ReadInputs(name, r)
	if err != nil {
		return nil, err
	}
	return readTable(ins[0].Name, ins[0].Data)
}

// siteColumns finds the id and coordinate columns of a demand or
// candidate file.
func siteColumns(t *table) (id, x, y int, crs geo.CRS, err error) {
	id = t.col("id", "code", "area code", "lsoa11cd", "lsoa21cd", "site id")
	if id < 0 {
		return 0, 0, 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no id column", t.name)
	}
	if x, y = t.col("lon", "long", "longitude"), t.col("lat", "latitude"); x >= 0 && y >= 0 {
		return id, x, y, geo.WGS84, nil
	}
	if x, y = t.col("easting", "x"), t.col("northing", "y"); x >= 0 && y >= 0 {
		return id, x, y, geo.BNG, nil
	}
	return 0, 0, 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no lon,lat (or easting,northing) columns", t.name)
}

// sitePoint reads and checks one row's id and coordinates.
func sitePoint(probs *Problems, t *table, row []string, line int, id string, seen map[string]int, x, y int, crs geo.CRS) (orb.Point, bool) {
	if id == "" {
		probs.addf("%s line %d: empty id", t.name, line)
		return orb.Point{}, false
	}
	if first, dup := seen[id]; dup {
		probs.addf("%s line %d: duplicate id %q (first on line %d)", t.name, line, id, first)
		return orb.Point{}, false
	}
	seen[id] = line
	xv, missX, errX := parseNumber(row[x])
	yv, missY, errY := parseNumber(row[y])
	if errX != nil || errY != nil || missX || missY {
		probs.addf("%s line %d, %s: coordinates %q, %q are not numbers", t.name, line, id, row[x], row[y])
		return orb.Point{}, false
	}
	p, err := pointToWGS84(orb.Point{xv, yv}, crs)
	if err != nil {
		probs.addf("%s line %d, %s: %v", t.name, line, id, err)
		return orb.Point{}, false
	}
	return p, true
}
