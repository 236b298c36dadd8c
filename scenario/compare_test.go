package scenario

import (
	"context"
	"strings"
	"testing"
)

// Comparing the five-team plan with a four-team variant (Oswestry not
// fixed, 30 minutes): the differences name exactly the edited fields, the
// site table and equity follow the two plans, and the area layer agrees
// with each plan's coverage.
func TestCompare(t *testing.T) {
	ctx := context.Background()
	st := loadDefault(t)
	a := readScenario(t, "shropshire-five-teams.yaml")
	b := readScenario(t, "shropshire-five-teams.yaml")
	b.Name = "Shropshire — four teams, 30 minutes"
	b.Sites.Teams, b.Sites.Fixed, b.Sites.StandardMinutes = 4, nil, 30
	b.Sites.Robustness = Robustness{}
	a.Sites.Robustness = Robustness{}
	var items []Compared
	for _, sc := range []*Scenario{a, b} {
		p, err := Plan(ctx, st, sc)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, Compared{Label: sc.Name, Scenario: sc, Score: p.Score, Plan: p})
	}
	c, err := Compare(items)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, d := range c.Differences {
		fields = append(fields, d.Field)
	}
	if got := strings.Join(fields, ","); got != "sites.fixed,sites.standard_minutes,sites.teams" {
		t.Errorf("differences %s", got)
	}
	for _, d := range c.Differences {
		if d.Field == "sites.teams" && (d.Values[0] != "5" || d.Values[1] != "4") {
			t.Errorf("teams %v", d.Values)
		}
	}
	if len(c.Localities) != 18 {
		t.Errorf("%d localities", len(c.Localities))
	}
	for _, l := range c.Localities {
		if l.Change != 0 {
			t.Errorf("%s changes rank %d though the need assumptions are the same", l.Locality, l.Change)
		}
	}
	chosen := [2]int{}
	for _, s := range c.Sites {
		for k := range 2 {
			if s.Chosen[k] {
				chosen[k]++
				if s.Phase[k] == "" {
					t.Errorf("%s chosen in %d but in no phase", s.ID, k)
				}
			}
		}
	}
	if chosen != [2]int{5, 4} {
		t.Errorf("sites chosen %v, want 5 and 4", chosen)
	}
	counts := map[string]int{}
	for _, ar := range c.Areas {
		counts[ar.Status]++
	}
	covered := func(p *PlanResult) int {
		n := 0
		for _, s := range p.ServedBy {
			if s >= 0 {
				n++
			}
		}
		return n
	}
	if len(c.Areas) != 193 || counts[CoveredBoth]+counts[CoveredAOnly] != covered(items[0].Plan) ||
		counts[CoveredBoth]+counts[CoveredBOnly] != covered(items[1].Plan) {
		t.Errorf("area layer %v; plans cover %d and %d", counts, covered(items[0].Plan), covered(items[1].Plan))
	}
	if e := c.Equity[0]; e.WeightShare <= 0 || e.WeightShare > 1 {
		t.Errorf("equity %+v", e)
	}
	if len(c.Phases) != 5 || c.Phases[0].Labels[0] != "Live" || c.Phases[4].Labels[1] != "" {
		t.Errorf("phases %+v", c.Phases)
	}
	if len(c.Summary) < 3 || !strings.Contains(c.Summary[0], "differ in 3 assumption") {
		t.Errorf("summary %q", c.Summary)
	}
	if _, err := Compare(items[:1]); err == nil {
		t.Error("one scenario compared")
	}

	// Three scenarios, the first without a plan: the summary names the
	// scenarios it sets against each other, never "the first" or "both"
	// alone — the area difference is of the two plans, the second and
	// the third.
	need := readScenario(t, "shropshire-need.yaml")
	score, err := Score(ctx, st, need)
	if err != nil {
		t.Fatal(err)
	}
	three := append([]Compared{{Label: "need", Scenario: need, Score: score}}, items...)
	c, err = Compare(three)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(c.Summary, "\n")
	if c.AreasOf != [2]int{1, 2} || !strings.Contains(all, "Area by area, "+a.Name+" against "+b.Name+": ") ||
		!strings.Contains(all, " by "+a.Name+" only, ") || !strings.Contains(all, " by "+b.Name+" only, ") {
		t.Errorf("areas of %v, summary:\n%s", c.AreasOf, all)
	}
	if strings.Contains(all, "the first") || strings.Contains(all, "the second") || strings.Contains(all, "(18 ranked by both).") &&
		!strings.Contains(all, "between need and "+b.Name) {
		t.Errorf("the summary must name the scenarios:\n%s", all)
	}
}
