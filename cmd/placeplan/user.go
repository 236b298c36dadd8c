package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"placeplan"
	"placeplan/accounts"
	"placeplan/auth"
	"placeplan/data"
)

// The account commands: user (add, list, disable, role), token (create,
// list, revoke) and audit. They work on a database file that exists, call
// the use cases in package accounts, and are recorded in the audit trail
// as "cli:" and the OS user ($USER): whoever can run them can write the
// database file, so the command line is the administrator of last resort.

func userSpec() spec {
	return spec{
		name:     "user",
		synopsis: []string{"add|list|disable|role --db FILE [--name NAME] [--role viewer|analyst|approver|admin]"},
		about: `User manages the accounts that may sign in. Roles include the ones before
them: viewer (maps, layers, scenarios, reports), analyst (also ingest,
create and edit scenarios, run analyses), approver (also approve a revision
for a board), admin (also users, tokens, settings, audit). Users are
disabled, never deleted; every change is in the audit trail.`,
		subs: []spec{
			{name: "add", synopsis: []string{"--db FILE --name NAME --role viewer|analyst|approver|admin"},
				about: `Add adds a user. A local password is read as one line from stdin when stdin
is a pipe or a file (printf '%s\n' "$PASSWORD" | placeplan user add …); with
a terminal, /dev/null or an empty line the user has no local password and
signs in only by single sign-on or an API token. Passwords are at least 12
characters, kept as argon2id hashes.`, make: newUserAddCmd},
			{name: "list", synopsis: []string{"--db FILE"},
				about: "List prints every user: name, role, how they sign in, whether disabled, when added.", make: newUserListCmd},
			{name: "disable", synopsis: []string{"--db FILE --name NAME"},
				about: "Disable stops a user signing in or using their tokens. The last enabled admin cannot be disabled.", make: newUserDisableCmd},
			{name: "role", synopsis: []string{"--db FILE --name NAME --role viewer|analyst|approver|admin"},
				about: "Role gives a user another role. The last enabled admin cannot be given another.", make: newUserRoleCmd},
		},
	}
}

// accountDB is --db for the account commands, which need a database file
// that exists.
type accountDB struct{ db string }

func (a *accountDB) define(fs *flag.FlagSet) {
	fs.StringVar(&a.db, "db", "", "SQLite database `FILE` holding the accounts")
}

func (a *accountDB) check(c *cmdLine) error {
	if err := c.noArgs(); err != nil {
		return err
	}
	if a.db == "" {
		return usageError{msg: c.fs.Name() + ": --db FILE is required"}
	}
	return nil
}

// open opens the database and the account use cases over it, with
// production's hashing and lockout.
func (a *accountDB) open(ctx context.Context) (*data.Store, *accounts.Service, error) {
	st, err := openExisting(ctx, a.db)
	if err != nil {
		return nil, nil, err
	}
	return st, accounts.New(st, accounts.Options{}), nil
}

// cliActor is who the audit trail records for the command line: "cli:"
// and the OS user.
func cliActor() placeplan.Actor {
	u := os.Getenv("USER")
	if u == "" {
		u = "unknown"
	}
	return placeplan.Actor{Name: "cli:" + u}
}

// needName refuses a missing --name.
func needName(c *cmdLine, name string) error {
	if name == "" {
		return usageError{msg: c.fs.Name() + ": --name NAME is required"}
	}
	return nil
}

// parseRoleFlag checks --role.
func parseRoleFlag(c *cmdLine, s string) (auth.Role, error) {
	if s == "" {
		return "", usageError{msg: c.fs.Name() + ": --role viewer|analyst|approver|admin is required"}
	}
	r, err := auth.ParseRole(s)
	if err != nil {
		return "", usageError{msg: "--" + err.Error()}
	}
	return r, nil
}

// userAddCmd is "placeplan user add".
type userAddCmd struct {
	cmdLine
	accountDB
	name    string
	roleArg string
	role    auth.Role
	stdin   *os.File // where a password is read from
}

func newUserAddCmd() command {
	c := &userAddCmd{cmdLine: newCmdLine("user add"), stdin: os.Stdin}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.name, "name", "", "the user's `NAME`: letters, digits and . _ - @ + (an e-mail address will do); stored in lower case")
	c.fs.StringVar(&c.roleArg, "role", "", "the user's role: `viewer|analyst|approver|admin`")
	return c
}

