package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"placeplan"
	"placeplan/data"
)

func checkSpec() spec {
	return spec{
		name:     "check",
		synopsis: []string{"--db FILE"},
		about: `Check runs SQLite's integrity and foreign-key checks on the database with
the bundled SQLite and says what it found; it exits 74 when the database is
damaged. serve runs the quicker quick_check at every start.`,
		make: newCheckCmd,
	}
}

func backupSpec() spec {
	return spec{
		name:     "backup",
		synopsis: []string{"--db FILE --out FILE"},
		about: `Backup writes a consistent copy of the database to a new file with SQLite's
online backup: a server may go on serving and saving meanwhile, and the copy
is the database as of one moment.`,
		make: newBackupCmd,
	}
}

func restoreSpec() spec {
	return spec{
		name:     "restore",
		synopsis: []string{"--db FILE --from FILE"},
		about: `Restore replaces the database's content with a backup's, after checking the
backup, with SQLite's online backup (the database is created when it does not
exist). Stop any server of the database first: it would go on answering
from what it had read.`,
		make: newRestoreCmd,
	}
}

// checkCmd is "placeplan check".
type checkCmd struct {
	cmdLine
	db string
}

func newCheckCmd() command {
	c := &checkCmd{cmdLine: newCmdLine("check")}
	c.fs.StringVar(&c.db, "db", "", "SQLite database `FILE`")
	return c
}

func (c *checkCmd) validate() error {
	if c.db == "" {
		return usageError{msg: "check: --db FILE is required"}
	}
	return c.noArgs()
}

func (c *checkCmd) run(ctx context.Context, stdout io.Writer) error {
	if _, err := os.Stat(c.db); err != nil {
		return placeplan.Errorf(placeplan.ENOTFOUND, "database %s does not exist", c.db)
	}
	// As it is: read-only, and not migrated by looking at it.
	s, err := data.OpenWith(ctx, c.db, data.OpenOptions{ReadOnly: true, AsIs: true})
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	rep, err := s.Check(ctx, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s, %d migrations (%s), checked in %.1f s\n", c.db, len(rep.Migrations),
		strings.Join(rep.Migrations, ", "), time.Since(start).Seconds())
	if rep.OK() {
		fmt.Fprintln(stdout, "integrity: ok\nforeign keys: ok")
		return nil
	}
	fmt.Fprintf(stdout, "integrity: %d problems\n", len(rep.Integrity))
	for _, p := range rep.Integrity {
		fmt.Fprintf(stdout, "  %s\n", p)
	}
	fmt.Fprintf(stdout, "foreign keys: %d rows refer to missing rows\n", len(rep.ForeignKeys))
	for _, p := range rep.ForeignKeys {
		fmt.Fprintf(stdout, "  %s\n", p)
	}
	return placeplan.Errorf(placeplan.ESTORAGE, "database %s is damaged: restore a backup (placeplan restore --db %s --from BACKUP)", c.db, c.db)
}

// backupCmd is "placeplan backup".
type backupCmd struct {
	cmdLine
	db, out string
}

func newBackupCmd() command {
	c := &backupCmd{cmdLine: newCmdLine("backup")}
	c.fs.StringVar(&c.db, "db", "", "SQLite database `FILE`")
	c.fs.StringVar(&c.out, "out", "", "the backup `FILE` to write (must not exist)")
	return c
}

func (c *backupCmd) validate() error {
	if c.db == "" || c.out == "" {
		return usageError{msg: "backup: --db FILE and --out FILE are required"}
	}
	return c.noArgs()
}

func (c *backupCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if err := s.Backup(ctx, c.out); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(c.out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stderr, "backed up %s to %s (%.1f MB) in %.1f s\n", c.db, c.out, float64(size)/1e6, time.Since(start).Seconds())
	return nil
}

// restoreCmd is "placeplan restore".
type restoreCmd struct {
	cmdLine
	db, from string
}

func newRestoreCmd() command {
	c := &restoreCmd{cmdLine: newCmdLine("restore")}
	c.fs.StringVar(&c.db, "db", "", "SQLite database `FILE` to restore into")
	c.fs.StringVar(&c.from, "from", "", "the backup `FILE` to restore")
	return c
}

func (c *restoreCmd) validate() error {
	if c.db == "" || c.from == "" {
		return usageError{msg: "restore: --db FILE and --from FILE are required"}
	}
	return c.noArgs()
}

func (c *restoreCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	if _, err := os.Stat(c.from); err != nil {
		return placeplan.Errorf(placeplan.ENOTFOUND, "restore: backup %s does not exist", c.from)
	}
	s, err := data.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	if err := s.Restore(ctx, c.from); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "restored %s from %s in %.1f s\n", c.db, c.from, time.Since(start).Seconds())
	return nil
}
