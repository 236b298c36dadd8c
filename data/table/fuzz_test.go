package table

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"placeplan"
	"placeplan/data/internal/datatest"
)

// The fuzz targets feed arbitrary bytes to every table reader: none may
// panic, and every error must be a *placeplan.Error with a code.

const metaOK = "indicator,name,unit,direction,kind,denominator,confidential\n" +
	"referrals,Early help referrals,referrals,higher_is_worse,count,children,yes\n" +
	"absence,Persistent absence,proportion of pupils,higher_is_worse,rate,children,no\n"

func FuzzReadIndicatorCSV(f *testing.F) {
	meta, err := ReadIndicatorMeta("m.csv", strings.NewReader(metaOK))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("lsoa11cd,referrals,absence\nE01028826,3,0.1\n"))
	f.Add([]byte("area_code,referrals\n\"E01014141\",\"1,200\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadIndicatorCSV("f.csv", bytes.NewReader(b), meta, placeplan.LSOA2011)
		datatest.CheckFuzzErr(t, err)
	})
}

func FuzzReadIndicatorMeta(f *testing.F) {
	f.Add([]byte(metaOK))
	f.Add([]byte("indicator,direction,kind,name,unit,denominator\nx,-1,rate,X,%,none\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadIndicatorMeta("m.csv", bytes.NewReader(b))
		datatest.CheckFuzzErr(t, err)
	})
}

func FuzzReadPointsCSV(f *testing.F) {
	f.Add([]byte("id,name,lon,lat,capacity,kind,status\nH1,Oswestry hub,-3.05,52.86,40,family hub,open\n"))
	f.Add([]byte("name,easting,northing\nLudlow,351141,274643\n"))
	f.Add([]byte("name,x,y\nA,351141,274643\nB,-2.7,52.3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadPointsCSV("p.csv", bytes.NewReader(b))
		datatest.CheckFuzzErr(t, err)
	})
}

// FuzzReadLookups drives the ONS lookup, LSOA 2011 → 2021 lookup, MSOA
// names and centroid readers over the same bytes, seeded with the head of
// each published file: the embedded default's (../default) and rows of
// the other layouts ONS publishes (with their byte-order marks, an
// OA-level lookup repeating its LSOAs, a quoted ward lookup) and the
// malformed CSV files of ../testdata/malformed.
func FuzzReadLookups(f *testing.F) {
	for _, name := range []string{"lsoa11_msoa11_lad19_lookup.csv.gz", "lsoa21_population_weighted_centroids_bng.csv.gz",
		"msoa11_names_hcl.csv.gz", "msoa21_names_hcl.csv.gz"} {
		f.Add(headOf(f, filepath.Join("..", "default", name), 4))
	}
	f.Add([]byte("\ufeffF_LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n" +
		"E01014140,Telford and Wrekin 007D,E01014140,Telford and Wrekin 007D,U,E06000020,Telford and Wrekin,,2120\n" +
		"E01028424,Cherwell 016A,E01035738,Cherwell 016H,S,E07000177,Cherwell,,17201\n" +
		"E01028424,Cherwell 016A,E01035739,Cherwell 016I,S,E07000177,Cherwell,,17202\n"))
	f.Add([]byte("\ufeffFID,LSOA11CD,LSOA11NM,CCG21CD,CCG21CDH,CCG21NM,LAD21CD,LAD21NM\n" +
		"7212,E01028820,West Oxfordshire 009B,E38000136,10Q,NHS Oxfordshire CCG,E07000181,West Oxfordshire\n"))
	f.Add([]byte("\ufeffOA11CD,OAC11CD,OAC11NM,LSOA11CD,LSOA11NM,SOAC11CD,SOAC11NM,MSOA11CD,MSOA11NM,LAD17CD,LAD17NM,LACCD,LACNM,RGN11CD,RGN11NM,CTRY11CD,CTRY11NM,FID\n" +
		"E00071397,4c1,Achieving Minorities,E01014140,Telford and Wrekin 007D,7a,Urban cultural mix,E02002934,Telford and Wrekin 007,E06000020,Telford and Wrekin,8a2r,Urban Living,E12000005,West Midlands,E92000001,England,11330\n" +
		"E00071398,4c1,Achieving Minorities,E01014140,Telford and Wrekin 007D,7a,Urban cultural mix,E02002934,Telford and Wrekin 007,E06000020,Telford and Wrekin,8a2r,Urban Living,E12000005,West Midlands,E92000001,England,11331\n"))
	f.Add([]byte(`"lsoa21_name","lsoa21_code","ward24_name","ward24_code","ltla24_name","ltla24_code"` + "\n" +
		`"Telford and Wrekin 010B","E01014148","Ironbridge Gorge","E05015220","Telford and Wrekin","E06000020"` + "\n"))
	f.Add([]byte("\ufeffmsoa11cd,msoa11nm,msoa11nmw,msoa11hclnm,msoa11hclnmw,Laname\n" +
		"E02006016,Shropshire 002,Shropshire 002,\"Woore, Prees & Tilstock\",,Shropshire\n"))
	malformed, err := filepath.Glob(filepath.Join("..", "testdata", "malformed", "*.csv"))
	if err != nil || len(malformed) == 0 {
		f.Fatalf("no CSV files in ../testdata/malformed (%v)", err)
	}
	for _, m := range malformed {
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := Read("f.csv", b)
		datatest.CheckFuzzErrNames(t, err, "f.csv")
		if err != nil {
			return
		}
		for _, read := range []func(*Table) error{
			func(t *Table) error { _, err := Lookup(t); return err },
			func(t *Table) error { _, err := MSOANames(t); return err },
			func(t *Table) error { _, err := Centroids(t); return err },
		} {
			datatest.CheckFuzzErrNames(t, read(tb), "f.csv")
		}
	})
}

// headOf returns the first n lines of the file at path, gunzipped.
func headOf(tb testing.TB, path string, n int) []byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []byte
	sc := bufio.NewScanner(zr)
	for i := 0; i < n && sc.Scan(); i++ {
		out = append(append(out, sc.Bytes()...), '\n')
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}
