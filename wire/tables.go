package wire

import (
	"slices"
	"time"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scoring"
)

// The tables: one builder each, called by the CLI (placeplan areas,
// localities, …, --format csv|json) and by the HTTP routes with f=csv.

// AreasTable is the small areas without boundaries: code, name, parents,
// vintage (the geography) and the representative point in WGS84 (empty
// when the area has none).
func AreasTable(areas []placeplan.Area) Table {
	t := Table{Name: "areas", Columns: []Column{TextCol("code"), TextCol("name"), TextCol("msoa_code"), TextCol("lad_code"),
		TextCol("vintage"), NumberCol("lon", 6), NumberCol("lat", 6)}}
	for _, a := range areas {
		var lon, lat any
		if a.PointKind != "" {
			lon, lat = RoundCoord(a.Point[0]), RoundCoord(a.Point[1])
		}
		t.Rows = append(t.Rows, []any{a.Code, a.Name, a.MSOACode, a.LADCode, string(a.Geography), lon, lat})
	}
	return t
}

// LocalitiesTable is the localities with their member area codes.
func LocalitiesTable(locs []placeplan.Locality) Table {
	t := Table{Name: "localities", Columns: []Column{TextCol("scheme"), TextCol("locality"), TextCol("geography"),
		IntCol("area_count"), TextCol("definition"), ListCol("area_codes")}}
	for _, l := range locs {
		t.Rows = append(t.Rows, []any{l.Scheme, l.Name, string(l.Geography), len(l.Areas), l.Definition, l.Areas})
	}
	return t
}

// DatasetsTable is what has been ingested, with licence and attribution.
func DatasetsTable(ds []placeplan.Dataset) Table {
	t := Table{Name: "datasets", Columns: []Column{IntCol("id"), TextCol("kind"), TextCol("format"), TextCol("vintage"),
		TextCol("geography"), TextCol("source"), IntCol("records"), TextCol("licence"), TextCol("attribution"), TextCol("ingested_at")}}
	for _, d := range ds {
		t.Rows = append(t.Rows, []any{d.ID, d.Kind.String(), d.Format, d.Vintage, string(d.Geography), d.Source, d.Records,
			d.Licence, d.Attribution, d.IngestedAt.Format(time.RFC3339)})
	}
	return t
}

// IndicatorsTable is the indicator catalogue.
func IndicatorsTable(inds []placeplan.Indicator) Table {
	t := Table{Name: "indicators", Columns: []Column{TextCol("geography"), TextCol("key"), TextCol("name"), TextCol("vintage"),
		TextCol("direction"), TextCol("unit"), TextCol("kind"), TextCol("denominator"), TextCol("index"), BoolCol("confidential")}}
	for _, ind := range inds {
		t.Rows = append(t.Rows, []any{string(ind.Geography), ind.Key, ind.Name, ind.Vintage, ind.Direction.String(), ind.Unit,
			ind.Kind, ind.Denominator, string(ind.Index), ind.Confidential})
	}
	return t
}

// VintagesTable is a scheme's localities under IoD2019 and IoD2025 by
// rank, with whether complex LSOA changes reach them.
func VintagesTable(cmp []scoring.VintageComparison) Table {
	t := Table{Name: "vintages", Columns: []Column{TextCol("locality"), NumberCol("iod2019_average_rank", 1), IntCol("iod2019_rank"),
		NumberCol("iod2025_average_rank", 1), IntCol("iod2025_rank"), IntCol("rank_change"), BoolCol("complex_changes")}}
	for _, v := range cmp {
		t.Rows = append(t.Rows, []any{v.Locality, v.IoD2019.AverageRank, v.IoD2019.Rank, v.IoD2025.AverageRank, v.IoD2025.Rank,
			v.RankChange, v.Complex})
	}
	return t
}

