package scoring

import (
	"fmt"
	"math"
	"sort"
)

// Change is one row of the ONS LSOA (2011) to LSOA (2021) lookup: U
// unchanged, S a 2011 area split into several 2021 areas, M several 2011
// areas merged into one, X a complex redrawing.
type Change struct {
	LSOA11, LSOA21, Kind string
}

// Conversion is a set of 2011 areas carried onto 2021 areas.
type Conversion struct {
	Codes   []string // the 2021 areas, sorted
	Complex []string // 2021 areas reached through an X (complex) change, sorted
	Partial []string // 2021 areas only some of whose 2011 parents were in the set, sorted
}

// ConvertAreas carries a set of LSOA 2011 codes (a locality) onto LSOA
// 2021 codes through the ONS lookup. A 2021 area joins the set when most of
// its 2011 parents are in it (for a merge, M, the parents are several; for
// U and S there is one); ties join. 2021 areas reached through complex (X)
// changes are listed so users can check them, as are 2021 areas that only
// partly come from the set.
func ConvertAreas(codes2011 []string, changes []Change) Conversion {
	in := make(map[string]bool, len(codes2011))
	for _, c := range codes2011 {
		in[c] = true
	}
	parents := map[string][]string{}
	kinds := map[string]string{}
	for _, ch := range changes {
		parents[ch.LSOA21] = append(parents[ch.LSOA21], ch.LSOA11)
		if ch.Kind == "X" || kinds[ch.LSOA21] == "" {
			kinds[ch.LSOA21] = ch.Kind
		}
	}
	var out Conversion
	for code21, ps := range parents {
		n := 0
		for _, p := range ps {
			if in[p] {
				n++
			}
		}
		if n == 0 {
			continue
		}
		if 2*n >= len(ps) {
			out.Codes = append(out.Codes, code21)
			if kinds[code21] == "X" {
				out.Complex = append(out.Complex, code21)
			}
		}
		if n < len(ps) {
			out.Partial = append(out.Partial, code21)
		}
	}
	sort.Strings(out.Codes)
	sort.Strings(out.Complex)
	sort.Strings(out.Partial)
	return out
}

// Position is a locality's standing under one IoD release: the
// population-weighted mean national rank of its areas (inverted so that a
// larger value means more deprived, as in the IoD's "average rank"), and
// its rank among the localities compared (1 = most deprived).
type Position struct {
	AverageRank float64
	Rank        int
}

// VintageComparison is a locality's position under IoD2019 (LSOA 2011) and
// IoD2025 (LSOA 2021). Scores are not comparable across releases, so only
// positions are compared.
type VintageComparison struct {
	Locality   string
	IoD2019    Position
	IoD2025    Position
	RankChange int  // IoD2025 rank − IoD2019 rank: negative means relatively more deprived now
	Complex    bool // the locality's 2021 areas include areas redrawn by complex (X) changes
}

// VintageInput is one release's data for CompareVintages: each locality's
// member areas, and each area's national rank (1 = most deprived) and
// population (NaN or missing population weights the areas equally).
type VintageInput struct {
	N          int                 // LSOAs in England in this release
	Members    map[string][]string // locality → area codes
	Ranks      map[string]float64  // area → national rank
	Population map[string]float64  // area → population; may be nil
}

// CompareVintages ranks the localities under each release by average rank
// and sets the two positions side by side. complex names the localities
// whose 2021 areas include complex changes.
func CompareVintages(old, new VintageInput, complex map[string]bool) ([]VintageComparison, error) {
	posOld, err := positions(old)
	if err != nil {
		return nil, fmt.Errorf("IoD2019: %w", err)
	}
	posNew, err := positions(new)
	if err != nil {
		return nil, fmt.Errorf("IoD2025: %w", err)
	}
	var out []VintageComparison
	for loc, p := range posOld {
		q, ok := posNew[loc]
		if !ok {
			continue
		}
		out = append(out, VintageComparison{Locality: loc, IoD2019: p, IoD2025: q, RankChange: q.Rank - p.Rank, Complex: complex[loc]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].IoD2025.Rank != out[j].IoD2025.Rank {
			return out[i].IoD2025.Rank < out[j].IoD2025.Rank
		}
		return out[i].Locality < out[j].Locality
	})
	return out, nil
}

func positions(in VintageInput) (map[string]Position, error) {
	if in.N <= 0 {
		return nil, fmt.Errorf("national LSOA count %d", in.N)
	}
	avg := map[string]float64{}
	for loc, codes := range in.Members {
		sum, wsum := 0.0, 0.0
		for _, c := range codes {
			r, ok := in.Ranks[c]
			if !ok || math.IsNaN(r) {
				continue
			}
			w := 1.0
			if in.Population != nil {
				if p, ok := in.Population[c]; ok && !math.IsNaN(p) {
					w = p
				}
			}
			sum += w * (float64(in.N) + 1 - r)
			wsum += w
		}
		if wsum > 0 {
			avg[loc] = sum / wsum
		}
	}
	locs := make([]string, 0, len(avg))
	vals := make([]float64, 0, len(avg))
	for loc := range avg {
		locs = append(locs, loc)
	}
	sort.Strings(locs)
	for _, l := range locs {
		vals = append(vals, avg[l])
	}
	ranks := CompetitionRanks(vals)
	out := make(map[string]Position, len(locs))
	for i, l := range locs {
		out[l] = Position{AverageRank: vals[i], Rank: ranks[i]}
	}
	return out, nil
}

// CompetitionRanks ranks values from the largest (rank 1) down; equal
// values share the best rank (1, 2, 2, 4). NaN values rank last.
func CompetitionRanks(values []float64) []int {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) float64 {
		if math.IsNaN(values[i]) {
			return math.Inf(-1)
		}
		return values[i]
	}
	sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) > key(idx[b]) })
	ranks := make([]int, len(values))
	for pos, i := range idx {
		if pos > 0 && key(i) == key(idx[pos-1]) {
			ranks[i] = ranks[idx[pos-1]]
		} else {
			ranks[i] = pos + 1
		}
	}
	return ranks
}
