// Package data is placeplan's SQLite store: datasets, small areas,
// indicators, point layers, localities and the scenario registry, with
// embedded ordered migrations. It owns ingest: OpenInputs decompresses and
// unpacks files, ParseInput recognises each by its content and reads it
// with the reader of its format family — package iod (the Indices of
// Deprivation), table (other CSVs), geojson, shapefile and geopackage
// (vector files, matched to areas by package feature) — and Store.Ingest
// writes the records (package record) in one transaction. It also carries
// the embedded default dataset (Shropshire, Telford and Wrekin,
// Oxfordshire).
package data
