package api

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo/tile"
	"placeplan/scenario/tiles"
)

// mvtContentType is the media type of Mapbox Vector Tiles.
const mvtContentType = "application/vnd.mapbox-vector-tile"

// handleTile answers GET /tiles/{layer}/{z}/{x}/{y}.mvt[?geography=&fields=&scenario=]:
// one Mapbox Vector Tile of a tile layer at the request's data revision
// (tiles.Service.GetWithRaw), with only the properties fields names when it is given
// (tileFieldsParam). A tile with no features is answered 204 No Content.
// Tiles are kept gzipped and sent so to clients that accept gzip
// (gzipBodies then leaves them alone); other clients get them
// decompressed.
func (s *Server) handleTile(c echo.Context) error {
	name := c.Param("layer")
	if !slices.Contains(tiles.LayerNames(), name) {
		return notFoundf("no tile layer %q: want %s", name, strings.Join(tiles.LayerNames(), ", "))
	}
	t, err := parseTile(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	rev, err := s.requestRevision(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	gz, raw, err := s.tiles.GetWithRaw(c.Request().Context(), tiles.TileRequest{
		Layer: name, Geography: placeplan.Geography(q.Get("geography")), Scenario: q.Get("scenario"),
		Fields: tileFieldsParam(q), Tile: t, Revision: rev,
	})
	if err != nil {
		return err
	}
	return writeTile(c, gz, raw)
}

// writeTile answers with an encoded tile: gz to clients that accept gzip,
// else raw (decompressed from gz when nil); 204 when gz is empty.
func writeTile(c echo.Context, gz, raw []byte) error {
	if len(gz) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	h := c.Response().Header()
	if acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
		h.Set(echo.HeaderContentEncoding, "gzip")
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(gz)))
		return c.Blob(http.StatusOK, mvtContentType, gz)
	}
	if raw == nil {
		var err error
		if raw, err = gunzipTile(gz); err != nil {
			return err
		}
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(raw)))
	return c.Blob(http.StatusOK, mvtContentType, raw)
}

// parseTile parses a tile address from its URL parts: z, x and "{y}.mvt".
// A y without ".mvt" names a format placeplan does not serve (not found);
// numbers that are not whole, or name no tile, are invalid.
func parseTile(zs, xs, ys string) (maptile.Tile, error) {
	ys, ok := strings.CutSuffix(ys, ".mvt")
	if !ok {
		return maptile.Tile{}, notFoundf("no tile %q: tiles are {y}.mvt", ys)
	}
	z, err := strconv.ParseUint(zs, 10, 8)
	if err != nil || z > tile.MaxZoom {
		return maptile.Tile{}, invalidf("tile zoom %q: want a whole number from 0 to %d", zs, tile.MaxZoom)
	}
	n := uint64(1) << z
	coord := func(axis, s string) (uint32, error) {
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, invalidf("tile %s %q: want a whole number from 0 to %d at zoom %d", axis, s, n-1, z)
		}
		if v >= n {
			return 0, invalidf("tile %s %d is outside 0 to %d at zoom %d", axis, v, n-1, z)
		}
		return uint32(v), nil
	}
	x, err := coord("x", xs)
	if err != nil {
		return maptile.Tile{}, err
	}
	y, err := coord("y", ys)
	if err != nil {
		return maptile.Tile{}, err
	}
	return maptile.New(x, y, maptile.Zoom(z)), nil
}

// gunzipTile decompresses a cached tile for a client that does not accept
// gzip.
func gunzipTile(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("decompress cached tile: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decompress cached tile: %w", err)
	}
	return raw, nil
}

// handleTileJSON answers GET /tiles/{layer}.json[?geography=&scenario=]:
// the TileJSON 3.0.0 document of a tile layer (tiles.Service.TileJSON),
// whose tiles URL is built from the scheme and host the client used (and
// carries its geography and scenario).
func (s *Server) handleTileJSON(c echo.Context) error {
	file := c.Param("layer")
	name, ok := strings.CutSuffix(file, ".json")
	if !ok || !slices.Contains(tiles.LayerNames(), name) {
		return notFoundf("no tile set %q: want %s", file, strings.Join(tileSetFiles(), ", "))
	}
	rev, err := s.requestRevision(c)
	if err != nil {
		return err
	}
	doc, err := s.tiles.TileJSON(c.Request().Context(), tiles.TileJSONRequest{
		Layer: name, Geography: placeplan.Geography(c.QueryParam("geography")), Scenario: c.QueryParam("scenario"),
		Revision: rev, TilesURL: tileURLTemplate(c, name),
	})
	if err != nil {
		return err
	}
	if name != tiles.LayerSites && name != tiles.LayerCatchments {
		doc["links"] = []any{styleLink(c)}
	}
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderXForwardedProto)
	return c.JSON(http.StatusOK, doc)
}

// tileSetFiles returns the TileJSON file names: areas.json, ….
func tileSetFiles() []string {
	var out []string
	for _, n := range tiles.LayerNames() {
		out = append(out, n+".json")
	}
	return out
}

// tileURLTemplate returns the {z}/{x}/{y} URL template of a tile layer as
// the client reached this server: its scheme (https behind TLS, or as an
// X-Forwarded-Proto of http or https says) and Host, with the request's
// geography, if any, carried over.
func tileURLTemplate(c echo.Context, name string) string {
	u := baseURL(c) + "/tiles/" + url.PathEscape(name) + "/{z}/{x}/{y}.mvt"
	q := url.Values{}
	if g := c.QueryParam("geography"); g != "" && name != tiles.LayerSites && name != tiles.LayerCatchments {
		q.Set("geography", g)
	}
	if sc := c.QueryParam("scenario"); sc != "" {
		q.Set("scenario", sc)
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
