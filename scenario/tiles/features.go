package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"placeplan"
	"placeplan/geo"
	"placeplan/geo/tile"
	"placeplan/internal/suggest"
	"placeplan/scenario"
	"placeplan/wire"
)

// The features and properties the tile layers share with the GeoJSON
// layers and OGC collections of the HTTP routes, so that a tile and a
// GeoJSON feature of the same thing carry the same properties and
// withhold the same values; and the parsing of what a tile request names.

// ParseGeography parses a geography parameter: "" (any), lsoa11 or lsoa21.
func ParseGeography(s string) (placeplan.Geography, error) {
	switch g := placeplan.Geography(s); g {
	case "", placeplan.LSOA2011, placeplan.LSOA2021:
		return g, nil
	}
	return "", invalidf("unknown geography %q: want lsoa11 or lsoa21", s)
}

// Publish applies the disclosure policy to one value and reports whether
// it may be shown. A value JSON cannot carry (NaN, ±Inf) is withheld too.
func Publish(ind placeplan.Indicator, v float64, d placeplan.Disclosure) (float64, bool) {
	pv, suppressed := d.Apply(ind, v)
	if suppressed || math.IsNaN(pv) || math.IsInf(pv, 0) {
		return 0, false
	}
	return pv, true
}

// AreaProperties builds an area feature's properties: its names and
// parents, then each indicator value it has (values[i] holds inds[i]'s
// values by area code). A value the disclosure policy withholds is left
// out and its key listed in "suppressed".
func AreaProperties(a placeplan.Area, inds []placeplan.Indicator, values []map[string]float64, d placeplan.Disclosure) geojson.Properties {
	p := geojson.Properties{
		"code":      a.Code,
		"name":      a.Name,
		"msoa_code": a.MSOACode,
		"msoa_name": a.MSOAName,
		"lad_code":  a.LADCode,
		"lad_name":  a.LADName,
	}
	var suppressed []string
	for i, ind := range inds {
		v, ok := values[i][a.Code]
		if !ok {
			continue
		}
		if pv, ok := Publish(ind, v, d); ok {
			p[ind.Key] = pv
		} else {
			suppressed = append(suppressed, ind.Key)
		}
	}
	if len(suppressed) > 0 {
		p["suppressed"] = suppressed
	}
	return p
}

// SiteProperties builds a site feature's properties: id, name, kind,
// status, capacity when known, then the site's own properties, which never
// replace those five.
func SiteProperties(st placeplan.Site) geojson.Properties {
	p := geojson.Properties{
		"id":     st.ID,
		"name":   st.Name,
		"kind":   st.Kind,
		"status": st.Status,
	}
	if !math.IsNaN(st.Capacity) && !math.IsInf(st.Capacity, 0) {
		p["capacity"] = st.Capacity
	}
	for k, v := range st.Properties {
		if _, taken := p[k]; !taken && k != "capacity" {
			p[k] = v
		}
	}
	return p
}

// LocalityOutlines returns each locality's outline, aligned with locs: the
// union of its member areas' boundaries (geo.Dissolve), rounded to 6
// decimals first when round (identical shared vertices stay identical, so
// inner edges still cancel); nil for a locality none of whose areas has a
// boundary. The GeoJSON layer, the OGC collection and the tiles share it.
func LocalityOutlines(ctx context.Context, store AreaReader, geog placeplan.Geography, locs []placeplan.Locality, round bool) ([]orb.MultiPolygon, error) {
	var codes []string
	for _, l := range locs {
		codes = append(codes, l.Areas...)
	}
	out := make([]orb.MultiPolygon, len(locs))
	if len(codes) == 0 {
		return out, nil // an empty Codes would select every area
	}
	areas, err := store.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: codes, WithGeometry: true})
	if err != nil {
		return nil, err
	}
	geoms := make(map[string]orb.MultiPolygon, len(areas))
	for _, a := range areas {
		if len(a.Geometry) == 0 {
			continue
		}
		if round {
			geoms[a.Code] = RoundMultiPolygon(a.Geometry)
		} else {
			geoms[a.Code] = a.Geometry
		}
	}
	for i, l := range locs {
		var members orb.MultiPolygon
		for _, code := range l.Areas {
			members = append(members, geoms[code]...)
		}
		if mp := geo.Dissolve(members); len(mp) > 0 {
			out[i] = mp
		}
	}
	return out, nil
}

// LocalityProperties are a locality feature's properties.
func LocalityProperties(l placeplan.Locality) geojson.Properties {
	return geojson.Properties{"id": l.ID, "scheme": l.Scheme, "name": l.Name, "area_count": len(l.Areas)}
}

// GroupFeatures builds one feature per group of demand areas (group[i] is
// area i's group, −1 for none), keeping those that meet bbox.
func GroupFeatures(res *scenario.PlanResult, geoms map[string]orb.MultiPolygon, group []int, n int, bbox *orb.Bound) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, n)
	for i, g := range group {
		if g >= 0 {
			out[g] = append(out[g], geoms[res.Demand[i].Code]...)
		}
	}
	for g, mp := range out {
		if len(mp) == 0 || bbox != nil && !mp.Bound().Intersects(*bbox) {
			out[g] = nil
			continue
		}
		out[g] = RoundMultiPolygon(mp)
	}
	return out
}

