package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"placeplan"
	"placeplan/data"
	"placeplan/scoring"
)

// summaryIndices are the indices summarise reports, in column order.
var summaryIndices = []string{"imd", "income", "employment", "education", "health", "crime", "barriers", "living_env", "idaci", "idaopi"}

// summaryScales are the counts of deprived people summarise sums: the
// File 8 numerator, and the score and population that reconstruct a
// suppressed numerator.
var summaryScales = []struct{ key, numerator, score, population string }{
	{"income", "income_domain_numerator", "income_score", "pop_total"},
	{"employment", "employment_domain_numerator", "employment_score", "pop_working_age"},
}

// populationKeys maps an IoD denominator to the key of its population
// column.
var populationKeys = map[string]string{
	placeplan.PopTotal:      "pop_total",
	placeplan.PopWorkingAge: "pop_working_age",
	placeplan.PopChildren:   "pop_children_0_15",
	placeplan.PopOlder:      "pop_60_plus",
}

// iodAreas is one or more IoD files merged by LSOA code.
type iodAreas struct {
	name      string   // the --iod file
	formats   []string // what each file in it was recognised as
	geography placeplan.Geography
	areas     []data.AreaRecord
	pos       map[string]int
	values    map[string][]float64 // by indicator key, one value per area
	denom     map[string]string    // index key → placeplan.Pop* denominator
	source    map[string]string    // indicator key → the file it came from
	hasLAD    bool
	hasName   bool
}

// cmdSummarise prints MHCLG's summary measures of the IoD for groupings of
// small areas: districts, MSOAs or localities.
func cmdSummarise(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	warn := func(format string, args ...any) { fmt.Fprintf(stderr, "warning: "+format+"\n", args...) }
	ia, err := readIoDAreas(cfg.IoD)
	if err != nil {
		return err
	}
	if cfg.Underlying != "" {
		if err := ia.addUnderlying(cfg.Underlying); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	in, err := ia.summaryInput(warn)
	if err != nil {
		return err
	}
	var rows []summaryRow
	switch cfg.By {
	case "lad":
		rows, err = summariseByLAD(ia, in)
	case "msoa":
		rows, err = summariseByMSOA(ia, in)
	case "locality":
		rows, err = summariseByLocality(ia, in, cfg.Localities, warn)
	default:
		return usageError{fmt.Sprintf("--by %q: use lad, msoa or locality", cfg.By)}
	}
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "%s: no area of the file falls in any group", ia.name)
	}
	return writeSummary(stdout, cfg.Format, rows)
}

// readIoDAreas reads every IoD file in path (a zip may hold several, e.g.
// Files 1–3 with File 6) and merges them by LSOA code.
func readIoDAreas(path string) (*iodAreas, error) {
	ins, err := data.OpenInputs(path, nil)
	if err != nil {
		return nil, err
	}
	ia := &iodAreas{name: path, pos: map[string]int{}, values: map[string][]float64{}, denom: map[string]string{}, source: map[string]string{}}
	for _, in := range ins {
		it, err := data.ReadIoD(in.Name, bytes.NewReader(in.Data))
		if err != nil {
			return nil, err
		}
		if err := ia.merge(it, nil); err != nil {
			return nil, err
		}
		ia.formats = append(ia.formats, it.Format)
	}
	return ia, nil
}

// merge adds a table's areas and indicators; the first file to give an
// indicator wins. With keep (for --underlying) it adds only the indicators
// in keep, and only for the areas already read.
func (ia *iodAreas) merge(it *data.IndicatorTable, keep map[string]bool) error {
	if ia.geography == "" {
		ia.geography = it.Geography
	} else if it.Geography != ia.geography {
		return placeplan.Errorf(placeplan.EINVALID, "%s is on %s but %s is on %s: give files of one vintage",
			it.Name, it.Geography.Label(), ia.name, ia.geography.Label())
	}
	onlyKnown := keep != nil
	at := make([]int, len(it.Areas))
	for j, a := range it.Areas {
		i, ok := ia.pos[a.Code]
		if !ok && onlyKnown {
			at[j] = -1
			continue
		}
		if !ok {
			i = len(ia.areas)
			ia.pos[a.Code] = i
			ia.areas = append(ia.areas, data.AreaRecord{Code: a.Code})
			for k := range ia.values {
				ia.values[k] = append(ia.values[k], math.NaN())
			}
		}
		at[j] = i
		r := &ia.areas[i]
		if r.Name == "" && a.Name != "" {
			r.Name, ia.hasName = a.Name, true
		}
		if r.LADCode == "" && a.LADCode != "" {
			r.LADCode, r.LADName, ia.hasLAD = a.LADCode, a.LADName, true
		}
		if r.MSOACode == "" && a.MSOACode != "" {
			r.MSOACode = a.MSOACode
		}
	}
	for k, ind := range it.Indicators {
		if keep != nil && !keep[ind.Key] {
			continue
		}
		if _, dup := ia.values[ind.Key]; dup {
			continue // the first file to give an indicator wins
		}
		col := make([]float64, len(ia.areas))
		for i := range col {
			col[i] = math.NaN()
		}
		for j, v := range it.Values[k] {
			if at[j] >= 0 {
				col[at[j]] = v
			}
		}
		ia.values[ind.Key] = col
		ia.source[ind.Key] = it.Name
		if ind.Index != "" && (ind.Kind == placeplan.KindRank || ind.Kind == placeplan.KindScore || ind.Kind == placeplan.KindRate) {
			ia.denom[ind.Index] = ind.Denominator
		}
	}
	return nil
}

