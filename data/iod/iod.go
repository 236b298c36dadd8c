// Package iod reads the English Indices of Deprivation in their published
// layouts — IoD2019 Files 1–9 on LSOA 2011, the combined IoD2019 file,
// IoD2025 on LSOA 2021 with its sub-domains and underlying indicators —
// recognising each file by its headers and returning it as an indicator
// table (package record), every code checked against the LSOA registry and
// every rank, decile and rate against what it can be.
package iod

import (
	"fmt"
	"io"
	"strings"

	"placeplan"
	"placeplan/data/record"
	"placeplan/data/registry"
	"placeplan/data/table"
)

// iodIndex maps the normalised wording of an index in the official and
// common derived headers to its key.
var iodIndex = map[string]placeplan.IoDIndex{
	"index of multiple deprivation imd": placeplan.IndexIMD, "index of multiple deprivation": placeplan.IndexIMD, "imd": placeplan.IndexIMD, "overall local": placeplan.IndexIMD,
	"income": placeplan.IndexIncome, "income domain": placeplan.IndexIncome,
	"employment": placeplan.IndexEmployment, "employment domain": placeplan.IndexEmployment,
	"education skills and training": placeplan.IndexEducation, "education": placeplan.IndexEducation, "education skills and training domain": placeplan.IndexEducation,
	"health deprivation and disability": placeplan.IndexHealth, "health": placeplan.IndexHealth, "health deprivation and disability domain": placeplan.IndexHealth,
	"crime": placeplan.IndexCrime, "crime domain": placeplan.IndexCrime,
	"barriers to housing and services": placeplan.IndexBarriers, "barriers": placeplan.IndexBarriers, "housing and services": placeplan.IndexBarriers, "barriers to housing and services domain": placeplan.IndexBarriers,
	"living environment": placeplan.IndexLivingEnv, "living env": placeplan.IndexLivingEnv, "environment": placeplan.IndexLivingEnv, "living environment domain": placeplan.IndexLivingEnv,
	"income deprivation affecting children index idaci": placeplan.IndexIDACI, "idaci": placeplan.IndexIDACI,
	"income deprivation affecting older people idaopi": placeplan.IndexIDAOPI, "income deprivation affecting older people index idaopi": placeplan.IndexIDAOPI, "idaopi": placeplan.IndexIDAOPI,
	"children and young people sub domain": placeplan.IndexCYP, "children and young people": placeplan.IndexCYP,
	"adult skills sub domain": placeplan.IndexAdultSkills, "adult skills": placeplan.IndexAdultSkills,
	"geographical barriers sub domain": placeplan.IndexGeographicalBarriers, "geographical barriers": placeplan.IndexGeographicalBarriers,
	"wider barriers sub domain": placeplan.IndexWiderBarriers, "wider barriers": placeplan.IndexWiderBarriers,
	"indoors sub domain": placeplan.IndexIndoors, "indoors": placeplan.IndexIndoors,
	"outdoors sub domain": placeplan.IndexOutdoors, "outdoors": placeplan.IndexOutdoors,
}

// iodColumn recognises an IoD header and returns the indicator it holds.
func iodColumn(h string, n int) (placeplan.Indicator, bool) {
	s := record.NormHeader(h)
	if i := strings.Index(s, " where 1 is"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, " rate")
	if pop, ok := populationColumn(s); ok {
		return pop, true
	}
	var measure placeplan.IoDMeasure
	switch {
	case strings.HasSuffix(s, " score exponentially transformed"):
		measure, s = placeplan.MeasureExp, strings.TrimSuffix(s, " score exponentially transformed")
	case strings.HasSuffix(s, " exp"):
		measure, s = placeplan.MeasureExp, strings.TrimSuffix(s, " exp")
	default:
		for _, m := range []placeplan.IoDMeasure{placeplan.MeasureScore, placeplan.MeasureRank, placeplan.MeasureDecile} {
			if strings.HasSuffix(s, " "+string(m)) {
				measure, s = m, strings.TrimSuffix(s, " "+string(m))
				break
			}
		}
	}
	index, ok := iodIndex[s]
	if measure == "" || !ok {
		return placeplan.Indicator{}, false
	}
	info, _ := index.Info()
	ind := placeplan.Indicator{
		Key: index.Key(measure), Index: index, Direction: measure.Direction(),
		Denominator: info.Denominator,
	}
	switch measure {
	case placeplan.MeasureScore:
		ind.Name, ind.Kind, ind.Unit = info.NeedName, info.ScoreKind, "score"
		if info.ScoreKind == placeplan.KindRate {
			ind.Unit = "proportion of the population deprived"
		}
	case placeplan.MeasureRank:
		ind.Name, ind.Kind = info.Name+" rank", placeplan.KindRank
		ind.Unit = fmt.Sprintf("rank of %d (1 = most deprived)", n)
	case placeplan.MeasureDecile:
		ind.Name, ind.Kind = info.Name+" decile", placeplan.KindDecile
		ind.Unit = "national decile (1 = most deprived 10 %)"
	case placeplan.MeasureExp:
		ind.Name, ind.Kind, ind.Unit = info.NeedName+", exponentially transformed score", placeplan.KindScore, "transformed score (0 to 100)"
	}
	return ind, true
}

