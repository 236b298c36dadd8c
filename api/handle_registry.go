package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/data"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// The scenario registry over HTTP. A scenario's ETag names its revision,
// "r3"; PUT and DELETE must send it back in If-Match, and a stale one is
// refused with 412, so two people editing cannot lose each other's
// changes. Who made a change is the signed-in user (actorOf), recorded in
// the revision and the audit trail.

// scenarioListItem is one scenario in the list.
type scenarioListItem struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Revision int    `json:"revision"`
	Updated  string `json:"updated"` // RFC 3339, UTC
	Author   string `json:"author"`
	Archived bool   `json:"archived,omitempty"`
	// Who archived it, when (RFC 3339, UTC) and why; only when archived.
	ArchivedBy  string `json:"archived_by,omitempty"`
	ArchivedAt  string `json:"archived_at,omitempty"`
	ArchiveNote string `json:"archive_note,omitempty"`
}

// scenarioRevisionItem is one revision in a scenario's history.
type scenarioRevisionItem struct {
	Revision  int            `json:"revision"`
	Name      string         `json:"name"`
	Author    string         `json:"author"`
	Note      string         `json:"note"`
	Changes   string         `json:"changes"`
	Created   string         `json:"created"`   // RFC 3339, UTC
	Approvals []approvalItem `json:"approvals"` // for a board, oldest first
}

// approvalItem is a revision's approval for a board.
type approvalItem struct {
	Revision  int    `json:"revision"`
	Committee string `json:"committee"`
	Meeting   string `json:"meeting"` // the day, 2027-01-14
	By        string `json:"by"`
	At        string `json:"at"` // RFC 3339, UTC
	Note      string `json:"note"`
}

func newApprovalItem(a placeplan.Approval) approvalItem {
	return approvalItem{Revision: a.Revision, Committee: a.Committee, Meeting: a.MeetingDate.Format(time.DateOnly), By: a.By,
		At: a.At.UTC().Format(timeLayout), Note: a.Note}
}

// savedResponse answers a create or update.
type savedResponse struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	Name     string `json:"name"`
	Changes  string `json:"changes,omitempty"`
}

const timeLayout = "2006-01-02T15:04:05Z"

func revisionTag(rev int) string { return fmt.Sprintf(`"r%d"`, rev) }

// ifMatchRevision reads the revision an If-Match header names; a missing
// header is 428, a malformed one 400.
func ifMatchRevision(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return 0, echo.NewHTTPError(http.StatusPreconditionRequired,
			"If-Match is required: send the ETag of the revision your change starts from (GET the scenario for it)")
	}
	tag := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	n, err := strconv.Atoi(strings.TrimPrefix(tag, "r"))
	if err != nil || !strings.HasPrefix(tag, "r") || n < 1 {
		return 0, invalidf("If-Match %s: want a scenario ETag such as \"r3\"", h)
	}
	return n, nil
}

// handleScenarios answers GET /api/v1/scenarios[?all=true]: the stored
// scenarios (archived ones too with all=true).
func (s *Server) handleScenarios(c echo.Context) error {
	recs, err := scenario.List(c.Request().Context(), s.store, c.QueryParam("all") == "true")
	if err != nil {
		return err
	}
	out := make([]scenarioListItem, len(recs))
	for i, r := range recs {
		out[i] = scenarioListItem{ID: r.ID, Name: r.Name, Revision: r.Revision, Updated: r.UpdatedAt.UTC().Format(timeLayout),
			Author: r.Author, Archived: r.Archived}
		if r.Archived {
			out[i].ArchivedBy, out[i].ArchivedAt, out[i].ArchiveNote = r.ArchivedBy, r.ArchivedAt.UTC().Format(timeLayout), r.ArchiveNote
		}
	}
	return c.JSON(http.StatusOK, out)
}

