// Package frontend holds placeplan's web map: a TypeScript app (MapLibre GL
// JS, Observable Plot, GOV.UK Frontend styles) built by Vite into dist/app
// and embedded in the binary, served by package api at /.
//
// The build needs Node; the Go build does not. A binary built before the
// web map was (go build on a fresh clone) embeds only dist/README.md and
// serves fallback/index.html, a page that says how to build the map.
package frontend

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed fallback
var fallback embed.FS

//go:embed src/map/ink.json
var inkJSON []byte

// Ink holds the colours of the web map's furniture (src/map/ink.json),
// which the server's MapLibre style for other clients shares.
type Ink struct {
	Text       string `json:"text"`
	Halo       string `json:"halo"`
	Background string `json:"background"`
	NoData     string `json:"noData"`
	NoDataLine string `json:"noDataLine"`
	Focus      string `json:"focus"`
}

// Colours returns the web map's furniture colours.
func Colours() (Ink, error) {
	var ink Ink
	if err := json.Unmarshal(inkJSON, &ink); err != nil {
		return Ink{}, fmt.Errorf("frontend/src/map/ink.json: %w", err)
	}
	return ink, nil
}

// FS returns the web map's files, rooted so that index.html is at the top:
// the built app when it was embedded, else the fallback page alone.
func FS() fs.FS {
	if Built() {
		return sub(dist, "dist/app")
	}
	return sub(fallback, "fallback")
}

// sub returns dir of fsys.
func sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a valid path, so fs.Sub cannot fail
	}
	return s
}

// Built reports whether the binary embeds the built web map rather than
// the fallback page.
func Built() bool {
	_, err := fs.Stat(dist, "dist/app/index.html")
	return err == nil
}
