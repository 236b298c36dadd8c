package auth

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"placeplan"
)

// cheap are argon2id parameters that take microseconds, for tests.
var cheap = Params{MemoryKiB: 64, Iterations: 1, Threads: 1}

func TestRoleOrder(t *testing.T) {
	roles := Roles()
	for i, r := range roles {
		for j, req := range roles {
			if got, want := r.Allows(req), i >= j; got != want {
				t.Errorf("%s.Allows(%s) = %v, want %v", r, req, got, want)
			}
		}
		if Role("").Allows(r) || r.Allows("") || r.Allows("root") || Role("Admin").Allows(r) {
			t.Errorf("an invalid role allows or is allowed %s", r)
		}
	}
	// The jobs, role by role.
	if !Approver.Allows(Analyst) || Analyst.Allows(Approver) || !Admin.Allows(Approver) || Viewer.Allows(Analyst) {
		t.Error("roles are not ordered admin ⊇ approver ⊇ analyst ⊇ viewer")
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", " viewer", "root", "viewer\x00"} {
		_, err := ParseRole(s)
		if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), "use viewer, analyst, approver or admin") {
			t.Errorf("ParseRole(%q): %v", s, err)
		}
	}
}

func TestParseUserName(t *testing.T) {
	for in, want := range map[string]string{
		"jo":                           "jo",
		" Jo.Bloggs@Shropshire.gov.uk": "jo.bloggs@shropshire.gov.uk",
		"analyst_1+test":               "analyst_1+test",
		"9lives":                       "9lives",
	} {
		if got, err := ParseUserName(in); err != nil || got != want {
			t.Errorf("ParseUserName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"":                       "empty",
		"-admin":                 "start with a letter or digit",
		".x":                     "start with a letter or digit",
		"jo bloggs":              `' ' is not allowed`,
		"jö":                     `'ö' is not allowed`,
		"a\nb":                   `'\n' is not allowed`,
		strings.Repeat("a", 129): "at most 128",
	} {
		_, err := ParseUserName(in)
		if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseUserName(%q): %v, want %q", in, err, why)
		}
	}
}

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery staple", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q", h)
	}
	if ok, err := VerifyPassword("correct horse battery staple", h); !ok || err != nil {
		t.Errorf("the right password: %v, %v", ok, err)
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "correct horse battery staple "} {
		if ok, err := VerifyPassword(wrong, h); ok || err != nil {
			t.Errorf("wrong password %q: %v, %v", wrong, ok, err)
		}
	}
	// A new salt each time.
	if h2, _ := HashPassword("correct horse battery staple", cheap); h2 == h {
		t.Error("two hashes of one password are equal")
	}
	if !NeedsRehash(h, DefaultParams()) || NeedsRehash(h, cheap) || !NeedsRehash("$2a$10$bcrypt", cheap) {
		t.Error("NeedsRehash")
	}
	if _, err := HashPassword("x", Params{}); placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Errorf("zero params: %v", err)
	}
}

// TestHashKnownAnswer checks the PHC encoding against a hash made with
// the reference argon2 CLI (echo -n password | argon2 somesalt -id -t 2
// -m 16 -p 1 -l 32), so a stored hash stays readable by other tools.
func TestHashKnownAnswer(t *testing.T) {
	const ref = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	h, err := ParseHash(ref)
	if err != nil {
		t.Fatal(err)
	}
	if h.MemoryKiB != 65536 || h.Iterations != 2 || h.Threads != 1 || string(h.Salt) != "somesalt" || len(h.Key) != 32 {
		t.Errorf("parsed %+v", h)
	}
	if h.String() != ref {
		t.Errorf("String() = %q", h.String())
	}
	if testing.Short() {
		t.Skip("64 MiB hash")
	}
	if ok, err := VerifyPassword("password", ref); !ok || err != nil {
		t.Errorf("reference hash does not verify: %v %v", ok, err)
	}
}

func TestProductionParams(t *testing.T) {
	if p := DefaultParams(); p.MemoryKiB != 19456 || p.Iterations != 2 || p.Threads != 1 || p.check() != nil {
		t.Errorf("default params %+v", p)
	}
}

