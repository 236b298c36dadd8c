// Package datatest holds what the tests of package data and its readers
// share: the national files under ../shared/data, found from any package
// of the module, and the fuzz targets' check on errors. Only tests import
// it.
package datatest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
)

// moduleRoot returns the folder holding go.mod, found upwards from the
// test's working directory (its package's folder).
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// SharedData returns the path of a file under ../shared/data (beside the
// module root), skipping the test with a message when it is absent:
// national files are not committed.
func SharedData(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(moduleRoot(tb), "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data file %s is absent (national files live in ../shared/data and are not committed): %v", p, err)
	}
	return p
}

// CheckFuzzErr fails a fuzz run when a reader returns an internal error
// for bad input: every reader's error must be a *placeplan.Error with a
// code that says the input was at fault.
func CheckFuzzErr(t *testing.T, err error) {
	t.Helper()
	if err != nil && placeplan.ErrorCode(err) == placeplan.EINTERNAL {
		t.Fatalf("reader returned an internal error for bad input: %v", err)
	}
}

// CheckFuzzErrNames is CheckFuzzErr for a reader of the file name: the
// error must also be a *placeplan.Error whose message starts with name,
// so that it says which file was at fault.
func CheckFuzzErrNames(t *testing.T, err error, name string) {
	t.Helper()
	if err == nil {
		return
	}
	CheckFuzzErr(t, err)
	var e *placeplan.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *placeplan.Error", err, err)
	}
	if !strings.HasPrefix(err.Error(), name) {
		t.Fatalf("error %q does not start with the file's name %q", err, name)
	}
}

// ReadShared returns the contents of a file under ../shared/data
// (SharedData), gunzipped when its name ends in .gz, and its name without
// that suffix.
func ReadShared(tb testing.TB, rel string) (name string, b []byte) {
	tb.Helper()
	p := SharedData(tb, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	name = filepath.Base(p)
	if !strings.HasSuffix(name, ".gz") {
		return name, b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("%s: %v", p, err)
	}
	if b, err = io.ReadAll(zr); err != nil {
		tb.Fatalf("%s: %v", p, err)
	}
	return strings.TrimSuffix(name, ".gz"), b
}

// AssertAppError checks err is a *placeplan.Error with the code and a
// message containing every part.
func AssertAppError(t testing.TB, err error, code string, parts ...string) {
	t.Helper()
	var e *placeplan.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *placeplan.Error", err, err)
	}
	if e.Code != code {
		t.Errorf("code %q, want %q (error %q)", e.Code, code, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}
