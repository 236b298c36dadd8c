package data

import (
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/geo"
)

// Lookup is an ONS lookup from LSOAs to their MSOA and local authority
// district, or (Changes) the LSOA 2011 → 2021 lookup.
type Lookup struct {
	Name      string
	Format    string
	Geography placeplan.Geography
	Areas     []AreaRecord
	MSOAs     []MSOAName
	Changes   []LSOAChange
}

// MSOAName is an MSOA's ONS name and House of Commons Library name.
type MSOAName struct {
	Code, Name, HCLName string
}

// MSOANames is a file of MSOA names (House of Commons Library layout).
type MSOANames struct {
	Name      string
	Geography placeplan.Geography
	MSOAs     []MSOAName
}

// Centroids is a file of LSOA population-weighted centroids (ONS layout,
// British National Grid x, y).
type Centroids struct {
	Name      string
	Geography placeplan.Geography
	Codes     []string
	Points    []orb.Point // WGS84
}

// LocalityDefs defines localities from lists of area codes (LSOA, MSOA or
// local authority district) or House of Commons Library MSOA names.
type LocalityDefs struct {
	Name string
	Rows []LocalityRow
}

// LocalityRow says that a locality contains one area, MSOA or district.
type LocalityRow struct {
	Line      int
	Scheme    string
	Locality  string
	Geography placeplan.Geography // "" when the file does not say
	Code      string              // an LSOA, MSOA or LAD code, or ""
	MSOAName  string              // a House of Commons Library MSOA name, or ""
}

// LocalityPolygons defines localities as the areas whose representative
// point falls inside each polygon.
type LocalityPolygons struct {
	Name     string
	Scheme   string
	Names    []string
	Polygons []orb.MultiPolygon // WGS84
}

// classifyTable decides what a CSV is from its headers.
func classifyTable(t *table) string {
	has := func(names ...string) bool { return t.col(names...) >= 0 }
	switch {
	case has("locality") && (has("code", "area code", "lsoa11cd", "msoa11cd", "lad code", "lsoa21cd") || has("msoa name", "msoa11hclnm", "msoa21hclnm")):
		return "localities"
	case looksLikeMeta(t):
		return "meta"
	case has("f lsoa11cd", "lsoa11cd") && has("lsoa21cd") && has("chgind"):
		return "changes"
	case has("lsoa21cd") && has("x") && has("y") && !has("name"):
		return "centroids"
	case has("lsoa11cd", "lsoa21cd", "lsoa21 code") && (has("msoa11cd", "msoa21cd") || has("ltla24 code", "lad22cd", "lad19cd", "lad17cd", "lad24cd")) &&
		!looksLikeIoD(t) && (t.col("msoa11cd", "msoa21cd") >= 0 || t.col("ward24 code") >= 0 || t.col("ccg21cd") >= 0):
		return "lookup"
	case has("msoa11cd", "msoa21cd") && has("msoa11hclnm", "msoa21hclnm"):
		return "msoa names"
	case looksLikeIoD(t):
		return "iod"
	}
	if _, ok := findPointColumns(t); ok && findIDColumns(t).code < 0 {
		return "points"
	}
	if findIDColumns(t).code >= 0 {
		return "indicators"
	}
	return ""
}

func readLookupTable(t *table) (*Lookup, error) {
	if classifyTable(t) == "changes" {
		return readChangesTable(t)
	}
	ids := findIDColumns(t)
	l := &Lookup{Name: t.name, Geography: ids.geography, Format: "ONS LSOA lookup"}
	if l.Geography == "" {
		l.Geography = placeplan.LSOA2021
	}
	msoaName := t.col("msoa11nm", "msoa21nm")
	probs := &Problems{name: t.name}
	seen := map[string]bool{}
	msoaSeen := map[string]bool{}
	for r, row := range t.rows {
		code := strings.TrimSpace(row[ids.code])
		if !lsoaCode.MatchString(code) {
			probs.addf("%s line %d column %d: %q is not an LSOA code", t.name, t.lines[r], ids.code+1, code)
			continue
		}
		if seen[code] {
			continue // OA-level lookups repeat each LSOA
		}
		seen[code] = true
		a := AreaRecord{Code: code}
		if ids.name >= 0 {
			a.Name = strings.TrimSpace(row[ids.name])
		}
		if ids.msoa >= 0 {
			a.MSOACode = strings.TrimSpace(row[ids.msoa])
			if a.MSOACode != "" && !msoaCode.MatchString(a.MSOACode) {
				probs.addf("%s line %d column %d: %q is not an MSOA code", t.name, t.lines[r], ids.msoa+1, a.MSOACode)
			}
			if a.MSOACode != "" && !msoaSeen[a.MSOACode] {
				msoaSeen[a.MSOACode] = true
				m := MSOAName{Code: a.MSOACode}
				if msoaName >= 0 {
					m.Name = strings.TrimSpace(row[msoaName])
				}
				if ids.msoaName >= 0 {
					m.HCLName = strings.TrimSpace(row[ids.msoaName])
				}
				l.MSOAs = append(l.MSOAs, m)
			}
		}
		if ids.lad >= 0 {
			a.LADCode = strings.TrimSpace(row[ids.lad])
		}
		if ids.ladName >= 0 {
			a.LADName = strings.TrimSpace(row[ids.ladName])
		}
		l.Areas = append(l.Areas, a)
	}
	return l, probs.Err()
}

