package scenario

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/geo"

	"placeplan"
)

func readScenario(t *testing.T, name string) *Scenario {
	t.Helper()
	sc, err := ReadFile(filepath.Join("defaults", name))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestPlanShropshire works out the documented five-team scenario and
// checks it against an independent brute force over every choice of four
// hubs besides Oswestry, computed here from the definition of the travel
// standard (great-circle km × 1.3 at 40 km/h within 20 minutes).
func TestPlanShropshire(t *testing.T) {
	sc := readScenario(t, "shropshire-five-teams.yaml")
	res, err := Plan(context.Background(), loadDefault(t), sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Demand) != 193 || len(res.Candidates) != 18 {
		t.Fatalf("%d demand areas and %d candidates, want Shropshire's 193 LSOAs and 18 locality hubs", len(res.Demand), len(res.Candidates))
	}
	sel := res.Selection
	if len(sel.Selected) != 5 || sel.Selected[0] != "Oswestry" || !sel.ProvenOptimal || sel.Gap != 0 {
		t.Fatalf("selection %+v: want five sites, Oswestry first, proven optimal", sel)
	}

	// Brute force.
	reach := func(c CandidateSite, d DemandArea) bool {
		km := geo.Distance(c.Point, d.Point) / 1000 * 1.3
		return km/40*60 <= 20
	}
	var free []CandidateSite
	var oswestry CandidateSite
	for _, c := range res.Candidates {
		if c.ID == "Oswestry" {
			oswestry = c
		} else {
			free = append(free, c)
		}
	}
	cover := func(set []CandidateSite) float64 {
		var w float64
		for _, d := range res.Demand {
			for _, c := range set {
				if reach(c, d) {
					w += d.Weight
					break
				}
			}
		}
		return w
	}
	best := 0.0
	var rec func(start int, set []CandidateSite)
	rec = func(start int, set []CandidateSite) {
		if len(set) == 5 {
			best = math.Max(best, cover(set))
			return
		}
		for k := start; k < len(free); k++ {
			rec(k+1, append(set, free[k]))
		}
	}
	rec(0, []CandidateSite{oswestry})
	if math.Abs(sel.Objective-best) > 1e-6*best {
		t.Errorf("placeplan covers %.3f, brute force %.3f", sel.Objective, best)
	}
	var chosen []CandidateSite
	for _, id := range sel.Selected {
		for _, c := range res.Candidates {
			if c.ID == id {
				chosen = append(chosen, c)
			}
		}
	}
	if got := cover(chosen); math.Abs(got-sel.Objective) > 1e-6*got {
		t.Errorf("the chosen sites cover %.3f by the definition, placeplan says %.3f", got, sel.Objective)
	}

	// Demand: children weighted by need share, every share in [0, 1].
	var children float64
	for _, d := range res.Demand {
		if d.NeedShare < 0 || d.NeedShare > 1 || math.Abs(d.Weight-d.Population*d.NeedShare) > 1e-9 {
			t.Fatalf("%s: weight %v, population %v, share %v", d.Code, d.Weight, d.Population, d.NeedShare)
		}
		children += d.Population
	}
	if math.Abs(children-51821) > 1 {
		t.Errorf("%.0f children in Shropshire's areas (mid-2015 denominators), want 51,821", children)
	}

	// Rollout: Oswestry live first, then one site every six months, in an
	// order whose phases reach need in decreasing steps after Live.
	ro := res.Rollout
	if len(ro.Phases) != 5 || ro.Phases[0].Label != "Live" || len(ro.Phases[0].Sites) != 1 || ro.Phases[0].Sites[0].ID != "Oswestry" {
		t.Fatalf("phases %+v", ro.Phases)
	}
	if !ro.ProvenOptimal || ro.Order[0] != "Oswestry" {
		t.Errorf("rollout %v (%s, proven %v)", ro.Order, ro.Solver, ro.ProvenOptimal)
	}
	for k := 2; k < len(ro.Phases); k++ {
		if ro.Phases[k].NewWeight > ro.Phases[k-1].NewWeight+1e-9 {
			t.Errorf("%s reaches %.1f new, more than %s (%.1f): not the order that reaches need soonest",
				ro.Phases[k].Label, ro.Phases[k].NewWeight, ro.Phases[k-1].Label, ro.Phases[k-1].NewWeight)
		}
	}
	if got := ro.Phases[len(ro.Phases)-1].CumWeight; math.Abs(got-sel.CoveredWeight) > 1e-6 {
		t.Errorf("the rollout ends reaching %.3f, the selection covers %.3f", got, sel.CoveredWeight)
	}
	if ro.Phases[1].Start.Format(dateLayout) != "2026-10-01" || ro.Phases[4].Start.Format(dateLayout) != "2028-04-01" {
		t.Errorf("phase starts %v … %v, want every six months from 1 April 2026", ro.Phases[1].Start, ro.Phases[4].Start)
	}

	// Every area reached is served by a chosen site and first reached in
	// a phase, and the weight of the areas served adds up to the coverage.
	var served float64
	for i, d := range res.Demand {
		if (res.ServedBy[i] < 0) != (res.ReachedIn[i] < 0) {
			t.Fatalf("%s: served by %d but reached in phase %d", d.Code, res.ServedBy[i], res.ReachedIn[i])
		}
		if res.ServedBy[i] >= 0 {
			served += d.Weight
		}
	}
	if math.Abs(served-sel.CoveredWeight) > 1e-6 {
		t.Errorf("areas served weigh %.3f, the selection covers %.3f", served, sel.CoveredWeight)
	}
	for p, e := range res.Explanation {
		var w float64
		for i, d := range res.Demand {
			if res.ServedBy[i] == p {
				w += d.Weight
			}
		}
		if math.Abs(w-e.Served) > 1e-6 {
			t.Errorf("%s serves %.3f by ServedBy, %.3f by its explanation", e.ID, w, e.Served)
		}
	}

	// Explanations, evaluation, comparison areas, stability.
	if len(res.Explanation) != 5 || !strings.Contains(res.Explanation[0].Text, "Oswestry is already open") {
		t.Errorf("explanations: %+v", res.Explanation)
	}
	ev := res.Evaluation
	if ev == nil || ev.Evaluable || !strings.Contains(ev.Verdict, "Too few units for a stepped-wedge evaluation") ||
		!strings.Contains(ev.Verdict, "neighbourhoods (MSOAs)") || ev.Plan.Order[0] != "Oswestry" {
		t.Errorf("evaluation %+v", ev)
	}
	if len(res.Comparisons) != len(ro.Phases) {
		t.Errorf("%d comparison sets for %d phases", len(res.Comparisons), len(ro.Phases))
	}
	for _, c := range res.Comparisons {
		for _, p := range c.Pairs {
			if res.Demand[p.Treated].Code == res.Demand[p.Control].Code {
				t.Errorf("%s: an area matched to itself", c.Label)
			}
		}
	}
	rb := res.Robustness
	if rb == nil || rb.Draws != 200 || !slices.Equal(rb.Standards, []float64{15, 20, 30}) {
		t.Fatalf("robustness %+v", rb)
	}
	for _, s := range rb.Candidates {
		if s.ID == "Oswestry" && (s.Draws != 1 || s.Standards != 1) {
			t.Errorf("Oswestry is fixed, so it is chosen in every run: %+v", s)
		}
		if s.Draws < 0 || s.Draws > 1 || len(s.ByStandard) != 3 {
			t.Errorf("stability %+v", s)
		}
	}
	// Over the draws every run chooses five sites.
	var sum float64
	for _, s := range rb.Candidates {
		sum += s.Draws
	}
	if math.Abs(sum-5) > 1e-9 {
		t.Errorf("stabilities over the draws sum to %v, want 5 sites per run", sum)
	}
	// Oswestry is fixed: named apart as fixed, never as a safe choice.
	for _, s := range rb.Candidates {
		if s.Fixed != (s.ID == "Oswestry") {
			t.Errorf("%s: fixed %v; only Oswestry is fixed", s.ID, s.Fixed)
		}
	}
	safe, _, _ := strings.Cut(rb.Summary, "safe choice")
	if strings.Contains(safe, "Oswestry") || !strings.Contains(rb.Summary, "Oswestry is fixed (kept open in every run), not a choice.") {
		t.Errorf("summary %q: Oswestry must be named as fixed, not among the safe choices", rb.Summary)
	}
}

// TestPlanOxfordshire checks the fairness constraint: at least one hub in
// each of North, Central and South.
func TestPlanOxfordshire(t *testing.T) {
	sc := readScenario(t, "oxfordshire-hubs.yaml")
	res, err := Plan(context.Background(), loadDefault(t), sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Selection.Selected) != 7 || len(res.Groups) != 3 {
		t.Fatalf("%v in %d groups", res.Selection.Selected, len(res.Groups))
	}
	in := map[string]int{}
	loc := map[string]string{}
	for _, c := range res.Candidates {
		loc[c.ID] = c.Locality
	}
	for _, id := range res.Selection.Selected {
		in[loc[id]]++
	}
	for _, area := range []string{"North", "Central", "South"} {
		if in[area] < 1 {
			t.Errorf("no hub in %s: %v", area, in)
		}
	}
	if len(res.Rollout.Phases) != 4 || len(res.Rollout.Phases[0].Sites) != 2 {
		t.Errorf("phases %+v: want 7 hubs two at a time", res.Rollout.Phases)
	}
	if res.Robustness == nil || res.Robustness.Draws != 0 || len(res.Robustness.Standards) != 3 {
		t.Errorf("robustness %+v", res.Robustness)
	}
}

// A confidential service-demand count as demand: every figure built from
// it is withheld when small, in numbers and in words.
func TestPlanSuppressesSmallConfidentialCounts(t *testing.T) {
	ctx := context.Background()
	st := confidentialStore(t, func(i int) int { return i % 3 }) // 0, 1 or 2 referrals: all small
	sc := readScenario(t, "shropshire-five-teams.yaml")
	sc.Sites.Demand = Demand{Weight: "early_help_referrals", Population: "pop_children_0_15", Noun: "referrals"}
	sc.Sites.Robustness = Robustness{}
	sc.Sites.Evaluation = Evaluation{}
	sc.Disclosure = &Disclosure{SuppressBelow: 100}
	res, err := Plan(ctx, st, sc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Disclosure.MinCount != 100 {
		t.Fatalf("suppression threshold %v, want the scenario's 100", res.Disclosure.MinCount)
	}
	// The use case withholds (NaN) the figures itself, so that every
	// output gets them withheld: none left is small.
	small := func(what string, v float64) {
		if v > 0 && v < 100 {
			t.Errorf("%s = %v: a small confidential figure left in the plan", what, v)
		}
	}
	withheld := 0
	for _, e := range res.Explanation {
		small(e.ID+" reach", e.Reach)
		small(e.ID+" served", e.Served)
		small(e.ID+" unique", e.Unique)
		small(e.ID+" alternative loss", e.AlternativeLoss)
		if math.IsNaN(e.Reach) {
			withheld++
			if !strings.Contains(e.Text, "fewer than 100 referrals") {
				t.Errorf("%s reaches fewer than 100 referrals, but the text shows a figure: %s", e.ID, e.Text)
			}
		}
	}
	for _, p := range res.Rollout.Phases {
		small(p.Label+" new weight", p.NewWeight)
		small(p.Label+" cumulative weight", p.CumWeight)
		for _, o := range p.Sites {
			small(p.Label+" "+o.ID+" marginal weight", o.MarginalWeight)
		}
		if math.IsNaN(p.NewWeight) {
			withheld++
			if !strings.Contains(p.Summary, "referrals +fewer than 100") {
				t.Errorf("%s: new referrals withheld, but the summary shows a figure: %s", p.Label, p.Summary)
			}
		}
	}
	small("total weight", res.TotalWeight)
	small("covered weight", res.Selection.CoveredWeight)
	small("objective", res.Selection.Objective)
	small("upper bound", res.Selection.UpperBound)
	for i, v := range res.Selection.Served {
		small(fmt.Sprintf("served by site %d", i), v)
	}
	if withheld == 0 {
		t.Error("no figure was small enough to withhold: the test proves nothing")
	}
	// A scenario may raise a deployment's threshold, never lower it.
	for _, tc := range []struct {
		scenario, policy, want float64
		warned                 bool
	}{
		{2, 5, 5, true}, {0, 5, 5, true}, {10, 5, 10, false}, {3, 0, 3, false},
	} {
		sc.Disclosure = &Disclosure{SuppressBelow: tc.scenario}
		res, err := PlanUnder(ctx, st, sc, Policy{Disclosure: placeplan.Disclosure{MinCount: tc.policy}})
		if err != nil {
			t.Fatal(err)
		}
		warned := slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "never lower it") })
		if res.Disclosure.MinCount != tc.want || warned != tc.warned {
			t.Errorf("scenario %v under policy %v: threshold %v (want %v), warned %v", tc.scenario, tc.policy,
				res.Disclosure.MinCount, tc.want, warned)
		}
	}
}

