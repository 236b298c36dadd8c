package registry

import (
	_ "embed"
	"slices"
	"sync"

	"placeplan"
)

// wardsCSV is the ONS LSOA (2021) to ward (May 2024) to district lookup
// for England and Wales: lsoa21cd, wd24cd, wd24nm, lad24cd, lad24nm.
//
//go:embed lsoa21_ward24.csv.gz
var wardsCSV []byte

// Ward is an electoral ward (May 2024) and the district it is in. In a
// unitary authority such as Shropshire the wards are the council's
// electoral divisions; a county council's divisions are drawn differently.
type Ward struct {
	Code, Name       string
	LADCode, LADName string
}

// Wards knows the ward of every LSOA 2021 in England and Wales, and
// through the LSOA 2011 → 2021 lookup the wards of every LSOA 2011.
type Wards struct {
	byLSOA21 map[string]Ward
	lsoa21Of map[string][]string // LSOA 2011 → the LSOA 2021 areas it became
}

var loadWards = sync.OnceValues(func() (*Wards, error) {
	rows, err := readCSV("lsoa21_ward24.csv.gz", wardsCSV)
	if err != nil {
		return nil, err
	}
	w := &Wards{byLSOA21: make(map[string]Ward, len(rows)), lsoa21Of: map[string][]string{}}
	for _, r := range rows {
		w.byLSOA21[r[0]] = Ward{Code: r[1], Name: r[2], LADCode: r[3], LADName: r[4]}
	}
	lsoas, err := LSOAs()
	if err != nil {
		return nil, err
	}
	for _, c := range lsoas.Changes {
		w.lsoa21Of[c.LSOA11] = append(w.lsoa21Of[c.LSOA11], c.LSOA21)
	}
	return w, nil
})

// WardsAttribution is the attribution line the ward lookup's licence asks
// for (../shared/data/lsoa2021_boundaries_and_lookups/PROVENANCE.md).
const WardsAttribution = "Wards: Source: Office for National Statistics licensed under the Open Government Licence v.3.0. " +
	"Contains OS data © Crown copyright and database right 2024"

// WardLookup returns the embedded ward registry (parsed once).
func WardLookup() (*Wards, error) { return loadWards() }

// Of returns the wards small area code of geography g lies in: one for an
// LSOA 2021; for an LSOA 2011, the wards of the LSOA 2021 areas it became
// (more than one when it was split across a ward boundary), by code.
// Unknown codes have none.
func (w *Wards) Of(g placeplan.Geography, code string) []Ward {
	lsoas := []string{code}
	if g == placeplan.LSOA2011 {
		lsoas = w.lsoa21Of[code]
	}
	var out []Ward
	for _, l := range lsoas {
		if wd, ok := w.byLSOA21[l]; ok && !slices.Contains(out, wd) {
			out = append(out, wd)
		}
	}
	slices.SortFunc(out, func(a, b Ward) int {
		if a.Code < b.Code {
			return -1
		}
		if a.Code > b.Code {
			return 1
		}
		return 0
	})
	return out
}
