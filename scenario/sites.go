package scenario

import (
	"fmt"
	"math"
	"time"

	"placeplan"
	"placeplan/scoring/siting"
)

// Sites is the site-selection and rollout part of a scenario: where the
// demand is and how it is weighted, the candidate sites, the location
// model and service standard, the phases of the rollout and how it is made
// evaluable and tested for robustness. See docs/SCENARIOS.md.
type Sites struct {
	Demand     Demand     `yaml:"demand" json:"demand"`
	Candidates Candidates `yaml:"candidates" json:"candidates"`
	// Model is mclp (the most need within the standard), pmedian (the
	// least need-weighted travel) or capacitated (mclp with each site
	// serving at most its capacity).
	Model siting.Model `yaml:"model" json:"model"`
	// Teams is the number of sites to open, fixed sites included.
	Teams int `yaml:"teams" json:"teams"`
	// The service standard: exactly one of the two.
	StandardMinutes float64 `yaml:"standard_minutes,omitempty" json:"standard_minutes,omitempty"`
	StandardKm      float64 `yaml:"standard_km,omitempty" json:"standard_km,omitempty"`
	// Circuity is road ÷ great-circle distance (default 1.3); SpeedKmh the
	// average speed for a standard in minutes (default 40).
	Circuity float64 `yaml:"circuity,omitempty" json:"circuity,omitempty"`
	SpeedKmh float64 `yaml:"speed_kmh,omitempty" json:"speed_kmh,omitempty"`
	// Matrix is an origin–destination CSV (origin area code, destination
	// candidate id, minutes or km) used instead of great-circle distance;
	// a relative path is taken from the scenario file's folder.
	Matrix string `yaml:"matrix,omitempty" json:"matrix,omitempty"`
	// Fixed sites are open already (or must be): they open first and count
	// toward Teams. Exclude lists candidates that may not be chosen.
	Fixed       []string    `yaml:"fixed,omitempty" json:"fixed,omitempty"`
	Exclude     []string    `yaml:"exclude,omitempty" json:"exclude,omitempty"`
	Constraints Constraints `yaml:"constraints,omitempty" json:"constraints,omitempty"`
	Phases      Phases      `yaml:"phases" json:"phases"`
	// Precedence lists pairs that must open in order; Readiness the date
	// before which a site cannot open (YYYY-MM-DD).
	Precedence []Precedence       `yaml:"precedence,omitempty" json:"precedence,omitempty"`
	Readiness  map[string]string  `yaml:"readiness,omitempty" json:"readiness,omitempty"`
	Evaluation Evaluation         `yaml:"evaluation,omitempty" json:"evaluation,omitempty"`
	Robustness Robustness         `yaml:"robustness,omitempty" json:"robustness,omitempty"`
	Costs      map[string]float64 `yaml:"costs,omitempty" json:"costs,omitempty"`
}

// Demand says what a small area's demand weight is.
type Demand struct {
	// Weight is "need" (the population weighted by where the area's need
	// score sits among all loaded areas: the neediest count in full, the
	// least needy barely), "population", or an indicator key: a count
	// (e.g. a service-demand count) or a rate times its denominator (e.g.
	// idaci_score × children = children in income-deprived families).
	Weight string `yaml:"weight" json:"weight"`
	// Population is the population indicator used with need and reported
	// as "population reached" (default pop_total).
	Population string `yaml:"population,omitempty" json:"population,omitempty"`
	// Noun names the weight in plain words, e.g. "need-weighted children".
	Noun string `yaml:"noun,omitempty" json:"noun,omitempty"`
}

// PopulationKey is the key of the demand's population indicator:
// Population, or the IoD's total population when it names none.
func (d Demand) PopulationKey() string {
	if d.Population == "" {
		return placeplan.TotalPopulationKey
	}
	return d.Population
}

// Candidates says where sites could go.
type Candidates struct {
	// Source is localities (a hub per locality of the scheme: the point of
	// the same name in Layer if there is one, else the locality's most
	// central populated area), msoas (a hub per MSOA), layer (every point
	// of the point layer Layer) or file (a CSV id,lon,lat[,capacity]).
	Source string `yaml:"source" json:"source"`
	Layer  string `yaml:"layer,omitempty" json:"layer,omitempty"`
	File   string `yaml:"file,omitempty" json:"file,omitempty"`
	// Capacity sets a site's capacity (demand weight it can serve) for
	// the capacitated model, overriding the file's.
	Capacity map[string]float64 `yaml:"capacity,omitempty" json:"capacity,omitempty"`
}

// Constraints are fairness constraints on the selection.
type Constraints struct {
	// MinPerLocality is the fewest sites in each locality of the scheme
	// (e.g. 1: a team in each of North, Central and South).
	MinPerLocality int `yaml:"min_per_locality,omitempty" json:"min_per_locality,omitempty"`
	// Groups are explicit "at least Min of these sites" constraints.
	Groups []Group `yaml:"groups,omitempty" json:"groups,omitempty"`
}