// TestSitesValidation refuses bad sites sections, naming the field, before
// anything is computed.
func TestSitesValidation(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, from, to, want string }{
		{"no model", "  model: mclp\n", "", "sites.model: missing"},
		{"unknown model", "model: mclp", "model: gravity", `sites.model: "gravity" is not mclp, pmedian or capacitated`},
		{"more fixed than teams", "teams: 5", "teams: 0", "sites.teams: 0"},
		{"two standards", "standard_minutes: 20", "standard_minutes: 20\n  standard_km: 10", "give one service standard"},
		{"circuity below 1", "circuity: 1.3", "circuity: 0.8", "sites.circuity: 0.8"},
		{"bad start", "start: 2026-04-01", "start: April 2026", `sites.phases.start: "April 2026" is not a date`},
		{"no phase length", "every_months: 6", "every_months: 0", "sites.phases.every_months: 0"},
		{"bad stratum", "stratum_size: 2", "stratum_size: 1", "sites.evaluation.stratum_size: 1"},
		{"negative draws", "draws: 200", "draws: -1", "sites.robustness.draws: -1"},
		{"bad standard", "standards: [15, 20, 30]", "standards: [15, 0]", "sites.robustness.standards[1]: 0"},
		{"no source", "source: localities", "source: wards", `sites.candidates.source: "wards" is not localities`},
		{"unknown field", "teams: 5", "teams: 5\n  team: 4", `sites: unknown field "team" (did you mean "teams"?)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Replace(string(base), c.from, c.to, 1)
			if text == string(base) {
				t.Fatalf("%q is not in the scenario", c.from)
			}
			_, err := Read("five.yaml", strings.NewReader(text))
			if err == nil || !strings.Contains(err.Error(), c.want) || placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Errorf("got %v, want EINVALID with %q", err, c.want)
			}
		})
	}
	// Errors that need the data: unknown sites and indicators, a matrix in
	// the wrong unit.
	kmMatrix := filepath.Join(t.TempDir(), "km.csv")
	if err := os.WriteFile(kmMatrix, []byte("origin,destination,km\nE01028826,Oswestry,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func(*Sites)
		want string
	}{
		{"unknown fixed site", func(s *Sites) { s.Fixed = []string{"Atlantis"} }, `sites.fixed[0]: "Atlantis" is not a candidate`},
		{"unknown weight", func(s *Sites) { s.Demand.Weight = "unicorns" }, `sites.demand.weight: "unicorns" is not need, population or an indicator`},
		{"a decile as weight", func(s *Sites) { s.Demand.Weight = "imd_decile" }, "sites.demand.weight: imd_decile is a decile"},
		{"too many per locality", func(s *Sites) { s.Constraints.MinPerLocality = 1 }, "needs 18 teams, but there are 5"},
		{"readiness after the last phase", func(s *Sites) { s.Readiness = map[string]string{"Oswestry": "2030-01-01"} }, "sites.readiness.Oswestry"},
		{"a matrix in km for a standard in minutes", func(s *Sites) { s.Matrix = kmMatrix }, "sites.matrix: " + kmMatrix + ": siting: the travel matrix is in km but the service standard is in minutes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := readScenario(t, "shropshire-five-teams.yaml")
			sc.Sites.Robustness = Robustness{}
			c.edit(sc.Sites)
			_, err := Plan(context.Background(), loadDefault(t), sc)
			if err == nil || !strings.Contains(err.Error(), c.want) || placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Errorf("got %v, want EINVALID with %q", err, c.want)
			}
		})
	}
}

// TestPlanWarnsOfMatrixGaps: a plan over a travel matrix that has rows
// for one site and one area says, once, how many it leaves out.
func TestPlanWarnsOfMatrixGaps(t *testing.T) {
	matrix := filepath.Join(t.TempDir(), "minutes.csv")
	if err := os.WriteFile(matrix, []byte("origin,destination,minutes\nE01028826,Oswestry,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := readScenario(t, "shropshire-five-teams.yaml")
	sc.Sites.Matrix = matrix
	sc.Sites.Robustness.Draws = 0 // the standards still re-read the matrix
	res, err := Plan(context.Background(), loadDefault(t), sc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		if strings.HasPrefix(w, "sites.matrix: ") {
			got = append(got, w)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "no rows for 17 of the 18 candidate sites (") ||
		!strings.Contains(got[0], "and for 192 of the 193 demand points (") {
		t.Errorf("matrix warnings %q: want one, naming 17 of 18 candidates and 192 of 193 demand areas", got)
	}
}

// TestPlanKeepsLateWarnings: warnings found after the demand is built —
// a readiness date for a site not chosen, re-runs that cannot move the
// selection — reach the plan's warnings.
func TestPlanKeepsLateWarnings(t *testing.T) {
	sc := readScenario(t, "shropshire-five-teams.yaml")
	sc.Sites.Readiness = map[string]string{"Ludlow": "2026-06-01"}
	sc.Sites.Demand.Weight = "population"
	sc.Sites.Robustness = Robustness{Draws: 10}
	res, err := Plan(context.Background(), loadDefault(t), sc)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"sites.readiness: Ludlow is not among the sites chosen", "sites.robustness.draws: demand is weighted by population"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings %q: want %q", res.Warnings, want)
		}
	}
}

func TestNeedShares(t *testing.T) {
	got := NeedShares([]float64{3, 1, 2, 2, 5})
	want := []float64{0.75, 0, 0.375, 0.375, 1}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("NeedShares = %v, want %v", got, want)
		}
	}
	if s := NeedShares([]float64{7}); s[0] != 0.5 {
		t.Errorf("one score: %v", s)
	}
}
