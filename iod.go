package placeplan

// This file is placeplan's one catalogue of the English Indices of
// Deprivation (IoD2019, IoD2025): the indices with their published names,
// what their scores measure, the population each is weighted by, how their
// measures point, the domains' weights in the IMD, and the population
// denominators. The IoD readers, scoring and the use cases all read it.

// IoDIndex names one index of the English Indices of Deprivation: the
// Index of Multiple Deprivation, its seven domains, the two supplementary
// indices and the six sub-domains. An IoD indicator's Index holds it.
type IoDIndex string

// The IoD indices, by placeplan's key.
const (
	IndexIMD                  IoDIndex = "imd"
	IndexIncome               IoDIndex = "income"
	IndexEmployment           IoDIndex = "employment"
	IndexEducation            IoDIndex = "education"
	IndexHealth               IoDIndex = "health"
	IndexCrime                IoDIndex = "crime"
	IndexBarriers             IoDIndex = "barriers"
	IndexLivingEnv            IoDIndex = "living_env"
	IndexIDACI                IoDIndex = "idaci"
	IndexIDAOPI               IoDIndex = "idaopi"
	IndexCYP                  IoDIndex = "cyp"
	IndexAdultSkills          IoDIndex = "adult_skills"
	IndexGeographicalBarriers IoDIndex = "geographical_barriers"
	IndexWiderBarriers        IoDIndex = "wider_barriers"
	IndexIndoors              IoDIndex = "indoors"
	IndexOutdoors             IoDIndex = "outdoors"
)

// IoDGroup says which part of the IoD an index is.
type IoDGroup int

// The parts of the IoD.
const (
	IoDOverall       IoDGroup = iota + 1 // the Index of Multiple Deprivation (0 is no group)
	IoDDomain                            // one of the seven domains the IMD combines
	IoDSupplementary                     // IDACI and IDAOPI, subsets of the Income domain
	IoDSubDomain                         // a part of the Education, Barriers or Living Environment domain
)

// IoDIndexInfo is what placeplan knows of one IoD index.
type IoDIndexInfo struct {
	Index IoDIndex
	Group IoDGroup
	// Name is the published name ("Barriers to Housing and Services").
	Name string
	// NeedName says what the index's score measures, in words that read
	// well in a sentence ("driven mainly by income deprivation affecting
	// children").
	NeedName string
	// Denominator is the population the index's measures are weighted by
	// (a Pop constant).
	Denominator string
	// ScoreKind is KindRate for the indices whose score is the proportion
	// of people deprived (Income, Employment, IDACI, IDAOPI), else
	// KindScore.
	ScoreKind string
	// Weight is a domain's weight in the IMD as MHCLG publishes it (22.5,
	// 22.5, 13.5, 13.5, 9.3, 9.3, 9.3 %, summing to 99.9 %); 0 for the rest.
	Weight float64
	// Domain is the domain a sub-domain or supplementary index belongs to.
	Domain IoDIndex
}

// IoDIndices returns the catalogue of IoD indices in the order MHCLG
// publishes them: the IMD, the seven domains, IDACI and IDAOPI, then the
// sub-domains.
func IoDIndices() []IoDIndexInfo {
	return []IoDIndexInfo{
		{IndexIMD, IoDOverall, "Index of Multiple Deprivation", "Multiple deprivation (IMD)", PopTotal, KindScore, 0, ""},
		{IndexIncome, IoDDomain, "Income", "Income deprivation", PopTotal, KindRate, 0.225, ""},
		{IndexEmployment, IoDDomain, "Employment", "Employment deprivation", PopWorkingAge, KindRate, 0.225, ""},
		{IndexEducation, IoDDomain, "Education, Skills and Training", "Education, skills and training deprivation", PopTotal, KindScore, 0.135, ""},
		{IndexHealth, IoDDomain, "Health Deprivation and Disability", "Health deprivation and disability", PopTotal, KindScore, 0.135, ""},
		{IndexCrime, IoDDomain, "Crime", "Crime", PopTotal, KindScore, 0.093, ""},
		{IndexBarriers, IoDDomain, "Barriers to Housing and Services", "Barriers to housing and services", PopTotal, KindScore, 0.093, ""},
		{IndexLivingEnv, IoDDomain, "Living Environment", "Living environment deprivation", PopTotal, KindScore, 0.093, ""},
		{IndexIDACI, IoDSupplementary, "Income Deprivation Affecting Children Index", "Income deprivation affecting children (IDACI)", PopChildren, KindRate, 0, IndexIncome},
		{IndexIDAOPI, IoDSupplementary, "Income Deprivation Affecting Older People Index", "Income deprivation affecting older people (IDAOPI)", PopOlder, KindRate, 0, IndexIncome},
		{IndexCYP, IoDSubDomain, "Children and Young People sub-domain", "Children and young people's education deprivation", PopChildren, KindScore, 0, IndexEducation},
		{IndexAdultSkills, IoDSubDomain, "Adult Skills sub-domain", "Adult skills deprivation", PopTotal, KindScore, 0, IndexEducation},
		{IndexGeographicalBarriers, IoDSubDomain, "Geographical Barriers sub-domain", "Geographical barriers to services", PopTotal, KindScore, 0, IndexBarriers},
		{IndexWiderBarriers, IoDSubDomain, "Wider Barriers sub-domain", "Wider barriers to housing", PopTotal, KindScore, 0, IndexBarriers},
		{IndexIndoors, IoDSubDomain, "Indoors sub-domain", "Poor housing conditions (indoors living environment)", PopTotal, KindScore, 0, IndexLivingEnv},
		{IndexOutdoors, IoDSubDomain, "Outdoors sub-domain", "Poor outdoor living environment", PopTotal, KindScore, 0, IndexLivingEnv},
	}
}

