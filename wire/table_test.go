package wire

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		v        float64
		decimals int
		want     string
	}{
		{1234567.5, Shortest, "1234567.5"}, // no thousands separator
		{0.1 + 0.2, Shortest, "0.3"},       // rounded to 6 places
		{2, Shortest, "2"},                 // a rank prints as a whole number
		{-0.0000001, Shortest, "0"},        // no "-0"
		{1e-7, Shortest, "0"},
		{-2.5e-7, 6, "0.000000"}, // no "-0.000000"
		{52.6221419, 6, "52.622142"},
		{-2.28832949, 6, "-2.288329"},
		{0.9995, 3, "1.000"},
		{math.NaN(), Shortest, ""},
		{math.Inf(1), 3, ""},
	} {
		if got := FormatNumber(tc.v, tc.decimals); got != tc.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", tc.v, tc.decimals, got, tc.want)
		}
	}
}

// TestTableCSVAndJSON: one table as CSV (empty for no value, lists joined
// by ";", text quoted as RFC 4180 wants) and as JSON (typed, null for no
// value, lists as arrays, columns in order).
func TestTableCSVAndJSON(t *testing.T) {
	tab := Table{Name: "t", Columns: []Column{TextCol("name"), IntCol("n"), NumberCol("x", 2), BoolCol("ok"), ListCol("codes")},
		Rows: [][]any{
			{`Cosford & "Albrighton", north`, 3, 1.005, true, []string{"E01", "E02"}},
			{"Ludlow", nil, math.NaN(), false, []string(nil)},
			{nil, int64(7), nil, nil, nil},
		}}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "name,n,x,ok,codes\n\"Cosford & \"\"Albrighton\"\", north\",3,1.00,true,E01;E02\nLudlow,,,false,\n,7,,,\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := tab.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"name": "Cosford & \"Albrighton\", north"`, `"n": 3`, `"x": 1.005`, `"ok": true`, `"codes": [` + "\n" + `      "E01",`,
		`"n": null`, `"x": null`, `"ok": false`, `"codes": []`, `"name": null`, `"n": 7`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	if i, j := strings.Index(b.String(), `"name"`), strings.Index(b.String(), `"codes"`); i > j {
		t.Errorf("JSON members out of column order:\n%s", b.String())
	}
}

// TestTableRefusesWrongKind: a cell that is not what its column holds is
// an error naming the table, row and column, not a silently wrong file.
func TestTableRefusesWrongKind(t *testing.T) {
	tab := Table{Name: "sites", Columns: []Column{TextCol("id"), NumberCol("reach", Shortest)}, Rows: [][]any{{"a", 1.5}, {"b", "12"}}}
	err := tab.WriteCSV(&bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "sites row 2: column reach: a string where the column holds numbers") {
		t.Errorf("CSV: %v", err)
	}
	if err := tab.WriteJSON(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "column reach") {
		t.Errorf("JSON: %v", err)
	}
}
