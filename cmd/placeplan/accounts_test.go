package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// withStdin runs f with os.Stdin reading content ("" for an empty file;
// os.DevNull when devNull), as a pipe or a redirect would give it.
func withStdin(t *testing.T, content string, devNull bool, f func()) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if devNull {
		p = os.DevNull
	} else {
		writeFile(t, p, content)
	}
	in, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	saved := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = saved }()
	f()
}

// TestAccountCommands runs user, token and audit on a database file:
// users with and without a password, roles, a token printed alone on
// stdout, listed and revoked, and every change in the audit trail as
// cli:$USER.
func TestAccountCommands(t *testing.T) {
	t.Setenv("USER", "alice")
	db := filepath.Join(t.TempDir(), "accounts.db")
	writeFile(t, db, "") // an empty file is an empty database
	run := func(wantCode int, args ...string) (string, string) {
		t.Helper()
		out, errOut, code := runCLI(t, append(args, "--db", db)...)
		if code != wantCode {
			t.Fatalf("%v: exit %d (want %d): %s%s", args, code, wantCode, out, errOut)
		}
		return out, errOut
	}
	withStdin(t, "correct horse battery staple\n", false, func() {
		if out, errOut := run(0, "user", "add", "--name", "Ana@Council.gov.uk", "--role", "admin"); out != "added ana@council.gov.uk (admin, a local password)\n" || errOut != "" {
			t.Errorf("user add with a password: %q %q", out, errOut)
		}
	})
	withStdin(t, "", true, func() {
		if out, errOut := run(0, "user", "add", "--name", "qgis", "--role", "analyst"); !strings.Contains(out, "no local password") || !strings.Contains(errOut, "no password read (stdin is a terminal or device)") {
			t.Errorf("user add from /dev/null: %q %q", out, errOut)
		}
	})
	withStdin(t, "", false, func() {
		if _, errOut := run(0, "user", "add", "--name", "ben", "--role", "viewer"); !strings.Contains(errOut, "stdin is empty") {
			t.Errorf("user add from an empty file: %q", errOut)
		}
		run(exitConflict, "user", "add", "--name", "BEN", "--role", "viewer") // taken
	})
	withStdin(t, "short\n", false, func() {
		if _, errOut := run(65, "user", "add", "--name", "cat", "--role", "viewer"); !strings.Contains(errOut, "shorter than 12 characters") {
			t.Errorf("short password: %q", errOut)
		}
	})
	if out, _ := run(0, "user", "role", "--name", "ben", "--role", "approver"); out != "ben is approver\n" {
		t.Errorf("user role: %q", out)
	}
	out, _ := run(0, "user", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "name") || !regexp.MustCompile(`^ana@council.gov.uk +admin +password, sso or token +enabled`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^ben +approver +sso or token +enabled`).MatchString(lines[2]) {
		t.Errorf("user list:\n%s", out)
	}

	// token create prints only the token on stdout.
	out, errOut := run(0, "token", "create", "--user", "qgis", "--scope", "write", "--expires", "30d")
	m := regexp.MustCompile(`^pp_([0-9a-f]{12})_[A-Za-z0-9_-]{43}\n$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(errOut, "token "+m[1]+" for qgis, scope write, expires ") {
		t.Fatalf("token create: stdout %q, stderr %q", out, errOut)
	}
	id := m[1]
	if raw := readFile(t, db); strings.Contains(raw, strings.TrimSpace(out)) {
		t.Error("the database file holds the token")
	}
	if out, _ := run(0, "token", "list", "--user", "QGIS"); !regexp.MustCompile(id + ` +qgis +write .* active\n$`).MatchString(out) {
		t.Errorf("token list: %q", out)
	}
	if out, _ := run(0, "token", "revoke", "--id", id); out != "revoked token "+id+" of qgis\n" {
		t.Errorf("token revoke: %q", out)
	}
	run(exitConflict, "token", "revoke", "--id", id)
	if out, _ := run(0, "token", "list"); !strings.Contains(out, "revoked 20") {
		t.Errorf("token list after revoking: %q", out)
	}
	run(0, "user", "disable", "--name", "qgis")
	if _, errOut := run(exitConflict, "user", "disable", "--name", "ana@council.gov.uk"); !strings.Contains(errOut, "only enabled admin") {
		t.Errorf("disabling the last admin: %q", errOut)
	}

	out, _ = run(0, "audit")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, strings.Join([]string{r[2], r[3], r[4]}, " "))
	}
	want := []string{"cli:alice user.add ana@council.gov.uk", "cli:alice user.add qgis", "cli:alice user.add ben", "cli:alice user.role ben",
		"cli:alice token.create " + id, "cli:alice token.revoke " + id, "cli:alice user.disable qgis"}
	if strings.Join(rows[0], ",") != "seq,at,actor,action,target,detail,remote" || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s", out)
	}
	var entries []struct {
		Seq    int64  `json:"seq"`
		At     string `json:"at"`
		Action string `json:"action"`
		Detail string `json:"detail"`
	}
	out, _ = run(0, "audit", "--format", "json", "--since", "2000-01-01")
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 7 || entries[3].Detail != "viewer → approver" {
		t.Errorf("audit json: %+v %v", entries, err)
	}
	if out, _ := run(0, "audit", "--format", "json", "--since", "2999-01-01T00:00:00Z"); strings.TrimSpace(out) != "[]" {
		t.Errorf("audit since the future: %q", out)
	}

	// Mistakes.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"user"}, 2, "user: give an action: add, list, disable or role"},
		{[]string{"user", "add", "--db", db, "--name", "x"}, 2, "user add: --role viewer|analyst|approver|admin is required"},
		{[]string{"user", "add", "--db", db, "--role", "admin"}, 2, "user add: --name NAME is required"},
		{[]string{"user", "role", "--db", db, "--name", "ben", "--role", "boss"}, 2, `--role "boss": use viewer, analyst, approver or admin`},
		{[]string{"user", "add", "--db", db, "--name", "x", "--role", "viewer", "extra"}, 2, `user add: unexpected argument "extra"`},
		{[]string{"user", "list"}, 2, "user list: --db FILE is required"},
		{[]string{"user", "role", "--db", db, "--name", "nobody", "--role", "viewer"}, 66, `no user "nobody"`},
		{[]string{"user", "list", "--db", filepath.Join(t.TempDir(), "none.db")}, 66, "does not exist"},
		{[]string{"token", "create", "--db", db}, 2, "token create: --user NAME is required"},
		{[]string{"token", "create", "--db", db, "--user", "ben", "--scope", "admin"}, 2, `--scope "admin": use read or write`},
		{[]string{"token", "create", "--db", db, "--user", "ben", "--expires", "400d"}, 2, "--expires: token lifetime 400d: use 1m0s to 366 days"},
		{[]string{"token", "create", "--db", db, "--user", "qgis"}, exitConflict, `user "qgis" is disabled`},
		{[]string{"token", "revoke", "--db", db, "--id", "pp_123"}, 2, "a token id is 12 lower-case hex digits"},
		{[]string{"token", "revoke", "--db", db, "--id", "ffffffffffff"}, 66, `no token "ffffffffffff"`},
		{[]string{"token", "list", "--db", db, "--user", "zed"}, 66, `no user "zed"`},
		{[]string{"audit", "--db", db, "--since", "yesterday"}, 2, `--since "yesterday": give a day`},
		{[]string{"audit", "--db", db, "--format", "xml"}, 2, `--format "xml": use csv or json`},
		{[]string{"audit", "--db", db, "stray"}, 2, `audit: unexpected argument "stray"`},
	} {
		out, errOut, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) || c.code == 2 && out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %s; want %d and %q", c.args, code, out, errOut, c.code, c.want)
		}
	}
}
