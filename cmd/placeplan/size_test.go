package main

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{"2GiB", 2 << 30, ""},
		{"512MiB", 512 << 20, ""},
		{"1.5GiB", 3 << 29, ""},
		{"1.5GB", 1_500_000_000, ""},
		{" 64 KiB ", 64 << 10, ""},
		{"1048576", 1 << 20, ""},
		{"100B", 100, ""},
		{"two GiB", 0, `"two GiB": want a size such as 2GiB`},
		{"-1GiB", 0, "want a size"},
		{"NaN", 0, "want a size"},
		{"9e18TiB", 0, "want a size"},
		{"", 0, "want a size"},
	} {
		got, err := parseSize(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseSize(%q) = %d, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for n, want := range map[int64]string{2 << 30: "2GiB", 128 << 20: "128MiB", 3 << 29: "1536MiB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzParseSize: any text is a size of zero or more bytes or an error.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"2GiB", "1.5GB", "0", "1e3MiB", "Inf", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseSize(s); err == nil && n < 0 {
			t.Errorf("parseSize(%q) = %d", s, n)
		}
	})
}
