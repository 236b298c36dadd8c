// Package geojson reads GeoJSON FeatureCollections (RFC 7946, or an older
// file whose "crs" member names EPSG:27700) into a feature.Set, decoding a
// large collection's features on every core.
package geojson

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/data/record"
	"placeplan/geo"
)

// Read reads a GeoJSON FeatureCollection (RFC 7946, or an older file with
// a "crs" member naming EPSG:27700).
func Read(r io.Reader) (*feature.Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%w", err)
	}
	b = record.TrimBOM(b)
	fc, err := unmarshalFeatureCollection(b)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "not a GeoJSON FeatureCollection: %s", jsonErr(b, err))
	}
	fs := &feature.Set{Format: "GeoJSON", CRS: geo.WGS84}
	if name, ok := fc.ExtraMembers["name"].(string); ok {
		fs.Layer = name
	}
	if crs, ok := fc.ExtraMembers["crs"]; ok {
		name := ""
		if m, ok := crs.(map[string]any); ok {
			if props, ok := m["properties"].(map[string]any); ok {
				name, _ = props["name"].(string)
			}
		}
		c, err := geo.ParseCRS(name)
		if err != nil {
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "crs member: %w", err)
		}
		fs.CRS = c
	}
	fs.Features = make([]feature.Feature, 0, len(fc.Features))
	for _, f := range fc.Features {
		props := map[string]any(f.Properties)
		if f.ID != nil {
			if _, has := props["id"]; !has {
				if props == nil {
					props = map[string]any{}
				}
				props["id"] = f.ID
			}
		}
		fs.Features = append(fs.Features, feature.Feature{Properties: props, Geometry: f.Geometry})
	}
	return fs, nil
}

// unmarshalFeatureCollection decodes a FeatureCollection, decoding large
// ones' features in parallel.
func unmarshalFeatureCollection(b []byte) (*geojson.FeatureCollection, error) {
	if len(b) < 1<<20 {
		return geojson.UnmarshalFeatureCollection(b)
	}
	members, raw, err := splitFeatureCollection(b)
	if err != nil {
		return geojson.UnmarshalFeatureCollection(b)
	}
	if t, ok := members["type"]; !ok || string(t) != `"FeatureCollection"` {
		return geojson.UnmarshalFeatureCollection(b)
	}
	features, err := decodeFeatures(raw)
	if err != nil {
		return geojson.UnmarshalFeatureCollection(b) // for its error position
	}
	fc := &geojson.FeatureCollection{Type: "FeatureCollection", Features: features, ExtraMembers: geojson.Properties{}}
	for k, v := range members {
		if k == "type" || k == "features" {
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return geojson.UnmarshalFeatureCollection(b)
		}
		fc.ExtraMembers[k] = x
	}
	return fc, nil
}

// jsonErr names the line and column of a JSON syntax error.
func jsonErr(b []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err.Error()
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d column %d: %v", line, col, err)
}
