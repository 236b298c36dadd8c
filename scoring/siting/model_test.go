package siting

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestParseModel(t *testing.T) {
	cases := []struct {
		in       string
		want     Model
		minimise bool
	}{
		{"mclp", ModelMCLP, false},
		{"pmedian", ModelPMedian, true},
		{"lscp", ModelLSCP, true},
		{"capacitated", ModelCapacitated, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			m, err := ParseModel(tc.in)
			if err != nil || m != tc.want || m.String() != tc.in || m.Minimises() != tc.minimise {
				t.Errorf("ParseModel(%q) = %q (minimises %v), %v; want %q (minimises %v)", tc.in, m, m.Minimises(), err, tc.want, tc.minimise)
			}
		})
	}
	// The names are the wire and command-line forms: exact, lower case.
	for _, in := range []string{"", "MCLP", " mclp", "p-median", "gravity"} {
		t.Run(fmt.Sprintf("refuses %q", in), func(t *testing.T) {
			_, err := ParseModel(in)
			checkInvalid(t, err, fmt.Sprintf("model %q: use mclp, pmedian, lscp or capacitated", in))
		})
	}
}

func FuzzParseModel(f *testing.F) {
	for _, s := range []string{"mclp", "pmedian", "lscp", "capacitated", "", "Mclp", "lscp\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseModel(s)
		if err == nil && m.String() != s {
			t.Errorf("ParseModel(%q) = %q, which prints as %q", s, m, m.String())
		}
		if err != nil && m != "" {
			t.Errorf("ParseModel(%q) refused but returned %q", s, m)
		}
	})
}

// TestSolveDispatches checks that Solve gives exactly what each model's own
// function gives, groups and fixed sites included, and refuses other names.
func TestSolveDispatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 11))
	d, c := randomInstance(31, 120, 20)
	randomCapacities(rng, c, 120*50)
	n, err := BuildNetwork(d, c, CostOptions{StandardKm: 15})
	if err != nil {
		t.Fatal(err)
	}
	pr := Problem{P: 4, Fixed: []string{"s003"}, Groups: []Group{{Name: "west", Sites: []string{"s010", "s011", "s012"}, Min: 1}}, TargetShare: 0.4}
	direct := map[Model]func(context.Context, *Network, Problem) (*Result, error){
		ModelMCLP: MCLP, ModelPMedian: PMedian, ModelLSCP: LSCP, ModelCapacitated: CapacitatedMCLP,
	}
	for m, solve := range direct {
		t.Run(m.String(), func(t *testing.T) {
			want, err := solve(context.Background(), n, pr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Solve(context.Background(), n, m, pr)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Solve: %+v\nwant %+v", got, want)
			}
		})
	}
	_, err = Solve(context.Background(), n, "gravity", pr)
	checkInvalid(t, err, `model "gravity"`)
}
