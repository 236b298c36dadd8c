package report

import (
	"math"
	"placeplan/scenario"
	"strconv"

	"github.com/paulmach/orb"

	"placeplan/geo"
)

// DataTable is one of the analysts' tables: typed columns and cells, so
// that a spreadsheet gets numbers and a GeoPackage typed fields. Figures
// small-number suppression covers are withheld cells, never numbers.
type DataTable struct {
	Name    string // a file or sheet name: localities, small_areas, sites, phases
	Title   string
	Columns []Column
	Rows    [][]Cell
	// Geometry, when set, is each row's shape in WGS84 (for GeoPackage and
	// GeoJSON): polygons for areas, points for sites.
	Geometry []orb.Geometry
}

// Column is a table column: its name (snake_case, as in the plan JSON),
// its kind, and what it means, for the notes sheet.
type Column struct {
	Name        string
	Kind        CellKind
	Description string
}

// CellKind is what a column holds.
type CellKind int

// The kinds of cell.
const (
	TextCell CellKind = iota
	NumberCell
	IntegerCell
	DateCell // YYYY-MM-DD text
)

// Cell is one value. A number cell is Withheld when suppression covers
// it, and Empty when there is nothing to say (NaN).
type Cell struct {
	Text     string
	Number   float64
	Withheld bool
	Empty    bool
}

// String is the cell as text: a number in full precision, Withheld's
// symbol, "" for an empty cell.
func (c Cell) String(kind CellKind) string {
	switch {
	case c.Withheld:
		return Withheld
	case c.Empty:
		return ""
	case kind == NumberCell:
		return strconv.FormatFloat(c.Number, 'f', -1, 64)
	case kind == IntegerCell:
		return strconv.FormatInt(int64(c.Number), 10)
	}
	return c.Text
}

// Value is the cell as a typed value — float64, int64 or string — and
// nil when it is withheld or empty: what GeoJSON (null) and the
// GeoPackage (NULL) write.
func (c Cell) Value(kind CellKind) any {
	switch {
	case c.Withheld, c.Empty:
		return nil
	case kind == NumberCell:
		return c.Number
	case kind == IntegerCell:
		return int64(c.Number)
	}
	return c.Text
}

func text(s string) Cell { return Cell{Text: s} }

func number(v float64) Cell {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Cell{Empty: true}
	}
	return Cell{Number: v}
}

func integer(n int) Cell { return Cell{Number: float64(n)} }

// areaWeightCell is a small area's own demand weight, withheld when the
// plan's disclosure withholds it (scenario.DemandArea.Withheld).
func (b *builder) areaWeightCell(d scenario.DemandArea) Cell {
	if d.Withheld {
		return Cell{Withheld: true}
	}
	return b.demandCell(d.Weight)
}

// demandCell is a demand figure, withheld when the disclosure policy
// withholds it (see builder.withheld).
func (b *builder) demandCell(v float64) Cell {
	if b.withheld(v) {
		return Cell{Withheld: true}
	}
	return number(v)
}

// dataTables are the tables behind the paper: localities, small areas,
// sites and phases.
func (b *builder) dataTables() []DataTable {
	return []DataTable{b.localityData(), b.areaData(), b.siteData(), b.phaseData()}
}

