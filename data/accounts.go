package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"placeplan"
	"placeplan/auth"
)

// The accounts: users, API tokens, failed sign-ins and the audit trail
// (migration 0006). package auth owns the rules (names, roles, hashes,
// tokens, the lockout); the store checks what the database must never
// hold and keeps it. Every write is one transaction that also appends the
// change's audit entry, so a change is never stored without its record,
// nor recorded without being stored.

// accountTime is how account and audit times are stored: UTC, fixed
// width, so that comparing them as text in SQL compares them as times.
const accountTime = "2006-01-02T15:04:05.000000000Z"

func formatAccountTime(t time.Time) string { return t.UTC().Format(accountTime) }

func parseAccountTime(s string) (time.Time, error) { return time.Parse(accountTime, s) }

// nullTime parses a nullable stored time: zero for NULL.
func nullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseAccountTime(s.String)
}

// AddUser stores a new user, stamped with the store's clock, and appends
// e to the audit trail in the same transaction. u.Name must be as
// auth.ParseUserName returns it and u.Role valid (EINVALID otherwise);
// u.PasswordHash is "" for a user without a local password. It returns
// ECONFLICT when the name is taken, disabled users included.
func (s *Store) AddUser(ctx context.Context, u auth.User, e placeplan.AuditEntry) (auth.User, error) {
	if name, err := auth.ParseUserName(u.Name); err != nil || name != u.Name {
		return auth.User{}, placeplan.Errorf(placeplan.EINVALID, "add user %q: not a user name as auth.ParseUserName returns it", u.Name)
	}
	if !u.Role.Valid() {
		return auth.User{}, placeplan.Errorf(placeplan.EINVALID, "add user %q: role %q: use viewer, analyst, approver or admin", u.Name, u.Role)
	}
	u.CreatedAt, u.Disabled, u.DisabledAt = s.now(), false, time.Time{}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return auth.User{}, fmt.Errorf("add user %q: %w", u.Name, err)
	}
	defer tx.Rollback()
	switch cur, err := userByName(ctx, tx, u.Name); {
	case err == nil:
		disabled := ""
		if cur.Disabled {
			disabled = ", disabled"
		}
		return auth.User{}, placeplan.Errorf(placeplan.ECONFLICT, "user %q already exists (%s%s)", u.Name, cur.Role, disabled)
	case placeplan.ErrorCode(err) != placeplan.ENOTFOUND:
		return auth.User{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`,
		u.Name, string(u.Role), sql.NullString{String: u.PasswordHash, Valid: u.PasswordHash != ""}, formatAccountTime(u.CreatedAt)); err != nil {
		return auth.User{}, fmt.Errorf("add user %q: %w", u.Name, err)
	}
	if _, err := s.appendAudit(ctx, tx, e); err != nil {
		return auth.User{}, fmt.Errorf("add user %q: %w", u.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return auth.User{}, fmt.Errorf("add user %q: commit: %w", u.Name, err)
	}
	return u, nil
}

const userSelect = `SELECT name, role, COALESCE(password_hash, ''), disabled_at, created_at FROM users`

// Users lists every user, disabled ones included, ordered by name.
func (s *Store) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := s.db.QueryContext(ctx, userSelect+` ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// UserByName returns one user, disabled or not; ENOTFOUND when there is
// no user of that name.
func (s *Store) UserByName(ctx context.Context, name string) (auth.User, error) {
	return userByName(ctx, s.db, name)
}

func userByName(ctx context.Context, q querier, name string) (auth.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, userSelect+` WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, placeplan.Errorf(placeplan.ENOTFOUND, "no user %q", name)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("user %q: %w", name, err)
	}
	return u, nil
}

func scanUser(row interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	var role, created string
	var disabled sql.NullString
	if err := row.Scan(&u.Name, &role, &u.PasswordHash, &disabled, &created); err != nil {
		return auth.User{}, err
	}
	u.Role = auth.Role(role)
	var err error
	if u.CreatedAt, err = parseAccountTime(created); err != nil {
		return auth.User{}, fmt.Errorf("user %q: created_at: %w", u.Name, err)
	}
	if u.DisabledAt, err = nullTime(disabled); err != nil {
		return auth.User{}, fmt.Errorf("user %q: disabled_at: %w", u.Name, err)
	}
	u.Disabled = disabled.Valid
	return u, nil
}

// SetRole gives a user another role and appends e, its Detail filled in
// as "OLD → NEW" when empty. Setting the role a user has changes and
// records nothing. It returns ENOTFOUND for an unknown user, EINVALID for
// an invalid role, and ECONFLICT when it would leave no enabled admin
// (make another admin first).
func (s *Store) SetRole(ctx context.Context, name string, role auth.Role, e placeplan.AuditEntry) error {
	if !role.Valid() {
		return placeplan.Errorf(placeplan.EINVALID, "user %q: role %q: use viewer, analyst, approver or admin", name, role)
	}
	return s.changeUser(ctx, name, "set the role of", func(tx *sql.Tx, u auth.User) (bool, error) {
		if u.Role == role {
			return false, nil
		}
		if err := keepAnAdmin(ctx, tx, u, "made "+string(role)); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE name = ?`, string(role), name); err != nil {
			return false, err
		}
		if e.Detail == "" {
			e.Detail = fmt.Sprintf("%s → %s", u.Role, role)
		}
		_, err := s.appendAudit(ctx, tx, e)
		return true, err
	})
}

