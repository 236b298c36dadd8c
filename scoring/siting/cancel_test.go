package siting

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestSolversStopWhenCancelled cancels solves that take seconds (the
// clustered synthetic England, 479,047 pairs) or would never finish
// (exhaustive search over C(120, 10) ≈ 1.2e14 sets, the driver's own loop),
// and checks that each returns context.Canceled soon after: what a server
// needs when the client that asked goes away.
func TestSolversStopWhenCancelled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds England-sized networks")
	}
	d, c := clusteredEngland()
	capacitate(c)
	england, err := BuildNetwork(d, c, CostOptions{StandardKm: 10})
	if err != nil {
		t.Fatal(err)
	}
	dc, cc := countyInstance()
	county, err := BuildNetwork(dc, cc, CostOptions{StandardKm: 8})
	if err != nil {
		t.Fatal(err)
	}
	// Cancelled early (greedy, the first swaps) and late (the Lagrangian
	// bound, its rounding, later searches), each wants its answer back
	// within limit of the cancel.
	const limit = 500 * time.Millisecond
	cases := []struct {
		name  string
		n     *Network
		model Model
		pr    Problem
	}{
		{"mclp, greedy+swap and the Lagrangian bound", england, ModelMCLP, Problem{P: 200}},
		{"p-median, greedy+swap and the Lagrangian bound", england, ModelPMedian, Problem{P: 200}},
		{"capacitated, greedy+swap and its bounds", england, ModelCapacitated, Problem{P: 50}},
		{"lscp, one mclp per number of sites", england, ModelLSCP, Problem{TargetShare: 0.99}},
		{"mclp, exhaustive search", county, ModelMCLP, Problem{P: 10, Solver: Exhaustive}},
		{"capacitated, exhaustive search", county, ModelCapacitated, Problem{P: 10, Solver: Exhaustive}},
		{"p-median, branch and bound", county, ModelPMedian, Problem{P: 30, Solver: BranchAndBound, MaxNodes: 1 << 40}},
	}
	for _, tc := range cases {
		for _, after := range []time.Duration{50 * time.Millisecond, 600 * time.Millisecond} {
			t.Run(fmt.Sprintf("%s/after %v", tc.name, after), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				timer := time.AfterFunc(after, cancel)
				defer timer.Stop()
				start := time.Now()
				r, err := Solve(ctx, tc.n, tc.model, tc.pr)
				took := time.Since(start)
				if ctx.Err() == nil {
					t.Skipf("finished in %v, before the cancel: nothing to stop on this machine (%v, %v)", took, r, err)
				}
				if !errors.Is(err, context.Canceled) || r != nil {
					t.Fatalf("got %v, %v; want context.Canceled and no result", r, err)
				}
				if took > after+limit {
					t.Errorf("stopped %v after the cancel, want within %v", took-after, limit)
				}
				t.Logf("stopped %v after the cancel", took-after)
			})
		}
	}
}

// TestSolversRefuseDoneContext: a context already done stops every model
// and solver before it does any work.
func TestSolversRefuseDoneContext(t *testing.T) {
	d, c := randomInstance(61, 100, 20)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	for _, m := range []Model{ModelMCLP, ModelPMedian, ModelLSCP, ModelCapacitated} {
		for _, s := range []Solver{Auto, Exhaustive, BranchAndBound, GreedySwap} {
			t.Run(m.String()+"/"+string(s), func(t *testing.T) {
				r, err := Solve(ctx, n, m, Problem{P: 3, Solver: s})
				if !errors.Is(err, context.DeadlineExceeded) || r != nil {
					t.Errorf("got %v, %v; want context.DeadlineExceeded", r, err)
				}
			})
		}
	}
}
