// Package auth is placeplan's accounts domain: who may do what (Role,
// Scope), how a password is kept (argon2id in the PHC string format), what
// an API token is (random, shown once, kept only as its SHA-256), when
// repeated failed sign-ins lock an account (Lockout), and the records of
// users and tokens that the store keeps and the account use cases read.
//
// Like geo and scoring it imports neither echo, net/http nor database/sql,
// and its types carry no json or db tags: the store and the HTTP layer
// convert at their edges.
package auth

import (
	"strings"
	"time"
	"unicode/utf8"

	"placeplan"
)

// MaxUserNameLength is the longest user name accepted, in bytes: room for
// an e-mail address, which is what single sign-on usually names people by.
const MaxUserNameLength = 128

// User is one account as the store keeps it.
type User struct {
	Name string // lower case, as ParseUserName returns it
	Role Role
	// PasswordHash is the argon2id hash in the PHC string format, or ""
	// for a user who signs in only by single sign-on or an API token.
	PasswordHash string
	Disabled     bool
	DisabledAt   time.Time // zero unless Disabled (UTC)
	CreatedAt    time.Time // UTC
}

// HasPassword reports whether the user may sign in with a local password.
func (u User) HasPassword() bool { return u.PasswordHash != "" }

// ParseUserName returns name as placeplan stores it: trimmed and in lower
// case, so that "Jo.Bloggs@Council.gov.uk" and "jo.bloggs@council.gov.uk"
// are one account. A name is 1 to MaxUserNameLength bytes of ASCII letters,
// digits and . _ - @ +, starting with a letter or digit (so it is never
// taken for a command-line flag), such as "jo.bloggs@shropshire.gov.uk" or
// "analyst1". Otherwise it returns an EINVALID error that says why.
func ParseUserName(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	switch {
	case name == "":
		return "", placeplan.Errorf(placeplan.EINVALID, "empty user name")
	case len(name) > MaxUserNameLength:
		return "", placeplan.Errorf(placeplan.EINVALID, "user name %.20q… is %d bytes long: at most %d", name, len(name), MaxUserNameLength)
	case !isAlnum(name[0]):
		return "", placeplan.Errorf(placeplan.EINVALID, "user name %q must start with a letter or digit", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) && !strings.ContainsRune("._-@+", rune(c)) {
			if c >= utf8.RuneSelf {
				r, _ := utf8.DecodeRuneInString(name[i:])
				return "", placeplan.Errorf(placeplan.EINVALID, "user name %q: %q is not allowed: use ASCII letters, digits and . _ - @ +", name, r)
			}
			return "", placeplan.Errorf(placeplan.EINVALID, "user name %q: %q is not allowed: use ASCII letters, digits and . _ - @ +", name, c)
		}
	}
	return name, nil
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