// DisableUser disables a user, who then can neither sign in nor use a
// token, and appends e. It returns ENOTFOUND for an unknown user,
// ECONFLICT for a user already disabled or the last enabled admin.
func (s *Store) DisableUser(ctx context.Context, name string, e placeplan.AuditEntry) error {
	return s.changeUser(ctx, name, "disable", func(tx *sql.Tx, u auth.User) (bool, error) {
		if u.Disabled {
			return false, placeplan.Errorf(placeplan.ECONFLICT, "user %q has been disabled since %s", name, u.DisabledAt.Format(time.DateOnly))
		}
		if err := keepAnAdmin(ctx, tx, u, "disabled"); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE name = ?`, formatAccountTime(s.now()), name); err != nil {
			return false, err
		}
		_, err := s.appendAudit(ctx, tx, e)
		return true, err
	})
}

// SetPassword replaces a user's password hash (an argon2id PHC string, or
// "" for no local password) and appends e. ENOTFOUND for an unknown user.
func (s *Store) SetPassword(ctx context.Context, name, hash string, e placeplan.AuditEntry) error {
	return s.changeUser(ctx, name, "set the password of", func(tx *sql.Tx, _ auth.User) (bool, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE name = ?`,
			sql.NullString{String: hash, Valid: hash != ""}, name); err != nil {
			return false, err
		}
		_, err := s.appendAudit(ctx, tx, e)
		return true, err
	})
}

// changeUser runs change on a user in one transaction, committing when it
// reports a change.
func (s *Store) changeUser(ctx context.Context, name, what string, change func(*sql.Tx, auth.User) (bool, error)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s user %q: %w", what, name, err)
	}
	defer tx.Rollback()
	u, err := userByName(ctx, tx, name)
	if err != nil {
		return err
	}
	changed, err := change(tx, u)
	if err != nil {
		if placeplan.ErrorCode(err) != placeplan.EINTERNAL {
			return err
		}
		return fmt.Errorf("%s user %q: %w", what, name, err)
	}
	if !changed {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s user %q: commit: %w", what, name, err)
	}
	return nil
}

// keepAnAdmin refuses to take away the last enabled admin.
func keepAnAdmin(ctx context.Context, tx *sql.Tx, u auth.User, what string) error {
	if u.Role != auth.Admin || u.Disabled {
		return nil
	}
	var others int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND name <> ?`,
		u.Name).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return placeplan.Errorf(placeplan.ECONFLICT, "user %q is the only enabled admin and cannot be %s: make another admin first", u.Name, what)
	}
	return nil
}

// RecordLoginFailure records a failed sign-in as name (as typed: it need
// not be a user) at e.At (the store's clock when zero) from e.Remote, and
// appends e, in one transaction.
func (s *Store) RecordLoginFailure(ctx context.Context, name string, e placeplan.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record a failed sign-in as %q: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (user_name, at, remote_addr) VALUES (?, ?, ?)`,
		name, formatAccountTime(e.At), e.Remote); err != nil {
		return fmt.Errorf("record a failed sign-in as %q: %w", name, err)
	}
	if _, err := s.appendAudit(ctx, tx, e); err != nil {
		return fmt.Errorf("record a failed sign-in as %q: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record a failed sign-in as %q: commit: %w", name, err)
	}
	return nil
}

