package table

import (
	"io"
	"math"
	"strings"

	"placeplan"
	"placeplan/data/record"
	"placeplan/data/registry"
)

var metaColumns = []string{"indicator", "name", "unit", "direction", "kind", "denominator"}

// LooksLikeMeta reports whether a table is an indicator metadata file.
func LooksLikeMeta(t *Table) bool {
	for _, c := range []string{"indicator", "direction", "kind"} {
		if t.Col(c) < 0 {
			return false
		}
	}
	return true
}

// ReadIndicatorMeta reads an indicator metadata CSV.
func ReadIndicatorMeta(name string, r io.Reader) (*record.IndicatorMeta, error) {
	return readWith(name, r, IndicatorMeta)
}

// IndicatorMeta reads a table already recognised as indicator metadata.
func IndicatorMeta(t *Table) (*record.IndicatorMeta, error) {
	idx := map[string]int{}
	for _, c := range append(metaColumns, "confidential") {
		idx[c] = t.Col(c)
	}
	for _, c := range metaColumns {
		if idx[c] < 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no %q column (an indicator metadata file has the columns %s[,confidential])",
				t.Name, c, strings.Join(metaColumns, ","))
		}
	}
	m := &record.IndicatorMeta{Name: t.Name, Indicators: map[string]placeplan.Indicator{}}
	probs := record.NewProblems(t.Name)
	firstLine := map[string]int{}
	for r, row := range t.Rows {
		line := t.Lines[r]
		cell := func(c string) string {
			if idx[c] < 0 {
				return ""
			}
			return strings.TrimSpace(row[idx[c]])
		}
		key := cell("indicator")
		if key == "" {
			probs.Addf("%s line %d column %d: empty indicator key", t.Name, line, idx["indicator"]+1)
			continue
		}
		if record.SnakeKey(key) != key {
			probs.Addf("%s line %d column %d: indicator key %q must be lower-case letters, digits and underscores (e.g. %q)", t.Name, line, idx["indicator"]+1, key, record.SnakeKey(key))
			continue
		}
		if first, dup := firstLine[key]; dup {
			probs.Addf("%s line %d: indicator %s described twice (first on line %d)", t.Name, line, key, first)
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
			probs.Addf("%s line %d column %d (direction), indicator %s: %q is not a direction (use higher_is_worse or higher_is_better)", t.Name, line, idx["direction"]+1, key, cell("direction"))
		}
		switch k := strings.ToLower(cell("kind")); k {
		case placeplan.KindCount, placeplan.KindRate, placeplan.KindScore:
			ind.Kind = k
		default:
			probs.Addf("%s line %d column %d (kind), indicator %s: %q is not a kind (use count, rate or score)", t.Name, line, idx["kind"]+1, key, cell("kind"))
		}
		switch d := strings.ToLower(cell("denominator")); d {
		case placeplan.PopTotal, placeplan.PopChildren, placeplan.PopWorkingAge, placeplan.PopOlder, placeplan.PopAdults1659, placeplan.PopNone:
			ind.Denominator = d
		case "":
			ind.Denominator = placeplan.PopTotal
		default:
			probs.Addf("%s line %d column %d (denominator), indicator %s: %q is not a denominator (use total, children, working_age, older, adults_16_59 or none)", t.Name, line, idx["denominator"]+1, key, cell("denominator"))
		}
		switch c := strings.ToLower(cell("confidential")); c {
		case "", "yes", "y", "true", "1":
		case "no", "n", "false", "0":
			ind.Confidential = false
		default:
			probs.Addf("%s line %d column %d (confidential), indicator %s: %q is not yes or no", t.Name, line, idx["confidential"]+1, key, cell("confidential"))
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
func ReadIndicatorCSV(name string, r io.Reader, meta *record.IndicatorMeta, fallback placeplan.Geography) (*record.IndicatorTable, error) {
	return readWith(name, r, func(t *Table) (*record.IndicatorTable, error) { return Indicators(t, meta, fallback) })
}

// Indicators reads a table already recognised as an indicator CSV; see
// ReadIndicatorCSV.
func Indicators(t *Table, meta *record.IndicatorMeta, fallback placeplan.Geography) (*record.IndicatorTable, error) {
	ids := FindIDColumns(t)
	if ids.Code < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no area code column (name it lsoa11cd, lsoa21cd or area_code)", t.Name)
	}
	if meta == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no indicator metadata: put %s beside it, or give a metadata CSV (columns %s) in the same ingest",
			t.Name, MetaSidecarName(t.Name), strings.Join(metaColumns, ","))
	}
	reg, err := registry.LSOAs()
	if err != nil {
		return nil, err
	}
	geog := ids.Geography
	if geog == "" {
		codes := ids.Codes(t)
		var only11, only21 []int
		geog, only11, only21 = reg.Guess(codes)
		if len(only11) > 0 && len(only21) > 0 {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: a mix of LSOA 2011 and 2021 codes: %s (line %d) exists only in 2011, %s (line %d) only in 2021",
				t.Name, codes[only11[0]], t.Lines[only11[0]], codes[only21[0]], t.Lines[only21[0]])
		}
		if geog == "" {
			geog = fallback
		}
		if geog == "" {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: every code exists in both LSOA 2011 and LSOA 2021: name the code column lsoa11cd or lsoa21cd", t.Name)
		}
	}
	var cols []int
	var defs []placeplan.Indicator
	probs := record.NewProblems(t.Name)
	for i, h := range t.Header {
		if ids.IsID(i) {
			continue
		}
		key := record.SnakeKey(h)
		ind, ok := meta.Indicators[key]
		if !ok {
			probs.Addf("%s line 1 column %d: indicator %q is not described in %s", t.Name, i+1, key, meta.Name)
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
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: no indicator columns besides the area code", t.Name)
	}
	it := &record.IndicatorTable{Name: t.Name, Kind: placeplan.DatasetIndicators, Format: "indicator CSV (" + geog.Label() + ")", Geography: geog, Indicators: defs}
	if err := FillIndicators(it, t, ids, cols, reg, 0); err != nil {
		return nil, err
	}
	for k, ind := range it.Indicators {
		if ind.Kind != placeplan.KindCount {
			continue
		}
		for j, v := range it.Values[k] {
			if !math.IsNaN(v) && v != math.Trunc(v) {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s line %d, area %s: count %s = %v is not a whole number", t.Name, t.Lines[rowOf(t, ids, it.Areas[j].Code)], it.Areas[j].Code, ind.Key, v)
			}
		}
	}
	return it, nil
}

// rowOf returns the table row holding code.
func rowOf(t *Table, ids IDColumns, code string) int {
	for i, row := range t.Rows {
		if strings.TrimSpace(row[ids.Code]) == code {
			return i
		}
	}
	return 0
}

// MetaSidecarName returns the metadata file name placeplan looks for beside
// an indicator CSV: referrals.csv → referrals.meta.csv.
func MetaSidecarName(name string) string {
	base := name
	if i := strings.LastIndex(base, "/"); i >= 0 {
		base = base[i+1:]
	}
	return strings.TrimSuffix(strings.TrimSuffix(base, ".gz"), ".csv") + ".meta.csv"
}
