package iod

import (
	"bytes"
	"testing"

	"placeplan/data/internal/datatest"
)

const iodHeader = "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019)," +
	"Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"

// FuzzReadIoD feeds arbitrary bytes to the IoD reader: it may not panic,
// and every error must be a *placeplan.Error with a code.
func FuzzReadIoD(f *testing.F) {
	f.Add([]byte(iodHeader + "E01028826,Shropshire 027A,E06000051,Shropshire,\"20,000\",7\n"))
	f.Add([]byte("lsoa11cd,imd_score,imd_rank,imd_decile,pop_total_mid2015\r\nE01000001,6.2,29199,9,1296\r\n"))
	f.Add([]byte("\ufefflsoa21_code,IMD_decile,IMD_rank,IMD_score\nE01000001,8,26525,8.742\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Read("f.csv", bytes.NewReader(b))
		datatest.CheckFuzzErr(t, err)
	})
}
