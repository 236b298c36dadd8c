package data

// The embedded default dataset and the LSOA code registry are derived from
// the open data in ../shared/data (see data/default/README.md).
//go:generate go run ./internal/mkdefault -shared ../../shared/data -out default -registry registry
