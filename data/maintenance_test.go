package data

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"placeplan"
)

// TestCheckFindsDamage: a sound database checks ok, with its migrations;
// one with a page overwritten does not.
func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	if _, err := CreateDefault(ctx, path); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Check(ctx, false)
	if err != nil || !rep.OK() || !slices.Contains(rep.Migrations, "0005_locality_areas_order.sql") {
		t.Fatalf("a new database: %+v, %v; want ok with every migration", rep, err)
	}
	s.Close()

	// Overwrite pages in the middle of the file (past the schema).
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	junk := make([]byte, 8*4096)
	for i := range junk {
		junk[i] = byte(i * 7)
	}
	if _, err := f.WriteAt(junk, fi.Size()/2/4096*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err = Open(ctx, path)
	if err != nil {
		if placeplan.ErrorCode(err) != placeplan.ESTORAGE {
			t.Fatalf("opening a damaged database: %v (code %q), want a storage error", err, placeplan.ErrorCode(err))
		}
		return
	}
	defer s.Close()
	rep, err = s.Check(ctx, false)
	if err == nil && rep.OK() {
		t.Error("a database with 8 pages overwritten checks ok")
	}
	if err != nil && placeplan.ErrorCode(StorageError(err)) != placeplan.ESTORAGE {
		t.Errorf("checking a damaged database: %v, want a storage error", err)
	}
}

// TestBackupWhileWriting: a backup taken while scenarios are being saved
// is a sound database holding whole revisions, and restoring it brings
// the database back to that moment.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	doc := []byte(`{"name":"a"}`)
	if _, err := s.CreateScenario(ctx, "a", "a", doc, placeplan.Actor{Name: "ana"}, "start"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for rev := 1; ; rev++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.UpdateScenario(ctx, "a", rev, "a", fmt.Appendf(nil, `{"name":"a","note":%d}`, rev), placeplan.Actor{Name: "ana"}, "", ""); err != nil {
				t.Errorf("update %d: %v", rev, err)
				return
			}
		}
	})
	out := filepath.Join(dir, "backup.db")
	err = s.Backup(ctx, out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); placeplan.ErrorCode(err) != placeplan.ECONFLICT {
		t.Errorf("a backup over an existing file: %v, want a conflict", err)
	}

	b, err := OpenWith(ctx, out, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := b.Check(ctx, false)
	if err != nil || !rep.OK() {
		t.Fatalf("the backup: %+v, %v", rep, err)
	}
	atBackup, err := b.ScenarioRevisions(ctx, "a")
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	now, err := s.ScenarioRevisions(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(atBackup) == 0 || len(atBackup) > len(now) {
		t.Fatalf("the backup holds %d revisions, the database %d", len(atBackup), len(now))
	}

	if err := s.Restore(ctx, out); err != nil {
		t.Fatal(err)
	}
	restored, err := s.ScenarioRevisions(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(restored) != len(atBackup) {
		t.Errorf("restored %d revisions, the backup has %d", len(restored), len(atBackup))
	}
	if err := s.Restore(ctx, filepath.Join(dir, "missing.db")); err == nil {
		t.Error("restoring from a missing file succeeded")
	}
}