// addUnderlying reads the income and employment numerators from IoD File 8.
func (ia *iodAreas) addUnderlying(path string) error {
	ins, err := data.OpenInputs(path, nil)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, s := range summaryScales {
		keep[s.numerator] = true
	}
	found := false
	for _, in := range ins {
		it, err := data.ReadIoD(in.Name, bytes.NewReader(in.Data))
		if err != nil {
			return err
		}
		for _, ind := range it.Indicators {
			found = found || keep[ind.Key]
		}
		if err := ia.merge(it, keep); err != nil {
			return err
		}
	}
	if !found {
		return placeplan.Errorf(placeplan.EINVALID, "%s has no income or employment domain numerator: give IoD File 8 (underlying indicators) for --underlying", path)
	}
	return nil
}

// summaryInput gathers, for each index, its scores, national ranks and
// population denominator, and the scales. An index whose population the
// files lack is left out, with a warning; with no population at all it is
// an error.
func (ia *iodAreas) summaryInput(warn func(string, ...any)) (scoring.SummaryInput, error) {
	in := scoring.SummaryInput{LSOACount: data.LSOACount2011}
	if ia.geography == placeplan.LSOA2021 {
		in.LSOACount = data.LSOACount2021
	}
	in.Codes = make([]string, len(ia.areas))
	for i, a := range ia.areas {
		in.Codes[i] = a.Code
	}
	var lacking []string
	measured := 0
	for _, key := range summaryIndices {
		scores, ranks := ia.values[key+"_score"], ia.values[key+"_rank"]
		if scores == nil && ranks == nil {
			continue
		}
		measured++
		popKey := populationKeys[ia.denom[key]]
		pop := ia.values[popKey]
		if pop == nil {
			lacking = append(lacking, fmt.Sprintf("%s (needs %s)", key, popKey))
			continue
		}
		in.Indices = append(in.Indices, scoring.IndexValues{Key: key, Scores: scores, Ranks: ranks, Population: pop})
	}
	switch {
	case measured == 0:
		return in, placeplan.Errorf(placeplan.EINVALID, "%s (%s) has no IoD scores or ranks to summarise", ia.name, strings.Join(ia.formats, "; "))
	case len(in.Indices) == 0:
		return in, placeplan.Errorf(placeplan.EINVALID,
			"%s (%s) has no population denominators (pop_total, pop_working_age, pop_children_0_15, pop_60_plus), which every summary is weighted by: "+
				"give the combined file or File 7, or a zip holding the files of scores and ranks with File 6 (population denominators)",
			ia.name, strings.Join(ia.formats, "; "))
	case len(lacking) > 0:
		warn("%s lacks the population denominators of %s: those indices are left out", ia.name, strings.Join(lacking, ", "))
	}
	for _, s := range summaryScales {
		num := ia.values[s.numerator]
		if num == nil {
			continue
		}
		sc := scoring.ScaleValues{Key: s.key, Numerators: num, Scores: ia.values[s.score], Population: ia.values[s.population]}
		in.Scales = append(in.Scales, sc)
		rebuilt, missing := 0, 0
		for i, v := range num {
			switch {
			case !math.IsNaN(v):
			case sc.Scores != nil && sc.Population != nil && !math.IsNaN(sc.Scores[i]) && !math.IsNaN(sc.Population[i]):
				rebuilt++
			default:
				missing++
			}
		}
		if rebuilt > 0 {
			warn("%s: %s of %d areas has no value (suppressed in the published file); the %s scale reconstructs each as %s × %s",
				ia.source[s.numerator], s.numerator, rebuilt, s.key, s.score, s.population)
		}
		if missing > 0 {
			warn("%s: %s of %d areas has no value and nothing to reconstruct it from; their groups have no %s scale",
				ia.source[s.numerator], s.numerator, missing, s.key)
		}
	}
	return in, nil
}

