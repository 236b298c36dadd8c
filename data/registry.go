package data

import (
	"bytes"
	_ "embed"
	"sync"

	"placeplan"
)

// lsoaRegistryCSV is the ONS LSOA (2011) to LSOA (2021) lookup for England
// and Wales reduced to three columns (lsoa11cd, lsoa21cd, chgind); it is
// derived by `go generate ./data` from ../shared/data.
//
//go:embed registry/lsoa11_lsoa21.csv.gz
var lsoaRegistryCSV []byte

// LSOAChange is one row of the ONS LSOA 2011 → 2021 lookup.
type LSOAChange struct {
	LSOA11, LSOA21 string
	Change         string // U unchanged, S split, M merged, X complex
}

// CodeRegistry knows every LSOA 2011 and LSOA 2021 code in England and
// Wales, so readers can tell an unknown code from a code of the other
// vintage.
type CodeRegistry struct {
	lsoa11, lsoa21 map[string]bool
	Changes        []LSOAChange
}

var loadRegistry = sync.OnceValues(func() (*CodeRegistry, error) {
	ins, err := ReadInputs("lsoa11_lsoa21.csv.gz", bytes.NewReader(lsoaRegistryCSV))
	if err != nil {
		return nil, err
	}
	t, err := readTable(ins[0].Name, ins[0].Data)
	if err != nil {
		return nil, err
	}
	r := &CodeRegistry{lsoa11: map[string]bool{}, lsoa21: map[string]bool{}}
	for _, row := range t.rows {
		r.lsoa11[row[0]] = true
		r.lsoa21[row[1]] = true
		r.Changes = append(r.Changes, LSOAChange{LSOA11: row[0], LSOA21: row[1], Change: row[2]})
	}
	return r, nil
})

// Registry returns the embedded code registry (parsed once).
func Registry() (*CodeRegistry, error) { return loadRegistry() }

// Known reports whether code is an LSOA code of geography g.
func (r *CodeRegistry) Known(g placeplan.Geography, code string) bool {
	switch g {
	case placeplan.LSOA2011:
		return r.lsoa11[code]
	case placeplan.LSOA2021:
		return r.lsoa21[code]
	}
	return false
}

// Other returns the other LSOA geography.
func otherGeography(g placeplan.Geography) placeplan.Geography {
	if g == placeplan.LSOA2011 {
		return placeplan.LSOA2021
	}
	return placeplan.LSOA2011
}

// guessGeography decides which LSOA vintage a list of codes is in: codes that
// exist in only one vintage decide it. It returns "" when every code exists
// in both (most codes were unchanged in 2021) and reports a mix.
func (r *CodeRegistry) guessGeography(codes []string) (g placeplan.Geography, only11, only21 []int) {
	for i, c := range codes {
		in11, in21 := r.lsoa11[c], r.lsoa21[c]
		switch {
		case in11 && !in21:
			only11 = append(only11, i)
		case in21 && !in11:
			only21 = append(only21, i)
		}
	}
	switch {
	case len(only11) > 0 && len(only21) == 0:
		g = placeplan.LSOA2011
	case len(only21) > 0 && len(only11) == 0:
		g = placeplan.LSOA2021
	}
	return g, only11, only21
}
