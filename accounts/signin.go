package accounts

import (
	"context"
	"fmt"

	"placeplan"
	"placeplan/auth"
)

// ErrSignIn is what every failed password sign-in says, whatever failed
// (no such user, a disabled one, one without a password, a wrong
// password), so that sign-in does not tell who has an account.
var ErrSignIn = placeplan.Errorf(placeplan.EUNAUTHORIZED, "wrong user name or password")

// SignIn checks a password sign-in from remote (the client's address) and
// returns the user. While the name is locked out (auth.Lockout) it is
// refused without checking the password, and that refusal is not counted
// as a failure. A failure is recorded, with its audit entry, under the
// name as typed; a success clears the failures, records the sign-in and
// rehashes the password when its hash has older parameters. Failures are
// EUNAUTHORIZED and say nothing about which part was wrong.
func (s *Service) SignIn(ctx context.Context, name, password, remote string) (auth.User, error) {
	name, err := auth.ParseUserName(name)
	if err != nil {
		return auth.User{}, ErrSignIn
	}
	now := s.now().UTC()
	failures, err := s.st.LoginFailures(ctx, name, now.Add(-s.lockout.Lookback()))
	if err != nil {
		return auth.User{}, err
	}
	if until, locked := s.lockout.LockedUntil(failures, now); locked {
		return auth.User{}, placeplan.Errorf(placeplan.EUNAUTHORIZED,
			"too many failed sign-ins as %q: try again after %s UTC", name, until.Format("15:04"))
	}
	u, err := s.st.UserByName(ctx, name)
	switch {
	case placeplan.ErrorCode(err) == placeplan.ENOTFOUND:
		u = auth.User{}
	case err != nil:
		return auth.User{}, err
	}
	ok := false
	if u.HasPassword() && !u.Disabled {
		if ok, err = auth.VerifyPassword(password, u.PasswordHash); err != nil {
			return auth.User{}, fmt.Errorf("user %q: stored hash: %w", name, err)
		}
	} else {
		auth.VerifyPassword(password, s.dummyHash()) // the same work as a real check
	}
	if !ok {
		why := "wrong password"
		switch {
		case u.Name == "":
			why = "no such user"
		case u.Disabled:
			why = "user disabled"
		case !u.HasPassword():
			why = "no local password"
		}
		e := placeplan.AuditEntry{At: now, Actor: name, Action: placeplan.AuditSignInFailure, Target: name, Detail: why, Remote: remote}
		if err := s.st.RecordLoginFailure(ctx, name, e); err != nil {
			return auth.User{}, err
		}
		return auth.User{}, ErrSignIn
	}
	if err := s.st.ClearLoginFailures(ctx, name); err != nil {
		return auth.User{}, err
	}
	by := placeplan.Actor{Name: name, Remote: remote}
	if auth.NeedsRehash(u.PasswordHash, s.hashing) {
		if hash, err := auth.HashPassword(password, s.hashing); err == nil {
			if err := s.st.SetPassword(ctx, name, hash, entry(by, placeplan.AuditUserPassword, name, "rehashed with the current parameters")); err != nil {
				return auth.User{}, err
			}
			u.PasswordHash = hash
		}
	}
	if _, err := s.st.AppendAudit(ctx, placeplan.AuditEntry{At: now, Actor: name, Action: placeplan.AuditSignIn, Target: name, Detail: "password", Remote: remote}); err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// dummyHash is a hash with the service's parameters that no password is
// checked against for real.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = auth.HashPassword("placeplan: no such user", s.hashing)
	})
	return s.dummy
}

// TokenUser returns the user an API token (as sent in Authorization:
// Bearer) stands for, and the token. It is EUNAUTHORIZED when the token is
// malformed, unknown, expired or revoked, or its user disabled.
func (s *Service) TokenUser(ctx context.Context, plain string) (auth.User, auth.Token, error) {
	_, hash, err := auth.ParseToken(plain)
	if err != nil {
		return auth.User{}, auth.Token{}, placeplan.Wrap(placeplan.EUNAUTHORIZED, err, "API token refused")
	}
	t, err := s.st.TokenByHash(ctx, hash)
	if placeplan.ErrorCode(err) == placeplan.ENOTFOUND {
		return auth.User{}, auth.Token{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "API token refused: no such token")
	}
	if err != nil {
		return auth.User{}, auth.Token{}, err
	}
	if err := t.Usable(s.now()); err != nil {
		return auth.User{}, auth.Token{}, placeplan.Wrap(placeplan.EUNAUTHORIZED, err, "API token refused")
	}
	u, err := s.st.UserByName(ctx, t.User) // users are never deleted: a token's user exists
	if err != nil {
		return auth.User{}, auth.Token{}, err
	}
	if u.Disabled {
		return auth.User{}, auth.Token{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "API token %s refused: user %q is disabled", t.ID, u.Name)
	}
	return u, t, nil
}

// SignInExternal signs in a user whom single sign-on has vouched for, from
// remote, and returns them. claimed is the role the provider's claims give
// (auth.Role("") for none): a user it names gets that role, being added on
// first sign-in and having the role changed when it differs, each change
// audited; without one, the user must already be here and keeps the role
// the local table gives. A disabled user, or an unknown one without a
// claimed role, is refused with EFORBIDDEN (the provider knows them; this
// server does not let them in). method names the provider in the audit
// trail.
func (s *Service) SignInExternal(ctx context.Context, name string, claimed auth.Role, method, remote string) (auth.User, error) {
	name, err := auth.ParseUserName(name)
	if err != nil {
		return auth.User{}, placeplan.Wrap(placeplan.EFORBIDDEN, err, "single sign-on gave a user name placeplan cannot take")
	}
	by := placeplan.Actor{Name: method, Remote: remote}
	u, err := s.st.UserByName(ctx, name)
	switch {
	case placeplan.ErrorCode(err) == placeplan.ENOTFOUND && claimed.Valid():
		if u, err = s.st.AddUser(ctx, auth.User{Name: name, Role: claimed},
			entry(by, placeplan.AuditUserAdd, name, "role "+string(claimed)+" from "+method+", on first sign-in")); err != nil {
			return auth.User{}, err
		}
	case placeplan.ErrorCode(err) == placeplan.ENOTFOUND:
		return auth.User{}, placeplan.Errorf(placeplan.EFORBIDDEN, "%s has no role here: ask an admin to add them (placeplan user add --name %s --role viewer)", name, name)
	case err != nil:
		return auth.User{}, err
	case u.Disabled:
		return auth.User{}, placeplan.Errorf(placeplan.EFORBIDDEN, "user %q is disabled", name)
	case claimed.Valid() && claimed != u.Role:
		if err := s.st.SetRole(ctx, name, claimed, entry(by, placeplan.AuditUserRole, name,
			fmt.Sprintf("role %s → %s from %s", u.Role, claimed, method))); err != nil {
			return auth.User{}, err
		}
		u.Role = claimed
	}
	if _, err := s.st.AppendAudit(ctx, placeplan.AuditEntry{At: s.now().UTC(), Actor: name, Action: placeplan.AuditSignIn, Target: name,
		Detail: method, Remote: remote}); err != nil {
		return auth.User{}, err
	}
	return u, nil
}