// summaryRow is one output row: a group's code and name and its summary.
type summaryRow struct {
	code, name string
	measures   []scoring.IndexMeasures
	scales     []scoring.ScaleReport
	area       scoring.AreaSummary
}

// summarise runs scoring.Summarise with groups and turns each group into a
// row, naming it with names[group].
func summarise(in scoring.SummaryInput, groups []string, names map[string]string, code func(string) string) ([]summaryRow, error) {
	in.Groups = groups
	s, err := scoring.Summarise(in)
	if err != nil {
		return nil, err
	}
	rows := make([]summaryRow, len(s.Areas))
	for i, a := range s.Areas {
		rows[i] = summaryRow{code: code(a.Group), name: names[a.Group], measures: s.Indices, scales: s.Scales, area: a}
	}
	return rows, nil
}

func identity(s string) string { return s }

func summariseByLAD(ia *iodAreas, in scoring.SummaryInput) ([]summaryRow, error) {
	if !ia.hasLAD {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s has no local authority district column: use --by msoa or --by locality", ia.name)
	}
	groups := make([]string, len(ia.areas))
	names := map[string]string{}
	for i, a := range ia.areas {
		if a.LADCode == "" {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: area %s has no local authority district code", ia.name, a.Code)
		}
		groups[i] = a.LADCode
		if names[a.LADCode] == "" {
			names[a.LADCode] = a.LADName
		}
	}
	return summarise(in, groups, names, identity)
}

// msoaOf returns the MSOA of every area: the file's MSOA code where it has
// one, else the MSOA the LSOA is named after.
func (ia *iodAreas) msoaOf() ([]data.MSOAName, error) {
	reg, err := data.MSOAs()
	if err != nil {
		return nil, err
	}
	out := make([]data.MSOAName, len(ia.areas))
	for i, a := range ia.areas {
		if a.MSOACode != "" {
			m, ok := reg.Code(ia.geography, a.MSOACode)
			if !ok {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s: area %s: %s is not an MSOA of %s", ia.name, a.Code, a.MSOACode, ia.geography.Label())
			}
			out[i] = m
			continue
		}
		if !ia.hasName {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s has no LSOA name column, which grouping by MSOA needs (ONS names each LSOA after its MSOA): give File 1, 2 or 7 or the combined file", ia.name)
		}
		m, ok := reg.ForLSOAName(ia.geography, a.Name)
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: area %s: its name %q is not an MSOA 2011/2021 name plus a letter, so its MSOA is unknown", ia.name, a.Code, a.Name)
		}
		out[i] = m
	}
	return out, nil
}

func summariseByMSOA(ia *iodAreas, in scoring.SummaryInput) ([]summaryRow, error) {
	msoas, err := ia.msoaOf()
	if err != nil {
		return nil, err
	}
	groups := make([]string, len(ia.areas))
	names := map[string]string{}
	for i, m := range msoas {
		groups[i] = m.Code
		names[m.Code] = m.HCLName
		if m.HCLName == "" {
			names[m.Code] = m.Name
		}
	}
	return summarise(in, groups, names, identity)
}

// summariseByLocality groups areas by the localities of each scheme in a
// locality CSV (or the embedded default localities) and summarises each
// scheme separately: a row's code is "scheme/locality" and its ranks are
// among the localities of its scheme.
func summariseByLocality(ia *iodAreas, in scoring.SummaryInput, path string, warn func(string, ...any)) ([]summaryRow, error) {
	defs, err := readLocalityDefs(path)
	if err != nil {
		return nil, err
	}
	members, schemes, err := ia.resolveLocalities(defs, warn)
	if err != nil {
		return nil, err
	}
	var out []summaryRow
	for _, scheme := range schemes {
		groups := make([]string, len(ia.areas))
		names := map[string]string{}
		for loc, areas := range members[scheme] {
			names[loc] = loc
			for _, i := range areas {
				groups[i] = loc
			}
		}
		rows, err := summarise(in, groups, names, func(loc string) string { return scheme + "/" + loc })
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

func readLocalityDefs(path string) (*data.LocalityDefs, error) {
	if path == "" {
		return data.DefaultLocalities()
	}
	ins, err := data.OpenInputs(path, nil)
	if err != nil {
		return nil, err
	}
	if len(ins) != 1 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s holds %d files; give one locality CSV", path, len(ins))
	}
	p, err := data.ParseInput(ins[0], data.IngestOptions{})
	if err != nil {
		return nil, err
	}
	if p.Localities == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s is not a locality CSV (columns scheme, locality and code or msoa_name)", path)
	}
	return p.Localities, nil
}