// LoginFailures returns the times of the failed sign-ins as name since
// since (inclusive), oldest first: what auth.Lockout.LockedUntil judges.
func (s *Store) LoginFailures(ctx context.Context, name string, since time.Time) ([]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at FROM login_failures WHERE user_name = ? AND at >= ? ORDER BY at`,
		name, formatAccountTime(since))
	if err != nil {
		return nil, fmt.Errorf("failed sign-ins as %q: %w", name, err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at string
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("failed sign-ins as %q: %w", name, err)
		}
		t, err := parseAccountTime(at)
		if err != nil {
			return nil, fmt.Errorf("failed sign-ins as %q: %w", name, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ClearLoginFailures forgets the failed sign-ins as name, after a
// successful one.
func (s *Store) ClearLoginFailures(ctx context.Context, name string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE user_name = ?`, name); err != nil {
		return fmt.Errorf("clear the failed sign-ins as %q: %w", name, err)
	}
	return nil
}

// CreateToken stores an API token of t.User, known by its id and the
// SHA-256 hash of the token (auth.NewToken gives both), stamped with the
// store's clock as created unless t.CreatedAt is set, and appends e. It
// returns EINVALID for a malformed id, scope or expiry, ENOTFOUND for an
// unknown user, ECONFLICT for a disabled user or a token id or hash
// already stored.
func (s *Store) CreateToken(ctx context.Context, t auth.Token, hash [sha256.Size]byte, e placeplan.AuditEntry) (auth.Token, error) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	t.RevokedAt = time.Time{}
	switch {
	case !auth.ValidTokenID(t.ID):
		return auth.Token{}, placeplan.Errorf(placeplan.EINVALID, "token %q for %q: the id is not 12 lower-case hex digits", t.ID, t.User)
	case !t.Scope.Valid():
		return auth.Token{}, placeplan.Errorf(placeplan.EINVALID, "token %s for %q: scope %q: use read or write", t.ID, t.User, t.Scope)
	case !t.ExpiresAt.After(t.CreatedAt):
		return auth.Token{}, placeplan.Errorf(placeplan.EINVALID, "token %s for %q: it expires before it is made", t.ID, t.User)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return auth.Token{}, fmt.Errorf("create token %s for %q: %w", t.ID, t.User, err)
	}
	defer tx.Rollback()
	u, err := userByName(ctx, tx, t.User)
	if err != nil {
		return auth.Token{}, err
	}
	if u.Disabled {
		return auth.Token{}, placeplan.Errorf(placeplan.ECONFLICT, "user %q is disabled: no token can be made for them", t.User)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_tokens WHERE id = ? OR hash = ?`, t.ID, hash[:]).Scan(&n); err != nil {
		return auth.Token{}, fmt.Errorf("create token %s for %q: %w", t.ID, t.User, err)
	}
	if n > 0 {
		return auth.Token{}, placeplan.Errorf(placeplan.ECONFLICT, "token %s: a token with this id or hash is already stored", t.ID)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_name, hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.User, hash[:], string(t.Scope), formatAccountTime(t.CreatedAt), formatAccountTime(t.ExpiresAt)); err != nil {
		return auth.Token{}, fmt.Errorf("create token %s for %q: %w", t.ID, t.User, err)
	}
	if _, err := s.appendAudit(ctx, tx, e); err != nil {
		return auth.Token{}, fmt.Errorf("create token %s for %q: %w", t.ID, t.User, err)
	}
	if err := tx.Commit(); err != nil {
		return auth.Token{}, fmt.Errorf("create token %s for %q: commit: %w", t.ID, t.User, err)
	}
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	return t, nil
}

const tokenSelect = `SELECT id, user_name, scope, created_at, expires_at, revoked_at FROM api_tokens`

// Tokens lists the API tokens of one user ("" for every user's), revoked
// and expired ones included, ordered by user and creation. ENOTFOUND when
// user names no user.
func (s *Store) Tokens(ctx context.Context, user string) ([]auth.Token, error) {
	if user != "" {
		if _, err := userByName(ctx, s.db, user); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, tokenSelect+` WHERE ? = '' OR user_name = ? ORDER BY user_name, created_at, id`, user, user)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// TokenByHash returns the token whose SHA-256 is hash (auth.ParseToken
// gives it), revoked or expired ones included: the caller judges with
// Token.Usable. ENOTFOUND when no token has this hash.
func (s *Store) TokenByHash(ctx context.Context, hash [sha256.Size]byte) (auth.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, tokenSelect+` WHERE hash = ?`, hash[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Token{}, placeplan.Errorf(placeplan.ENOTFOUND, "no such API token")
	}
	if err != nil {
		return auth.Token{}, fmt.Errorf("look up an API token: %w", err)
	}
	return t, nil
}

// RevokeToken revokes the token id, from now on, appends e, and returns
// the token as revoked. ENOTFOUND for an unknown id, ECONFLICT for a token
// already revoked.
func (s *Store) RevokeToken(ctx context.Context, id string, e placeplan.AuditEntry) (auth.Token, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return auth.Token{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	defer tx.Rollback()
	t, err := scanToken(tx.QueryRowContext(ctx, tokenSelect+` WHERE id = ?`, id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return auth.Token{}, placeplan.Errorf(placeplan.ENOTFOUND, "no token %q", id)
	case err != nil:
		return auth.Token{}, fmt.Errorf("revoke token %s: %w", id, err)
	case t.Revoked():
		return auth.Token{}, placeplan.Errorf(placeplan.ECONFLICT, "token %s of %q was already revoked on %s", id, t.User, t.RevokedAt.Format(time.DateOnly))
	}
	t.RevokedAt = s.now()
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, formatAccountTime(t.RevokedAt), id); err != nil {
		return auth.Token{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	if _, err := s.appendAudit(ctx, tx, e); err != nil {
		return auth.Token{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return auth.Token{}, fmt.Errorf("revoke token %s: commit: %w", id, err)
	}
	return t, nil
}

func scanToken(row interface{ Scan(...any) error }) (auth.Token, error) {
	var t auth.Token
	var scope, created, expires string
	var revoked sql.NullString
	if err := row.Scan(&t.ID, &t.User, &scope, &created, &expires, &revoked); err != nil {
		return auth.Token{}, err
	}
	t.Scope = auth.Scope(scope)
	var err error
	if t.CreatedAt, err = parseAccountTime(created); err != nil {
		return auth.Token{}, fmt.Errorf("token %s: created_at: %w", t.ID, err)
	}
	if t.ExpiresAt, err = parseAccountTime(expires); err != nil {
		return auth.Token{}, fmt.Errorf("token %s: expires_at: %w", t.ID, err)
	}
	if t.RevokedAt, err = nullTime(revoked); err != nil {
		return auth.Token{}, fmt.Errorf("token %s: revoked_at: %w", t.ID, err)
	}
	return t, nil
}

// AppendAudit appends one entry to the audit trail, at e.At or the
// store's clock when zero, and returns it with its sequence number.
// EINVALID when it names no actor or action.
func (s *Store) AppendAudit(ctx context.Context, e placeplan.AuditEntry) (placeplan.AuditEntry, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return placeplan.AuditEntry{}, fmt.Errorf("append to the audit log: %w", err)
	}
	defer tx.Rollback()
	e, err = s.appendAudit(ctx, tx, e)
	if err != nil {
		return placeplan.AuditEntry{}, err
	}
	if err := tx.Commit(); err != nil {
		return placeplan.AuditEntry{}, fmt.Errorf("append %s to the audit log: commit: %w", e.Action, err)
	}
	return e, nil
}

// appendAudit appends e inside a write's transaction.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e placeplan.AuditEntry) (placeplan.AuditEntry, error) {
	if e.Actor == "" || e.Action == "" {
		return placeplan.AuditEntry{}, placeplan.Errorf(placeplan.EINVALID, "an audit entry must say who (%q) did what (%q)", e.Actor, e.Action)
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	e.At = e.At.UTC()
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, target, detail, remote_addr) VALUES (?, ?, ?, ?, ?, ?)`,
		formatAccountTime(e.At), e.Actor, e.Action, e.Target, e.Detail, e.Remote)
	if err != nil {
		return placeplan.AuditEntry{}, fmt.Errorf("append %s of %q to the audit log: %w", e.Action, e.Target, err)
	}
	if e.Seq, err = res.LastInsertId(); err != nil {
		return placeplan.AuditEntry{}, fmt.Errorf("append %s of %q to the audit log: %w", e.Action, e.Target, err)
	}
	return e, nil
}

// Audit returns the audit trail from since (inclusive; the zero time for
// all of it), in order.
func (s *Store) Audit(ctx context.Context, since time.Time) ([]placeplan.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, action, target, detail, remote_addr FROM audit_log
		WHERE at >= ? ORDER BY seq`, formatAccountTime(since))
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var out []placeplan.AuditEntry
	for rows.Next() {
		var e placeplan.AuditEntry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Remote); err != nil {
			return nil, fmt.Errorf("read the audit log: %w", err)
		}
		if e.At, err = parseAccountTime(at); err != nil {
			return nil, fmt.Errorf("read the audit log: entry %d: %w", e.Seq, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	return out, nil
}
