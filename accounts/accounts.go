// Package accounts is the account use cases that the command line (and,
// next, the HTTP layer) call: adding users, changing their roles,
// disabling them, making, listing and revoking API tokens, signing in
// with a password under the lockout policy, and reading the audit trail.
// Every change appends its audit entry in the store's transaction.
//
// Like scenario it speaks only root and auth types over a store interface
// it declares (Store, which *data.Store satisfies) and imports neither
// data, echo, net/http nor database/sql.
package accounts

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"placeplan"
	"placeplan/auth"
)

// Store is what the account use cases read and write. Each write also
// appends the audit entry it is given, in the same transaction.
type Store interface {
	AddUser(ctx context.Context, u auth.User, e placeplan.AuditEntry) (auth.User, error)
	Users(ctx context.Context) ([]auth.User, error)
	UserByName(ctx context.Context, name string) (auth.User, error)
	SetRole(ctx context.Context, name string, role auth.Role, e placeplan.AuditEntry) error
	DisableUser(ctx context.Context, name string, e placeplan.AuditEntry) error
	SetPassword(ctx context.Context, name, hash string, e placeplan.AuditEntry) error
	RecordLoginFailure(ctx context.Context, name string, e placeplan.AuditEntry) error
	LoginFailures(ctx context.Context, name string, since time.Time) ([]time.Time, error)
	ClearLoginFailures(ctx context.Context, name string) error
	CreateToken(ctx context.Context, t auth.Token, hash [sha256.Size]byte, e placeplan.AuditEntry) (auth.Token, error)
	Tokens(ctx context.Context, user string) ([]auth.Token, error)
	TokenByHash(ctx context.Context, hash [sha256.Size]byte) (auth.Token, error)
	RevokeToken(ctx context.Context, id string, e placeplan.AuditEntry) (auth.Token, error)
	AppendAudit(ctx context.Context, e placeplan.AuditEntry) (placeplan.AuditEntry, error)
	Audit(ctx context.Context, since time.Time) ([]placeplan.AuditEntry, error)
	CreateSession(ctx context.Context, hash [sha256.Size]byte, se auth.Session) error
	SessionByHash(ctx context.Context, hash [sha256.Size]byte) (auth.Session, error)
	TouchSession(ctx context.Context, hash [sha256.Size]byte, at time.Time) error
	EndSession(ctx context.Context, hash [sha256.Size]byte, e placeplan.AuditEntry) (bool, error)
}

