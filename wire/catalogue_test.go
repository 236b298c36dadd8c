package wire

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"placeplan"
)

func TestNewArea(t *testing.T) {
	a := placeplan.Area{Code: "E01028826", Geography: placeplan.LSOA2011, Point: orb.Point{-2.123456789, 52.987654321}}
	b, _ := json.Marshal(NewArea(a))
	if !strings.Contains(string(b), `"vintage":"lsoa11","lon":-2.123457,"lat":52.987654`) {
		t.Errorf("area = %s", b)
	}
	b, _ = json.Marshal(NewArea(placeplan.Area{Code: "E01000002"}))
	if !strings.Contains(string(b), `"lon":null,"lat":null`) {
		t.Errorf("area without a point = %s", b)
	}
}
