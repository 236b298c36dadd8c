package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"placeplan"

	"placeplan/report"
	"placeplan/scenario"
)

// Reports take one to a few seconds (a plan, then Chromium or pandoc), so
// GET /api/v1/scenarios/{id}/report.{format} starts the work, waits a
// little, and answers the file if it is ready; if not, 202 Accepted with
// the job's status as JSON, Retry-After and the same URL to poll. The
// work goes on without the request, so a page that polls, or a second
// person asking for the same paper, finds it. Finished reports are kept
// a short while for those polls, then dropped: a report is made on
// demand, never stored.
const (
	reportWait      = 2 * time.Second  // how long a request waits before answering 202
	reportKeep      = 10 * time.Minute // how long a finished report stays for its polls
	reportTimeout   = 2 * time.Minute  // the most one report may take
	reportMaxActive = 2                // reports made at once (each may run a Chromium)
)

// reportJobs are the reports being made or recently made, by key.
type reportJobs struct {
	ctx  context.Context // the jobs' context: Shutdown cancels it
	stop context.CancelFunc
	mu   sync.Mutex
	jobs map[string]*reportJob
	slot chan struct{} // one token per report that may run at once
	wait time.Duration // how long a request waits before answering 202 (reportWait)
}

// reportJob is one report: its progress while it runs, then its file or
// error.
type reportJob struct {
	done    chan struct{} // closed when finished
	started time.Time

	mu       sync.Mutex
	step     string
	finished time.Time
	file     []byte
	name     string // the file name to save it as
	err      error
}

func newReportJobs() *reportJobs {
	ctx, stop := context.WithCancel(context.Background())
	return &reportJobs{ctx: ctx, stop: stop, jobs: map[string]*reportJob{}, slot: make(chan struct{}, reportMaxActive), wait: reportWait}
}

// status is a job's progress.
func (j *reportJob) status() (step string, elapsed time.Duration) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.step, time.Since(j.started)
}

func (j *reportJob) say(step string) {
	j.mu.Lock()
	j.step = step
	j.mu.Unlock()
}

// get returns the job of key, starting it with build when there is none
// (or the last one finished long ago, or failed). The work runs under
// the jobs' context, which Shutdown ends, not the request's.
func (rj *reportJobs) get(key string, build func(ctx context.Context, j *reportJob) ([]byte, string, error)) *reportJob {
	rj.mu.Lock()
	defer rj.mu.Unlock()
	now := time.Now()
	for k, j := range rj.jobs { // drop what no poll will ask for again
		j.mu.Lock()
		stale := !j.finished.IsZero() && now.Sub(j.finished) > reportKeep
		j.mu.Unlock()
		if stale {
			delete(rj.jobs, k)
		}
	}
	if j, ok := rj.jobs[key]; ok {
		j.mu.Lock()
		failed := j.err != nil
		j.mu.Unlock()
		if !failed {
			return j
		}
	}
	j := &reportJob{done: make(chan struct{}), started: now, step: "waiting to start"}
	rj.jobs[key] = j
	go func() {
		defer close(j.done)
		ctx, cancel := context.WithTimeout(rj.ctx, reportTimeout)
		defer cancel()
		select {
		case rj.slot <- struct{}{}:
			defer func() { <-rj.slot }()
		case <-ctx.Done():
			j.mu.Lock()
			j.err, j.finished = ctx.Err(), time.Now()
			j.mu.Unlock()
			return
		}
		file, name, err := build(ctx, j)
		j.mu.Lock()
		j.file, j.name, j.err, j.finished = file, name, err, time.Now()
		j.mu.Unlock()
	}()
	return j
}

// reportStatus is the 202 answer while a report is being made.
type reportStatus struct {
	Status    string `json:"status"` // "running"
	Step      string `json:"step"`   // what it is doing, in words
	ElapsedMS int64  `json:"elapsed_ms"`
	Poll      string `json:"poll"` // the URL to ask again
}

