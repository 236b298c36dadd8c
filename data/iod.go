package data

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
)

// National LSOA counts in England: the N of every IoD rank.
const (
	LSOACount2011 = 32844
	LSOACount2021 = 33755
)

// Licence and attribution lines for the official files placeplan recognises.
const (
	OGL            = "Open Government Licence v3.0"
	OGLAttribution = "Contains public sector information licensed under the Open Government Licence v3.0."
	MHCLG          = "Ministry of Housing, Communities and Local Government"
	ONS            = "Office for National Statistics"
	ONSAttribution = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right."
)

// AreaRecord is what one file says about one small area; empty fields say
// nothing.
type AreaRecord struct {
	Code      string
	Name      string
	MSOACode  string
	MSOAName  string
	LADCode   string
	LADName   string
	Geometry  orb.MultiPolygon // WGS84
	Point     orb.Point
	PointKind string
	Issue     string // geometry problems found and repaired
}

// IndicatorTable is an indicator file read and validated: one row per area,
// one column per indicator.
type IndicatorTable struct {
	Name        string // file name
	Format      string // what the file was recognised as
	Kind        string // "iod" or "indicators"
	Vintage     string
	Geography   placeplan.Geography
	Publisher   string
	Licence     string
	Attribution string
	Areas       []AreaRecord
	Indicators  []placeplan.Indicator
	Values      [][]float64 // Values[i][j]: indicator i, area j; NaN when missing
	Warnings    []string
}

// iodIndex maps the normalised wording of an index in the official and
// common derived headers to its key.
var iodIndex = map[string]string{
	"index of multiple deprivation imd": "imd", "index of multiple deprivation": "imd", "imd": "imd", "overall local": "imd",
	"income": "income", "income domain": "income",
	"employment": "employment", "employment domain": "employment",
	"education skills and training": "education", "education": "education", "education skills and training domain": "education",
	"health deprivation and disability": "health", "health": "health", "health deprivation and disability domain": "health",
	"crime": "crime", "crime domain": "crime",
	"barriers to housing and services": "barriers", "barriers": "barriers", "housing and services": "barriers", "barriers to housing and services domain": "barriers",
	"living environment": "living_env", "living env": "living_env", "environment": "living_env", "living environment domain": "living_env",
	"income deprivation affecting children index idaci": "idaci", "idaci": "idaci",
	"income deprivation affecting older people idaopi": "idaopi", "income deprivation affecting older people index idaopi": "idaopi", "idaopi": "idaopi",
	"children and young people sub domain": "cyp", "children and young people": "cyp",
	"adult skills sub domain": "adult_skills", "adult skills": "adult_skills",
	"geographical barriers sub domain": "geographical_barriers", "geographical barriers": "geographical_barriers",
	"wider barriers sub domain": "wider_barriers", "wider barriers": "wider_barriers",
	"indoors sub domain": "indoors", "indoors": "indoors",
	"outdoors sub domain": "outdoors", "outdoors": "outdoors",
}

// IndexNames gives each IoD index key its published name.
var IndexNames = map[string]string{
	"imd": "Index of Multiple Deprivation", "income": "Income", "employment": "Employment",
	"education": "Education, Skills and Training", "health": "Health Deprivation and Disability",
	"crime": "Crime", "barriers": "Barriers to Housing and Services", "living_env": "Living Environment",
	"idaci": "Income Deprivation Affecting Children Index", "idaopi": "Income Deprivation Affecting Older People Index",
	"cyp": "Children and Young People sub-domain", "adult_skills": "Adult Skills sub-domain",
	"geographical_barriers": "Geographical Barriers sub-domain", "wider_barriers": "Wider Barriers sub-domain",
	"indoors": "Indoors sub-domain", "outdoors": "Outdoors sub-domain",
}

