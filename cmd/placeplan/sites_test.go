package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan/scoring/siting"
	"placeplan/wire"
)

func TestSitesCommand(t *testing.T) {
	dir := t.TempDir()
	demand := filepath.Join(dir, "d.csv")
	cands := filepath.Join(dir, "c.csv")
	matrix := filepath.Join(dir, "m.csv")
	writeFile(t, demand, "id,lon,lat,weight\na,-2.75,52.71,10\nb,-3.05,52.86,5\nc,-2.72,52.37,7\n")
	writeFile(t, cands, "id,lon,lat,capacity\nS,-2.754,52.708,30\nO,-3.051,52.862,\nL,-2.719,52.368,20\n")
	writeFile(t, matrix, "origin,destination,minutes\na,S,6\nb,O,4\nc,L,8\na,O,35\nc,S,50\n")
	var res wire.Sites
	decode := func(args ...string) {
		t.Helper()
		out, errOut, code := runCLI(t, append([]string{"sites", "--demand", demand, "--candidates", cands}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		res = wire.Sites{}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
	}
	// The toy case of the contract: covering 17 with S and L is optimal.
	decode("--model", "mclp", "--p", "2", "--standard-km", "5", "--circuity", "1", "--format", "json")
	if res.Objective != 17 || res.UpperBound != 17 || !res.ProvenOptimal || strings.Join(sorted(res.Selected), ",") != "L,S" || res.TotalWeight != 22 {
		t.Errorf("toy MCLP: %+v", res)
	}
	// Oswestry fixed: it is chosen, and the best other site joins it.
	decode("--model", "mclp", "--p", "2", "--standard-km", "5", "--circuity", "1", "--fixed", "O")
	if res.Selected[0] != "O" || res.Objective != 15 {
		t.Errorf("with O fixed: %+v", res)
	}
	// Excluding S leaves O and L.
	decode("--model", "mclp", "--p", "2", "--standard-km", "5", "--circuity", "1", "--exclude", "S")
	if strings.Join(sorted(res.Selected), ",") != "L,O" || res.Objective != 12 {
		t.Errorf("with S excluded: %+v", res)
	}
	// An imported travel matrix in minutes: everything within 10 minutes with three sites.
	decode("--model", "lscp", "--matrix", matrix, "--standard-min", "10")
	if res.Objective != 3 || res.CoveredWeight != 22 || res.Unit != "minutes" || res.LowerBound == nil {
		t.Errorf("LSCP on the matrix: %+v", res)
	}
	if res.Seed != siting.DefaultSeed || len(res.Warnings) != 0 {
		t.Errorf("seed %d, warnings %q: want the one default seed, %d, and no warnings", res.Seed, res.Warnings, siting.DefaultSeed)
	}
	// A matrix with no rows for L nor for c is used, with a warning on
	// stderr and in the JSON.
	partial := filepath.Join(dir, "partial.csv")
	writeFile(t, partial, "origin,destination,minutes\na,S,6\nb,O,4\n")
	out, errOut, code := runCLI(t, "sites", "--demand", demand, "--candidates", cands, "--model", "mclp", "--p", "2", "--matrix", partial, "--standard-min", "10")
	const gap = "the travel matrix has no rows for 1 of the 3 candidate sites (L), which can serve no one, and for 1 of the 3 demand points (c), which no site can reach"
	if code != 0 || !strings.Contains(errOut, "warning: "+gap) || !strings.Contains(out, gap) {
		t.Errorf("a partial matrix: exit %d, stderr %q, stdout %s", code, errOut, out)
	}
	decode("--model", "pmedian", "--p", "3", "--standard-km", "50", "--circuity", "1.3")
	if len(res.Selected) != 3 || res.LowerBound == nil || *res.LowerBound > res.Objective+1e-9 {
		t.Errorf("p-median: %+v", res)
	}
	out, _, code = runCLI(t, "sites", "--demand", demand, "--candidates", cands, "--model", "mclp", "--p", "2", "--standard-km", "5", "--circuity", "1", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "order,id,lon,lat,capacity,served" {
		t.Fatalf("csv: %v %v", rows, err)
	}
	// In the order of what each adds, not the exhaustive search's id
	// order: S covers a (10), then L adds c (7).
	if got := rows[1][0] + rows[1][1] + "," + rows[2][0] + rows[2][1]; got != "1S,2L" {
		t.Errorf("csv order %v: want S (adds 10) first, then L (adds 7)", rows)
	}
	// Capacities: S serves at most 30 and L 20, so with both open and a
	// 100 km standard everything (22) is served, split within capacity.
	decode("--model", "capacitated", "--p", "2", "--standard-km", "100", "--circuity", "1")
	if res.Objective != 22 || len(res.Served) != 2 || res.Served[0]+res.Served[1] != 22 || !res.ProvenOptimal {
		t.Errorf("capacitated: %+v", res)
	}
	writeFile(t, cands, "id,lon,lat,capacity\nS,-2.754,52.708,8\nO,-3.051,52.862,4\nL,-2.719,52.368,6\n")
	decode("--model", "capacitated", "--p", "2", "--standard-km", "100", "--circuity", "1")
	if res.Objective != 14 || strings.Join(sorted(res.Selected), ",") != "L,S" {
		t.Errorf("capacitated, capacities 8, 4 and 6: %+v", res)
	}
	for i, id := range res.Selected {
		if capacity := map[string]float64{"S": 8, "L": 6}[id]; res.Served[i] > capacity {
			t.Errorf("%s serves %v, over its capacity %v", id, res.Served[i], capacity)
		}
	}
	// Mistakes.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--model", "mclp", "--p", "2"}, 2, "give one service standard"},
		{[]string{"--model", "maxcover", "--p", "2", "--standard-km", "5"}, 2, `--model "maxcover"`},
		{[]string{"--model", "mclp", "--standard-km", "5"}, 2, "--p N"},
		{[]string{"--model", "mclp", "--p", "2", "--standard-km", "5", "--fixed", "X"}, 65, "X"},
		{[]string{"--model", "mclp", "--p", "2", "--matrix", matrix, "--standard-km", "5"}, 65, "is in minutes but the service standard is in km"},
	} {
		_, errOut, code := runCLI(t, append([]string{"sites", "--demand", demand, "--candidates", cands}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %s; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
