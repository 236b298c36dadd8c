package accounts

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"placeplan"
	"placeplan/auth"
	"placeplan/data"
	"placeplan/internal/testclock"
)

// cheap are argon2id parameters that take microseconds.
var cheap = auth.Params{MemoryKiB: 64, Iterations: 1, Threads: 1}

var cli = placeplan.Actor{Name: "cli:test"}

// service returns the use cases over a new database file, with cheap
// hashes and a clock at 09:00 on 3 December 2026 that moves only when
// told.
func service(t *testing.T) (*Service, *data.Store, *testclock.Clock) {
	t.Helper()
	st, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "accounts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := testclock.New(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	st.Now = c.Now
	return New(st, Options{Hashing: cheap, Now: c.Now}), st, c
}

func wantCode(t *testing.T, what string, err error, code, text string) {
	t.Helper()
	if placeplan.ErrorCode(err) != code || !strings.Contains(err.Error(), text) {
		t.Errorf("%s: %v; want %s and %q", what, err, code, text)
	}
}

func actions(t *testing.T, s *Service) string {
	t.Helper()
	log, err := s.Audit(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, strings.TrimSpace(e.Actor+" "+e.Action+" "+e.Target+" "+e.Detail))
	}
	return strings.Join(out, "\n")
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s, _, _ := service(t)
	u, err := s.AddUser(ctx, cli, NewUser{Name: "Ana@Council.gov.uk", Role: auth.Admin, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "ana@council.gov.uk" || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("added %+v", u)
	}
	if _, err := s.AddUser(ctx, cli, NewUser{Name: "ben", Role: auth.Viewer}); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddUser(ctx, cli, NewUser{Name: "cat", Role: auth.Viewer, Password: "short"})
	wantCode(t, "short password", err, placeplan.EINVALID, `user "cat": the password is shorter than 12 characters`)
	_, err = s.AddUser(ctx, cli, NewUser{Name: "cat", Role: "boss"})
	wantCode(t, "bad role", err, placeplan.EINVALID, `role "boss": use viewer, analyst, approver or admin`)
	_, err = s.AddUser(ctx, cli, NewUser{Name: "-cat", Role: auth.Viewer})
	wantCode(t, "bad name", err, placeplan.EINVALID, "must start with a letter or digit")
	_, err = s.AddUser(ctx, placeplan.Actor{}, NewUser{Name: "cat", Role: auth.Viewer})
	wantCode(t, "nobody", err, placeplan.EINVALID, "must say who")
	_, err = s.AddUser(ctx, cli, NewUser{Name: "BEN", Role: auth.Admin})
	wantCode(t, "ben again, in capitals", err, placeplan.ECONFLICT, `user "ben" already exists`)

	if err := s.SetRole(ctx, cli, "Ben", auth.Analyst); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "last admin", s.Disable(ctx, cli, "ana@council.gov.uk"), placeplan.ECONFLICT, "only enabled admin")
	if err := s.Disable(ctx, cli, "ben"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, cli, "ben", "a new long password"); err != nil {
		t.Fatal(err)
	}
	users, err := s.Users(ctx)
	if err != nil || len(users) != 2 || users[1].Role != auth.Analyst || !users[1].Disabled || !users[1].HasPassword() {
		t.Errorf("users %+v, %v", users, err)
	}
	want := `cli:test user.add ana@council.gov.uk role admin, local password
cli:test user.add ben role viewer, no local password
cli:test user.role ben viewer → analyst
cli:test user.disable ben
cli:test user.password ben local password set`
	if got := actions(t, s); got != want {
		t.Errorf("audit:\n%s\nwant:\n%s", got, want)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s, _, c := service(t)
	if _, err := s.AddUser(ctx, cli, NewUser{Name: "qgis", Role: auth.Analyst}); err != nil {
		t.Fatal(err)
	}
	plain, tok, err := s.CreateToken(ctx, cli, NewToken{User: "qgis", Scope: auth.ScopeRead, Lifetime: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "pp_"+tok.ID+"_") || !tok.ExpiresAt.Equal(c.Now().Add(48*time.Hour)) {
		t.Errorf("token %q %+v", plain, tok)
	}
	u, got, err := s.TokenUser(ctx, plain)
	if err != nil || u.Name != "qgis" || got.ID != tok.ID || got.Scope != auth.ScopeRead {
		t.Errorf("TokenUser: %+v %+v %v", u, got, err)
	}
	_, _, err = s.TokenUser(ctx, plain[:len(plain)-2]+"AA")
	wantCode(t, "unknown token", err, placeplan.EUNAUTHORIZED, "no such token")
	_, _, err = s.TokenUser(ctx, "Bearer "+plain)
	wantCode(t, "malformed", err, placeplan.EUNAUTHORIZED, "malformed API token")
	// Expiry.
	c.Add(48 * time.Hour)
	_, _, err = s.TokenUser(ctx, plain)
	wantCode(t, "expired", err, placeplan.EUNAUTHORIZED, "expired on 2026-12-05")
	// Revocation.
	plain2, tok2, err := s.CreateToken(ctx, cli, NewToken{User: "qgis", Scope: auth.ScopeWrite})
	if err != nil || !tok2.ExpiresAt.Equal(c.Now().Add(auth.DefaultTokenLifetime)) {
		t.Fatalf("default lifetime: %+v %v", tok2, err)
	}
	if _, err := s.RevokeToken(ctx, cli, tok2.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.TokenUser(ctx, plain2)
	wantCode(t, "revoked", err, placeplan.EUNAUTHORIZED, "revoked")
	_, err = s.RevokeToken(ctx, cli, "pp_"+tok2.ID)
	wantCode(t, "revoke by a malformed id", err, placeplan.EINVALID, "12 lower-case hex digits")
	// A disabled user's tokens stop working.
	plain3, _, _ := s.CreateToken(ctx, cli, NewToken{User: "qgis", Scope: auth.ScopeRead})
	if _, err := s.AddUser(ctx, cli, NewUser{Name: "admin", Role: auth.Admin}); err != nil {
		t.Fatal(err)
	}
	if err := s.Disable(ctx, cli, "qgis"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.TokenUser(ctx, plain3)
	wantCode(t, "disabled user", err, placeplan.EUNAUTHORIZED, `user "qgis" is disabled`)
	_, _, err = s.CreateToken(ctx, cli, NewToken{User: "qgis", Scope: auth.ScopeRead})
	wantCode(t, "token for a disabled user", err, placeplan.ECONFLICT, "disabled")
	_, _, err = s.CreateToken(ctx, cli, NewToken{User: "admin", Scope: "all"})
	wantCode(t, "bad scope", err, placeplan.EINVALID, `scope "all"`)
	_, _, err = s.CreateToken(ctx, cli, NewToken{User: "admin", Scope: auth.ScopeRead, Lifetime: 400 * 24 * time.Hour})
	wantCode(t, "too long", err, placeplan.EINVALID, "use 1m0s to 366 days")
	if ts, err := s.Tokens(ctx, "QGIS"); err != nil || len(ts) != 3 {
		t.Errorf("qgis's tokens: %d, %v", len(ts), err)
	}
	// The audit trail names the tokens, never holds them.
	log, _ := s.Audit(ctx, time.Time{})
	for _, e := range log {
		for _, p := range []string{plain, plain2, plain3} {
			if strings.Contains(e.Detail+e.Target, p[16:]) {
				t.Errorf("the audit trail holds a token: %+v", e)
			}
		}
	}
	if got := actions(t, s); !strings.Contains(got, "cli:test token.create "+tok.ID+" for qgis, scope read, expires 2026-12-05T09:00:00Z") ||
		!strings.Contains(got, "cli:test token.revoke "+tok2.ID) {
		t.Errorf("audit:\n%s", got)
	}
}

// TestSignIn: a good password signs in; wrong ones are counted, and the
// fifth within 15 minutes locks the name for 15 minutes after it, during
// which even the right password is refused and not counted; unknown,
// disabled and password-less users fail the same way.
func TestSignIn(t *testing.T) {
	ctx := context.Background()
	s, st, c := service(t)
	const pw = "correct horse battery"
	for _, nu := range []NewUser{{Name: "ana", Role: auth.Admin, Password: pw}, {Name: "sso", Role: auth.Viewer}, {Name: "gone", Role: auth.Viewer, Password: pw}} {
		if _, err := s.AddUser(ctx, cli, nu); err != nil {
			t.Fatal(err)
		}
	}
	s.Disable(ctx, cli, "gone")
	if u, err := s.SignIn(ctx, "Ana", pw, "192.0.2.1"); err != nil || u.Name != "ana" {
		t.Fatalf("sign in: %+v %v", u, err)
	}
	for _, tc := range []struct{ name, password string }{{"ana", "wrong"}, {"nobody", pw}, {"sso", pw}, {"gone", pw}, {"-bad name", pw}} {
		_, err := s.SignIn(ctx, tc.name, tc.password, "192.0.2.1")
		if err != ErrSignIn {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	for range 4 {
		c.Add(time.Minute)
		s.SignIn(ctx, "ana", "still wrong", "192.0.2.9")
	}
	// Five failures from 09:00 to 09:04: locked until 09:19.
	_, err := s.SignIn(ctx, "ana", pw, "192.0.2.1")
	wantCode(t, "locked", err, placeplan.EUNAUTHORIZED, `too many failed sign-ins as "ana": try again after 09:19 UTC`)
	if fs, _ := st.LoginFailures(ctx, "ana", time.Time{}); len(fs) != 5 {
		t.Errorf("%d failures recorded; the refusal while locked must not count", len(fs))
	}
	c.Add(15 * time.Minute) // 09:19
	if _, err := s.SignIn(ctx, "ana", pw, "192.0.2.1"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	if fs, _ := st.LoginFailures(ctx, "ana", time.Time{}); len(fs) != 0 {
		t.Errorf("failures not cleared by a sign-in: %v", fs)
	}
	got := actions(t, s)
	for _, want := range []string{"ana signin ana password", "ana signin.failed ana wrong password", "nobody signin.failed nobody no such user",
		"sso signin.failed sso no local password", "gone signin.failed gone user disabled"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, pw) {
		t.Error("the audit trail holds a password")
	}
}

// TestSignInRehashes: a hash with older parameters is replaced at the
// next good sign-in.
func TestSignInRehashes(t *testing.T) {
	ctx := context.Background()
	s, st, c := service(t)
	const pw = "correct horse battery"
	if _, err := s.AddUser(ctx, cli, NewUser{Name: "ana", Role: auth.Viewer, Password: pw}); err != nil {
		t.Fatal(err)
	}
	stronger := New(st, Options{Hashing: auth.Params{MemoryKiB: 128, Iterations: 1, Threads: 1}, Now: c.Now})
	if _, err := stronger.SignIn(ctx, "ana", pw, ""); err != nil {
		t.Fatal(err)
	}
	u, _ := st.UserByName(ctx, "ana")
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=128,t=1,p=1$") {
		t.Errorf("not rehashed: %s", u.PasswordHash)
	}
	if _, err := stronger.SignIn(ctx, "ana", pw, ""); err != nil {
		t.Errorf("after rehashing: %v", err)
	}
}
