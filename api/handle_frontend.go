package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// pageCSP returns the Content-Security-Policy of the web map's files: the
// page loads nothing from anywhere but this server. Scripts come only from
// its own files; styles may also be inline, because Observable Plot writes
// a <style> element into each chart it draws; MapLibre decodes images
// through blob: URLs. With a basemap style (serve --basemap-style) the
// map may also fetch that style, and the tiles, glyphs and sprites it
// names, from other hosts over https (and from the style's own origin).
func pageCSP(basemapStyle string) string {
	remote := ""
	if basemapStyle != "" {
		remote = " https:"
		if u, err := url.Parse(basemapStyle); err == nil && u.Scheme == "http" {
			remote += " " + u.Scheme + "://" + u.Host
		}
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:" + remote + "; " +
		"worker-src 'self' blob:; connect-src 'self'" + remote + "; font-src 'self'" + remote + "; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// assetsDir holds the build's content-hashed files, which never change
// under their names and so may be cached for good.
const assetsDir = "assets/"

// handleIndex answers GET /: the web page.
func (s *Server) handleIndex(c echo.Context) error {
	return s.serveAsset(c, "index.html")
}

// handleAsset answers GET /{path}: one of the web map's files.
func (s *Server) handleAsset(c echo.Context) error {
	return s.serveAsset(c, c.Param("*"))
}

// serveAsset sends one file of the frontend file system with its content
// type and a strong ETag of its content.
func (s *Server) serveAsset(c echo.Context, name string) error {
	if !fs.ValidPath(name) || name == "." {
		return echo.ErrNotFound
	}
	if fi, err := fs.Stat(s.frontend, name); err != nil || fi.IsDir() {
		return echo.ErrNotFound
	}
	body, err := fs.ReadFile(s.frontend, name)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	h := c.Response().Header()
	h.Set("Content-Security-Policy", pageCSP(s.cfg.BasemapStyle))
	unchanged := notModified(c, `"`+hex.EncodeToString(sum[:12])+`"`) // sets Cache-Control: no-cache
	if strings.HasPrefix(name, assetsDir) {
		h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	}
	if unchanged {
		return c.NoContent(http.StatusNotModified)
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	return c.Blob(http.StatusOK, ctype, body)
}
