package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"placeplan"
	"placeplan/wire"
)

func auditSpec() spec {
	return spec{
		name:     "audit",
		synopsis: []string{"--db FILE [--since DATE] [--format csv|json]"},
		about: `Audit prints the audit trail, oldest first: seq,at,actor,action,target,
detail,remote (at in UTC, RFC 3339). The database refuses to change or
delete an entry. DATE is a day (2026-12-01, from its start in UTC) or an
RFC 3339 time.`,
		make: newAuditCmd,
	}
}

// auditCmd is "placeplan audit".
type auditCmd struct {
	cmdLine
	accountDB
	sinceArg string
	format   string
	since    time.Time
}

func newAuditCmd() command {
	c := &auditCmd{cmdLine: newCmdLine("audit")}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.sinceArg, "since", "", "only entries from `DATE` on: 2026-12-01 or 2026-12-01T09:00:00Z")
	c.fs.StringVar(&c.format, "format", "csv", "output format: `csv|json`")
	return c
}

func (c *auditCmd) validate() error {
	if err := c.check(&c.cmdLine); err != nil {
		return err
	}
	if c.format != "csv" && c.format != "json" {
		return usageError{msg: fmt.Sprintf("--format %q: use csv or json", c.format)}
	}
	var err error
	if c.since, err = wire.ParseSince(c.sinceArg); err != nil {
		return usageError{msg: "--" + placeplan.ErrorMessage(err)}
	}
	return nil
}

func (c *auditCmd) run(ctx context.Context, stdout io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	entries, err := svc.Audit(ctx, c.since)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSON(stdout, wire.NewAudit(entries))
	}
	return wire.AuditTable(wire.NewAudit(entries)).WriteCSV(stdout)
}
