package scenario

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"placeplan/internal/cbctest"
	"strconv"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
)

// figuresOver builds a figure set over weights from sets of areas, in order.
func figuresOver(weights []float64, sets ...[]int) *figureSet {
	fs := &figureSet{weights: weights, byKey: map[string]*figure{}}
	for k, s := range sets {
		var terms []term
		for _, i := range s {
			terms = append(terms, term{i, 1})
		}
		v := 0.0
		fs.add(fmt.Sprintf("f%d", k), classCount, terms, nil, &v)
	}
	return fs
}

// TestSecondarySuppressionByHand: the differencing a reader could do with
// a pencil is stopped, and no more than needed is withheld.
func TestSecondarySuppressionByHand(t *testing.T) {
	d := placeplan.Disclosure{MinCount: 5}
	cases := []struct {
		name    string
		weights []float64
		sets    [][]int
		// what is withheld afterwards: figure indices and areas
		figures []int
		areas   []int
	}{
		{
			// A site serves areas 0 (3, withheld) and 1 (10): its total, 13,
			// less area 1's would give area 0's 3, so area 1 is withheld too
			// (the smaller of the two published figures in the sum).
			name: "served less a published area", weights: []float64{3, 10, 12},
			sets: [][]int{{0, 1}, {2}}, areas: []int{0, 1},
		},
		{
			// The total (27) less the published areas is the 2 of area 3:
			// area 0 (the smallest published area) is withheld; then the
			// total less the covered (25) still gives it, so the covered
			// figure, the smaller, is withheld too.
			name: "total less covered", weights: []float64{6, 10, 9, 2, 0},
			sets: [][]int{{0, 1, 2, 3, 4}, {0, 1, 2}}, figures: []int{1}, areas: []int{0, 3},
		},
		{
			// Two withheld areas in one published set, with nothing else
			// published about them: 3 + 4 = 7 tells neither.
			name: "two small areas together", weights: []float64{3, 4, 10},
			sets: [][]int{{0, 1}}, areas: []int{0, 1},
		},
		{
			// A withheld figure (4, below 5), the total less two published
			// areas: area 2 is withheld; then the total less the figure
			// over areas 2 and 3: that figure is withheld. Area counts go
			// before figures, so the total stays.
			name: "a small phase as a difference", weights: []float64{2, 2, 6, 7},
			sets: [][]int{{0, 1, 2, 3}, {2, 3}, {0, 1}}, figures: []int{1, 2}, areas: []int{0, 1, 2},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := figuresOver(c.weights, c.sets...)
			areaWithheld := make([]bool, len(c.weights))
			for i, w := range c.weights {
				areaWithheld[i] = d.Withholds(w)
			}
			targets := auditTargets(fs, areaWithheld, d)
			for _, f := range fs.list {
				f.withheld = d.Withholds(f.value)
			}
			if err := secondary(fs, areaWithheld, targets); err != nil {
				t.Fatal(err)
			}
			var gotF, gotA []int
			for k, f := range fs.list {
				if f.withheld {
					gotF = append(gotF, k)
				}
			}
			for i, w := range areaWithheld {
				if w {
					gotA = append(gotA, i)
				}
			}
			if fmt.Sprint(gotF) != fmt.Sprint(c.figures) && !(len(gotF) == 0 && len(c.figures) == 0) ||
				fmt.Sprint(gotA) != fmt.Sprint(c.areas) {
				t.Errorf("withheld figures %v and areas %v, want %v and %v", gotF, gotA, c.figures, c.areas)
			}
		})
	}
}

// TestNoWithheldCountRecoverable plans Shropshire's five teams on a
// confidential count of 0–10 per area and asks CBC, as an independent
// oracle, the least and the most each withheld figure and each withheld
// area's count could be given everything the plan publishes (every figure
// left, every area count left, counts ≥ 0): none may be pinned down.
func TestNoWithheldCountRecoverable(t *testing.T) {
	cbc := cbctest.Path(t)
	for _, c := range []struct {
		name  string
		count func(i int) int
	}{
		{"mostly small", func(i int) int { return (i * 7) % 11 }},
		// Mostly published area counts, a few small ones among them: what
		// a team's referrals look like, and where differencing bites.
		{"a few small", func(i int) int {
			if i%9 == 0 {
				return i%4 + 1
			}
			return 5 + (i*7)%11
		}},
	} {
		t.Run(c.name, func(t *testing.T) { noWithheldCountRecoverable(t, cbc, c.count) })
	}
}