// Group is an "at least Min of these sites" constraint.
type Group struct {
	Name  string   `yaml:"name" json:"name"`
	Sites []string `yaml:"sites" json:"sites"`
	Min   int      `yaml:"min" json:"min"`
}

// Phases sets the rollout timetable: the fixed sites form a first phase
// opening on Start (already live); after them, SitesPerPhase sites open
// every EveryMonths months. List, when given, replaces the generated
// phases.
type Phases struct {
	Start         string  `yaml:"start" json:"start"` // YYYY-MM-DD
	EveryMonths   int     `yaml:"every_months" json:"every_months"`
	SitesPerPhase int     `yaml:"sites_per_phase" json:"sites_per_phase"`
	Budget        float64 `yaml:"budget,omitempty" json:"budget,omitempty"` // per phase, against costs
	List          []Phase `yaml:"list,omitempty" json:"list,omitempty"`
}

// Phase is one phase of an explicit timetable.
type Phase struct {
	Label    string  `yaml:"label" json:"label"`
	Start    string  `yaml:"start" json:"start"`
	MaxSites int     `yaml:"max_sites,omitempty" json:"max_sites,omitempty"`
	Budget   float64 `yaml:"budget,omitempty" json:"budget,omitempty"`
}

// Precedence says site Before opens in an earlier phase than site After.
type Precedence struct {
	Before string `yaml:"before" json:"before"`
	After  string `yaml:"after" json:"after"`
}

// Evaluation makes the rollout evaluable.
type Evaluation struct {
	// SteppedWedge randomises the order within strata of StratumSize
	// sites of similar need (default 2), seeded by Seed.
	SteppedWedge bool   `yaml:"stepped_wedge,omitempty" json:"stepped_wedge,omitempty"`
	Seed         uint64 `yaml:"seed,omitempty" json:"seed,omitempty"`
	StratumSize  int    `yaml:"stratum_size,omitempty" json:"stratum_size,omitempty"`
	// ComparisonAreas is the number of not-yet-served comparison areas
	// matched to each newly served area per phase; 0 means none.
	ComparisonAreas int `yaml:"comparison_areas,omitempty" json:"comparison_areas,omitempty"`
}

// Robustness re-runs the selection under other assumptions.
type Robustness struct {
	// Draws re-runs the selection under this many draws of the needs
	// score's uncertainty (weights, normalisation, aggregation as set in
	// uncertainty); 0 means none.
	Draws int `yaml:"draws,omitempty" json:"draws,omitempty"`
	// Standards re-runs it under other service standards, in the unit of
	// the scenario's standard.
	Standards []float64 `yaml:"standards,omitempty" json:"standards,omitempty"`
}

// dateLayout is how dates are written in scenario files.
const dateLayout = "2006-01-02"

func parseDate(s string) (time.Time, error) { return time.Parse(dateLayout, s) }