// populationColumn recognises the IoD population denominators (File 6 and
// File 7 wording, and the snake_case names of the combined file).
func populationColumn(s string) (placeplan.Indicator, bool) {
	var key string
	switch {
	case strings.HasPrefix(s, "total population"), strings.HasPrefix(s, "pop total"):
		key = placeplan.TotalPopulationKey
	case strings.HasPrefix(s, "dependent children aged 0 15"), strings.HasPrefix(s, "pop children 0 15"):
		key = "pop_children_0_15"
	case strings.HasPrefix(s, "population aged 16 59"), strings.HasPrefix(s, "pop 16 59"):
		key = "pop_16_59"
	case strings.HasPrefix(s, "older population aged 60 and over"), strings.HasPrefix(s, "pop 60plus"), strings.HasPrefix(s, "pop 60 plus"):
		key = "pop_60_plus"
	case strings.HasPrefix(s, "working age population"), strings.HasPrefix(s, "pop working age"):
		key = "pop_working_age"
	}
	for _, p := range placeplan.IoDPopulations() {
		if p.Key == key {
			return placeplan.Indicator{Key: p.Key, Name: p.Name, Unit: "people", Kind: placeplan.KindPopulation,
				Direction: placeplan.HigherIsWorse, Denominator: p.Denominator}, true
		}
	}
	return placeplan.Indicator{}, false
}

// Read reads an English Indices of Deprivation file in one of its
// published layouts — IoD2019 Files 1–9 on LSOA 2011, the combined
// IoD2019 file, IoD2025 on LSOA 2021 — recognising it by its headers.
func Read(name string, r io.Reader) (*record.IndicatorTable, error) {
	t, err := table.ReadFrom(name, r)
	if err != nil {
		return nil, err
	}
	return FromTable(t)
}

// Recognise reports whether a table's headers are an IoD layout.
func Recognise(t *table.Table) bool {
	ids := table.FindIDColumns(t)
	if ids.Code < 0 {
		return false
	}
	n := 0
	for i, h := range t.Header {
		if i == ids.Code {
			continue
		}
		if _, ok := iodColumn(h, 0); ok {
			n++
		} else if _, ok := underlyingMeta[record.SnakeKey(h)]; ok {
			n++
		}
	}
	return n >= 1 && n*2 >= len(t.Header)-4
}

// FromTable reads a table already recognised as an IoD file; see Read.
func FromTable(t *table.Table) (*record.IndicatorTable, error) {
	ids := table.FindIDColumns(t)
	if ids.Code < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no LSOA code column (expected a header such as \"LSOA code (2011)\" or lsoa11cd)", t.Name)
	}
	reg, err := registry.LSOAs()
	if err != nil {
		return nil, err
	}
	geog := ids.Geography
	if geog == "" {
		codes := ids.Codes(t)
		geog, _, _ = reg.Guess(codes)
		if geog == "" {
			geog = placeplan.LSOA2011
		}
	}
	vintage, n := "IoD2019", geog.LSOAsInEngland()
	if geog == placeplan.LSOA2021 {
		vintage = "IoD2025"
	}
	for _, h := range t.Header {
		if s := record.NormHeader(h); strings.Contains(s, "mid 2012") {
			vintage = "IoD2015"
		}
	}
	var cols []int
	var defs []placeplan.Indicator
	var underlying int
	seen := map[string]int{}
	for i, h := range t.Header {
		if ids.IsID(i) {
			continue
		}
		ind, ok := iodColumn(h, n)
		if !ok {
			key := record.SnakeKey(h)
			m, known := underlyingMeta[key]
			if !known {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1 column %d: %q is not a column of the published IoD files", t.Name, i+1, h)
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
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: columns %d and %d both hold %s", t.Name, j+1, i+1, ind.Key)
		}
		seen[ind.Key] = i
		ind.Geography, ind.Vintage = geog, vintage
		cols = append(cols, i)
		defs = append(defs, ind)
	}
	it := &record.IndicatorTable{
		Name: t.Name, Kind: placeplan.DatasetIoD, Vintage: vintage, Geography: geog,
		Publisher: record.MHCLG, Licence: record.OGL, Attribution: record.OGLAttribution + " Source: " + record.MHCLG + ", English Indices of Deprivation " + strings.TrimPrefix(vintage, "IoD") + ".",
		Indicators: defs,
	}
	it.Format = vintage + " " + iodFileLabel(defs, underlying) + " (" + geog.Label() + ")"
	if err := table.FillIndicators(it, t, ids, cols, reg, n); err != nil {
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
	subOnly := len(defs) > 0
	for _, d := range defs {
		info, isIndex := d.Index.Info()
		subOnly = subOnly && isIndex && info.Group == placeplan.IoDSubDomain
		switch {
		case d.Kind == placeplan.KindPopulation:
			has["pop"] = true
		case strings.HasSuffix(d.Key, "_exp"):
			has["exp"] = true
		case d.Kind == placeplan.KindRank || d.Kind == placeplan.KindDecile:
			has["rank"] = true
			switch info.Group {
			case placeplan.IoDSupplementary:
				has["supp"] = true
			case placeplan.IoDSubDomain:
				has["sub"] = true
			case placeplan.IoDOverall:
			default:
				has["domain"] = true
			}
		case isIndex && (d.Kind == placeplan.KindScore || d.Kind == placeplan.KindRate) && underlying == 0:
			has["score"] = true
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
