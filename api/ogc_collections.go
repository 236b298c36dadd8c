package api

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/scenario/tiles"
)

// The three OGC collections. Each reads the store per request, as the
// GeoJSON layers do, and pages by loading boundaries and indicator values
// for the page alone.

// world is the whole WGS84 plane. As an area query's bound it keeps only
// areas with a boundary, since the store holds no bounding box for the
// others.
var world = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// areasCollection is the small areas with their indicator values.
func (o *ogcState) areasCollection() *ogcCollection {
	return &ogcCollection{
		id:    "areas",
		title: "Small areas",
		description: "Small areas (LSOAs) with their names, parent MSOA and local authority, and every indicator " +
			"value; a confidential small count is withheld and its key listed in \"suppressed\". Feature ids are " +
			"area codes. The geography is lsoa11 when both vintages are loaded; geography=lsoa21 selects the other.",
		itemParams:    []string{"geography"},
		featureParams: []string{"geography"},
		items:         o.areaItems,
		feature:       o.areaFeature,
		extent:        o.areasExtent,
	}
}

// localitiesCollection is the localities, each the union of its member areas.
func (o *ogcState) localitiesCollection() *ogcCollection {
	return &ogcCollection{
		id:    "localities",
		title: "Localities",
		description: "Localities, each the union of its member small areas (one outline). " +
			"Feature ids are the locality ids of /api/v1/localities. geography selects the small-area vintage, " +
			"as for areas.",
		itemParams:    []string{"geography"},
		featureParams: []string{"geography"},
		items:         o.localityItems,
		feature:       o.localityFeature,
		extent:        o.localitiesExtent,
	}
}

// sitesCollection is every point layer in one collection.
func (o *ogcState) sitesCollection() *ogcCollection {
	return &ogcCollection{
		id:    "sites",
		title: "Sites",
		description: "The points of every point layer (towns, family hubs, candidate sites…). The property " +
			"\"layer\" names a point's layer and layer=NAME keeps one layer. Feature ids are LAYER:ID.",
		itemParams: []string{"layer"},
		items:      o.siteItems,
		feature:    o.siteFeature,
		extent:     o.sitesExtent,
	}
}

// geography returns the geography an areas or localities request is for:
// the geography parameter, else the layers' default; "" when nothing is
// loaded.
func (o *ogcState) geography(ctx context.Context, q url.Values) (placeplan.Geography, error) {
	held, err := o.s.store.Geographies(ctx)
	if err != nil {
		return "", err
	}
	return tiles.LayerGeography(q.Get("geography"), held)
}

// areaItems returns a page of small areas with a boundary meeting q.bbox,
// ordered by code.
func (o *ogcState) areaItems(ctx context.Context, q ogcQuery) ([]ogcFeature, int, error) {
	geog, err := o.geography(ctx, q.extra)
	if err != nil || geog == "" {
		return nil, 0, err
	}
	bound := q.bbox
	if bound == nil {
		bound = &world
	}
	all, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Bound: bound})
	if err != nil {
		return nil, 0, err
	}
	var codes []string
	for _, a := range pageOf(all, q.offset, q.limit) {
		codes = append(codes, a.Code)
	}
	feats, err := o.areaFeatures(ctx, geog, codes)
	return feats, len(all), err
}

// areaFeature returns one small area by code.
func (o *ogcState) areaFeature(ctx context.Context, q ogcQuery, code string) (ogcFeature, error) {
	geog, err := o.geography(ctx, q.extra)
	if err != nil {
		return ogcFeature{}, err
	}
	var feats []ogcFeature
	if geog != "" {
		if feats, err = o.areaFeatures(ctx, geog, []string{code}); err != nil {
			return ogcFeature{}, err
		}
	}
	if len(feats) == 0 {
		return ogcFeature{}, notFoundf("no feature %q in collection areas (%s)", code, geogName(geog))
	}
	return feats[0], nil
}

