package data

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan/data/input"
	"placeplan/data/internal/datatest"
	"placeplan/data/record"
)

// TestIngestAttribution: LSOA 2011 boundaries from the shared England
// file (martinjc/UK-GeoJSON merged, each feature naming its src_lad_file)
// keep the year and the CC-BY credit the embedded default has; other
// boundaries take ONS's line; and a file placeplan cannot credit is
// stored with a warning that says so, unless --attribution gives one.
func TestIngestAttribution(t *testing.T) {
	ctx := context.Background()
	write := fileWriter(t, t.TempDir())
	square := `"geometry": {"type": "Polygon", "coordinates": [[[-2.30, 52.63], [-2.28, 52.63], [-2.28, 52.64], [-2.30, 52.64], [-2.30, 52.63]]]}`
	shared := write("lsoa2011_bgc_england.geojson", `{"type": "FeatureCollection", "features": [{"type": "Feature",
		"properties": {"LSOA11CD": "E01028826", "LSOA11NM": "Shropshire 027A", "LAD19CD": "E06000051", "src_lad_file": "E06000051"}, `+square+`}]}`)
	other := write("council_lsoas.geojson", `{"type": "FeatureCollection", "features": [{"type": "Feature",
		"properties": {"LSOA11CD": "E01028826"}, `+square+`}]}`)
	write("early_help.meta.csv", metaOK)
	csv := write("early_help.csv", "lsoa11cd,referrals,absence\nE01028826,3,0.12\n")
	const noCredit = "early_help.csv: no attribution: nothing made with it will say where it comes from; give --attribution TEXT"

	cases := []struct {
		name, file string
		opts       IngestOptions
		want       string // the dataset's attribution
		warned     bool
	}{
		{"the shared England file", shared, IngestOptions{}, record.LSOA2011BGCAttribution, false},
		{"other boundaries", other, IngestOptions{}, record.ONSAttribution, false},
		{"a council's indicators", csv, IngestOptions{}, "", true},
		{"a council's indicators, credited", csv, IngestOptions{Provenance: input.Provenance{Attribution: "© Our Council 2026"}}, "© Our Council 2026", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := loadedStore(t)
			rep, err := s.IngestFiles(ctx, []string{c.file}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			ds, err := s.Datasets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			last := ds[len(ds)-1]
			if last.Source != filepath.Base(c.file) || last.Attribution != c.want {
				t.Errorf("%s stored with attribution %q, want %q", last.Source, last.Attribution, c.want)
			}
			warned := strings.Contains(strings.Join(rep.Warnings, "\n"), "no attribution")
			if warned != c.warned || c.warned && !strings.Contains(strings.Join(rep.Warnings, "\n"), noCredit) {
				t.Errorf("warnings %q: want a warning of no attribution %v", rep.Warnings, c.warned)
			}
		})
	}
}

// TestSharedBoundariesAttribution ingests the shared subset of the LSOA
// 2011 boundaries itself: its attribution is the embedded default's.
func TestSharedBoundariesAttribution(t *testing.T) {
	p := datatest.SharedData(t, "lsoa2011_boundaries/lsoa2011_bgc_subset_shropshire_telford_oxfordshire.geojson")
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.IngestFiles(ctx, []string{p}, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	ds, err := s.Datasets(ctx)
	if err != nil || len(ds) != 1 || ds[0].Attribution != record.LSOA2011BGCAttribution {
		t.Errorf("datasets %+v, %v: want the attribution with its year and Martin Chorley's CC-BY credit", ds, err)
	}
}

// fileWriter returns a function that writes a file of dir and returns its
// path, failing the test when it cannot.
func fileWriter(t *testing.T, dir string) func(name, body string) string {
	return func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}
