package data

import (
	"io"
	"math"
	"strings"

	"placeplan"
)

// IndicatorMeta is the metadata file that describes the value columns of
// an indicator CSV: one row per indicator.
//
//	indicator,name,unit,direction,kind,denominator,confidential
//	early_help_referrals,Early help referrals 2024/25,referrals,higher_is_worse,count,children,yes
type IndicatorMeta struct {
	Name       string
	Indicators map[string]placeplan.Indicator
}

var metaColumns = []string{"indicator", "name", "unit", "direction", "kind", "denominator"}

// looksLikeMeta reports whether a table is an indicator metadata file.
func looksLikeMeta(t *table) bool {
	for _, c := range []string{"indicator", "direction", "kind"} {
		if t.col(c) < 0 {
			return false
		}
	}
	return true
}

// ReadIndicatorMeta reads an indicator metadata CSV.
func ReadIndicatorMeta(name string, r io.Reader) (*IndicatorMeta, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	t, err := readTable(name, b)
	if err != nil {
		return nil, err
	}
	return readMetaTable(t)
}

func readMetaTable(t *table) (*IndicatorMeta, error) {
	idx := map[string]int{}
	for _, c := range append(metaColumns, "confidential") {
		idx[c] = t.col(c)
	}
	for _, c := range metaColumns {
		if idx[c] < 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no %q column (an indicator metadata file has the columns %s[,confidential])",
				t.name, c, strings.Join(metaColumns, ","))
		}
	}
	m := &IndicatorMeta{Name: t.name, Indicators: map[string]placeplan.Indicator{}}
	probs := &Problems{name: t.name}
	firstLine := map[string]int{}
	for r, row := range t.rows {
		line := t.lines[r]
		cell := func(c string) string {
			if idx[c] < 0 {
				return ""
			}
			return strings.TrimSpace(row[idx[c]])
		}
		key := cell("indicator")
		if key == "" {
			probs.addf("%s line %d column %d: empty indicator key", t.name, line, idx["indicator"]+1)
			continue
		}
		if snakeKey(key) != key {
			probs.addf("%s line %d column %d: indicator key %q must be lower-case letters, digits and underscores (e.g. %q)", t.name, line, idx["indicator"]+1, key, snakeKey(key))
			continue
		}
		if first, dup := firstLine[key]; dup {
			probs.addf("%s line %d: indicator %s described twice (first on line %d)", t.name, line, key, first)
			continue
		}
		firstLine[key] = line
		ind := placeplan.Indicator{Key: key, Name: cell("name"), Unit: cell("unit"), Confidential: true}
		if ind.Name == "" {
			ind.Name = key
		}
		switch strings.ToLower(strings.ReplaceAll(cell("direction"), " ", "_")) {
		case "higher_is_worse", "+1", "1", "+", "higher_means_more_need", "high_is_bad":
			ind.Direction = placeplan.HigherIsWorse
		case "higher_is_better", "-1", "-", "higher_means_less_need", "high_is_good":
			ind.Direction = placeplan.HigherIsBetter
		default:
			probs.addf("%s line %d column %d (direction), indicator %s: %q is not a direction (use higher_is_worse or higher_is_better)", t.name, line, idx["direction"]+1, key, cell("direction"))
		}
		switch k := strings.ToLower(cell("kind")); k {
		case placeplan.KindCount, placeplan.KindRate, placeplan.KindScore:
			ind.Kind = k
		default:
			probs.addf("%s line %d column %d (kind), indicator %s: %q is not a kind (use count, rate or score)", t.name, line, idx["kind"]+1, key, cell("kind"))
		}
		switch d := strings.ToLower(cell("denominator")); d {
		case placeplan.PopTotal, placeplan.PopChildren, placeplan.PopWorkingAge, placeplan.PopOlder, placeplan.PopAdults1659, placeplan.PopNone:
			ind.Denominator = d
		case "":
			ind.Denominator = placeplan.PopTotal
		default:
			probs.addf("%s line %d column %d (denominator), indicator %s: %q is not a denominator (use total, children, working_age, older, adults_16_59 or none)", t.name, line, idx["denominator"]+1, key, cell("denominator"))
		}
		switch c := strings.ToLower(cell("confidential")); c {
		case "", "yes", "y", "true", "1":
		case "no", "n", "false", "0":
			ind.Confidential = false
		default:
			probs.addf("%s line %d column %d (confidential), indicator %s: %q is not yes or no", t.name, line, idx["confidential"]+1, key, cell("confidential"))
		}
		m.Indicators[key] = ind
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadIndicatorCSV reads a council's indicator CSV — an LSOA code column and
// one column per indicator — described by meta. The code column's header
// (lsoa11cd, lsoa21cd, "LSOA code (2011)"…) or the codes themselves decide
// the geography; when every code exists in both vintages, fallback does.
func ReadIndicatorCSV(name string, r io.Reader, meta *IndicatorMeta, fallback placeplan.Geography) (*IndicatorTable, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	t, err := readTable(name, b)
	if err != nil {
		return nil, err
	}
	return readIndicatorTable(t, meta, fallback)
}

func readIndicatorTable(t *table, meta *IndicatorMeta, fallback placeplan.Geography) (*IndicatorTable, error) {
	ids := findIDColumns(t)
	if ids.code < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no area code column (name it lsoa11cd, lsoa21cd or area_code)", t.name)
	}
	if meta == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no indicator metadata: put %s beside it, or give a metadata CSV (columns %s) in the same ingest",
			t.name, metaSidecarName(t.name), strings.Join(metaColumns, ","))
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
		var only11, only21 []int
		geog, only11, only21 = reg.guessGeography(codes)
		if len(only11) > 0 && len(only21) > 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: a mix of LSOA 2011 and 2021 codes: %s (line %d) exists only in 2011, %s (line %d) only in 2021",
				t.name, codes[only11[0]], t.lines[only11[0]], codes[only21[0]], t.lines[only21[0]])
		}
		if geog == "" {
			geog = fallback
		}
		if geog == "" {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: every code exists in both LSOA 2011 and LSOA 2021: name the code column lsoa11cd or lsoa21cd", t.name)
		}
	}
	var cols []int
	var defs []placeplan.Indicator
	probs := &Problems{name: t.name}
	for i, h := range t.header {
		if i == ids.code || i == ids.name || i == ids.lad || i == ids.ladName || i == ids.msoa || i == ids.msoaName {
			continue
		}
		key := snakeKey(h)
		ind, ok := meta.Indicators[key]
		if !ok {
			probs.addf("%s line 1 column %d: indicator %q is not described in %s", t.name, i+1, key, meta.Name)
			continue
		}
		ind.Geography = geog
		cols = append(cols, i)
		defs = append(defs, ind)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no indicator columns besides the area code", t.name)
	}
	it := &IndicatorTable{Name: t.name, Kind: "indicators", Format: "indicator CSV (" + geog.Label() + ")", Geography: geog, Indicators: defs}
	if err := fillIndicatorTable(it, t, ids, cols, reg, 0); err != nil {
		return nil, err
	}
	for k, ind := range it.Indicators {
		if ind.Kind != placeplan.KindCount {
			continue
		}
		for j, v := range it.Values[k] {
			if !math.IsNaN(v) && v != math.Trunc(v) {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s line %d, area %s: count %s = %v is not a whole number", t.name, t.lines[rowOf(t, ids, it.Areas[j].Code)], it.Areas[j].Code, ind.Key, v)
			}
		}
	}
	return it, nil
}

// rowOf returns the table row holding code.
func rowOf(t *table, ids idColumns, code string) int {
	for i, row := range t.rows {
		if strings.TrimSpace(row[ids.code]) == code {
			return i
		}
	}
	return 0
}

// metaSidecarName returns the metadata file name placeplan looks for beside
// an indicator CSV: referrals.csv → referrals.meta.csv.
func metaSidecarName(name string) string {
	base := name
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	return strings.TrimSuffix(strings.TrimSuffix(base, ".gz"), ".csv") + ".meta.csv"
}
