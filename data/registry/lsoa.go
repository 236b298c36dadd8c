// Package registry carries the embedded code registries: every LSOA 2011
// and 2021 code in England and Wales (from the ONS LSOA 2011 → 2021
// lookup) and every MSOA 2011 and 2021 with its ONS and House of Commons
// Library names, so readers can tell an unknown code from a code of the
// other vintage and find an area's MSOA. The files are derived by
// `go generate ./data` from ../shared/data; each is parsed once, on first
// use.
package registry

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"sync"

	"placeplan"
	"placeplan/data/record"
)

// lsoaChangesCSV is the ONS LSOA (2011) to LSOA (2021) lookup for England
// and Wales reduced to three columns (lsoa11cd, lsoa21cd, chgind).
//
//go:embed lsoa11_lsoa21.csv.gz
var lsoaChangesCSV []byte

// LSOAChangesFile returns the embedded LSOA 2011 → 2021 lookup, gzipped, and
// its file name, so the embedded default can ingest it like any lookup.
func LSOAChangesFile() (name string, gz []byte) {
	return "lsoa11_lsoa21.csv.gz", lsoaChangesCSV
}

// LSOACodes knows every LSOA 2011 and LSOA 2021 code in England and Wales.
type LSOACodes struct {
	lsoa11, lsoa21 map[string]bool
	Changes        []record.LSOAChange
}

var loadLSOAs = sync.OnceValues(func() (*LSOACodes, error) {
	rows, err := readCSV("lsoa11_lsoa21.csv.gz", lsoaChangesCSV)
	if err != nil {
		return nil, err
	}
	r := &LSOACodes{lsoa11: map[string]bool{}, lsoa21: map[string]bool{}}
	for _, row := range rows {
		r.lsoa11[row[0]] = true
		r.lsoa21[row[1]] = true
		r.Changes = append(r.Changes, record.LSOAChange{LSOA11: row[0], LSOA21: row[1], Change: row[2]})
	}
	return r, nil
})

// LSOAs returns the embedded LSOA code registry (parsed once).
func LSOAs() (*LSOACodes, error) { return loadLSOAs() }

// Known reports whether code is an LSOA code of geography g.
func (r *LSOACodes) Known(g placeplan.Geography, code string) bool {
	switch g {
	case placeplan.LSOA2011:
		return r.lsoa11[code]
	case placeplan.LSOA2021:
		return r.lsoa21[code]
	}
	return false
}

// Guess decides which LSOA vintage a list of codes is in: codes that exist
// in only one vintage decide it. It returns "" when every code exists in
// both (most codes were unchanged in 2021), and the positions of the codes
// found in only one vintage, so a caller can report a mix.
func (r *LSOACodes) Guess(codes []string) (g placeplan.Geography, only11, only21 []int) {
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

// readCSV reads one of the embedded registry files: gzipped CSV of three
// columns whose first record is a header, which it skips.
func readCSV(name string, gz []byte) ([][]string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("embedded registry %s: %w", name, err)
	}
	r := csv.NewReader(zr)
	r.FieldsPerRecord = 0 // every row as wide as the header
	r.ReuseRecord = false
	if _, err := r.Read(); err != nil {
		return nil, fmt.Errorf("embedded registry %s: %w", name, err)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("embedded registry %s: %w", name, err)
		}
		rows = append(rows, rec)
	}
}
