package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"placeplan"
)

// A sign-in session is what a browser's cookie names: a session id of
// SessionIDBytes random bytes in unpadded base64url, known only to the
// browser (the cookie is HttpOnly). The store keeps its SHA-256, never the
// id, so a copy of the database gives no one a session.
const (
	SessionIDBytes = 32
	// SessionIDLength is the length of a session id as the cookie holds it.
	SessionIDLength = 43
)

// Session is a signed-in browser, as the store keeps it.
type Session struct {
	User       string
	CreatedAt  time.Time // UTC; the absolute timeout counts from here
	LastSeenAt time.Time // UTC; the idle timeout counts from here
	ExpiresAt  time.Time // UTC: CreatedAt + the policy's Absolute
}

// SessionPolicy is how long a session lasts: it ends Idle after the last
// request that used it and Absolute after sign-in, whichever comes first.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionPolicy is 30 minutes idle and 10 hours in all: a working
// day with a lunch break needs one sign-in after lunch, and a screen left
// unlocked on a shared desk is signed out within half an hour.
func DefaultSessionPolicy() SessionPolicy {
	return SessionPolicy{Idle: 30 * time.Minute, Absolute: 10 * time.Hour}
}

// Usable returns nil when the session may still be used at now under p,
// else an EUNAUTHORIZED error saying which timeout ended it.
func (s Session) Usable(now time.Time, p SessionPolicy) error {
	switch {
	case !now.Before(s.ExpiresAt) || (p.Absolute > 0 && !now.Before(s.CreatedAt.Add(p.Absolute))):
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "the session has ended (signed in more than %s ago): sign in again", p.Absolute)
	case p.Idle > 0 && !now.Before(s.LastSeenAt.Add(p.Idle)):
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "the session has ended (unused for %s): sign in again", p.Idle)
	}
	return nil
}

// NewSessionID makes a session id: it returns the id, for the cookie, and
// its SHA-256, which is all that is stored.
func NewSessionID() (id string, hash [sha256.Size]byte, err error) {
	return newSessionID(rand.Reader)
}

func newSessionID(random io.Reader) (string, [sha256.Size]byte, error) {
	b := make([]byte, SessionIDBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", [sha256.Size]byte{}, fmt.Errorf("new session: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	return id, sha256.Sum256([]byte(id)), nil
}

// ParseSessionID checks that id has the form of a session id and returns
// its SHA-256. A malformed id is an EUNAUTHORIZED error that never repeats
// it.
func ParseSessionID(id string) ([sha256.Size]byte, error) {
	if len(id) != SessionIDLength {
		return [sha256.Size]byte{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "malformed session cookie: sign in again")
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(id); err != nil || len(b) != SessionIDBytes {
		return [sha256.Size]byte{}, placeplan.Errorf(placeplan.EUNAUTHORIZED, "malformed session cookie: sign in again")
	}
	return sha256.Sum256([]byte(id)), nil
}

// CSRFToken is the anti-forgery token of the session id: what a page
// sends back in a header with every write. It is derived from the id,
// which another site cannot read, by a one-way hash distinct from the
// stored one, so it needs no storage and reveals neither the id nor what
// the store keeps.
func CSRFToken(sessionID string) string {
	sum := sha256.Sum256([]byte("placeplan csrf\x00" + sessionID))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
