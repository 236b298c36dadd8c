package report

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/registry"
	"placeplan/geo"
	"placeplan/scenario"
	"placeplan/scoring/classify"
	"placeplan/scoring/siting"
)

// Store is what Make reads: the data a plan needs, and the IoD values the localities' summary measures are made from.
type Store interface {
	scenario.PlanStore
	scenario.SummaryStore
}

// Withheld is the symbol a withheld figure is printed as, explained in
// every table's notes.
const Withheld = "[c]"

// Report is what Make makes of one scenario: the board paper, and the
// tables and layers behind it for the analysts' files.
type Report struct {
	Paper *Paper
	// Tables are localities, small_areas, sites and phases, in that
	// order; Catchments each chosen base's catchment.
	Tables     []DataTable
	Catchments DataTable
	// Attribution lists the attribution lines of the data used, and
	// SuppressBelow the small-number threshold (0 when none applies).
	Attribution   []string
	SuppressBelow float64
}

// Request is what a report is made of: a scenario with a sites section and
// its label (such as "shropshire-five-teams@3", which the paper's footer
// names), optionally a second scenario to set beside it as the
// alternative, and the paper's date.
type Request struct {
	// Policy is the deployment's: its small-number floor and the bounds
	// of the plans' work; a zero threshold means the default
	// (scenario.DefaultPolicy's).
	Policy       scenario.Policy
	Label        string
	Scenario     *scenario.Scenario
	CompareLabel string
	Compare      *scenario.Scenario // nil for none
	// Approvals are the approvals for a board of the revision reported
	// (scenario.ApprovalsOfLabel), shown on the front sheet and in the
	// footer; none for a draft.
	Approvals []placeplan.Approval
	Now       time.Time
}

// Make works out the plan of the requested scenario (and of the one to
// compare) and assembles its board paper in the shape of the scenario's
// paper template, with the tables behind it.
func Make(ctx context.Context, st Store, req Request) (*Report, error) {
	label, sc, now := req.Label, req.Scenario, req.Now
	if sc.Sites == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "scenario %s has no sites section: a board paper needs a plan", label)
	}
	tpl, err := LoadTemplate(sc.TemplatePath(), "")
	if err != nil {
		return nil, err
	}
	policy := req.Policy
	if policy.Disclosure.MinCount == 0 {
		policy.Disclosure = scenario.DefaultPolicy().Disclosure
	}
	res, err := scenario.PlanUnder(ctx, st, sc, policy)
	if err != nil {
		return nil, err
	}
	areas, err := scenario.AreaResults(ctx, st, res.Score)
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(res.Demand))
	for _, d := range res.Demand {
		codes = append(codes, d.Code)
	}
	geom, err := st.Areas(ctx, placeplan.AreaQuery{Geography: res.Score.Geography, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	locs, err := st.Localities(ctx, res.Score.Geography)
	if err != nil {
		return nil, err
	}
	sum, err := scenario.SummariseStore(ctx, st, scenario.SummaryQuery{Geography: res.Score.Geography,
		By: scenario.ByLocality, Scheme: sc.Localities.Scheme})
	if placeplan.ErrorCode(err) == placeplan.EINVALID {
		sum = nil // summary measures need the IoD ranks; a paper without them says so
	} else if err != nil {
		return nil, err
	}
	b := &builder{label: label, sc: sc, res: res, tpl: tpl, now: now, areaResults: areas, summary: sum, approvals: req.Approvals}
	b.index(geom, locs)
	if req.Compare != nil {
		if b.alt, err = compareWith(ctx, st, label, res, req.CompareLabel, req.Compare, policy); err != nil {
			return nil, err
		}
	}
	p, err := b.paper()
	if err != nil {
		return nil, err
	}
	return &Report{Paper: p, Tables: b.dataTables(), Catchments: b.catchmentData(),
		Attribution: slices.Clone(res.Attribution), SuppressBelow: res.Disclosure.MinCount}, nil
}

// builder holds what the sections of one paper are made from.
type builder struct {
	label       string
	sc          *scenario.Scenario
	res         *scenario.PlanResult
	tpl         *Template
	now         time.Time
	areaResults []scenario.AreaResult
	summary     *scenario.Summary // nil when the IoD summary measures could not be made
	approvals   []placeplan.Approval

	geometry   map[string]orb.MultiPolygon // demand areas' boundaries, by code
	localities map[string]orb.MultiPolygon // the ranked localities, dissolved
	p          *Paper
	para       int // paragraphs so far in the current section
	section    string
	figures    []*Figure
	tables     []*Table
	alt        *alternative    // the scenario compared, nil for none
	wards      []registry.Ward // wardsServed, once worked out
}

// alternative is the scenario a paper is compared with: its plan and the
// comparison of the two.
type alternative struct {
	label string
	sc    *scenario.Scenario
	res   *scenario.PlanResult
	cmp   *scenario.Comparison
}

// compareWith plans the alternative and compares the two plans.
func compareWith(ctx context.Context, st Store, label string, res *scenario.PlanResult, altLabel string, alt *scenario.Scenario, policy scenario.Policy) (*alternative, error) {
	if alt.Sites == nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "compare: scenario %s has no sites section: a paper compares plans", altLabel)
	}
	altRes, err := scenario.PlanUnder(ctx, st, alt, policy)
	if err != nil {
		return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "compare %s", altLabel)
	}
	cmp, err := scenario.Compare([]scenario.Compared{
		{Label: label, Scenario: res.Score.Scenario, Score: res.Score, Plan: res},
		{Label: altLabel, Scenario: alt, Score: altRes.Score, Plan: altRes},
	})
	if err != nil {
		return nil, err
	}
	return &alternative{label: altLabel, sc: alt, res: altRes, cmp: cmp}, nil
}