func TestParseHashRefuses(t *testing.T) {
	good, _ := hashPassword("correct horse battery staple", cheap, bytes.NewReader(bytes.Repeat([]byte{7}, 16)))
	if _, err := ParseHash(good); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ hash, why string }{
		"empty":            {"", "PHC format"},
		"argon2i":          {strings.Replace(good, "argon2id", "argon2i", 1), "only argon2id"},
		"version 16":       {strings.Replace(good, "v=19", "v=16", 1), "version"},
		"leading zero":     {strings.Replace(good, "m=64", "m=064", 1), "plain decimal"},
		"sign":             {strings.Replace(good, "t=1", "t=+1", 1), "plain decimal"},
		"order":            {strings.Replace(good, "m=64,t=1", "t=1,m=64", 1), "want m="},
		"huge memory":      {strings.Replace(good, "m=64", "m=4294967295", 1), "memory"},
		"too many threads": {strings.Replace(good, "p=1", "p=256", 1), "at most 255"},
		"zero iterations":  {strings.Replace(good, "t=1", "t=0", 1), "iterations"},
		"padded salt":      {strings.Replace(good, "$BwcHBwcHBwcHBwcHBwcHBw$", "$BwcHBwcHBwcHBwcHBwcHBw==$", 1), "salt"},
		"short salt":       {strings.Replace(good, "$BwcHBwcHBwcHBwcHBwcHBw$", "$BwcH$", 1), "salt of 3 bytes"},
		"trailing field":   {good + "$", "PHC format"},
	} {
		_, err := ParseHash(tc.hash)
		if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: %v, want %q", name, err, tc.why)
		}
		if tc.hash != "" && err != nil && strings.Contains(err.Error(), tc.hash) {
			t.Errorf("%s: the error repeats the hash", name)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	if err := ValidatePassword("twelve chars"); err != nil {
		t.Error(err)
	}
	for _, p := range []string{"", "eleven char", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4", strings.Repeat("x", 1025)} {
		if err := ValidatePassword(p); placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestToken(t *testing.T) {
	plain, id, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != TokenLength || !strings.HasPrefix(plain, "pp_"+id+"_") || !ValidTokenID(id) {
		t.Errorf("token %q, id %q", plain, id)
	}
	gotID, gotHash, err := ParseToken(plain)
	if err != nil || gotID != id || gotHash != hash {
		t.Errorf("ParseToken: %q %x %v", gotID, gotHash, err)
	}
	other, _, _, _ := NewToken()
	if other == plain {
		t.Error("two tokens are equal")
	}
	for name, s := range map[string]string{
		"empty":          "",
		"no prefix":      plain[3:],
		"short":          plain[:len(plain)-1],
		"long":           plain + "A",
		"upper-case id":  "pp_" + strings.ToUpper(id) + plain[15:],
		"no underscore":  plain[:15] + "-" + plain[16:],
		"not base64url":  plain[:len(plain)-1] + "+",
		"non-zero tail":  plain[:len(plain)-1] + "B", // 43 characters hold 258 bits: the last 2 must be 0, and B is 000001
		"bearer":         "Bearer " + plain,
		"trailing space": plain[:len(plain)-1] + " ",
	} {
		_, _, err := ParseToken(s)
		if placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("%s: %v", name, err)
		} else if len(s) > 20 && strings.Contains(err.Error(), s[15:]) {
			t.Errorf("%s: the error repeats the token", name)
		}
	}
}

func TestScope(t *testing.T) {
	if !ScopeWrite.Allows(ScopeRead) || ScopeRead.Allows(ScopeWrite) || !ScopeRead.Allows(ScopeRead) || Scope("").Allows(ScopeRead) {
		t.Error("scope order")
	}
	if s, err := ParseScope("write"); err != nil || s != ScopeWrite {
		t.Error(s, err)
	}
	if _, err := ParseScope("admin"); placeplan.ErrorCode(err) != placeplan.EINVALID {
		t.Error(err)
	}
}

func TestTokenUsable(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	tok := Token{ID: "0123456789ab", CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}
	if err := tok.Usable(now); err != nil {
		t.Error(err)
	}
	if err := tok.Usable(now.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "expired on 2026-12-03") {
		t.Errorf("at expiry: %v", err)
	}
	tok.RevokedAt = now.Add(-time.Minute)
	if err := tok.Usable(now); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("revoked: %v", err)
	}
}

func TestParseLifetime(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute, "366d": MaxTokenLifetime,
	} {
		if got, err := ParseLifetime(in); err != nil || got != want {
			t.Errorf("ParseLifetime(%q) = %s, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "d", "-1d", "+1d", "0d", "367d", "30s", "1y", "4095w", "1.5d", "forever"} {
		if _, err := ParseLifetime(in); placeplan.ErrorCode(err) != placeplan.EINVALID {
			t.Errorf("ParseLifetime(%q): %v", in, err)
		}
	}
}

func TestLockout(t *testing.T) {
	l := DefaultLockout()
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	at := func(minutes ...int) []time.Time {
		var out []time.Time
		for _, m := range minutes {
			out = append(out, t0.Add(time.Duration(m)*time.Minute))
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		failures  []time.Time
		now       time.Time
		locked    bool
		untilMins int
	}{
		{"none", nil, t0, false, 0},
		{"four in a minute", at(0, 0, 0, 1), t0.Add(2 * time.Minute), false, 0},
		{"five within 15 minutes", at(0, 3, 6, 9, 12), t0.Add(13 * time.Minute), true, 27},
		{"five exactly 15 minutes apart", at(0, 3, 6, 9, 15), t0.Add(16 * time.Minute), true, 30},
		{"five over 16 minutes", at(0, 4, 8, 12, 16), t0.Add(17 * time.Minute), false, 0},
		{"lock ends", at(0, 1, 2, 3, 4), t0.Add(19 * time.Minute), false, 0},
		{"just before the end", at(4, 3, 2, 1, 0), t0.Add(19*time.Minute - time.Second), true, 19},
		{"a later burst extends it", at(0, 1, 2, 3, 4, 10, 11, 12, 13, 14), t0.Add(20 * time.Minute), true, 29},
	} {
		until, locked := l.LockedUntil(tc.failures, tc.now)
		if locked != tc.locked || locked && !until.Equal(t0.Add(time.Duration(tc.untilMins)*time.Minute)) {
			t.Errorf("%s: locked %v until %s", tc.name, locked, until.Format("15:04:05"))
		}
	}
	if _, locked := (Lockout{}).LockedUntil(at(0, 0, 0, 0, 0, 0), t0); locked {
		t.Error("a zero policy locks")
	}
}
