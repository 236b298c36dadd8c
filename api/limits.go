package api

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"placeplan"
)

// Analyses — scoring, site selection, plans, comparisons — take a core
// each for up to seconds. At most Config.MaxAnalyses run at once; up to
// Config.AnalysisQueue more wait their turn (for as long as their client
// does, at most analysisWait); beyond that a request is refused at once
// with 503 and Retry-After, so that a burst of heavy requests slows the
// analyses rather than taking the server down, and everything else (maps,
// tiles, health) is never queued behind them.

// analysisWait bounds how long a queued analysis waits for its turn.
const analysisWait = 30 * time.Second

// defaultMaxAnalyses is how many analyses run at once on cores cores
// unless told: one per core but one, at least one. The core left is the
// maps': with every core running an analysis, area profiles waited up to
// half a second (p99, England, 2 cores) for a turn, and two analyses at
// once on two cores finished no more of them than one.
func defaultMaxAnalyses(cores int) int { return max(1, cores-1) }

// analysisGate is the analyses' concurrency limit and queue.
type analysisGate struct {
	run     chan struct{} // a token per running analysis
	waiting atomic.Int64
	queue   int64
}

func newAnalysisGate(running, queue int) *analysisGate {
	if running <= 0 {
		running = defaultMaxAnalyses(runtime.GOMAXPROCS(0))
	}
	if queue < 0 {
		queue = 0
	}
	return &analysisGate{run: make(chan struct{}, running), queue: int64(queue)}
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

// limitAnalysis is the middleware of the analysis routes.
func (s *Server) limitAnalysis(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		release, err := s.analyses.acquire(c.Request().Context())
		if err != nil {
			return err // EBUSY: handleError adds Retry-After
		}
		defer release()
		return next(c)
	}
}
