package scenario

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"placeplan"
	"placeplan/data/input"
	"placeplan/data/iod"
	"placeplan/data/locality"
	"placeplan/data/record"
	"placeplan/data/registry"
	"placeplan/data/table"
	"placeplan/scoring"
)

// This file is the IoD summary use case: MHCLG's summary measures
// (scoring.Summarise) for districts, MSOAs or localities, over small-area
// IoD values read from published files (placeplan summarise) or from the
// store (GET /api/v1/summaries).

// Grouping says which groups of small areas Summarise summarises.
type Grouping string

// Groupings.
const (
	ByLAD      Grouping = "lad"      // local authority districts
	ByMSOA     Grouping = "msoa"     // middle layer super output areas
	ByLocality Grouping = "locality" // the localities of one or more schemes
)

// ParseGrouping parses "lad", "msoa" or "locality".
func ParseGrouping(s string) (Grouping, error) {
	switch g := Grouping(s); g {
	case ByLAD, ByMSOA, ByLocality:
		return g, nil
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "unknown grouping %q: use lad, msoa or locality", s)
}

// summaryIndices are the indices summarised, in column order: the IMD,
// the seven domains, IDACI and IDAOPI.
func summaryIndices() []placeplan.IoDIndex {
	return placeplan.IoDIndicesOf(placeplan.IoDOverall, placeplan.IoDDomain, placeplan.IoDSupplementary)
}

// summaryScale is a count of deprived people summed: the File 8
// numerator, and the score and population that reconstruct a suppressed
// numerator.
type summaryScale struct{ key, numerator, score, population string }

// summaryScales are the Income and Employment scales.
func summaryScales() []summaryScale {
	scale := func(i placeplan.IoDIndex, numerator string) summaryScale {
		info, _ := i.Info()
		pop, _ := placeplan.PopulationKey(info.Denominator)
		return summaryScale{key: string(i), numerator: numerator, score: i.Key(placeplan.MeasureScore), population: pop}
	}
	return []summaryScale{scale(placeplan.IndexIncome, "income_domain_numerator"), scale(placeplan.IndexEmployment, "employment_domain_numerator")}
}

// summaryKeys returns every indicator key a summary reads: each index's
// score and rank, the population denominators and the scale numerators.
func summaryKeys() map[string]bool {
	keys := map[string]bool{}
	for _, k := range summaryIndices() {
		keys[k.Key(placeplan.MeasureScore)], keys[k.Key(placeplan.MeasureRank)] = true, true
		info, _ := k.Info()
		if pop, ok := placeplan.PopulationKey(info.Denominator); ok {
			keys[pop] = true
		}
	}
	for _, s := range summaryScales() {
		keys[s.numerator] = true
	}
	return keys
}

// SummaryStore is what summarising the loaded data reads. *data.Store
// satisfies it.
type SummaryStore interface {
	AreaData
	Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error)
	Datasets(ctx context.Context) ([]placeplan.Dataset, error)
}

// IoDAreas is the small areas (LSOAs) of one geography with their IoD
// scores, national ranks, population denominators and, when given, the
// income and employment numerators, ready to summarise by any grouping.
// Build it with ReadIoDAreas (from published files) or LoadIoDAreas (from
// the store).
type IoDAreas struct {
	name      string   // the --iod file, or what the store holds
	fromStore bool     // words the messages for the store rather than files
	formats   []string // what each file (dataset) was recognised as
	geography placeplan.Geography
	areas     []record.Area
	pos       map[string]int
	values    map[string][]float64 // by indicator key, one value per area
	denom     map[string]string    // index key → placeplan.Pop* denominator
	source    map[string]string    // indicator key → the file it came from

	hasLAD, hasName bool
	attribution     []string

	input    scoring.SummaryInput // built once the values are complete
	warnings []string             // about the values, found building input
}

func newIoDAreas(name string) *IoDAreas {
	return &IoDAreas{name: name, pos: map[string]int{}, values: map[string][]float64{},
		denom: map[string]string{}, source: map[string]string{}}
}

// Geography returns the small-area geography of the values.
func (ia *IoDAreas) Geography() placeplan.Geography { return ia.geography }

// Len returns the number of small areas.
func (ia *IoDAreas) Len() int { return len(ia.areas) }

