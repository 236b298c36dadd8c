package data

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"placeplan/data/internal/datatest"
	"placeplan/geo"

	"placeplan/data/input"
)

// The fuzz targets feed arbitrary bytes to the content sniffing and the
// readers behind it, as ingest does: none may panic, and every error must
// be a *placeplan.Error with a code. Each reader package has its own.

func FuzzReadGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA11CD":"E01028826"},"geometry":{"type":"Polygon","coordinates":[[[-2.29,52.63],[-2.28,52.63],[-2.28,52.64],[-2.29,52.63]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[{"type":"Feature","properties":{"name":"Ludlow"},"geometry":{"type":"Point","coordinates":[351141,274643]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"locality":"North"},"geometry":{"type":"MultiPolygon","coordinates":[[[[-1.5,51.9],[-1.2,51.9],[-1.2,52.1],[-1.5,51.9]]]]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ParseInput(input.Input{Name: "f.geojson", Data: b}, IngestOptions{})
		datatest.CheckFuzzErr(t, err)
	})
}

// FuzzParseInput drives the content sniffing over any bytes, as ingest does
// for a file of unknown kind, seeded with one file of each kind and the
// malformed files of testdata/malformed.
func FuzzParseInput(f *testing.F) {
	f.Add([]byte("scheme,locality,code\nS,North,E07000177\n"))
	f.Add([]byte("F_LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND\nE01000001,a,E01000001,a,U\n"))
	f.Add([]byte("FID,LSOA21CD,GlobalID,x,y\n1,E01000001,g,532181.76,181792.28\n"))
	f.Add([]byte("msoa11cd,msoa11nm,msoa11hclnm\nE02006024,Shropshire 006,Oswestry East\n"))
	f.Add([]byte(gz("lsoa11cd,referrals\nE01028826,3\n")))
	f.Add([]byte("PK\x03\x04"))
	malformed, err := filepath.Glob(filepath.Join("testdata", "malformed", "*"))
	if err != nil || len(malformed) == 0 {
		f.Fatalf("no files in testdata/malformed (%v)", err)
	}
	for _, m := range malformed {
		switch filepath.Ext(m) {
		case ".shp", ".shx", ".dbf", ".prj", ".cpg": // a set, fuzzed by shapefile.FuzzReadShapefile
			continue
		}
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := input.ReadInputs("f", bytes.NewReader(b))
		datatest.CheckFuzzErr(t, err)
		for _, in := range ins {
			_, err := ParseInput(in, IngestOptions{CRS: geo.BNG})
			datatest.CheckFuzzErr(t, err)
		}
	})
}
