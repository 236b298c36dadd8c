package record

import (
	"fmt"
	"strings"
	"testing"

	"placeplan"
)

// TestProblemsListTwentyAndCount checks the contract every reader relies
// on: nothing wrong is nil, one problem is its own message, and many are
// listed up to twenty with the rest counted, all EINVALID.
func TestProblemsListTwentyAndCount(t *testing.T) {
	p := NewProblems("r.csv")
	if err := p.Err(); err != nil {
		t.Fatalf("no problems: %v", err)
	}
	p.Addf("r.csv line %d: empty area code", 2)
	if err := p.Err(); err == nil || err.Error() != "r.csv line 2: empty area code" || placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Fatalf("one problem: %v", err)
	}
	for line := 3; line <= 26; line++ {
		p.Addf("r.csv line %d: empty area code", line)
	}
	err := p.Err()
	msg := err.Error()
	if p.Len() != 25 || placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.HasPrefix(msg, "r.csv: 25 problems:\n  r.csv line 2:") {
		t.Fatalf("%d problems: %q", p.Len(), msg)
	}
	if strings.Count(msg, "empty area code") != MaxProblemsShown || !strings.HasSuffix(msg, "\n  … and 5 more") {
		t.Errorf("want %d listed and 5 counted: %q", MaxProblemsShown, msg)
	}
	if strings.Contains(msg, fmt.Sprintf("line %d:", 22)) {
		t.Errorf("line 22 is the 21st problem and should not be listed: %q", msg)
	}
}

func TestCodePatterns(t *testing.T) {
	for _, c := range []struct {
		code            string
		lsoa, msoa, lad bool
	}{
		{"E01028826", true, false, false}, {"W01000001", true, false, false},
		{"E02006024", false, true, false}, {"E06000051", false, false, true},
		{"E07000177", false, false, true}, {"W06000001", false, false, true},
		{"E1028826", false, false, false}, {"E05000001", false, false, false}, {"", false, false, false},
	} {
		if IsLSOACode(c.code) != c.lsoa || IsMSOACode(c.code) != c.msoa || IsLADCode(c.code) != c.lad {
			t.Errorf("%q: LSOA %v, MSOA %v, district %v; want %v, %v, %v", c.code,
				IsLSOACode(c.code), IsMSOACode(c.code), IsLADCode(c.code), c.lsoa, c.msoa, c.lad)
		}
	}
}
