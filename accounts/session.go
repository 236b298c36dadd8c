package accounts

import (
	"context"
	"fmt"

	"placeplan"
	"placeplan/auth"
)

// touchEvery is how stale a session's last use may be before a request
// records a new one: an idle timeout of minutes does not need a write per
// request.
const touchEvery = 30 // seconds

// StartSession starts a browser session for u, who has just signed in,
// and returns its id (for the cookie, and from which auth.CSRFToken
// derives the page's anti-forgery token) and the session as stored.
func (s *Service) StartSession(ctx context.Context, u auth.User) (string, auth.Session, error) {
	id, hash, err := auth.NewSessionID()
	if err != nil {
		return "", auth.Session{}, err
	}
	now := s.now().UTC()
	se := auth.Session{User: u.Name, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.sessions.Absolute)}
	if err := s.st.CreateSession(ctx, hash, se); err != nil {
		return "", auth.Session{}, err
	}
	return id, se, nil
}

// SessionUser returns the user a session cookie's id stands for and the
// session. It is EUNAUTHORIZED when the id is malformed or unknown, the
// session has passed its idle or absolute timeout, or its user is
// disabled. A use more than touchEvery seconds after the last is recorded,
// which keeps the session from idling out.
func (s *Service) SessionUser(ctx context.Context, id string) (auth.User, auth.Session, error) {
	hash, err := auth.ParseSessionID(id)
	if err != nil {
		return auth.User{}, auth.Session{}, err
	}
	se, err := s.st.SessionByHash(ctx, hash)
	if placeplan.ErrorCode(err) == placeplan.ENOTFOUND {
		return auth.User{}, auth.Session{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "the session has ended: sign in again")
	}
	if err != nil {
		return auth.User{}, auth.Session{}, err
	}
	now := s.now().UTC()
	if err := se.Usable(now, s.sessions); err != nil {
		return auth.User{}, auth.Session{}, err
	}
	u, err := s.st.UserByName(ctx, se.User)
	if err != nil {
		return auth.User{}, auth.Session{}, err
	}
	if u.Disabled {
		return auth.User{}, auth.Session{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "user %q is disabled", u.Name)
	}
	if now.Sub(se.LastSeenAt).Seconds() > touchEvery {
		if err := s.st.TouchSession(ctx, hash, now); err != nil {
			return auth.User{}, auth.Session{}, err
		}
		se.LastSeenAt = now
	}
	return u, se, nil
}

// EndSession signs a browser out: the session is forgotten by the server,
// so its cookie is worth nothing even if kept, and the sign-out is
// recorded. Ending a session that has already ended is not an error.
func (s *Service) EndSession(ctx context.Context, by placeplan.Actor, id string) error {
	hash, err := auth.ParseSessionID(id)
	if err != nil {
		return nil // nothing the server knows of
	}
	e := entry(by, placeplan.AuditSignOut, by.Name, "")
	if e.Actor == "" {
		e.Actor = "unknown"
	}
	if _, err := s.st.EndSession(ctx, hash, e); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// ActiveUser returns the enabled user name, as an authenticating proxy in
// front of the server names them. EUNAUTHORIZED for a name that is not a
// user's or a disabled user's.
func (s *Service) ActiveUser(ctx context.Context, name string) (auth.User, error) {
	n, err := auth.ParseUserName(name)
	if err != nil {
		return auth.User{}, placeplan.Wrap(placeplan.EUNAUTHORIZED, err, "the proxy's user refused")
	}
	u, err := s.st.UserByName(ctx, n)
	if placeplan.ErrorCode(err) == placeplan.ENOTFOUND {
		return auth.User{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "user %q has no account here: an admin adds them with placeplan user add", n)
	}
	if err != nil {
		return auth.User{}, err
	}
	if u.Disabled {
		return auth.User{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "user %q is disabled", n)
	}
	return u, nil
}

// Record appends an event that is not a change to the accounts — an
// export of a board paper or a layer file — to the audit trail.
func (s *Service) Record(ctx context.Context, by placeplan.Actor, action, target, detail string) error {
	if err := checkActor(by); err != nil {
		return err
	}
	e := entry(by, action, target, detail)
	e.At = s.now().UTC()
	_, err := s.st.AppendAudit(ctx, e)
	return err
}
