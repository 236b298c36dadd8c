package table

import (
	"bytes"
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

// FuzzReadReferenceTables drives the lookup, MSOA names, centroid and
// locality readers over the same bytes.
func FuzzReadReferenceTables(f *testing.F) {
	f.Add([]byte("LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD19CD,LAD19NM\nE01028826,Shropshire 027A,E02006009,Shropshire 027,E06000051,Shropshire\n"))
	f.Add([]byte("F_LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND\nE01000001,a,E01000001,a,U\n"))
	f.Add([]byte("msoa11cd,msoa11nm,msoa11hclnm\nE02006024,Shropshire 006,Oswestry East\n"))
	f.Add([]byte("FID,LSOA21CD,GlobalID,x,y\n1,E01000001,g,532181.76,181792.28\n"))
	f.Add([]byte("scheme,locality,code,msoa_name,geography\nS,North,E07000177,,lsoa11\nS,West,,Oswestry East,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := Read("f.csv", b)
		datatest.CheckFuzzErr(t, err)
		if err != nil {
			return
		}
		for _, read := range []func(*Table) error{
			func(t *Table) error { _, err := Lookup(t); return err },
			func(t *Table) error { _, err := MSOANames(t); return err },
			func(t *Table) error { _, err := Centroids(t); return err },
			func(t *Table) error { _, err := Localities(t); return err },
		} {
			datatest.CheckFuzzErr(t, read(tb))
		}
	})
}