// index dissolves the localities' outlines from the demand areas'
// boundaries.
func (b *builder) index(areas []placeplan.Area, locs []placeplan.Locality) {
	b.geometry = make(map[string]orb.MultiPolygon, len(areas))
	for _, a := range areas {
		if len(a.Geometry) > 0 {
			b.geometry[a.Code] = a.Geometry
		}
	}
	ranked := map[string]bool{}
	for _, l := range b.res.Score.Need.Localities {
		ranked[l.Locality] = true
	}
	b.localities = map[string]orb.MultiPolygon{}
	for _, l := range locs {
		if l.Scheme != b.sc.Localities.Scheme || !ranked[l.Name] {
			continue
		}
		var polys []orb.Polygon
		for _, code := range l.Areas {
			polys = append(polys, b.geometry[code]...)
		}
		if len(polys) > 0 {
			b.localities[l.Name] = geo.Dissolve(polys)
		}
	}
}

// paper assembles the paper: front sheet, sections and appendices in the
// template's order.
func (b *builder) paper() (*Paper, error) {
	pp := b.sc.Paper
	if pp == nil {
		pp = &scenario.Paper{}
	}
	title := pp.Title
	if title == "" {
		title = b.sc.Name
	}
	marking := b.tpl.Marking
	if pp.Marking != "" {
		marking = pp.Marking
	}
	b.p = &Paper{Title: title, Council: b.tpl.Council, Language: "en-GB", Marking: marking, Date: b.now,
		Footer: fmt.Sprintf("Scenario %s · data %s", b.label, b.vintage())}
	if len(b.approvals) > 0 {
		a := b.approvals[len(b.approvals)-1]
		b.p.Footer += " · approved " + a.MeetingDate.Format("2 Jan 2006") // the committee is on the front sheet; the footer has one line
	} else {
		b.p.Footer += " · draft"
	}
	b.frontSheet(pp)
	for i, s := range b.tpl.Sections {
		sec := Section{Key: s.Key, Number: strconv.Itoa(i + 1), Title: s.Title}
		b.para, b.section = 0, sec.Number
		blocks, err := b.sectionBlocks(s.Key, pp)
		if err != nil {
			return nil, err
		}
		sec.Blocks = blocks
		b.p.Sections = append(b.p.Sections, sec)
	}
	for i, s := range b.tpl.Appendices {
		sec := Section{Key: s.Key, Number: string(rune('A' + i)), Title: s.Title}
		b.para, b.section = 0, sec.Number
		sec.Blocks = b.appendixBlocks(s.Key)
		b.p.Appendices = append(b.p.Appendices, sec)
	}
	return b.p, nil
}

// vintage names the data the plan used: the IoD vintage of the geography.
func (b *builder) vintage() string {
	if b.res.Score.Geography == placeplan.LSOA2021 {
		return "IoD2025, LSOA 2021"
	}
	return "IoD2019, LSOA 2011"
}

// frontSheet fills the front sheet from the scenario's paper section and
// the plan, flagging what only the officer can give.
func (b *builder) frontSheet(pp *scenario.Paper) {
	missing := func(label, what string) Field {
		b.p.Flags = append(b.p.Flags, label+": "+what)
		return Field{Label: label, Value: "To be completed: " + what, Missing: true}
	}
	for _, f := range b.tpl.FrontSheet {
		var fd Field
		switch f.Field {
		case "committee":
			v := pp.Committee
			if d := pp.MeetingDate(); !d.IsZero() {
				v = strings.TrimSpace(v + ", " + d.Format("2 January 2006"))
			}
			if v == "" {
				fd = missing(f.Label, "the committee and the date of the meeting")
			} else {
				fd = Field{Label: f.Label, Value: v}
			}
		case "item":
			if pp.Item == "" {
				fd = missing(f.Label, "the agenda item number")
			} else {
				fd = Field{Label: f.Label, Value: pp.Item}
			}
		case "access":
			fd = Field{Label: f.Label, Value: "Public"}
			if pp.Exempt != "" {
				fd.Value = "Exempt: " + pp.Exempt
			}
		case "title":
			fd = Field{Label: f.Label, Value: b.p.Title}
		case "officer":
			if pp.Officer == "" {
				fd = missing(f.Label, "the responsible officer's name and role")
			} else {
				fd = Field{Label: f.Label, Value: pp.Officer}
			}
		case "divisions":
			fd = b.divisionsField(f.Label)
		case "key_decision":
			fd = Field{Label: f.Label, Value: b.keyDecision(pp)}
		case "approval":
			fd = Field{Label: f.Label, Value: b.approvalStatus()}
		case "purpose":
			v := pp.Purpose
			if v == "" {
				v = fmt.Sprintf("To agree where %s go and the order in which they open.", b.teamsPhrase())
			}
			fd = Field{Label: f.Label, Value: v}
		}
		b.p.FrontSheet = append(b.p.FrontSheet, fd)
	}
}

// approvalStatus says whether the revision reported was approved for a
// board, and for which, by whom; a draft says so.
func (b *builder) approvalStatus() string {
	if len(b.approvals) == 0 {
		return "Draft: this revision has not been approved for a board"
	}
	var parts []string
	for _, a := range b.approvals {
		parts = append(parts, fmt.Sprintf("Approved for %s, %s, by %s (revision %d)", a.Committee, a.MeetingDate.Format("2 January 2006"), a.By, a.Revision))
	}
	return strings.Join(parts, "; ")
}

// keyDecision applies the template's rule: by cost when the paper gives
// one, and by the number of localities affected.
func (b *builder) keyDecision(pp *scenario.Paper) string {
	rule := b.tpl.KeyDecision
	var why []string
	if rule.SpendGBP > 0 && pp.CostGBP >= rule.SpendGBP {
		why = append(why, fmt.Sprintf("it costs £%s, at or above £%s", siting.Amount(pp.CostGBP), siting.Amount(rule.SpendGBP)))
	}
	if n := len(b.wardsServed()); rule.Divisions > 0 && n >= rule.Divisions {
		why = append(why, fmt.Sprintf("it affects %d wards, at least %d", n, rule.Divisions))
	}
	if len(why) > 0 {
		return "Yes: " + strings.Join(why, "; ")
	}
	if pp.CostGBP == 0 && rule.SpendGBP > 0 {
		b.p.Flags = append(b.p.Flags, "Key decision: the cost (paper.cost_gbp) is not given, so only the areas affected were tested")
		return "No, on the areas affected; the cost is not given"
	}
	return "No"
}

