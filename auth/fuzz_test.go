package auth

import (
	"strings"
	"testing"
)

// The fuzz targets of auth's parsers: none panics, and whatever one
// accepts it accepts again in the form it returns.

func FuzzParseRole(f *testing.F) {
	for _, s := range []string{"viewer", "analyst", "approver", "admin", "", "Admin", "root"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRole(s)
		if err != nil {
			return
		}
		if string(r) != s || !r.Valid() || !r.Allows(Viewer) {
			t.Errorf("ParseRole(%q) = %q", s, r)
		}
	})
}

func FuzzParseUserName(f *testing.F) {
	for _, s := range []string{"jo", "Jo.Bloggs@shropshire.gov.uk", "-x", "", "jö"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := ParseUserName(s)
		if err != nil {
			return
		}
		if again, err := ParseUserName(name); err != nil || again != name || strings.HasPrefix(name, "-") {
			t.Errorf("ParseUserName(%q) = %q, then %q, %v", s, name, again, err)
		}
	})
}

func FuzzParseHash(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$BwcHBwcHBwcHBwcHBwcHBw$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHash(s)
		if err != nil {
			return
		}
		if h.String() != s {
			t.Errorf("ParseHash(%q).String() = %q", s, h.String())
		}
		if h.MemoryKiB > maxMemoryKiB || h.Iterations > maxIterations {
			t.Errorf("ParseHash(%q) accepted %+v", s, h.Params)
		}
	})
}

func FuzzParseToken(f *testing.F) {
	f.Add("pp_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("pp_0123456789ab_" + strings.Repeat("_", 43))
	f.Add("")
	f.Add("pp_")
	f.Fuzz(func(t *testing.T, s string) {
		id, hash, err := ParseToken(s)
		if err != nil {
			return
		}
		if len(s) != TokenLength || !strings.HasPrefix(s, TokenPrefix+id+"_") || hash != TokenHash(s) || !ValidTokenID(id) {
			t.Errorf("ParseToken(%q) = %q", s, id)
		}
	})
}

func FuzzParseLifetime(f *testing.F) {
	for _, s := range []string{"90d", "2w", "36h", "", "-1d", "9999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseLifetime(s)
		if err == nil && (d < MinTokenLifetime || d > MaxTokenLifetime) {
			t.Errorf("ParseLifetime(%q) = %s", s, d)
		}
	})
}
