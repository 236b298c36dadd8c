package scenario

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/scoring/classify"
)

// valuesOnly is an AreaData holding one indicator's values.
type valuesOnly struct {
	AreaData
	values []placeplan.Value
}

func (v valuesOnly) Values(context.Context, int64) ([]placeplan.Value, error) { return v.values, nil }

// TestLegendWithholdsSmallCounts: a confidential count's values below the
// threshold are left out of the classes and counted, so no break is one.
func TestLegendWithholdsSmallCounts(t *testing.T) {
	ind := placeplan.Indicator{Key: "referrals", Kind: placeplan.KindCount, Confidential: true,
		Direction: placeplan.HigherIsWorse, Geography: placeplan.LSOA2011}
	st := valuesOnly{values: []placeplan.Value{{Area: "a", Value: 3}, {Area: "b", Value: 12}, {Area: "c", Value: 0}, {Area: "d", Value: 7}}}
	for _, tc := range []struct {
		name           string
		d              placeplan.Disclosure
		n, suppressed  int
		breaksWithout3 bool
	}{
		{"suppression on", placeplan.Disclosure{MinCount: 5}, 3, 1, true},
		{"suppression off", placeplan.Disclosure{}, 4, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lg, err := Legend(context.Background(), st, LegendRequest{Indicator: ind, Disclosure: tc.d, Method: classify.Jenks, Classes: 4})
			if err != nil {
				t.Fatal(err)
			}
			if lg.N != tc.n || lg.Suppressed != tc.suppressed || slices.Contains(lg.Breaks, 3) != !tc.breaksWithout3 {
				t.Errorf("n %d, suppressed %d, breaks %v; want n %d, suppressed %d", lg.N, lg.Suppressed, lg.Breaks, tc.n, tc.suppressed)
			}
			said := slices.ContainsFunc(lg.Notes, func(n string) bool { return strings.Contains(n, "1 value withheld as small numbers is not classified") })
			if said != (tc.suppressed > 0) {
				t.Errorf("notes %q", lg.Notes)
			}
		})
	}
}

// TestLegend checks an indicator's legend and a scenario's need legend
// against scoring/classify called on the same values.
func TestLegend(t *testing.T) {
	ctx := context.Background()
	st := loadDefault(t)
	inds, err := st.Indicators(ctx, placeplan.LSOA2011)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(inds, func(ind placeplan.Indicator) bool { return ind.Key == "imd_rank" })
	if i < 0 {
		t.Fatal("no imd_rank")
	}
	vs, err := st.Values(ctx, inds[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	var values []float64
	for _, v := range vs {
		values = append(values, v.Value)
	}
	lg, err := Legend(ctx, st, LegendRequest{Indicator: inds[i]})
	if err != nil {
		t.Fatal(err)
	}
	want, err := classify.Breaks(values, DefaultLegendMethod, DefaultLegendClasses)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lg.Breaks, want.Breaks) || !slices.Equal(lg.Counts, want.Counts) || lg.Geography != placeplan.LSOA2011 {
		t.Errorf("imd_rank: breaks %v counts %v, want %v %v", lg.Breaks, lg.Counts, want.Breaks, want.Counts)
	}
	// Higher rank is less deprived: the colours run the other way.
	if lg.Palette == want.Palette || slices.Equal(lg.Colors, want.Colors) || lg.PaletteKind == "" {
		t.Errorf("imd_rank: palette %s %v (%s), want %s reversed", lg.Palette, lg.Colors, lg.PaletteKind, want.Palette)
	}

	sc, err := ReadFile(filepath.Join("defaults", "shropshire-need.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Score(ctx, st, sc)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := AreaResults(ctx, st, res)
	if err != nil {
		t.Fatal(err)
	}
	var shares []float64
	for _, a := range rows {
		if a.NeedRank > 0 {
			shares = append(shares, a.NeedShare)
		}
	}
	need, err := Legend(ctx, st, LegendRequest{Scenario: res, Field: FieldNeedShare, Method: classify.Quantile, Classes: 4})
	if err != nil {
		t.Fatal(err)
	}
	want, err = classify.Breaks(shares, classify.Quantile, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(need.Breaks, want.Breaks) || need.N != len(shares) || !strings.HasPrefix(need.Name, "Need share: ") {
		t.Errorf("need share: %s, n %d, breaks %v; want n %d, breaks %v", need.Name, need.N, need.Breaks, len(shares), want.Breaks)
	}
	if _, err := Legend(ctx, st, LegendRequest{Scenario: res, Field: "imd_score"}); placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Errorf("a scenario's legend of imd_score: %v, want an invalid error", err)
	}
}