// indexNeedNames name what each index's score measures, in words that read
// well in a sentence ("driven mainly by income deprivation affecting
// children").
var indexNeedNames = map[string]string{
	"imd": "Multiple deprivation (IMD)", "income": "Income deprivation", "employment": "Employment deprivation",
	"education": "Education, skills and training deprivation", "health": "Health deprivation and disability",
	"crime": "Crime", "barriers": "Barriers to housing and services", "living_env": "Living environment deprivation",
	"idaci": "Income deprivation affecting children (IDACI)", "idaopi": "Income deprivation affecting older people (IDAOPI)",
	"cyp": "Children and young people's education deprivation", "adult_skills": "Adult skills deprivation",
	"geographical_barriers": "Geographical barriers to services", "wider_barriers": "Wider barriers to housing",
	"indoors": "Poor housing conditions (indoors living environment)", "outdoors": "Poor outdoor living environment",
}

// indexDenominator is the population an index's measures are weighted by.
func indexDenominator(index string) string {
	switch index {
	case "employment":
		return placeplan.PopWorkingAge
	case "idaci", "cyp":
		return placeplan.PopChildren
	case "idaopi":
		return placeplan.PopOlder
	}
	return placeplan.PopTotal
}

// iodColumn recognises an IoD header and returns the indicator it holds.
func iodColumn(h string, n int) (placeplan.Indicator, bool) {
	s := normHeader(h)
	if i := strings.Index(s, " where 1 is"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, " rate")
	if pop, ok := populationColumn(s); ok {
		return pop, true
	}
	var measure string
	switch {
	case strings.HasSuffix(s, " score exponentially transformed"):
		measure, s = "exp", strings.TrimSuffix(s, " score exponentially transformed")
	case strings.HasSuffix(s, " exp"):
		measure, s = "exp", strings.TrimSuffix(s, " exp")
	default:
		for _, m := range []string{"score", "rank", "decile"} {
			if strings.HasSuffix(s, " "+m) {
				measure, s = m, strings.TrimSuffix(s, " "+m)
				break
			}
		}
	}
	index, ok := iodIndex[s]
	if measure == "" || !ok {
		return placeplan.Indicator{}, false
	}
	ind := placeplan.Indicator{
		Key: index + "_" + measure, Index: index, Direction: placeplan.HigherIsWorse,
		Denominator: indexDenominator(index),
	}
	name := IndexNames[index]
	switch measure {
	case "score":
		ind.Name, ind.Kind, ind.Unit = indexNeedNames[index], placeplan.KindScore, "score"
		switch index {
		case "income", "employment", "idaci", "idaopi":
			ind.Kind, ind.Unit = placeplan.KindRate, "proportion of the population deprived"
		}
	case "rank":
		ind.Name, ind.Kind, ind.Direction = name+" rank", placeplan.KindRank, placeplan.HigherIsBetter
		ind.Unit = fmt.Sprintf("rank of %d (1 = most deprived)", n)
	case "decile":
		ind.Name, ind.Kind, ind.Direction = name+" decile", placeplan.KindDecile, placeplan.HigherIsBetter
		ind.Unit = "national decile (1 = most deprived 10 %)"
	case "exp":
		ind.Name, ind.Kind, ind.Unit = indexNeedNames[index]+", exponentially transformed score", placeplan.KindScore, "transformed score (0 to 100)"
	}
	return ind, true
}

// populationColumn recognises the IoD population denominators (File 6 and
// File 7 wording, and the snake_case names of the combined file).
func populationColumn(s string) (placeplan.Indicator, bool) {
	pop := func(key, name, denom string) (placeplan.Indicator, bool) {
		return placeplan.Indicator{Key: key, Name: name, Unit: "people", Kind: placeplan.KindPopulation,
			Direction: placeplan.HigherIsWorse, Denominator: denom}, true
	}
	switch {
	case strings.HasPrefix(s, "total population"), strings.HasPrefix(s, "pop total"):
		return pop("pop_total", "Total population", placeplan.PopTotal)
	case strings.HasPrefix(s, "dependent children aged 0 15"), strings.HasPrefix(s, "pop children 0 15"):
		return pop("pop_children_0_15", "Dependent children aged 0–15", placeplan.PopChildren)
	case strings.HasPrefix(s, "population aged 16 59"), strings.HasPrefix(s, "pop 16 59"):
		return pop("pop_16_59", "Population aged 16–59", placeplan.PopAdults1659)
	case strings.HasPrefix(s, "older population aged 60 and over"), strings.HasPrefix(s, "pop 60plus"), strings.HasPrefix(s, "pop 60 plus"):
		return pop("pop_60_plus", "Older population aged 60 and over", placeplan.PopOlder)
	case strings.HasPrefix(s, "working age population"), strings.HasPrefix(s, "pop working age"):
		return pop("pop_working_age", "Working-age population (Employment domain denominator)", placeplan.PopWorkingAge)
	}
	return placeplan.Indicator{}, false
}