// areaFeatures returns the areas of codes that have a boundary, ordered
// by code, with the properties of the areas map layer (areaProperties,
// so suppression is the same).
func (o *ogcState) areaFeatures(ctx context.Context, geog placeplan.Geography, codes []string) ([]ogcFeature, error) {
	if len(codes) == 0 {
		return nil, nil // empty Codes would select every area
	}
	inds, err := o.s.store.Indicators(ctx, geog)
	if err != nil {
		return nil, err
	}
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	values, err := tiles.ValuesOf(ctx, o.s.store, geog, inds, areas)
	if err != nil {
		return nil, err
	}
	var feats []ogcFeature
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		feats = append(feats, newOGCFeature(a.Code, tiles.RoundMultiPolygon(a.Geometry),
			tiles.AreaProperties(a, inds, values, o.s.cfg.Disclosure)))
	}
	return feats, nil
}

// areasExtent returns the bound of every area boundary of the default
// geography.
func (o *ogcState) areasExtent(ctx context.Context) (*orb.Bound, error) {
	geog, err := o.geography(ctx, nil)
	if err != nil || geog == "" {
		return nil, err
	}
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	var b *orb.Bound
	for _, a := range areas {
		if len(a.Geometry) > 0 {
			b = extend(b, a.Geometry.Bound())
		}
	}
	return b, nil
}

// localityItems returns a page of the localities with a member area
// meeting q.bbox (any member with a boundary, without one), ordered by
// scheme and name.
func (o *ogcState) localityItems(ctx context.Context, q ogcQuery) ([]ogcFeature, int, error) {
	geog, err := o.geography(ctx, q.extra)
	if err != nil || geog == "" {
		return nil, 0, err
	}
	locs, err := o.s.store.Localities(ctx, geog)
	if err != nil {
		return nil, 0, err
	}
	bound := q.bbox
	if bound == nil {
		bound = &world
	}
	meeting, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Bound: bound})
	if err != nil {
		return nil, 0, err
	}
	meets := make(map[string]bool, len(meeting))
	for _, a := range meeting {
		meets[a.Code] = true
	}
	var kept []placeplan.Locality
	for _, l := range locs {
		for _, code := range l.Areas {
			if meets[code] {
				kept = append(kept, l)
				break
			}
		}
	}
	feats, err := o.localityFeatures(ctx, geog, pageOf(kept, q.offset, q.limit))
	return feats, len(kept), err
}

// localityFeature returns one locality by id.
func (o *ogcState) localityFeature(ctx context.Context, q ogcQuery, id string) (ogcFeature, error) {
	geog, err := o.geography(ctx, q.extra)
	if err != nil {
		return ogcFeature{}, err
	}
	want, err := strconv.ParseInt(id, 10, 64)
	if err != nil || strconv.FormatInt(want, 10) != id || geog == "" {
		return ogcFeature{}, notFoundf("no feature %q in collection localities (%s)", id, geogName(geog))
	}
	locs, err := o.s.store.Localities(ctx, geog)
	if err != nil {
		return ogcFeature{}, err
	}
	for _, l := range locs {
		if l.ID != want {
			continue
		}
		feats, err := o.localityFeatures(ctx, geog, []placeplan.Locality{l})
		if err != nil {
			return ogcFeature{}, err
		}
		if len(feats) > 0 {
			return feats[0], nil
		}
		break // no member has a boundary
	}
	return ogcFeature{}, notFoundf("no feature %q in collection localities (%s)", id, geogName(geog))
}

// localityFeatures returns locs as features with the geometry and
// properties of the localities map layer, leaving out any without a
// member boundary.
func (o *ogcState) localityFeatures(ctx context.Context, geog placeplan.Geography, locs []placeplan.Locality) ([]ogcFeature, error) {
	outlines, err := tiles.LocalityOutlines(ctx, o.s.store, geog, locs, true)
	if err != nil {
		return nil, err
	}
	var feats []ogcFeature
	for i, l := range locs {
		if outlines[i] != nil {
			feats = append(feats, newOGCFeature(l.ID, outlines[i], tiles.LocalityProperties(l)))
		}
	}
	return feats, nil
}

// localitiesExtent returns the bound of every member boundary of the
// default geography's localities.
func (o *ogcState) localitiesExtent(ctx context.Context) (*orb.Bound, error) {
	geog, err := o.geography(ctx, nil)
	if err != nil || geog == "" {
		return nil, err
	}
	locs, err := o.s.store.Localities(ctx, geog)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, l := range locs {
		codes = append(codes, l.Areas...)
	}
	if len(codes) == 0 {
		return nil, nil
	}
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	var b *orb.Bound
	for _, a := range areas {
		if len(a.Geometry) > 0 {
			b = extend(b, a.Geometry.Bound())
		}
	}
	return b, nil
}

