package api

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"placeplan"
	"placeplan/scenario"
	"placeplan/scenario/tiles"
	"placeplan/wire"
)

// A scenario's results as OGC collections: for a scenario reference REF
// (a stored id, following its current revision, or id@revision), REF.areas
// is its small areas with their need and plan, REF.sites its chosen sites
// and REF.catchments the areas each site serves, one outline per site. A
// scenario without a sites section has no plan, so only REF.areas. The
// scores and plans come from the tile service, which computes each once per
// data and scenario revision under the server's analysis limit and
// disclosure floor, as the map layers do.

// The kinds of scenario collection, the suffix of their ids.
const (
	scenarioAreas      = "areas"
	scenarioSites      = "sites"
	scenarioCatchments = "catchments"
)

// scenarioTablesKept bounds the scenario tables kept: any revision of any
// scenario may be asked for.
const scenarioTablesKept = 24

// scenarioCollectionRef splits a collection id REF.KIND into the scenario
// reference and the kind; ok is false for any other id.
func scenarioCollectionRef(id string) (ref, kind string, ok bool) {
	i := strings.LastIndexByte(id, '.')
	if i <= 0 {
		return "", "", false
	}
	ref, kind = id[:i], id[i+1:]
	switch kind {
	case scenarioAreas, scenarioSites, scenarioCatchments:
		return ref, kind, true
	}
	return "", "", false
}

// scenarioCollection returns the collection id names for the scenario the
// reference resolves to; ok is false when id is not a scenario collection's.
func (o *ogcState) scenarioCollection(ctx context.Context, id string) (col *ogcCollection, ok bool, err error) {
	ref, kind, ok := scenarioCollectionRef(id)
	if !ok {
		return nil, false, nil
	}
	n, err := o.s.tiles.Lookup(ctx, ref)
	if placeplan.ErrorCode(err) == placeplan.ENOTFOUND || placeplan.ErrorCode(err) == placeplan.EINVALID {
		return nil, true, notFoundf("no collection %q: %v (GET /ogc/collections lists the scenarios' collections)", id,
			placeplan.ErrorMessage(err))
	}
	if err != nil {
		return nil, true, err
	}
	if kind != scenarioAreas && n.Scenario.Sites == nil {
		return nil, true, notFoundf("no collection %q: scenario %s has no sites section, so it has no plan: "+
			"only %s.areas", id, n.Label, ref)
	}
	return o.newScenarioCollection(id, n, kind), true, nil
}

// newScenarioCollection returns the collection of kind for the resolved
// scenario n, named id.
func (o *ogcState) newScenarioCollection(id string, n tiles.Named, kind string) *ogcCollection {
	name := n.Scenario.Name
	if name == "" {
		name = n.Label
	}
	col := &ogcCollection{
		id: id, key: n.Label + "." + kind, extentOf: "areas", extent: o.areasExtent,
		queryables: scenarioQueryables(kind),
	}
	label := n.Label
	var table func(ctx context.Context, label string) (*ogcTable, error)
	switch kind {
	case scenarioAreas:
		col.title = name + ": small areas"
		col.description = "The small areas scenario " + label + " scores or its plan reaches, with their need score, " +
			"rank (1 = most need) and share, their locality and its need rank, and, with a plan, the chosen site " +
			"serving each (served_by) and the phase it is first reached in (reached_in). Feature ids are area codes."
		table, col.geometries = o.scenarioAreasTable, o.areasGeometries
	case scenarioSites:
		col.title = name + ": chosen sites"
		col.description = "The sites the plan of scenario " + label + " chooses, with their order and phase in the " +
			"rollout, reach and explanation; figures small-number suppression covers are left out. Feature ids are " +
			"site ids."
		table, col.geometries = o.scenarioSitesTable, o.sitesGeometries
	case scenarioCatchments:
		col.title = name + ": catchments"
		col.description = "One feature per site the plan of scenario " + label + " chooses: the outline of the " +
			"small areas it serves (those whose nearest chosen site within the standard it is), with the site's " +
			"properties. Feature ids are site ids."
		table, col.geometries = o.scenarioCatchmentsTable, o.localitiesGeometries
	}
	col.description += " Its extent is the data's."
	col.build = func(ctx context.Context, _ placeplan.Geography) (*ogcTable, error) { return table(ctx, label) }
	col.feature = func(ctx context.Context, _ ogcQuery, fid string) (ogcFeature, error) {
		return o.tableFeature(ctx, col, fid)
	}
	return col
}