// idColumns finds the area code, name and district columns of a table and
// the geography its code column names, if it names one.
type idColumns struct {
	code, name, lad, ladName, msoa, msoaName int
	geography                                placeplan.Geography
}

func findIDColumns(t *table) idColumns {
	ids := idColumns{code: -1, name: -1, lad: -1, ladName: -1, msoa: -1, msoaName: -1}
	for i, h := range t.header {
		n := normHeader(h)
		switch {
		case ids.code < 0 && (n == "lsoa code 2011" || n == "lsoa11cd" || n == "lsoa11 code" || n == "lsoa11" || n == "f lsoa11cd"):
			ids.code, ids.geography = i, placeplan.LSOA2011
		case ids.code < 0 && (n == "lsoa code 2021" || n == "lsoa21cd" || n == "lsoa21 code" || n == "lsoa21"):
			ids.code, ids.geography = i, placeplan.LSOA2021
		case ids.code < 0 && (n == "lsoa code" || n == "lsoa" || n == "lsoa cd" || n == "area code" || n == "areacode" ||
			n == "code" || n == "geography code" || n == "area"):
			ids.code = i
		case ids.name < 0 && (n == "lsoa name 2011" || n == "lsoa11nm" || n == "lsoa name 2021" || n == "lsoa21nm" ||
			n == "lsoa21 name" || n == "lsoa name" || n == "name" || n == "area name" || n == "lsoa11 name"):
			ids.name = i
		case ids.lad < 0 && (strings.HasPrefix(n, "local authority district code") || isCodeHeader(n, "lad") || isCodeHeader(n, "ltla")):
			ids.lad = i
		case ids.ladName < 0 && (strings.HasPrefix(n, "local authority district name") || isNameHeader(n, "lad") || isNameHeader(n, "ltla")):
			ids.ladName = i
		case ids.msoa < 0 && (n == "msoa11cd" || n == "msoa21cd" || n == "msoa code 2011" || n == "msoa code 2021" || n == "msoa code"):
			ids.msoa = i
		case ids.msoaName < 0 && (n == "msoa11hclnm" || n == "msoa21hclnm"):
			ids.msoaName = i
		}
	}
	return ids
}

// isCodeHeader matches "lad19cd", "lad24cd", "ltla24 code", "lad22cd".
func isCodeHeader(n, prefix string) bool {
	if !strings.HasPrefix(n, prefix) {
		return false
	}
	rest := strings.TrimPrefix(n, prefix)
	return len(rest) >= 3 && rest[0] >= '0' && rest[0] <= '9' && rest[1] >= '0' && rest[1] <= '9' &&
		(rest[2:] == "cd" || rest[2:] == " code")
}

func isNameHeader(n, prefix string) bool {
	if !strings.HasPrefix(n, prefix) {
		return false
	}
	rest := strings.TrimPrefix(n, prefix)
	return len(rest) >= 3 && rest[0] >= '0' && rest[0] <= '9' && rest[1] >= '0' && rest[1] <= '9' &&
		(rest[2:] == "nm" || rest[2:] == " name")
}

// ReadIoD reads an English Indices of Deprivation file in one of its
// published layouts — IoD2019 Files 1–9 on LSOA 2011, the combined
// IoD2019 file, IoD2025 on LSOA 2021 — recognising it by its headers.
func ReadIoD(name string, r io.Reader) (*IndicatorTable, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	t, err := readTable(name, b)
	if err != nil {
		return nil, err
	}
	return readIoDTable(t)
}

