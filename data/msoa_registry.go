package data

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"placeplan"
)

// msoa11NamesCSV and msoa21NamesCSV list every MSOA 2011 and 2021 in
// England and Wales with its ONS name and House of Commons Library name
// (columns msoa11cd, msoa11nm, msoa11hclnm and the 2021 equivalents); they
// are derived by `go generate ./data` from ../shared/data/msoa_names_and_towns.
//
//go:embed registry/msoa11_names.csv.gz
var msoa11NamesCSV []byte

//go:embed registry/msoa21_names.csv.gz
var msoa21NamesCSV []byte

// MSOARegistry knows every MSOA 2011 and 2021 in England and Wales by code,
// by ONS name ("Shropshire 027") and by House of Commons Library name
// ("Oswestry East"). MSOAs are keyed by the LSOA geography they are built
// from: placeplan.LSOA2011 for MSOA 2011, placeplan.LSOA2021 for MSOA 2021.
type MSOARegistry struct {
	byCode    map[placeplan.Geography]map[string]MSOAName
	byONSName map[placeplan.Geography]map[string]MSOAName
	byAnyName map[placeplan.Geography]map[string][]MSOAName // lower-cased ONS and HCL names
}

var loadMSOARegistry = sync.OnceValues(func() (*MSOARegistry, error) {
	r := &MSOARegistry{
		byCode:    map[placeplan.Geography]map[string]MSOAName{},
		byONSName: map[placeplan.Geography]map[string]MSOAName{},
		byAnyName: map[placeplan.Geography]map[string][]MSOAName{},
	}
	for _, f := range []struct {
		name string
		b    []byte
	}{{"msoa11_names.csv.gz", msoa11NamesCSV}, {"msoa21_names.csv.gz", msoa21NamesCSV}} {
		ins, err := ReadInputs(f.name, bytes.NewReader(f.b))
		if err != nil {
			return nil, err
		}
		t, err := readTable(ins[0].Name, ins[0].Data)
		if err != nil {
			return nil, err
		}
		mn, err := readMSOANamesTable(t)
		if err != nil {
			return nil, err
		}
		g := mn.Geography
		r.byCode[g], r.byONSName[g], r.byAnyName[g] = map[string]MSOAName{}, map[string]MSOAName{}, map[string][]MSOAName{}
		for _, m := range mn.MSOAs {
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
func MSOAs() (*MSOARegistry, error) { return loadMSOARegistry() }

// Code returns the MSOA with the given code in geography g (the LSOA
// geography the MSOA is built from).
func (r *MSOARegistry) Code(g placeplan.Geography, code string) (MSOAName, bool) {
	m, ok := r.byCode[g][code]
	return m, ok
}

// ForLSOAName returns the MSOA an LSOA lies in, from the LSOA's ONS name:
// ONS names each LSOA after its MSOA plus a letter, so "Shropshire 027A"
// lies in MSOA "Shropshire 027".
func (r *MSOARegistry) ForLSOAName(g placeplan.Geography, lsoaName string) (MSOAName, bool) {
	name, ok := MSOANameOfLSOA(lsoaName)
	if !ok {
		return MSOAName{}, false
	}
	m, ok := r.byONSName[g][name]
	return m, ok
}

// Named returns the MSOAs of geography g whose House of Commons Library
// name or ONS name is name, ignoring case. A Library name can belong to
// MSOAs in several districts ("Hillside"), so there may be more than one.
func (r *MSOARegistry) Named(g placeplan.Geography, name string) []MSOAName {
	return r.byAnyName[g][strings.ToLower(strings.TrimSpace(name))]
}

// MSOANameOfLSOA returns the ONS name of the MSOA an LSOA is named after:
// the LSOA name without its final letter ("Shropshire 027A" → "Shropshire
// 027"). It reports false for a name that does not end in a digit and a
// capital letter.
func MSOANameOfLSOA(lsoaName string) (string, bool) {
	s := strings.TrimSpace(lsoaName)
	n := len(s)
	if n < 3 || s[n-1] < 'A' || s[n-1] > 'Z' || s[n-2] < '0' || s[n-2] > '9' {
		return "", false
	}
	return s[:n-1], true
}

// DefaultLocalities returns the locality definitions of the embedded
// default dataset (data/default/localities.csv): Shropshire early help
// localities by House of Commons Library MSOA name and Oxfordshire early
// intervention areas by district code.
func DefaultLocalities() (*LocalityDefs, error) {
	b, err := defaultFS.ReadFile("default/localities.csv")
	if err != nil {
		return nil, fmt.Errorf("embedded default localities: %w", err)
	}
	t, err := readTable("localities.csv", b)
	if err != nil {
		return nil, err
	}
	return readLocalityTable(t)
}
