package data

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

	"placeplan"
)

// table is a CSV file read whole: its header and its records, with the
// line each record started on.
type table struct {
	name   string
	header []string
	rows   [][]string
	lines  []int
}

// readTable reads CSV from b: it accepts a UTF-8 byte-order mark, CRLF line
// ends and quoted fields, and requires every record to have as many fields
// as the header.
func readTable(name string, b []byte) (*table, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: empty file", name)
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
	t := &table{name: name, header: header}
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
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if len(t.rows) == 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no data rows after the header", name)
	}
	return t, nil
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

// col returns the index of the first header whose normalised form is one
// of names, or -1.
func (t *table) col(names ...string) int {
	for i, h := range t.header {
		n := normHeader(h)
		for _, want := range names {
			if n == want {
				return i
			}
		}
	}
	return -1
}

// normHeader lower-cases h and turns every run of non-alphanumerics into
// one space: "LSOA code (2011)" → "lsoa code 2011".
func normHeader(h string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(h) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// snakeKey turns a header into an indicator key the way R's janitor does:
// "Road distance to a GP surgery indicator (km)" →
// "road_distance_to_a_gp_surgery_indicator_km".
func snakeKey(h string) string {
	return strings.ReplaceAll(normHeader(h), " ", "_")
}

// Problems collects validation problems so that one run reports many, not
// just the first; it stops collecting detail after a limit but keeps counting.
type Problems struct {
	name  string
	list  []string
	count int
}

const maxProblemsShown = 20

func (p *Problems) addf(format string, args ...any) {
	p.count++
	if len(p.list) < maxProblemsShown {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	}
}

// Err returns nil when nothing was wrong, else an EINVALID error listing
// the problems found.
func (p *Problems) Err() error {
	if p.count == 0 {
		return nil
	}
	if p.count == 1 {
		return placeplan.Errorf(placeplan.EINVALID, "%s", p.list[0])
	}
	msg := fmt.Sprintf("%s: %d problems:\n  %s", p.name, p.count, strings.Join(p.list, "\n  "))
	if p.count > len(p.list) {
		msg += fmt.Sprintf("\n  … and %d more", p.count-len(p.list))
	}
	return &placeplan.Error{Code: placeplan.EINVALID, Message: msg}
}

// missingMarks are the cell values that mean "no value": blanks and the
// symbols official statistics use for unavailable or suppressed figures.
var missingMarks = map[string]bool{"": true, "na": true, "n/a": true, "..": true, ":": true, "x": true, "c": true, "*": true, "null": true, "-": true}

var thousands = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$`)

// parseNumber reads a cell as a number. It accepts thousands separators
// ("29,199", as in the official IoD files) and reports missing cells.
func parseNumber(s string) (v float64, missing bool, err error) {
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

var (
	lsoaCode = regexp.MustCompile(`^[EW]01\d{6}$`)
	msoaCode = regexp.MustCompile(`^[EW]02\d{6}$`)
	ladCode  = regexp.MustCompile(`^(E0[6789]|W06)\d{6}$`)
)