// handleReport answers GET /api/v1/scenarios/{id}/report.{format}[?compare=ID[@REV]]:
// the board paper (pdf, docx, html) or the analysts' files (xlsx, csv,
// gpkg, geojson) of a stored or shipped scenario, {id} being id or
// id@revision.
func (s *Server) handleReport(c echo.Context) error {
	file := c.Param("file")
	name, ok := strings.CutPrefix(file, "report.")
	if !ok {
		return notFoundf("no %q under a scenario: want report.{%s}", file, formatList())
	}
	format, err := report.ParseFormat(name)
	if err != nil {
		return notFoundf("no %q: want report.{%s}", file, formatList())
	}
	ctx := c.Request().Context()
	n, err := s.lookupScenario(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	req := report.Request{Label: n.label, Scenario: n.sc, Policy: s.policy}
	if req.Approvals, err = scenario.ApprovalsOfLabel(ctx, s.store, n.label); err != nil {
		return err
	}
	if ref := c.QueryParam("compare"); ref != "" {
		m, err := s.lookupScenario(ctx, ref)
		if err != nil {
			return err
		}
		req.CompareLabel, req.Compare = m.label, m.sc
	}
	if n.sc.Sites == nil {
		return invalidf("scenario %s has no sites section: a board paper needs a plan", n.label)
	}
	rev, err := s.store.Revision(ctx)
	if err != nil {
		return fmt.Errorf("read data revision: %w", err)
	}
	key := strings.Join([]string{string(format), n.label, req.CompareLabel, strconv.FormatInt(rev, 10), strconv.Itoa(len(req.Approvals))}, "\x00")
	job := s.reports.get(key, func(ctx context.Context, j *reportJob) ([]byte, string, error) {
		// Working out the plans is an analysis, in its turn; drawing and
		// printing are not.
		j.say("waiting for a turn to work out the plan")
		release, err := s.analyses.acquire(ctx)
		if err != nil {
			return nil, "", err
		}
		j.say("working out the plan")
		req.Now = time.Now()
		rep, err := report.Make(ctx, s.store, req)
		release()
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		tools := report.Renderers{Tiles: report.ServiceTiles(s.tiles, n.label, placeplan.Geography(n.sc.Dataset.Geography))}
		if err := report.Write(ctx, &buf, rep, format, tools, j.say); err != nil {
			return nil, "", err
		}
		base := n.label
		if req.CompareLabel != "" {
			base += "-vs-" + req.CompareLabel
		}
		return buf.Bytes(), base + format.Extension(), nil
	})
	select {
	case <-job.done:
	case <-time.After(s.reports.wait):
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-job.done:
		job.mu.Lock()
		data, fileName, jerr := job.file, job.name, job.err
		job.mu.Unlock()
		if jerr != nil {
			return jerr
		}
		if acc := s.cfg.Auth.Accounts; acc != nil {
			target := n.label
			if req.CompareLabel != "" {
				target += " vs " + req.CompareLabel
			}
			if err := acc.Record(ctx, actorOf(c), placeplan.AuditExport, target, fmt.Sprintf("%s, %d bytes", format, len(data))); err != nil {
				if !s.store.ReadOnly() {
					return fmt.Errorf("record the export of %s in the audit trail: %w", target, err)
				}
				s.logger.Warn("export not recorded in the audit trail: the database is read-only", "target", target)
			}
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+strings.ReplaceAll(fileName, `"`, "")+`"; filename*=UTF-8''`+url.PathEscape(fileName))
		h.Set(echo.HeaderCacheControl, "no-store")
		return c.Blob(http.StatusOK, format.MediaType(), data)
	default:
		step, elapsed := job.status()
		c.Response().Header().Set("Retry-After", "1")
		c.Response().Header().Set(echo.HeaderLocation, c.Request().URL.RequestURI())
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return c.JSON(http.StatusAccepted, reportStatus{Status: "running", Step: step, ElapsedMS: elapsed.Milliseconds(), Poll: c.Request().URL.RequestURI()})
	}
}

// reportFiles are the file names a report route answers: report.pdf, ….
func reportFiles() []string {
	var out []string
	for _, f := range report.Formats() {
		out = append(out, "report."+string(f))
	}
	return out
}

// formatList is "pdf,docx,…" for messages.
func formatList() string {
	var out []string
	for _, f := range report.Formats() {
		out = append(out, string(f))
	}
	return strings.Join(out, ",")
}
