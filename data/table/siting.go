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

// ReadDemandCSV reads demand points: columns id, lon, lat, weight (WGS84),
// or id, easting, northing, weight (British National Grid).
func ReadDemandCSV(name string, r io.Reader) ([]record.DemandPoint, error) {
	t, id, x, y, crs, err := readSites(name, r)
	if err != nil {
		return nil, err
	}
	w := t.Col("weight")
	if w < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no weight column (demand files have id,lon,lat,weight)", name)
	}
	probs := record.NewProblems(name)
	seen := map[string]int{}
	var out []record.DemandPoint
	for r, row := range t.Rows {
		line := t.Lines[r]
		d := record.DemandPoint{ID: strings.TrimSpace(row[id])}
		p, ok := sitePoint(probs, t, row, line, d.ID, seen, x, y, crs)
		if !ok {
			continue
		}
		d.Point = p
		v, miss, err := ParseNumber(row[w])
		switch {
		case err != nil:
			probs.Addf("%s line %d column %d (weight), demand %s: %v", name, line, w+1, d.ID, err)
			continue
		case miss:
			probs.Addf("%s line %d column %d (weight), demand %s: no weight", name, line, w+1, d.ID)
			continue
		case v < 0:
			probs.Addf("%s line %d column %d (weight), demand %s: negative weight %v", name, line, w+1, d.ID, v)
			continue
		}
		d.Weight = v
		out = append(out, d)
	}
	return out, probs.Err()
}

// ReadCandidatesCSV reads candidate sites: columns id, lon, lat (or
// easting, northing) and an optional capacity.
func ReadCandidatesCSV(name string, r io.Reader) ([]record.Candidate, error) {
	t, id, x, y, crs, err := readSites(name, r)
	if err != nil {
		return nil, err
	}
	capCol := t.Col("capacity")
	probs := record.NewProblems(name)
	seen := map[string]int{}
	var out []record.Candidate
	for r, row := range t.Rows {
		line := t.Lines[r]
		c := record.Candidate{ID: strings.TrimSpace(row[id]), Capacity: math.NaN()}
		p, ok := sitePoint(probs, t, row, line, c.ID, seen, x, y, crs)
		if !ok {
			continue
		}
		c.Point = p
		if capCol >= 0 {
			v, miss, err := ParseNumber(row[capCol])
			switch {
			case err != nil:
				probs.Addf("%s line %d column %d (capacity), site %s: %v", name, line, capCol+1, c.ID, err)
				continue
			case !miss && v < 0:
				probs.Addf("%s line %d column %d (capacity), site %s: negative capacity %v", name, line, capCol+1, c.ID, v)
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
func ReadODMatrix(name string, r io.Reader) ([]record.ODCost, string, error) {
	t, err := ReadFrom(name, r)
	if err != nil {
		return nil, "", err
	}
	o := t.Col("origin", "origin id", "from", "from id", "origin code", "fromid")
	d := t.Col("destination", "destination id", "to", "to id", "site", "site id", "toid")
	unit := "minutes"
	c := t.Col("minutes", "travel minutes", "travel time minutes", "duration minutes", "time")
	if c < 0 {
		if c = t.Col("km", "distance km", "travel km"); c >= 0 {
			unit = "km"
		}
	}
	if o < 0 || d < 0 || c < 0 {
		return nil, "", placeplan.Errorf(placeplan.EINVALID, "%s line 1: a travel matrix needs origin, destination and minutes (or km) columns; found %s",
			name, strings.Join(t.Header, ", "))
	}
	probs := record.NewProblems(name)
	seen := map[[2]string]int{}
	var out []record.ODCost
	for r, row := range t.Rows {
		line := t.Lines[r]
		p := record.ODCost{Origin: strings.TrimSpace(row[o]), Destination: strings.TrimSpace(row[d])}
		v, miss, err := ParseNumber(row[c])
		switch {
		case p.Origin == "" || p.Destination == "":
			probs.Addf("%s line %d: empty origin or destination", name, line)
			continue
		case err != nil:
			probs.Addf("%s line %d column %d (%s), %s → %s: %v", name, line, c+1, unit, p.Origin, p.Destination, err)
			continue
		case miss:
			continue // unreachable pair
		case v < 0:
			probs.Addf("%s line %d column %d (%s), %s → %s: negative cost %v", name, line, c+1, unit, p.Origin, p.Destination, v)
			continue
		}
		k := [2]string{p.Origin, p.Destination}
		if first, dup := seen[k]; dup {
			probs.Addf("%s line %d: %s → %s given twice (first on line %d)", name, line, p.Origin, p.Destination, first)
			continue
		}
		seen[k] = line
		p.Cost = v
		out = append(out, p)
	}
	return out, unit, probs.Err()
}

// readSites reads a demand or candidate file and finds its id and
// coordinate columns.
func readSites(name string, r io.Reader) (t *Table, id, x, y int, crs geo.CRS, err error) {
	if t, err = ReadFrom(name, r); err != nil {
		return nil, 0, 0, 0, 0, err
	}
	id, x, y, crs, err = siteColumns(t)
	return t, id, x, y, crs, err
}

// siteColumns finds the id and coordinate columns of a demand or
// candidate file.
func siteColumns(t *Table) (id, x, y int, crs geo.CRS, err error) {
	id = t.Col("id", "code", "area code", "lsoa11cd", "lsoa21cd", "site id")
	if id < 0 {
		return 0, 0, 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no id column", t.Name)
	}
	if x, y = t.Col("lon", "long", "longitude"), t.Col("lat", "latitude"); x >= 0 && y >= 0 {
		return id, x, y, geo.WGS84, nil
	}
	if x, y = t.Col("easting", "x"), t.Col("northing", "y"); x >= 0 && y >= 0 {
		return id, x, y, geo.BNG, nil
	}
	return 0, 0, 0, 0, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no lon,lat (or easting,northing) columns", t.Name)
}

// sitePoint reads and checks one row's id and coordinates.
func sitePoint(probs *record.Problems, t *Table, row []string, line int, id string, seen map[string]int, x, y int, crs geo.CRS) (orb.Point, bool) {
	if id == "" {
		probs.Addf("%s line %d: empty id", t.Name, line)
		return orb.Point{}, false
	}
	if first, dup := seen[id]; dup {
		probs.Addf("%s line %d: duplicate id %q (first on line %d)", t.Name, line, id, first)
		return orb.Point{}, false
	}
	seen[id] = line
	xv, missX, errX := ParseNumber(row[x])
	yv, missY, errY := ParseNumber(row[y])
	if errX != nil || errY != nil || missX || missY {
		probs.Addf("%s line %d, %s: coordinates %q, %q are not numbers", t.Name, line, id, row[x], row[y])
		return orb.Point{}, false
	}
	p, err := record.PointToWGS84(orb.Point{xv, yv}, crs)
	if err != nil {
		probs.Addf("%s line %d, %s: %v", t.Name, line, id, err)
		return orb.Point{}, false
	}
	return p, true
}