func readChangesTable(t *table) (*Lookup, error) {
	c11, c21, chg := t.col("f lsoa11cd", "lsoa11cd"), t.col("lsoa21cd"), t.col("chgind")
	l := &Lookup{Name: t.name, Format: "ONS LSOA (2011) to LSOA (2021) lookup"}
	probs := &Problems{name: t.name}
	for r, row := range t.rows {
		ch := LSOAChange{LSOA11: strings.TrimSpace(row[c11]), LSOA21: strings.TrimSpace(row[c21]), Change: strings.TrimSpace(row[chg])}
		switch {
		case !lsoaCode.MatchString(ch.LSOA11) || !lsoaCode.MatchString(ch.LSOA21):
			probs.addf("%s line %d: %q → %q are not LSOA codes", t.name, t.lines[r], ch.LSOA11, ch.LSOA21)
		case !strings.Contains("USMX", ch.Change) || len(ch.Change) != 1:
			probs.addf("%s line %d column %d: change %q is not U, S, M or X", t.name, t.lines[r], chg+1, ch.Change)
		default:
			l.Changes = append(l.Changes, ch)
		}
	}
	return l, probs.Err()
}

func readMSOANamesTable(t *table) (*MSOANames, error) {
	code := t.col("msoa11cd", "msoa21cd")
	geog := placeplan.LSOA2011
	if normHeader(t.header[code]) == "msoa21cd" {
		geog = placeplan.LSOA2021
	}
	name, hcl := t.col("msoa11nm", "msoa21nm"), t.col("msoa11hclnm", "msoa21hclnm")
	mn := &MSOANames{Name: t.name, Geography: geog}
	probs := &Problems{name: t.name}
	for r, row := range t.rows {
		m := MSOAName{Code: strings.TrimSpace(row[code]), HCLName: strings.TrimSpace(row[hcl])}
		if name >= 0 {
			m.Name = strings.TrimSpace(row[name])
		}
		if !msoaCode.MatchString(m.Code) {
			probs.addf("%s line %d column %d: %q is not an MSOA code", t.name, t.lines[r], code+1, m.Code)
			continue
		}
		mn.MSOAs = append(mn.MSOAs, m)
	}
	return mn, probs.Err()
}

func readCentroidsTable(t *table) (*Centroids, error) {
	code, x, y := t.col("lsoa21cd"), t.col("x"), t.col("y")
	c := &Centroids{Name: t.name, Geography: placeplan.LSOA2021}
	probs := &Problems{name: t.name}
	for r, row := range t.rows {
		cd := strings.TrimSpace(row[code])
		e, _, errE := parseNumber(row[x])
		n, _, errN := parseNumber(row[y])
		if errE != nil || errN != nil {
			probs.addf("%s line %d: area %s: easting/northing %q, %q are not numbers", t.name, t.lines[r], cd, row[x], row[y])
			continue
		}
		p, err := pointToWGS84(orb.Point{e, n}, geo.BNG)
		if err != nil {
			probs.addf("%s line %d: area %s: %v", t.name, t.lines[r], cd, err)
			continue
		}
		c.Codes = append(c.Codes, cd)
		c.Points = append(c.Points, p)
	}
	return c, probs.Err()
}

func readLocalityTable(t *table) (*LocalityDefs, error) {
	loc := t.col("locality")
	scheme := t.col("scheme")
	code := t.col("code", "area code", "lsoa11cd", "msoa11cd", "lad code", "lsoa21cd", "msoa21cd")
	name := t.col("msoa name", "msoa11hclnm", "msoa21hclnm")
	geogCol := t.col("geography")
	d := &LocalityDefs{Name: t.name}
	probs := &Problems{name: t.name}
	for r, row := range t.rows {
		lr := LocalityRow{Line: t.lines[r], Locality: strings.TrimSpace(row[loc])}
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
				probs.addf("%s line %d column %d: geography %q is not lsoa11 or lsoa21", t.name, lr.Line, geogCol+1, g)
			}
		}
		if lr.Scheme == "" {
			lr.Scheme = "localities"
		}
		switch {
		case lr.Locality == "":
			probs.addf("%s line %d column %d: empty locality name", t.name, lr.Line, loc+1)
		case lr.Code == "" && lr.MSOAName == "":
			probs.addf("%s line %d: locality %q: no area code or MSOA name", t.name, lr.Line, lr.Locality)
		case lr.Code != "" && !lsoaCode.MatchString(lr.Code) && !msoaCode.MatchString(lr.Code) && !ladCode.MatchString(lr.Code):
			probs.addf("%s line %d column %d: locality %q: %q is not an LSOA, MSOA or district code", t.name, lr.Line, code+1, lr.Locality, lr.Code)
		default:
			d.Rows = append(d.Rows, lr)
		}
	}
	return d, probs.Err()
}

// LocalitiesFromPolygons reads locality polygons: each feature carries a
// "locality" (or "name") property and, optionally, a "scheme".
func LocalitiesFromPolygons(name string, fs *FeatureSet, crs geo.CRS) (*LocalityPolygons, error) {
	if crs != geo.CRSUnknown {
		fs.CRS = crs
	}
	lp := &LocalityPolygons{Name: name, Scheme: layerName(name)}
	probs := &Problems{name: name}
	for i, f := range fs.Features {
		nk := propKey(f.Properties, "locality", "name")
		n := propString(f.Properties, nk)
		if sk := propKey(f.Properties, "scheme"); sk != "" {
			lp.Scheme = propString(f.Properties, sk)
		}
		if n == "" {
			probs.addf("%s feature %d: no locality name", name, i+1)
			continue
		}
		mp, err := wgs84Polygons(f.Geometry, fs.CRS)
		if err != nil {
			probs.addf("%s feature %d (%s): %v", name, i+1, n, err)
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