// resolveLocalities turns locality rows into the areas of the file each
// locality holds, by scheme. A row names an LSOA, an MSOA or a district
// code, or a House of Commons Library (or ONS) MSOA name. A Library name
// that several MSOAs of the file share is resolved to the one in the
// districts the scheme's other rows lie in. Rows for the other LSOA
// vintage are skipped; rows that match no area of the file are reported;
// an area in two localities of one scheme is an error.
func (ia *iodAreas) resolveLocalities(defs *data.LocalityDefs, warn func(string, ...any)) (map[string]map[string][]int, []string, error) {
	reg, err := data.MSOAs()
	if err != nil {
		return nil, nil, err
	}
	var msoas []data.MSOAName
	byMSOA := map[string][]int{}
	byLAD := map[string][]int{}
	needMSOA := false
	for _, r := range defs.Rows {
		needMSOA = needMSOA || r.MSOAName != "" || isCode(r.Code, "02")
	}
	if needMSOA {
		if msoas, err = ia.msoaOf(); err != nil {
			return nil, nil, err
		}
		for i, m := range msoas {
			byMSOA[m.Code] = append(byMSOA[m.Code], i)
		}
	}
	for i, a := range ia.areas {
		if a.LADCode != "" {
			byLAD[a.LADCode] = append(byLAD[a.LADCode], i)
		}
	}
	type match struct {
		row   data.LocalityRow
		areas []int
		// candidates are the MSOAs an ambiguous name matches in the file.
		candidates []string
	}
	var schemes []string
	matches := map[string][]match{}
	for _, r := range defs.Rows {
		if r.Geography != "" && r.Geography != ia.geography {
			continue
		}
		if _, ok := matches[r.Scheme]; !ok {
			schemes = append(schemes, r.Scheme)
			matches[r.Scheme] = nil
		}
		m := match{row: r}
		switch {
		case r.MSOAName != "":
			named := reg.Named(ia.geography, r.MSOAName)
			if len(named) == 0 {
				return nil, nil, placeplan.Errorf(placeplan.EINVALID, "%s line %d: locality %q: %q is not the House of Commons Library or ONS name of an MSOA of %s",
					defs.Name, r.Line, r.Locality, r.MSOAName, ia.geography.Label())
			}
			for _, n := range named {
				if len(byMSOA[n.Code]) > 0 {
					m.candidates = append(m.candidates, n.Code)
				}
			}
			if len(m.candidates) == 1 {
				m.areas, m.candidates = byMSOA[m.candidates[0]], nil
			}
		case isCode(r.Code, "01"):
			if i, ok := ia.pos[r.Code]; ok {
				m.areas = []int{i}
			}
		case isCode(r.Code, "02"):
			m.areas = byMSOA[r.Code]
		default:
			m.areas = byLAD[r.Code]
		}
		matches[r.Scheme] = append(matches[r.Scheme], m)
	}
	members := map[string]map[string][]int{}
	for _, scheme := range schemes {
		// The districts the scheme's unambiguous rows lie in.
		lads := map[string]bool{}
		for _, m := range matches[scheme] {
			for _, i := range m.areas {
				lads[ia.areas[i].LADCode] = true
			}
		}
		members[scheme] = map[string][]int{}
		owner := map[int]match{}
		for _, m := range matches[scheme] {
			r := m.row
			if len(m.candidates) > 1 {
				var in []string
				for _, c := range m.candidates {
					if lads[ia.areas[byMSOA[c][0]].LADCode] {
						in = append(in, c)
					}
				}
				if len(in) != 1 {
					return nil, nil, placeplan.Errorf(placeplan.EINVALID, "%s line %d: locality %q: MSOA name %q is shared by MSOAs %s of %s; name the MSOA by its code instead",
						defs.Name, r.Line, r.Locality, r.MSOAName, strings.Join(m.candidates, ", "), ia.name)
				}
				m.areas = byMSOA[in[0]]
			}
			if len(m.areas) == 0 {
				what := r.Code
				if r.MSOAName != "" {
					what = "MSOA name " + r.MSOAName
				}
				warn("%s line %d: locality %q: %s matches no area of %s", defs.Name, r.Line, r.Locality, what, ia.name)
				continue
			}
			for _, i := range m.areas {
				if prev, dup := owner[i]; dup && prev.row.Locality != r.Locality {
					return nil, nil, placeplan.Errorf(placeplan.EINVALID, "%s line %d: area %s is in locality %q (line %d) and %q of scheme %q: an area may belong to one locality per scheme",
						defs.Name, r.Line, ia.areas[i].Code, prev.row.Locality, prev.row.Line, r.Locality, scheme)
				} else if dup {
					continue
				}
				owner[i] = m
				members[scheme][r.Locality] = append(members[scheme][r.Locality], i)
			}
		}
		if len(members[scheme]) == 0 {
			delete(members, scheme)
		}
	}
	var kept []string
	for _, s := range schemes {
		if members[s] != nil {
			kept = append(kept, s)
		}
	}
	return members, kept, nil
}

