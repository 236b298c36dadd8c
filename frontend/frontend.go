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
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed fallback
var fallback embed.FS

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