// wardsServed lists the wards (May 2024) of the areas within the
// standard of a chosen base, by name: the electoral areas the plan
// affects.
func (b *builder) wardsServed() []registry.Ward {
	if b.wards == nil {
		b.wards = b.findWards()
	}
	return b.wards
}

// findWards is wardsServed, worked out.
func (b *builder) findWards() []registry.Ward {
	wards, err := registry.WardLookup()
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []registry.Ward
	for i, d := range b.res.Demand {
		if b.res.ServedBy[i] < 0 {
			continue
		}
		for _, w := range wards.Of(b.res.Score.Geography, d.Code) {
			if !seen[w.Code] {
				seen[w.Code] = true
				out = append(out, w)
			}
		}
	}
	slices.SortFunc(out, func(a, c registry.Ward) int { return strings.Compare(a.Name, c.Name) })
	return out
}

// divisionsField is the front sheet's electoral areas: the wards the
// bases' catchments reach. In a unitary council the wards are its
// electoral divisions; a county council draws its divisions differently,
// so the field says which it lists.
func (b *builder) divisionsField(label string) Field {
	wards := b.wardsServed()
	if len(wards) == 0 {
		return Field{Label: label, Value: "None: no base reaches any area"}
	}
	names := make([]string, len(wards))
	for i, w := range wards {
		names[i] = w.Name
	}
	return Field{Label: label, Value: fmt.Sprintf("%d wards (May 2024) within the service standard of a base: %s",
		len(wards), strings.Join(names, ", "))}
}

// rankedLocalities returns the localities in rank order.
func (b *builder) rankedLocalities() []localityRank {
	need := b.res.Score.Need.Localities
	out := make([]localityRank, len(need))
	for i, l := range need {
		out[i] = localityRank{Locality: l.Locality, Rank: l.Rank, Score: l.Score}
		if u := b.res.Score.Uncertainty; u != nil {
			for _, lu := range u.Localities {
				if lu.Locality == l.Locality {
					out[i].P5, out[i].P95, out[i].Median = lu.RankP5, lu.RankP95, lu.MedianRank
				}
			}
		}
		if i < len(b.res.Score.Explanations) {
			out[i].Explanation = b.res.Score.Explanations[i]
		}
	}
	slices.SortStableFunc(out, func(a, c localityRank) int { return a.Rank - c.Rank })
	return out
}

// localityRank is a locality's place in the ranking.
type localityRank struct {
	Locality        string
	Rank            int
	Score           float64
	Median, P5, P95 int // 0 without uncertainty draws
	Explanation     string
}

// teamsPhrase is "five integrated teams" or "3 sites".
func (b *builder) teamsPhrase() string {
	n := len(b.res.Selection.Selected)
	if n == 1 {
		return "one team"
	}
	return numberWord(n) + " teams"
}

// numberWord spells small counts, as a paper does.
func numberWord(n int) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

// fig formats a demand figure: withheld when the plan's disclosure policy
// withheld it (scenario.Plan leaves such figures NaN) or would (an area's
// own weight), "–" for none.
func (b *builder) fig(v float64) string {
	if b.withheld(v) {
		return Withheld
	}
	if math.IsNaN(v) {
		return "–"
	}
	return siting.Amount(v)
}

// areaWeight formats a small area's own demand weight, withheld when the
// plan's disclosure withholds it (scenario.DemandArea.Withheld).
func (b *builder) areaWeight(d scenario.DemandArea) string {
	if d.Withheld {
		return Withheld
	}
	return b.fig(d.Weight)
}

// withheld reports whether a demand figure is withheld: scenario.Plan
// leaves the figures it withholds NaN when demand is a confidential count,
// and an area's own weight, which it keeps as the model's input, is
// withheld here by the same policy.
func (b *builder) withheld(v float64) bool {
	d := b.res.Disclosure
	return d.MinCount > 0 && (math.IsNaN(v) || d.Withholds(v))
}

// pct formats a share as a whole per cent.
func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*x)
}

// date formats a date as a paper does: 1 April 2027.
func date(t time.Time) string { return t.Format("2 January 2006") }

// add appends a numbered paragraph to the current section.
func (b *builder) add(blocks *[]Block, text string, items ...string) {
	b.para++
	*blocks = append(*blocks, Block{Para: &Para{Number: fmt.Sprintf("%s.%d", b.section, b.para), Text: text, Items: items}})
}

// flag appends a numbered paragraph that prompts the officer.
func (b *builder) flag(blocks *[]Block, what string) {
	b.para++
	b.p.Flags = append(b.p.Flags, what)
	*blocks = append(*blocks, Block{Para: &Para{Number: fmt.Sprintf("%s.%d", b.section, b.para),
		Text: "To be completed: " + what, Missing: true}})
}

// table appends a table and remembers it for the appendices.
func (b *builder) table(blocks *[]Block, t *Table) {
	b.tables = append(b.tables, t)
	*blocks = append(*blocks, Block{Table: t})
}

// figure appends a figure and remembers it for the text alternatives.
func (b *builder) figure(blocks *[]Block, f *Figure) {
	b.figures = append(b.figures, f)
	*blocks = append(*blocks, Block{Figure: f})
}