// isCode reports whether code is an ONS code of the entity type typ: "01"
// for an LSOA, "02" for an MSOA (E01…, W02…).
func isCode(code, typ string) bool {
	return len(code) == 9 && code[1:3] == typ
}

// summaryHeader returns the output columns the rows support: code, name,
// then for each index its score measures (when the input has scores) and
// rank measures (when it has ranks), then the scales.
func summaryHeader(r summaryRow) []string {
	h := []string{"code", "name"}
	for _, m := range r.measures {
		if m.HasScore {
			h = append(h, m.Key+"_average_score", m.Key+"_rank_of_average_score")
		}
		if m.HasRanks {
			h = append(h, m.Key+"_average_rank", m.Key+"_rank_of_average_rank", m.Key+"_proportion_most_deprived_10pct",
				m.Key+"_extent", m.Key+"_rank_of_extent", m.Key+"_local_concentration", m.Key+"_rank_of_local_concentration")
		}
	}
	for _, s := range r.scales {
		h = append(h, s.Key+"_scale", s.Key+"_rank_of_scale")
	}
	return h
}

// summaryCell is one output value: text for code and name, else a number
// (NaN for none) or a rank (0 for none).
type summaryCell struct {
	text   string
	number float64
	rank   int
	kind   byte // 't' text, 'n' number, 'r' rank
}

func summaryCells(r summaryRow) []summaryCell {
	num := func(v float64) summaryCell { return summaryCell{number: v, kind: 'n'} }
	rank := func(k int) summaryCell { return summaryCell{rank: k, kind: 'r'} }
	c := []summaryCell{{text: r.code, kind: 't'}, {text: r.name, kind: 't'}}
	for k, m := range r.measures {
		x := r.area.Indices[k]
		if m.HasScore {
			c = append(c, num(x.AverageScore.Value), rank(x.AverageScore.Rank))
		}
		if m.HasRanks {
			c = append(c, num(x.AverageRank.Value), rank(x.AverageRank.Rank), num(x.ProportionMostDeprived10pct.Value),
				num(x.Extent.Value), rank(x.Extent.Rank), num(x.LocalConcentration.Value), rank(x.LocalConcentration.Rank))
		}
	}
	for k := range r.scales {
		c = append(c, num(r.area.Scales[k].Value), rank(r.area.Scales[k].Rank))
	}
	return c
}

// csvNumber writes a value rounded to 6 decimal places, without trailing
// zeros; JSON carries full precision.
func csvNumber(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	r := math.Round(v*1e6) / 1e6
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// writeSummary writes the rows as CSV, or as a JSON array of objects whose
// keys keep the column order, numbers as numbers and no value as null.
func writeSummary(w io.Writer, format string, rows []summaryRow) error {
	header := summaryHeader(rows[0])
	if format == "json" {
		var b bytes.Buffer
		b.WriteString("[")
		for i, r := range rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  {")
			for j, c := range summaryCells(r) {
				if j > 0 {
					b.WriteString(",")
				}
				key, _ := json.Marshal(header[j])
				b.WriteString("\n    ")
				b.Write(key)
				b.WriteString(": ")
				var v any
				switch {
				case c.kind == 't':
					v = c.text
				case c.kind == 'n' && !math.IsNaN(c.number):
					v = c.number
				case c.kind == 'r' && c.rank > 0:
					v = c.rank
				}
				val, err := json.Marshal(v)
				if err != nil {
					return err
				}
				b.Write(val)
			}
			b.WriteString("\n  }")
		}
		b.WriteString("\n]\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(header)
	for _, r := range rows {
		cells := summaryCells(r)
		rec := make([]string, len(cells))
		for j, c := range cells {
			switch c.kind {
			case 't':
				rec[j] = c.text
			case 'n':
				rec[j] = csvNumber(c.number)
			case 'r':
				if c.rank > 0 {
					rec[j] = strconv.Itoa(c.rank)
				}
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
