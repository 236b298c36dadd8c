// Package frontend holds placeplan's web page: static files embedded in
// the binary and served by package api at /.
//
// For now the page is a small dependency-free script that draws the loaded
// layers on a canvas; the MapLibre web map comes later.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS returns the page's files, rooted so that index.html is at the top.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // "static" is a valid path, so fs.Sub cannot fail
	}
	return sub
}
