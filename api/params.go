package api

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/internal/suggest"
	"placeplan/scenario/tiles"
)

// parseBBox parses a bbox parameter, "minLon,minLat,maxLon,maxLat" in
// WGS84 degrees. It returns nil for an empty parameter.
func parseBBox(s string) (*orb.Bound, error) {
	if s == "" {
		return nil, nil
	}
	names := [4]string{"minLon", "minLat", "maxLon", "maxLat"}
	v, err := bboxNumbers(s, names, "")
	if err != nil {
		return nil, err
	}
	for _, i := range []int{0, 2} {
		if v[i] < -180 || v[i] > 180 {
			return nil, invalidf("bbox: %s %g is outside -180..180", names[i], v[i])
		}
	}
	for _, i := range []int{1, 3} {
		if v[i] < -90 || v[i] > 90 {
			return nil, invalidf("bbox: %s %g is outside -90..90", names[i], v[i])
		}
	}
	if v[0] > v[2] {
		return nil, invalidf("bbox: minLon %g is greater than maxLon %g", v[0], v[2])
	}
	if v[1] > v[3] {
		return nil, invalidf("bbox: minLat %g is greater than maxLat %g", v[1], v[3])
	}
	return &orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// bboxNumbers parses a bbox's four comma-separated numbers, named names
// in errors; hint follows the names in the count's error.
func bboxNumbers(s string, names [4]string, hint string) ([4]float64, error) {
	var v [4]float64
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return v, invalidf("bbox: want 4 numbers %s%s, got %d", strings.Join(names[:], ","), hint, len(parts))
	}
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return v, invalidf("bbox: %s %q is not a number", names[i], p)
		}
		v[i] = f
	}
	return v, nil
}

// selectFields narrows inds to the comma-separated indicator keys of the
// fields parameter. Without the parameter every indicator is kept; an
// empty one keeps none. An unknown key is an error that names it.
func selectFields(inds []placeplan.Indicator, q url.Values, geog placeplan.Geography) ([]placeplan.Indicator, error) {
	if !q.Has("fields") {
		return inds, nil
	}
	byKey := make(map[string]placeplan.Indicator, len(inds))
	keys := make([]string, len(inds))
	for k, ind := range inds {
		byKey[ind.Key] = ind
		keys[k] = ind.Key
	}
	var out []placeplan.Indicator
	for _, f := range tiles.FieldNames(q.Get("fields")) {
		ind, ok := byKey[f]
		if !ok {
			if geog == "" {
				return nil, invalidf("unknown field %q: no indicators are loaded", f)
			}
			return nil, invalidf("unknown field %q: no such indicator for %s%s (see /api/v1/layers)", f, geog.Label(), suggest.Hint(f, keys))
		}
		out = append(out, ind)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// tileFieldsParam parses the fields parameter of a tile request: the
// property names to keep, as fieldNames gives them, or nil without the
// parameter (every property is kept; an empty parameter keeps none).
func tileFieldsParam(q url.Values) []string {
	if !q.Has("fields") {
		return nil
	}
	return tiles.FieldNames(q.Get("fields"))
}
