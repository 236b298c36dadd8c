// Package cbctest runs Debian's CBC (coinor-cbc) on an LP file, as the
// independent oracle of tests.
package cbctest

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Path returns CBC's path, skipping the test when it is not installed.
func Path(tb testing.TB) string {
	tb.Helper()
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		tb.Skip("cbc not found on PATH (Debian package coinor-cbc): skipping the comparison with the LP oracle")
	}
	return cbc
}

var objective = regexp.MustCompile(`objective value\s+(-?[0-9.eE+-]+)`)

// Optimum solves the LP file model with cbc and returns the objective
// value of its solution as CBC reports it (for a maximisation, CBC may
// report it with the minimisation's sign), or −Inf when the problem is
// unbounded. The test fails unless CBC proves optimality.
func Optimum(tb testing.TB, cbc, model string) float64 {
	tb.Helper()
	dir := tb.TempDir()
	lp, sol := filepath.Join(dir, "model.lp"), filepath.Join(dir, "model.sol")
	if err := os.WriteFile(lp, []byte(model), 0o644); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command(cbc, lp, "solve", "solu", sol).CombinedOutput(); err != nil {
		tb.Fatalf("cbc: %v\n%s", err, out)
	}
	text, err := os.ReadFile(sol)
	if err != nil {
		tb.Fatal(err)
	}
	if strings.HasPrefix(string(text), "Unbounded") {
		return math.Inf(-1)
	}
	m := objective.FindSubmatch(text)
	if m == nil || !strings.HasPrefix(string(text), "Optimal") {
		tb.Fatalf("cbc did not prove optimality:\n%.300s", text)
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		tb.Fatalf("cbc objective %q: %v", m[1], err)
	}
	return v
}
