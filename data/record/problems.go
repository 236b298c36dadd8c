package record

import (
	"fmt"
	"strings"

	"placeplan"
)

// MaxProblemsShown is how many problems an error lists; the rest are
// counted.
const MaxProblemsShown = 20

// Problems collects validation problems so that one run reports many, not
// just the first; it stops collecting detail after MaxProblemsShown but
// keeps counting. The zero value is ready to use; Name names the file (or
// files) in the summary line.
type Problems struct {
	Name  string
	list  []string
	count int
}

// NewProblems returns an empty problem list for the file name.
func NewProblems(name string) *Problems { return &Problems{Name: name} }

// Addf records one problem; each names its file, line, column or feature
// and area code, as the readers word them.
func (p *Problems) Addf(format string, args ...any) {
	p.count++
	if len(p.list) < MaxProblemsShown {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	}
}

// Len returns how many problems were recorded.
func (p *Problems) Len() int { return p.count }

// Err returns nil when nothing was wrong, else an EINVALID error listing
// the problems found.
func (p *Problems) Err() error {
	if p.count == 0 {
		return nil
	}
	if p.count == 1 {
		return placeplan.Errorf(placeplan.EINVALID, "%s", p.list[0])
	}
	msg := fmt.Sprintf("%s: %d problems:\n  %s", p.Name, p.count, strings.Join(p.list, "\n  "))
	if p.count > len(p.list) {
		msg += fmt.Sprintf("\n  … and %d more", p.count-len(p.list))
	}
	return &placeplan.Error{Code: placeplan.EINVALID, Message: msg}
}
