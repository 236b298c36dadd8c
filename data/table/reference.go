package table

import (
	"io"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/record"
	"placeplan/geo"
)

// This file reads the reference tables: ONS lookups, House of Commons
// Library MSOA names, ONS population-weighted centroids and locality
// definitions. Each Read function reads a whole file; the function it
// calls reads a table already recognised (by the ingest's sniffing) as
// that kind.

// ReadLookup reads an ONS lookup from LSOAs to MSOAs and districts, or the
// ONS LSOA (2011) to LSOA (2021) lookup.
func ReadLookup(name string, r io.Reader) (*record.Lookup, error) { return readWith(name, r, Lookup) }

// ReadMSOANames reads a House of Commons Library MSOA names file.
func ReadMSOANames(name string, r io.Reader) (*record.MSOANames, error) {
	return readWith(name, r, MSOANames)
}

// ReadCentroids reads ONS LSOA 2021 population-weighted centroids (x, y in
// British National Grid).
func ReadCentroids(name string, r io.Reader) (*record.Centroids, error) {
	return readWith(name, r, Centroids)
}

// ReadLocalities reads a locality definition CSV: columns locality and
// code (LSOA, MSOA or district) or msoa_name, and optionally scheme and
// geography.
func ReadLocalities(name string, r io.Reader) (*record.LocalityDefs, error) {
	return readWith(name, r, Localities)
}

// readWith reads the table in r and then its records with read.
func readWith[T any](name string, r io.Reader, read func(*Table) (T, error)) (T, error) {
	t, err := ReadFrom(name, r)
	if err != nil {
		var zero T
		return zero, err
	}
	return read(t)
}

// IsChanges reports whether t is the ONS LSOA (2011) to LSOA (2021) lookup.
func IsChanges(t *Table) bool {
	return t.Col("f lsoa11cd", "lsoa11cd") >= 0 && t.Col("lsoa21cd") >= 0 && t.Col("chgind") >= 0
}

// Lookup reads an ONS lookup table from LSOAs to their MSOA and district,
// or the LSOA 2011 → 2021 lookup (IsChanges).
func Lookup(t *Table) (*record.Lookup, error) {
	if IsChanges(t) {
		return changes(t)
	}
	ids := FindIDColumns(t)
	if ids.Code < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no LSOA code column (lsoa11cd or lsoa21cd)", t.Name)
	}
	l := &record.Lookup{Name: t.Name, Geography: ids.Geography, Format: "ONS LSOA lookup"}
	if l.Geography == "" {
		l.Geography = placeplan.LSOA2021
	}
	msoaName := t.Col("msoa11nm", "msoa21nm")
	probs := record.NewProblems(t.Name)
	seen := map[string]bool{}
	msoaSeen := map[string]bool{}
	for r, row := range t.Rows {
		code := strings.TrimSpace(row[ids.Code])
		if !record.IsLSOACode(code) {
			probs.Addf("%s line %d column %d: %q is not an LSOA code", t.Name, t.Lines[r], ids.Code+1, code)
			continue
		}
		if seen[code] {
			continue // OA-level lookups repeat each LSOA
		}
		seen[code] = true
		a := ids.Area(code, row)
		if ids.MSOA >= 0 {
			if a.MSOACode != "" && !record.IsMSOACode(a.MSOACode) {
				probs.Addf("%s line %d column %d: %q is not an MSOA code", t.Name, t.Lines[r], ids.MSOA+1, a.MSOACode)
			}
			if a.MSOACode != "" && !msoaSeen[a.MSOACode] {
				msoaSeen[a.MSOACode] = true
				m := record.MSOAName{Code: a.MSOACode}
				if msoaName >= 0 {
					m.Name = strings.TrimSpace(row[msoaName])
				}
				if ids.MSOAName >= 0 {
					m.HCLName = strings.TrimSpace(row[ids.MSOAName])
				}
				l.MSOAs = append(l.MSOAs, m)
			}
		}
		l.Areas = append(l.Areas, a)
	}
	return l, probs.Err()
}

func changes(t *Table) (*record.Lookup, error) {
	c11, c21, chg := t.Col("f lsoa11cd", "lsoa11cd"), t.Col("lsoa21cd"), t.Col("chgind")
	l := &record.Lookup{Name: t.Name, Format: "ONS LSOA (2011) to LSOA (2021) lookup"}
	probs := record.NewProblems(t.Name)
	for r, row := range t.Rows {
		ch := record.LSOAChange{LSOA11: strings.TrimSpace(row[c11]), LSOA21: strings.TrimSpace(row[c21]), Change: strings.TrimSpace(row[chg])}
		switch {
		case !record.IsLSOACode(ch.LSOA11) || !record.IsLSOACode(ch.LSOA21):
			probs.Addf("%s line %d: %q → %q are not LSOA codes", t.Name, t.Lines[r], ch.LSOA11, ch.LSOA21)
		case !strings.Contains("USMX", ch.Change) || len(ch.Change) != 1:
			probs.Addf("%s line %d column %d: change %q is not U, S, M or X", t.Name, t.Lines[r], chg+1, ch.Change)
		default:
			l.Changes = append(l.Changes, ch)
		}
	}
	return l, probs.Err()
}