// Warnings returns what is lacking in the values: indices left out for
// want of their population, and scale numerators reconstructed or missing.
func (ia *IoDAreas) Warnings() []string { return slices.Clone(ia.warnings) }

// Attribution returns the attribution lines of the files or datasets the
// values came from.
func (ia *IoDAreas) Attribution() []string { return slices.Clone(ia.attribution) }

// IoDFiles names the published IoD files ReadIoDAreas reads.
type IoDFiles struct {
	// IoD is a file, or a zip of files, in a published layout: File 7,
	// the combined file, or Files 1–3 with File 6 (population
	// denominators).
	IoD string
	// Underlying, when set, is IoD File 8 (underlying indicators), for
	// the income and employment numerators that the scales sum.
	Underlying string
}

// ReadIoDAreas reads every IoD file in files.IoD (a zip may hold several)
// and merges them by LSOA code, the first file to give an indicator
// winning; then the numerators of files.Underlying for the areas read.
func ReadIoDAreas(ctx context.Context, files IoDFiles) (*IoDAreas, error) {
	ins, err := input.OpenInputs(files.IoD, nil)
	if err != nil {
		return nil, err
	}
	ia := newIoDAreas(files.IoD)
	for _, in := range ins {
		it, err := iod.Read(in.Name, bytes.NewReader(in.Data))
		if err != nil {
			return nil, err
		}
		if err := ia.merge(it, nil); err != nil {
			return nil, err
		}
		ia.formats = append(ia.formats, it.Format)
	}
	if files.Underlying != "" {
		if err := ia.addUnderlying(files.Underlying); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := ia.prepare(); err != nil {
		return nil, err
	}
	return ia, nil
}

// merge adds a table's areas and indicators; the first file to give an
// indicator wins. With keep (for the underlying indicators) it adds only
// the indicators in keep, and only for the areas already read.
func (ia *IoDAreas) merge(it *record.IndicatorTable, keep map[string]bool) error {
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
			i = ia.addArea(record.Area{Code: a.Code})
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
	added := false
	for k, ind := range it.Indicators {
		if keep != nil && !keep[ind.Key] {
			continue
		}
		if _, dup := ia.values[ind.Key]; dup {
			continue // the first file to give an indicator wins
		}
		col := nanColumn(len(ia.areas))
		for j, v := range it.Values[k] {
			if at[j] >= 0 {
				col[at[j]] = v
			}
		}
		ia.values[ind.Key] = col
		ia.source[ind.Key] = it.Name
		ia.noteDenominator(ind)
		added = true
	}
	if added && it.Attribution != "" && !slices.Contains(ia.attribution, it.Attribution) {
		ia.attribution = append(ia.attribution, it.Attribution)
	}
	return nil
}

// addArea appends an area with no values yet and returns its position.
func (ia *IoDAreas) addArea(a record.Area) int {
	i := len(ia.areas)
	ia.pos[a.Code] = i
	ia.areas = append(ia.areas, a)
	for k := range ia.values {
		ia.values[k] = append(ia.values[k], math.NaN())
	}
	return i
}

// noteDenominator records the population denominator of an index measure.
func (ia *IoDAreas) noteDenominator(ind placeplan.Indicator) {
	if ind.Index != "" && (ind.Kind == placeplan.KindRank || ind.Kind == placeplan.KindScore || ind.Kind == placeplan.KindRate) {
		ia.denom[string(ind.Index)] = ind.Denominator
	}
}

func nanColumn(n int) []float64 {
	col := make([]float64, n)
	for i := range col {
		col[i] = math.NaN()
	}
	return col
}

// addUnderlying reads the income and employment numerators from IoD File 8.
func (ia *IoDAreas) addUnderlying(path string) error {
	ins, err := input.OpenInputs(path, nil)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, s := range summaryScales() {
		keep[s.numerator] = true
	}
	found := false
	for _, in := range ins {
		it, err := iod.Read(in.Name, bytes.NewReader(in.Data))
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

// LoadIoDAreas reads the IoD values the store holds for geog: every area
// with an IoD score or rank, its district and MSOA, and the indicators
// imd_score, imd_rank, income_score, … idaopi_rank, the population
// denominators (pop_total, pop_working_age, pop_children_0_15,
// pop_60_plus) and the income and employment domain numerators.
func LoadIoDAreas(ctx context.Context, st SummaryStore, geog placeplan.Geography) (*IoDAreas, error) {
	if geog != placeplan.LSOA2011 && geog != placeplan.LSOA2021 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "unknown geography %q: want lsoa11 or lsoa21", geog)
	}
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: geog})
	if err != nil {
		return nil, err
	}
	if len(areas) == 0 {
		return nil, placeplan.Errorf(placeplan.ENOTFOUND, "no %s areas are loaded", geog.Label())
	}
	inds, err := st.Indicators(ctx, geog)
	if err != nil {
		return nil, err
	}
	ds, err := st.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	dataset := make(map[int64]placeplan.Dataset, len(ds))
	for _, d := range ds {
		dataset[d.ID] = d
	}

	ia := newIoDAreas(fmt.Sprintf("the %s data loaded", geog.Label()))
	ia.fromStore, ia.geography = true, geog
	wanted := summaryKeys()
	byArea := map[string]map[string]float64{} // indicator key → area → value
	used := map[int64]bool{}
	for _, ind := range inds {
		if !wanted[ind.Key] {
			continue
		}
		m, err := st.ValuesByArea(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		byArea[ind.Key] = m
		ia.noteDenominator(ind)
		d := dataset[ind.DatasetID]
		ia.source[ind.Key] = d.Source
		used[ind.DatasetID] = true
	}
	for _, d := range ds { // in ingest order
		if !used[d.ID] {
			continue
		}
		if d.Format != "" && !slices.Contains(ia.formats, d.Format) {
			ia.formats = append(ia.formats, d.Format)
		}
		if d.Attribution != "" && !slices.Contains(ia.attribution, d.Attribution) {
			ia.attribution = append(ia.attribution, d.Attribution)
		}
	}

	// The areas the IoD covers: those with any index score or rank.
	var measures []map[string]float64 // each index's scores and ranks
	for _, k := range summaryIndices() {
		measures = append(measures, byArea[k.Key(placeplan.MeasureScore)], byArea[k.Key(placeplan.MeasureRank)])
	}
	for _, a := range areas {
		covered := false
		for _, m := range measures {
			if _, covered = m[a.Code]; covered {
				break
			}
		}
		if !covered {
			continue
		}
		ia.addArea(record.Area{Code: a.Code, Name: a.Name, MSOACode: a.MSOACode, MSOAName: a.MSOAName,
			LADCode: a.LADCode, LADName: a.LADName})
		ia.hasName = ia.hasName || a.Name != ""
		ia.hasLAD = ia.hasLAD || a.LADCode != ""
	}
	for key, m := range byArea {
		col := nanColumn(len(ia.areas))
		for i, a := range ia.areas {
			if v, ok := m[a.Code]; ok {
				col[i] = v
			}
		}
		ia.values[key] = col
	}
	if err := ia.prepare(); err != nil {
		return nil, err
	}
	return ia, nil
}

