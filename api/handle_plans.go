package api

import (
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// maxScenarioBytes bounds a posted scenario document.
const maxScenarioBytes = 1 << 20

// handleScore answers GET /api/v1/scores?scenario=ID[&areas=true]: the
// scenario's need ranking of its localities, with intervals and
// explanations, and with areas=true its need for each small area. With
// f=csv, one table of it (table=localities or areas).
func (s *Server) handleScore(c echo.Context) error {
	areas, table, err := resultParams(c, wire.ScoreTableNames())
	if err != nil {
		return err
	}
	ctx, ref := c.Request().Context(), c.QueryParam("scenario")
	res, err := s.tiles.Score(ctx, ref)
	if err != nil {
		return err
	}
	doc := wire.NewScore(res)
	if areas {
		rows, err := s.tiles.AreaNeed(ctx, ref)
		if err != nil {
			return err
		}
		doc.Areas = wire.NewScoreAreas(rows)
	}
	if table != "" {
		return writeCSV(c, ref+"-"+table, wire.ScoreTableOf(doc, table))
	}
	return c.JSON(http.StatusOK, doc)
}

// handlePlan answers GET /api/v1/plans?scenario=ID[&areas=true]: the
// scenario's sites, phased rollout, evaluation design and stability, the
// candidates it considered, and with areas=true what it says of each
// demand area. With f=csv, one table of it (table=sites, phases or areas).
func (s *Server) handlePlan(c echo.Context) error {
	areas, table, err := resultParams(c, wire.PlanTableNames())
	if err != nil {
		return err
	}
	ref := c.QueryParam("scenario")
	res, err := s.tiles.Plan(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	return sendPlan(c, ref, planDocument(res, areas), table)
}

// sendPlan sends a plan as JSON, or as its table of that name when table
// is not "".
func sendPlan(c echo.Context, stem string, doc wire.Plan, table string) error {
	if table != "" {
		return writeCSV(c, stem+"-"+table, wire.PlanTableOf(doc, table))
	}
	return c.JSON(http.StatusOK, doc)
}

// resultParams reads the areas parameter of the score and plan routes and,
// when CSV is wanted, the table of the result to send ("" for JSON); the
// areas table needs the areas.
func resultParams(c echo.Context, tables []string) (areas bool, table string, err error) {
	csv, err := wantsCSV(c)
	if err != nil {
		return false, "", err
	}
	if table, err = tableParam(c, csv, tables...); err != nil {
		return false, "", err
	}
	if areas, err = areasParam(c); err != nil {
		return false, "", err
	}
	if !csv {
		return areas, "", nil
	}
	return areas || table == "areas", table, nil
}

// planDocument is a plan's wire form, with its demand areas when asked.
func planDocument(res *scenario.PlanResult, areas bool) wire.Plan {
	doc := wire.NewPlan(res)
	if areas {
		doc.Areas = wire.NewPlanAreas(res)
	}
	return doc
}

// areasParam reads the areas parameter of the score and plan routes:
// "true" adds the per-area answer, "false" or nothing leaves it out.
func areasParam(c echo.Context) (bool, error) {
	switch v := c.QueryParam("areas"); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, invalidf("areas %q: want true or false", v)
	}
}

// readPostedScenario reads a scenario document (YAML or JSON) from the
// request body. A posted scenario runs on the server's data: it may not
// name files on the server.
func readPostedScenario(c echo.Context) (*scenario.Scenario, error) {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxScenarioBytes+1))
	if err != nil {
		return nil, invalidf("reading the scenario: %v", err)
	}
	if len(body) > maxScenarioBytes {
		return nil, invalidf("scenario: larger than %d bytes", maxScenarioBytes)
	}
	sc, err := scenario.Read("scenario", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	switch {
	case sc.Dataset.DB != "":
		return nil, invalidf("dataset.db: a scenario sent to the server runs on the server's data; remove dataset.db")
	case sc.Sites != nil && sc.Sites.Matrix != "":
		return nil, invalidf("sites.matrix: files on the server cannot be named over HTTP; use the command line for a travel matrix")
	case sc.Sites != nil && sc.Sites.Candidates.File != "":
		return nil, invalidf("sites.candidates.file: files on the server cannot be named over HTTP; load the candidates as a point layer and use source: layer")
	}
	return sc, nil
}

// handlePostScore answers POST /api/v1/scores[?areas=true] with a scenario
// document in the body: its need ranking on the server's data, and with
// areas=true its need for each small area. Nothing is stored: a map can
// re-rank a draft on every change. f=csv and table= as for GET.
func (s *Server) handlePostScore(c echo.Context) error {
	areas, table, err := resultParams(c, wire.ScoreTableNames())
	if err != nil {
		return err
	}
	res, err := s.scorePosted(c)
	if err != nil {
		return err
	}
	doc := wire.NewScore(res)
	if areas {
		rows, err := scenario.AreaResults(c.Request().Context(), s.store, res)
		if err != nil {
			return err
		}
		doc.Areas = wire.NewScoreAreas(rows)
	}
	if table != "" {
		return writeCSV(c, "score-"+table, wire.ScoreTableOf(doc, table))
	}
	return c.JSON(http.StatusOK, doc)
}

