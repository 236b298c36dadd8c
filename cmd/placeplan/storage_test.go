package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"placeplan/data"
)

// TestStorageExitCodes: each way the database cannot be used has its own
// message and exit code.
func TestStorageExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "plan.db")
	if _, err := data.CreateDefault(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a directory", []string{"datasets", "--db", dir}, exitDataErr, "is a directory"},
		{"a missing directory", []string{"ingest", "--db", filepath.Join(dir, "no", "plan.db"), "x.csv"}, exitNotFound, "does not exist: create it first"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want %d with %q", code, errOut, c.code, c.want)
			}
		})
	}
	// Any legal path is that file: "#" and "?" included.
	odd := filepath.Join(dir, "plan #1?.db")
	if _, err := data.CreateDefault(context.Background(), odd); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "datasets", "--db", odd); code != 0 || !strings.Contains(out, "IoD") {
		t.Errorf("datasets --db %q: exit %d, stdout %.200q, stderr %q; want the default datasets", odd, code, out, errOut)
	}
	// SQLite's own failures, as the store returns them.
	for _, c := range []struct {
		err  error
		code int
		want string
	}{
		{fmt.Errorf("save: %w", sqlite3.Error{Code: sqlite3.ErrBusy}), exitBusy, "another placeplan process is writing; try again"},
		{fmt.Errorf("ingest: %w", sqlite3.Error{Code: sqlite3.ErrFull}), exitStorage, "the disk holding the database is full"},
	} {
		var e bytes.Buffer
		if code := exitCode(c.err, &e); code != c.code || !strings.Contains(e.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", c.err, code, e.String(), c.code, c.want)
		}
	}
}

// TestCheckBackupRestore: the operator's three commands on a real
// database, and check's verdict on a file that is not one.
func TestCheckBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "plan.db")
	if _, err := data.CreateDefault(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "check", "--db", db); code != 0 || !strings.Contains(out, "integrity: ok\nforeign keys: ok") {
		t.Errorf("check: exit %d, %q %q", code, out, errOut)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, errOut, code := runCLI(t, "backup", "--db", db, "--out", backup); code != 0 || !strings.Contains(errOut, "backed up") {
		t.Errorf("backup: exit %d, %q", code, errOut)
	}
	restored := filepath.Join(dir, "restored.db")
	if _, errOut, code := runCLI(t, "restore", "--db", restored, "--from", backup); code != 0 {
		t.Errorf("restore: exit %d, %q", code, errOut)
	}
	if out, _, code := runCLI(t, "datasets", "--db", restored); code != 0 || !strings.Contains(out, "IoD") {
		t.Errorf("the restored database: exit %d, %.200q", code, out)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 300), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "check", "--db", junk); code != exitStorage || !strings.Contains(errOut, "not a placeplan database") {
		t.Errorf("check of a file that is not a database: exit %d, %q; want %d", code, errOut, exitStorage)
	}
	if _, _, code := runCLI(t, "backup", "--db", db, "--out", backup, "stray"); code != exitUsage {
		t.Errorf("backup with a stray argument: exit %d, want %d", code, exitUsage)
	}
}