// described returns the name of the values with what they were
// recognised as, for messages.
func (ia *IoDAreas) described() string {
	if len(ia.formats) == 0 {
		return ia.name
	}
	return fmt.Sprintf("%s (%s)", ia.name, strings.Join(ia.formats, "; "))
}

// prepare gathers, for each index, its scores, national ranks and
// population denominator, and the scales. An index whose population is
// lacking is left out, with a warning; with no population at all it is an
// error.
func (ia *IoDAreas) prepare() error {
	warn := func(format string, args ...any) { ia.warnings = append(ia.warnings, fmt.Sprintf(format, args...)) }
	in := scoring.SummaryInput{LSOACount: ia.geography.LSOAsInEngland()}
	in.Codes = make([]string, len(ia.areas))
	for i, a := range ia.areas {
		in.Codes[i] = a.Code
	}
	var lacking []string
	measured := 0
	for _, index := range summaryIndices() {
		key := string(index)
		scores, ranks := ia.values[index.Key(placeplan.MeasureScore)], ia.values[index.Key(placeplan.MeasureRank)]
		if scores == nil && ranks == nil {
			continue
		}
		measured++
		popKey, _ := placeplan.PopulationKey(ia.denom[key])
		pop := ia.values[popKey]
		if pop == nil {
			lacking = append(lacking, fmt.Sprintf("%s (needs %s)", key, popKey))
			continue
		}
		in.Indices = append(in.Indices, scoring.IndexValues{Key: key, Scores: scores, Ranks: ranks, Population: pop})
	}
	advice := "give the combined file or File 7, or a zip holding the files of scores and ranks with File 6 (population denominators)"
	if ia.fromStore {
		advice = "ingest the combined file or File 7, or the files of scores and ranks with File 6 (population denominators)"
	}
	switch {
	case measured == 0:
		return placeplan.Errorf(placeplan.EINVALID, "%s has no IoD scores or ranks to summarise", ia.described())
	case len(in.Indices) == 0:
		return placeplan.Errorf(placeplan.EINVALID,
			"%s has no population denominators (pop_total, pop_working_age, pop_children_0_15, pop_60_plus), which every summary is weighted by: %s",
			ia.described(), advice)
	case len(lacking) > 0:
		warn("%s lacks the population denominators of %s: those indices are left out", ia.name, strings.Join(lacking, ", "))
	}
	for _, s := range summaryScales() {
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
	ia.input = in
	return nil
}

// Summary is MHCLG's summary measures of the IoD for groups of small
// areas.
type Summary struct {
	By        Grouping
	Geography placeplan.Geography
	Scheme    string // the locality scheme, when SummariseStore summarised one
	// Indices and Scales say which measures could be computed.
	Indices []scoring.IndexMeasures
	Scales  []scoring.ScaleReport
	// Columns names the values of every group, in order: for each index
	// its score measures (when there are scores: <index>_average_score,
	// <index>_rank_of_average_score) and rank measures (when there are
	// ranks: _average_rank, _rank_of_average_rank,
	// _proportion_most_deprived_10pct, _extent, _rank_of_extent,
	// _local_concentration, _rank_of_local_concentration), then each
	// scale (<scale>_scale, <scale>_rank_of_scale).
	Columns []string
	// Groups in order: districts and MSOAs by code; localities by scheme
	// (in the order given), then by name.
	Groups []SummaryGroup
	// Warnings are the values' (IoDAreas.Warnings), then the grouping's
	// (localities with areas that have no values).
	Warnings []string
	// Attribution lists the attribution lines of the data summarised.
	Attribution []string
}

// SummaryGroup is one group's summary.
type SummaryGroup struct {
	// Code is the district or MSOA code; for a locality,
	// "scheme/locality".
	Code string
	// Name is the district's name, the MSOA's House of Commons Library
	// name (else its ONS name), or the locality's name.
	Name   string
	Scheme string // the locality's scheme; "" for districts and MSOAs
	// Values has one value per Summary.Columns; ranks (1 = most
	// deprived, among the groups summarised together: all districts, all
	// MSOAs, or the localities of one scheme) are whole numbers. NaN
	// where the group has no value.
	Values []float64
	// Measures is the same summary as scoring gives it.
	Measures scoring.AreaSummary
}

// Summarise computes the summary measures for every district (ByLAD),
// MSOA (ByMSOA) or locality (ByLocality) the areas fall in. With
// ByLocality it summarises each scheme of localities separately, so ranks
// are among the localities of one scheme; localities on another
// geography are skipped; an area in two localities of one scheme is an
// error.
func (ia *IoDAreas) Summarise(by Grouping, localities []placeplan.Locality) (*Summary, error) {
	out := &Summary{By: by, Geography: ia.geography, Warnings: ia.Warnings(), Attribution: ia.Attribution()}
	var err error
	switch by {
	case ByLAD:
		err = ia.summariseByLAD(out)
	case ByMSOA:
		err = ia.summariseByMSOA(out)
	case ByLocality:
		err = ia.summariseByLocality(out, localities)
	default:
		_, err = ParseGrouping(string(by))
	}
	if err != nil {
		return nil, err
	}
	if len(out.Groups) == 0 {
		what := "the file"
		if ia.fromStore {
			what = "them"
		}
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no area of %s falls in any group", ia.name, what)
	}
	return out, nil
}

// summarise runs scoring.Summarise with one group per area ("" for none)
// and adds a group per key, named names[key].
func (ia *IoDAreas) summarise(out *Summary, groups []string, names map[string]string, scheme string) error {
	in := ia.input
	in.Groups = groups
	s, err := scoring.Summarise(in)
	if err != nil {
		return err
	}
	if out.Columns == nil {
		out.Indices, out.Scales = s.Indices, s.Scales
		out.Columns = summaryColumns(s.Indices, s.Scales)
	}
	for _, a := range s.Areas {
		g := SummaryGroup{Code: a.Group, Name: names[a.Group], Values: summaryValues(s.Indices, s.Scales, a), Measures: a}
		if scheme != "" {
			g.Code, g.Scheme = scheme+"/"+a.Group, scheme
		}
		out.Groups = append(out.Groups, g)
	}
	return nil
}

// summaryColumns names the values summaryValues gives.
func summaryColumns(indices []scoring.IndexMeasures, scales []scoring.ScaleReport) []string {
	var h []string
	for _, m := range indices {
		if m.HasScore {
			h = append(h, m.Key+"_average_score", m.Key+"_rank_of_average_score")
		}
		if m.HasRanks {
			h = append(h, m.Key+"_average_rank", m.Key+"_rank_of_average_rank", m.Key+"_proportion_most_deprived_10pct",
				m.Key+"_extent", m.Key+"_rank_of_extent", m.Key+"_local_concentration", m.Key+"_rank_of_local_concentration")
		}
	}
	for _, s := range scales {
		h = append(h, s.Key+"_scale", s.Key+"_rank_of_scale")
	}
	return h
}

// summaryValues flattens a group's summary in the order of summaryColumns.
func summaryValues(indices []scoring.IndexMeasures, scales []scoring.ScaleReport, a scoring.AreaSummary) []float64 {
	var v []float64
	add := func(m scoring.Measure) {
		rank := math.NaN()
		if m.Rank > 0 {
			rank = float64(m.Rank)
		}
		v = append(v, m.Value, rank)
	}
	for k, m := range indices {
		x := a.Indices[k]
		if m.HasScore {
			add(x.AverageScore)
		}
		if m.HasRanks {
			add(x.AverageRank)
			v = append(v, x.ProportionMostDeprived10pct.Value)
			add(x.Extent)
			add(x.LocalConcentration)
		}
	}
	for k := range scales {
		add(a.Scales[k])
	}
	return v
}

func (ia *IoDAreas) summariseByLAD(out *Summary) error {
	if !ia.hasLAD {
		if ia.fromStore {
			return placeplan.Errorf(placeplan.EINVALID, "%s has no local authority district codes: summarise by msoa or locality", ia.name)
		}
		return placeplan.Errorf(placeplan.EINVALID, "%s has no local authority district column: use --by msoa or --by locality", ia.name)
	}
	groups := make([]string, len(ia.areas))
	names := map[string]string{}
	for i, a := range ia.areas {
		if a.LADCode == "" {
			return placeplan.Errorf(placeplan.EINVALID, "%s: area %s has no local authority district code", ia.name, a.Code)
		}
		groups[i] = a.LADCode
		if names[a.LADCode] == "" {
			names[a.LADCode] = a.LADName
		}
	}
	return ia.summarise(out, groups, names, "")
}

// msoaOf returns the MSOA of every area: the MSOA of its MSOA code where
// it has one, else the MSOA the LSOA is named after. The store's name for
// an MSOA, when it has one, wins over the embedded register's.
func (ia *IoDAreas) msoaOf() ([]record.MSOAName, error) {
	reg, err := registry.MSOAs()
	if err != nil {
		return nil, err
	}
	out := make([]record.MSOAName, len(ia.areas))
	for i, a := range ia.areas {
		if a.MSOACode != "" {
			m, ok := reg.Code(ia.geography, a.MSOACode)
			switch {
			case a.MSOAName != "":
				m = record.MSOAName{Code: a.MSOACode, Name: cmp.Or(m.Name, a.MSOAName), HCLName: a.MSOAName}
			case !ok:
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s: area %s: %s is not an MSOA of %s", ia.name, a.Code, a.MSOACode, ia.geography.Label())
			}
			out[i] = m
			continue
		}
		if !ia.hasName {
			if ia.fromStore {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s has neither MSOA codes nor LSOA names, which grouping by MSOA needs: ingest an ONS LSOA to MSOA lookup", ia.name)
			}
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

func (ia *IoDAreas) summariseByMSOA(out *Summary) error {
	msoas, err := ia.msoaOf()
	if err != nil {
		return err
	}
	groups := make([]string, len(ia.areas))
	names := map[string]string{}
	for i, m := range msoas {
		groups[i] = m.Code
		names[m.Code] = cmp.Or(m.HCLName, m.Name)
	}
	return ia.summarise(out, groups, names, "")
}

// summariseByLocality summarises each scheme of localities separately.
func (ia *IoDAreas) summariseByLocality(out *Summary, localities []placeplan.Locality) error {
	var schemes []string
	members := map[string]map[string][]int{} // scheme → locality → areas
	owner := map[string]map[int]string{}     // scheme → area → locality
	for _, l := range localities {
		if l.Geography != "" && l.Geography != ia.geography {
			continue
		}
		if members[l.Scheme] == nil {
			schemes = append(schemes, l.Scheme)
			members[l.Scheme], owner[l.Scheme] = map[string][]int{}, map[int]string{}
		}
		missing := 0
		for _, code := range l.Areas {
			i, ok := ia.pos[code]
			if !ok {
				missing++
				continue
			}
			prev, dup := owner[l.Scheme][i]
			switch {
			case dup && prev != l.Name:
				return placeplan.Errorf(placeplan.EINVALID, "area %s is in locality %q and %q of scheme %q: an area may belong to one locality per scheme",
					code, prev, l.Name, l.Scheme)
			case dup:
				continue
			}
			owner[l.Scheme][i] = l.Name
			members[l.Scheme][l.Name] = append(members[l.Scheme][l.Name], i)
		}
		if missing > 0 {
			out.Warnings = append(out.Warnings, fmt.Sprintf("locality %q of %q: %d of its %d areas have no IoD values in %s; the locality is summarised without them",
				l.Name, l.Scheme, missing, len(l.Areas), ia.name))
		}
	}
	for _, scheme := range schemes {
		if len(members[scheme]) == 0 {
			continue
		}
		groups := make([]string, len(ia.areas))
		names := map[string]string{}
		for loc, areas := range members[scheme] {
			names[loc] = loc
			for _, i := range areas {
				groups[i] = loc
			}
		}
		if err := ia.summarise(out, groups, names, scheme); err != nil {
			return err
		}
	}
	return nil
}

// ReadLocalityDefs reads a locality definition CSV (columns scheme,
// locality and code or msoa_name); data.DefaultLocalities has the embedded
// default's.
func ReadLocalityDefs(path string) (*record.LocalityDefs, error) {
	ins, err := input.OpenInputs(path, nil)
	if err != nil {
		return nil, err
	}
	if len(ins) != 1 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s holds %d files; give one locality CSV", path, len(ins))
	}
	t, err := table.Read(ins[0].Name, ins[0].Data)
	if err != nil {
		return nil, err
	}
	if !table.IsLocalities(t) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s is not a locality CSV (columns scheme, locality and code or msoa_name)", path)
	}
	return table.Localities(t)
}

// ResolveLocalities turns locality rows into the localities of these
// areas, scheme by scheme in the order of the rows, each locality with its
// member area codes, by the rule ingest applies to the stored areas
// (package locality): a row names an LSOA, an MSOA or a district code, or
// a House of Commons Library (or ONS) MSOA name, and a Library name that
// several MSOAs of the areas share is resolved to the one in the districts
// the scheme's other rows lie in. Rows for the other LSOA vintage are
// skipped; rows that match no area are reported in the warnings (returned
// even with an error); a name that is no MSOA's, an ambiguous name or an
// area in two localities of one scheme is an error. Schemes with no area
// are left out.
func (ia *IoDAreas) ResolveLocalities(defs *record.LocalityDefs) ([]placeplan.Locality, []string, error) {
	reg, err := registry.MSOAs()
	if err != nil {
		return nil, nil, err
	}
	needMSOA := slices.ContainsFunc(defs.Rows, func(r record.LocalityRow) bool { return r.MSOAName != "" || record.IsMSOACode(r.Code) })
	if needMSOA {
		if _, err := ia.msoaOf(); err != nil {
			return nil, nil, err
		}
	}
	res := locality.Resolve(defs, ia.geography, ia.areas, reg)
	var warnings []string
	for _, u := range res.Unmatched {
		if u.UnknownName {
			return nil, warnings, placeplan.Errorf(placeplan.EINVALID, "%s line %d: locality %q: %q is not the House of Commons Library or ONS name of an MSOA of %s",
				defs.Name, u.Row.Line, u.Row.Locality, u.Row.MSOAName, ia.geography.Label())
		}
		warnings = append(warnings, fmt.Sprintf("%s line %d: locality %q: %s matches no area of %s", defs.Name, u.Row.Line, u.Row.Locality, u.What(), ia.name))
	}
	if len(res.Problems) > 0 {
		pr := res.Problems[0]
		if len(pr.Shared) > 0 {
			return nil, warnings, placeplan.Errorf(placeplan.EINVALID, "%s", pr.SharedName(defs.Name, ia.name))
		}
		return nil, warnings, placeplan.Errorf(placeplan.EINVALID, "%s line %d: area %s is in locality %q (line %d) and %q of scheme %q: an area may belong to one locality per scheme",
			defs.Name, pr.Row.Line, pr.Area, pr.First, pr.FirstLine, pr.Row.Locality, pr.Row.Scheme)
	}
	for i := range res.Localities {
		res.Localities[i].Definition = "from " + defs.Name
	}
	return res.Localities, warnings, nil
}

// SummaryQuery asks SummariseStore for one summary of the loaded data.
type SummaryQuery struct {
	Geography placeplan.Geography // lsoa11 or lsoa21
	By        Grouping
	// Scheme names the locality scheme to summarise; required with
	// ByLocality, and only then.
	Scheme string
}

// SummariseStore computes MHCLG's IoD summary measures over the data in
// st: q.Geography's IoD values (LoadIoDAreas) grouped by district, MSOA,
// or the localities of q.Scheme as the store holds them.
func SummariseStore(ctx context.Context, st SummaryStore, q SummaryQuery) (*Summary, error) {
	if _, err := ParseGrouping(string(q.By)); err != nil {
		return nil, err
	}
	if q.Scheme != "" && q.By != ByLocality {
		return nil, placeplan.Errorf(placeplan.EINVALID, "scheme %q: only grouping by locality takes a scheme", q.Scheme)
	}
	var locs []placeplan.Locality
	if q.By == ByLocality {
		all, err := st.Localities(ctx, q.Geography)
		if err != nil {
			return nil, err
		}
		schemes := map[string]bool{}
		for _, l := range all {
			schemes[l.Scheme] = true
			if l.Scheme == q.Scheme {
				locs = append(locs, l)
			}
		}
		loaded := "none is loaded"
		if len(schemes) > 0 {
			loaded = "loaded: " + strings.Join(sortedSet(schemes), "; ")
		}
		switch {
		case q.Scheme == "":
			return nil, placeplan.Errorf(placeplan.EINVALID, "grouping by locality needs a locality scheme (%s)", loaded)
		case len(locs) == 0:
			return nil, placeplan.Errorf(placeplan.EINVALID, "unknown locality scheme %q on %s (%s)", q.Scheme, q.Geography.Label(), loaded)
		}
	}
	ia, err := LoadIoDAreas(ctx, st, q.Geography)
	if err != nil {
		return nil, err
	}
	s, err := ia.Summarise(q.By, locs)
	if err != nil {
		return nil, err
	}
	s.Scheme = q.Scheme
	// The names of MSOAs and the definitions of localities have their own
	// attribution.
	kind := map[Grouping]placeplan.DatasetKind{ByMSOA: placeplan.DatasetMSOANames, ByLocality: placeplan.DatasetLocalities}[q.By]
	if kind != "" {
		ds, err := st.Datasets(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.Kind == kind && (d.Geography == "" || d.Geography == q.Geography) && d.Attribution != "" && !slices.Contains(s.Attribution, d.Attribution) {
				s.Attribution = append(s.Attribution, d.Attribution)
			}
		}
	}
	return s, nil
}