// sectionBlocks writes the section of key.
func (b *builder) sectionBlocks(key string, pp *scenario.Paper) ([]Block, error) {
	var out []Block
	r := b.res
	ro := r.Rollout
	last := ro.Phases[len(ro.Phases)-1]
	order := b.openingOrder()
	switch key {
	case "synopsis":
		b.add(&out, fmt.Sprintf("This paper asks the Board to agree where %s are based and the order in which they open, "+
			"chosen from the need of the %d localities of the %s and the travel time to each possible base.",
			b.teamsPhrase(), len(r.Score.Need.Localities), b.sc.Localities.Scheme))
	case "executive_summary":
		b.add(&out, fmt.Sprintf("The teams would open in this order: %s.", strings.Join(order, "; ")))
		b.add(&out, fmt.Sprintf("Once all are open, %s of the %s (%s) are within %s %s of a team, including %s of the %s in England's most deprived tenth of areas.",
			pct(last.WeightShare), r.Noun, b.fig(last.CumWeight), num(r.Standard), r.Unit, pct(last.MostDeprivedShare), b.populationNoun()))
		b.add(&out, b.certainty())
	case "recommendations":
		items := pp.Recommendations
		if len(items) == 0 {
			items = []string{
				fmt.Sprintf("approves %s as the bases of the %s;", strings.Join(r.Selection.Selected, ", "), b.teamsPhrase()),
				fmt.Sprintf("agrees that they open in the order set out in section %s, from %s;", b.sectionNumber("rollout"), date(ro.Phases[0].Start)),
				"notes the evaluation design and the measures the rollout will be judged on;",
				"asks officers to report progress after the first phase.",
			}
		}
		b.add(&out, b.tpl.RecommendationLead+":", items...)
	case "risks":
		if rb := r.Robustness; rb != nil {
			b.add(&out, "Stability of the choice. "+rb.Summary)
		}
		b.add(&out, "Certainty of the ranking. "+b.certainty())
		if r.Evaluation != nil {
			b.add(&out, "Evaluation. "+r.Evaluation.Verdict)
		}
		for _, w := range append(slices.Clone(r.Score.Warnings), r.Warnings...) {
			b.add(&out, "Data caveat. "+sentence(w))
		}
	case "equalities":
		b.add(&out, fmt.Sprintf("The plan reaches %s of the %s living in England's most deprived tenth of small areas once every team is open, against %s of all %s.",
			pct(last.MostDeprivedShare), b.populationNoun(), pct(last.PopulationShare), b.populationNoun()))
		unreached := 0
		for _, s := range r.ServedBy {
			if s < 0 {
				unreached++
			}
		}
		b.add(&out, fmt.Sprintf("Rurality: %d of the %d small areas are beyond %s %s of every base. The service standard is a travel time, so families in sparse rural areas are the ones it leaves out; outreach from the bases should be planned for them.",
			unreached, len(r.Demand), num(r.Standard), r.Unit))
	case "financial":
		if pp.Financial == "" {
			b.flag(&out, "the financial implications (paper.financial in the scenario): the cost of each team, how it is funded, and any savings")
		} else {
			b.add(&out, pp.Financial)
		}
	case "background":
		if d := strings.TrimSpace(b.sc.Description); d != "" {
			b.add(&out, sentence(d))
		}
		for _, e := range r.Explanation {
			if e.Fixed {
				b.add(&out, fmt.Sprintf("%s is already open as the test-and-learn site: the plan keeps it and chooses the others around it.", e.ID))
			}
		}
		if pp.Background != "" {
			b.add(&out, pp.Background)
		}
	case "method":
		b.add(&out, sentence(r.Score.Method))
		b.add(&out, b.modelInWords())
		if r.Score.Sensitivity != "" {
			b.add(&out, sentence(r.Score.Sensitivity))
		}
	case "maps":
		f1, err := b.needMap()
		if err != nil {
			return nil, err
		}
		b.figure(&out, f1)
		f2, err := b.phaseMap()
		if err != nil {
			return nil, err
		}
		b.figure(&out, f2)
		if b.alt != nil && len(b.alt.cmp.Areas) > 0 {
			b.figure(&out, b.differenceMap())
		}
	case "ranking":
		b.add(&out, "The localities in order of need, with the range of ranks each takes in 90 % of the uncertainty draws, and the IoD summary measures of deprivation:")
		b.table(&out, b.rankingTable())
	case "sites":
		for _, e := range r.Explanation {
			b.add(&out, sentence(e.Text))
		}
		b.table(&out, b.sitesTable())
	case "rollout":
		b.table(&out, b.phasesTable())
		for _, p := range ro.Phases {
			b.add(&out, sentence(p.Summary))
		}
	case "coverage":
		f, err := b.coverageChart()
		if err != nil {
			return nil, err
		}
		b.figure(&out, f)
	case "equity":
		b.table(&out, b.equityTable())
	case "options":
		open := 0.0
		for _, p := range ro.Phases {
			for _, s := range p.Sites {
				if s.Fixed {
					open += s.MarginalWeight
				}
			}
		}
		kept := pct(open / ro.TotalWeight)
		if math.IsNaN(open / ro.TotalWeight) {
			kept = "a share (withheld to protect small numbers)"
		}
		b.add(&out, fmt.Sprintf("Do nothing: no new team opens, and %s of the %s stay within reach of the bases already open.",
			kept, r.Noun))
		b.add(&out, fmt.Sprintf("Open every team at once: reaches %s from the start, but needs every base ready on %s; the phased order gives %s of that.",
			pct(last.WeightShare), date(ro.Phases[0].Start), pct(ro.AUCShare)))
		if r.Evaluation != nil {
			b.add(&out, fmt.Sprintf("A randomised order (%s) for a stepped-wedge evaluation: %s", strings.Join(r.Evaluation.Plan.Order, ", "), r.Evaluation.Verdict))
		}
		if a := b.alt; a != nil {
			b.add(&out, fmt.Sprintf("The alternative, %s (%s), compared with this plan:", a.sc.Name, a.label), a.cmp.Summary...)
			b.table(&out, b.compareSitesTable())
			b.table(&out, b.compareCoverageTable())
		}
	case "conclusions":
		b.add(&out, fmt.Sprintf("The recommended plan puts %s where the need is greatest within a %s-%s journey, and opens them in the order that reaches the most need soonest.",
			b.teamsPhrase(), num(r.Standard), strings.TrimSuffix(string(r.Unit), "s")))
	case "background_papers":
		papers := slices.Clone(pp.BackgroundPapers)
		papers = append(papers, fmt.Sprintf("The scenario document %s (placeplan), and the data sources in appendix %s.", b.label, b.appendixLetter("data_sources")))
		b.add(&out, "Background papers:", papers...)
	}
	return out, nil
}

// sectionNumber returns the number of the section of key, or "below".
func (b *builder) sectionNumber(key string) string {
	for i, s := range b.tpl.Sections {
		if s.Key == key {
			return strconv.Itoa(i + 1)
		}
	}
	return "below"
}

// appendixLetter returns the letter of the appendix of key.
func (b *builder) appendixLetter(key string) string {
	for i, s := range b.tpl.Appendices {
		if s.Key == key {
			return string(rune('A' + i))
		}
	}
	return ""
}

