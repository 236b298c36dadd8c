// Package table reads the CSV files placeplan ingests other than the IoD
// files (package iod): councils' indicator CSVs and their metadata, ONS
// lookups and population-weighted centroids, House of Commons Library MSOA
// names, locality definitions, point layers, and the demand, candidate and
// travel-matrix files of site selection. Each reader validates every row
// and returns records (package record) or an EINVALID error listing up to
// 20 problems, each naming the file, line, column and area code. It also
// holds the CSV mechanics the IoD reader shares.
package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"placeplan"
	"placeplan/data/record"
)

// Table is a CSV file read whole: its header and its records, with the
// line each record started on.
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
	Lines  []int // Lines[i] is the line Rows[i] started on
}

// Read reads CSV from b: it accepts a UTF-8 byte-order mark, CRLF line
// ends and quoted fields, and requires UTF-8 text and every record to have
// as many fields as the header.
func Read(name string, b []byte) (*Table, error) {
	b = record.TrimBOM(b)
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: empty file", name)
	}
	if err := checkUTF8(name, b); err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if header[i] == "" {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s line 1: column %d has no name", name, i+1)
		}
	}
	t := &Table{Name: name, Header: header}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		line, _ := r.FieldPos(0)
		t.Rows = append(t.Rows, rec)
		t.Lines = append(t.Lines, line)
	}
	if len(t.Rows) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no data rows after the header", name)
	}
	return t, nil
}

// checkUTF8 refuses text that is not UTF-8, naming the line and the first
// bad byte: a name in Windows-1252 (as Excel saves "CSV (Comma
// delimited)") would otherwise be stored as bytes no page or scenario can
// match, and a UTF-16 file ("Unicode Text") read as columns of garbage.
func checkUTF8(name string, b []byte) error {
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
		return placeplan.Errorf(placeplan.EINVALID, "%s: UTF-16 text, not UTF-8: save the file as CSV UTF-8", name)
	}
	if utf8.Valid(b) {
		return nil
	}
	at := 0
	for at < len(b) {
		r, n := utf8.DecodeRune(b[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	line := 1 + bytes.Count(b[:at], []byte("\n"))
	col := 1 + utf8.RuneCount(b[bytes.LastIndexByte(b[:at], '\n')+1:at])
	return placeplan.Errorf(placeplan.EINVALID,
		"%s line %d, character %d: byte 0x%02x is not UTF-8 (a Windows-1252 file?): save the file as CSV UTF-8", name, line, col, b[at])
}

// ReadFrom is Read over everything r holds.
func ReadFrom(name string, r io.Reader) (*Table, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: %w", name, err)
	}
	return Read(name, b)
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return placeplan.Errorf(placeplan.EINVALID, "%s line %d: wrong number of fields (the header has a different count)", name, pe.StartLine)
		}
		return placeplan.Errorf(placeplan.EINVALID, "%s line %d column %d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return placeplan.Errorf(placeplan.EINVALID, "%s: %v", name, err)
}

// Col returns the index of the first header whose normalised form
// (record.NormHeader) is one of names, or -1.
func (t *Table) Col(names ...string) int {
	for i, h := range t.Header {
		n := record.NormHeader(h)
		for _, want := range names {
			if n == want {
				return i
			}
		}
	}
	return -1
}

// missingMarks are the cell values that mean "no value": blanks and the
// symbols official statistics use for unavailable or suppressed figures.
var missingMarks = map[string]bool{"": true, "na": true, "n/a": true, "..": true, ":": true, "x": true, "c": true, "*": true, "null": true, "-": true}

var thousands = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$`)

// ParseNumber reads a cell as a number. It accepts thousands separators
// ("29,199", as in the official IoD files) and reports missing cells.
func ParseNumber(s string) (v float64, missing bool, err error) {
	s = strings.TrimSpace(s)
	if missingMarks[strings.ToLower(s)] {
		return math.NaN(), true, nil
	}
	if thousands.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%q is not a number", s)
	}
	return v, false, nil
}
