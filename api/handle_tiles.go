package api

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo/tile"
)

// mvtContentType is the media type of Mapbox Vector Tiles.
const mvtContentType = "application/vnd.mapbox-vector-tile"

// handleTile answers GET /tiles/{layer}/{z}/{x}/{y}.mvt[?geography=&fields=&scenario=]:
// one Mapbox Vector Tile of a tile layer at the request's data revision
// (Server.Tile), with only the properties fields names when it is given
// (tileFieldsParam). A tile with no features is answered 204 No Content.
// Tiles are kept gzipped and sent so to clients that accept gzip
// (gzipBodies then leaves them alone); other clients get them
// decompressed.
func (s *Server) handleTile(c echo.Context) error {
	name := c.Param("layer")
	if !slices.Contains(tileLayerNames(), name) {
		return notFoundf("no tile layer %q: want %s", name, strings.Join(tileLayerNames(), ", "))
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
	gz, raw, err := s.tile(c.Request().Context(), TileRequest{
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

// tileCacheKey returns the cache key of tile t of tl with the properties
// fields names (nil for all): its layer id and the data revision the layer
// was built at, so that a tile encoded from older data — even one stored
// late, by a request that began before an ingest — is never found for a
// newer revision, and the field filter, sorted, so that fields=a,b and
// fields=b,a share an entry.
func tileCacheKey(tl *tileLayer, t maptile.Tile, fields []string) tile.CacheKey {
	k := tile.CacheKey{Layer: tl.id.String(), Revision: tl.rev, Scenario: tl.id.scenario, Z: uint32(t.Z), X: t.X, Y: t.Y}
	if fields != nil {
		k.Fields = "fields=" + strings.Join(fields, ",") // sorted by parseTileFields
	}
	return k
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

// gzipTile compresses an encoded tile for the cache and the wire, at
// gzip's fastest level: on England's tiles it is 3 to 5 times as fast as
// the default level for about 5 % more bytes, which decides how long an
// uncached tile takes.
func gzipTile(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)*3/4 + 64)
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a valid level
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("compress tile: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress tile: %w", err)
	}
	return bytes.Clone(buf.Bytes()), nil // exactly sized, as the cache charges capacity
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

// handleTileJSON answers GET /tiles/{layer}.json[?geography=]: the
// TileJSON 3.0.0 document of a tile layer, whose tiles URL is built from
// the scheme and host the client used (and carries its geography), with
// the layer's fields, bounds, zoom range and the attribution of the
// datasets it draws on.
func (s *Server) handleTileJSON(c echo.Context) error {
	file := c.Param("layer")
	name, ok := strings.CutSuffix(file, ".json")
	if !ok || !slices.Contains(tileLayerNames(), name) {
		return notFoundf("no tile set %q: want %s", file, strings.Join(tileSetFiles(), ", "))
	}
	tl, err := s.tileLayerFor(c, name)
	if err != nil {
		return err
	}
	title, desc := tileSetTitle(tl.id)
	// The bands share features, so the first gives the bounds and the
	// centre's zoom; the vector layer spans every band, with every field
	// any band's features may carry.
	doc := tile.TileJSON(tl.bands[:1], tileURLTemplate(c, name), tile.TileJSONOptions{
		Name: title, Description: desc + ". " + tileFieldsNote, Attribution: tl.attribution,
	})
	last := tl.bands[len(tl.bands)-1]
	_, maxZ := last.ZoomRange()
	doc.MaxZoom, doc.VectorLayers[0].MaxZoom = int(maxZ), int(maxZ)
	doc.VectorLayers[0].Fields = maps.Clone(tl.fields)
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderXForwardedProto)
	return c.JSON(http.StatusOK, doc.Map())
}

// tileFieldsNote ends every TileJSON description: how to ask for fewer
// properties.
const tileFieldsNote = "Add fields=NAME,… to a tile URL to keep only those properties " +
	"(any of vector_layers[0].fields; an unknown name is a 400 problem)"

// tileSetFiles returns the TileJSON file names: areas.json, ….
func tileSetFiles() []string {
	var out []string
	for _, n := range tileLayerNames() {
		out = append(out, n+".json")
	}
	return out
}

// tileSetTitle returns a tile set's TileJSON name and description.
func tileSetTitle(id tileLayerID) (string, string) {
	switch id.name {
	case tileAreas:
		if id.scenario != "" {
			return "placeplan areas (" + id.scenario + ")", fmt.Sprintf("The areas of scenario %s with its need and plan "+
				"from zoom %d; below it %s, with areas too small to see merged within their district (area_count)",
				id.scenario, areasDetailMinZoom, strings.Join(scenarioOverviewFields(), ", "))
		}
		if id.geog == "" {
			return "placeplan areas", "Small areas (none loaded)"
		}
		return "placeplan areas (" + id.geog.Label() + ")",
			fmt.Sprintf("%s small areas: every indicator value from zoom %d; below it %s, with areas too small to see "+
				"merged within their district (area_count), the merged feature keeping the code of the largest; small numbers are withheld",
				id.geog.Label(), areasDetailMinZoom, strings.Join(areasOverviewFields(), ", "))
	case tileLocalities:
		if id.geog == "" {
			return "placeplan localities", "Localities (none loaded)"
		}
		return "placeplan localities (" + id.geog.Label() + ")",
			"Localities of " + id.geog.Label() + " areas, each the union of its member areas"
	case tileCatchments:
		return "placeplan catchments (" + id.scenario + ")", "The areas each chosen site of scenario " + id.scenario + " serves"
	case tileDistricts:
		if id.geog == "" {
			return "placeplan districts", "Local authority districts (none loaded)"
		}
		return "placeplan districts (" + id.geog.Label() + ")", fmt.Sprintf("Local authority districts of the %s areas "+
			"loaded, each the union of its small areas, with code and name, from zoom %d: a basemap's outlines", id.geog.Label(), basemapMinZoom)
	case tileLabels:
		if id.geog == "" {
			return "placeplan labels", "Labels (none loaded)"
		}
		return "placeplan labels (" + id.geog.Label() + ")", fmt.Sprintf("Label points from zoom %d: each district and "+
			"locality of the %s areas at a point inside it, and each town, with name, kind (district, locality, town), "+
			"rank (1, 2, 3: lower first) and a locality's scheme", basemapMinZoom, id.geog.Label())
	}
	return "placeplan sites", "Every point layer; each point's layer property names its layer"
}

// tileURLTemplate returns the {z}/{x}/{y} URL template of a tile layer as
// the client reached this server: its scheme (https behind TLS, or as an
// X-Forwarded-Proto of http or https says) and Host, with the request's
// geography, if any, carried over.
func tileURLTemplate(c echo.Context, name string) string {
	u := baseURL(c) + "/tiles/" + url.PathEscape(name) + "/{z}/{x}/{y}.mvt"
	q := url.Values{}
	if g := c.QueryParam("geography"); g != "" && name != tileSites && name != tileCatchments {
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
