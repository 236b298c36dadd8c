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

// Sign-in sessions (migration 0006's sessions table), kept by the SHA-256
// of their id. The account use cases judge the timeouts; the store keeps
// the times and forgets sessions that have ended.

// CreateSession stores a session for an enabled user, forgetting those
// that expired before it began. ENOTFOUND for an unknown user, ECONFLICT
// for a disabled one.
func (s *Store) CreateSession(ctx context.Context, hash [sha256.Size]byte, se auth.Session) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("start a session for %q: %w", se.User, err)
	}
	defer tx.Rollback()
	u, err := userByName(ctx, tx, se.User)
	if err != nil {
		return err
	}
	if u.Disabled {
		return placeplan.Errorf(placeplan.ECONFLICT, "user %q is disabled: no session can be started", se.User)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatAccountTime(se.CreatedAt)); err != nil {
		return fmt.Errorf("start a session for %q: forget ended sessions: %w", se.User, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_name, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash[:], se.User, formatAccountTime(se.CreatedAt), formatAccountTime(se.LastSeenAt), formatAccountTime(se.ExpiresAt)); err != nil {
		return fmt.Errorf("start a session for %q: %w", se.User, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("start a session for %q: commit: %w", se.User, err)
	}
	return nil
}

// SessionByHash returns the session whose id has SHA-256 hash, ended or
// not. ENOTFOUND when there is none.
func (s *Store) SessionByHash(ctx context.Context, hash [sha256.Size]byte) (auth.Session, error) {
	var se auth.Session
	var created, seen, expires string
	err := s.db.QueryRowContext(ctx, `SELECT user_name, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = ?`, hash[:]).
		Scan(&se.User, &created, &seen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Session{}, placeplan.Errorf(placeplan.ENOTFOUND, "no such session")
	}
	if err != nil {
		return auth.Session{}, fmt.Errorf("look up a session: %w", err)
	}
	for _, f := range []struct {
		to   *time.Time
		text string
	}{{&se.CreatedAt, created}, {&se.LastSeenAt, seen}, {&se.ExpiresAt, expires}} {
		if *f.to, err = parseAccountTime(f.text); err != nil {
			return auth.Session{}, fmt.Errorf("session of %q: %w", se.User, err)
		}
	}
	return se, nil
}

// TouchSession records that the session was used at at.
func (s *Store) TouchSession(ctx context.Context, hash [sha256.Size]byte, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?`,
		formatAccountTime(at), hash[:], formatAccountTime(at)); err != nil {
		return fmt.Errorf("record a session's use: %w", err)
	}
	return nil
}

// EndSession forgets the session whose id has SHA-256 hash and, when it
// existed, appends e in the same transaction. It reports whether there
// was such a session.
func (s *Store) EndSession(ctx context.Context, hash [sha256.Size]byte, e placeplan.AuditEntry) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("end a session: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash[:])
	if err != nil {
		return false, fmt.Errorf("end a session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := s.appendAudit(ctx, tx, e); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("end a session: commit: %w", err)
	}
	return true, nil
}
