package siting

import (
	"math"
	"reflect"
	"testing"
)

// TestTravel checks that Travel builds the network its primitives build,
// with the defaults applied: circuity 1.3, 40 km/h for a standard in
// minutes, the matrix when there is one.
func TestTravel(t *testing.T) {
	d, c := randomInstance(17, 80, 15)
	rows := []ODRow{{"d000", "s001", 3}, {"d001", "s002", 12}, {"d002", "s001", 25}}
	build := func(opts CostOptions) *Network {
		n, err := BuildNetwork(d, c, opts)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	fromMatrix := func(opts MatrixOptions) *Network {
		n, err := NetworkFromMatrix(d, c, rows, opts)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	cases := []struct {
		name       string
		travel     Travel
		want       *Network
		standard   float64
		unit       Unit
		restandard float64 // WithStandard(restandard) must be wantAgain
		wantAgain  *Network
	}{
		{"km, default circuity", Travel{StandardKm: 12}, build(CostOptions{Circuity: DefaultCircuity, StandardKm: 12}), 12, Kilometres,
			20, build(CostOptions{Circuity: 1.3, StandardKm: 20})},
		{"minutes, default speed", Travel{StandardMinutes: 15}, build(CostOptions{Circuity: 1.3, SpeedKmh: DefaultSpeedKmh, StandardMinutes: 15}), 15, Minutes,
			30, build(CostOptions{SpeedKmh: 40, StandardMinutes: 30})},
		{"minutes at 35 km/h, great-circle", Travel{StandardMinutes: 15, SpeedKmh: 35, Circuity: 1}, build(CostOptions{Circuity: 1, SpeedKmh: 35, StandardMinutes: 15}), 15, Minutes,
			10, build(CostOptions{Circuity: 1, SpeedKmh: 35, StandardMinutes: 10})},
		{"a matrix in minutes", Travel{StandardMinutes: 20, Matrix: rows, MatrixUnit: Minutes}, fromMatrix(MatrixOptions{Unit: Minutes, Standard: 20}), 20, Minutes,
			10, fromMatrix(MatrixOptions{Unit: Minutes, Standard: 10})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if v, u := tc.travel.Standard(); v != tc.standard || u != tc.unit {
				t.Errorf("standard %v %s, want %v %s", v, u, tc.standard, tc.unit)
			}
			n, err := tc.travel.Network(d, c)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(n, tc.want) {
				t.Errorf("network of %+v differs from its primitive's (%d pairs, want %d)", tc.travel, n.Pairs(), tc.want.Pairs())
			}
			again := tc.travel.WithStandard(tc.restandard)
			if v, u := again.Standard(); v != tc.restandard || u != tc.unit {
				t.Errorf("WithStandard(%v): %v %s", tc.restandard, v, u)
			}
			if n, err = again.Network(d, c); err != nil || !reflect.DeepEqual(n, tc.wantAgain) {
				t.Errorf("WithStandard(%v): network differs, %v", tc.restandard, err)
			}
		})
	}

	bad := []struct {
		name   string
		travel Travel
		want   string
	}{
		{"matrix in another unit", Travel{StandardKm: 5, Matrix: rows, MatrixUnit: Minutes}, "the travel matrix is in minutes but the service standard is in km"},
		{"matrix with two standards", Travel{StandardKm: 5, StandardMinutes: 5, Matrix: rows, MatrixUnit: Minutes}, "not both"},
		{"two standards", Travel{StandardKm: 5, StandardMinutes: 5}, "not both"},
		{"no standard", Travel{}, "service standard"},
		{"negative speed", Travel{StandardMinutes: 5, SpeedKmh: -40}, "speed"},
		{"circuity below 1", Travel{StandardKm: 5, Circuity: 0.5}, "circuity"},
		{"infinite speed", Travel{StandardMinutes: 5, SpeedKmh: math.Inf(1)}, "speed"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.travel.Network(d, c)
			checkInvalid(t, err, tc.want)
		})
	}
}
