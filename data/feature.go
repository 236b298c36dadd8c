package data

import (
	"github.com/paulmach/orb"

	"placeplan/geo"
)

// Feature is one record of a boundary or point file as read, before it is
// matched to small areas: its attributes and its geometry in the file's CRS.
// Attribute values are string, float64, int64, bool or nil.
type Feature struct {
	Properties map[string]any
	Geometry   orb.Geometry
}

// FeatureSet is the content of one vector file: its features, the CRS their
// coordinates are in, and what the file turned out to be.
type FeatureSet struct {
	Format   string // "GeoJSON", "ESRI Shapefile" or "GeoPackage"
	Layer    string // layer or table name, where the format has one
	CRS      geo.CRS
	Features []Feature
}