// looksLikeIoD reports whether a table's headers are an IoD layout.
func looksLikeIoD(t *table) bool {
	ids := findIDColumns(t)
	if ids.code < 0 {
		return false
	}
	n := 0
	for i, h := range t.header {
		if i == ids.code {
			continue
		}
		if _, ok := iodColumn(h, 0); ok {
			n++
		} else if _, ok := underlyingMeta[snakeKey(h)]; ok {
			n++
		}
	}
	return n >= 1 && n*2 >= len(t.header)-4
}

func readIoDTable(t *table) (*IndicatorTable, error) {
	ids := findIDColumns(t)
	if ids.code < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no LSOA code column (expected a header such as \"LSOA code (2011)\" or lsoa11cd)", t.name)
	}
	reg, err := Registry()
	if err != nil {
		return nil, err
	}
	geog := ids.geography
	if geog == "" {
		codes := make([]string, len(t.rows))
		for i, row := range t.rows {
			codes[i] = strings.TrimSpace(row[ids.code])
		}
		geog, _, _ = reg.guessGeography(codes)
		if geog == "" {
			geog = placeplan.LSOA2011
		}
	}
	vintage, n := "IoD2019", LSOACount2011
	if geog == placeplan.LSOA2021 {
		vintage, n = "IoD2025", LSOACount2021
	}
	for _, h := range t.header {
		if s := normHeader(h); strings.Contains(s, "mid 2012") {
			vintage = "IoD2015"
		}
	}
	var cols []int
	var defs []placeplan.Indicator
	var underlying int
	seen := map[string]int{}
	for i, h := range t.header {
		if i == ids.code || i == ids.name || i == ids.lad || i == ids.ladName || i == ids.msoa || i == ids.msoaName {
			continue
		}
		ind, ok := iodColumn(h, n)
		if !ok {
			key := snakeKey(h)
			m, known := underlyingMeta[key]
			if !known {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1 column %d: %q is not a column of the published IoD files", t.name, i+1, h)
			}
			name := underlyingNames[key]
			if name == "" {
				name = readableName(h)
			}
			ind = placeplan.Indicator{Key: key, Name: name, Unit: m.unit, Kind: m.kind,
				Direction: placeplan.HigherIsWorse, Denominator: m.denominator, Index: m.index}
			underlying++
		}
		if j, dup := seen[ind.Key]; dup {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: columns %d and %d both hold %s", t.name, j+1, i+1, ind.Key)
		}
		seen[ind.Key] = i
		ind.Geography, ind.Vintage = geog, vintage
		cols = append(cols, i)
		defs = append(defs, ind)
	}
	it := &IndicatorTable{
		Name: t.name, Kind: "iod", Vintage: vintage, Geography: geog,
		Publisher: MHCLG, Licence: OGL, Attribution: OGLAttribution + " Source: " + MHCLG + ", English Indices of Deprivation " + strings.TrimPrefix(vintage, "IoD") + ".",
		Indicators: defs,
	}
	it.Format = vintage + " " + iodFileLabel(defs, underlying) + " (" + geog.Label() + ")"
	if err := fillIndicatorTable(it, t, ids, cols, reg, n); err != nil {
		return nil, err
	}
	hasRanks := false
	for _, d := range defs {
		hasRanks = hasRanks || d.Kind == placeplan.KindRank || d.Kind == placeplan.KindDecile
	}
	if hasRanks && len(it.Areas) != n {
		it.Warnings = append(it.Warnings, fmt.Sprintf("%d areas, not all %d in England: ranks and deciles are national, so they are kept as published", len(it.Areas), n))
	}
	return it, nil
}