// openingOrder lists, phase by phase, "Oswestry (already open, 1 April 2026)".
func (b *builder) openingOrder() []string {
	var out []string
	for _, p := range b.res.Rollout.Phases {
		var ids []string
		for _, s := range p.Sites {
			ids = append(ids, s.ID)
		}
		if len(ids) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("%s from %s (%s)", strings.Join(ids, " and "), date(p.Start), p.Label))
	}
	return out
}

// certainty says how certain the ranking of the chosen localities is.
func (b *builder) certainty() string {
	u := b.res.Score.Uncertainty
	if u == nil {
		return "No uncertainty draws were run, so the ranking is given without intervals."
	}
	chosen := map[string]bool{}
	for _, e := range b.res.Explanation {
		for _, c := range b.res.Candidates {
			if c.ID == e.ID {
				chosen[c.Locality] = true
			}
		}
	}
	var parts []string
	for _, l := range b.rankedLocalities() {
		if chosen[l.Locality] {
			parts = append(parts, fmt.Sprintf("%s ranks %d (%d–%d)", l.Locality, l.Rank, l.P5, l.P95))
		}
	}
	return fmt.Sprintf("How certain: over %s draws of the weights and methods, %s; the figures in brackets are the ranks each takes in 90 %% of the draws.",
		siting.Amount(float64(u.Settings.Draws)), strings.Join(parts, "; "))
}

// modelInWords explains the site model and its proof in plain English.
func (b *builder) modelInWords() string {
	r := b.res
	s := r.Selection
	proof := fmt.Sprintf("no choice of sites can do more than %s better", pct(s.Gap))
	if s.ProvenOptimal {
		proof = "it is proven the best possible choice"
	}
	what := "reach the most"
	switch r.Model {
	case siting.ModelPMedian:
		what = "keep the total travel of"
	case siting.ModelLSCP:
		what = "reach every one of, with the fewest sites,"
	}
	return fmt.Sprintf("The sites were chosen from %d candidate bases to %s %s within %s %s (the %s model, solved by %s): %s.",
		len(r.Candidates), what, r.Noun, num(r.Standard), r.Unit, r.Model, s.Solver, proof)
}

// populationNoun names the population the plan counts.
func (b *builder) populationNoun() string {
	if strings.Contains(b.res.Noun, "children") {
		return "children"
	}
	return "people"
}

// score2 formats a need score to two places, with a true minus sign and
// no "-0.00".
func score2(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if s == "-0.00" {
		return "0.00"
	}
	return strings.Replace(s, "-", "−", 1)
}

// num formats a parameter such as a service standard.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// sentence ends s with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// The colours of the printed maps: GOV.UK's palette for what is drawn on
// top of the classes, which contrasts with every class by 3:1 or more.
const (
	inkColour       = "#0b0c0c"
	localityColour  = "#0b0c0c"
	catchmentColour = "#1d70b8"
	unreachedColour = "#f3f2f1"
)

// needMap is the choropleth of need by small area, with the localities'
// outlines and the chosen sites.
func (b *builder) needMap() (*Figure, error) {
	vals := make([]float64, 0, len(b.areaResults))
	byCode := map[string]float64{}
	for _, a := range b.areaResults {
		if _, ok := b.geometry[a.Code]; ok {
			vals = append(vals, a.NeedScore)
			byCode[a.Code] = a.NeedScore
		}
	}
	cls, err := classify.Breaks(vals, classify.Quantile, 5)
	if err != nil {
		return nil, fmt.Errorf("need map: %w", err)
	}
	m := &Map{ID: "map-need", Title: "Need by small area", WidthPx: 650, HeightPx: 560,
		Attribution: "Contains OS data © Crown copyright and database right. Source: MHCLG IoD, ONS."}
	for _, d := range b.res.Demand {
		g, ok := b.geometry[d.Code]
		if !ok {
			continue
		}
		fill := unreachedColour
		if c := cls.Class(byCode[d.Code]); c >= 0 {
			fill = cls.Colors[c]
		}
		m.Areas = append(m.Areas, MapArea{Geometry: g, Fill: fill})
	}
	for _, name := range sortedKeys(b.localities) {
		m.Outlines = append(m.Outlines, MapOutline{Geometry: b.localities[name], Stroke: localityColour, WidthPx: 1.2})
	}
	b.sitesOn(m)
	m.Legend = MapLegend{Title: "Need score", Method: fmt.Sprintf("Quantiles of %d small areas; darkest is most need", cls.N),
		Lines: []LegendLine{{Label: "Locality", Stroke: localityColour}}, Sites: "Chosen base (number: opening order)"}
	for i := range cls.Counts {
		m.Legend.Classes = append(m.Legend.Classes, LegendClass{Fill: cls.Colors[i],
			Label: fmt.Sprintf("%s to %s (%d areas)", score2(cls.Breaks[i]), score2(cls.Breaks[i+1]), cls.Counts[i])})
	}
	top := b.rankedLocalities()
	names := make([]string, 0, 3)
	for i := 0; i < len(top) && i < 3; i++ {
		names = append(names, top[i].Locality)
	}
	m.Alt = fmt.Sprintf("Map of %d small areas shaded by need score in five quantile classes, with the %d localities outlined and the %d chosen bases marked. Need is highest in %s. The ranked localities table gives the same information.",
		len(m.Areas), len(b.localities), len(b.res.Selection.Selected), strings.Join(names, ", "))
	m.Title = "Figure: need by small area, localities and the chosen bases"
	return NewFigure(m.ID, "Need by small area, with the localities and the chosen bases", m.Alt, "table-ranking", m.draw), nil
}

