package api

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
)

// The three OGC collections. Each keeps a table of its features' ids,
// properties and bounding boxes per data revision (ogcTable), selects and
// pages in it, and loads the geometries of a page's features alone.

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
		geographic:    true,
		build:         o.areasTable,
		geometries:    o.areasGeometries,
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
		geographic:    true,
		build:         o.localitiesTable,
		geometries:    o.localitiesGeometries,
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
		build:      o.sitesTable,
		geometries: o.sitesGeometries,
		check:      o.checkLayer,
		feature:    o.siteFeature,
		extent:     o.sitesExtent,
	}
}

// geography returns the geography an areas or localities request is for:
// the geography parameter, else the layers' default; "" when nothing is
// loaded.
func (o *ogcState) geography(ctx context.Context, q url.Values) (placeplan.Geography, error) {
	rev, err := o.s.store.Revision(ctx)
	if err != nil {
		return "", err
	}
	// Kept per revision: counting the areas of each geography takes
	// milliseconds on England, as long as the rest of a page.
	held, _, err := o.held.Get(ctx, "", rev, o.s.store.Geographies)
	if err != nil {
		return "", err
	}
	return tiles.LayerGeography(q.Get("geography"), held)
}

// ogcTable is a collection's features at one data revision, without their
// geometry, in the collection's order: what every page, filter and sort
// reads, built once per revision so that a page costs its own features
// alone, not a scan of the collection.
type ogcTable struct {
	geog  placeplan.Geography // areas and localities: the geography
	ids   []any               // feature ids
	props []geojson.Properties
	// bounds are each feature's boxes (WGS84): an area's boundary box, a
	// locality's member areas' boxes, a site's point. A feature meets a
	// bbox when one of its boxes does.
	bounds [][]orb.Bound
	// codes, locs and sites are what the collection loads a page's
	// geometries from, aligned with ids.
	codes []string
	locs  []placeplan.Locality
	sites []placeplan.Site
	all   []int // 0 … len(ids)-1: the selection of a query without conditions
	// queryables are the properties filters and sorts may name.
	queryables []scenario.Queryable

	mu      sync.Mutex
	encoded [][]byte // each feature as CRS84 GeoJSON once a page has held it (ogcState.encoded)
}

// newOGCTable returns an empty table of geography geog with room for n features.
func newOGCTable(geog placeplan.Geography, n int) *ogcTable {
	return &ogcTable{geog: geog, ids: make([]any, 0, n), props: make([]geojson.Properties, 0, n),
		bounds: make([][]orb.Bound, 0, n)}
}

// add appends a feature.
func (t *ogcTable) add(id any, props geojson.Properties, bounds ...orb.Bound) {
	t.ids = append(t.ids, id)
	t.props = append(t.props, props)
	t.bounds = append(t.bounds, bounds)
}

// done fills all once every feature is added.
func (t *ogcTable) done() *ogcTable {
	t.encoded = make([][]byte, len(t.ids))
	t.all = make([]int, len(t.ids))
	for i := range t.all {
		t.all[i] = i
	}
	return t
}

// meets reports whether feature i meets b.
func (t *ogcTable) meets(i int, b orb.Bound) bool {
	for _, fb := range t.bounds[i] {
		if fb.Intersects(b) {
			return true
		}
	}
	return false
}

// table returns col's table for the geography q asks for, built at most
// once per data revision.
func (o *ogcState) table(ctx context.Context, col *ogcCollection, q ogcQuery) (*ogcTable, error) {
	geog := placeplan.Geography("")
	if col.geographic {
		var err error
		if geog, err = o.geography(ctx, q.extra); err != nil {
			return nil, err
		}
	}
	if col.geographic && geog == "" {
		return newOGCTable("", 0).done(), nil
	}
	return o.tableAt(ctx, col, geog)
}

// tableAt returns col's table for geography geog ("" unless col is
// geographic), built at most once per data revision; a scenario
// collection's among the last few kept.
func (o *ogcState) tableAt(ctx context.Context, col *ogcCollection, geog placeplan.Geography) (*ogcTable, error) {
	rev, err := o.s.store.Revision(ctx)
	if err != nil {
		return nil, err
	}
	cache := &o.tables
	if col.key != "" {
		cache = &o.scenarios
	}
	t, _, err := cache.Get(ctx, col.cacheKey()+"/"+string(geog), rev, func(ctx context.Context) (*ogcTable, error) {
		return col.build(ctx, geog)
	})
	return t, err
}

