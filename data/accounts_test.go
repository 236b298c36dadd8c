package data

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"placeplan"
	"placeplan/auth"
)

// accountStore opens a store in a file of its own with a ticking clock
// from 09:00 on 3 December 2026.
func accountStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "accounts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = tickingClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	return s
}

func entry(action, target string) placeplan.AuditEntry {
	return placeplan.AuditEntry{Actor: "cli:test", Action: action, Target: target}
}

func wantCode(t *testing.T, what string, err error, code, text string) {
	t.Helper()
	if placeplan.ErrorCode(err) != code || !strings.Contains(err.Error(), text) {
		t.Errorf("%s: %v; want %s and %q", what, err, code, text)
	}
}

// TestUsers: add, list, look up, change the role, set a password and
// disable, each with its audit entry; names taken, unknown users and the
// last admin refused.
func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := accountStore(t)
	const hash = "$argon2id$v=19$m=64,t=1,p=1$BwcHBwcHBwcHBwcHBwcHBw$AAAAAAAAAAAAAAAAAAAAAA"
	ana, err := s.AddUser(ctx, auth.User{Name: "ana", Role: auth.Admin, PasswordHash: hash}, entry(placeplan.AuditUserAdd, "ana"))
	if err != nil {
		t.Fatal(err)
	}
	if !ana.CreatedAt.Equal(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("created %s", ana.CreatedAt)
	}
	if _, err := s.AddUser(ctx, auth.User{Name: "ben", Role: auth.Viewer}, entry(placeplan.AuditUserAdd, "ben")); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddUser(ctx, auth.User{Name: "ana", Role: auth.Viewer}, entry(placeplan.AuditUserAdd, "ana"))
	wantCode(t, "ana again", err, placeplan.ECONFLICT, `user "ana" already exists (admin)`)
	_, err = s.AddUser(ctx, auth.User{Name: "Cat", Role: auth.Viewer}, entry(placeplan.AuditUserAdd, "Cat"))
	wantCode(t, "upper case", err, placeplan.EINVALID, `add user "Cat"`)
	_, err = s.AddUser(ctx, auth.User{Name: "cat", Role: "root"}, entry(placeplan.AuditUserAdd, "cat"))
	wantCode(t, "bad role", err, placeplan.EINVALID, `role "root"`)
	_, err = s.AddUser(ctx, auth.User{Name: "cat", Role: auth.Viewer, PasswordHash: "plain text"}, entry(placeplan.AuditUserAdd, "cat"))
	if err == nil {
		t.Error("a password hash that is not argon2id was stored")
	}

	users, err := s.Users(ctx)
	if err != nil || len(users) != 2 || users[0].Name != "ana" || users[0].PasswordHash != hash || users[1].HasPassword() {
		t.Fatalf("users %+v, %v", users, err)
	}
	// The only enabled admin cannot be demoted or disabled.
	wantCode(t, "demote the last admin", s.SetRole(ctx, "ana", auth.Analyst, entry(placeplan.AuditUserRole, "ana")),
		placeplan.ECONFLICT, `"ana" is the only enabled admin and cannot be made analyst`)
	wantCode(t, "disable the last admin", s.DisableUser(ctx, "ana", entry(placeplan.AuditUserDisable, "ana")),
		placeplan.ECONFLICT, "only enabled admin")
	if err := s.SetRole(ctx, "ben", auth.Admin, entry(placeplan.AuditUserRole, "ben")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, "ben", auth.Admin, entry(placeplan.AuditUserRole, "ben")); err != nil {
		t.Errorf("the same role again: %v", err)
	}
	if err := s.DisableUser(ctx, "ana", entry(placeplan.AuditUserDisable, "ana")); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "disable twice", s.DisableUser(ctx, "ana", entry(placeplan.AuditUserDisable, "ana")), placeplan.ECONFLICT, `"ana" has been disabled since 2026-12-03`)
	wantCode(t, "unknown user", s.SetRole(ctx, "zed", auth.Viewer, entry(placeplan.AuditUserRole, "zed")), placeplan.ENOTFOUND, `no user "zed"`)
	wantCode(t, "invalid role", s.SetRole(ctx, "ben", "root", entry(placeplan.AuditUserRole, "ben")), placeplan.EINVALID, `role "root"`)
	if err := s.SetPassword(ctx, "ben", hash, entry(placeplan.AuditUserPassword, "ben")); err != nil {
		t.Fatal(err)
	}
	ben, err := s.UserByName(ctx, "ben")
	if err != nil || ben.Role != auth.Admin || ben.PasswordHash != hash || ben.Disabled {
		t.Errorf("ben %+v, %v", ben, err)
	}
	if ana, err = s.UserByName(ctx, "ana"); err != nil || !ana.Disabled || ana.DisabledAt.IsZero() {
		t.Errorf("ana %+v, %v", ana, err)
	}
	_, err = s.UserByName(ctx, "zed")
	wantCode(t, "UserByName", err, placeplan.ENOTFOUND, `no user "zed"`)
	if _, err := s.db.ExecContext(ctx, `DELETE FROM users WHERE name = 'ben'`); err == nil || !strings.Contains(err.Error(), "never deleted") {
		t.Errorf("deleting a user: %v", err)
	}

	// One audit entry per change made, none for those refused or the
	// role set again.
	log, err := s.Audit(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.Action+" "+e.Target+" "+e.Detail)
	}
	want := []string{"user.add ana ", "user.add ben ", "user.role ben viewer → admin", "user.disable ana ", "user.password ben "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTokens: a token is stored by id and hash, found by its hash, listed
// and revoked once; a disabled user gets none.
func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := accountStore(t)
	for _, u := range []string{"ana", "ben"} {
		if _, err := s.AddUser(ctx, auth.User{Name: u, Role: auth.Analyst}, entry(placeplan.AuditUserAdd, u)); err != nil {
			t.Fatal(err)
		}
	}
	plain, id, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tok, err := s.CreateToken(ctx, auth.Token{ID: id, User: "ana", Scope: auth.ScopeRead, CreatedAt: now, ExpiresAt: now.Add(auth.DefaultTokenLifetime)},
		hash, entry(placeplan.AuditTokenCreate, id))
	if err != nil {
		t.Fatal(err)
	}
	_, parsedHash, _ := auth.ParseToken(plain)
	found, err := s.TokenByHash(ctx, parsedHash)
	if err != nil || found != tok || found.Usable(now) != nil {
		t.Errorf("TokenByHash: %+v, %v; want %+v", found, err, tok)
	}
	// The database holds the hash, not the token.
	var n int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE instr(CAST(hash AS TEXT), ?) > 0 OR id = ?`, plain, plain).Scan(&n)
	if n != 0 {
		t.Error("the token itself is stored")
	}
	_, err = s.CreateToken(ctx, auth.Token{ID: id, User: "ben", Scope: auth.ScopeWrite, ExpiresAt: now.Add(time.Hour)}, hash, entry(placeplan.AuditTokenCreate, id))
	wantCode(t, "same id", err, placeplan.ECONFLICT, "already stored")
	_, err = s.CreateToken(ctx, auth.Token{ID: "0123456789ab", User: "zed", Scope: auth.ScopeWrite, ExpiresAt: now.Add(time.Hour)}, [32]byte{1}, entry(placeplan.AuditTokenCreate, "x"))
	wantCode(t, "unknown user", err, placeplan.ENOTFOUND, `no user "zed"`)
	_, err = s.CreateToken(ctx, auth.Token{ID: "0123456789ab", User: "ben", Scope: "admin", ExpiresAt: now.Add(time.Hour)}, [32]byte{1}, entry(placeplan.AuditTokenCreate, "x"))
	wantCode(t, "bad scope", err, placeplan.EINVALID, `scope "admin"`)
	_, err = s.CreateToken(ctx, auth.Token{ID: "0123456789ab", User: "ben", Scope: auth.ScopeRead, CreatedAt: now, ExpiresAt: now}, [32]byte{1}, entry(placeplan.AuditTokenCreate, "x"))
	wantCode(t, "no lifetime", err, placeplan.EINVALID, "expires before it is made")

	_, id2, hash2, _ := auth.NewToken()
	if _, err := s.CreateToken(ctx, auth.Token{ID: id2, User: "ben", Scope: auth.ScopeWrite, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, hash2, entry(placeplan.AuditTokenCreate, id2)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Tokens(ctx, "")
	if err != nil || len(all) != 2 || all[0].User != "ana" || all[1].ID != id2 {
		t.Errorf("Tokens: %+v, %v", all, err)
	}
	if bens, err := s.Tokens(ctx, "ben"); err != nil || len(bens) != 1 || bens[0].Scope != auth.ScopeWrite {
		t.Errorf("ben's tokens: %+v, %v", bens, err)
	}
	_, err = s.Tokens(ctx, "zed")
	wantCode(t, "zed's tokens", err, placeplan.ENOTFOUND, `no user "zed"`)

	revoked, err := s.RevokeToken(ctx, id, entry(placeplan.AuditTokenRevoke, id))
	if err != nil || !revoked.Revoked() {
		t.Fatalf("revoke: %+v, %v", revoked, err)
	}
	if found, _ := s.TokenByHash(ctx, hash); found.Usable(now) == nil {
		t.Error("a revoked token is usable")
	}
	_, err = s.RevokeToken(ctx, id, entry(placeplan.AuditTokenRevoke, id))
	wantCode(t, "revoke twice", err, placeplan.ECONFLICT, "already revoked")
	_, err = s.RevokeToken(ctx, "ffffffffffff", entry(placeplan.AuditTokenRevoke, "ffffffffffff"))
	wantCode(t, "revoke unknown", err, placeplan.ENOTFOUND, `no token "ffffffffffff"`)
	_, err = s.TokenByHash(ctx, [32]byte{9})
	wantCode(t, "unknown hash", err, placeplan.ENOTFOUND, "no such API token")
	// The database itself refuses to unrevoke, extend or delete a token.
	for _, stmt := range []string{
		`UPDATE api_tokens SET revoked_at = NULL`,
		`UPDATE api_tokens SET expires_at = '2099-01-01T00:00:00.000000000Z' WHERE revoked_at IS NULL`,
		`DELETE FROM api_tokens`,
	} {
		if _, err := s.db.ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: allowed", stmt)
		}
	}

	if err := s.DisableUser(ctx, "ben", entry(placeplan.AuditUserDisable, "ben")); err != nil {
		t.Fatal(err)
	}
	_, id3, hash3, _ := auth.NewToken()
	_, err = s.CreateToken(ctx, auth.Token{ID: id3, User: "ben", Scope: auth.ScopeRead, ExpiresAt: now.Add(24 * time.Hour)}, hash3, entry(placeplan.AuditTokenCreate, id3))
	wantCode(t, "token for a disabled user", err, placeplan.ECONFLICT, `"ben" is disabled`)
}

// TestLoginFailures: failures are recorded with an audit entry, read
// back since a time, judged by the lockout policy and cleared.
func TestLoginFailures(t *testing.T) {
	ctx := context.Background()
	s := accountStore(t)
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		e := placeplan.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "ana", Action: placeplan.AuditSignInFailure, Target: "ana", Remote: "192.0.2.1"}
		if err := s.RecordLoginFailure(ctx, "ana", e); err != nil {
			t.Fatal(err)
		}
	}
	s.RecordLoginFailure(ctx, "ben", placeplan.AuditEntry{At: t0, Actor: "ben", Action: placeplan.AuditSignInFailure})
	lock := auth.DefaultLockout()
	now := t0.Add(5 * time.Minute)
	fs, err := s.LoginFailures(ctx, "ana", now.Add(-lock.Lookback()))
	if err != nil || len(fs) != 5 {
		t.Fatalf("failures %v, %v", fs, err)
	}
	if until, locked := lock.LockedUntil(fs, now); !locked || !until.Equal(t0.Add(19*time.Minute)) {
		t.Errorf("locked %v until %s", locked, until)
	}
	if fs, _ := s.LoginFailures(ctx, "ana", t0.Add(2*time.Minute)); len(fs) != 3 {
		t.Errorf("failures since 09:02: %v", fs)
	}
	if err := s.ClearLoginFailures(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	if fs, _ := s.LoginFailures(ctx, "ana", time.Time{}); len(fs) != 0 {
		t.Errorf("failures after clearing: %v", fs)
	}
	if fs, _ := s.LoginFailures(ctx, "ben", time.Time{}); len(fs) != 1 {
		t.Errorf("ben's failures: %v", fs)
	}
	if log, _ := s.Audit(ctx, time.Time{}); len(log) != 6 || log[0].Remote != "192.0.2.1" || log[0].Action != "signin.failed" {
		t.Errorf("audit %+v", log)
	}
}

// TestAuditAppendOnly: entries are numbered in order and read back from a
// time; the database refuses to change or delete any, whatever client
// asks, and an entry without actor or action is refused.
func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := accountStore(t)
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for i, a := range []string{"ingest", "scenario.create", "export"} {
		e, err := s.AppendAudit(ctx, placeplan.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), Actor: "ana", Action: a, Target: "x", Detail: "d", Remote: "192.0.2.7"})
		if err != nil || e.Seq != int64(i+1) {
			t.Fatalf("append %s: %+v, %v", a, e, err)
		}
	}
	e, err := s.AppendAudit(ctx, placeplan.AuditEntry{Actor: "ana", Action: "signin"})
	if err != nil || !e.At.Equal(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("stamped with the store's clock: %+v, %v", e, err)
	}
	_, err = s.AppendAudit(ctx, placeplan.AuditEntry{Action: "signin"})
	wantCode(t, "no actor", err, placeplan.EINVALID, "must say who")

	since, err := s.Audit(ctx, t0.Add(time.Hour))
	if err != nil || len(since) != 2 || since[0].Action != "scenario.create" || since[1].Remote != "192.0.2.7" || !since[0].At.Equal(t0.Add(time.Hour)) {
		t.Errorf("since 10:00: %+v, %v", since, err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET actor = 'mallory'`,
		`UPDATE audit_log SET detail = '' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 2`,
		`DELETE FROM audit_log`,
		`INSERT OR REPLACE INTO audit_log (seq, at, actor, action) VALUES (1, '2026-12-03T09:00:00.000000000Z', 'mallory', 'nothing')`,
		`REPLACE INTO audit_log (seq, at, actor, action) VALUES (2, '2026-12-03T09:00:00.000000000Z', 'mallory', 'nothing')`,
	} {
		_, err := s.db.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", stmt, err)
		}
	}
	all, _ := s.Audit(ctx, time.Time{})
	if len(all) != 4 || all[0].Actor != "ana" || all[0].Detail != "d" {
		t.Errorf("the log changed: %+v", all)
	}
}