func (c *userAddCmd) validate() error {
	if err := c.check(&c.cmdLine); err != nil {
		return err
	}
	if err := needName(&c.cmdLine, c.name); err != nil {
		return err
	}
	var err error
	c.role, err = parseRoleFlag(&c.cmdLine, c.roleArg)
	return err
}

func (c *userAddCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	password, why, err := readPassword(c.stdin)
	if err != nil {
		return err
	}
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := svc.AddUser(ctx, cliActor(), accounts.NewUser{Name: c.name, Role: c.role, Password: password})
	if err != nil {
		return err
	}
	how := "a local password"
	if !u.HasPassword() {
		how = "no local password: single sign-on or API tokens only"
		fmt.Fprintf(stderr, "placeplan: no password read (%s)\n", why)
	}
	fmt.Fprintf(stdout, "added %s (%s, %s)\n", u.Name, u.Role, how)
	return nil
}

// readPassword reads one line from f when it is a pipe or a file, and
// says why there is none otherwise: a terminal or /dev/null (character
// devices), no data, or an empty line.
func readPassword(f *os.File) (password, why string, err error) {
	if f == nil {
		return "", "no stdin", nil
	}
	fi, err := f.Stat()
	if err != nil {
		return "", "stdin cannot be read", nil
	}
	if fi.Mode()&os.ModeCharDevice != 0 {
		return "", "stdin is a terminal or device", nil
	}
	line, err := bufio.NewReader(io.LimitReader(f, auth.MaxPasswordBytes+2)).ReadString('\n')
	switch {
	case errors.Is(err, io.EOF) && line == "":
		return "", "stdin is empty", nil
	case err != nil && !errors.Is(err, io.EOF):
		return "", "", placeplan.Errorf(placeplan.EINVALID, "read the password from stdin: %v", err)
	case !strings.HasSuffix(line, "\n") && len(line) > auth.MaxPasswordBytes:
		return "", "", placeplan.Errorf(placeplan.EINVALID, "the password on stdin is longer than %d bytes", auth.MaxPasswordBytes)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", "stdin's first line is empty", nil
	}
	return line, "", nil
}

// userListCmd is "placeplan user list".
type userListCmd struct {
	cmdLine
	accountDB
}

func newUserListCmd() command {
	c := &userListCmd{cmdLine: newCmdLine("user list")}
	c.accountDB.define(c.fs)
	return c
}

func (c *userListCmd) validate() error { return c.check(&c.cmdLine) }

func (c *userListCmd) run(ctx context.Context, stdout io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := svc.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\trole\tsigns in by\tstatus\tadded")
	for _, u := range users {
		by, status := "sso or token", "enabled"
		if u.HasPassword() {
			by = "password, sso or token"
		}
		if u.Disabled {
			status = "disabled " + u.DisabledAt.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, by, status, u.CreatedAt.UTC().Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

// userDisableCmd is "placeplan user disable".
type userDisableCmd struct {
	cmdLine
	accountDB
	name string
}

func newUserDisableCmd() command {
	c := &userDisableCmd{cmdLine: newCmdLine("user disable")}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.name, "name", "", "the user's `NAME`")
	return c
}

func (c *userDisableCmd) validate() error {
	if err := c.check(&c.cmdLine); err != nil {
		return err
	}
	return needName(&c.cmdLine, c.name)
}

func (c *userDisableCmd) run(ctx context.Context, stdout io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := svc.Disable(ctx, cliActor(), c.name); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "disabled %s\n", strings.ToLower(c.name))
	return err
}

// userRoleCmd is "placeplan user role".
type userRoleCmd struct {
	cmdLine
	accountDB
	name    string
	roleArg string
	role    auth.Role
}

func newUserRoleCmd() command {
	c := &userRoleCmd{cmdLine: newCmdLine("user role")}
	c.accountDB.define(c.fs)
	c.fs.StringVar(&c.name, "name", "", "the user's `NAME`")
	c.fs.StringVar(&c.roleArg, "role", "", "the new role: `viewer|analyst|approver|admin`")
	return c
}

func (c *userRoleCmd) validate() error {
	if err := c.check(&c.cmdLine); err != nil {
		return err
	}
	if err := needName(&c.cmdLine, c.name); err != nil {
		return err
	}
	var err error
	c.role, err = parseRoleFlag(&c.cmdLine, c.roleArg)
	return err
}

func (c *userRoleCmd) run(ctx context.Context, stdout io.Writer) error {
	st, svc, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := svc.SetRole(ctx, cliActor(), c.name, c.role); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s is %s\n", strings.ToLower(c.name), c.role)
	return err
}
