package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// configResponse is what the web map reads at start: which program it
// talks to, whether saved work is kept, the basemap to draw, the
// small-number threshold, the geographies loaded and where they are.
type configResponse struct {
	Version       string            `json:"version"`
	Persistent    bool              `json:"persistent"`     // false: the in-memory default, nothing saved is kept
	BasemapStyle  *string           `json:"basemap_style"`  // a MapLibre style URL, or null for placeplan's own layers
	SuppressBelow float64           `json:"suppress_below"` // confidential counts from 1 to this − 1 are withheld; 0 for none
	Geographies   []configGeography `json:"geographies"`
	// DefaultGeography is what the layers serve without ?geography=
	// (lsoa11 when both are loaded); null when nothing is loaded.
	DefaultGeography *string   `json:"default_geography"`
	Bounds           []float64 `json:"bounds"` // [west, south, east, north] of every area loaded (WGS84); null for none
}

// configGeography is one loaded geography.
type configGeography struct {
	Geography string `json:"geography"`
	Label     string `json:"label"`   // "LSOA 2011"
	Vintage   string `json:"vintage"` // of its IoD data, such as IoD2019; "" when it has none
	Areas     int    `json:"areas"`
}

// handleConfig answers GET /api/v1/config. It is not revisioned: the map
// reads it once, at start.
func (s *Server) handleConfig(c echo.Context) error {
	ctx := c.Request().Context()
	geogs, err := s.store.Geographies(ctx)
	if err != nil {
		return err
	}
	ds, err := s.store.Datasets(ctx)
	if err != nil {
		return err
	}
	out := configResponse{Version: s.cfg.Version, Persistent: s.cfg.Persistent, SuppressBelow: s.cfg.Disclosure.MinCount,
		Geographies: []configGeography{}}
	if out.Version == "" {
		out.Version = "dev"
	}
	if s.cfg.BasemapStyle != "" {
		out.BasemapStyle = &s.cfg.BasemapStyle
	}
	for _, g := range sortedKeys(geogs) {
		var vintages []string
		for _, d := range ds {
			if d.Kind == placeplan.DatasetIoD && d.Geography == g && d.Vintage != "" && !slices.Contains(vintages, d.Vintage) {
				vintages = append(vintages, d.Vintage)
			}
		}
		out.Geographies = append(out.Geographies, configGeography{Geography: string(g), Label: g.Label(),
			Vintage: strings.Join(vintages, ", "), Areas: geogs[g]})
	}
	if g, _ := tiles.LayerGeography("", geogs); g != "" {
		out.DefaultGeography = new(string(g))
	}
	b, ok, err := s.store.Extent(ctx)
	if err != nil {
		return err
	}
	if ok {
		out.Bounds = []float64{wire.RoundCoord(b.Min[0]), wire.RoundCoord(b.Min[1]), wire.RoundCoord(b.Max[0]), wire.RoundCoord(b.Max[1])}
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, out)
}
