package scenario

import (
	"fmt"
	"strings"
	"time"

	"placeplan"
)

// Paper is what a scenario's board paper says that only people can write:
// the meeting it goes to, the officer responsible, its purpose and
// recommendations, the money, and the papers behind it. Every field is
// optional; a paper flags what is left blank for the officer to complete.
type Paper struct {
	// Template is a shipped template (shropshire, oxfordshire) or a
	// .yaml file, relative to the scenario file's folder.
	Template  string `yaml:"template,omitempty" json:"template,omitempty"`
	Committee string `yaml:"committee,omitempty" json:"committee,omitempty"`
	// Meeting is the date of the meeting, YYYY-MM-DD.
	Meeting string `yaml:"meeting,omitempty" json:"meeting,omitempty"`
	Item    string `yaml:"item,omitempty" json:"item,omitempty"`
	// Exempt is empty for a public paper, else why it is exempt (for
	// example "paragraph 3 of Schedule 12A, Local Government Act 1972").
	Exempt  string `yaml:"exempt,omitempty" json:"exempt,omitempty"`
	Title   string `yaml:"title,omitempty" json:"title,omitempty"`
	Officer string `yaml:"officer,omitempty" json:"officer,omitempty"`
	Purpose string `yaml:"purpose,omitempty" json:"purpose,omitempty"`
	// Recommendations replace the ones the paper would draft from the
	// plan; each completes the template's lead ("It is recommended that
	// the Board …").
	Recommendations []string `yaml:"recommendations,omitempty" json:"recommendations,omitempty"`
	// Financial is the financial implications, in the officer's words;
	// CostGBP the cost of the proposal, which the key-decision rule reads.
	Financial        string   `yaml:"financial,omitempty" json:"financial,omitempty"`
	CostGBP          float64  `yaml:"cost_gbp,omitempty" json:"cost_gbp,omitempty"`
	Background       string   `yaml:"background,omitempty" json:"background,omitempty"`
	BackgroundPapers []string `yaml:"background_papers,omitempty" json:"background_papers,omitempty"`
	// Marking overrides the template's protective marking (OFFICIAL).
	Marking string `yaml:"marking,omitempty" json:"marking,omitempty"`
}

// MeetingDate returns the meeting's date, or the zero time when none is
// set.
func (p *Paper) MeetingDate() time.Time {
	if p == nil || p.Meeting == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.DateOnly, p.Meeting) // checked by check
	return t
}

// check reports the first problem with the paper section, naming its
// field.
func (p *Paper) check(name string) error {
	if p == nil {
		return nil
	}
	fail := func(field, format string, args ...any) error {
		return placeplan.Errorf(placeplan.EINVALID, "%s: paper.%s: %s", name, field, fmt.Sprintf(format, args...))
	}
	if p.Meeting != "" {
		if _, err := time.Parse(time.DateOnly, p.Meeting); err != nil {
			return fail("meeting", "%q is not a date YYYY-MM-DD", p.Meeting)
		}
	}
	if p.CostGBP < 0 {
		return fail("cost_gbp", "%v is negative", p.CostGBP)
	}
	for i, r := range p.Recommendations {
		if strings.TrimSpace(r) == "" {
			return fail(fmt.Sprintf("recommendations[%d]", i), "empty")
		}
	}
	return nil
}
