package scoring

import (
	"compress/gzip"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestCompetitionRanks(t *testing.T) {
	cases := []struct {
		in   []float64
		want []int
	}{
		{[]float64{3, 5, 5, 1}, []int{3, 1, 1, 4}},
		{[]float64{0.2, 0.9, 0.9, 0.9, 0.1}, []int{4, 1, 1, 1, 5}},
		{nil, []int{}},
	}
	for _, c := range cases {
		if got := CompetitionRanks(c.in); !reflect.DeepEqual(got, c.want) && len(c.in) > 0 {
			t.Errorf("CompetitionRanks(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestConvertAreas(t *testing.T) {
	changes := []Change{
		{"A11", "A21", "U"},
		{"B11", "B21a", "S"}, {"B11", "B21b", "S"},
		{"C11", "M21", "M"}, {"D11", "M21", "M"}, {"E11", "M21", "M"},
		{"F11", "X21", "X"}, {"G11", "X21", "X"},
	}
	cases := []struct {
		name string
		in   []string
		want Conversion
	}{
		{"unchanged", []string{"A11"}, Conversion{Codes: []string{"A21"}}},
		{"split carries to every part", []string{"B11"}, Conversion{Codes: []string{"B21a", "B21b"}}},
		{"merge joins with most of its parents", []string{"C11", "D11"}, Conversion{Codes: []string{"M21"}, Partial: []string{"M21"}}},
		{"merge stays out with a minority", []string{"E11"}, Conversion{Partial: []string{"M21"}}},
		{"complex change is flagged", []string{"F11"}, Conversion{Codes: []string{"X21"}, Complex: []string{"X21"}, Partial: []string{"X21"}}},
	}
	for _, c := range cases {
		got := ConvertAreas(c.in, changes)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestConvertAreasShropshire carries Shropshire's 193 LSOA 2011 areas onto
// LSOA 2021 with the real ONS lookup: they become Shropshire's 198.
func TestConvertAreasShropshire(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "data", "registry", "lsoa11_lsoa21.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, _ := gzip.NewReader(f)
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var changes []Change
	for _, r := range rows[1:] {
		changes = append(changes, Change{r[0], r[1], r[2]})
	}
	lookup := filepath.Join("..", "..", "shared", "data", "lsoa2011_lookups", "lsoa11_msoa11_lad_lookup_subset_shropshire_telford_oxfordshire.csv")
	lf, err := os.Open(lookup)
	if err != nil {
		t.Skipf("shared lookup %s is absent: %v", lookup, err)
	}
	defer lf.Close()
	lrows, err := csv.NewReader(lf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var shropshire []string
	for _, r := range lrows[1:] {
		if r[7] == "E06000051" {
			shropshire = append(shropshire, r[0])
		}
	}
	if len(shropshire) != 193 {
		t.Fatalf("%d Shropshire LSOA 2011 areas, want 193", len(shropshire))
	}
	got := ConvertAreas(shropshire, changes)
	if len(got.Codes) != 198 || len(got.Partial) != 0 || len(got.Complex) != 0 {
		t.Errorf("Shropshire on LSOA 2021: %d areas (%d partial, %d complex), want 198, 0, 0", len(got.Codes), len(got.Partial), len(got.Complex))
	}
}

func TestCompareVintages(t *testing.T) {
	old := VintageInput{N: 10, Members: map[string][]string{"North": {"a", "b"}, "South": {"c"}},
		Ranks: map[string]float64{"a": 1, "b": 9, "c": 3}, Population: map[string]float64{"a": 100, "b": 300, "c": 50}}
	// North: weighted mean inverted rank (100·10 + 300·2)/400 = 4; South: 8.
	new := VintageInput{N: 12, Members: map[string][]string{"North": {"a2"}, "South": {"c2"}},
		Ranks: map[string]float64{"a2": 2, "c2": 11}}
	got, err := CompareVintages(old, new, map[string]bool{"South": true})
	if err != nil {
		t.Fatal(err)
	}
	want := []VintageComparison{
		{Locality: "North", IoD2019: Position{4, 2}, IoD2025: Position{11, 1}, RankChange: -1},
		{Locality: "South", IoD2019: Position{8, 1}, IoD2025: Position{2, 2}, RankChange: 1, Complex: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
