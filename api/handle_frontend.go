package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
)

// pageCSP is the Content-Security-Policy of the web page's files: the page
// loads nothing from anywhere but this server.
const pageCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// handleIndex answers GET /: the web page.
func (s *Server) handleIndex(c echo.Context) error {
	return s.serveAsset(c, "index.html")
}

// handleAsset answers GET /{file}: one of the web page's top-level files.
func (s *Server) handleAsset(c echo.Context) error {
	return s.serveAsset(c, c.Param("file"))
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
	h.Set("Content-Security-Policy", pageCSP)
	if notModified(c, `"`+hex.EncodeToString(sum[:12])+`"`) {
		return c.NoContent(http.StatusNotModified)
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	return c.Blob(http.StatusOK, ctype, body)
}
