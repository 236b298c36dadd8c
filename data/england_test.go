package data

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data/internal/datatest"
)

// TestIngestEngland ingests the national files in their official layouts —
// IoD2019 with LSOA 2011 boundaries, lookup and MSOA names; IoD2025 with
// LSOA 2021 boundaries and population-weighted centroids — and checks what
// was stored.
func TestIngestEngland(t *testing.T) {
	if testing.Short() {
		t.Skip("national ingest skipped with -short")
	}
	ctx := context.Background()
	cases := []struct {
		name      string
		files     []string
		geography placeplan.Geography
		areas     int
		loaded    []string
	}{
		{"IoD2019 on LSOA 2011", []string{
			"iod2019_lsoa11/source/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
			"iod2019_lsoa11/source/File_6_-_IoD2019_Population_Denominators.csv.gz",
			"iod2019_lsoa11/source/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
			"lsoa2011_boundaries/lsoa2011_bgc_england_wgs84_6dp.geojson.gz",
			"lsoa2011_lookups/lsoa11_msoa11_lad_lookup_england.csv.gz",
			"msoa_names_and_towns/MSOA-Names-1.14_2011msoas_houseofcommonslibrary.csv",
		}, placeplan.LSOA2011, 32844, []string{
			"IoD2019 File 2: domains of deprivation (LSOA 2011) — 32844 areas × 16 indicators",
			"IoD2019 File 6: population denominators (LSOA 2011) — 32844 areas × 5 indicators",
			"IoD2019 File 1: Index of Multiple Deprivation (LSOA 2011) — 32844 areas × 2 indicators",
			"GeoJSON boundaries of LSOA 2011 areas in EPSG:4326 — 32844 areas",
		}},
		{"IoD2025 on LSOA 2021", []string{
			"iod2025_lsoa21/imd2025_england_lsoa21.csv.gz",
			"lsoa2021_boundaries_and_lookups/lsoa2021_bsc_england_wgs84.geojson.gz",
			"lsoa2021_boundaries_and_lookups/LSOA21_population_weighted_centroids_ew_bng.csv.gz",
		}, placeplan.LSOA2021, 33755, []string{
			"IoD2025 scores, ranks and deciles (LSOA 2021) — 33755 areas × 24 indicators",
			"GeoJSON boundaries of LSOA 2021 areas in EPSG:4326 — 33755 areas",
			"ONS population-weighted centroids (LSOA 2021, British National Grid) — 35672 points",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var paths []string
			for _, f := range c.files {
				paths = append(paths, datatest.SharedData(t, f))
			}
			s, err := Open(ctx, filepath.Join(t.TempDir(), "england.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rep, err := s.IngestFiles(ctx, paths, IngestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(rep.Loaded, "\n")
			for _, want := range c.loaded {
				if !strings.Contains(all, want) {
					t.Errorf("report lacks %q:\n%s", want, all)
				}
			}
			areas, err := s.Areas(ctx, placeplan.AreaQuery{Geography: c.geography})
			if err != nil {
				t.Fatal(err)
			}
			if len(areas) != c.areas {
				t.Fatalf("%d areas, want %d", len(areas), c.areas)
			}
			noPoint, noParent := 0, 0
			for _, a := range areas {
				if a.PointKind == "" {
					noPoint++
				}
				if a.MSOACode == "" || a.LADCode == "" {
					noParent++
				}
			}
			if noPoint > 0 {
				t.Errorf("%d areas without a representative point", noPoint)
			}
			if c.geography == placeplan.LSOA2011 && noParent > 0 {
				t.Errorf("%d areas without a parent MSOA or district", noParent)
			}
			if c.geography == placeplan.LSOA2021 {
				// Welsh centroids are skipped: IoD2025 covers England.
				warned := false
				for _, w := range rep.Warnings {
					warned = warned || strings.Contains(w, "1917 of 35672 centroids are for areas not loaded")
				}
				if !warned {
					t.Errorf("no warning about the 1,917 Welsh centroids: %q", rep.Warnings)
				}
				for _, a := range areas {
					if a.PointKind != "population-weighted centroid" {
						t.Fatalf("%s has a %q, want the ONS centroid", a.Code, a.PointKind)
					}
				}
			}
			// Jaywick, Tendring 018A, is the most deprived LSOA in both releases.
			vals, err := s.AreaValues(ctx, c.geography, "E01021988")
			if err != nil || vals["imd_rank"] != 1 {
				t.Errorf("E01021988 imd_rank = %v (%v)", vals["imd_rank"], err)
			}
		})
	}
}
