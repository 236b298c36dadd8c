package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/sys/unix"

	"placeplan"
)

// StorageError returns err with the code of the storage failure it
// carries — another writer holding the database past the wait (EBUSY), a
// full disk, a read-only file, an I/O error or a damaged file (ESTORAGE) —
// and a message an operator can act on; any other error is returned as it
// is. The CLI's exit codes and the HTTP statuses are mapped from these
// codes, so both boundaries call it before mapping.
func StorageError(err error) error {
	var se sqlite3.Error
	if err == nil || placeplan.ErrorCode(err) != placeplan.EINTERNAL || !errors.As(err, &se) {
		return err
	}
	switch se.Code {
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return placeplan.Wrap(placeplan.EBUSY, err, "another placeplan process is writing; try again")
	case sqlite3.ErrFull:
		return placeplan.Wrap(placeplan.ESTORAGE, err, "the disk holding the database is full: free some space and try again")
	case sqlite3.ErrReadonly:
		return placeplan.Wrap(placeplan.ESTORAGE, err, "the database is read-only: changes are refused")
	case sqlite3.ErrIoErr:
		return placeplan.Wrap(placeplan.ESTORAGE, err, "an I/O error reading or writing the database")
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return placeplan.Wrap(placeplan.ESTORAGE, err, "the database file is damaged or is not a placeplan database")
	case sqlite3.ErrCantOpen, sqlite3.ErrPerm, sqlite3.ErrAuth:
		return placeplan.Wrap(placeplan.ESTORAGE, err, "the database file cannot be opened")
	}
	return err
}

// fileURI is path as an SQLite file: URI, so that any legal path — with
// "?", "#" or "%" in it — names exactly that file.
func fileURI(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path)
}

// checkPath refuses a path that cannot be a database file — a directory,
// or a file in a directory that does not exist — and reports whether the
// file (or, when it does not exist yet, its directory) is read-only, as on
// a read-only mount.
func checkPath(path string) (readOnly bool, err error) {
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return false, placeplan.Errorf(placeplan.EINVALID, "%s is a directory: give the path of a database file in it", path)
	case err == nil:
		return unix.Access(path, unix.W_OK) != nil, nil
	case !errors.Is(err, os.ErrNotExist):
		return false, placeplan.Wrap(placeplan.ESTORAGE, err, "%s cannot be read", path)
	}
	dir := filepath.Dir(path)
	if d, err := os.Stat(dir); err != nil || !d.IsDir() {
		return false, placeplan.Errorf(placeplan.ENOTFOUND, "the directory %s does not exist: create it first, or give another path for the database", dir)
	}
	if unix.Access(dir, unix.W_OK) != nil {
		return false, placeplan.Errorf(placeplan.ESTORAGE, "%s does not exist and its directory is read-only, so it cannot be created", path)
	}
	return false, nil
}
