package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"placeplan"
)

// The argon2id parameters of new password hashes: OWASP's Password Storage
// Cheat Sheet's first configuration (m=19 MiB, t=2, p=1). It costs about
// 20-40 ms and 19 MiB per sign-in on one core, which bounds what a guess
// costs an attacker holding the database while a server with 2 cores still
// answers sign-ins; a larger m is the better lever than t, and OWASP gives
// no more parallelism than one lane for this memory.
const (
	DefaultMemoryKiB  = 19456 // KiB (19 MiB)
	DefaultIterations = 2
	DefaultThreads    = 1
	SaltBytes         = 16 // RFC 9106 recommends 16 bytes of salt
	KeyBytes          = 32 // the length of the derived hash
)

// Limits on a password: at least MinPasswordLength characters (NCSC and
// OWASP ask for length, not composition rules) and at most MaxPasswordBytes
// bytes, so that nobody makes the server hash a megabyte.
const (
	MinPasswordLength = 12
	MaxPasswordBytes  = 1024
)

// Limits that ParseHash enforces on a stored hash, so that a corrupted or
// hostile hash cannot make one verification take gigabytes or minutes.
const (
	maxMemoryKiB  = 1 << 21 // 2 GiB
	maxIterations = 64
	minSaltBytes  = 8
	maxSaltBytes  = 64
	minKeyBytes   = 16
	maxKeyBytes   = 64
)

// Params are the argon2id cost parameters of a new hash.
type Params struct {
	MemoryKiB  uint32 // memory per hash, KiB
	Iterations uint32 // passes over the memory
	Threads    uint8  // lanes
}

// DefaultParams returns the production parameters: DefaultMemoryKiB,
// DefaultIterations and DefaultThreads.
func DefaultParams() Params {
	return Params{MemoryKiB: DefaultMemoryKiB, Iterations: DefaultIterations, Threads: DefaultThreads}
}

// Hash is a parsed argon2id hash: its parameters, salt and key.
type Hash struct {
	Params
	Salt []byte
	Key  []byte
}

// String returns the hash in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY (salt and key in unpadded
// standard base64).
func (h Hash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.MemoryKiB, h.Iterations, h.Threads,
		base64.RawStdEncoding.EncodeToString(h.Salt), base64.RawStdEncoding.EncodeToString(h.Key))
}

// ValidatePassword returns nil for a password placeplan accepts: valid
// UTF-8 of at least MinPasswordLength characters and at most
// MaxPasswordBytes bytes. Otherwise an EINVALID error that says why (and
// never repeats the password).
func ValidatePassword(password string) error {
	switch {
	case !utf8.ValidString(password):
		return placeplan.Errorf(placeplan.EINVALID, "the password is not UTF-8 text")
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return placeplan.Errorf(placeplan.EINVALID, "the password is shorter than %d characters", MinPasswordLength)
	case len(password) > MaxPasswordBytes:
		return placeplan.Errorf(placeplan.EINVALID, "the password is longer than %d bytes", MaxPasswordBytes)
	}
	return nil
}

// HashPassword hashes password with argon2id, the parameters p and a new
// random salt from crypto/rand, and returns the hash in the PHC string
// format. It does not check the password's length (ValidatePassword does).
func HashPassword(password string, p Params) (string, error) {
	return hashPassword(password, p, rand.Reader)
}

func hashPassword(password string, p Params, random io.Reader) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	salt := make([]byte, SaltBytes)
	if _, err := io.ReadFull(random, salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Threads, KeyBytes)
	return Hash{Params: p, Salt: salt, Key: key}.String(), nil
}

// check refuses parameters argon2 cannot use or ParseHash would refuse.
func (p Params) check() error {
	switch {
	case p.Threads < 1:
		return placeplan.Errorf(placeplan.EINVALID, "argon2id: at least one thread")
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return placeplan.Errorf(placeplan.EINVALID, "argon2id: iterations %d: use 1 to %d", p.Iterations, maxIterations)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB:
		return placeplan.Errorf(placeplan.EINVALID, "argon2id: memory %d KiB: use %d to %d KiB", p.MemoryKiB, 8*uint32(p.Threads), maxMemoryKiB)
	}
	return nil
}

