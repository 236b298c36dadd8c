package table

import (
	"math"
	"strings"
	"testing"

	geodist "github.com/paulmach/orb/geo"

	"placeplan"
	"placeplan/data/internal/datatest"
)

func TestReadSitingInputs(t *testing.T) {
	d, err := ReadDemandCSV("d.csv", strings.NewReader("\ufeffid,lon,lat,weight\r\na,-2.75,52.71,10\r\nb,-3.05,52.86,5\r\n"))
	if err != nil || len(d) != 2 || d[0].Weight != 10 || d[1].Point[0] != -3.05 {
		t.Fatalf("demand %+v, %v", d, err)
	}
	c, err := ReadCandidatesCSV("c.csv", strings.NewReader("id,easting,northing,capacity\nO,329348,329906,40\nL,351141,274643,\n"))
	if err != nil || len(c) != 2 || c[0].Capacity != 40 || !math.IsNaN(c[1].Capacity) {
		t.Fatalf("candidates %+v, %v", c, err)
	}
	// Oswestry's BNG point is -3.050858, 52.861983 in WGS84.
	if dist := geodist.Distance(c[0].Point, [2]float64{-3.050858, 52.861983}); dist > 5 {
		t.Errorf("O is %.1f m out", dist)
	}
	m, unit, err := ReadODMatrix("m.csv", strings.NewReader("origin,destination,minutes\na,O,12.5\na,L,\nb,O,30\n"))
	if err != nil || unit != "minutes" || len(m) != 2 || m[1].Cost != 30 {
		t.Fatalf("matrix %+v %s %v", m, unit, err)
	}
	if _, unit, _ := ReadODMatrix("m.csv", strings.NewReader("from,to,km\na,O,3\n")); unit != "km" {
		t.Errorf("unit %q", unit)
	}
}

func TestReadSitingInputsRefuse(t *testing.T) {
	cases := []struct {
		name string
		read func() error
		want string
	}{
		{"demand without weight", func() error { _, err := ReadDemandCSV("d.csv", strings.NewReader("id,lon,lat\na,-2,52\n")); return err }, "no weight column"},
		{"negative weight", func() error {
			_, err := ReadDemandCSV("d.csv", strings.NewReader("id,lon,lat,weight\na,-2,52,-1\n"))
			return err
		}, "d.csv line 2 column 4 (weight), demand a: negative weight -1"},
		{"duplicate candidate", func() error {
			_, err := ReadCandidatesCSV("c.csv", strings.NewReader("id,lon,lat\nS,-2,52\nS,-2.1,52\n"))
			return err
		}, `c.csv line 3: duplicate id "S" (first on line 2)`},
		{"BNG in lon/lat columns", func() error {
			_, err := ReadCandidatesCSV("c.csv", strings.NewReader("id,lon,lat\nS,329348,329906\n"))
			return err
		}, "look like British National Grid"},
		{"matrix without cost", func() error {
			_, _, err := ReadODMatrix("m.csv", strings.NewReader("origin,destination\na,b\n"))
			return err
		}, "needs origin, destination and minutes"},
		{"negative travel time", func() error {
			_, _, err := ReadODMatrix("m.csv", strings.NewReader("origin,destination,minutes\na,O,-3\n"))
			return err
		}, "m.csv line 2 column 3 (minutes), a → O: negative cost -3"},
	}
	for _, c := range cases {
		err := c.read()
		if err == nil || placeplan.ErrorCode(err) != placeplan.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func FuzzReadSitingInputs(f *testing.F) {
	f.Add([]byte("id,lon,lat,weight\na,-2.75,52.71,10\n"))
	f.Add([]byte("id,easting,northing,capacity\nO,329348,329906,40\n"))
	f.Add([]byte("origin,destination,minutes\na,O,12.5\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err1 := ReadDemandCSV("f.csv", strings.NewReader(string(b)))
		_, err2 := ReadCandidatesCSV("f.csv", strings.NewReader(string(b)))
		_, _, err3 := ReadODMatrix("f.csv", strings.NewReader(string(b)))
		for _, err := range []error{err1, err2, err3} {
			datatest.CheckFuzzErr(t, err)
		}
	})
}
