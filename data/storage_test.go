package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"placeplan"
	"placeplan/geo/tile"
)

// TestOpenAnyPath: "?", "#" and "%" in a path name that file, not another.
func TestOpenAnyPath(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"a#b.db", "what?.db", "100%.db", "plan ?x=1#frag.db"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := s.Revision(ctx); err != nil {
			t.Fatal(err)
		}
		s.Close()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Contains(names, name) {
			t.Errorf("opened %q, but the directory holds %v", name, names)
		}
		for _, n := range names {
			if !strings.HasPrefix(n, name) {
				t.Errorf("opening %q also made %q", name, n)
			}
		}
	}
}

// TestOpenRefusals: each way a path cannot be a database has its own code
// and a message naming the path.
func TestOpenRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database, but long enough to look like a file header...........................................\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, code, want string
	}{
		{"a directory", dir, placeplan.EINVALID, "is a directory"},
		{"a missing directory", filepath.Join(dir, "no", "such", "plan.db"), placeplan.ENOTFOUND, "does not exist: create it first"},
		{"not a database", notDB, placeplan.ESTORAGE, "damaged or is not a placeplan database"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(ctx, c.path)
			if placeplan.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v (code %q), want %s with %q", err, placeplan.ErrorCode(err), c.code, c.want)
			}
		})
	}
}

// TestOpenReadOnly: a read-only database is read and its changes refused
// with a storage error, not an internal one.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutTileSet(ctx, tile.StoredSet{Layer: "areas/lsoa11", MinZoom: 6, MaxZoom: 6}, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := OpenWith(ctx, path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if !ro.ReadOnly() {
		t.Error("not reported read-only")
	}
	sets, err := ro.TileSets(ctx, "")
	if err != nil || len(sets) != 1 {
		t.Fatalf("read %d tile sets, %v; want the one stored", len(sets), err)
	}
	err = StorageError(ro.DeleteTiles(ctx))
	if placeplan.ErrorCode(err) != placeplan.ESTORAGE || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a write to a read-only database: %v (code %q), want a storage error saying read-only", err, placeplan.ErrorCode(err))
	}
}

// TestBusyDatabase: a write that waits past the busy timeout for another
// writer fails with EBUSY after a bounded wait.
func TestBusyDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	tx, err := a.db.BeginTx(ctx, nil) // _txlock=immediate: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	b, err := OpenWith(ctx, path, OpenOptions{BusyTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	start := time.Now()
	err = StorageError(b.DeleteTiles(ctx))
	waited := time.Since(start)
	if placeplan.ErrorCode(err) != placeplan.EBUSY || !strings.Contains(err.Error(), "another placeplan process is writing; try again") {
		t.Errorf("got %v (code %q), want EBUSY", err, placeplan.ErrorCode(err))
	}
	if waited < 150*time.Millisecond || waited > 5*time.Second {
		t.Errorf("failed after %v: want about the 200 ms busy timeout", waited)
	}
}

// TestStorageError maps SQLite's failures, wrapped or not, and leaves
// application errors and other errors alone.
func TestStorageError(t *testing.T) {
	for _, c := range []struct {
		err  error
		code string
	}{
		{fmt.Errorf("save: %w", sqlite3.Error{Code: sqlite3.ErrBusy}), placeplan.EBUSY},
		{sqlite3.Error{Code: sqlite3.ErrLocked}, placeplan.EBUSY},
		{fmt.Errorf("ingest: %w", sqlite3.Error{Code: sqlite3.ErrFull}), placeplan.ESTORAGE},
		{sqlite3.Error{Code: sqlite3.ErrIoErr}, placeplan.ESTORAGE},
		{sqlite3.Error{Code: sqlite3.ErrConstraint}, placeplan.EINTERNAL},
		{placeplan.Wrap(placeplan.ECONFLICT, sqlite3.Error{Code: sqlite3.ErrBusy}, "kept"), placeplan.ECONFLICT},
		{errors.New("other"), placeplan.EINTERNAL},
	} {
		if got := placeplan.ErrorCode(StorageError(c.err)); got != c.code {
			t.Errorf("StorageError(%v) has code %q, want %q", c.err, got, c.code)
		}
	}
	if StorageError(nil) != nil {
		t.Error("StorageError(nil) is not nil")
	}
}

// TestStockSQLiteFindsNoCorruption: Debian's sqlite3 (3.40 on Debian 12),
// which an operator would reach for, finds a database with localities,
// scenarios and tiles sound, as the bundled SQLite does.
func TestStockSQLiteFindsNoCorruption(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not found on PATH (Debian package sqlite3): skipping the check with the stock tool")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	if _, err := CreateDefault(ctx, path); err != nil {
		t.Fatal(err)
	}
	for _, pragma := range []string{"PRAGMA integrity_check", "PRAGMA foreign_key_check"} {
		out, err := exec.Command(sqlite, path, pragma).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", pragma, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != "ok" && !(pragma == "PRAGMA foreign_key_check" && got == "") {
			t.Errorf("%s with the stock sqlite3: %.500s", pragma, got)
		}
	}
}