// VerifyPassword reports whether password is the one encoded hashes. The
// keys are compared in constant time. It returns an EINVALID error when
// encoded is not an argon2id hash ParseHash accepts.
func VerifyPassword(password, encoded string) (bool, error) {
	h, err := ParseHash(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), h.Salt, h.Iterations, h.MemoryKiB, h.Threads, uint32(len(h.Key)))
	return subtle.ConstantTimeCompare(key, h.Key) == 1, nil
}

// NeedsRehash reports whether encoded should be replaced by a new hash
// with the parameters p once the password has been verified: when it is
// not a hash ParseHash accepts, or its parameters, salt or key length
// differ from what HashPassword makes with p.
func NeedsRehash(encoded string, p Params) bool {
	h, err := ParseHash(encoded)
	if err != nil {
		return true
	}
	return h.Params != p || len(h.Salt) != SaltBytes || len(h.Key) != KeyBytes
}

// ParseHash parses an argon2id hash in the PHC string format,
// $argon2id$v=19$m=M,t=T,p=P$SALT$KEY, strictly: version 19 only, decimal
// parameters without signs or leading zeros in the order m, t, p, within
// bounds (memory at most 2 GiB, at most 64 iterations), salt and key in
// unpadded standard base64 (8 to 64 and 16 to 64 bytes). Anything else is
// an EINVALID error that says what is wrong and never repeats the hash.
func ParseHash(encoded string) (Hash, error) {
	bad := func(why string, args ...any) (Hash, error) {
		return Hash{}, placeplan.Errorf(placeplan.EINVALID, "password hash: "+why, args...)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not in the PHC format $argon2id$v=19$m=…,t=…,p=…$salt$hash")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm %.20q: only argon2id is accepted", parts[1])
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return bad("no version")
	}
	if n, err := decimal(v, 1<<8); err != nil || n != argon2.Version {
		return bad("version %.10q: only %d is accepted", v, argon2.Version)
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return bad("parameters: want m=…,t=…,p=…")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		s, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return bad("parameter %d: want %s=…", i+1, name)
		}
		n, err := decimal(s, 1<<32)
		if err != nil {
			return bad("parameter %s: %v", name, err)
		}
		vals[i] = n
	}
	if vals[2] > 255 {
		return bad("parameter p=%d: at most 255", vals[2])
	}
	h := Hash{Params: Params{MemoryKiB: uint32(vals[0]), Iterations: uint32(vals[1]), Threads: uint8(vals[2])}}
	if err := h.Params.check(); err != nil {
		return bad("%v", err)
	}
	var err error
	// The decoder skips \r and \n even when strict, which would give one
	// hash many spellings.
	if h.Salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || strings.ContainsAny(parts[4], "\r\n") {
		return bad("salt is not unpadded base64")
	}
	if h.Key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || strings.ContainsAny(parts[5], "\r\n") {
		return bad("key is not unpadded base64")
	}
	if len(h.Salt) < minSaltBytes || len(h.Salt) > maxSaltBytes {
		return bad("salt of %d bytes: want %d to %d", len(h.Salt), minSaltBytes, maxSaltBytes)
	}
	if len(h.Key) < minKeyBytes || len(h.Key) > maxKeyBytes {
		return bad("key of %d bytes: want %d to %d", len(h.Key), minKeyBytes, maxKeyBytes)
	}
	return h, nil
}

// decimal parses a decimal number below limit written without sign or
// leading zeros.
func decimal(s string, limit uint64) (uint64, error) {
	if s == "" || len(s) > 1 && s[0] == '0' || s[0] < '0' || s[0] > '9' {
		return 0, fmt.Errorf("%.12q is not a plain decimal number", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n >= limit {
		return 0, fmt.Errorf("%.12q is not a number below %d", s, limit)
	}
	return n, nil
}
