package scenario

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"placeplan"
	"placeplan/data/input"
	"placeplan/data/table"
	"placeplan/scoring"
	"placeplan/scoring/siting"
)

// robustness re-runs the selection under the needs score's uncertainty
// draws and under the other service standards, and counts how often each
// candidate is chosen.
func (pb *planBuilder) robustness(ctx context.Context, res *PlanResult) (*RobustnessResult, error) {
	ss := pb.ss
	rr := &RobustnessResult{}
	chosenDraws := map[string]int{}
	byStandard := map[string][]bool{}
	// The draws change weights only: their network is the main one,
	// reweighted; the other standards need networks of their own.
	base := make([]float64, len(pb.demand))
	for i, d := range pb.demand {
		base[i] = d.Weight
	}
	main, err := pb.network(res.Candidates, base, res.Standard)
	if err != nil {
		return nil, err
	}
	solveWith := func(weights []float64, standard float64) ([]string, error) {
		var net *siting.Network
		var err error
		if standard == res.Standard {
			net, err = main.Reweighted(weights)
		} else {
			net, err = pb.network(res.Candidates, weights, standard)
		}
		if err != nil {
			return nil, err
		}
		r, err := pb.solve(ctx, net, res.Groups)
		if err != nil {
			return nil, err
		}
		return r.Selected, nil
	}

	if ss.Robustness.Draws > 0 {
		switch {
		case ss.Demand.Weight != "need":
			pb.warnf("sites.robustness.draws: demand is weighted by %s, not need, so the needs score's uncertainty cannot move the selection; no draws were run", ss.Demand.Weight)
		case pb.sc.Uncertainty.Concentration == 0 && len(pb.sc.Uncertainty.Normalisations) < 2 && len(pb.sc.Uncertainty.Aggregations) < 2:
			pb.warnf("sites.robustness.draws: the scenario's uncertainty varies nothing (concentration 0, one normalisation, one aggregation); no draws were run")
		default:
			u := pb.sc.Uncertainty
			s := scoring.UncertaintySettings{Draws: ss.Robustness.Draws, Seed: u.Seed, Concentration: u.Concentration}
			for _, m := range u.Normalisations {
				pm, _ := scoring.ParseMethod(m)
				s.Methods = append(s.Methods, pm)
			}
			for _, a := range u.Aggregations {
				pa, _ := scoring.ParseAggregation(a)
				s.Aggregations = append(s.Aggregations, pa)
			}
			weights := make([]float64, len(pb.demand))
			err := scoring.NeedDraws(pb.areaNeed, s, func(_ int, scores []float64) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				shares := NeedShares(scores)
				for i, r := range pb.needIndex {
					weights[i] = 0
					if r >= 0 {
						weights[i] = pb.population[i] * shares[r]
					}
				}
				sel, err := solveWith(weights, res.Standard)
				if err != nil {
					return err
				}
				for _, id := range sel {
					chosenDraws[id]++
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			rr.Draws = ss.Robustness.Draws
		}
	}
	for _, std := range ss.Robustness.Standards {
		sel, err := solveWith(base, std)
		if err != nil {
			return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "sites.robustness.standards: %v %s", std, res.Unit)
		}
		k := len(rr.Standards)
		rr.Standards = append(rr.Standards, std)
		for _, id := range sel {
			if byStandard[id] == nil {
				byStandard[id] = make([]bool, len(ss.Robustness.Standards))
			}
			byStandard[id][k] = true
		}
	}

	selected := map[string]bool{}
	for _, id := range res.Selection.Selected {
		selected[id] = true
	}
	fixed := map[string]bool{}
	for _, id := range ss.Fixed {
		fixed[id] = true
	}
	for _, c := range res.Candidates {
		s := Stability{ID: c.ID, Selected: selected[c.ID], Fixed: fixed[c.ID], Draws: math.NaN(), Standards: math.NaN(), ByStandard: byStandard[c.ID]}
		if rr.Draws > 0 {
			s.Draws = float64(chosenDraws[c.ID]) / float64(rr.Draws)
		}
		if n := len(rr.Standards); n > 0 {
			if s.ByStandard == nil {
				s.ByStandard = make([]bool, n)
			}
			k := 0
			for _, b := range s.ByStandard {
				if b {
					k++
				}
			}
			s.Standards = float64(k) / float64(n)
		}
		if !s.Selected && !(s.Draws > 0) && !(s.Standards > 0) {
			continue
		}
		rr.Candidates = append(rr.Candidates, s)
	}
	slices.SortStableFunc(rr.Candidates, func(a, b Stability) int {
		if c := compareDesc(stabilityKey(a), stabilityKey(b)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	rr.Summary = robustnessSummary(rr, res)
	return rr, nil
}

// stabilityKey orders candidates: chosen first, then by how often they are
// chosen over all re-runs.
func stabilityKey(s Stability) float64 {
	k := 0.0
	if s.Selected {
		k = 10
	}
	if !math.IsNaN(s.Draws) {
		k += s.Draws
	}
	if !math.IsNaN(s.Standards) {
		k += s.Standards
	}
	return k
}

func compareDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// robustnessSummary words the re-runs. Fixed sites are in every run by
// definition: they are named apart, never as safe choices.
func robustnessSummary(rr *RobustnessResult, res *PlanResult) string {
	var fixed, safe, shaky, rivals []string
	for _, s := range rr.Candidates {
		if s.Fixed {
			fixed = append(fixed, s.ID)
			continue
		}
		min := 1.0
		if !math.IsNaN(s.Draws) {
			min = math.Min(min, s.Draws)
		}
		if !math.IsNaN(s.Standards) {
			min = math.Min(min, s.Standards)
		}
		switch {
		case s.Selected && min >= 0.9:
			safe = append(safe, s.ID)
		case s.Selected:
			shaky = append(shaky, fmt.Sprintf("%s (%s)", s.ID, stabilityText(s)))
		default:
			rivals = append(rivals, fmt.Sprintf("%s (%s)", s.ID, stabilityText(s)))
		}
	}
	var runs []string
	if rr.Draws > 0 {
		runs = append(runs, fmt.Sprintf("%d draws of the needs score's uncertainty", rr.Draws))
	}
	if len(rr.Standards) > 0 {
		parts := make([]string, len(rr.Standards))
		for i, v := range rr.Standards {
			parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
		}
		runs = append(runs, fmt.Sprintf("service standards of %s %s", strings.Join(parts, ", "), res.Unit))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Re-run under %s: ", strings.Join(runs, " and "))
	var lines []string
	switch {
	case len(safe) > 0:
		lines = append(lines, fmt.Sprintf("%s %s chosen in at least 90 %% of runs — %s.", strings.Join(safe, ", "), isAre(len(safe)), pluralWord(len(safe), "a safe choice", "safe choices")))
	case len(shaky) > 0:
		lines = append(lines, "no chosen site holds its place in 90 % of runs.")
	}
	if len(fixed) > 0 {
		lines = append(lines, fmt.Sprintf("%s %s fixed (kept open in every run), not %s.", strings.Join(fixed, ", "), isAre(len(fixed)), pluralWord(len(fixed), "a choice", "choices")))
	}
	b.WriteString(strings.Join(lines, " "))
	if len(shaky) > 0 {
		fmt.Fprintf(&b, " Less certain: %s.", strings.Join(shaky, "; "))
	}
	if len(rivals) > 0 {
		fmt.Fprintf(&b, " Chosen instead in some runs: %s.", strings.Join(rivals, "; "))
	}
	return b.String()
}

func stabilityText(s Stability) string {
	var parts []string
	if !math.IsNaN(s.Draws) {
		parts = append(parts, fmt.Sprintf("%.0f %% of draws", 100*s.Draws))
	}
	if !math.IsNaN(s.Standards) {
		parts = append(parts, fmt.Sprintf("%.0f %% of standards", 100*s.Standards))
	}
	return strings.Join(parts, ", ")
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// ReadMatrix reads an origin–destination travel matrix file (origin area
// code, destination site id, minutes or km) as siting rows, with its unit.
func ReadMatrix(path string) ([]siting.ODRow, siting.Unit, error) {
	var out []siting.ODRow
	var unit siting.Unit
	_, err := input.ReadPath(path, func(name string, r io.Reader) (struct{}, error) {
		rows, u, err := table.ReadODMatrix(name, r)
		if err != nil {
			return struct{}{}, err
		}
		unit = siting.Unit(u)
		out = make([]siting.ODRow, len(rows))
		for i, row := range rows {
			out[i] = siting.ODRow{OriginID: row.Origin, DestinationID: row.Destination, Cost: row.Cost}
		}
		return struct{}{}, nil
	})
	return out, unit, err
}
