package placeplan

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"testing"
)

func TestErrorCodesAndMessages(t *testing.T) {
	base := fs.ErrNotExist
	cases := []struct {
		name     string
		err      error
		code     string
		message  string
		wrapsErr error
	}{
		{"nil", nil, "", "", nil},
		{"plain error is internal and hidden", errors.New("disk on fire"), EINTERNAL, "internal error", nil},
		{"application error", Errorf(EINVALID, "f.csv line %d: bad", 3), EINVALID, "f.csv line 3: bad", nil},
		{"wrapping with %w", Errorf(ENOTFOUND, "open x.db: %w", base), ENOTFOUND, "open x.db: file does not exist", base},
		{"wrapped twice", fmt.Errorf("ingest: %w", Errorf(EINVALID, "bad")), EINVALID, "ingest: bad", nil},
		{"internal application error is hidden", Errorf(EINTERNAL, "sql: %s", "secret"), EINTERNAL, "internal error", nil},
		{"Wrap", Wrap(EUNSUPPORTED, base, "f.xlsx"), EUNSUPPORTED, "f.xlsx: file does not exist", base},
		{"Wrap nil", Wrap(EINVALID, nil, "x"), "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ErrorCode(c.err); got != c.code {
				t.Errorf("ErrorCode = %q, want %q", got, c.code)
			}
			if got := ErrorMessage(c.err); got != c.message {
				t.Errorf("ErrorMessage = %q, want %q", got, c.message)
			}
			if c.wrapsErr != nil && !errors.Is(c.err, c.wrapsErr) {
				t.Errorf("%v does not wrap %v", c.err, c.wrapsErr)
			}
		})
	}
}

func TestDisclosure(t *testing.T) {
	count := Indicator{Kind: KindCount, Confidential: true}
	open := Indicator{Kind: KindCount}
	rate := Indicator{Kind: KindRate, Confidential: true}
	cases := []struct {
		name       string
		d          Disclosure
		ind        Indicator
		v          float64
		suppressed bool
	}{
		{"small confidential count", Disclosure{5}, count, 3, true},
		{"threshold itself is shown", Disclosure{5}, count, 5, false},
		{"zero is shown", Disclosure{5}, count, 0, false},
		{"open data is never suppressed", Disclosure{5}, open, 1, false},
		{"rates are not counts", Disclosure{5}, rate, 0.01, false},
		{"suppression off", Disclosure{}, count, 1, false},
	}
	for _, c := range cases {
		v, s := c.d.Apply(c.ind, c.v)
		if s != c.suppressed || (!s && v != c.v) || (s && v != 0) {
			t.Errorf("%s: Apply(%v) = %v, %v", c.name, c.v, v, s)
		}
	}
	if _, s := (Disclosure{5}).Apply(count, math.NaN()); s {
		t.Error("NaN suppressed")
	}
}

func TestErrorDetails(t *testing.T) {
	stale := Errorf(EPRECONDITION, "scenario %q is at revision 3", "x")
	stale.Details = map[string]any{"current_revision": 3, "changed_by": "alice"}
	cases := []struct {
		name string
		err  error
		want any // current_revision, or nil for no details
	}{
		{"nil", nil, nil},
		{"an error without details", Errorf(EINVALID, "bad"), nil},
		{"a plain error", errors.New("disk on fire"), nil},
		{"details", stale, 3},
		{"details survive fmt.Errorf", fmt.Errorf("update: %w", stale), 3},
		{"details survive Wrap", Wrap(EPRECONDITION, stale, "scenario"), 3},
		{"details survive Errorf with %w", Errorf(EPRECONDITION, "save: %w", stale), 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := ErrorDetails(c.err)
			if c.want == nil {
				if d != nil {
					t.Errorf("ErrorDetails = %v, want nil", d)
				}
				return
			}
			if d["current_revision"] != c.want || d["changed_by"] != "alice" {
				t.Errorf("ErrorDetails = %v", d)
			}
		})
	}
}