// Catchments is the catchments collection of a plan: one feature per
// chosen site, the areas it serves, with the site's order, phase, reach and
// explanation (withheld figures left out), keeping features that meet bbox
// (nil for all). Coordinates are rounded to 6 decimals.
func Catchments(res *scenario.PlanResult, geoms map[string]orb.MultiPolygon, doc wire.Plan, bbox *orb.Bound) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	props := PlanSiteProperties(doc)
	for p, mp := range GroupFeatures(res, geoms, res.ServedBy, len(res.Selection.Selected), bbox) {
		if mp == nil {
			continue
		}
		f := geojson.NewFeature(mp)
		f.ID = doc.Sites[p].ID
		f.Properties = props[p]
		fc.Append(f)
	}
	return fc
}

// PlanSiteProperties are the properties of each chosen site of a plan,
// aligned with doc.Sites: its order, phase, place, reach and explanation,
// withheld figures left out. The catchments (GeoJSON, tiles, OGC) and the
// OGC sites of a scenario share them.
func PlanSiteProperties(doc wire.Plan) []geojson.Properties {
	phaseOf, orderOf := map[string]string{}, map[string]int{}
	for _, ph := range doc.Rollout.Phases {
		for _, o := range ph.Sites {
			phaseOf[o.ID] = ph.Label
		}
	}
	for k, id := range doc.Rollout.Order {
		orderOf[id] = k + 1
	}
	out := make([]geojson.Properties, len(doc.Sites))
	for p, site := range doc.Sites {
		out[p] = WithoutNil(geojson.Properties{
			"site": site.ID, "locality": site.Locality, "fixed": site.Fixed,
			"order": orderOf[site.ID], "phase": phaseOf[site.ID],
			"site_lon": site.Lon, "site_lat": site.Lat,
			"reach": site.Reach, "served": site.Served, "unique": site.Unique,
			"mean_travel": site.MeanTravel, "max_travel": site.MaxTravel, "unit": doc.Unit,
			"explanation": site.Explanation,
		})
	}
	return out
}

// WithoutNil drops nil and nil-pointer properties (withheld or unknown
// figures), so clients never see "null" typed as text.
func WithoutNil(p geojson.Properties) geojson.Properties {
	for k, v := range p {
		if v == nil {
			delete(p, k)
		} else if f, ok := v.(*float64); ok {
			if f == nil {
				delete(p, k)
			} else {
				p[k] = *f
			}
		}
	}
	return p
}

// LayerGeography parses the geography of a map layer request. Left empty,
// it is the only geography loaded, or lsoa11 when both are; it stays empty
// when nothing is loaded.
func LayerGeography(s string, held map[placeplan.Geography]int) (placeplan.Geography, error) {
	g, err := ParseGeography(s)
	if err != nil || g != "" {
		return g, err
	}
	if held[placeplan.LSOA2011] > 0 {
		return placeplan.LSOA2011, nil
	}
	if held[placeplan.LSOA2021] > 0 {
		return placeplan.LSOA2021, nil
	}
	return "", nil
}

// FieldNames splits a fields parameter into its comma-separated names,
// trimmed, sorted and without repeats or empty names; "" gives none.
func FieldNames(s string) []string {
	out := []string{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// checkTileFields refuses a name of fields that is not in known, the
// properties the layer's features may carry, with an error that names it
// and the layer.
func checkTileFields(fields []string, layer string, known map[string]string) error {
	for _, f := range fields {
		if _, ok := known[f]; !ok {
			have := make([]string, 0, len(known))
			for k := range known {
				have = append(have, k)
			}
			sort.Strings(have)
			return invalidf("unknown field %q%s: the %s tiles have %s (see /tiles/%s.json)", f, suggest.Hint(f, have), layer, strings.Join(have, ", "), layer)
		}
	}
	return nil
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

// RoundMultiPolygon returns a copy of mp with every coordinate rounded to
// 6 decimal places (wire.CoordFactor), leaving mp (which the caller may
// share) untouched.
func RoundMultiPolygon(mp orb.MultiPolygon) orb.MultiPolygon {
	return orb.Round(mp.Clone(), wire.CoordFactor).(orb.MultiPolygon)
}

// AreaReader reads small areas; the store has it.
type AreaReader interface {
	Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error)
}

// invalidf returns a placeplan EINVALID error: the request is at fault.
func invalidf(format string, args ...any) error {
	return placeplan.Errorf(placeplan.EINVALID, format, args...)
}

// notFoundf returns a placeplan ENOTFOUND error.
func notFoundf(format string, args ...any) error {
	return placeplan.Errorf(placeplan.ENOTFOUND, format, args...)
}
