package data

import (
	"io"

	"placeplan/data/record"
	"placeplan/data/table"
)

// Candidate is a candidate site as table.ReadCandidatesCSV reads it.
type Candidate = record.Candidate

// ReadDemandCSV is table.ReadDemandCSV, kept here for the command line's
// `placeplan sites`, which reads its files through ReadPath.
func ReadDemandCSV(name string, r io.Reader) ([]record.DemandPoint, error) {
	return table.ReadDemandCSV(name, r)
}

// ReadCandidatesCSV is table.ReadCandidatesCSV, kept here for the command
// line's `placeplan sites` and for scenario's candidate files.
func ReadCandidatesCSV(name string, r io.Reader) ([]Candidate, error) {
	return table.ReadCandidatesCSV(name, r)
}