// Info returns the catalogue entry of index i, and false for a key that is
// not an IoD index.
func (i IoDIndex) Info() (IoDIndexInfo, bool) {
	for _, info := range IoDIndices() {
		if info.Index == i {
			return info, true
		}
	}
	return IoDIndexInfo{}, false
}

// Key returns the indicator key of one measure of the index: "imd_rank",
// "income_score", "living_env_exp".
func (i IoDIndex) Key(m IoDMeasure) string { return string(i) + "_" + string(m) }

// IoDDomains returns the seven domains of deprivation the IMD combines, in
// published order.
func IoDDomains() []IoDIndex { return IoDIndicesOf(IoDDomain) }

// IoDIndicesOf returns the indices of the given groups, in published
// order.
func IoDIndicesOf(groups ...IoDGroup) []IoDIndex {
	var out []IoDIndex
	for _, info := range IoDIndices() {
		for _, g := range groups {
			if info.Group == g {
				out = append(out, info.Index)
			}
		}
	}
	return out
}

// IoDMeasure is one of the published measures of an index.
type IoDMeasure string

// The measures the IoD publishes for each index.
const (
	MeasureScore  IoDMeasure = "score"  // the score (a rate for Income, Employment, IDACI, IDAOPI)
	MeasureRank   IoDMeasure = "rank"   // the national rank, 1 = most deprived
	MeasureDecile IoDMeasure = "decile" // the national decile, 1 = most deprived 10 %
	MeasureExp    IoDMeasure = "exp"    // the exponentially transformed score (0 to 100)
)

// Direction returns which way the measure points: a score and its
// transformed score rise with deprivation, while a rank or decile of 1 is
// the most deprived.
func (m IoDMeasure) Direction() Direction {
	if m == MeasureRank || m == MeasureDecile {
		return HigherIsBetter
	}
	return HigherIsWorse
}

// IoDPopulation is one of the IoD's population denominators (File 6): the
// key of its indicator, its name, the denominator it stands for and who it
// counts, in words.
type IoDPopulation struct {
	Key         string
	Name        string
	Denominator string // a Pop constant
	Noun        string // "children", "older people"
}

// TotalPopulationKey is the key of the IoD's total population, the
// population of whatever names none.
const TotalPopulationKey = "pop_total"

// IoDPopulations returns the IoD's population denominators.
func IoDPopulations() []IoDPopulation {
	return []IoDPopulation{
		{TotalPopulationKey, "Total population", PopTotal, "people"},
		{"pop_children_0_15", "Dependent children aged 0–15", PopChildren, "children"},
		{"pop_16_59", "Population aged 16–59", PopAdults1659, "adults"},
		{"pop_60_plus", "Older population aged 60 and over", PopOlder, "older people"},
		{"pop_working_age", "Working-age population (Employment domain denominator)", PopWorkingAge, "adults"},
	}
}

// PopulationNoun names the people the population indicator key counts:
// "people" for the total and for a population the IoD does not publish.
func PopulationNoun(key string) string {
	for _, p := range IoDPopulations() {
		if p.Key == key {
			return p.Noun
		}
	}
	return "people"
}

// PopulationKey returns the key of the population indicator that holds a
// denominator ("pop_children_0_15" for PopChildren), and false for one the
// IoD does not publish (PopNone).
func PopulationKey(denominator string) (string, bool) {
	for _, p := range IoDPopulations() {
		if p.Denominator == denominator {
			return p.Key, true
		}
	}
	return "", false
}

// DatasetKind says what an ingested file holds; it is the Kind of a
// Dataset, and the kind the ingest recognises a file as.
type DatasetKind string

// The kinds of file placeplan ingests. Indicator metadata describes an
// indicator CSV and is not stored as a dataset of its own.
const (
	DatasetIoD           DatasetKind = "iod"                // an IoD file: defines the areas it covers
	DatasetIndicators    DatasetKind = "indicators"         // a council's indicator CSV
	DatasetIndicatorMeta DatasetKind = "indicator metadata" // the metadata of indicator CSVs
	DatasetBoundaries    DatasetKind = "boundaries"         // LSOA boundaries
	DatasetPoints        DatasetKind = "points"             // a point layer
	DatasetLookup        DatasetKind = "lookup"             // an ONS lookup (LSOA → MSOA, district; or 2011 → 2021)
	DatasetMSOANames     DatasetKind = "names"              // House of Commons Library MSOA names
	DatasetCentroids     DatasetKind = "centroids"          // ONS population-weighted centroids
	DatasetLocalities    DatasetKind = "localities"         // locality definitions or polygons
)

// String returns the kind as stored and shown: "iod", "boundaries", "names".
func (k DatasetKind) String() string { return string(k) }
