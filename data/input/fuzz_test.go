package input

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
)

// FuzzReadInputs drives the decompression and archive expansion alone —
// gzip, zip, gzip in zip — over any bytes: it must return inputs or an
// EINVALID error, never panic, and give back any other bytes unchanged.
// Seeds are small (a decompressed seed is a few hundred bytes), so the
// fuzzer's time goes into the container formats, not into copying.
func FuzzReadInputs(f *testing.F) {
	csv := []byte("lsoa11cd,referrals\nE01028826,3\nE01028827,1\n")
	f.Add(csv)
	f.Add(gzipOf(f, csv))
	f.Add(gzipOf(f, gzipOf(f, csv)))
	f.Add(zipOf(f, "a/referrals.csv", csv, "a/readme.txt", []byte("notes")))
	f.Add(zipOf(f, "inner.csv.gz", gzipOf(f, csv)))
	var shp []any
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		b, err := os.ReadFile(filepath.Join("..", "shapefile", "testdata", "points_cp1252"+ext))
		if err != nil {
			f.Fatal(err)
		}
		shp = append(shp, "sites/POINTS"+strings.ToUpper(ext), string(b))
	}
	f.Add(zipOf(f, shp...))
	for _, pattern := range []string{"*.gz", "*.zip"} {
		ms, err := filepath.Glob(filepath.Join("..", "testdata", "malformed", pattern))
		if err != nil || len(ms) == 0 {
			f.Fatalf("no %s in ../testdata/malformed (%v)", pattern, err)
		}
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := ReadInputs("f", bytes.NewReader(b))
		if err != nil {
			if placeplan.ErrorCode(err) != placeplan.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			return
		}
		if len(ins) == 0 {
			t.Fatal("no inputs and no error")
		}
		if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) && !bytes.HasPrefix(b, []byte("PK\x03\x04")) &&
			(len(ins) != 1 || !bytes.Equal(ins[0].Data, b) || ins[0].Name != "f") {
			t.Fatalf("plain bytes came back as %d inputs", len(ins))
		}
		for _, in := range ins {
			if in.Sidecars != nil && !strings.EqualFold(filepath.Ext(in.Name), ".shp") {
				t.Fatalf("%s has sidecars but is no .shp", in.Name)
			}
		}
	})
}

// zipOf returns a zip archive of the members given as name, contents
// pairs (contents a string or []byte).
func zipOf(t testing.TB, members ...any) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(members); i += 2 {
		w, err := zw.Create(members[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		var b []byte
		switch v := members[i+1].(type) {
		case string:
			b = []byte(v)
		case []byte:
			b = v
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