func (s *Sites) check(fail func(field, format string, args ...any) error) error {
	switch s.Demand.Weight {
	case "":
		return fail("sites.demand.weight", "missing: need, population or an indicator key")
	}
	switch s.Candidates.Source {
	case "localities", "msoas":
	case "layer":
		if s.Candidates.Layer == "" {
			return fail("sites.candidates.layer", "missing: name the point layer (placeplan datasets lists them)")
		}
	case "file":
		if s.Candidates.File == "" {
			return fail("sites.candidates.file", "missing: a CSV of id,lon,lat[,capacity]")
		}
	case "":
		return fail("sites.candidates.source", "missing: localities, msoas, layer or file")
	default:
		return fail("sites.candidates.source", "%s", notOneOf(s.Candidates.Source, "localities", "msoas", "layer", "file"))
	}
	for id, c := range s.Candidates.Capacity {
		if math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
			return fail("sites.candidates.capacity."+id, "%v is not a non-negative number", c)
		}
	}
	switch s.Model {
	case siting.ModelMCLP, siting.ModelPMedian, siting.ModelCapacitated:
	case "":
		return fail("sites.model", "missing: mclp, pmedian or capacitated")
	default:
		return fail("sites.model", "%s", notOneOf(string(s.Model), "mclp", "pmedian", "capacitated"))
	}
	switch {
	case s.Teams < 1:
		return fail("sites.teams", "%d: want 1 or more", s.Teams)
	case len(s.Fixed) > s.Teams:
		return fail("sites.fixed", "%d fixed sites but only %d teams", len(s.Fixed), s.Teams)
	case (s.StandardMinutes > 0) == (s.StandardKm > 0):
		return fail("sites.standard_minutes", "give one service standard: standard_minutes or standard_km, above 0")
	case s.Circuity != 0 && (s.Circuity < 1 || math.IsInf(s.Circuity, 0) || math.IsNaN(s.Circuity)):
		return fail("sites.circuity", "%v: want 1 or more (1 = great-circle distance)", s.Circuity)
	case s.SpeedKmh < 0 || math.IsNaN(s.SpeedKmh) || math.IsInf(s.SpeedKmh, 0):
		return fail("sites.speed_kmh", "%v: want a speed above 0", s.SpeedKmh)
	}
	seen := map[string]string{}
	for i, id := range s.Fixed {
		seen[id] = fmt.Sprintf("sites.fixed[%d]", i)
	}
	for i, id := range s.Exclude {
		if f, ok := seen[id]; ok {
			return fail(fmt.Sprintf("sites.exclude[%d]", i), "%s is also %s", id, f)
		}
	}
	c := s.Constraints
	if c.MinPerLocality < 0 {
		return fail("sites.constraints.min_per_locality", "negative")
	}
	for i, g := range c.Groups {
		field := fmt.Sprintf("sites.constraints.groups[%d]", i)
		switch {
		case g.Name == "":
			return fail(field+".name", "missing")
		case len(g.Sites) == 0:
			return fail(field+".sites", "none given")
		case g.Min < 0 || g.Min > s.Teams:
			return fail(field+".min", "%d: want 0 to the %d teams", g.Min, s.Teams)
		}
	}
	if err := s.Phases.check(fail); err != nil {
		return err
	}
	for i, p := range s.Precedence {
		if p.Before == "" || p.After == "" || p.Before == p.After {
			return fail(fmt.Sprintf("sites.precedence[%d]", i), "want two different sites, before and after")
		}
	}
	for id, d := range s.Readiness {
		if _, err := parseDate(d); err != nil {
			return fail("sites.readiness."+id, "%q is not a date (YYYY-MM-DD)", d)
		}
	}
	for id, v := range s.Costs {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fail("sites.costs."+id, "%v is not a non-negative number", v)
		}
	}
	e := s.Evaluation
	switch {
	case e.StratumSize < 0 || e.StratumSize == 1:
		return fail("sites.evaluation.stratum_size", "%d: want 2 or more (0 = 2)", e.StratumSize)
	case e.ComparisonAreas < 0 || e.ComparisonAreas > 10:
		return fail("sites.evaluation.comparison_areas", "%d: want 0 to 10 per area served", e.ComparisonAreas)
	}
	r := s.Robustness
	if r.Draws < 0 || r.Draws > 10_000 {
		return fail("sites.robustness.draws", "%d: want 0 to 10,000", r.Draws)
	}
	for i, v := range r.Standards {
		if !(v > 0) || math.IsInf(v, 0) {
			return fail(fmt.Sprintf("sites.robustness.standards[%d]", i), "%v: want a standard above 0", v)
		}
	}
	return nil
}

func (p *Phases) check(fail func(field, format string, args ...any) error) error {
	if len(p.List) > 0 {
		var prev time.Time
		for i, ph := range p.List {
			field := fmt.Sprintf("sites.phases.list[%d]", i)
			t, err := parseDate(ph.Start)
			switch {
			case err != nil:
				return fail(field+".start", "%q is not a date (YYYY-MM-DD)", ph.Start)
			case i > 0 && !t.After(prev):
				return fail(field+".start", "%s is not after the phase before it", ph.Start)
			case ph.MaxSites < 0 || ph.Budget < 0:
				return fail(field, "max_sites and budget must not be negative")
			}
			prev = t
		}
		return nil
	}
	if _, err := parseDate(p.Start); err != nil {
		return fail("sites.phases.start", "%q is not a date (YYYY-MM-DD)", p.Start)
	}
	switch {
	case p.EveryMonths < 1 || p.EveryMonths > 120:
		return fail("sites.phases.every_months", "%d: want 1 to 120", p.EveryMonths)
	case p.SitesPerPhase < 1:
		return fail("sites.phases.sites_per_phase", "%d: want 1 or more", p.SitesPerPhase)
	case p.Budget < 0:
		return fail("sites.phases.budget", "negative")
	}
	return nil
}

// travel returns the section's travel assumptions, without the matrix
// (Plan reads it from MatrixPath).
func (s *Sites) travel() siting.Travel {
	return siting.Travel{StandardKm: s.StandardKm, StandardMinutes: s.StandardMinutes, Circuity: s.Circuity, SpeedKmh: s.SpeedKmh}
}

// MatrixPath returns the travel matrix path resolved against the scenario
// file's folder.
func (sc *Scenario) MatrixPath() string { return sc.resolve(sc.Sites.Matrix) }

// CandidatesPath returns the candidate file resolved against the scenario
// file's folder.
func (sc *Scenario) CandidatesPath() string { return sc.resolve(sc.Sites.Candidates.File) }
