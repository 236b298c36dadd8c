package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"placeplan"
)

// An API token, for scripts and QGIS, is
//
//	pp_<id>_<secret>
//
// where id is 12 lower-case hex digits (6 random bytes), which names the
// token in listings and on the command line and is no secret, and secret
// is 32 random bytes from crypto/rand in unpadded base64url (43
// characters). The token is shown once, when it is made; the store keeps
// only its SHA-256 (TokenHash) and its id, so a copy of the database
// gives no one a usable token.
const (
	TokenPrefix      = "pp_"
	TokenIDLength    = 12 // hex digits
	TokenSecretBytes = 32
	// TokenLength is the length of a whole token: pp_, the id, _, the secret.
	TokenLength = len(TokenPrefix) + TokenIDLength + 1 + 43
)

// Lifetimes of API tokens: a token always expires. DefaultTokenLifetime
// (90 days) is what a token gets when none is asked for, MaxTokenLifetime
// (a year and a day) the longest that may be.
const (
	DefaultTokenLifetime = 90 * 24 * time.Hour
	MaxTokenLifetime     = 366 * 24 * time.Hour
	MinTokenLifetime     = time.Minute
)

// Scope is what an API token may be used for: reading only, or writing
// too (within its user's role).
type Scope string

// The scopes.
const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
)

// Valid reports whether s is one of the scopes.
func (s Scope) Valid() bool { return s == ScopeRead || s == ScopeWrite }

// Allows reports whether a token of scope s may do what needs scope
// required: write allows read.
func (s Scope) Allows(required Scope) bool {
	return s.Valid() && required.Valid() && (s == ScopeWrite || required == ScopeRead)
}

// ParseScope returns the scope named s ("read" or "write"), or an
// EINVALID error.
func ParseScope(s string) (Scope, error) {
	if sc := Scope(s); sc.Valid() {
		return sc, nil
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "scope %q: use read or write", s)
}

// Token is an API token as the store keeps it: never the token itself.
type Token struct {
	ID        string // the public id, 12 hex digits
	User      string
	Scope     Scope
	CreatedAt time.Time // UTC
	ExpiresAt time.Time // UTC
	RevokedAt time.Time // zero unless revoked (UTC)
}

// Revoked reports whether the token has been revoked.
func (t Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// Usable returns nil when the token may be used at now: not revoked and
// not expired. Otherwise it returns an EINVALID error that says which.
func (t Token) Usable(now time.Time) error {
	switch {
	case t.Revoked():
		return placeplan.Errorf(placeplan.EINVALID, "token %s was revoked on %s", t.ID, t.RevokedAt.UTC().Format(time.DateOnly))
	case !now.Before(t.ExpiresAt):
		return placeplan.Errorf(placeplan.EINVALID, "token %s expired on %s", t.ID, t.ExpiresAt.UTC().Format(time.DateOnly))
	}
	return nil
}

// NewToken makes a token: it returns the token itself, to be shown once,
// its id and its SHA-256, which is all that is stored.
func NewToken() (plain, id string, hash [sha256.Size]byte, err error) {
	return newToken(rand.Reader)
}

func newToken(random io.Reader) (plain, id string, hash [sha256.Size]byte, err error) {
	b := make([]byte, TokenIDLength/2+TokenSecretBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", "", hash, fmt.Errorf("new token: %w", err)
	}
	id = hex.EncodeToString(b[:TokenIDLength/2])
	plain = TokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(b[TokenIDLength/2:])
	return plain, id, TokenHash(plain), nil
}

// TokenHash is the SHA-256 of a whole token, what the store looks a token
// up by. A token is 256 random bits, so a fast hash suffices: there is
// nothing to guess, unlike a password.
func TokenHash(plain string) [sha256.Size]byte { return sha256.Sum256([]byte(plain)) }

// ParseToken checks that s has the form of a token (pp_, 12 hex digits,
// _, 43 characters of unpadded base64url holding 32 bytes) and returns its
// id and its hash. A malformed token is an EINVALID error that never
// repeats the token.
func ParseToken(s string) (id string, hash [sha256.Size]byte, err error) {
	bad := func(why string) (string, [sha256.Size]byte, error) {
		return "", [sha256.Size]byte{}, placeplan.Errorf(placeplan.EINVALID, "malformed API token: %s", why)
	}
	rest, ok := strings.CutPrefix(s, TokenPrefix)
	if !ok {
		return bad("it does not start with " + TokenPrefix)
	}
	if len(s) != TokenLength {
		return bad("it is " + strconv.Itoa(len(s)) + " characters long, not " + strconv.Itoa(TokenLength))
	}
	id, secret := rest[:TokenIDLength], rest[TokenIDLength:]
	if !ValidTokenID(id) {
		return bad("its id is not 12 lower-case hex digits")
	}
	if secret[0] != '_' {
		return bad("no _ after its id")
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(secret[1:]); err != nil || len(b) != TokenSecretBytes {
		return bad("its secret is not 32 bytes of base64url")
	}
	return id, TokenHash(s), nil
}

// ValidTokenID reports whether id can name a token: 12 lower-case hex
// digits.
func ValidTokenID(id string) bool {
	if len(id) != TokenIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// ParseLifetime parses how long a token lasts: a number of days ("90d"),
// weeks ("2w") or a Go duration ("36h", "90m"), from MinTokenLifetime to
// MaxTokenLifetime. Anything else is an EINVALID error.
func ParseLifetime(s string) (time.Duration, error) {
	d, err := parseLifetime(s)
	if err != nil {
		return 0, placeplan.Errorf(placeplan.EINVALID, "token lifetime %.20q: %v", s, err)
	}
	if d < MinTokenLifetime || d > MaxTokenLifetime {
		return 0, placeplan.Errorf(placeplan.EINVALID, "token lifetime %s: use %s to %d days", s, MinTokenLifetime, MaxTokenLifetime/(24*time.Hour))
	}
	return d, nil
}

func parseLifetime(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		n, ok := strings.CutSuffix(s, suffix)
		if !ok {
			continue
		}
		if n == "" || n[0] < '0' || n[0] > '9' {
			return 0, fmt.Errorf("want a whole number of days (90d), weeks (2w) or a duration (36h)")
		}
		v, err := strconv.ParseUint(n, 10, 12)
		if err != nil {
			return 0, fmt.Errorf("want a whole number of days (90d), weeks (2w) or a duration (36h)")
		}
		return time.Duration(v) * unit, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a whole number of days (90d), weeks (2w) or a duration (36h)")
	}
	return d, nil
}