// handleCreateScenario answers POST /api/v1/scenarios[?note=]
// with a scenario document (YAML or JSON) in the body: it is validated
// against the data and stored as revision 1 (201, Location, ETag).
func (s *Server) handleCreateScenario(c echo.Context) error {
	sc, err := readPostedScenario(c)
	if err != nil {
		return err
	}
	saved, err := scenario.Create(c.Request().Context(), s.store, sc, actorOf(c), c.QueryParam("note"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/scenarios/"+saved.ID)
	c.Response().Header().Set("ETag", revisionTag(saved.Revision))
	return c.JSON(http.StatusCreated, savedResponse{ID: saved.ID, Revision: saved.Revision, Name: sc.Name})
}

// handleGetScenario answers GET /api/v1/scenarios/{id}: the current
// document, its ETag naming the revision.
func (s *Server) handleGetScenario(c echo.Context) error {
	return s.sendRevision(c, 0)
}

// handleGetScenarioRevision answers GET /api/v1/scenarios/{id}/revisions/{rev}.
func (s *Server) handleGetScenarioRevision(c echo.Context) error {
	rev, err := strconv.Atoi(c.Param("rev"))
	if err != nil || rev < 1 {
		return invalidf("revision %q: want a number from 1", c.Param("rev"))
	}
	return s.sendRevision(c, rev)
}

func (s *Server) sendRevision(c echo.Context, rev int) error {
	saved, err := scenario.Get(c.Request().Context(), s.store, c.Param("id"), rev)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", revisionTag(saved.Revision))
	h.Set("Cache-Control", "no-cache")
	if etagMatch(c.Request().Header.Get("If-None-Match"), revisionTag(saved.Revision)) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSON(http.StatusOK, saved.Scenario)
}

// handleUpdateScenario answers PUT /api/v1/scenarios/{id}[?note=]
// with If-Match naming the revision the change starts from: the new
// document is validated and stored as the next revision; 412 when someone
// else changed the scenario first.
func (s *Server) handleUpdateScenario(c echo.Context) error {
	base, err := ifMatchRevision(c)
	if err != nil {
		return err
	}
	sc, err := readPostedScenario(c)
	if err != nil {
		return err
	}
	saved, err := scenario.Update(c.Request().Context(), s.store, c.Param("id"), base, sc, actorOf(c), c.QueryParam("note"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", revisionTag(saved.Revision))
	return c.JSON(http.StatusOK, savedResponse{ID: saved.ID, Revision: saved.Revision, Name: sc.Name, Changes: saved.Changes})
}

// handleArchiveScenario answers DELETE /api/v1/scenarios/{id} with
// If-Match: the scenario is archived (its revisions are kept).
func (s *Server) handleArchiveScenario(c echo.Context) error {
	base, err := ifMatchRevision(c)
	if err != nil {
		return err
	}
	if err := scenario.Archive(c.Request().Context(), s.store, c.Param("id"), base, actorOf(c), c.QueryParam("note")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// handleScenarioRevisions answers GET /api/v1/scenarios/{id}/revisions:
// every revision, oldest first, with who, when, the note and what changed.
func (s *Server) handleScenarioRevisions(c echo.Context) error {
	ctx := c.Request().Context()
	_, revs, err := scenario.History(ctx, s.store, c.Param("id"))
	if err != nil {
		return err
	}
	approvals, err := scenario.Approvals(ctx, s.store, c.Param("id"), 0)
	if err != nil {
		return err
	}
	out := make([]scenarioRevisionItem, len(revs))
	for i, r := range revs {
		out[i] = scenarioRevisionItem{Revision: r.Revision, Name: r.Name, Author: r.Author, Note: r.Note, Changes: r.Changes,
			Created: r.CreatedAt.UTC().Format(timeLayout), Approvals: []approvalItem{}}
		for _, a := range approvals {
			if a.Revision == r.Revision {
				out[i].Approvals = append(out[i].Approvals, newApprovalItem(a))
			}
		}
	}
	return c.JSON(http.StatusOK, out)
}

// approvalRequest is the body of an approval.
type approvalRequest struct {
	Committee string `json:"committee"`
	Meeting   string `json:"meeting"`
	Note      string `json:"note"`
}

// handleApprove answers POST /api/v1/scenarios/{id}/revisions/{rev}/approvals
// with {"committee", "meeting", "note"} as JSON: the revision is approved
// for that committee's meeting by the signed-in approver (201).
func (s *Server) handleApprove(c echo.Context) error {
	rev, err := strconv.Atoi(c.Param("rev"))
	if err != nil || rev < 1 {
		return invalidf("revision %q: want a number from 1", c.Param("rev"))
	}
	var in approvalRequest
	if err := readJSONBody(c, &in, 8<<10); err != nil {
		return err
	}
	a, err := scenario.Approve(c.Request().Context(), s.store, c.Param("id"), rev, in.Committee, in.Meeting, actorOf(c), in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newApprovalItem(a))
}

// planResultKind names the plan documents cached in the registry's
// results. It changes whenever wire.Plan gains a member, so that a plan
// cached by an older placeplan in a database kept on disk is computed
// afresh rather than served without it (v2: candidates; v3: each site's
// closest alternative).
const planResultKind = "plan-v3"

// handleRevisionResult answers GET /api/v1/scenarios/{id}/revisions/{rev}/{kind}
// (kind plan or score): the result of that revision on the current data,
// computed once and kept in the registry, so that re-opening it is
// instant and identical.
func (s *Server) handleRevisionResult(c echo.Context) error {
	ctx := c.Request().Context()
	kind := c.Param("kind")
	if kind != "plan" && kind != "score" {
		return notFoundf("nothing at %s: a revision has a plan and a score", c.Request().URL.Path)
	}
	rev, err := strconv.Atoi(c.Param("rev"))
	if err != nil || rev < 1 {
		return invalidf("revision %q: want a number from 1", c.Param("rev"))
	}
	id := c.Param("id")
	saved, err := scenario.Get(ctx, s.store, id, rev)
	if err != nil {
		return err
	}
	dataRev, err := s.store.Revision(ctx)
	if err != nil {
		return err
	}
	tag := fmt.Sprintf(`W/"rev-%d-r%d"`, dataRev, rev)
	if notModified(c, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	stored := kind
	if kind == "plan" {
		stored = planResultKind
	}
	if b, ok, err := s.store.ScenarioResult(ctx, id, rev, dataRev, stored); err != nil {
		return err
	} else if ok {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
	}
	var doc any
	ref := saved.Label()
	switch kind {
	case "plan":
		res, err := s.tiles.Plan(ctx, ref)
		if err != nil {
			return err
		}
		doc = wire.NewPlan(res)
	default:
		res, err := s.tiles.Score(ctx, ref)
		if err != nil {
			return err
		}
		doc = wire.NewScore(res)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	// Keep it only if the data did not change while it was computed.
	if now, err := s.store.Revision(ctx); err == nil && now == dataRev {
		if err := data.StorageError(s.store.PutScenarioResult(ctx, id, rev, dataRev, stored, b)); err != nil {
			code := placeplan.ErrorCode(err)
			if code != placeplan.EBUSY && code != placeplan.ESTORAGE {
				return err
			}
			// Only a cache: answer anyway.
			s.logger.LogAttrs(ctx, slog.LevelWarn, "result not cached", slog.String("scenario", id), slog.Any("err", err))
		}
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// handleCompare answers GET /api/v1/compare?ids=A,B[,C…]: the scenarios
// (id, id@revision or a shipped id) side by side. With f=csv, one table of
// it (table=localities, sites, phases or areas), a row per scenario.
func (s *Server) handleCompare(c echo.Context) error {
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	table, err := tableParam(c, csv, wire.CompareTableNames()...)
	if err != nil {
		return err
	}
	cmp, err := s.compare(c)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(c, "compare-"+table, wire.CompareTableOf(wire.NewCompare(cmp), table))
	}
	return c.JSON(http.StatusOK, wire.NewCompare(cmp))
}

// handleCompareLayer answers GET /api/v1/layers/compare?ids=A,B[&bbox=]:
// the demand areas of the first two plans as GeoJSON, each with its
// coverage status — both, a_only, b_only or neither — for a map of where
// the scenarios differ.
func (s *Server) handleCompareLayer(c echo.Context) error {
	bbox, err := parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	cmp, err := s.compare(c)
	if err != nil {
		return err
	}
	if len(cmp.Areas) == 0 {
		return invalidf("ids: the layer needs two scenarios with plans on one geography")
	}
	var plan *scenario.PlanResult
	for _, ref := range cmp.Labels {
		if p, err := s.tiles.Plan(c.Request().Context(), ref); err == nil {
			plan = p
			break
		}
	}
	ctx := c.Request().Context()
	codes := make([]string, len(cmp.Areas))
	for i, a := range cmp.Areas {
		codes[i] = a.Code
	}
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: plan.Score.Geography, Codes: codes, Bound: bbox, WithGeometry: true})
	if err != nil {
		return err
	}
	status := make(map[string]string, len(cmp.Areas))
	for _, a := range cmp.Areas {
		status[a.Code] = a.Status
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		f := geojson.NewFeature(tiles.RoundMultiPolygon(a.Geometry))
		f.ID = a.Code
		f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "status": status[a.Code],
			"a": cmp.Labels[0], "b": cmp.Labels[1]}
		fc.Append(f)
	}
	return writeLayer(c, fc)
}

// maxCompared is the most scenarios compared at once: each is a plan.
const maxCompared = 6

// compare resolves the ids parameter and compares the scenarios.
func (s *Server) compare(c echo.Context) (*scenario.Comparison, error) {
	ctx := c.Request().Context()
	refs := strings.Split(c.QueryParam("ids"), ",")
	if len(refs) < 2 || slicesContainsEmpty(refs) {
		return nil, invalidf("ids: give two or more scenarios, comma-separated (id or id@revision)")
	}
	if len(refs) > maxCompared {
		e := placeplan.Errorf(placeplan.EUNSUPPORTED, "ids: %d scenarios; at most %d are compared at once", len(refs), maxCompared)
		e.Details = map[string]any{"scenarios": len(refs), "max_scenarios": maxCompared}
		return nil, e
	}
	var items []scenario.Compared
	for _, ref := range refs {
		n, err := s.lookupScenario(ctx, strings.TrimSpace(ref))
		if err != nil {
			return nil, err
		}
		it := scenario.Compared{Label: n.label, Scenario: n.sc}
		if n.sc.Sites != nil {
			if it.Plan, err = s.tiles.Plan(ctx, n.label); err != nil {
				return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", n.label)
			}
			it.Score = it.Plan.Score
		} else if it.Score, err = s.tiles.Score(ctx, n.label); err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", n.label)
		}
		items = append(items, it)
	}
	return scenario.Compare(items)
}

func slicesContainsEmpty(xs []string) bool {
	for _, x := range xs {
		if strings.TrimSpace(x) == "" {
			return true
		}
	}
	return false
}
