package suggest

import (
	"fmt"
	"testing"
)

func TestClosest(t *testing.T) {
	fields := []string{"placeplan_scenario", "name", "description", "dataset", "localities", "indicators", "weights",
		"normalisation", "aggregation", "uncertainty", "disclosure", "sites", "paper"}
	methods := []string{"zscore", "minmax", "rank", "exponential"}
	keys := []string{"imd_score", "income_score", "idaci_score", "idaopi_score", "employment_score"}
	cases := []struct {
		word    string
		options []string
		want    string
	}{
		{"normalization", fields, "normalisation"},             // American spelling: one letter
		{"Normalisation", fields, "normalisation"},             // case
		{"indicator", fields, "indicators"},                    // a letter missing
		{"uncertanity", fields, "uncertainty"},                 // two letters swapped
		{"idacci_score", keys, "idaci_score"},                  // a letter doubled
		{"idaci-score", keys, "idaci_score"},                   // hyphen for underscore
		{"zscores", methods, "zscore"},                         //
		{"rnak", methods, "rank"},                              // a swap in a short word
		{"z-score", methods, "zscore"},                         //
		{"quantile", methods, ""},                              // nothing like it
		{"weight", []string{"weights", "weighted"}, "weights"}, // the first of two equally near
		{"zscore", methods, ""},                                // the word itself
		{"", methods, ""},                                      //
		{"ab", []string{"xy"}, ""},                             // two changes in a short word are too many
		{"normalisatoin_method", fields, ""},                   // too far
		{"sites", nil, ""},                                     //
		{"éducation", []string{"education"}, "education"},      // letters, not bytes
	}
	for _, c := range cases {
		if got := Closest(c.word, c.options); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"ab", "ba", 1},
		{"ca", "abc", 3}, // optimal string alignment: no letter edited twice
		{"normalization", "normalisation", 1}, {"flaw", "lawn", 2},
	}
	for _, c := range cases {
		if got := distance([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := distance([]rune(c.b), []rune(c.a)); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d (symmetric)", c.b, c.a, got, c.want)
		}
	}
}

func ExampleHint() {
	fmt.Printf("unknown field %q%s\n", "normalization", Hint("normalization", []string{"normalisation", "aggregation"}))
	// Output: unknown field "normalization" (did you mean "normalisation"?)
}
