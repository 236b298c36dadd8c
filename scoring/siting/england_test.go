package siting_test

import (
	"compress/gzip"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/data"
	"placeplan/internal/cbctest"
	"placeplan/scoring/siting"
)

// englandData is the real England instance of issue 4's benchmark: one
// demand point per LSOA 2011 (32,844, at a point inside the polygon),
// weighted by children in income-deprived families (IoD2019 IDACI rate ×
// children 0–15), and the ONS MSOA 2011 centres in England as candidate
// sites. It is read once per test binary from ../shared/data through
// placeplan's own ingest.
var englandData = sync.OnceValues(func() (*englandInstance, error) {
	root := filepath.Join("..", "..", "..", "shared", "data")
	paths := []string{
		filepath.Join(root, "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz"),
		filepath.Join(root, "lsoa2011_boundaries", "lsoa2011_bgc_england_wgs84_6dp.geojson.gz"),
		filepath.Join(root, "msoa_names_and_towns", "msoa-2011-centroids-hcl.json.gz"),
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return nil, errAbsent{p}
		}
	}
	ctx := context.Background()
	st, err := data.Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if _, err := st.IngestFiles(ctx, paths[:2], data.IngestOptions{}); err != nil {
		return nil, err
	}
	areas, err := st.Areas(ctx, placeplan.AreaQuery{Geography: placeplan.LSOA2011})
	if err != nil {
		return nil, err
	}
	inds, err := st.Indicators(ctx, placeplan.LSOA2011)
	if err != nil {
		return nil, err
	}
	vals := map[string]map[string]float64{}
	for _, ind := range inds {
		if ind.Key != "idaci_score" && ind.Key != "pop_children_0_15" {
			continue
		}
		vs, err := st.Values(ctx, ind.ID)
		if err != nil {
			return nil, err
		}
		m := make(map[string]float64, len(vs))
		for _, v := range vs {
			m[v.Area] = v.Value
		}
		vals[ind.Key] = m
	}
	in := &englandInstance{}
	for _, a := range areas {
		w := vals["idaci_score"][a.Code] * vals["pop_children_0_15"][a.Code]
		in.demands = append(in.demands, siting.Demand{ID: a.Code, Point: a.Point, Weight: w})
	}
	// The House of Commons Library centroid file lists Wales's W02000422
	// twice, which placeplan's ingest rightly refuses; England's are read
	// directly.
	f, err := os.Open(paths[2])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, err
	}
	for _, ft := range fc.Features {
		code := ft.Properties.MustString("msoa11cd", "")
		if pt, ok := ft.Geometry.(orb.Point); ok && strings.HasPrefix(code, "E02") {
			in.candidates = append(in.candidates, siting.Candidate{ID: code, Point: pt, Capacity: math.NaN()})
		}
	}
	return in, nil
})

type englandInstance struct {
	demands    []siting.Demand
	candidates []siting.Candidate
}

type errAbsent struct{ path string }

func (e errAbsent) Error() string { return "shared data " + e.path + " is absent" }