// scorePosted scores the scenario document in the request body on the
// server's data.
func (s *Server) scorePosted(c echo.Context) (*scenario.Result, error) {
	sc, err := readPostedScenario(c)
	if err != nil {
		return nil, err
	}
	return scenario.ScoreUnder(c.Request().Context(), s.store, sc, s.policy)
}

// handlePostPlan answers POST /api/v1/plans[?areas=true] with a scenario
// document (with a sites section) in the body: its plan on the server's
// data, with areas=true what it says of each demand area. Nothing is
// stored. f=csv and table= as for GET.
func (s *Server) handlePostPlan(c echo.Context) error {
	areas, table, err := resultParams(c, wire.PlanTableNames())
	if err != nil {
		return err
	}
	sc, err := readPostedScenario(c)
	if err != nil {
		return err
	}
	res, err := scenario.PlanUnder(c.Request().Context(), s.store, sc, s.policy)
	if err != nil {
		return err
	}
	return sendPlan(c, "plan", planDocument(res, areas), table)
}

// planLayer is what the plan layers start from: the named scenario's plan,
// its demand areas' boundaries, its wire form and the bbox asked for.
func (s *Server) planLayer(c echo.Context) (*scenario.PlanResult, map[string]orb.MultiPolygon, wire.Plan, *orb.Bound, error) {
	bbox, err := parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return nil, nil, wire.Plan{}, nil, err
	}
	res, err := s.tiles.Plan(c.Request().Context(), c.QueryParam("scenario"))
	if err != nil {
		return nil, nil, wire.Plan{}, nil, err
	}
	geoms, err := s.planAreas(c, res)
	if err != nil {
		return nil, nil, wire.Plan{}, nil, err
	}
	return res, geoms, wire.NewPlan(res), bbox, nil
}

// planAreas returns the boundaries of a plan's demand areas by code.
func (s *Server) planAreas(c echo.Context, res *scenario.PlanResult) (map[string]orb.MultiPolygon, error) {
	codes := make([]string, len(res.Demand))
	for i, d := range res.Demand {
		codes[i] = d.Code
	}
	areas, err := s.store.Areas(c.Request().Context(), placeplan.AreaQuery{Geography: res.Score.Geography, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	out := make(map[string]orb.MultiPolygon, len(areas))
	for _, a := range areas {
		if len(a.Geometry) > 0 {
			out[a.Code] = a.Geometry
		}
	}
	return out, nil
}

// handleCatchmentsLayer answers GET /api/v1/layers/catchments?scenario=ID&bbox=:
// one feature per chosen site, the areas it serves (those whose nearest
// chosen site within the standard it is), side by side as a MultiPolygon,
// with the site's order, phase, reach and explanation. Demand figures
// small-number suppression covers are left out.
func (s *Server) handleCatchmentsLayer(c echo.Context) error {
	res, geoms, doc, bbox, err := s.planLayer(c)
	if err != nil {
		return err
	}
	return writeLayer(c, tiles.Catchments(res, geoms, doc, bbox))
}

// handlePhasesLayer answers GET /api/v1/layers/phases?scenario=ID&bbox=:
// one feature per rollout phase, the areas first reached in it, with the
// phase's sites, start date and coverage figures.
func (s *Server) handlePhasesLayer(c echo.Context) error {
	res, geoms, doc, bbox, err := s.planLayer(c)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for k, mp := range tiles.GroupFeatures(res, geoms, res.ReachedIn, len(res.Rollout.Phases), bbox) {
		if mp == nil {
			continue
		}
		ph := doc.Rollout.Phases[k]
		ids := make([]string, len(ph.Sites))
		for q, o := range ph.Sites {
			ids[q] = o.ID
		}
		f := geojson.NewFeature(mp)
		f.ID = k + 1
		f.Properties = tiles.WithoutNil(geojson.Properties{
			"phase": k + 1, "label": ph.Label, "start": ph.Start, "sites": strings.Join(ids, ", "),
			"new_weight": ph.NewWeight, "new_population": ph.NewPopulation,
			"cumulative_weight_share": ph.WeightShare, "cumulative_population_share": ph.PopulationShare,
			"cumulative_most_deprived_share": ph.MostDeprivedShare, "summary": ph.Summary,
		})
		fc.Append(f)
	}
	return writeLayer(c, fc)
}
