package wire

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Table is one of placeplan's tables — the CSV that the CLI prints and the
// HTTP API sends with f=csv, and the CLI's JSON rows of the same table.
// Each table has one builder in this package, so that the CLI and HTTP
// give the same columns and the same bytes. Cells hold what the column's
// Kind says, or nil for no value (an empty CSV cell, JSON null): figures
// small-number suppression withheld are nil by the time they reach a
// table, as in the JSON documents.
type Table struct {
	Name    string // the table's name, for a file name: areas, localities, sites, …
	Columns []Column
	Rows    [][]any
}

// Column is a table column: its name (snake_case, as in the JSON
// documents), the kind of value it holds and, for numbers, how many
// decimal places CSV gives (Shortest: rounded to 6, trailing zeros
// dropped; JSON always carries full precision).
type Column struct {
	Name     string
	Kind     Kind
	Decimals int
}

// Kind is the kind of value a column holds.
type Kind int

// The kinds of column, with the Go type of their cells.
const (
	TextKind   Kind = iota // string
	IntKind                // int or int64
	NumberKind             // float64; NaN and ±Inf are no value
	BoolKind               // bool: true or false
	ListKind               // []string: joined by ";" in CSV, an array in JSON
)

// Shortest is Column.Decimals for a number written as briefly as it
// rounds to 6 decimal places.
const Shortest = -1

// TextCol declares a column of text.
func TextCol(name string) Column { return Column{Name: name, Kind: TextKind} }

// IntCol declares a column of whole numbers.
func IntCol(name string) Column { return Column{Name: name, Kind: IntKind} }

// BoolCol declares a column of true or false.
func BoolCol(name string) Column { return Column{Name: name, Kind: BoolKind} }

// ListCol declares a column of lists of codes or names.
func ListCol(name string) Column { return Column{Name: name, Kind: ListKind} }

// NumberCol declares a column of numbers written with decimals places in
// CSV, or Shortest.
func NumberCol(name string, decimals int) Column {
	return Column{Name: name, Kind: NumberKind, Decimals: decimals}
}

// Header is the table's column names.
func (t Table) Header() []string {
	out := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		out[j] = c.Name
	}
	return out
}

// WriteCSV writes the table as RFC 4180 CSV in UTF-8 with a header row,
// as Excel and R read it: numbers with '.' for the decimal point and no
// thousands separator, true or false, and an empty cell for no value.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header()); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for i, row := range t.Rows {
		for j, col := range t.Columns {
			s, err := col.text(row[j])
			if err != nil {
				return fmt.Errorf("%s row %d: %w", t.Name, i+1, err)
			}
			rec[j] = s
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// text is v as a CSV cell of the column.
func (c Column) text(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	switch x := v.(type) {
	case string:
		if c.Kind == TextKind {
			return x, nil
		}
	case int:
		if c.Kind == IntKind {
			return strconv.Itoa(x), nil
		}
	case int64:
		if c.Kind == IntKind {
			return strconv.FormatInt(x, 10), nil
		}
	case bool:
		if c.Kind == BoolKind {
			return strconv.FormatBool(x), nil
		}
	case float64:
		if c.Kind == NumberKind {
			return FormatNumber(x, c.Decimals), nil
		}
	case []string:
		if c.Kind == ListKind {
			return strings.Join(x, ";"), nil
		}
	}
	return "", fmt.Errorf("column %s: a %T where the column holds %s", c.Name, v, c.Kind)
}

// String names the kind.
func (k Kind) String() string {
	switch k {
	case TextKind:
		return "text"
	case IntKind:
		return "whole numbers"
	case NumberKind:
		return "numbers"
	case BoolKind:
		return "true or false"
	case ListKind:
		return "lists"
	}
	return "kind " + strconv.Itoa(int(k))
}

// FormatNumber writes v with decimals places, or Shortest: rounded to 6
// decimal places without trailing zeros (so whole numbers print as
// integers). NaN and ±Inf are "", and -0 is "0".
func FormatNumber(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if decimals == Shortest {
		v = math.Round(v*1e6) / 1e6
		if v == 0 {
			v = 0 // no "-0"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.TrimLeft(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return s
}

// WriteJSON writes the table as a JSON array of objects, one a row, whose
// members are the columns in order: numbers and booleans typed, lists as
// arrays, no value as null.
func (t Table) WriteJSON(w io.Writer) error {
	rows := make([]jsonRow, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = jsonRow{cols: t.Columns, cells: r}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rows)
}

// jsonRow is one row of a table as a JSON object in column order.
type jsonRow struct {
	cols  []Column
	cells []any
}

// MarshalJSON writes the row's members in column order.
func (r jsonRow) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode ends with a newline
		return nil
	}
	b.WriteByte('{')
	for j, col := range r.cols {
		if j > 0 {
			b.WriteByte(',')
		}
		if err := put(col.Name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		v := r.cells[j]
		if _, err := col.text(v); err != nil {
			return nil, err
		}
		if x, ok := v.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
			v = nil
		}
		if x, ok := v.([]string); ok && x == nil {
			v = []string{}
		}
		if err := put(v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Num is *v as a cell, nil (no value) when v is nil: for the wire's
// optional figures.
func Num(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// Int is *v as a cell, nil when v is nil.
func Int(v *int) any {
	if v == nil {
		return nil
	}
	return *v
}

// Str is *v as a cell, nil when v is nil.
func Str(v *string) any {
	if v == nil {
		return nil
	}
	return *v
}