// confidentialStore is the embedded default with a confidential count,
// early_help_referrals, of count(i) for the i-th small area of Shropshire.
func confidentialStore(t *testing.T, count func(i int) int) *data.Store {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := data.Open(ctx, filepath.Join(dir, "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := data.LoadDefault(ctx, st); err != nil {
		t.Fatal(err)
	}
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011, LAD: "E06000051"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("lsoa11cd,early_help_referrals\n")
	for i, a := range areas {
		fmt.Fprintf(&b, "%s,%d\n", a.Code, count(i))
	}
	csvPath := filepath.Join(dir, "early_help.csv")
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "early_help.meta.csv"), []byte("indicator,name,unit,direction,kind,denominator,confidential\n"+
		"early_help_referrals,Early help referrals,referrals,higher_is_worse,count,children,yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IngestFiles(ctx, []string{csvPath}, data.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

func noWithheldCountRecoverable(t *testing.T, cbc string, count func(i int) int) {
	ctx := context.Background()
	st := confidentialStore(t, count)
	sc := readScenario(t, "shropshire-five-teams.yaml")
	sc.Sites.Demand = Demand{Weight: "early_help_referrals", Population: "pop_children_0_15", Noun: "referrals"}
	sc.Sites.Robustness = Robustness{}
	res, err := Plan(ctx, st, sc)
	if err != nil {
		t.Fatal(err)
	}
	fs := res.audited
	if fs == nil {
		t.Fatal("the plan was not audited")
	}

	// What is published, read from the plan itself.
	unknown := map[int]bool{}
	primaryAreas, secondaryAreas := 0, 0
	for i, d := range res.Demand {
		if d.Withheld {
			unknown[i] = true
			if res.Disclosure.Withholds(d.Weight) {
				primaryAreas++
			} else {
				secondaryAreas++
			}
		}
	}
	var published, withheld []*figure
	secondaryFigures := 0
	for _, f := range fs.list {
		nan := 0
		for _, p := range f.ptrs {
			if math.IsNaN(*p) {
				nan++
			}
		}
		switch {
		case nan == 0:
			published = append(published, f)
		case nan == len(f.ptrs):
			withheld = append(withheld, f)
			if !res.Disclosure.Withholds(f.value) {
				secondaryFigures++
			}
		default:
			t.Errorf("%s is withheld in %d of the %d places it is published", f.name, nan, len(f.ptrs))
		}
	}
	t.Logf("%d areas withheld as small, %d more to protect them; %d figures withheld, %d of them to protect others; %d published",
		primaryAreas, secondaryAreas, len(withheld), secondaryFigures, len(published))

	// The constraints: each published figure, its known areas moved to the
	// right-hand side.
	var cons strings.Builder
	for k, f := range published {
		rhs := f.value
		var lhs strings.Builder
		for _, tt := range f.terms {
			if unknown[tt.area] {
				fmt.Fprintf(&lhs, " %+g x%d", tt.coef, tt.area)
			} else {
				rhs -= tt.coef * res.Demand[tt.area].Weight
			}
		}
		if lhs.Len() > 0 {
			fmt.Fprintf(&cons, " c%d:%s = %s\n", k, lhs.String(), strconv.FormatFloat(rhs, 'f', -1, 64))
		}
	}
	solve := func(obj string) float64 {
		model := "Minimize\n obj:" + obj + "\nSubject To\n" + cons.String() + "End\n"
		return cbctest.Optimum(t, cbc, model)
	}
	check := func(name string, terms []term) {
		var obj, neg strings.Builder
		known := 0.0
		for _, tt := range terms {
			if unknown[tt.area] {
				fmt.Fprintf(&obj, " %+g x%d", tt.coef, tt.area)
				fmt.Fprintf(&neg, " %+g x%d", -tt.coef, tt.area)
			} else {
				known += tt.coef * res.Demand[tt.area].Weight
			}
		}
		if obj.Len() == 0 {
			t.Errorf("%s: every area of it is published", name)
			return
		}
		lo, hi := solve(obj.String()), -solve(neg.String())
		if hi-lo < 1e-6 {
			t.Errorf("%s is recoverable: it can only be %v", name, known+lo)
		}
	}
	for _, f := range withheld {
		check(f.name, f.terms)
	}
	for i, d := range res.Demand {
		if d.Withheld && res.Disclosure.Withholds(d.Weight) {
			check("area "+d.Code, []term{{i, 1}})
		}
	}
	// No two published sets, one inside the other, differ by a small count.
	for _, a := range published {
		for _, b := range published {
			if a == b || !a.unit() || !b.unit() || a.class != classCount || b.class != classCount || !res.Disclosure.Withholds(b.value-a.value) {
				continue
			}
			in := map[int]bool{}
			for _, tt := range b.terms {
				in[tt.area] = true
			}
			inside := true
			for _, tt := range a.terms {
				inside = inside && in[tt.area]
			}
			if inside {
				t.Errorf("%s less %s is %v, a small count of the areas in one and not the other", b.name, a.name, b.value-a.value)
			}
		}
	}
	if primaryAreas == 0 || len(withheld) == 0 || secondaryAreas+secondaryFigures == 0 || len(published) == 0 {
		t.Errorf("%d small areas withheld, %d by secondary suppression; %d figures withheld (%d secondary), %d published: the test proves nothing",
			primaryAreas, secondaryAreas, len(withheld), secondaryFigures, len(published))
	}
}
