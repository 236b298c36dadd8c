package siting

import (
	"context"
	"math"
	"strings"
	"testing"
)

// Within 30 km Shrewsbury (S) and Oswestry (O) both reach a and b; Ludlow
// (L) alone reaches c.
func TestExplainSelection(t *testing.T) {
	d, c := toy()
	n, err := BuildNetwork(d, c, CostOptions{Circuity: 1, StandardKm: 30})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ExplainSelection(n, []string{"O", "S", "L"}, ExplainOptions{Noun: "children", Fixed: []string{"O"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id                   string
		reach, unique, serve float64
		overlap              string
		maxCostKm            float64 // roughly
	}{
		{"O", 15, 0, 5, "S", 0.5},
		{"S", 15, 0, 10, "O", 0.5},
		{"L", 7, 7, 7, "", 0.5},
	}
	for k, w := range want {
		e := ex[k]
		if e.ID != w.id || e.Reach != w.reach || e.Unique != w.unique || e.Served != w.serve {
			t.Errorf("%s: reach %v unique %v served %v, want %+v", e.ID, e.Reach, e.Unique, e.Served, w)
		}
		if got := ""; len(e.Overlaps) > 0 {
			got = e.Overlaps[0].Site
			if got != w.overlap || e.Overlaps[0].Weight != 15 {
				t.Errorf("%s overlaps %+v, want %s by 15", e.ID, e.Overlaps, w.overlap)
			}
		} else if w.overlap != "" {
			t.Errorf("%s: no overlap, want %s", e.ID, w.overlap)
		}
		if !(e.MaxCost < w.maxCostKm) || math.Abs(e.ReachShare-w.reach/22) > 1e-12 {
			t.Errorf("%s: max cost %v km, share %v", e.ID, e.MaxCost, e.ReachShare)
		}
	}
	for _, s := range []string{"O is already open", "O reaches 15.0 children within 30 km (68 %", "adds resilience rather than reach", "overlaps most with S (15.0 shared)"} {
		if !strings.Contains(ex[0].Text, s) {
			t.Errorf("Oswestry's explanation %q lacks %q", ex[0].Text, s)
		}
	}
	if !strings.Contains(ex[2].Text, "No other chosen site reaches any of it") || strings.Contains(ex[2].Text, "already open") {
		t.Errorf("Ludlow: %q", ex[2].Text)
	}
	for _, bad := range [][]string{{"X"}, {"S", "S"}} {
		if _, err := ExplainSelection(n, bad, ExplainOptions{}); err == nil {
			t.Errorf("selection %v accepted", bad)
		}
	}
}

// With Oswestry unchosen it is the alternative to both: it reaches just
// what Shrewsbury does, and nothing Ludlow does.
func TestExplainAlternatives(t *testing.T) {
	d, c := toy()
	n, err := BuildNetwork(d, c, CostOptions{Circuity: 1, StandardKm: 30})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ExplainSelection(n, []string{"S", "L"}, ExplainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Alternative != "O" || ex[0].AlternativeLoss != 0 || !strings.Contains(ex[0].Text, "O could take its place with no loss of reach") {
		t.Errorf("S: alternative %q loses %v: %s", ex[0].Alternative, ex[0].AlternativeLoss, ex[0].Text)
	}
	if ex[1].Alternative != "O" || ex[1].AlternativeLoss != 7 || !strings.Contains(ex[1].Text, "The closest alternative, O, would reach 7.0 less in its place") {
		t.Errorf("L: alternative %q loses %v: %s", ex[1].Alternative, ex[1].AlternativeLoss, ex[1].Text)
	}
	ex, err = ExplainSelection(n, []string{"S", "L"}, ExplainOptions{Excluded: []string{"O"}, Fixed: []string{"L"}})
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Alternative != "" || ex[1].Alternative != "" {
		t.Errorf("alternatives %q, %q: O is excluded and L fixed", ex[0].Alternative, ex[1].Alternative)
	}
}

func TestAmount(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{1234567.4, "1,234,567"}, {-1234, "-1,234"}, {100, "100"}, {99.94, "99.9"}, {0.456, "0.46"}, {0, "0.00"}} {
		if got := Amount(c.x); got != c.want {
			t.Errorf("Amount(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

// Reweighting keeps the pairs and changes only the weights.
func TestReweighted(t *testing.T) {
	d, c := toy()
	n, err := BuildNetwork(d, c, CostOptions{Circuity: 1, StandardKm: 30})
	if err != nil {
		t.Fatal(err)
	}
	r, err := n.Reweighted([]float64{1, 2, 30})
	if err != nil {
		t.Fatal(err)
	}
	if r.Pairs() != n.Pairs() || r.TotalWeight() != 33 || n.TotalWeight() != 22 {
		t.Errorf("pairs %d/%d, weights %v/%v", r.Pairs(), n.Pairs(), r.TotalWeight(), n.TotalWeight())
	}
	res, err := MCLP(context.Background(), r, Problem{P: 1})
	if err != nil || res.Selected[0] != "L" {
		t.Errorf("with c weighing 30 the one site is L: %+v %v", res, err)
	}
	for _, bad := range [][]float64{{1, 2}, {1, -2, 3}, {1, math.NaN(), 3}} {
		if _, err := n.Reweighted(bad); err == nil {
			t.Errorf("weights %v accepted", bad)
		}
	}
}
