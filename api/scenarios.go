package api

import (
	"context"
	"fmt"
	"sync"

	"placeplan/scenario"
)

var _ scenario.PlanStore = Store(nil)

// scenarioResults computes scenario scores and plans on the store and keeps
// the latest few, keyed by scenario id and data revision, so that a map
// asking for the plan, its catchments and its phases computes it once, and a
// new ingest is seen at once. Each key is computed by one request; others
// asking for it meanwhile wait for that result.
type scenarioResults struct {
	mu      sync.Mutex
	entries map[resultKey]*resultEntry
	order   []resultKey // oldest first
}

// maxResults bounds the plans and scores kept.
const maxResults = 16

type resultKey struct {
	kind     string // "plan" or "score"
	scenario string
	revision int64
}

type resultEntry struct {
	done  chan struct{}
	plan  *scenario.PlanResult
	score *scenario.Result
	err   error
}

// get returns the result for key, computing it with compute when absent.
func (r *scenarioResults) get(key resultKey, compute func(e *resultEntry)) *resultEntry {
	r.mu.Lock()
	if r.entries == nil {
		r.entries = map[resultKey]*resultEntry{}
	}
	if e, ok := r.entries[key]; ok {
		r.mu.Unlock()
		<-e.done
		return e
	}
	e := &resultEntry{done: make(chan struct{})}
	r.entries[key] = e
	r.order = append(r.order, key)
	for len(r.order) > maxResults {
		delete(r.entries, r.order[0])
		r.order = r.order[1:]
	}
	r.mu.Unlock()
	compute(e)
	close(e.done)
	if e.err != nil { // do not keep failures: the next request tries again
		r.mu.Lock()
		if r.entries[key] == e {
			delete(r.entries, key)
		}
		r.mu.Unlock()
	}
	return e
}

// lookupScenario finds a scenario by id among the shipped ones.
func lookupScenario(id string) (*scenario.Scenario, error) {
	if id == "" {
		return nil, invalidf("scenario: missing: name a scenario (GET /api/v1/scenarios lists them)")
	}
	return scenario.LookupBuiltin(id)
}

// planOf returns the plan of the named scenario on the current data.
func (s *Server) planOf(ctx context.Context, id string) (*scenario.PlanResult, error) {
	sc, err := lookupScenario(id)
	if err != nil {
		return nil, err
	}
	if sc.Sites == nil {
		return nil, invalidf("scenario %s has no sites section, so it has no plan", id)
	}
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return nil, fmt.Errorf("read data revision: %w", err)
	}
	e := s.results.get(resultKey{"plan", id, rev}, func(e *resultEntry) {
		// Detached from the request: others may be waiting for this result.
		e.plan, e.err = scenario.Plan(context.WithoutCancel(ctx), s.store, sc)
	})
	return e.plan, e.err
}

// scoreOf returns the need ranking of the named scenario on the current data.
func (s *Server) scoreOf(ctx context.Context, id string) (*scenario.Result, error) {
	sc, err := lookupScenario(id)
	if err != nil {
		return nil, err
	}
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return nil, fmt.Errorf("read data revision: %w", err)
	}
	e := s.results.get(resultKey{"score", id, rev}, func(e *resultEntry) {
		e.score, e.err = scenario.Score(context.WithoutCancel(ctx), s.store, sc)
	})
	return e.score, e.err
}