// areasTable is every small area of geog with a boundary, ordered by code,
// with the properties of the areas map layer (tiles.AreaProperties, so
// suppression is the same).
func (o *ogcState) areasTable(ctx context.Context, geog placeplan.Geography) (*ogcTable, error) {
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Bound: &world})
	if err != nil {
		return nil, err
	}
	inds, err := o.s.store.Indicators(ctx, geog)
	if err != nil {
		return nil, err
	}
	// Every value of each indicator in one query: faster than naming
	// every area (tiles.ValuesOf), which suits a page.
	values := make([]map[string]float64, len(inds))
	for i, ind := range inds {
		if values[i], err = o.s.store.ValuesByArea(ctx, ind.ID); err != nil {
			return nil, err
		}
	}
	t := newOGCTable(geog, len(areas))
	for _, a := range areas {
		t.add(a.Code, tiles.AreaProperties(a, inds, values, o.s.cfg.Disclosure), a.Bound)
		t.codes = append(t.codes, a.Code)
	}
	t.queryables = []scenario.Queryable{
		{Name: "code", Type: scenario.TypeString, Description: "area code, such as E01028826"},
		{Name: "name", Type: scenario.TypeString, Description: "area name"},
		{Name: "msoa_code", Type: scenario.TypeString, Description: "parent MSOA code"},
		{Name: "msoa_name", Type: scenario.TypeString, Description: "parent MSOA name"},
		{Name: "lad_code", Type: scenario.TypeString, Description: "local authority district code, such as E06000051"},
		{Name: "lad_name", Type: scenario.TypeString, Description: "local authority district name"},
	}
	for _, ind := range inds {
		d := ind.Name
		if ind.Unit != "" {
			d += " (" + ind.Unit + ")"
		}
		if ind.Confidential && ind.Kind == placeplan.KindCount {
			d += "; a small count is withheld, and no filter matches a withheld value"
		}
		typ := scenario.TypeNumber
		if ind.Kind == placeplan.KindRank || ind.Kind == placeplan.KindDecile {
			typ = scenario.TypeInteger
		}
		t.queryables = append(t.queryables, scenario.Queryable{Name: ind.Key, Type: typ, Description: d})
	}
	return t.done(), nil
}

// areasGeometries returns the boundaries of the table's areas rows.
func (o *ogcState) areasGeometries(ctx context.Context, t *ogcTable, rows []int) ([]orb.Geometry, error) {
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = t.codes[r]
	}
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: t.geog, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]orb.MultiPolygon, len(areas))
	for _, a := range areas {
		byCode[a.Code] = a.Geometry
	}
	out := make([]orb.Geometry, len(rows))
	for i, code := range codes {
		if g := byCode[code]; len(g) > 0 {
			out[i] = tiles.RoundMultiPolygon(g)
		}
	}
	return out, nil
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
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Bound: &world})
	if err != nil {
		return nil, err
	}
	var b *orb.Bound
	for _, a := range areas {
		b = extend(b, a.Bound)
	}
	return b, nil
}

// localitiesTable is the localities of geog with a member boundary,
// ordered by scheme and name.
func (o *ogcState) localitiesTable(ctx context.Context, geog placeplan.Geography) (*ogcTable, error) {
	locs, err := o.s.store.Localities(ctx, geog)
	if err != nil {
		return nil, err
	}
	areas, err := o.s.store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Bound: &world})
	if err != nil {
		return nil, err
	}
	bounds := make(map[string]orb.Bound, len(areas))
	for _, a := range areas {
		bounds[a.Code] = a.Bound
	}
	t := newOGCTable(geog, len(locs))
	for _, l := range locs {
		var bs []orb.Bound
		for _, code := range l.Areas {
			if b, ok := bounds[code]; ok {
				bs = append(bs, b)
			}
		}
		if len(bs) > 0 {
			t.add(l.ID, tiles.LocalityProperties(l), bs...)
			t.locs = append(t.locs, l)
		}
	}
	t.queryables = []scenario.Queryable{
		{Name: "id", Type: scenario.TypeInteger, Description: "locality id"},
		{Name: "scheme", Type: scenario.TypeString, Description: "the locality scheme, such as primary care networks"},
		{Name: "name", Type: scenario.TypeString, Description: "locality name"},
		{Name: "area_count", Type: scenario.TypeInteger, Description: "the number of member small areas"},
	}
	return t.done(), nil
}

