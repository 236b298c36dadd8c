package scenario

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"placeplan"
	"placeplan/internal/suggest"
	"placeplan/scoring"
)

// AreaData is the small-area data every use case here reads: indicators,
// their values and localities. *data.Store satisfies it.
type AreaData interface {
	Indicators(ctx context.Context, geog placeplan.Geography) ([]placeplan.Indicator, error)
	Values(ctx context.Context, indicatorID int64) ([]placeplan.Value, error)
	ValuesByArea(ctx context.Context, indicatorID int64) (map[string]float64, error)
	Localities(ctx context.Context, geog placeplan.Geography) ([]placeplan.Locality, error)
}

// Store is what scoring a scenario reads. *data.Store satisfies it.
type Store interface {
	AreaData
	Datasets(ctx context.Context) ([]placeplan.Dataset, error)
}

// Result is a scored scenario: need scores and ranks, the Monte Carlo
// uncertainty when draws were asked for, and the plain-words explanations.
type Result struct {
	Scenario    *Scenario
	Geography   placeplan.Geography
	Need        scoring.NeedResult
	Uncertainty *scoring.UncertaintyResult // nil when uncertainty.draws is 0
	// Explanations[i] explains Need.Localities[i]; with uncertainty, the
	// rank interval is explained too.
	Explanations []string
	Method       string // how the scores were made, in words
	Sensitivity  string // which assumption moves the ranking, in words
	Warnings     []string
	Attribution  []string // the attribution lines of the data used
}

// Score scores the scenario's localities on the data in st: each
// indicator is rolled up from small areas to localities (population-
// weighted with its denominator; counts summed), normalised against every
// loaded small area (England-scale when England is loaded), weighted and
// aggregated; then, when asked, the Monte Carlo over weights,
// normalisation and aggregation gives rank intervals and sensitivity.
//
// Its bounds are the default policy's; ScoreUnder takes a deployment's.
func Score(ctx context.Context, st Store, sc *Scenario) (*Result, error) {
	return ScoreUnder(ctx, st, sc, DefaultPolicy())
}