func (b *builder) localityData() DataTable {
	t := DataTable{Name: "localities", Title: "Localities ranked by need", Columns: []Column{
		{"rank", IntegerCell, "need rank, 1 = most need"},
		{"locality", TextCell, "locality name in the scheme " + b.sc.Localities.Scheme},
		{"need_score", NumberCell, "the scenario's need score; higher is more need"},
		{"median_rank", IntegerCell, "median rank over the uncertainty draws"},
		{"rank_p5", IntegerCell, "5th percentile of the rank over the draws"},
		{"rank_p95", IntegerCell, "95th percentile of the rank over the draws"},
	}}
	cols := b.summaryColumns()
	for _, c := range cols {
		t.Columns = append(t.Columns, Column{b.summary.Columns[c.index], NumberCell, "IoD summary measure (MHCLG method): " + c.label})
	}
	for _, l := range b.rankedLocalities() {
		row := []Cell{integer(l.Rank), text(l.Locality), number(l.Score)}
		if l.P5 > 0 {
			row = append(row, integer(l.Median), integer(l.P5), integer(l.P95))
		} else {
			row = append(row, Cell{Empty: true}, Cell{Empty: true}, Cell{Empty: true})
		}
		for _, c := range cols {
			row = append(row, number(b.summaryNumber(l.Locality, c)))
		}
		t.Rows = append(t.Rows, row)
		t.Geometry = append(t.Geometry, geometryOrNil(b.localities[l.Locality]))
	}
	return t
}

// summaryNumber is a locality's value of an IoD summary measure, NaN when
// it has none.
func (b *builder) summaryNumber(locality string, c summaryColumn) float64 {
	for _, g := range b.summary.Groups {
		if g.Name == locality && g.Scheme == b.sc.Localities.Scheme {
			return g.Values[c.index]
		}
	}
	return math.NaN()
}

func (b *builder) areaData() DataTable {
	r := b.res
	t := DataTable{Name: "small_areas", Title: "Small areas", Columns: []Column{
		{"code", TextCell, "small area code (" + string(r.Score.Geography) + ")"},
		{"name", TextCell, "small area name"},
		{"msoa", TextCell, "the MSOA it is in"},
		{"locality", TextCell, "its locality"},
		{"need_share", NumberCell, "share of the areas scored with less need, 0–1"},
		{"demand", NumberCell, "demand weight: " + r.Noun},
		{"population", NumberCell, "population the plan counts"},
		{"most_deprived", IntegerCell, "1 when in England's most deprived IMD decile"},
		{"served_by", TextCell, "the chosen base nearest it within the standard; empty when none reaches it"},
		{"travel", NumberCell, "travel to that base, " + string(r.Unit)},
		{"phase", TextCell, "the rollout phase that first reaches it"},
		{"phase_start", DateCell, "the date that phase starts"},
	}}
	for i, d := range r.Demand {
		served, phase, start := Cell{Empty: true}, Cell{Empty: true}, Cell{Empty: true}
		if s := r.ServedBy[i]; s >= 0 {
			served = text(r.Selection.Selected[s])
		}
		if ph := r.ReachedIn[i]; ph >= 0 {
			phase = text(r.Rollout.Phases[ph].Label)
			start = text(r.Rollout.Phases[ph].Start.Format("2006-01-02"))
		}
		deprived := 0
		if d.MostDeprived {
			deprived = 1
		}
		t.Rows = append(t.Rows, []Cell{text(d.Code), text(d.Name), text(d.MSOA), text(d.Locality), number(d.NeedShare),
			b.areaWeightCell(d), number(d.Population), integer(deprived), served, number(r.ServedCost[i]), phase, start})
		t.Geometry = append(t.Geometry, geometryOrNil(b.geometry[d.Code]))
	}
	return t
}

