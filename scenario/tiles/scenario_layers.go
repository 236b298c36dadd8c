package tiles

import (
	"context"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/geo"
	"placeplan/geo/tile"
	"placeplan/wire"
)

// Tile layers of a named scenario. They are built per data revision and
// scenario revision (the layer id carries the scenario label, "id@3"), so
// an edited scenario is drawn afresh on the next request, as an ingest is.

// LayerCatchments is a plan's Catchments as tiles: one feature per chosen
// site, the union of the areas it serves.
const LayerCatchments = "catchments"

// buildCatchmentsTileLayer builds the Catchments of the scenario labelled
// label, with the properties of the GeoJSON layer.
func (s *Service) buildCatchmentsTileLayer(ctx context.Context, label string, cat *tileCatalog) (*tileLayer, error) {
	res, err := s.Plan(ctx, label)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(res.Demand))
	for i, d := range res.Demand {
		codes[i] = d.Code
	}
	areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: res.Score.Geography, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	geoms := map[string]orb.MultiPolygon{}
	for _, a := range areas {
		geoms[a.Code] = a.Geometry
	}
	fc := Catchments(res, geoms, wire.NewPlan(res), nil)
	for _, f := range fc.Features { // one outline per catchment, as localities
		f.Geometry = geo.Dissolve(f.Geometry.(orb.MultiPolygon))
	}
	fields := map[string]string{
		"site": "the chosen site", "locality": "its locality", "fixed": "already open",
		"order": "its place in the rollout", "phase": "the phase it opens in",
		"reach": "demand within the standard", "served": "demand it is nearest to",
		"unique": "demand no other chosen site reaches", "mean_travel": "mean travel of the demand it serves",
		"explanation": "why it was chosen, in words",
	}
	l, err := tile.NewLayer(LayerCatchments, fc, tile.LayerOptions{
		MaxZoom: MaxZoom, Fields: fields,
		Description: "the areas each chosen site serves, for scenario " + label,
	})
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return d.Kind == "boundaries" && d.Geography == res.Score.Geography || d.Kind == "localities"
	})}, nil
}

// scenarioOverviewFields are the properties of a scenario's areas below
// AreasDetailMinZoom.
func scenarioOverviewFields() []string {
	return []string{"code", "locality", "need_rank", "reached_in"}
}

// buildScenarioAreasTileLayer builds the areas of a scenario's localities
// with what the scenario says of each (Areas): need score, rank and
// share, locality and its rank, and with a plan the serving site and phase.
func (s *Service) buildScenarioAreasTileLayer(ctx context.Context, label string, geog placeplan.Geography, cat *tileCatalog) (*tileLayer, error) {
	named, err := s.Areas(ctx, label)
	if err != nil {
		return nil, err
	}
	if named.Geography != geog {
		return nil, invalidf("scenario %s is on %s, the tiles on %s: ask for geography=%s", label, named.Geography.Label(), geog.Label(), named.Geography)
	}
	var codes []string
	for code, p := range named.Props {
		if p["locality"] != nil { // the scenario's own areas
			codes = append(codes, code)
		}
	}
	fc := geojson.NewFeatureCollection()
	if len(codes) > 0 {
		areas, err := s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
		if err != nil {
			return nil, err
		}
		for _, a := range areas {
			if len(a.Geometry) == 0 {
				continue
			}
			f := geojson.NewFeature(a.Geometry)
			f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "lad_code": a.LADCode}
			for k, v := range named.Props[a.Code] {
				f.Properties[k] = v
			}
			fc.Append(f)
		}
	}
	fields := map[string]string{
		"code": "small area code", "name": "small area name", "lad_code": "local authority district code",
		"need_score": "the scenario's need score", "need_rank": "its rank, 1 = most need",
		"need_share": "share of areas with less need", "locality": "the scenario's locality",
		"locality_need_rank": "the locality's need rank", "served_by": "the chosen site serving it",
		"reached_in": "the phase it is first reached in",
		"area_count": "below zoom " + strconv.Itoa(AreasDetailMinZoom) + ": the number of small areas a merged feature draws (absent for one)",
	}
	// Below the detail zooms, what a map styles a scenario by (its need
	// rank, and the phase that reaches an area, for the rollout); small
	// areas merge within their district, as in the areas layer — within
	// their locality, England's 6,791 MSOA localities left tiles of 560 KB.
	ov := areaOverview{keep: scenarioOverviewFields()}
	l, err := tile.NewLayer(LayerAreas, fc, areaLayerOptions(ov, fields, "the areas of scenario "+label+" with its need and plan"))
	if err != nil {
		return nil, err
	}
	return &tileLayer{bands: []*tile.Layer{l}, fields: fields, attribution: attribution(cat.datasets, func(d placeplan.Dataset) bool {
		return d.Geography == geog || d.Kind == "localities"
	})}, nil
}