// ScoreUnder is Score under a deployment's policy: the uncertainty draws
// are bounded by its MaxDrawCells.
func ScoreUnder(ctx context.Context, st Store, sc *Scenario, pol Policy) (*Result, error) {
	geog := placeplan.Geography(sc.Dataset.Geography)
	res := &Result{Scenario: sc, Geography: geog}
	warnf := func(format string, args ...any) { res.Warnings = append(res.Warnings, fmt.Sprintf(format, args...)) }

	all, err := st.Indicators(ctx, geog)
	if err != nil {
		return nil, err
	}
	byKey := map[string]placeplan.Indicator{}
	for _, ind := range all {
		byKey[ind.Key] = ind
	}
	// Localities of the scheme.
	locs, err := st.Localities(ctx, geog)
	if err != nil {
		return nil, err
	}
	schemes := map[string]bool{}
	var chosen []placeplan.Locality
	for _, l := range locs {
		schemes[l.Scheme] = true
		if l.Scheme == sc.Localities.Scheme {
			chosen = append(chosen, l)
		}
	}
	if len(chosen) == 0 {
		return nil, noScheme(ctx, st, sc.Localities.Scheme, geog, sortedSet(schemes))
	}
	if len(sc.Localities.Only) > 0 {
		keep := map[string]bool{}
		for _, n := range sc.Localities.Only {
			keep[n] = true
		}
		var only []placeplan.Locality
		for _, l := range chosen {
			if keep[l.Name] {
				only = append(only, l)
				delete(keep, l.Name)
			}
		}
		if len(keep) > 0 {
			var names, missing []string
			for _, l := range chosen {
				names = append(names, l.Name)
			}
			for _, n := range sortedSet(keep) {
				missing = append(missing, fmt.Sprintf("%q%s", n, suggest.Hint(n, names)))
			}
			return nil, placeplan.Errorf(placeplan.EINVALID, "localities.only: %s not in %q", strings.Join(missing, ", "), sc.Localities.Scheme)
		}
		chosen = only
	}
	if len(chosen) < 2 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "localities: %d locality to rank; need at least 2", len(chosen))
	}

	// Population denominators.
	pops := scoring.Populations{}
	for _, p := range placeplan.IoDPopulations() {
		ind, ok := byKey[p.Key]
		if !ok {
			continue
		}
		m, err := st.ValuesByArea(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		pops[p.Denominator] = m
	}

	// The indicators, rolled up to the localities.
	in := scoring.NeedInput{}
	for _, l := range chosen {
		in.Localities = append(in.Localities, l.Name)
	}
	usedDatasets := map[int64]bool{}
	for i, si := range sc.Indicators {
		field := fmt.Sprintf("indicators[%d]", i)
		ind, ok := byKey[si.Key]
		if !ok {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s.key: no indicator %q on %s%s; placeplan indicators --db FILE lists them",
				field, si.Key, geog.Label(), suggest.Hint(si.Key, sortedSet(byKey)))
		}
		if ind.Kind == placeplan.KindRank || ind.Kind == placeplan.KindDecile || ind.Kind == placeplan.KindPopulation {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s.key: %s is a %s, not a measure of need: use the score (e.g. %s_score or %s_exp)",
				field, si.Key, ind.Kind, ind.Index, ind.Index)
		}
		if sc.Dataset.Vintage != "" && ind.Vintage != "" && ind.Vintage != sc.Dataset.Vintage {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s.key: %s is from %s, not %s", field, si.Key, ind.Vintage, sc.Dataset.Vintage)
		}
		switch si.Direction {
		case "higher_is_worse":
			ind.Direction = placeplan.HigherIsWorse
		case "higher_is_better":
			ind.Direction = placeplan.HigherIsBetter
		}
		if d := ind.Denominator; d != "" && d != placeplan.PopNone && pops[d] == nil {
			warnf("%s: no %s population is loaded for %s, so its areas are weighted equally", ind.Key, d, geog.Label())
			ind.Denominator = placeplan.PopNone
		}
		vals, err := st.Values(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		rolled, err := scoring.RollUp(ind, vals, pops, chosen)
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", field)
		}
		for _, r := range rolled {
			if math.IsNaN(r.Value) {
				return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %s has no value for any area of %s", field, si.Key, r.Locality)
			}
			if r.Coverage < 0.95 {
				warnf("%s: the value for %s rests on %.0f %% of its population (%d of %d areas have a value)", si.Key, r.Locality, 100*r.Coverage, r.AreasWithValue, r.Areas)
			}
		}
		ref := make([]float64, 0, len(vals))
		for _, v := range vals {
			ref = append(ref, v.Value)
		}
		reference, err := scoring.NewReference(ind.Key, ref)
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", field)
		}
		in.Indicators = append(in.Indicators, ind)
		in.Values = append(in.Values, scoring.RolledValues(rolled))
		in.References = append(in.References, reference)
		in.Weights = append(in.Weights, si.Weight)
		usedDatasets[ind.DatasetID] = true
	}
	if in.Method, err = scoring.ParseMethod(sc.Normalisation); err != nil {
		return nil, placeplan.Wrap(placeplan.EINVALID, err, "normalisation")
	}
	if in.Aggregation, err = scoring.ParseAggregation(sc.Aggregation); err != nil {
		return nil, placeplan.Wrap(placeplan.EINVALID, err, "aggregation")
	}
	keys := make([]string, len(in.Indicators))
	for j, ind := range in.Indicators {
		keys[j] = ind.Key
	}
	switch sc.Weights {
	case "equal":
		in.Weights = scoring.EqualWeights(len(keys))
	case "iod":
		domains := make([]string, len(in.Indicators))
		for j, ind := range in.Indicators {
			domains[j] = string(ind.Index)
		}
		if in.Weights, err = scoring.IoDWeights(domains); err != nil {
			return nil, placeplan.Wrap(placeplan.EINVALID, err, "weights: iod")
		}
	case "pca":
		// The shared variation across the localities' normalised values.
		cols := make([][]float64, len(in.Indicators))
		for j := range in.Indicators {
			if cols[j], err = scoring.Normalise(in.Values[j], in.References[j], in.Indicators[j].Direction, in.Method); err != nil {
				return nil, err
			}
		}
		if in.Weights, err = scoring.PCAWeights(keys, cols); err != nil {
			return nil, placeplan.Wrap(placeplan.EINVALID, err, "weights: pca")
		}
	}
	if sc.Uncertainty.Draws > 0 {
		s := scoring.UncertaintySettings{Draws: sc.Uncertainty.Draws, Seed: sc.Uncertainty.Seed,
			Concentration: sc.Uncertainty.Concentration, TopK: sc.Uncertainty.TopK, MaxCells: pol.MaxDrawCells}
		if s.TopK == 0 {
			s.TopK = min(3, len(in.Localities))
		}
		if s.TopK > len(in.Localities) {
			return nil, placeplan.Errorf(placeplan.EINVALID, "uncertainty.top_k: %d is more than the %d localities", s.TopK, len(in.Localities))
		}
		for _, m := range sc.Uncertainty.Normalisations {
			pm, _ := scoring.ParseMethod(m)
			s.Methods = append(s.Methods, pm)
		}
		for _, a := range sc.Uncertainty.Aggregations {
			pa, _ := scoring.ParseAggregation(a)
			s.Aggregations = append(s.Aggregations, pa)
		}
		u, err := scoring.Uncertainty(ctx, in, s)
		if err != nil {
			return nil, err
		}
		res.Uncertainty = &u
		res.Need = u.Base
		for i := range u.Localities {
			res.Explanations = append(res.Explanations, scoring.Explain(u.Base, i)+" "+scoring.ExplainUncertainty(u, i))
		}
		res.Sensitivity = scoring.ExplainSensitivity(u)
	} else {
		if res.Need, err = scoring.Need(in); err != nil {
			return nil, err
		}
		for i := range res.Need.Localities {
			res.Explanations = append(res.Explanations, scoring.Explain(res.Need, i))
		}
	}
	res.Method = scoring.ExplainMethod(res.Need)
	ds, err := st.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, d := range ds {
		if (usedDatasets[d.ID] || d.Kind == placeplan.DatasetLocalities) && d.Attribution != "" && !seen[d.Attribution] {
			seen[d.Attribution] = true
			res.Attribution = append(res.Attribution, d.Attribution)
		}
	}
	return res, nil
}

