package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"placeplan/accounts"
	"placeplan/auth"
)

func tokenSpec() spec {
	return spec{
		name:     "token",
		synopsis: []string{"create|list|revoke --db FILE [--user NAME] [--scope read|write] [--expires DURATION] [--id ID]"},
		about: `Token manages API tokens, for scripts and QGIS (sent as Authorization:
Bearer TOKEN). A token is shown once, when it is created, and kept only as
a hash; it acts as its user, within its scope (read, or write too), until
it expires or is revoked. Every change is in the audit trail.`,
		subs: []spec{
			{name: "create", synopsis: []string{"--db FILE --user NAME [--scope read|write] [--expires DURATION]"},
				about: `Create makes a token and prints only the token on stdout (what it is for, and
its id, on stderr): keep it now, it cannot be shown again. DURATION is days
(90d), weeks (2w) or hours (36h), at most 366 days.`, make: newTokenCreateCmd},
			{name: "list", synopsis: []string{"--db FILE [--user NAME]"},
				about: "List prints the tokens (never the tokens themselves): id, user, scope, created, expires, status.", make: newTokenListCmd},
			{name: "revoke", synopsis: []string{"--db FILE --id ID"},
				about: "Revoke ends the token ID (as token list shows it) at once, for good.", make: newTokenRevokeCmd},
		},
	}
}

// tokenCreateCmd is "placeplan token create".
type tokenCreateCmd struct {
	cmdLine
	accountDB
	user     string
	scopeArg string
	expires  string
	scope    auth.Scope
	lifetime time.Duration
}

func newTokenCreateCmd() command {
	c := &tokenCreateCmd{cmdLine: newCmdLine("token create")}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.user, "user", "", "the `NAME` of the user the token acts as")
	c.fs.StringVar(&c.scopeArg, "scope", "read", "what the token may do: `read|write`")
	c.fs.StringVar(&c.expires, "expires", "90d", "how long the token lasts, as a `DURATION`: 90d, 2w, 36h")
	return c
}

func (c *tokenCreateCmd) validate() error {
	if err := c.check(&c.cmdLine); err != nil {
		return err
	}
	if c.user == "" {
		return usageError{msg: "token create: --user NAME is required"}
	}
	var err error
	if c.scope, err = auth.ParseScope(c.scopeArg); err != nil {
		return usageError{msg: "--" + err.Error()}
	}
	if c.lifetime, err = auth.ParseLifetime(c.expires); err != nil {
		return usageError{msg: "--expires: " + err.Error()}
	}
	return nil
}

func (c *tokenCreateCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	plain, t, err := svc.CreateToken(ctx, cliActor(), accounts.NewToken{User: c.user, Scope: c.scope, Lifetime: c.lifetime})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "placeplan: token %s for %s, scope %s, expires %s; it is shown once, below\n",
		t.ID, t.User, t.Scope, t.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
	_, err = fmt.Fprintln(stdout, plain)
	return err
}

// tokenListCmd is "placeplan token list".
type tokenListCmd struct {
	cmdLine
	accountDB
	user string
}

func newTokenListCmd() command {
	c := &tokenListCmd{cmdLine: newCmdLine("token list")}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.user, "user", "", "only the tokens of the user `NAME`")
	return c
}

func (c *tokenListCmd) validate() error { return c.check(&c.cmdLine) }

func (c *tokenListCmd) run(ctx context.Context, stdout io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tokens, err := svc.Tokens(ctx, c.user)
	if err != nil {
		return err
	}
	now := st.Now()
	tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tuser\tscope\tcreated\texpires\tstatus")
	for _, t := range tokens {
		status := "active"
		switch {
		case t.Revoked():
			status = "revoked " + t.RevokedAt.UTC().Format("2006-01-02 15:04")
		case !now.Before(t.ExpiresAt):
			status = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Scope, t.CreatedAt.UTC().Format("2006-01-02 15:04"),
			t.ExpiresAt.UTC().Format("2006-01-02 15:04"), status)
	}
	return tw.Flush()
}

// tokenRevokeCmd is "placeplan token revoke".
type tokenRevokeCmd struct {
	cmdLine
	accountDB
	id string
}

func newTokenRevokeCmd() command {
	c := &tokenRevokeCmd{cmdLine: newCmdLine("token revoke")}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.id, "id", "", "the token's `ID`, 12 hex digits, as token list shows it")
	return c
}

func (c *tokenRevokeCmd) validate() error {
	if err := c.check(&c.cmdLine); err != nil {
		return err
	}
	if c.id == "" {
		return usageError{msg: "token revoke: --id ID is required (token list shows the ids)"}
	}
	if !auth.ValidTokenID(c.id) {
		return usageError{msg: fmt.Sprintf("--id %.20q: a token id is 12 lower-case hex digits, as token list shows it", c.id)}
	}
	return nil
}

func (c *tokenRevokeCmd) run(ctx context.Context, stdout io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := svc.RevokeToken(ctx, cliActor(), c.id)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "revoked token %s of %s\n", t.ID, t.User)
	return err
}
