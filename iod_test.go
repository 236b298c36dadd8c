package placeplan

import (
	"math"
	"testing"
)

// TestIoDCatalogue checks the catalogue against what MHCLG publishes: 16
// indices in published order, seven domains whose IMD weights (22.5, 22.5,
// 13.5, 13.5, 9.3, 9.3, 9.3 %) are kept as published and so sum to 99.9 %,
// and each index's population denominator.
func TestIoDCatalogue(t *testing.T) {
	all := IoDIndices()
	if len(all) != 16 || all[0].Index != IndexIMD || all[9].Index != IndexIDAOPI || all[15].Index != IndexOutdoors {
		t.Fatalf("catalogue order: %+v", all)
	}
	domains := IoDDomains()
	want := []IoDIndex{IndexIncome, IndexEmployment, IndexEducation, IndexHealth, IndexCrime, IndexBarriers, IndexLivingEnv}
	if len(domains) != len(want) {
		t.Fatalf("domains %v", domains)
	}
	sum := 0.0
	for i, d := range domains {
		info, ok := d.Info()
		if d != want[i] || !ok || info.Weight <= 0 {
			t.Errorf("domain %d: %s %+v", i, d, info)
		}
		sum += info.Weight
	}
	if math.Abs(sum-0.999) > 1e-12 {
		t.Errorf("domain weights sum to %v, want 0.999", sum)
	}
	for index, denom := range map[IoDIndex]string{IndexEmployment: PopWorkingAge, IndexIDACI: PopChildren, IndexCYP: PopChildren,
		IndexIDAOPI: PopOlder, IndexIMD: PopTotal, IndexOutdoors: PopTotal} {
		if info, _ := index.Info(); info.Denominator != denom {
			t.Errorf("%s is weighted by %q, want %q", index, info.Denominator, denom)
		}
	}
	for _, i := range []IoDIndex{IndexIncome, IndexEmployment, IndexIDACI, IndexIDAOPI} {
		if info, _ := i.Info(); info.ScoreKind != KindRate {
			t.Errorf("%s score is a %s, want a rate", i, info.ScoreKind)
		}
	}
	if _, ok := IoDIndex("acute_morbidity").Info(); ok {
		t.Error("an underlying indicator is not an index")
	}
	if k := IndexLivingEnv.Key(MeasureExp); k != "living_env_exp" {
		t.Errorf("key %q", k)
	}
	if MeasureScore.Direction() != HigherIsWorse || MeasureExp.Direction() != HigherIsWorse ||
		MeasureRank.Direction() != HigherIsBetter || MeasureDecile.Direction() != HigherIsBetter {
		t.Error("directions: scores rise with deprivation, ranks and deciles of 1 are the most deprived")
	}
	for denom, key := range map[string]string{PopTotal: "pop_total", PopChildren: "pop_children_0_15", PopWorkingAge: "pop_working_age",
		PopOlder: "pop_60_plus", PopAdults1659: "pop_16_59"} {
		if got, ok := PopulationKey(denom); !ok || got != key {
			t.Errorf("PopulationKey(%s) = %q, %v; want %q", denom, got, ok, key)
		}
	}
	if _, ok := PopulationKey(PopNone); ok {
		t.Error("PopNone has no population indicator")
	}
}

// TestPopulationNoun names who each IoD population counts, and people for
// the total and for a key the IoD does not publish.
func TestPopulationNoun(t *testing.T) {
	for key, want := range map[string]string{
		TotalPopulationKey: "people", "pop_children_0_15": "children", "pop_16_59": "adults",
		"pop_60_plus": "older people", "pop_working_age": "adults", "pop_unknown": "people", "": "people",
	} {
		if got := PopulationNoun(key); got != want {
			t.Errorf("PopulationNoun(%q) = %q, want %q", key, got, want)
		}
	}
}
