package scenario

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data"
)

// TestIngestAndSummariseResolveLocalitiesAlike ingests England's IoD2019
// with a locality CSV that names an MSOA by a House of Commons Library
// name two districts share ("Hillside" is Adur 001 and Sefton 010), and
// resolves the same CSV over the same file as placeplan summarise does:
// the memberships must be identical, and the shared name must go to the
// MSOA in the district of the scheme's other rows. It does so with the IoD
// file alone (areas whose MSOA only their names imply) and with the ONS
// lookup and the Library's names stored too. Ingest used to resolve names
// against the MSOAs stored: with the IoD alone it found none, and with the
// names it took every MSOA called Hillside.
func TestIngestAndSummariseResolveLocalitiesAlike(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "data")
	iodPath := filepath.Join(root, "iod2019_lsoa11", "iod2019_lsoa11_england.csv.gz")
	lookup := filepath.Join(root, "lsoa2011_lookups", "lsoa11_msoa11_lad_lookup_england.csv.gz")
	names := filepath.Join(root, "msoa_names_and_towns", "MSOA-Names-1.14_2011msoas_houseofcommonslibrary.csv")
	for _, p := range []string{iodPath, lookup, names} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("national file absent (national files live in ../shared/data and are not committed): %v", err)
		}
	}
	ctx := context.Background()
	ia, err := ReadIoDAreas(ctx, IoDFiles{IoD: iodPath})
	if err != nil {
		t.Fatal(err)
	}
	lsoaName := map[string]string{}
	for _, a := range ia.areas {
		lsoaName[a.Code] = a.Name
	}
	for _, c := range []struct {
		name  string
		files []string
	}{
		{"IoD alone", []string{iodPath}},
		{"with the ONS lookup and Library names", []string{iodPath, lookup, names}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := data.Open(ctx, filepath.Join(dir, "england.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.IngestFiles(ctx, c.files, data.IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			csv := filepath.Join(dir, "coast.csv")
			write := func(body string) *data.Store {
				t.Helper()
				if err := os.WriteFile(csv, []byte("scheme,locality,code,msoa_name\n"+body), 0o644); err != nil {
					t.Fatal(err)
				}
				return st
			}

			// The district of Sefton holds Sefton 010 (Hillside): an area
			// may not be in two localities of a scheme, in both paths alike.
			write("South coast,Shoreham,E02006535,\n" + // Adur 002, in Adur
				"South coast,Hillside,,Hillside\n" +
				"Merseyside,Sefton,E08000014,\n" + // the district of Sefton
				"Merseyside,Hillside,,Hillside\n")
			_, ingestErr := st.IngestFiles(ctx, []string{csv}, data.IngestOptions{})
			defs, err := ReadLocalityDefs(csv)
			if err != nil {
				t.Fatal(err)
			}
			_, _, summariseErr := ia.ResolveLocalities(defs)
			for what, err := range map[string]error{"ingest": ingestErr, "summarise": summariseErr} {
				if placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), "coast.csv line 5: area E01006929 is in") {
					t.Errorf("%s: %v, want line 5's Hillside to clash with Sefton", what, err)
				}
			}

			// Without the clash, both resolve every row, identically.
			write("South coast,Shoreham,E02006535,\n" +
				"South coast,Hillside,,Hillside\n" +
				"Merseyside,Crossens,E02001429,\n" + // Sefton 001, in Sefton
				"Merseyside,Hillside,,Hillside\n")
			if _, err := st.IngestFiles(ctx, []string{csv}, data.IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			stored, err := st.Localities(ctx, placeplan.LSOA2011)
			if err != nil {
				t.Fatal(err)
			}
			if defs, err = ReadLocalityDefs(csv); err != nil {
				t.Fatal(err)
			}
			resolved, warnings, err := ia.ResolveLocalities(defs)
			if err != nil || len(warnings) > 0 {
				t.Fatalf("summarise: %v, warnings %q", err, warnings)
			}
			if len(stored) != 4 || len(resolved) != 4 {
				t.Fatalf("%d localities stored, %d resolved; want 4", len(stored), len(resolved))
			}
			byName := func(a, b placeplan.Locality) int {
				return strings.Compare(a.Scheme+"/"+a.Name, b.Scheme+"/"+b.Name)
			}
			slices.SortFunc(stored, byName)
			slices.SortFunc(resolved, byName)
			for i, l := range resolved {
				s := stored[i]
				if s.Scheme != l.Scheme || s.Name != l.Name || !slices.Equal(s.Areas, l.Areas) {
					t.Errorf("ingest %s/%s %v; summarise %s/%s %v", s.Scheme, s.Name, s.Areas, l.Scheme, l.Name, l.Areas)
				}
				if l.Name != "Hillside" {
					continue
				}
				want := map[string]string{"South coast": "Adur 001", "Merseyside": "Sefton 010"}[l.Scheme]
				if len(l.Areas) == 0 {
					t.Errorf("%s/Hillside has no areas", l.Scheme)
				}
				for _, code := range l.Areas {
					if !strings.HasPrefix(lsoaName[code], want) {
						t.Errorf("%s/Hillside holds %s (%s), want only the LSOAs of %s", l.Scheme, code, lsoaName[code], want)
					}
				}
			}
		})
	}
}
