package data

import (
	"bytes"
	"strings"
	"testing"

	"placeplan"
	"placeplan/geo"
)

// The fuzz targets feed arbitrary bytes to every text reader: none may
// panic, and every error must be a *placeplan.Error with a code.

func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	if err != nil && placeplan.ErrorCode(err) == placeplan.EINTERNAL {
		t.Fatalf("reader returned an internal error for bad input: %v", err)
	}
}

func FuzzReadIoD(f *testing.F) {
	f.Add([]byte(iodHeader + "E01028826,Shropshire 027A,E06000051,Shropshire,\"20,000\",7\n"))
	f.Add([]byte("lsoa11cd,imd_score,imd_rank,imd_decile,pop_total_mid2015\r\nE01000001,6.2,29199,9,1296\r\n"))
	f.Add([]byte("\ufefflsoa21_code,IMD_decile,IMD_rank,IMD_score\nE01000001,8,26525,8.742\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadIoD("f.csv", bytes.NewReader(b))
		checkFuzzErr(t, err)
	})
}

func FuzzReadIndicatorCSV(f *testing.F) {
	meta, err := ReadIndicatorMeta("m.csv", strings.NewReader(metaOK))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("lsoa11cd,referrals,absence\nE01028826,3,0.1\n"))
	f.Add([]byte("area_code,referrals\n\"E01014141\",\"1,200\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadIndicatorCSV("f.csv", bytes.NewReader(b), meta, placeplan.LSOA2011)
		checkFuzzErr(t, err)
	})
}

func FuzzReadIndicatorMeta(f *testing.F) {
	f.Add([]byte(metaOK))
	f.Add([]byte("indicator,direction,kind,name,unit,denominator\nx,-1,rate,X,%,none\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadIndicatorMeta("m.csv", bytes.NewReader(b))
		checkFuzzErr(t, err)
	})
}

func FuzzReadPointsCSV(f *testing.F) {
	f.Add([]byte("id,name,lon,lat,capacity,kind,status\nH1,Oswestry hub,-3.05,52.86,40,family hub,open\n"))
	f.Add([]byte("name,easting,northing\nLudlow,351141,274643\n"))
	f.Add([]byte("name,x,y\nA,351141,274643\nB,-2.7,52.3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadPointsCSV("p.csv", bytes.NewReader(b))
		checkFuzzErr(t, err)
	})
}

func FuzzReadGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA11CD":"E01028826"},"geometry":{"type":"Polygon","coordinates":[[[-2.29,52.63],[-2.28,52.63],[-2.28,52.64],[-2.29,52.63]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[{"type":"Feature","properties":{"name":"Ludlow"},"geometry":{"type":"Point","coordinates":[351141,274643]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"locality":"North"},"geometry":{"type":"MultiPolygon","coordinates":[[[[-1.5,51.9],[-1.2,51.9],[-1.2,52.1],[-1.5,51.9]]]]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ParseInput(Input{Name: "f.geojson", Data: b}, IngestOptions{})
		checkFuzzErr(t, err)
	})
}

// FuzzParseInput drives the content sniffing over any bytes, as ingest does
// for a file of unknown kind.
func FuzzParseInput(f *testing.F) {
	f.Add([]byte("scheme,locality,code\nS,North,E07000177\n"))
	f.Add([]byte("F_LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND\nE01000001,a,E01000001,a,U\n"))
	f.Add([]byte("FID,LSOA21CD,GlobalID,x,y\n1,E01000001,g,532181.76,181792.28\n"))
	f.Add([]byte("msoa11cd,msoa11nm,msoa11hclnm\nE02006024,Shropshire 006,Oswestry East\n"))
	f.Add([]byte(gz("lsoa11cd,referrals\nE01028826,3\n")))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := ReadInputs("f", bytes.NewReader(b))
		checkFuzzErr(t, err)
		for _, in := range ins {
			_, err := ParseInput(in, IngestOptions{CRS: geo.BNG})
			checkFuzzErr(t, err)
		}
	})
}
