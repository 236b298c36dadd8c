package registry

import (
	_ "embed"
	"strings"
	"sync"

	"placeplan"
	"placeplan/data/record"
)

// msoa11NamesCSV and msoa21NamesCSV list every MSOA 2011 and 2021 in
// England and Wales with its ONS name and House of Commons Library name
// (columns msoa11cd, msoa11nm, msoa11hclnm and the 2021 equivalents),
// derived from ../shared/data/msoa_names_and_towns.
//
//go:embed msoa11_names.csv.gz
var msoa11NamesCSV []byte

//go:embed msoa21_names.csv.gz
var msoa21NamesCSV []byte

// MSOACodes knows every MSOA 2011 and 2021 in England and Wales by code,
// by ONS name ("Shropshire 027") and by House of Commons Library name
// ("Oswestry East"). MSOAs are keyed by the LSOA geography they are built
// from: placeplan.LSOA2011 for MSOA 2011, placeplan.LSOA2021 for MSOA 2021.
type MSOACodes struct {
	byCode    map[placeplan.Geography]map[string]record.MSOAName
	byONSName map[placeplan.Geography]map[string]record.MSOAName
	byAnyName map[placeplan.Geography]map[string][]record.MSOAName // lower-cased ONS and HCL names
}

var loadMSOAs = sync.OnceValues(func() (*MSOACodes, error) {
	r := &MSOACodes{
		byCode:    map[placeplan.Geography]map[string]record.MSOAName{},
		byONSName: map[placeplan.Geography]map[string]record.MSOAName{},
		byAnyName: map[placeplan.Geography]map[string][]record.MSOAName{},
	}
	for _, f := range []struct {
		name string
		g    placeplan.Geography
		b    []byte
	}{{"msoa11_names.csv.gz", placeplan.LSOA2011, msoa11NamesCSV}, {"msoa21_names.csv.gz", placeplan.LSOA2021, msoa21NamesCSV}} {
		rows, err := readCSV(f.name, f.b)
		if err != nil {
			return nil, err
		}
		g := f.g
		r.byCode[g], r.byONSName[g], r.byAnyName[g] = map[string]record.MSOAName{}, map[string]record.MSOAName{}, map[string][]record.MSOAName{}
		for _, row := range rows {
			m := record.MSOAName{Code: strings.TrimSpace(row[0]), Name: strings.TrimSpace(row[1]), HCLName: strings.TrimSpace(row[2])}
			r.byCode[g][m.Code] = m
			r.byONSName[g][m.Name] = m
			lo, hcl := strings.ToLower(m.Name), strings.ToLower(m.HCLName)
			r.byAnyName[g][lo] = append(r.byAnyName[g][lo], m)
			if hcl != "" && hcl != lo {
				r.byAnyName[g][hcl] = append(r.byAnyName[g][hcl], m)
			}
		}
	}
	return r, nil
})

// MSOAs returns the embedded MSOA registry (parsed once).
func MSOAs() (*MSOACodes, error) { return loadMSOAs() }

// Code returns the MSOA with the given code in geography g (the LSOA
// geography the MSOA is built from).
func (r *MSOACodes) Code(g placeplan.Geography, code string) (record.MSOAName, bool) {
	m, ok := r.byCode[g][code]
	return m, ok
}

// ForLSOAName returns the MSOA an LSOA lies in, from the LSOA's ONS name:
// ONS names each LSOA after its MSOA plus a letter, so "Shropshire 027A"
// lies in MSOA "Shropshire 027".
func (r *MSOACodes) ForLSOAName(g placeplan.Geography, lsoaName string) (record.MSOAName, bool) {
	name, ok := MSOANameOfLSOA(lsoaName)
	if !ok {
		return record.MSOAName{}, false
	}
	m, ok := r.byONSName[g][name]
	return m, ok
}

// Named returns the MSOAs of geography g whose House of Commons Library
// name or ONS name is name, ignoring case. A Library name can belong to
// MSOAs in several districts ("Hillside"), so there may be more than one.
func (r *MSOACodes) Named(g placeplan.Geography, name string) []record.MSOAName {
	return r.byAnyName[g][strings.ToLower(strings.TrimSpace(name))]
}

// MSOANameOfLSOA returns the ONS name of the MSOA an LSOA is named after:
// the LSOA name without its final letter ("Shropshire 027A" → "Shropshire
// 027"). It reports false for a name that does not end in a digit and a
// capital letter. It is placeplan's one statement of the ONS naming rule.
func MSOANameOfLSOA(lsoaName string) (string, bool) {
	s := strings.TrimSpace(lsoaName)
	n := len(s)
	if n < 3 || s[n-1] < 'A' || s[n-1] > 'Z' || s[n-2] < '0' || s[n-2] > '9' {
		return "", false
	}
	return s[:n-1], true
}
