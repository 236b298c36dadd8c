// Package report makes placeplan's board paper and the analysts' files
// beside it from one scenario's plan: a committee report in a council's
// own shape (Template) — front sheet, numbered paragraphs, printed maps
// and charts with text alternatives, appendices — written as HTML, as a
// tagged PDF through headless Chromium, and as the tables behind it.
//
// Make assembles a Paper from the store; the writers render it. Every
// figure in a paper has been through the plan's small-number suppression
// (scenario.PlanResult.Suppressed) before it is formatted: no writer sees
// a withheld count.
package report

import (
	"fmt"
	"sync"
	"time"
)

// Paper is a board paper, ready to render: what every format shows, in
// order.
type Paper struct {
	Title    string
	Council  string
	Language string // BCP 47, "en-GB"
	Marking  string // printed in every footer, such as OFFICIAL
	// Footer is the rest of every page's footer: the scenario and its
	// revision and the data vintage.
	Footer     string
	Date       time.Time // when the paper was made
	FrontSheet []Field
	Sections   []Section // numbered 1, 2, … in order
	Appendices []Section // lettered A, B, … in order
	// Flags lists what the officer must complete before the paper goes
	// out (blank fields the paper cannot fill itself).
	Flags []string
}

// Field is one row of the front sheet.
type Field struct {
	Label, Value string
	Missing      bool // the value is a prompt to complete, not content
}

// Section is one numbered section or appendix.
type Section struct {
	Key    string // the template's section key
	Number string // "1", "2", …; appendices "A", "B", …
	Title  string
	Blocks []Block
}

// Block is one paragraph, list, table or figure of a section; exactly one
// of its fields is set.
type Block struct {
	Para   *Para
	Table  *Table
	Figure *Figure
}

// Para is one numbered paragraph ("1.1"), with an optional lettered list
// under it.
type Para struct {
	Number  string
	Text    string
	Items   []string // a lettered list: (a), (b), …
	Missing bool     // a prompt for the officer: the paper flags it
}

// Table is a table with a caption, a header row and notes. A column is
// numeric when its cells are figures (right-aligned).
type Table struct {
	ID      string
	Caption string
	Head    []string
	Numeric []bool // per column
	Rows    [][]string
	Notes   []string
}

// Figure is a map or chart: an SVG element with its caption, alt text and
// the id of the table that gives the same information. The SVG is drawn
// when a format first asks for it (SVG), so that the formats without
// figures — the tables and layers — never pay for drawing England.
type Figure struct {
	ID      string
	Caption string
	Alt     string
	TableID string // "" when the figure's text alternative is its alt text alone

	draw func() (string, error)
	once sync.Once
	svg  string
	err  error
}

// NewFigure returns a figure whose SVG element draw makes, once, when
// first asked for.
func NewFigure(id, caption, alt, tableID string, draw func() (string, error)) *Figure {
	return &Figure{ID: id, Caption: caption, Alt: alt, TableID: tableID, draw: draw}
}

// SVG returns the figure's SVG element, drawing it on the first call.
// It is safe to call from several goroutines.
func (f *Figure) SVG() (string, error) {
	f.once.Do(func() {
		if f.draw == nil {
			f.err = fmt.Errorf("figure %s has nothing to draw", f.ID)
			return
		}
		f.svg, f.err = f.draw()
	})
	return f.svg, f.err
}
