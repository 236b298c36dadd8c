// Package data reads the files placeplan ingests — the English Indices of
// Deprivation in their official layouts, councils' indicator CSVs, boundaries
// (GeoJSON, ESRI Shapefile, GeoPackage) and point layers — validates them,
// and keeps them in a SQLite store. It also carries the embedded default
// dataset (Shropshire, Telford and Wrekin, Oxfordshire).
package data