// noScheme is the error of a locality scheme that is not defined on geog,
// whose schemes are loaded: it says when the scheme is defined on the
// other geography only, and how to carry it over; else which schemes
// there are, and the one probably meant.
func noScheme(ctx context.Context, st Store, scheme string, geog placeplan.Geography, loaded []string) error {
	other := geog.Other()
	locs, err := st.Localities(ctx, other)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(locs, func(l placeplan.Locality) bool { return l.Scheme == scheme }) {
		msg := fmt.Sprintf("localities.scheme: %q is defined on %s only, not on %s. To score it on %s, ingest its locality file again "+
			"now that %s areas are loaded (each locality is defined by those of its codes or names that exist on %s)",
			scheme, other.Label(), geog.Label(), geog.Label(), geog.Label(), geog.Label())
		if other == placeplan.LSOA2011 {
			msg += fmt.Sprintf("; to compare it across the vintages, placeplan vintages --db FILE --scheme %q carries its %s definition onto %s through the ONS lookup",
				scheme, other.Label(), geog.Label())
		}
		return placeplan.Errorf(placeplan.EINVALID, "%s", msg)
	}
	if len(loaded) == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "localities.scheme: no scheme %q: no locality scheme is loaded on %s (ingest a locality file: placeplan ingest --db FILE localities.csv)",
			scheme, geog.Label())
	}
	return placeplan.Errorf(placeplan.EINVALID, "localities.scheme: no scheme %q on %s%s; loaded: %s",
		scheme, geog.Label(), suggest.Hint(scheme, loaded), strings.Join(loaded, "; "))
}

// sortedSet returns the keys of m in order.
func sortedSet[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
