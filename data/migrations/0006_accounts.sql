-- Accounts and the audit trail (issue 14). Times are UTC text in one
-- fixed-width layout (2006-01-02T15:04:05.000000000Z), so that comparing
-- them as text compares them as times.

-- One row per account. The name is lower case (auth.ParseUserName); the
-- password hash is argon2id in the PHC string format, NULL for a user who
-- signs in only by single sign-on or an API token. Users are disabled,
-- never deleted, so that the audit trail's names always mean someone.
CREATE TABLE users (
	name          TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 128 AND name = lower(name)),
	role          TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
	password_hash TEXT CHECK (password_hash LIKE '$argon2id$%'),
	disabled_at   TEXT,
	created_at    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN
	SELECT RAISE(ABORT, 'users are disabled, never deleted');
END;

-- API tokens: only the SHA-256 of each token is kept, with its public id.
-- A token always expires; revoking it stamps revoked_at, once.
CREATE TABLE api_tokens (
	id         TEXT PRIMARY KEY CHECK (length(id) = 12),
	user_name  TEXT NOT NULL REFERENCES users (name),
	hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
	scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL CHECK (expires_at > created_at),
	revoked_at TEXT
) WITHOUT ROWID;

CREATE INDEX api_tokens_user ON api_tokens (user_name);

-- Only revocation changes a token, and it cannot be undone.
CREATE TRIGGER api_tokens_revoke_only BEFORE UPDATE ON api_tokens
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
	OR NEW.id IS NOT OLD.id OR NEW.user_name IS NOT OLD.user_name OR NEW.hash IS NOT OLD.hash
	OR NEW.scope IS NOT OLD.scope OR NEW.created_at IS NOT OLD.created_at OR NEW.expires_at IS NOT OLD.expires_at
BEGIN
	SELECT RAISE(ABORT, 'an API token can only be revoked, once');
END;

CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
BEGIN
	SELECT RAISE(ABORT, 'API tokens are revoked, never deleted');
END;

-- Sign-in sessions (the HTTP layer's cookies), kept as the SHA-256 of the
-- session id; last_seen_at gives the idle timeout, expires_at the absolute
-- one. Rows are deleted at sign-out and once expired.
CREATE TABLE sessions (
	id_hash      BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
	user_name    TEXT NOT NULL REFERENCES users (name),
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_name);

-- Failed sign-ins, for the lockout (auth.Lockout): by the name as typed,
-- which need not be a user's, so that guessing at a name nobody has is
-- limited the same way. Cleared by a successful sign-in; rows older than
-- the policy's lookback may be deleted.
CREATE TABLE login_failures (
	user_name   TEXT NOT NULL,
	at          TEXT NOT NULL,
	remote_addr TEXT NOT NULL DEFAULT ''
);

CREATE INDEX login_failures_user ON login_failures (user_name, at);

-- The audit trail: who (actor), when (at), what (action, target, detail)
-- and from where (remote_addr). seq numbers entries in order and is never
-- reused. Append-only: the database refuses UPDATE and DELETE, whatever
-- client writes to it.
CREATE TABLE audit_log (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	at          TEXT NOT NULL CHECK (length(at) = 30 AND at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
	actor       TEXT NOT NULL CHECK (actor <> ''),
	action      TEXT NOT NULL CHECK (action <> ''),
	target      TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT '',
	remote_addr TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- INSERT OR REPLACE deletes the row it replaces without firing delete
-- triggers (unless recursive triggers are on): refuse an insert that
-- names a sequence number already used.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