// localitiesGeometries returns the outlines of the table's localities rows.
func (o *ogcState) localitiesGeometries(ctx context.Context, t *ogcTable, rows []int) ([]orb.Geometry, error) {
	locs := make([]placeplan.Locality, len(rows))
	for i, r := range rows {
		locs[i] = t.locs[r]
	}
	outlines, err := tiles.LocalityOutlines(ctx, o.s.store, t.geog, locs, true)
	if err != nil {
		return nil, err
	}
	out := make([]orb.Geometry, len(rows))
	for i, mp := range outlines {
		if mp != nil {
			out[i] = mp
		}
	}
	return out, nil
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
		outlines, err := tiles.LocalityOutlines(ctx, o.s.store, geog, []placeplan.Locality{l}, true)
		if err != nil {
			return ogcFeature{}, err
		}
		if outlines[0] != nil {
			return newOGCFeature(l.ID, outlines[0], tiles.LocalityProperties(l)), nil
		}
		break // no member has a boundary
	}
	return ogcFeature{}, notFoundf("no feature %q in collection localities (%s)", id, geogName(geog))
}

// localitiesExtent returns the bound of every member boundary of the
// default geography's localities.
func (o *ogcState) localitiesExtent(ctx context.Context) (*orb.Bound, error) {
	geog, err := o.geography(ctx, nil)
	if err != nil || geog == "" {
		return nil, err
	}
	t, err := o.localitiesTable(ctx, geog)
	if err != nil {
		return nil, err
	}
	var b *orb.Bound
	for _, bs := range t.bounds {
		for _, fb := range bs {
			b = extend(b, fb)
		}
	}
	return b, nil
}

// sitesTable is the points of every point layer, ordered by layer and id.
func (o *ogcState) sitesTable(ctx context.Context, _ placeplan.Geography) (*ogcTable, error) {
	sites, err := o.s.store.Sites(ctx, "")
	if err != nil {
		return nil, err
	}
	t := newOGCTable("", len(sites))
	for _, st := range sites {
		f := siteFeature(st)
		t.add(f.ID, f.Properties, st.Point.Bound())
	}
	t.sites = sites
	t.queryables = []scenario.Queryable{
		{Name: "layer", Type: scenario.TypeString, Description: "the point layer, such as towns"},
		{Name: "id", Type: scenario.TypeString, Description: "the point's id within its layer"},
		{Name: "name", Type: scenario.TypeString, Description: "name"},
		{Name: "kind", Type: scenario.TypeString, Description: "kind of site"},
		{Name: "status", Type: scenario.TypeString, Description: "status, such as existing or candidate"},
		{Name: "capacity", Type: scenario.TypeNumber, Description: "capacity, where known"},
	}
	return t.done(), nil
}

// sitesGeometries returns the points of the table's sites rows.
func (o *ogcState) sitesGeometries(_ context.Context, t *ogcTable, rows []int) ([]orb.Geometry, error) {
	out := make([]orb.Geometry, len(rows))
	for i, r := range rows {
		out[i] = orb.Round(t.sites[r].Point, coordFactor)
	}
	return out, nil
}

// checkLayer returns an error unless the layer parameter, when given,
// names a point layer.
func (o *ogcState) checkLayer(ctx context.Context, q ogcQuery) error {
	if !q.extra.Has("layer") {
		return nil
	}
	layers, err := o.s.store.PointLayers(ctx)
	if err != nil {
		return err
	}
	if _, ok := layers[q.extra.Get("layer")]; !ok {
		return invalidf("layer: no point layer %q (see /api/v1/layers)", q.extra.Get("layer"))
	}
	return nil
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