// scenarioQueryables are the properties filters and sorts of a scenario
// collection of kind may name: the same whatever the scenario, so that the
// OGC API document lists them without computing a plan.
func scenarioQueryables(kind string) []scenario.Queryable {
	str := func(name, d string) scenario.Queryable {
		return scenario.Queryable{Name: name, Type: scenario.TypeString, Description: d}
	}
	num := func(name, d string) scenario.Queryable {
		return scenario.Queryable{Name: name, Type: scenario.TypeNumber, Description: d}
	}
	integer := func(name, d string) scenario.Queryable {
		return scenario.Queryable{Name: name, Type: scenario.TypeInteger, Description: d}
	}
	site := []scenario.Queryable{
		str("site", "the chosen site"), str("locality", "its locality"),
		integer("order", "its place in the rollout order, 1 first"), str("phase", "the phase it opens in"),
		num("reach", "demand within the standard (withheld when a small number)"),
		num("served", "demand it is the nearest chosen site for"),
		num("unique", "demand no other chosen site reaches"),
		num("mean_travel", "mean travel of the demand it serves, in unit"),
		num("max_travel", "longest travel of the demand it serves, in unit"),
	}
	switch kind {
	case scenarioAreas:
		return []scenario.Queryable{
			str("code", "area code, such as E01028826"), str("name", "area name"),
			str("msoa_code", "parent MSOA code"), str("msoa_name", "parent MSOA name"),
			str("lad_code", "local authority district code, such as E06000051"), str("lad_name", "local authority district name"),
			num("need_score", "the scenario's need score"), integer("need_rank", "need rank among the areas scored, 1 = most need"),
			num("need_share", "the share of areas scored with less need, 0–1"),
			str("locality", "the area's locality in the scenario's scheme"),
			integer("locality_need_rank", "that locality's need rank, 1 = most need"),
			str("served_by", "the chosen site serving it; absent when none reaches it"),
			str("reached_in", "the rollout phase it is first reached in; absent when never"),
		}
	case scenarioCatchments:
		return append(site, integer("area_count", "the number of small areas it serves"))
	default:
		return site
	}
}

