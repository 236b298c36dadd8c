package data

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data/internal/datatest"
)

// TestIngestMalformed ingests each real malformed file of
// testdata/malformed — what interrupted downloads, spreadsheets and hand
// edits leave — into a loaded database. Each is refused with its code and
// a message naming the file and the line, table, field or record at fault,
// and the database is left exactly as it was: ingest is all or nothing.
// Every file of the folder must be ingested here (a shapefile set by its
// .shp), so a file added to the corpus cannot go untested; the fuzz
// targets take the same files as seeds.
func TestIngestMalformed(t *testing.T) {
	dir := filepath.Join("testdata", "malformed")
	type malformed struct {
		file, code string
		parts      []string // substrings of the error
	}
	// Each file is real data spoiled as it happens: GDAL's and ONS's files
	// cut short, edited with sqlite3, saved by a spreadsheet or
	// concatenated (the shapefile sets and archives are described in the
	// commits that added them).
	cases := []malformed{
		{"bad_central_directory.zip", placeplan.EINVALID, []string{"bad_central_directory.zip: localities.csv: damaged zip archive: "}},
		{"truncated.csv.gz", placeplan.EINVALID, []string{"truncated.csv.gz: bad gzip data: unexpected EOF"}},
		// data/geopackage/testdata/lsoa_wgs84.gpkg cut at 8 KiB, as an interrupted download leaves it
		{"truncated.gpkg", placeplan.EINVALID, []string{"truncated.gpkg: gpkg: not a geopackage: database disk image is malformed"}},
		// longitude/latitude polygons in a layer whose srs_id says EPSG:27700
		{"wrong_srs.gpkg", placeplan.EINVALID, []string{"wrong_srs.gpkg feature 1, area E01028902: coordinates such as (-3.050561, 52.857952) ", "look like longitude/latitude degrees, but the file is read as British National Grid metres"}},
		// the only layer a view over a recursive CTE without end
		{"never_ending_view.gpkg", placeplan.EUNSUPPORTED, []string{"never_ending_view.gpkg: gpkg: layer lsoa_forever is a view"}},
		// lsoa_wgs84.gpkg with a column GENERATED ALWAYS AS (printf('%.*c', 999999999, 'x')) VIRTUAL
		{"virtual_column.gpkg", placeplan.EUNSUPPORTED, []string{"virtual_column.gpkg: gpkg: layer lsoa_wgs84 column notes is a virtual generated column"}},
		{"shx_of_another_shp.shp", placeplan.EINVALID, []string{"shx_of_another_shp.shp: shx record 1: offset 100, content length 296 bytes; the .shp has record 1 at offset 100, 128 bytes: the .shx belongs to another .shp"}},
		// data/shapefile/testdata/lsoa_bng.* with the .shp cut at 10,000 bytes
		{"truncated_shp.shp", placeplan.EINVALID, []string{"truncated_shp.shp: shp record 10: truncated: content length 400 bytes, file has 16"}},
		// rows of the ONS LSOA 2011 lookup saved as UTF-16 ("Unicode Text")
		{"utf16_lookup.csv", placeplan.EINVALID, []string{"utf16_lookup.csv: UTF-16 text, not UTF-8: save the file as CSV UTF-8"}},
		// locality definitions with an en dash in Windows-1252 (Excel's "CSV (Comma delimited)")
		{"windows1252_localities.csv", placeplan.EINVALID, []string{"windows1252_localities.csv line 2, character 43: byte 0x96 is not UTF-8"}},
		// the same lookup rows with the separator of a spreadsheet whose locale uses ";"
		{"semicolon_lookup.csv", placeplan.EINVALID, []string{"semicolon_lookup.csv line 1: not a file placeplan recognises", "the header is one column holding semicolons or tabs: placeplan reads comma-separated files"}},
		// House of Commons Library MSOA names with a name's comma left unquoted
		{"ragged_msoa_names.csv", placeplan.EINVALID, []string{"ragged_msoa_names.csv line 3: wrong number of fields"}},
		// two ONS LSOA 2011 → 2021 downloads joined by cat: the second header, BOM and all, is a row
		{"concatenated_lookups.csv", placeplan.EINVALID, []string{`concatenated_lookups.csv line 3: "\ufeffF_LSOA11CD" → "LSOA21CD" are not LSOA codes`}},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		stem := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if !slices.ContainsFunc(cases, func(c malformed) bool {
			return c.file == e.Name() || (strings.HasSuffix(c.file, ".shp") && strings.TrimSuffix(c.file, ".shp") == stem)
		}) {
			t.Errorf("%s: no case ingests it", e.Name())
		}
	}
	s := loadedStore(t)
	before := fingerprint(t, s)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := s.IngestFiles(context.Background(), []string{filepath.Join(dir, c.file)}, IngestOptions{})
			if err == nil {
				t.Fatal("ingest succeeded")
			}
			datatest.AssertAppError(t, err, c.code, c.parts...)
			if after := fingerprint(t, s); after != before {
				t.Error("the failed ingest changed the database")
			}
		})
	}
}