// SummaryTable is MHCLG's summary measures: code, name, then s.Columns;
// empty where a group has no value.
func SummaryTable(s *scenario.Summary) Table {
	t := Table{Name: "summaries", Columns: []Column{TextCol("code"), TextCol("name")}}
	for _, c := range s.Columns {
		t.Columns = append(t.Columns, NumberCol(c, Shortest))
	}
	for _, g := range s.Groups {
		row := []any{g.Code, g.Name}
		for _, v := range g.Values {
			row = append(row, v)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// ScoreTable is a scored scenario's localities in rank order, with the
// rank interval over the uncertainty draws (empty without draws) and the
// explanation.
func ScoreTable(d Score) Table {
	t := Table{Name: "scores", Columns: []Column{IntCol("rank"), TextCol("locality"), NumberCol("need_score", 6), IntCol("median_rank"),
		IntCol("rank_p5"), IntCol("rank_p95"), NumberCol("p_top_k", 3), TextCol("explanation")}}
	for _, r := range d.Localities {
		t.Rows = append(t.Rows, []any{r.Rank, r.Locality, r.NeedScore, Int(r.MedianRank), Int(r.RankP5), Int(r.RankP95),
			Num(r.TopKProbability), r.Explanation})
	}
	return t
}

// ScoreAreasTable is a scored scenario's need for each small area (Score.Areas).
func ScoreAreasTable(d Score) Table {
	t := Table{Name: "score_areas", Columns: []Column{TextCol("code"), NumberCol("need_score", 6), IntCol("need_rank"),
		NumberCol("need_share", 6), TextCol("locality"), IntCol("locality_need_rank")}}
	for _, a := range d.Areas {
		t.Rows = append(t.Rows, []any{a.Code, Num(a.NeedScore), Int(a.NeedRank), Num(a.NeedShare), Str(a.Locality), Int(a.LocalityNeedRank)})
	}
	return t
}

// PlanSitesTable is a plan's chosen sites in opening order, with the
// phase each opens in and what it reaches; demand figures suppression
// withheld are empty.
func PlanSitesTable(d Plan) Table {
	t := Table{Name: "sites", Columns: []Column{IntCol("opening_order"), TextCol("id"), TextCol("locality"), NumberCol("lon", 6),
		NumberCol("lat", 6), TextCol("placed"), BoolCol("fixed"), TextCol("phase"), TextCol("opens"), NumberCol("reach", Shortest),
		NumberCol("reach_share", Shortest), NumberCol("served", Shortest), NumberCol("unique", Shortest),
		NumberCol("mean_travel", Shortest), NumberCol("max_travel", Shortest), NumberCol("capacity", Shortest),
		TextCol("alternative"), NumberCol("alternative_loss", Shortest)}}
	phase := map[string]PlanPhase{}
	for _, p := range d.Rollout.Phases {
		for _, o := range p.Sites {
			phase[o.ID] = p
		}
	}
	order := map[string]int{}
	for i, id := range d.Rollout.Order {
		order[id] = i + 1
	}
	for _, s := range d.Sites {
		var n, label, opens, alt any
		if k, ok := order[s.ID]; ok {
			n = k
		}
		if p, ok := phase[s.ID]; ok {
			label, opens = p.Label, p.Start
		}
		if s.Alternative != "" {
			alt = s.Alternative
		}
		t.Rows = append(t.Rows, []any{n, s.ID, s.Locality, s.Lon, s.Lat, s.Placed, s.Fixed, label, opens, Num(s.Reach),
			Num(s.ReachShare), Num(s.Served), Num(s.Unique), Num(s.MeanTravel), Num(s.MaxTravel), Num(s.Capacity), alt, Num(s.AlternativeLoss)})
	}
	return t
}

// PlanPhasesTable is a plan's rollout phases: the sites opening in each
// and the demand and population first reached, with cumulative shares.
func PlanPhasesTable(d Plan) Table {
	t := Table{Name: "phases", Columns: []Column{IntCol("phase_number"), TextCol("label"), TextCol("start"), ListCol("sites"),
		NumberCol("new_weight", Shortest), NumberCol("new_population", Shortest), NumberCol("new_most_deprived_population", Shortest),
		NumberCol("cumulative_weight_share", Shortest), NumberCol("cumulative_population_share", Shortest),
		NumberCol("cumulative_most_deprived_share", Shortest), TextCol("summary")}}
	for k, p := range d.Rollout.Phases {
		ids := make([]string, len(p.Sites))
		for q, o := range p.Sites {
			ids[q] = o.ID
		}
		t.Rows = append(t.Rows, []any{k + 1, p.Label, p.Start, ids, Num(p.NewWeight), p.NewPopulation, p.NewMostDeprivedPopulation,
			Num(p.WeightShare), p.PopulationShare, p.MostDeprivedShare, p.Summary})
	}
	return t
}

// PlanAreasTable is what a plan says of each demand area (Plan.Areas):
// the site serving it, the phase first reaching it (its label, and its
// number counting from 1 as in PlanPhasesTable) and the travel to that
// site; empty when no chosen site reaches it.
func PlanAreasTable(d Plan) Table {
	t := Table{Name: "plan_areas", Columns: []Column{TextCol("code"), TextCol("served_by"), TextCol("reached_in"), IntCol("phase_number"),
		NumberCol("travel", Shortest)}}
	for _, a := range d.Areas {
		var phase any
		if a.PhaseIndex != nil {
			phase = *a.PhaseIndex + 1
		}
		t.Rows = append(t.Rows, []any{a.Code, Str(a.ServedBy), Str(a.ReachedIn), phase, Num(a.Travel)})
	}
	return t
}

// CompareLocalitiesTable is the need rank of each locality under each
// scenario, one row per locality and scenario (long form, for a pivot
// table or R), with the change from the first scenario to the last.
func CompareLocalitiesTable(d Compare) Table {
	t := Table{Name: "compare_localities", Columns: []Column{TextCol("locality"), TextCol("scenario"), IntCol("rank"), IntCol("change")}}
	for _, l := range d.Localities {
		for k, r := range l.Ranks {
			t.Rows = append(t.Rows, []any{l.Locality, d.Labels[k], Int(r), l.Change})
		}
	}
	return t
}

// CompareSitesTable is each site under each scenario: whether it is
// chosen and the phase it opens in.
func CompareSitesTable(d Compare) Table {
	t := Table{Name: "compare_sites", Columns: []Column{TextCol("id"), TextCol("scenario"), BoolCol("chosen"), TextCol("phase")}}
	for _, s := range d.Sites {
		for k := range s.Chosen {
			var phase any
			if s.Chosen[k] && s.Phase[k] != "" {
				phase = s.Phase[k]
			}
			t.Rows = append(t.Rows, []any{s.ID, d.Labels[k], s.Chosen[k], phase})
		}
	}
	return t
}

// ComparePhasesTable is each phase position under each scenario, with
// the cumulative shares reached by its end (empty where a scenario has
// fewer phases or no plan).
func ComparePhasesTable(d Compare) Table {
	t := Table{Name: "compare_phases", Columns: []Column{IntCol("phase_number"), TextCol("scenario"), TextCol("label"), TextCol("start"),
		NumberCol("cumulative_weight_share", Shortest), NumberCol("cumulative_population_share", Shortest),
		NumberCol("cumulative_most_deprived_share", Shortest)}}
	for _, p := range d.Phases {
		for k, scenario := range d.Labels {
			var label, start any
			if k < len(p.Labels) && p.Labels[k] != "" {
				label = p.Labels[k]
			}
			if k < len(p.Starts) && p.Starts[k] != "" {
				start = p.Starts[k]
			}
			t.Rows = append(t.Rows, []any{p.Index + 1, scenario, label, start, Num(at(p.WeightShare, k)),
				Num(at(p.PopulationShare, k)), Num(at(p.MostDeprivedShare, k))})
		}
	}
	return t
}

// CompareAreasTable is the coverage of each demand area under the first
// two plans: both, a_only, b_only or neither, with a and b named.
func CompareAreasTable(d Compare) Table {
	t := Table{Name: "compare_areas", Columns: []Column{TextCol("code"), TextCol("status"), TextCol("a"), TextCol("b")}}
	if len(d.AreasCompared) < 2 {
		return t
	}
	codes := make([]string, 0, len(d.Areas))
	for code := range d.Areas {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		t.Rows = append(t.Rows, []any{code, d.Areas[code], d.AreasCompared[0], d.AreasCompared[1]})
	}
	return t
}

// AuditTable is the audit trail, oldest first.
func AuditTable(entries []AuditEntry) Table {
	t := Table{Name: "audit", Columns: []Column{IntCol("seq"), TextCol("at"), TextCol("actor"), TextCol("action"), TextCol("target"),
		TextCol("detail"), TextCol("remote")}}
	for _, e := range entries {
		t.Rows = append(t.Rows, []any{e.Seq, e.At, e.Actor, e.Action, e.Target, e.Detail, e.Remote})
	}
	return t
}

func at(xs []*float64, k int) *float64 {
	if k < len(xs) {
		return xs[k]
	}
	return nil
}

// ScoreTableNames names a score's tables (the table= of the HTTP routes
// and --table of the CLI), the default first.
func ScoreTableNames() []string { return []string{"localities", "areas"} }

// PlanTableNames names a plan's tables, the default first.
func PlanTableNames() []string { return []string{"sites", "phases", "areas"} }

// CompareTableNames names a comparison's tables, the default first.
func CompareTableNames() []string { return []string{"localities", "sites", "phases", "areas"} }

// ScoreTableOf is a score's table of that name (ScoreTableNames).
func ScoreTableOf(d Score, name string) Table {
	if name == "areas" {
		return ScoreAreasTable(d)
	}
	return ScoreTable(d)
}

// PlanTableOf is a plan's table of that name (PlanTableNames); areas
// needs Plan.Areas.
func PlanTableOf(d Plan, name string) Table {
	switch name {
	case "phases":
		return PlanPhasesTable(d)
	case "areas":
		return PlanAreasTable(d)
	}
	return PlanSitesTable(d)
}

// CompareTableOf is a comparison's table of that name (CompareTableNames).
func CompareTableOf(d Compare, name string) Table {
	switch name {
	case "sites":
		return CompareSitesTable(d)
	case "phases":
		return ComparePhasesTable(d)
	case "areas":
		return CompareAreasTable(d)
	}
	return CompareLocalitiesTable(d)
}