func loadEngland(tb testing.TB) *englandInstance {
	tb.Helper()
	if testing.Short() {
		tb.Skip("England instance: skipped with -short")
	}
	in, err := englandData()
	if _, absent := err.(errAbsent); absent {
		tb.Skipf("England instance: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

// TestEnglandMCLPGap is issue 4's England-scale case as a test: 32,844 LSOA
// demand points, the MSOA 2011 centres as candidates, p = 50 within 10 km
// (great-circle × 1.3). The answer must be proven within 0.2 % of optimal by
// its own upper bound (issue 16), and cover at least the 1,048,210 that
// CBC 2.10 found on the same model in 600 s (docs/BENCHMARKS.md); the
// bound may not fall below CBC's LP relaxation optimum, 1,050,134.158,
// which no valid bound can.
func TestEnglandMCLPGap(t *testing.T) {
	in := loadEngland(t)
	if len(in.demands) != 32844 || len(in.candidates) < 6700 || len(in.candidates) > 6800 {
		t.Fatalf("%d demand points and %d candidates, want 32,844 LSOAs and England's ~6,791 MSOAs", len(in.demands), len(in.candidates))
	}
	n, err := siting.BuildNetwork(in.demands, in.candidates, siting.CostOptions{StandardKm: 10})
	if err != nil {
		t.Fatal(err)
	}
	r, err := siting.MCLP(context.Background(), n, siting.Problem{P: 50})
	if err != nil {
		t.Fatal(err)
	}
	const cbc600s, cbcLP = 1048210, 1050134.158
	if r.Gap > 0.002 || r.Objective < cbc600s || r.UpperBound < cbcLP-0.5 || len(r.Selected) != 50 {
		t.Errorf("covered %.0f of %.0f, bound %.0f: gap %.3f %% (want ≤ 0.2 %%, at least %d covered, the bound at least %.0f)",
			r.Objective, r.TotalWeight, r.UpperBound, 100*r.Gap, cbc600s, cbcLP)
	}
	t.Logf("%s: covered %.0f of %.0f children in income-deprived families, bound %.0f, gap %.3f %%, %d pairs",
		r.Solver, r.Objective, r.TotalWeight, r.UpperBound, 100*r.Gap, n.Pairs())
}

// BenchmarkMCLPEnglandReal times building the 10 km network and solving
// MCLP with p = 50 on the real England instance (target: under 5 s and
// 2 GiB, proven within 0.2 % of optimal).
func BenchmarkMCLPEnglandReal(b *testing.B) {
	r := benchEnglandReal(b, siting.MCLP)
	b.Logf("%s: covered %.0f of %.0f, bound %.0f, gap %.4f %%, proven %v", r.Solver, r.Objective, r.TotalWeight, r.UpperBound, 100*r.Gap, r.ProvenOptimal)
}

// BenchmarkPMedianEnglandReal times building the 10 km network and solving
// p-median with p = 50 on the real England instance: the travel cost in
// km × weight, a demand point with no site within 10 km costing 10 km.
func BenchmarkPMedianEnglandReal(b *testing.B) {
	r := benchEnglandReal(b, siting.PMedian)
	b.Logf("%s: cost %.0f, bound %.0f, gap %.4f %%, proven %v", r.Solver, r.Objective, r.LowerBound, 100*r.Gap, r.ProvenOptimal)
}

// benchEnglandReal times building the 10 km network and solving it with
// p = 50, reporting the gap and the process's peak RSS, and returns the
// last result.
func benchEnglandReal(b *testing.B, solve func(context.Context, *siting.Network, siting.Problem) (*siting.Result, error)) *siting.Result {
	in := loadEngland(b)
	b.ReportAllocs()
	b.ResetTimer()
	var r *siting.Result
	for b.Loop() {
		n, err := siting.BuildNetwork(in.demands, in.candidates, siting.CostOptions{StandardKm: 10})
		if err != nil {
			b.Fatal(err)
		}
		if r, err = solve(context.Background(), n, siting.Problem{P: 50}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*r.Gap, "gap%")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
	return r
}

// TestEnglandRegionMCLPAgainstCBC solves MCLP on a real region, Greater
// Manchester's LSOAs and MSOA centres (lon −2.75…−1.95, lat 53.33…53.70),
// within 3 km, p = 25, with greedy+swap (the England path: Lagrangian,
// lpDual, perturbations), and checks it against CBC on the same model:
// the answer may not beat CBC's optimum and must come within 0.1 % of it,
// and the bound may not fall below CBC's LP optimum (no valid Lagrangian
// bound can) and must come within 0.05 % of it. Subgradient steps, swaps
// and rounding alone (the path before issue 16) reach 89,512.1, 0.36 %
// short, with a bound 0.069 % above the LP's; this path 89,802.7 and 0.041 %.
func TestEnglandRegionMCLPAgainstCBC(t *testing.T) {
	cbc := cbctest.Path(t)
	in := loadEngland(t)
	inBox := func(p orb.Point) bool { return p[0] > -2.75 && p[0] < -1.95 && p[1] > 53.33 && p[1] < 53.70 }
	var d []siting.Demand
	var c []siting.Candidate
	for _, x := range in.demands {
		if inBox(x.Point) {
			d = append(d, x)
		}
	}
	for _, x := range in.candidates {
		if inBox(x.Point) {
			c = append(c, x)
		}
	}
	n, err := siting.BuildNetwork(d, c, siting.CostOptions{StandardKm: 3})
	if err != nil {
		t.Fatal(err)
	}
	pr := siting.Problem{P: 25, Solver: siting.GreedySwap}
	model := siting.LPModel(n, pr, false)
	lpOpt := math.Abs(cbctest.Optimum(t, cbc, model[:strings.Index(model, "Binary\n")]+"End\n"))
	want := math.Abs(cbctest.Optimum(t, cbc, model))
	r, err := siting.MCLP(context.Background(), n, pr)
	if err != nil {
		t.Fatal(err)
	}
	tol := 1e-7 * lpOpt
	if r.Objective > want+tol || r.Objective < want*0.999 || r.UpperBound < lpOpt-tol || r.UpperBound > lpOpt*1.0005 {
		t.Errorf("covered %.1f, bound %.1f; CBC: optimum %.1f, LP optimum %.1f (want the cover in [0.999 × optimum, optimum], the bound in [LP, LP × 1.0005])", r.Objective, r.UpperBound, want, lpOpt)
	}
	t.Logf("%d LSOAs, %d MSOA centres, %d pairs: covered %.1f, bound %.1f; CBC optimum %.1f, LP optimum %.1f", len(d), len(c), n.Pairs(), r.Objective, r.UpperBound, want, lpOpt)
}
