package tiles

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"placeplan"
	"placeplan/geo/tile"
)

// TileJSONRequest names the TileJSON document of one tile layer.
type TileJSONRequest struct {
	// Layer, Geography and Scenario name the layer, as in a TileRequest.
	Layer     string
	Geography placeplan.Geography
	Scenario  string
	// Revision is the data revision to answer at (a negative one reads
	// the store's).
	Revision int64
	// TilesURL is the {z}/{x}/{y} URL template of the layer's tiles, as
	// the caller serves them.
	TilesURL string
}

// TileJSON returns the TileJSON 3.0.0 document of the layer req names, as
// a plain map ready to encode: its tiles URL, the layer's fields, bounds,
// zoom range and the attribution of the datasets it draws on. It waits
// for the layer to be built. An unknown layer is not found; a bad
// geography or scenario is invalid.
func (s *Service) TileJSON(ctx context.Context, req TileJSONRequest) (map[string]any, error) {
	if !slices.Contains(LayerNames(), req.Layer) {
		return nil, notFoundf("no tile layer %q: want %s", req.Layer, strings.Join(LayerNames(), ", "))
	}
	rev := req.Revision
	if rev < 0 {
		var err error
		if rev, err = s.store.Revision(ctx); err != nil {
			return nil, err
		}
	}
	id, cat, err := s.tileLayerIDAt(ctx, req.Layer, req.Geography, req.Scenario, rev)
	if err != nil {
		return nil, err
	}
	tl, err := s.tileLayerOf(ctx, id, rev, cat)
	if err != nil {
		return nil, err
	}
	title, desc := tileSetTitle(tl.id)
	// The bands share features, so the first gives the bounds and the
	// centre's zoom; the vector layer spans every band, with every field
	// any band's features may carry.
	doc := tile.TileJSON(tl.bands[:1], req.TilesURL, tile.TileJSONOptions{
		Name: title, Description: desc + ". " + tileFieldsNote, Attribution: tl.attribution,
	})
	last := tl.bands[len(tl.bands)-1]
	_, maxZ := last.ZoomRange()
	doc.MaxZoom, doc.VectorLayers[0].MaxZoom = int(maxZ), int(maxZ)
	doc.VectorLayers[0].Fields = maps.Clone(tl.fields)
	return doc.Map(), nil
}

// tileFieldsNote ends every TileJSON description: how to ask for fewer
// properties.
const tileFieldsNote = "Add fields=NAME,… to a tile URL to keep only those properties " +
	"(any of vector_layers[0].fields; an unknown name is a 400 problem)"

// tileSetTitle returns a tile set's TileJSON name and description.
func tileSetTitle(id tileLayerID) (string, string) {
	switch id.name {
	case LayerAreas:
		if id.scenario != "" {
			return "placeplan areas (" + id.scenario + ")", fmt.Sprintf("The areas of scenario %s with its need and plan "+
				"from zoom %d; below it %s, with areas too small to see merged within their district (area_count)",
				id.scenario, AreasDetailMinZoom, strings.Join(scenarioOverviewFields(), ", "))
		}
		if id.geog == "" {
			return "placeplan areas", "Small areas (none loaded)"
		}
		return "placeplan areas (" + id.geog.Label() + ")",
			fmt.Sprintf("%s small areas: every indicator value from zoom %d; below it %s, with areas too small to see "+
				"merged within their district (area_count), the merged feature keeping the code of the largest; small numbers are withheld",
				id.geog.Label(), AreasDetailMinZoom, strings.Join(AreasOverviewFields(), ", "))
	case LayerLocalities:
		if id.geog == "" {
			return "placeplan localities", "Localities (none loaded)"
		}
		return "placeplan localities (" + id.geog.Label() + ")",
			"Localities of " + id.geog.Label() + " areas, each the union of its member areas"
	case LayerCatchments:
		return "placeplan catchments (" + id.scenario + ")", "The areas each chosen site of scenario " + id.scenario + " serves"
	case LayerDistricts:
		if id.geog == "" {
			return "placeplan districts", "Local authority districts (none loaded)"
		}
		return "placeplan districts (" + id.geog.Label() + ")", fmt.Sprintf("Local authority districts of the %s areas "+
			"loaded, each the union of its small areas, with code and name, from zoom %d: a basemap's outlines", id.geog.Label(), BasemapMinZoom)
	case LayerLabels:
		if id.geog == "" {
			return "placeplan labels", "Labels (none loaded)"
		}
		return "placeplan labels (" + id.geog.Label() + ")", fmt.Sprintf("Label points from zoom %d: each district and "+
			"locality of the %s areas at a point inside it, and each town, with name, kind (district, locality, town), "+
			"rank (1, 2, 3: lower first) and a locality's scheme", BasemapMinZoom, id.geog.Label())
	}
	return "placeplan sites", "Every point layer; each point's layer property names its layer"
}
