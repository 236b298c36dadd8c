package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"

	"placeplan"
)

// CheckReport is what Check found.
type CheckReport struct {
	// Integrity are the problems PRAGMA integrity_check found (none: sound).
	Integrity []string
	// ForeignKeys are the rows whose reference has no target, as
	// "table rowid N refers to a missing parent row".
	ForeignKeys []string
	// Migrations are the schema migrations applied, in order.
	Migrations []string
}

// OK reports whether the check found nothing wrong.
func (r CheckReport) OK() bool { return len(r.Integrity) == 0 && len(r.ForeignKeys) == 0 }

// maxProblems bounds the problems a check lists.
const maxProblems = 100

// Check runs SQLite's integrity and foreign-key checks on the database,
// with the bundled SQLite; quick runs the cheaper quick_check, which skips
// matching each index to its table (what serve runs at start).
func (s *Store) Check(ctx context.Context, quick bool) (CheckReport, error) {
	var r CheckReport
	pragma := fmt.Sprintf("PRAGMA integrity_check(%d)", maxProblems)
	if quick {
		pragma = fmt.Sprintf("PRAGMA quick_check(%d)", maxProblems)
	}
	rows, err := s.db.QueryContext(ctx, pragma)
	if err != nil {
		return r, fmt.Errorf("check %s: %w", s.path, err)
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return r, fmt.Errorf("check %s: %w", s.path, err)
		}
		if msg != "ok" {
			r.Integrity = append(r.Integrity, msg)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("check %s: %w", s.path, err)
	}
	if quick {
		return r, nil
	}
	fk, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return r, fmt.Errorf("check %s foreign keys: %w", s.path, err)
	}
	for fk.Next() && len(r.ForeignKeys) < maxProblems {
		var table, parent string
		var rowid sql.NullInt64
		var id int
		if err := fk.Scan(&table, &rowid, &parent, &id); err != nil {
			fk.Close()
			return r, fmt.Errorf("check %s foreign keys: %w", s.path, err)
		}
		row := "a row"
		if rowid.Valid {
			row = fmt.Sprintf("row %d", rowid.Int64)
		}
		r.ForeignKeys = append(r.ForeignKeys, fmt.Sprintf("%s %s refers to a missing row of %s", table, row, parent))
	}
	fk.Close()
	if err := fk.Err(); err != nil {
		return r, fmt.Errorf("check %s foreign keys: %w", s.path, err)
	}
	mig, err := s.db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return r, fmt.Errorf("check %s migrations: %w", s.path, err)
	}
	defer mig.Close()
	for mig.Next() {
		var name string
		if err := mig.Scan(&name); err != nil {
			return r, err
		}
		r.Migrations = append(r.Migrations, filepath.Base(name))
	}
	return r, mig.Err()
}

// Backup writes a consistent copy of the database to out, which must not
// exist, with SQLite's online backup: other connections may read and
// write meanwhile, and the copy is the database as of one moment. The
// copy is written beside out and renamed into place, so out is never
// half-written.
func (s *Store) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return placeplan.Errorf(placeplan.ECONFLICT, "backup: %s already exists: give a new file", out)
	}
	if _, err := checkPath(out); err != nil {
		return err
	}
	tmp := out + ".partial"
	os.Remove(tmp)
	if err := copyDatabase(ctx, s.db, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup %s to %s: %w", s.path, out, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return placeplan.Wrap(placeplan.ESTORAGE, err, "backup: %s", out)
	}
	return nil
}

// Restore replaces the database's content with that of the placeplan
// database from, after checking from: with SQLite's online backup into
// this database, so other connections see the whole of one or the whole
// of the other.
func (s *Store) Restore(ctx context.Context, from string) error {
	if s.readOnly {
		return placeplan.Errorf(placeplan.ESTORAGE, "restore: %s is read-only", s.path)
	}
	src, err := OpenWith(ctx, from, OpenOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("restore from %s: %w", from, err)
	}
	defer src.Close()
	rep, err := src.Check(ctx, false)
	if err != nil {
		return fmt.Errorf("restore from %s: %w", from, err)
	}
	if !rep.OK() {
		return placeplan.Errorf(placeplan.ESTORAGE, "restore: %s is damaged (%d problems; run placeplan check --db %s): nothing restored",
			from, len(rep.Integrity)+len(rep.ForeignKeys), from)
	}
	if err := withRaw(ctx, src.db, func(srcConn *sqlite3.SQLiteConn) error {
		return withRaw(ctx, s.db, func(dstConn *sqlite3.SQLiteConn) error {
			return backupPages(dstConn, srcConn)
		})
	}); err != nil {
		return fmt.Errorf("restore %s from %s: %w", s.path, from, err)
	}
	// A backup made by an older placeplan gets this one's migrations.
	if err := s.migrate(ctx); err != nil {
		return fmt.Errorf("restore %s from %s: migrate: %w", s.path, from, err)
	}
	return nil
}

// copyDatabase backs db up into a new database file at path.
func copyDatabase(ctx context.Context, db *sql.DB, path string) error {
	dst, err := sql.Open("sqlite3", fileURI(path))
	if err != nil {
		return err
	}
	defer dst.Close()
	return withRaw(ctx, db, func(srcConn *sqlite3.SQLiteConn) error {
		return withRaw(ctx, dst, func(dstConn *sqlite3.SQLiteConn) error {
			return backupPages(dstConn, srcConn)
		})
	})
}

// backupPages copies every page of src's main database into dst's in one
// step, so the copy is of one moment.
func backupPages(dst, src *sqlite3.SQLiteConn) error {
	b, err := dst.Backup("main", src, "main")
	if err != nil {
		return err
	}
	done, err := b.Step(-1)
	if ferr := b.Finish(); err == nil {
		err = ferr
	}
	if err == nil && !done {
		err = errors.New("backup did not finish")
	}
	return err
}

// withRaw calls f with one of db's driver connections.
func withRaw(ctx context.Context, db *sql.DB, f func(*sqlite3.SQLiteConn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("not an SQLite connection: %T", dc)
		}
		return f(c)
	})
}