// phaseMap shows which phase first reaches each small area, with the
// catchments of the chosen sites.
func (b *builder) phaseMap() (*Figure, error) {
	ro := b.res.Rollout
	// The lightest blues are dropped: they could be mistaken for the
	// areas not reached.
	colours, err := classify.Palette("Blues", max(len(ro.Phases)+2, 3))
	if err != nil {
		return nil, fmt.Errorf("phase map: %w", err)
	}
	colours = colours[len(colours)-len(ro.Phases):]
	slices.Reverse(colours) // the first phase darkest
	m := &Map{ID: "map-phases", Title: "Figure: when each small area is first reached, and the catchments", WidthPx: 650, HeightPx: 560,
		Attribution: "Contains OS data © Crown copyright and database right. Source: MHCLG IoD, ONS."}
	catch := map[int][]orb.Polygon{}
	reached := 0
	for i, d := range b.res.Demand {
		g, ok := b.geometry[d.Code]
		if !ok {
			continue
		}
		fill := unreachedColour
		if ph := b.res.ReachedIn[i]; ph >= 0 {
			fill = colours[ph]
			reached++
		}
		if s := b.res.ServedBy[i]; s >= 0 {
			catch[s] = append(catch[s], g...)
		}
		m.Areas = append(m.Areas, MapArea{Geometry: g, Fill: fill})
	}
	for s := range len(b.res.Selection.Selected) {
		if len(catch[s]) > 0 {
			m.Outlines = append(m.Outlines, MapOutline{Geometry: geo.Dissolve(catch[s]), Stroke: inkColour, WidthPx: 1.6, Dash: "5 3"})
		}
	}
	b.sitesOn(m)
	m.Legend = MapLegend{Title: "First reached in", Method: fmt.Sprintf("Within %s %s of a base", num(b.res.Standard), b.res.Unit),
		Lines: []LegendLine{{Label: "Catchment of a base", Stroke: inkColour, Dash: "5 3"}}, Sites: "Base (number: opening order)"}
	for i, p := range ro.Phases {
		m.Legend.Classes = append(m.Legend.Classes, LegendClass{Fill: colours[i], Label: fmt.Sprintf("%s, %s", p.Label, date(p.Start))})
	}
	m.Legend.Classes = append(m.Legend.Classes, LegendClass{Fill: unreachedColour, Label: "Not reached"})
	m.Alt = fmt.Sprintf("Map of the %d small areas shaded by the rollout phase that first brings them within %s %s of a base: %d are reached, %d are not. Dashed lines outline each base's catchment. The phased rollout table gives the same information.",
		len(m.Areas), num(b.res.Standard), b.res.Unit, reached, len(m.Areas)-reached)
	return NewFigure(m.ID, "When each small area is first reached, with each base's catchment", m.Alt, "table-phases", m.draw), nil
}

// sitesOn marks the chosen sites on m, numbered in opening order.
func (b *builder) sitesOn(m *Map) {
	for i, id := range b.res.Rollout.Order {
		for _, c := range b.res.Candidates {
			if c.ID == id {
				m.Sites = append(m.Sites, MapSite{Point: c.Point, Label: strconv.Itoa(i + 1), Fill: inkColour})
			}
		}
	}
}

// coverageChart is the cumulative coverage over the phases.
func (b *builder) coverageChart() (*Figure, error) {
	ro := b.res.Rollout
	c := &Chart{ID: "chart-coverage", Title: "Figure: coverage over time", YLabel: "Share reached", WidthPt: 460, HeightPt: 260}
	need := ChartSeries{Label: "Need reached (" + b.res.Noun + ")", Colour: color.RGBA{0x1d, 0x70, 0xb8, 0xff}}
	dep := ChartSeries{Label: b.populationNoun() + " in the most deprived tenth", Colour: color.RGBA{0xd4, 0x35, 0x1c, 0xff}, Dashed: true}
	var parts []string
	for _, p := range ro.Phases {
		c.XLabels = append(c.XLabels, p.Start.Format("Jan 2006"))
		need.Values = append(need.Values, p.WeightShare)
		dep.Values = append(dep.Values, p.MostDeprivedShare)
		parts = append(parts, fmt.Sprintf("%s %s and %s", date(p.Start), pct(p.WeightShare), pct(p.MostDeprivedShare)))
	}
	c.Series = []ChartSeries{need, dep}
	c.Alt = fmt.Sprintf("Step chart of the share of need reached and of %s in the most deprived tenth reached, at the start of each phase: %s.",
		b.populationNoun(), strings.Join(parts, "; "))
	return NewFigure(c.ID, "Cumulative coverage as each phase opens", c.Alt, "table-phases", c.SVG), nil
}

// rankingTable is the ranked localities with their rank intervals and
// IoD summary measures.
func (b *builder) rankingTable() *Table {
	t := &Table{ID: "table-ranking", Caption: "Localities ranked by need",
		Head: []string{"Rank", "Locality", "Need score", "Rank range (90 %)"}, Numeric: []bool{true, false, true, true}}
	cols := b.summaryColumns()
	for _, c := range cols {
		t.Head = append(t.Head, c.label)
		t.Numeric = append(t.Numeric, true)
	}
	for _, l := range b.rankedLocalities() {
		interval := "–"
		if l.P5 > 0 {
			interval = fmt.Sprintf("%d–%d", l.P5, l.P95)
		}
		row := []string{strconv.Itoa(l.Rank), l.Locality, fmt.Sprintf("%.3f", l.Score), interval}
		for _, c := range cols {
			row = append(row, b.summaryValue(l.Locality, c))
		}
		t.Rows = append(t.Rows, row)
	}
	if b.summary == nil {
		t.Notes = append(t.Notes, "The IoD summary measures could not be made from the data loaded.")
	} else {
		t.Notes = append(t.Notes, "IMD summary measures are MHCLG's, computed for each locality from its small areas: the population-weighted average score, the share of its areas in England's most deprived 10 %, and the extent (the share of its population living in the most deprived 30 % of areas, weighted).")
	}
	return t
}

// summaryColumn is one IoD summary measure shown in the ranking.
type summaryColumn struct {
	label string
	index int // into Summary.Columns
	share bool
}

// summaryColumns picks the IMD measures the ranking table shows.
func (b *builder) summaryColumns() []summaryColumn {
	if b.summary == nil {
		return nil
	}
	want := []struct{ col, label string }{
		{"imd_average_score", "IMD average score"},
		{"imd_proportion_most_deprived_10pct", "Areas in most deprived 10 %"},
		{"imd_extent", "IMD extent"},
	}
	var out []summaryColumn
	for _, w := range want {
		if i := slices.Index(b.summary.Columns, w.col); i >= 0 {
			out = append(out, summaryColumn{label: w.label, index: i, share: w.col != "imd_average_score"})
		}
	}
	return out
}

