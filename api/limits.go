package api

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scoring"
	"placeplan/scoring/siting"
)

// Analyses — scoring, site selection, plans, comparisons — take a core
// each for up to seconds. At most Config.MaxAnalyses run at once; up to
// Config.AnalysisQueue more wait their turn (for as long as their client
// does, at most analysisWait); beyond that a request is refused at once
// with 503 and Retry-After, so that a burst of heavy requests slows the
// analyses rather than taking the server down, and everything else (maps,
// tiles, health) is never queued behind them.

//
// Each analysis also runs under a deadline (Config.AnalysisTimeout) and
// within its share of the memory budget: half the budget, shared among
// the analyses that may run at once, bounds the travel networks a plan or
// a site selection may build (maxPairsFor), so that the analyses running
// together stay within the budget with room for the data and the caches.

// analysisWait bounds how long a queued analysis waits for its turn.
const analysisWait = 30 * time.Second

// analysisGate is the analyses' concurrency limit, queue and deadline.
type analysisGate struct {
	run     chan struct{} // a token per running analysis
	waiting atomic.Int64
	queue   int64
	timeout time.Duration
}

// newAnalysisGate takes Config's resolved values (withDefaults): running
// at least 1.
func newAnalysisGate(running, queue int, timeout time.Duration) *analysisGate {
	if queue < 0 {
		queue = 0
	}
	return &analysisGate{run: make(chan struct{}, running), queue: int64(queue), timeout: timeout}
}

// analysisPolicy is the policy of every analysis the server runs: its
// disclosure floor, and bounds that keep the analyses running at once,
// each at its largest, within half the memory budget — a travel network
// of siting.PeakBytesPerPair a pair, uncertainty ranks of
// scoring.DrawCellBytes a cell (never more than the defaults).
func analysisPolicy(cfg Config) scenario.Policy {
	share := cfg.MemoryBudgetBytes / 2 / int64(max(1, cfg.MaxAnalyses))
	return scenario.Policy{Disclosure: cfg.Disclosure,
		MaxPairs:     int(min(share/siting.PeakBytesPerPair, siting.DefaultMaxArcs)),
		MaxDrawCells: int(min(share/scoring.DrawCellBytes, scoring.MaxDrawCells))}
}

// do runs f as one analysis: in its turn (acquire), under the gate's
// deadline. When the deadline stops it, the error is EUNSUPPORTED (422)
// naming the limit; a client that goes away stops it too.
func (g *analysisGate) do(ctx context.Context, f func(context.Context) error) error {
	release, err := g.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	actx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	err = f(actx)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		e := placeplan.Errorf(placeplan.EUNSUPPORTED, "the analysis was stopped after %s, the most this server gives one: "+
			"ask for less (fewer sites, candidates, draws or standards to try), or run it with the command line", g.timeout)
		e.Details = map[string]any{"max_seconds": g.timeout.Seconds()}
		return e
	}
	return err
}

// acquire takes a turn to run, waiting in the queue when every turn is
// taken; release gives it back. It fails with EBUSY when the queue is full
// or the wait too long, and with ctx's error when the client goes.
func (g *analysisGate) acquire(ctx context.Context) (release func(), err error) {
	select {
	case g.run <- struct{}{}:
		return func() { <-g.run }, nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return nil, placeplan.Errorf(placeplan.EBUSY, "%d analyses are running and %d waiting, the most this server takes: try again shortly", cap(g.run), g.queue)
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(analysisWait)
	defer t.Stop()
	select {
	case g.run <- struct{}{}:
		return func() { <-g.run }, nil
	case <-t.C:
		return nil, placeplan.Errorf(placeplan.EBUSY, "waited %s for one of %d analyses to finish: try again shortly", analysisWait, cap(g.run))
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// limitAnalysis is the middleware of the routes that analyse what the
// request sends: the handler runs as one analysis (do). Routes of stored
// scenarios need none: the tile service runs their computations so.
func (s *Server) limitAnalysis(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		defer c.SetRequest(req)
		return s.analyses.do(req.Context(), func(ctx context.Context) error {
			c.SetRequest(req.WithContext(ctx))
			return next(c) // EBUSY: handleError adds Retry-After
		})
	}
}
