package tiles

import (
	"context"
	"fmt"

	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/scenario"
)

var _ scenario.PlanStore = Store(nil)

// Scores and plans of named scenarios are computed on the store and the
// latest few kept (Service.results, a revcache.Cache), keyed by kind and
// scenario label at the data revision, so that a map asking for the plan,
// its Catchments and its phases computes it once, and a new ingest is seen
// at once. Each key is computed once; others asking for it meanwhile wait
// for that result, or return when their request ends.

// maxResults bounds the plans and scores kept.
const maxResults = 32 // a few scenarios × (score, plan, area need, areas)

// resultKey names one kept result: what was computed, of which scenario
// (its label, id@revision); the data revision is the cache's.
type resultKey struct {
	kind     string // "plan", "score", "area-need" or "areas"
	scenario string
}

// resultEntry is one kept result: the field of its kind, or its error.
type resultEntry struct {
	plan     *scenario.PlanResult
	score    *scenario.Result
	areaNeed []scenario.AreaResult
	areas    *ScenarioAreas
	err      error
}

// ScenarioAreas is what a scenario adds to each small area on the map:
// the properties of the areas in its localities, and of any other area
// its plan reaches, by area code.
type ScenarioAreas struct {
	Geography placeplan.Geography
	Props     map[string]geojson.Properties // by area code
}

// of returns area code's properties, adding an empty set when absent.
func (a *ScenarioAreas) of(code string) geojson.Properties {
	p := a.Props[code]
	if p == nil {
		p = geojson.Properties{}
		a.Props[code] = p
	}
	return p
}

// Named is a scenario a request names: "id" (the current revision) or
// "id@revision" from the registry, else a shipped scenario by id. Label
// names it exactly: "id@revision", or "id" for a shipped one.
type Named struct {
	Label    string
	Scenario *scenario.Scenario
}

// resolvedKey is the context key of a scenario reference already
// resolved (WithResolved).
type resolvedKey struct{ ref string }

// WithResolved returns ctx carrying n as what ref resolves to, so that
// Lookup (and every tile or result asked for under ctx) does not read the
// registry again: the HTTP revision middleware resolves a request's
// scenario once, for its ETag.
func WithResolved(ctx context.Context, ref string, n Named) context.Context {
	return context.WithValue(ctx, resolvedKey{ref}, n)
}

// Lookup resolves a scenario reference.
func (s *Service) Lookup(ctx context.Context, ref string) (Named, error) {
	if ref == "" {
		return Named{}, invalidf("scenario: missing: name a scenario (GET /api/v1/scenarios lists them)")
	}
	if n, ok := ctx.Value(resolvedKey{ref}).(Named); ok {
		return n, nil // resolved once already for this request
	}
	label, sc, err := scenario.Resolve(ctx, s.store, ref, false)
	if err != nil {
		return Named{}, err
	}
	return Named{Label: label, Scenario: sc}, nil
}

// cached returns the entry of kind for the scenario ref names at the
// current data revision, computing it with fill (detached from the
// request: others may be waiting for the result) when absent. It returns
// the entry's error too, and ctx's when the request ends first.
func (s *Service) cached(ctx context.Context, kind, ref string, fill func(context.Context, Named, *resultEntry)) (*resultEntry, error) {
	n, err := s.Lookup(ctx, ref)
	if err != nil {
		return nil, err
	}
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return nil, fmt.Errorf("read data revision: %w", err)
	}
	e, _, err := s.results.Get(ctx, resultKey{kind, n.Label}, rev, func(ctx context.Context) (*resultEntry, error) {
		e := &resultEntry{}
		fill(ctx, n, e)
		return e, e.err // a failure is not kept: the next request tries again
	})
	if e == nil && err != nil {
		return nil, err
	}
	return e, nil
}

// Plan returns the plan of the named scenario on the current data.
func (s *Service) Plan(ctx context.Context, ref string) (*scenario.PlanResult, error) {
	e, err := s.cached(ctx, "plan", ref, func(ctx context.Context, n Named, e *resultEntry) {
		if n.Scenario.Sites == nil {
			e.err = invalidf("scenario %s has no sites section, so it has no plan", ref)
			return
		}
		e.err = s.analyses(ctx, func(ctx context.Context) (err error) {
			e.plan, err = scenario.PlanUnder(ctx, s.store, n.Scenario, s.policy)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return e.plan, e.err
}

// Score returns the need ranking of the named scenario on the current data.
func (s *Service) Score(ctx context.Context, ref string) (*scenario.Result, error) {
	e, err := s.cached(ctx, "score", ref, func(ctx context.Context, n Named, e *resultEntry) {
		e.err = s.analyses(ctx, func(ctx context.Context) (err error) {
			e.score, err = scenario.ScoreUnder(ctx, s.store, n.Scenario, s.policy)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return e.score, e.err
}

// AreaNeed returns the named scenario's need for each small area on the
// current data (scenario.AreaResults): its score, rank and share, its
// locality and the locality's rank.
func (s *Service) AreaNeed(ctx context.Context, ref string) ([]scenario.AreaResult, error) {
	e, err := s.cached(ctx, "area-need", ref, func(ctx context.Context, n Named, e *resultEntry) {
		res, err := s.Score(ctx, n.Label)
		if err != nil {
			e.err = err
			return
		}
		e.areaNeed, e.err = scenario.AreaResults(ctx, s.store, res)
	})
	if err != nil {
		return nil, err
	}
	return e.areaNeed, e.err
}

// Areas returns, for the named scenario on the current data, the
// properties it adds to each small area: the area's own need score, rank
// (1 = most need among the areas scored) and need share; its locality in
// the scenario's scheme and that locality's need rank; and, for a scenario
// with a plan, the chosen site serving it and the phase it is first
// reached in.
func (s *Service) Areas(ctx context.Context, ref string) (*ScenarioAreas, error) {
	e, err := s.cached(ctx, "areas", ref, func(ctx context.Context, n Named, e *resultEntry) {
		e.areas, e.err = s.computeAreas(ctx, n.Label, n.Scenario)
	})
	if err != nil {
		return nil, err
	}
	return e.areas, e.err
}

func (s *Service) computeAreas(ctx context.Context, id string, sc *scenario.Scenario) (*ScenarioAreas, error) {
	res, err := s.Score(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.AreaNeed(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &ScenarioAreas{Geography: res.Geography, Props: map[string]geojson.Properties{}}
	for _, a := range rows {
		p := out.of(a.Code)
		if a.NeedRank > 0 {
			p["need_score"], p["need_rank"], p["need_share"] = a.NeedScore, a.NeedRank, a.NeedShare
		}
		if a.Locality != "" {
			p["locality"], p["locality_need_rank"] = a.Locality, a.LocalityNeedRank
		}
	}
	if sc.Sites != nil {
		plan, err := s.Plan(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, a := range plan.AreaPlans() {
			p := out.of(a.Code)
			if a.ServedBy != "" {
				p["served_by"] = a.ServedBy
			}
			if a.PhaseLabel != "" {
				p["reached_in"] = a.PhaseLabel
			}
		}
	}
	return out, nil
}