// summaryValue is one locality's value of an IoD summary measure.
func (b *builder) summaryValue(locality string, c summaryColumn) string {
	for _, g := range b.summary.Groups {
		if g.Name == locality && g.Scheme == b.sc.Localities.Scheme {
			v := g.Values[c.index]
			if math.IsNaN(v) {
				return "–"
			}
			if c.share {
				return pct(v)
			}
			return fmt.Sprintf("%.1f", v)
		}
	}
	return "–"
}

// sitesTable is the chosen sites with what they reach.
func (b *builder) sitesTable() *Table {
	t := &Table{ID: "table-sites", Caption: "The chosen bases",
		Head:    []string{"Base", "Locality", "Reaches (" + b.res.Noun + ")", "Reached by no other", "Closest alternative", "Reaches less"},
		Numeric: []bool{false, false, true, true, false, true}}
	loc := map[string]string{}
	for _, c := range b.res.Candidates {
		loc[c.ID] = c.Locality
	}
	for _, e := range b.res.Explanation {
		alt, loss := "–", "–"
		if e.Alternative != "" {
			alt, loss = e.Alternative, b.fig(e.AlternativeLoss)
		}
		name := e.ID
		if e.Fixed {
			name += " (open)"
		}
		t.Rows = append(t.Rows, []string{name, loc[e.ID], b.fig(e.Reach), b.fig(e.Unique), alt, loss})
	}
	b.withheldNote(t)
	return t
}

// phasesTable is the phased rollout.
func (b *builder) phasesTable() *Table {
	t := &Table{ID: "table-phases", Caption: "The phased rollout",
		Head:    []string{"Phase", "Opens on", "Bases opening", "Newly reached (" + b.res.Noun + ")", "Need reached", "Most deprived reached"},
		Numeric: []bool{false, false, false, true, true, true}}
	for _, p := range b.res.Rollout.Phases {
		var ids []string
		for _, s := range p.Sites {
			ids = append(ids, s.ID)
		}
		t.Rows = append(t.Rows, []string{p.Label, date(p.Start), strings.Join(ids, ", "), b.fig(p.NewWeight), pct(p.WeightShare), pct(p.MostDeprivedShare)})
	}
	b.withheldNote(t)
	return t
}

// equityTable is what the whole plan reaches.
func (b *builder) equityTable() *Table {
	ro := b.res.Rollout
	last := ro.Phases[len(ro.Phases)-1]
	t := &Table{ID: "table-equity", Caption: "Who the plan reaches once every base is open",
		Head: []string{"Measure", "Reached", "Of", "Share"}, Numeric: []bool{false, true, true, true}}
	t.Rows = [][]string{
		{"Need (" + b.res.Noun + ")", b.fig(last.CumWeight), b.fig(ro.TotalWeight), pct(last.WeightShare)},
		{capitalise(b.populationNoun()), siting.Amount(last.CumPopulation), siting.Amount(ro.TotalPopulation), pct(last.PopulationShare)},
		{capitalise(b.populationNoun()) + " in England's most deprived 10 % of areas", siting.Amount(last.CumMostDeprivedPopulation),
			siting.Amount(ro.TotalMostDeprivedPopulation), pct(last.MostDeprivedShare)},
	}
	b.withheldNote(t)
	return t
}

