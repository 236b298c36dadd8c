// Package suggest finds what a user probably meant when they name a field,
// a value or a key that does not exist: the "did you mean …" of an error
// message. It is the one place placeplan measures how near two names are.
package suggest

import (
	"fmt"
	"strings"
)

// Closest returns the option nearest to word when it is near enough to be
// a slip of the keyboard or of spelling ("normalization" for
// "normalisation", "idacci_score" for "idaci_score", "ZScore" for
// "zscore"), else "". Nearness is the edit distance — letters added,
// removed, changed, or two neighbours swapped — ignoring case, and near
// enough is 1 for words of up to 7 letters, 2 up to 11, 3 beyond. Of
// options equally near, the first wins; word itself is never suggested.
func Closest(word string, options []string) string {
	w := []rune(strings.ToLower(word))
	limit := 1
	switch {
	case len(w) > 11:
		limit = 3
	case len(w) > 7:
		limit = 2
	}
	best, bestD := "", limit+1
	for _, o := range options {
		if o == word {
			continue
		}
		if d := distance(w, []rune(strings.ToLower(o))); d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// Hint is Closest as the end of a message: ` (did you mean "x"?)`, or ""
// when nothing is near enough.
func Hint(word string, options []string) string {
	if c := Closest(word, options); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// distance is the optimal string alignment distance between a and b: the
// fewest insertions, deletions, substitutions and swaps of adjacent
// letters that turn one into the other, no letter edited twice.
func distance(a, b []rune) int {
	// Three rows of the dynamic programme: i-2, i-1 and i.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