// iodFileLabel names the published file a set of columns matches.
func iodFileLabel(defs []placeplan.Indicator, underlying int) string {
	has := map[string]bool{}
	for _, d := range defs {
		switch {
		case d.Kind == placeplan.KindPopulation:
			has["pop"] = true
		case strings.HasSuffix(d.Key, "_exp"):
			has["exp"] = true
		case d.Kind == placeplan.KindRank || d.Kind == placeplan.KindDecile:
			has["rank"] = true
			switch d.Index {
			case "idaci", "idaopi":
				has["supp"] = true
			case "cyp", "adult_skills", "geographical_barriers", "wider_barriers", "indoors", "outdoors":
				has["sub"] = true
			case "imd":
			default:
				has["domain"] = true
			}
		case d.Index != "" && (d.Kind == placeplan.KindScore || d.Kind == placeplan.KindRate) && d.Kind != placeplan.KindCount:
			if _, ok := IndexNames[d.Index]; ok && underlying == 0 {
				has["score"] = true
			}
		}
	}
	subOnly := len(defs) > 0
	for _, d := range defs {
		switch d.Index {
		case "cyp", "adult_skills", "geographical_barriers", "wider_barriers", "indoors", "outdoors":
		default:
			subOnly = false
		}
	}
	switch {
	case subOnly:
		return "File 4: sub-domains of deprivation"
	case underlying > 0 && len(defs) == underlying:
		return "File 8: underlying indicators"
	case has["score"] && has["rank"] && has["pop"] && has["exp"]:
		return "combined file: scores, ranks, deciles, transformed scores and population denominators"
	case has["score"] && has["rank"] && has["pop"]:
		return "File 7: all ranks, scores, deciles and population denominators"
	case has["score"] && has["rank"]:
		return "scores, ranks and deciles"
	case has["score"]:
		return "File 5: scores"
	case has["exp"]:
		return "File 9: transformed scores"
	case has["pop"]:
		return "File 6: population denominators"
	case has["sub"]:
		return "File 4: sub-domains of deprivation"
	case has["supp"]:
		return "File 3: supplementary indices IDACI and IDAOPI"
	case has["domain"]:
		return "File 2: domains of deprivation"
	case has["rank"]:
		return "File 1: Index of Multiple Deprivation"
	}
	return "indicators"
}

// fillIndicatorTable reads and validates the rows of t: codes against the
// registry and each value against its indicator's kind.
func fillIndicatorTable(it *IndicatorTable, t *table, ids idColumns, cols []int, reg *CodeRegistry, n int) error {
	probs := &Problems{name: t.name}
	firstLine := map[string]int{}
	var only11, only21 []string
	it.Values = make([][]float64, len(cols))
	for k := range it.Values {
		it.Values[k] = make([]float64, 0, len(t.rows))
	}
	missing := make([]int, len(cols))
	for r, row := range t.rows {
		line := t.lines[r]
		code := strings.TrimSpace(row[ids.code])
		switch {
		case code == "":
			probs.addf("%s line %d column %d: empty area code", t.name, line, ids.code+1)
			continue
		case !lsoaCode.MatchString(code):
			probs.addf("%s line %d column %d: %q is not an LSOA code (expected E01 followed by six digits)", t.name, line, ids.code+1, code)
			continue
		case !reg.Known(it.Geography, code):
			if reg.Known(otherGeography(it.Geography), code) {
				if it.Geography == placeplan.LSOA2011 {
					only21 = append(only21, fmt.Sprintf("%s (line %d)", code, line))
				} else {
					only11 = append(only11, fmt.Sprintf("%s (line %d)", code, line))
				}
				continue
			}
			probs.addf("%s line %d column %d: unknown %s area code %s", t.name, line, ids.code+1, it.Geography.Label(), code)
			continue
		}
		if first, dup := firstLine[code]; dup {
			probs.addf("%s line %d: duplicate area code %s (first on line %d)", t.name, line, code, first)
			continue
		}
		firstLine[code] = line
		a := AreaRecord{Code: code}
		if ids.name >= 0 {
			a.Name = strings.TrimSpace(row[ids.name])
		}
		if ids.lad >= 0 {
			a.LADCode = strings.TrimSpace(row[ids.lad])
			if a.LADCode != "" && !ladCode.MatchString(a.LADCode) {
				probs.addf("%s line %d column %d: %q is not a local authority district code", t.name, line, ids.lad+1, a.LADCode)
			}
		}
		if ids.ladName >= 0 {
			a.LADName = strings.TrimSpace(row[ids.ladName])
		}
		if ids.msoa >= 0 {
			a.MSOACode = strings.TrimSpace(row[ids.msoa])
		}
		it.Areas = append(it.Areas, a)
		for k, c := range cols {
			v, miss, err := parseNumber(row[c])
			if err != nil {
				probs.addf("%s line %d column %d (%s), area %s: %v", t.name, line, c+1, t.header[c], code, err)
			} else if miss {
				missing[k]++
			} else if msg := checkValue(it.Indicators[k], v, n); msg != "" {
				probs.addf("%s line %d column %d (%s), area %s: %s", t.name, line, c+1, t.header[c], code, msg)
			}
			it.Values[k] = append(it.Values[k], v)
		}
	}
	if len(only11)+len(only21) > 0 {
		var parts []string
		if len(only21) > 0 {
			parts = append(parts, fmt.Sprintf("%d codes that exist only in LSOA 2021, first %s", len(only21), only21[0]))
		}
		if len(only11) > 0 {
			parts = append(parts, fmt.Sprintf("%d codes that exist only in LSOA 2011, first %s", len(only11), only11[0]))
		}
		probs.addf("%s: a mix of LSOA 2011 and 2021 codes in a file read as %s: %s; convert the codes with the ONS LSOA (2011) to LSOA (2021) lookup first",
			t.name, it.Geography.Label(), strings.Join(parts, "; "))
	}
	if err := probs.Err(); err != nil {
		return err
	}
	for k, m := range missing {
		if m > 0 {
			it.Warnings = append(it.Warnings, fmt.Sprintf("%s: %d of %d areas have no value", it.Indicators[k].Key, m, len(it.Areas)))
		}
	}
	return nil
}