// Options configure a Service. The zero value is production's.
type Options struct {
	// Hashing is the argon2id cost of new password hashes; zero means
	// auth.DefaultParams(). Tests pass small parameters.
	Hashing auth.Params
	// Lockout is the policy against password guessing; zero means
	// auth.DefaultLockout().
	Lockout auth.Lockout
	// Sessions is how long a browser stays signed in; zero means
	// auth.DefaultSessionPolicy().
	Sessions auth.SessionPolicy
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service is the account use cases over one store.
type Service struct {
	st       Store
	hashing  auth.Params
	lockout  auth.Lockout
	sessions auth.SessionPolicy
	now      func() time.Time

	dummyOnce sync.Once
	dummy     string // a hash of nothing, verified against when there is no user, so that a wrong name takes as long as a wrong password
}

// New returns the account use cases over st.
func New(st Store, opt Options) *Service {
	s := &Service{st: st, hashing: opt.Hashing, lockout: opt.Lockout, sessions: opt.Sessions, now: opt.Now}
	if s.sessions == (auth.SessionPolicy{}) {
		s.sessions = auth.DefaultSessionPolicy()
	}
	if s.hashing == (auth.Params{}) {
		s.hashing = auth.DefaultParams()
	}
	if s.lockout == (auth.Lockout{}) {
		s.lockout = auth.DefaultLockout()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// entry is the audit entry of a change by by.
func entry(by placeplan.Actor, action, target, detail string) placeplan.AuditEntry {
	return placeplan.AuditEntry{Actor: by.Name, Remote: by.Remote, Action: action, Target: target, Detail: detail}
}

// checkActor refuses a change nobody is recorded as making.
func checkActor(by placeplan.Actor) error {
	if by.Name == "" {
		return placeplan.Errorf(placeplan.EINVALID, "a change to the accounts must say who makes it")
	}
	return nil
}

// NewUser is a user to add: a name (any case; stored in lower case), a
// role and, for a local account, a password ("" for a user who signs in
// only by single sign-on or an API token).
type NewUser struct {
	Name     string
	Role     auth.Role
	Password string
}

// AddUser adds a user and records who did. It returns EINVALID for a name
// auth.ParseUserName refuses, an invalid role or a password
// auth.ValidatePassword refuses, and ECONFLICT for a name taken.
func (s *Service) AddUser(ctx context.Context, by placeplan.Actor, nu NewUser) (auth.User, error) {
	if err := checkActor(by); err != nil {
		return auth.User{}, err
	}
	name, err := auth.ParseUserName(nu.Name)
	if err != nil {
		return auth.User{}, err
	}
	if !nu.Role.Valid() {
		_, err := auth.ParseRole(string(nu.Role))
		return auth.User{}, fmt.Errorf("user %q: %w", name, err)
	}
	u := auth.User{Name: name, Role: nu.Role}
	detail := "role " + string(nu.Role) + ", no local password"
	if nu.Password != "" {
		if err := auth.ValidatePassword(nu.Password); err != nil {
			return auth.User{}, fmt.Errorf("user %q: %w", name, err)
		}
		if u.PasswordHash, err = auth.HashPassword(nu.Password, s.hashing); err != nil {
			return auth.User{}, fmt.Errorf("user %q: %w", name, err)
		}
		detail = "role " + string(nu.Role) + ", local password"
	}
	return s.st.AddUser(ctx, u, entry(by, placeplan.AuditUserAdd, name, detail))
}

// Users lists every user, disabled ones included, ordered by name.
func (s *Service) Users(ctx context.Context) ([]auth.User, error) { return s.st.Users(ctx) }

// SetRole gives the user name another role and records who did.
// ENOTFOUND for an unknown user, ECONFLICT for the last enabled admin.
func (s *Service) SetRole(ctx context.Context, by placeplan.Actor, name string, role auth.Role) error {
	if err := checkActor(by); err != nil {
		return err
	}
	name, err := auth.ParseUserName(name)
	if err != nil {
		return err
	}
	if !role.Valid() {
		_, err := auth.ParseRole(string(role))
		return fmt.Errorf("user %q: %w", name, err)
	}
	return s.st.SetRole(ctx, name, role, entry(by, placeplan.AuditUserRole, name, ""))
}

// Disable disables the user name, who can then neither sign in nor use
// a token, and records who did. ENOTFOUND for an unknown user, ECONFLICT
// for one already disabled or the last enabled admin.
func (s *Service) Disable(ctx context.Context, by placeplan.Actor, name string) error {
	if err := checkActor(by); err != nil {
		return err
	}
	name, err := auth.ParseUserName(name)
	if err != nil {
		return err
	}
	return s.st.DisableUser(ctx, name, entry(by, placeplan.AuditUserDisable, name, ""))
}

// SetPassword gives the user name a new local password ("" removes it:
// the user then signs in only by single sign-on or a token) and records
// who did.
func (s *Service) SetPassword(ctx context.Context, by placeplan.Actor, name, password string) error {
	if err := checkActor(by); err != nil {
		return err
	}
	name, err := auth.ParseUserName(name)
	if err != nil {
		return err
	}
	hash, detail := "", "local password removed"
	if password != "" {
		if err := auth.ValidatePassword(password); err != nil {
			return fmt.Errorf("user %q: %w", name, err)
		}
		if hash, err = auth.HashPassword(password, s.hashing); err != nil {
			return fmt.Errorf("user %q: %w", name, err)
		}
		detail = "local password set"
	}
	return s.st.SetPassword(ctx, name, hash, entry(by, placeplan.AuditUserPassword, name, detail))
}

// NewToken is an API token to make: for whom, with what scope, for how
// long (0 means auth.DefaultTokenLifetime).
type NewToken struct {
	User     string
	Scope    auth.Scope
	Lifetime time.Duration
}

// CreateToken makes an API token and records who did. It returns the
// token itself, which is never stored and cannot be shown again, and the
// token as stored. EINVALID for a bad scope or lifetime, ENOTFOUND for an
// unknown user, ECONFLICT for a disabled one.
func (s *Service) CreateToken(ctx context.Context, by placeplan.Actor, nt NewToken) (string, auth.Token, error) {
	if err := checkActor(by); err != nil {
		return "", auth.Token{}, err
	}
	name, err := auth.ParseUserName(nt.User)
	if err != nil {
		return "", auth.Token{}, err
	}
	if !nt.Scope.Valid() {
		_, err := auth.ParseScope(string(nt.Scope))
		return "", auth.Token{}, err
	}
	if nt.Lifetime == 0 {
		nt.Lifetime = auth.DefaultTokenLifetime
	}
	if nt.Lifetime < auth.MinTokenLifetime || nt.Lifetime > auth.MaxTokenLifetime {
		return "", auth.Token{}, placeplan.Errorf(placeplan.EINVALID, "token for %q: a lifetime of %s: use %s to %d days",
			name, nt.Lifetime, auth.MinTokenLifetime, auth.MaxTokenLifetime/(24*time.Hour))
	}
	plain, id, hash, err := auth.NewToken()
	if err != nil {
		return "", auth.Token{}, err
	}
	now := s.now().UTC()
	t := auth.Token{ID: id, User: name, Scope: nt.Scope, CreatedAt: now, ExpiresAt: now.Add(nt.Lifetime)}
	detail := fmt.Sprintf("for %s, scope %s, expires %s", name, nt.Scope, t.ExpiresAt.Format(time.RFC3339))
	t, err = s.st.CreateToken(ctx, t, hash, entry(by, placeplan.AuditTokenCreate, id, detail))
	if err != nil {
		return "", auth.Token{}, err
	}
	return plain, t, nil
}

// Tokens lists the API tokens of user ("" for everyone's), revoked and
// expired ones included. ENOTFOUND for an unknown user.
func (s *Service) Tokens(ctx context.Context, user string) ([]auth.Token, error) {
	if user != "" {
		var err error
		if user, err = auth.ParseUserName(user); err != nil {
			return nil, err
		}
	}
	return s.st.Tokens(ctx, user)
}

// RevokeToken revokes the token id and records who did. EINVALID for a
// malformed id, ENOTFOUND for an unknown one, ECONFLICT for a token
// already revoked.
func (s *Service) RevokeToken(ctx context.Context, by placeplan.Actor, id string) (auth.Token, error) {
	if err := checkActor(by); err != nil {
		return auth.Token{}, err
	}
	if !auth.ValidTokenID(id) {
		return auth.Token{}, placeplan.Errorf(placeplan.EINVALID, "token id %.20q: an id is 12 lower-case hex digits, as token list shows", id)
	}
	return s.st.RevokeToken(ctx, id, entry(by, placeplan.AuditTokenRevoke, id, ""))
}

// Audit returns the audit trail from since (the zero time for all of
// it), in order.
func (s *Service) Audit(ctx context.Context, since time.Time) ([]placeplan.AuditEntry, error) {
	return s.st.Audit(ctx, since)
}