func (b *builder) siteData() DataTable {
	r := b.res
	t := DataTable{Name: "sites", Title: "The chosen bases", Columns: []Column{
		{"id", TextCell, "base"},
		{"locality", TextCell, "the locality it is in"},
		{"lon", NumberCell, "longitude, WGS84"},
		{"lat", NumberCell, "latitude, WGS84"},
		{"fixed", IntegerCell, "1 when already open and kept"},
		{"opening_order", IntegerCell, "1 = opens first"},
		{"phase", TextCell, "the phase it opens in"},
		{"opens", DateCell, "the date it opens"},
		{"reach", NumberCell, "demand within the standard: " + r.Noun},
		{"reach_share", NumberCell, "reach as a share of all demand"},
		{"unique", NumberCell, "demand no other chosen base reaches"},
		{"alternative", TextCell, "the unchosen candidate that would reach the most in its place"},
		{"alternative_loss", NumberCell, "how much less the plan would reach with the alternative"},
	}}
	cand := map[string]int{}
	for i, c := range r.Candidates {
		cand[c.ID] = i
	}
	opens := map[string]int{}
	for pi, p := range r.Rollout.Phases {
		for _, s := range p.Sites {
			opens[s.ID] = pi
		}
	}
	order := map[string]int{}
	for i, id := range r.Rollout.Order {
		order[id] = i + 1
	}
	for _, e := range r.Explanation {
		c := r.Candidates[cand[e.ID]]
		fixed := 0
		if e.Fixed {
			fixed = 1
		}
		ph := r.Rollout.Phases[opens[e.ID]]
		alt, loss := Cell{Empty: true}, Cell{Empty: true}
		if e.Alternative != "" {
			alt, loss = text(e.Alternative), b.demandCell(e.AlternativeLoss)
		}
		t.Rows = append(t.Rows, []Cell{text(e.ID), text(c.Locality), number(c.Point[0]), number(c.Point[1]), integer(fixed),
			integer(order[e.ID]), text(ph.Label), text(ph.Start.Format("2006-01-02")), b.demandCell(e.Reach),
			number(e.ReachShare), b.demandCell(e.Unique), alt, loss})
		t.Geometry = append(t.Geometry, c.Point)
	}
	return t
}

func (b *builder) phaseData() DataTable {
	r := b.res
	t := DataTable{Name: "phases", Title: "The phased rollout", Columns: []Column{
		{"phase", TextCell, "phase"},
		{"start", DateCell, "the date its bases open"},
		{"sites", TextCell, "the bases opening, in order"},
		{"new_demand", NumberCell, "demand first reached in the phase: " + r.Noun},
		{"new_population", NumberCell, "population first reached in the phase"},
		{"cumulative_demand", NumberCell, "demand reached by the end of the phase"},
		{"demand_share", NumberCell, "cumulative demand as a share of all demand"},
		{"population_share", NumberCell, "cumulative population as a share of all"},
		{"most_deprived_share", NumberCell, "share of the population in England's most deprived decile reached"},
	}}
	for _, p := range r.Rollout.Phases {
		ids := ""
		for i, s := range p.Sites {
			if i > 0 {
				ids += ", "
			}
			ids += s.ID
		}
		t.Rows = append(t.Rows, []Cell{text(p.Label), text(p.Start.Format("2006-01-02")), text(ids), b.demandCell(p.NewWeight),
			number(p.NewPopulation), b.demandCell(p.CumWeight), number(p.WeightShare), number(p.PopulationShare), number(p.MostDeprivedShare)})
	}
	return t
}

// catchmentData is each chosen base's catchment, dissolved from the
// areas it serves.
func (b *builder) catchmentData() DataTable {
	r := b.res
	t := DataTable{Name: "catchments", Title: "Catchments", Columns: []Column{
		{"site", TextCell, "the base"},
		{"areas", IntegerCell, "small areas it serves"},
		{"served", NumberCell, "demand it serves (nearest within the standard): " + r.Noun},
	}}
	polys := make([][]orb.Polygon, len(r.Selection.Selected))
	counts := make([]int, len(r.Selection.Selected))
	for i, d := range r.Demand {
		if s := r.ServedBy[i]; s >= 0 {
			polys[s] = append(polys[s], b.geometry[d.Code]...)
			counts[s]++
		}
	}
	for s, id := range r.Selection.Selected {
		t.Rows = append(t.Rows, []Cell{text(id), integer(counts[s]), b.demandCell(r.Selection.Served[s])})
		var g orb.Geometry
		if len(polys[s]) > 0 {
			g = geo.Dissolve(polys[s])
		}
		t.Geometry = append(t.Geometry, g)
	}
	return t
}

func geometryOrNil(g orb.MultiPolygon) orb.Geometry {
	if len(g) == 0 {
		return nil
	}
	return g
}