// withheldNote explains the withheld symbol under a table of demand
// figures when suppression applies.
func (b *builder) withheldNote(t *Table) {
	if m := b.res.Disclosure.MinCount; m > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%s: withheld — a count below %s, or a figure from which one could be worked out, not shown to protect confidentiality.", Withheld, siting.Amount(m)))
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// appendixBlocks writes the appendix of key.
func (b *builder) appendixBlocks(key string) []Block {
	var out []Block
	r := b.res
	switch key {
	case "data_sources":
		lines := slices.Clone(r.Attribution)
		if len(b.wardsServed()) > 0 {
			lines = append(lines, registry.WardsAttribution)
		}
		b.add(&out, "This paper uses the following data. Each is published under the Open Government Licence v3.0 unless it says otherwise; the attribution lines are reproduced exactly as the licences require:", lines...)
	case "parameters":
		t := &Table{ID: "table-parameters", Caption: "Method and parameters", Head: []string{"Parameter", "Value"}, Numeric: []bool{false, false}}
		for i, ind := range r.Score.Need.Indicators {
			t.Rows = append(t.Rows, []string{"Indicator: " + ind.Name, fmt.Sprintf("weight %.3f", r.Score.Need.Weights[i])})
		}
		unc := "none"
		if u := r.Score.Uncertainty; u != nil {
			unc = fmt.Sprintf("Monte Carlo, %d draws, seed %d (Dirichlet weights, concentration %s)", u.Settings.Draws, b.sc.Uncertainty.Seed, num(b.sc.Uncertainty.Concentration))
		}
		t.Rows = append(t.Rows,
			[]string{"Normalisation", string(r.Score.Need.Method)},
			[]string{"Aggregation", string(r.Score.Need.Aggregation)},
			[]string{"Localities", b.sc.Localities.Scheme},
			[]string{"Model", string(r.Model)},
			[]string{"Teams", strconv.Itoa(len(r.Selection.Selected))},
			[]string{"Service standard", num(r.Standard) + " " + string(r.Unit)},
			[]string{"Uncertainty", unc},
			[]string{"Solver", string(r.Selection.Solver)},
			[]string{"Gap to the best possible", pct(r.Selection.Gap)},
			[]string{"Rollout solver", string(r.Rollout.Solver)},
		)
		out = append(out, Block{Table: t})
	case "full_tables":
		b.add(&out, "Every small area the plan counts, after small-number suppression:")
		out = append(out, Block{Table: b.areasTable()})
	case "text_alternatives":
		for _, f := range b.figures {
			b.add(&out, f.Caption+". "+f.Alt)
		}
	case "glossary":
		t := &Table{ID: "table-glossary", Caption: "Glossary", Head: []string{"Term", "Meaning"}, Numeric: []bool{false, false}}
		t.Rows = [][]string{
			{"IoD", "The English Indices of Deprivation, published by MHCLG, which rank every small area in England."},
			{"IMD", "The Index of Multiple Deprivation, the IoD's overall measure."},
			{"LSOA", "Lower-layer Super Output Area: a small area of about 1,500 people."},
			{"Locality", "A group of small areas that the council plans services for."},
			{"Need score", "A weighted combination of the indicators, higher where need is greater."},
			{"Rank range (90 %)", "The ranks a locality takes in 90 % of the draws when the weights and methods are varied."},
			{"Service standard", "The longest journey to a base within which a family counts as reached."},
			{"Catchment", "The small areas nearest to a base within the service standard."},
			{"Stepped wedge", "An evaluation in which sites join in a randomised order, so that those not yet open are the comparison."},
			{Withheld, "A figure withheld because it is a small count that could identify people."},
		}
		out = append(out, Block{Table: t})
	}
	return out
}

// areasTable is every demand area with its need, catchment and phase.
func (b *builder) areasTable() *Table {
	t := &Table{ID: "table-areas", Caption: "Small areas",
		Head:    []string{"Code", "Name", "Locality", "Need share", "Served by", "First reached", b.res.Noun},
		Numeric: []bool{false, false, false, true, false, false, true}}
	for i, d := range b.res.Demand {
		served, phase := "–", "–"
		if s := b.res.ServedBy[i]; s >= 0 {
			served = b.res.Selection.Selected[s]
		}
		if ph := b.res.ReachedIn[i]; ph >= 0 {
			phase = b.res.Rollout.Phases[ph].Label
		}
		t.Rows = append(t.Rows, []string{d.Code, d.Name, d.Locality, pct(d.NeedShare), served, phase, b.areaWeight(d)})
	}
	b.withheldNote(t)
	return t
}

// compareSitesTable sets the two plans' bases side by side.
func (b *builder) compareSitesTable() *Table {
	a := b.alt
	t := &Table{ID: "table-compare-sites", Caption: "Bases in this plan and in the alternative",
		Head: []string{"Base", "This plan opens it in", "The alternative opens it in"}, Numeric: []bool{false, false, false}}
	for _, s := range a.cmp.Sites {
		cell := func(i int) string {
			if !s.Chosen[i] {
				return "not chosen"
			}
			return s.Phase[i]
		}
		t.Rows = append(t.Rows, []string{s.ID, cell(0), cell(1)})
	}
	return t
}

// compareCoverageTable sets the two rollouts' coverage side by side,
// phase by phase.
func (b *builder) compareCoverageTable() *Table {
	t := &Table{ID: "table-compare-coverage", Caption: "Need reached by the end of each phase, this plan and the alternative",
		Head:    []string{"Phase", "This plan", "Need reached", "The alternative", "Need reached"},
		Numeric: []bool{false, false, true, false, true}}
	for _, p := range b.alt.cmp.Phases {
		label := func(i int) string {
			if i >= len(p.Labels) || p.Labels[i] == "" {
				return "–"
			}
			return p.Labels[i] + ", " + p.Starts[i]
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(p.Index + 1), label(0), pct(p.WeightShare[0]), label(1), pct(p.WeightShare[1])})
	}
	return t
}

// differenceMap shows which areas each plan reaches, with both plans'
// bases: this plan's filled, the alternative's open.
func (b *builder) differenceMap() *Figure {
	a := b.alt
	fills := map[string]string{scenario.CoveredBoth: "#1d70b8", scenario.CoveredAOnly: "#5694ca", scenario.CoveredBOnly: "#f499be", scenario.CoveredNeither: unreachedColour}
	labels := map[string]string{scenario.CoveredBoth: "Reached by both", scenario.CoveredAOnly: "By this plan only",
		scenario.CoveredBOnly: "By the alternative only", scenario.CoveredNeither: "By neither"}
	m := &Map{ID: "map-compare", Title: "Figure: the areas each plan reaches", WidthPx: 650, HeightPx: 560,
		Attribution: "Contains OS data © Crown copyright and database right. Source: MHCLG IoD, ONS."}
	counts := map[string]int{}
	for _, ac := range a.cmp.Areas {
		if g, ok := b.geometry[ac.Code]; ok {
			m.Areas = append(m.Areas, MapArea{Geometry: g, Fill: fills[ac.Status]})
			counts[ac.Status]++
		}
	}
	for _, name := range sortedKeys(b.localities) {
		m.Outlines = append(m.Outlines, MapOutline{Geometry: b.localities[name], Stroke: localityColour, WidthPx: 1})
	}
	b.sitesOn(m)
	mine := map[string]bool{}
	for _, id := range b.res.Rollout.Order {
		mine[id] = true
	}
	for i, id := range a.res.Rollout.Order {
		for _, c := range a.res.Candidates {
			if c.ID == id {
				nudge := 0.0
				if mine[id] {
					nudge = 14
				}
				m.Sites = append(m.Sites, MapSite{Point: c.Point, Label: strconv.Itoa(i + 1), Fill: "#d4351c", NudgePx: nudge})
			}
		}
	}
	m.Legend = MapLegend{Title: "Within the standard of a base", Method: "This plan against " + a.label,
		Lines: []LegendLine{{Label: "Locality", Stroke: localityColour}}, Sites: "Bases: black this plan, red the alternative (number: opening order)"}
	var parts []string
	for _, st := range []string{scenario.CoveredBoth, scenario.CoveredAOnly, scenario.CoveredBOnly, scenario.CoveredNeither} {
		m.Legend.Classes = append(m.Legend.Classes, LegendClass{Fill: fills[st], Label: fmt.Sprintf("%s (%d areas)", labels[st], counts[st])})
		parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(labels[st]), counts[st]))
	}
	m.Alt = fmt.Sprintf("Map comparing the small areas within the service standard of this plan's bases and of the alternative's (%s): %s. The bases of both plans are marked. The table of bases in both plans gives the same information.",
		a.label, strings.Join(parts, ", "))
	return NewFigure(m.ID, "The areas this plan and the alternative reach", m.Alt, "table-compare-sites", m.draw)
}
