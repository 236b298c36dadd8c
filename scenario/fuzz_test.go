package scenario

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"placeplan"
)

// FuzzRead feeds arbitrary bytes to the scenario document reader, as YAML
// and as JSON: it never panics, refuses with EINVALID (never an internal
// error) in the document's words (never a Go type), and what it accepts
// encodes and reads back to the same document.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"shropshire-five-teams.yaml", "shropshire-need.yaml"} {
		if b, err := os.ReadFile(filepath.Join("defaults", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"placeplan_scenario": 1, "name": "x", "indicators": [{"key": "idaci_score", "weight": 1}]}`))
	f.Add([]byte("placeplan_scenario: 1\nname: \"\\xff\"\nsites: {teams: -1}\n"))
	f.Add([]byte("{\"name\": \"a\xffb\"}"))
	f.Add([]byte(`{"placeplan_scenario": 1, "name": "x", "uncertainty": {"draws": "many", "seed": -1}, "sites": {"teams": 5.5}}`))
	f.Add([]byte("placeplan_scenario: 1\nnormalization: zscore\ndataset: [lsoa11]\nsites: {teams: five, fixed: {a: b}}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := Read("f", bytes.NewReader(b))
		if err != nil {
			if code := placeplan.ErrorCode(err); code != placeplan.EINVALID && code != placeplan.EUNSUPPORTED {
				t.Fatalf("refused with %q, want invalid: %v", code, err)
			}
			if showsGoType(err.Error()) {
				t.Fatalf("the refusal shows a Go type: %v", err)
			}
			return
		}
		doc, err := Encode(sc)
		if err != nil {
			t.Fatalf("accepted but cannot be encoded: %v", err)
		}
		again, err := Read("again", bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("its own encoding is refused: %v\n%s", err, doc)
		}
		doc2, err := Encode(again)
		if err != nil || !bytes.Equal(doc, doc2) {
			t.Fatalf("the encoding does not read back the same:\n%s\n%s", doc, doc2)
		}
	})
}