// MSOANames reads a table of MSOA codes with their House of Commons
// Library (and ONS) names.
func MSOANames(t *Table) (*record.MSOANames, error) {
	code := t.Col("msoa11cd", "msoa21cd")
	name, hcl := t.Col("msoa11nm", "msoa21nm"), t.Col("msoa11hclnm", "msoa21hclnm")
	if code < 0 || hcl < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: an MSOA names file has msoa11cd (or msoa21cd) and msoa11hclnm (or msoa21hclnm) columns", t.Name)
	}
	geog := placeplan.LSOA2011
	if record.NormHeader(t.Header[code]) == "msoa21cd" {
		geog = placeplan.LSOA2021
	}
	mn := &record.MSOANames{Name: t.Name, Geography: geog}
	probs := record.NewProblems(t.Name)
	for r, row := range t.Rows {
		m := record.MSOAName{Code: strings.TrimSpace(row[code]), HCLName: strings.TrimSpace(row[hcl])}
		if name >= 0 {
			m.Name = strings.TrimSpace(row[name])
		}
		if !record.IsMSOACode(m.Code) {
			probs.Addf("%s line %d column %d: %q is not an MSOA code", t.Name, t.Lines[r], code+1, m.Code)
			continue
		}
		mn.MSOAs = append(mn.MSOAs, m)
	}
	return mn, probs.Err()
}

// Centroids reads a table of LSOA 2021 codes with x and y in British
// National Grid.
func Centroids(t *Table) (*record.Centroids, error) {
	code, x, y := t.Col("lsoa21cd"), t.Col("x"), t.Col("y")
	if code < 0 || x < 0 || y < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: a centroids file has lsoa21cd, x and y columns", t.Name)
	}
	c := &record.Centroids{Name: t.Name, Geography: placeplan.LSOA2021}
	probs := record.NewProblems(t.Name)
	for r, row := range t.Rows {
		cd := strings.TrimSpace(row[code])
		e, _, errE := ParseNumber(row[x])
		n, _, errN := ParseNumber(row[y])
		if errE != nil || errN != nil {
			probs.Addf("%s line %d: area %s: easting/northing %q, %q are not numbers", t.Name, t.Lines[r], cd, row[x], row[y])
			continue
		}
		p, err := record.PointToWGS84(orb.Point{e, n}, geo.BNG)
		if err != nil {
			probs.Addf("%s line %d: area %s: %v", t.Name, t.Lines[r], cd, err)
			continue
		}
		c.Codes = append(c.Codes, cd)
		c.Points = append(c.Points, p)
	}
	return c, probs.Err()
}

// IsLocalities reports whether t is a table of locality definitions: a
// locality column and an area code or MSOA name column.
func IsLocalities(t *Table) bool {
	return t.Col("locality") >= 0 && (t.Col("code", "area code", "lsoa11cd", "msoa11cd", "lad code", "lsoa21cd") >= 0 ||
		t.Col("msoa name", "msoa11hclnm", "msoa21hclnm") >= 0)
}

// Localities reads a table of locality definitions: one row per area,
// MSOA or district of a locality.
func Localities(t *Table) (*record.LocalityDefs, error) {
	loc := t.Col("locality")
	scheme := t.Col("scheme")
	code := t.Col("code", "area code", "lsoa11cd", "msoa11cd", "lad code", "lsoa21cd", "msoa21cd")
	name := t.Col("msoa name", "msoa11hclnm", "msoa21hclnm")
	geogCol := t.Col("geography")
	if loc < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no locality column", t.Name)
	}
	d := &record.LocalityDefs{Name: t.Name}
	probs := record.NewProblems(t.Name)
	for r, row := range t.Rows {
		lr := record.LocalityRow{Line: t.Lines[r], Locality: strings.TrimSpace(row[loc])}
		if scheme >= 0 {
			lr.Scheme = strings.TrimSpace(row[scheme])
		}
		if code >= 0 {
			lr.Code = strings.TrimSpace(row[code])
		}
		if name >= 0 {
			lr.MSOAName = strings.TrimSpace(row[name])
		}
		if geogCol >= 0 {
			switch g := placeplan.Geography(strings.TrimSpace(row[geogCol])); g {
			case placeplan.LSOA2011, placeplan.LSOA2021, "":
				lr.Geography = g
			default:
				probs.Addf("%s line %d column %d: geography %q is not lsoa11 or lsoa21", t.Name, lr.Line, geogCol+1, g)
			}
		}
		if lr.Scheme == "" {
			lr.Scheme = "localities"
		}
		switch {
		case lr.Locality == "":
			probs.Addf("%s line %d column %d: empty locality name", t.Name, lr.Line, loc+1)
		case lr.Code == "" && lr.MSOAName == "":
			probs.Addf("%s line %d: locality %q: no area code or MSOA name", t.Name, lr.Line, lr.Locality)
		case lr.Code != "" && !record.IsLSOACode(lr.Code) && !record.IsMSOACode(lr.Code) && !record.IsLADCode(lr.Code):
			probs.Addf("%s line %d column %d: locality %q: %q is not an LSOA, MSOA or district code", t.Name, lr.Line, code+1, lr.Locality, lr.Code)
		default:
			d.Rows = append(d.Rows, lr)
		}
	}
	return d, probs.Err()
}