// scenarioAreasTable is the small areas with a boundary that the scenario
// labelled label speaks of (tiles.Service.Areas, as on the map), in code
// order, with the names and parents of the areas collection.
func (o *ogcState) scenarioAreasTable(ctx context.Context, label string) (*ogcTable, error) {
	sa, err := o.s.tiles.Areas(ctx, label)
	if err != nil {
		return nil, err
	}
	base, err := o.tableAt(ctx, o.collections[0], sa.Geography)
	if err != nil {
		return nil, err
	}
	row := make(map[string]int, len(base.codes))
	for i, code := range base.codes {
		row[code] = i
	}
	codes := make([]string, 0, len(sa.Props))
	for code := range sa.Props {
		if _, ok := row[code]; ok {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	t := newOGCTable(sa.Geography, len(codes))
	for _, code := range codes {
		b := base.props[row[code]]
		p := geojson.Properties{}
		for _, k := range []string{"code", "name", "msoa_code", "msoa_name", "lad_code", "lad_name"} {
			if v, ok := b[k]; ok {
				p[k] = v
			}
		}
		for k, v := range sa.Props[code] {
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				continue
			}
			p[k] = v
		}
		t.add(code, p, base.bounds[row[code]]...)
		t.codes = append(t.codes, code)
	}
	t.queryables = scenarioQueryables(scenarioAreas)
	return t.done(), nil
}

// scenarioPlan returns the plan of the scenario labelled label, its wire
// form and the areas table of its geography.
func (o *ogcState) scenarioPlan(ctx context.Context, label string) (*scenario.PlanResult, wire.Plan, error) {
	res, err := o.s.tiles.Plan(ctx, label)
	if err != nil {
		return nil, wire.Plan{}, err
	}
	return res, wire.NewPlan(res), nil
}

// scenarioSitesTable is the chosen sites of the plan of the scenario
// labelled label, in the plan's order of sites.
func (o *ogcState) scenarioSitesTable(ctx context.Context, label string) (*ogcTable, error) {
	res, doc, err := o.scenarioPlan(ctx, label)
	if err != nil {
		return nil, err
	}
	props := tiles.PlanSiteProperties(doc)
	t := newOGCTable(res.Score.Geography, len(doc.Sites))
	for k, site := range doc.Sites {
		pt := orb.Point{site.Lon, site.Lat}
		t.add(site.ID, props[k], pt.Bound())
		t.sites = append(t.sites, placeplan.Site{ID: site.ID, Point: pt})
	}
	t.queryables = scenarioQueryables(scenarioSites)
	return t.done(), nil
}

// scenarioCatchmentsTable is one feature per chosen site of the plan of the
// scenario labelled label that serves some area: the areas it serves,
// whose outline (tiles.LocalityOutlines) a page loads.
func (o *ogcState) scenarioCatchmentsTable(ctx context.Context, label string) (*ogcTable, error) {
	res, doc, err := o.scenarioPlan(ctx, label)
	if err != nil {
		return nil, err
	}
	base, err := o.tableAt(ctx, o.collections[0], res.Score.Geography)
	if err != nil {
		return nil, err
	}
	bound := make(map[string][]orb.Bound, len(base.codes))
	for i, code := range base.codes {
		bound[code] = base.bounds[i]
	}
	served := make([][]string, len(doc.Sites))
	for i, k := range res.ServedBy {
		if k >= 0 {
			served[k] = append(served[k], res.Demand[i].Code)
		}
	}
	props := tiles.PlanSiteProperties(doc)
	t := newOGCTable(res.Score.Geography, len(doc.Sites))
	for k, site := range doc.Sites {
		var bs []orb.Bound
		for _, code := range served[k] {
			bs = append(bs, bound[code]...)
		}
		if len(bs) == 0 {
			continue // no served area has a boundary
		}
		p := props[k]
		p["area_count"] = len(served[k])
		t.add(site.ID, p, bs...)
		t.locs = append(t.locs, placeplan.Locality{ID: int64(k + 1), Name: site.ID, Areas: served[k]})
	}
	t.queryables = scenarioQueryables(scenarioCatchments)
	return t.done(), nil
}

// tableFeature returns the feature of col's table whose id is fid, or an
// ENOTFOUND error.
func (o *ogcState) tableFeature(ctx context.Context, col *ogcCollection, fid string) (ogcFeature, error) {
	t, err := o.table(ctx, col, ogcQuery{})
	if err != nil {
		return ogcFeature{}, err
	}
	for i, id := range t.ids {
		if fmt.Sprint(id) != fid {
			continue
		}
		geoms, err := col.geometries(ctx, t, []int{i})
		if err != nil {
			return ogcFeature{}, err
		}
		return newOGCFeature(id, geoms[0], t.props[i]), nil
	}
	return ogcFeature{}, notFoundf("no feature %q in collection %s", fid, col.id)
}

// scenarioCollections returns the collections of every stored scenario
// that is not archived, following its current revision, and a digest of
// which revisions they are: it changes whenever a scenario is stored,
// updated or archived.
func (o *ogcState) scenarioCollections(ctx context.Context) ([]*ogcCollection, string, error) {
	recs, err := scenario.List(ctx, o.s.store, false)
	if err != nil {
		return nil, "", err
	}
	var out []*ogcCollection
	for _, r := range recs {
		saved, err := scenario.Get(ctx, o.s.store, r.ID, r.Revision)
		if err != nil {
			return nil, "", err
		}
		n := tiles.Named{Label: saved.Label(), Scenario: saved.Scenario}
		kinds := []string{scenarioAreas}
		if saved.Scenario.Sites != nil {
			kinds = append(kinds, scenarioSites, scenarioCatchments)
		}
		for _, kind := range kinds {
			out = append(out, o.newScenarioCollection(r.ID+"."+kind, n, kind))
		}
	}
	return out, digestOf(recs), nil
}

// registryDigest names the revisions of the stored scenarios that are not
// archived: it changes whenever one is stored, updated or archived.
func (s *Server) registryDigest(ctx context.Context) (string, error) {
	recs, err := scenario.List(ctx, s.store, false)
	if err != nil {
		return "", err
	}
	return digestOf(recs), nil
}

// digestOf hashes the scenario revisions of recs.
func digestOf(recs []placeplan.ScenarioRecord) string {
	h := fnv.New64a()
	for _, r := range recs {
		fmt.Fprintf(h, "%s@%d\x00", r.ID, r.Revision)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