// checkValue returns why v is impossible for ind, or "".
func checkValue(ind placeplan.Indicator, v float64, n int) string {
	whole := v == math.Trunc(v)
	switch ind.Kind {
	case placeplan.KindRank:
		if !whole || v < 1 || (n > 0 && v > float64(n)) {
			return fmt.Sprintf("rank %v is impossible (ranks run from 1 to %d)", v, n)
		}
	case placeplan.KindDecile:
		if !whole || v < 1 || v > 10 {
			return fmt.Sprintf("decile %v is impossible (deciles run from 1 to 10)", v)
		}
	case placeplan.KindPopulation, placeplan.KindCount:
		if v < 0 {
			return fmt.Sprintf("negative %s %v", ind.Kind, v)
		}
	case placeplan.KindRate:
		if v < 0 {
			return fmt.Sprintf("negative rate %v", v)
		}
		if strings.HasPrefix(ind.Unit, "proportion") && v > 1 {
			return fmt.Sprintf("proportion %v is above 1", v)
		}
		if ind.Unit == "%" && v > 100 {
			return fmt.Sprintf("percentage %v is above 100", v)
		}
	}
	if strings.HasSuffix(ind.Key, "_exp") && (v < 0 || v > 100) {
		return fmt.Sprintf("transformed score %v is outside 0 to 100", v)
	}
	return ""
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// acronyms stay in capitals when a snake_case header is made readable.
var acronyms = map[string]string{"idaci": "IDACI", "idaopi": "IDAOPI", "gp": "GP", "km": "(km)", "imd": "IMD"}

// readableName turns a snake_case header into words ("acute_morbidity_indicator"
// → "Acute morbidity indicator") and leaves a published header as it is.
func readableName(h string) string {
	h = strings.TrimSpace(h)
	if strings.ContainsAny(h, " ()") || h != strings.ToLower(h) {
		return h
	}
	words := strings.Split(h, "_")
	for i, w := range words {
		if a, ok := acronyms[w]; ok {
			words[i] = a
		}
	}
	out := strings.Join(words, " ")
	return strings.ToUpper(out[:1]) + out[1:]
}