// siteItems returns a page of the points inside q.bbox, ordered by layer
// and id, of one layer when the layer parameter names one.
func (o *ogcState) siteItems(ctx context.Context, q ogcQuery) ([]ogcFeature, int, error) {
	layer := q.extra.Get("layer")
	if q.extra.Has("layer") {
		layers, err := o.s.store.PointLayers(ctx)
		if err != nil {
			return nil, 0, err
		}
		if _, ok := layers[layer]; !ok {
			return nil, 0, invalidf("layer: no point layer %q (see /api/v1/layers)", layer)
		}
	}
	sites, err := o.s.store.Sites(ctx, layer)
	if err != nil {
		return nil, 0, err
	}
	var kept []placeplan.Site
	for _, st := range sites {
		if q.bbox == nil || q.bbox.Contains(st.Point) {
			kept = append(kept, st)
		}
	}
	var feats []ogcFeature
	for _, st := range pageOf(kept, q.offset, q.limit) {
		feats = append(feats, siteFeature(st))
	}
	return feats, len(kept), nil
}

// siteFeature returns one point by its id, LAYER:ID.
func (o *ogcState) siteFeature(ctx context.Context, _ ogcQuery, id string) (ogcFeature, error) {
	layers, err := o.s.store.PointLayers(ctx)
	if err != nil {
		return ogcFeature{}, err
	}
	// The longest layer name that prefixes the id wins, so that layer
	// names and site ids may both hold colons.
	layer := ""
	found := false
	for name := range layers {
		if strings.HasPrefix(id, name+":") && (!found || len(name) > len(layer)) {
			layer, found = name, true
		}
	}
	if found {
		sites, err := o.s.store.Sites(ctx, layer)
		if err != nil {
			return ogcFeature{}, err
		}
		for _, st := range sites {
			if st.ID == id[len(layer)+1:] {
				return siteFeature(st), nil
			}
		}
	}
	return ogcFeature{}, notFoundf("no feature %q in collection sites: ids are LAYER:ID", id)
}

// siteFeature returns a point as a feature with the properties of the
// sites map layer and its layer's name.
func siteFeature(st placeplan.Site) ogcFeature {
	p := tiles.SiteProperties(st)
	p["layer"] = st.Layer
	return newOGCFeature(st.Layer+":"+st.ID, orb.Round(st.Point, coordFactor), p)
}

// sitesExtent returns the bound of every point.
func (o *ogcState) sitesExtent(ctx context.Context) (*orb.Bound, error) {
	sites, err := o.s.store.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	var b *orb.Bound
	for _, st := range sites {
		b = extend(b, st.Point.Bound())
	}
	return b, nil
}

// extend returns b grown to hold by; a nil b is empty.
func extend(b *orb.Bound, by orb.Bound) *orb.Bound {
	if b == nil {
		return &by
	}
	u := b.Union(by)
	return &u
}

// geogName names a geography in a message.
func geogName(g placeplan.Geography) string {
	if g == "" {
		return "nothing loaded"
	}
	return string(g)
}

// floorCoord and ceilCoord round a coordinate down and up to 6 decimals.
func floorCoord(v float64) float64 { return math.Floor(v*coordFactor) / coordFactor }

func ceilCoord(v float64) float64 { return math.Ceil(v*coordFactor) / coordFactor }

// extentCache keeps each collection's extent for one data revision, since
// finding it reads every boundary.
type extentCache struct {
	mu sync.Mutex
	m  map[string]cachedExtent
}

// cachedExtent is an extent and the revision it was computed at.
type cachedExtent struct {
	rev   int64
	bound *orb.Bound
}

// get returns the extent of key at revision rev, computing it on a miss.
// rev must be read before compute reads the data: an ingest in between
// then files newer data under the older revision, which no later request
// asks for.
func (c *extentCache) get(key string, rev int64, compute func() (*orb.Bound, error)) (*orb.Bound, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.rev == rev {
		return e.bound, nil
	}
	b, err := compute()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedExtent{}
	}
	c.m[key] = cachedExtent{rev: rev, bound: b}
	return b, nil
}
