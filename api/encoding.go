package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"placeplan/wire"
)

// coordFactor is the wire's rounding of coordinates (6 decimal places),
// for orb.Round.
const coordFactor = wire.CoordFactor

// geoJSONContentType is the media type of GeoJSON (RFC 7946).
const geoJSONContentType = "application/geo+json"

// writeGeoJSON sends fc as application/geo+json.
func writeGeoJSON(c echo.Context, fc *geojson.FeatureCollection) error {
	c.Response().Header().Set(echo.HeaderContentType, geoJSONContentType)
	return c.JSON(http.StatusOK, fc)
}

// jsonSerializer is echo's JSON serializer without HTML escaping, so that
// "Cosford & Albrighton" goes out as written rather than as \u0026.
type jsonSerializer struct{}

// Serialize writes i as JSON to the response.
func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	enc := json.NewEncoder(c.Response())
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(i)
}

// Deserialize reads the request body as JSON into i.
func (jsonSerializer) Deserialize(c echo.Context, i any) error {
	if err := json.NewDecoder(c.Request().Body).Decode(i); err != nil {
		return invalidf("request body: %v", err)
	}
	return nil
}
