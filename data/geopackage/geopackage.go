// Package geopackage reads one feature layer of an OGC GeoPackage (OGC
// 12-128r18) into a feature.Set: the gpkg_contents, gpkg_geometry_columns
// and gpkg_spatial_ref_sys tables and the GeoPackage binary geometry
// encoding with its standard (ISO) WKB body. It opens the file with SQLite
// read-only; it has nothing to do with placeplan's own database.
package geopackage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"github.com/paulmach/orb"

	"placeplan"
	"placeplan/data/feature"
	"placeplan/geo"
)

// Read reads one feature layer of the GeoPackage r. layer names
// the table; "" picks the only feature table and is an EINVALID error,
// listing the tables, when there are several. A layer that is a view or a
// virtual table, or has a virtual generated column, is an EUNSUPPORTED
// error: reading one runs SQL or code the file brings, which need not end
// (see gpkgCheckTable). The GeoPackage is copied to a
// temporary file, opened read-only and the copy removed before returning.
//
// The CRS comes from gpkg_spatial_ref_sys: EPSG 4326 (and 4979, WGS 84 3D)
// and 27700 by code, others by their WKT definition; a CRS placeplan does
// not read is an EUNSUPPORTED error, an undefined one geo.CRSUnknown. Geometries are Point, MultiPoint, Polygon or
// MultiPolygon (Z and M dropped), polygons turned to RFC 7946 orientation
// like shapefile.Read's; other geometry types are an EUNSUPPORTED error. Every other column becomes a property: TEXT → string,
// INTEGER → int64 (the fid primary key included), REAL → float64, BOOLEAN
// → bool, DATE → "YYYY-MM-DD", DATETIME → RFC 3339 string, NULL → nil;
// BLOB columns other than the geometry are left out.
func Read(r io.Reader, layer string) (*feature.Set, error) {
	f, err := os.CreateTemp("", "placeplan-*.gpkg")
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINTERNAL, "gpkg: create temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	var magic [16]byte
	n, err := io.ReadFull(r, magic[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		f.Close()
		return nil, placeplan.Errorf(placeplan.EINVALID, "gpkg: read: %w", err)
	}
	if string(magic[:n]) != "SQLite format 3\x00" {
		f.Close()
		return nil, placeplan.Errorf(placeplan.EINVALID, "gpkg: not a geopackage: not an sqlite database")
	}
	_, err = f.Write(magic[:])
	if err == nil {
		_, err = io.Copy(f, r)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINTERNAL, "gpkg: copy to temporary file: %w", err)
	}
	return readFile(context.Background(), f.Name(), layer)
}

// gpkgLayer is one row of gpkg_contents joined with gpkg_geometry_columns.
type gpkgLayer struct {
	table, column string
	srsID         int64
}

// readGeoPackageFile reads layer from the GeoPackage file at path, opened
// read-only.
func readFile(ctx context.Context, path, layer string) (*feature.Set, error) {
	dsn := "file:" + escapeURIPath(path) + "?mode=ro&immutable=1"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINTERNAL, "gpkg: open: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	var tables int
	// Tables, not views: a view runs the file's own SQL, which can loop
	// for ever (a recursive CTE without end) — see gpkgCheckTable.
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table'
		AND name IN ('gpkg_contents', 'gpkg_geometry_columns', 'gpkg_spatial_ref_sys')`).Scan(&tables)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "gpkg: not a geopackage: %w", err)
	}
	if tables != 3 {
		return nil, placeplan.Errorf(placeplan.EINVALID,
			"gpkg: not a geopackage: no gpkg_contents, gpkg_geometry_columns and gpkg_spatial_ref_sys tables")
	}
	for _, t := range []string{"gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys"} {
		if err := gpkgCheckTable(ctx, db, "table "+t, t); err != nil {
			return nil, err
		}
	}

	l, err := gpkgPickLayer(ctx, db, layer)
	if err != nil {
		return nil, err
	}
	if err := gpkgCheckTable(ctx, db, "layer "+l.table, l.table); err != nil {
		return nil, err
	}
	crs, err := gpkgCRS(ctx, db, l)
	if err != nil {
		return nil, err
	}
	fs := &feature.Set{Format: "GeoPackage", Layer: l.table, CRS: crs}
	if fs.Features, err = gpkgFeatures(ctx, db, l); err != nil {
		return nil, err
	}
	return fs, nil
}

// escapeURIPath escapes the characters that end or change the path part
// of an SQLite URI filename.
func escapeURIPath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
}

// gpkgPickLayer lists the feature tables and picks the one named layer, or
// the only one when layer is "".
func gpkgPickLayer(ctx context.Context, db *sql.DB, layer string) (gpkgLayer, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, g.column_name, g.srs_id
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
		WHERE lower(c.data_type) = 'features' ORDER BY c.table_name`)
	if err != nil {
		return gpkgLayer{}, placeplan.Errorf(placeplan.EINVALID, "gpkg: list layers: %w", err)
	}
	defer rows.Close()
	var layers []gpkgLayer
	var names []string
	for rows.Next() {
		var l gpkgLayer
		if err := rows.Scan(&l.table, &l.column, &l.srsID); err != nil {
			return gpkgLayer{}, placeplan.Errorf(placeplan.EINVALID, "gpkg: list layers: %w", err)
		}
		layers = append(layers, l)
		names = append(names, l.table)
	}
	if err := rows.Err(); err != nil {
		return gpkgLayer{}, placeplan.Errorf(placeplan.EINVALID, "gpkg: list layers: %w", err)
	}
	switch {
	case len(layers) == 0:
		return gpkgLayer{}, placeplan.Errorf(placeplan.EINVALID, "gpkg: no feature layers")
	case layer == "" && len(layers) == 1:
		return layers[0], nil
	case layer == "":
		return gpkgLayer{}, placeplan.Errorf(placeplan.EINVALID,
			"gpkg: %d feature layers (%s): choose one with --layer", len(layers), feature.ListNames(names))
	}
	for _, l := range layers {
		if l.table == layer {
			return l, nil
		}
	}
	for _, l := range layers { // SQLite table names ignore case
		if strings.EqualFold(l.table, layer) {
			return l, nil
		}
	}
	return gpkgLayer{}, placeplan.Errorf(placeplan.ENOTFOUND, "gpkg: no feature layer %q (layers: %s)", layer, feature.ListNames(names))
}

// gpkgCheckTable refuses a table, named where in messages, whose reading
// would run SQL of the file's own rather than read rows the file holds.
// The specification lets a feature layer be a view, but a view can be a
// recursive CTE that never ends (data/testdata/malformed/
// never_ending_view.gpkg held an ingest for ever while its memory grew); a
// virtual table runs a module's code; and a virtual generated column is an
// expression computed on every read, such as printf('%.*c', 999999999,
// 'x'), a gigabyte a row from a file of a few kilobytes. A table's rows
// and stored values are bounded by the file.
func gpkgCheckTable(ctx context.Context, db *sql.DB, where, table string) error {
	var kind, def sql.NullString
	err := db.QueryRowContext(ctx, `SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE AND type IN ('table', 'view')`,
		table).Scan(&kind, &def)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return placeplan.Errorf(placeplan.EINVALID, "gpkg: %s: gpkg_contents names it, but the file has no such table", where)
	case err != nil:
		return placeplan.Errorf(placeplan.EINVALID, "gpkg: %s: %w", where, err)
	case kind.String == "view":
		return placeplan.Errorf(placeplan.EUNSUPPORTED,
			"gpkg: %s is a view: placeplan reads feature tables only, as a view runs SQL of the file's own (save it as a table, e.g. with ogr2ogr)", where)
	case strings.HasPrefix(strings.ToUpper(strings.Join(strings.Fields(def.String), " ")), "CREATE VIRTUAL TABLE"):
		return placeplan.Errorf(placeplan.EUNSUPPORTED, "gpkg: %s is a virtual table: placeplan reads feature tables only", where)
	}
	// hidden is 2 for a virtual generated column, 3 for a stored one.
	var column string
	err = db.QueryRowContext(ctx, `SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 2`, table).Scan(&column)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return placeplan.Errorf(placeplan.EINVALID, "gpkg: %s: read columns: %w", where, err)
	}
	return placeplan.Errorf(placeplan.EUNSUPPORTED,
		"gpkg: %s column %s is a virtual generated column: placeplan reads stored values only, as its expression runs on every read", where, column)
}

// gpkgCRS reads the layer's spatial reference system.
func gpkgCRS(ctx context.Context, db *sql.DB, l gpkgLayer) (geo.CRS, error) {
	var org, def sql.NullString
	var code sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT organization, organization_coordsys_id, definition
		FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, l.srsID).Scan(&org, &code, &def)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return geo.CRSUnknown, placeplan.Errorf(placeplan.EINVALID,
			"gpkg: layer %s: srs_id %d is not in gpkg_spatial_ref_sys", l.table, l.srsID)
	case err != nil:
		return geo.CRSUnknown, placeplan.Errorf(placeplan.EINVALID, "gpkg: layer %s: read srs: %w", l.table, err)
	}
	if strings.EqualFold(org.String, "EPSG") {
		switch code.Int64 {
		case 4326, 4979: // 4979 is WGS 84 3D, as GDAL files 3D lon/lat data
			return geo.WGS84, nil
		case 27700:
			return geo.BNG, nil
		}
	}
	// srs_id 0 and -1 are the specification's "undefined" systems.
	if l.srsID == 0 || l.srsID == -1 {
		return geo.CRSUnknown, nil
	}
	wkt := strings.TrimSpace(def.String)
	if wkt == "" || strings.EqualFold(wkt, "undefined") {
		// A CRS WKT 1 cannot express; the gpkg_crs_wkt extension's column
		// may hold it in WKT 2.
		var wkt2 sql.NullString
		err := db.QueryRowContext(ctx, `SELECT definition_12_063 FROM gpkg_spatial_ref_sys WHERE srs_id = ?`,
			l.srsID).Scan(&wkt2)
		if err != nil || strings.TrimSpace(wkt2.String) == "" || strings.EqualFold(strings.TrimSpace(wkt2.String), "undefined") {
			return geo.CRSUnknown, nil
		}
		wkt = wkt2.String
	}
	return feature.CRSFromWKT(fmt.Sprintf("gpkg: layer %s", l.table), wkt)
}

// gpkgColumn is one column of a feature table.
type gpkgColumn struct {
	name, declType string
	pk             bool
}

// gpkgFeatures reads every row of the layer's table.
func gpkgFeatures(ctx context.Context, db *sql.DB, l gpkgLayer) ([]feature.Feature, error) {
	where := "gpkg: layer " + l.table
	rows, err := db.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?)`, l.table)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: read columns: %w", where, err)
	}
	var cols []gpkgColumn
	geomAt, pkAt := -1, -1
	for rows.Next() {
		var c gpkgColumn
		var pk int
		if err := rows.Scan(&c.name, &c.declType, &pk); err != nil {
			rows.Close()
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: read columns: %w", where, err)
		}
		c.pk = pk > 0
		if strings.EqualFold(c.name, l.column) {
			geomAt = len(cols)
		}
		if c.pk && pkAt < 0 {
			pkAt = len(cols)
		}
		cols = append(cols, c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: read columns: %w", where, err)
	}
	if geomAt < 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: no geometry column %q", where, l.column)
	}

	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c.name)
	}
	q := "SELECT " + strings.Join(quoted, ", ") + " FROM " + quoteIdent(l.table)
	if pkAt >= 0 {
		q += " ORDER BY " + quoted[pkAt]
	}
	rows, err = db.QueryContext(ctx, q)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: read features: %w", where, err)
	}
	defer rows.Close()
	var features []feature.Feature
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for row := 1; rows.Next(); row++ {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s row %d: %w", where, row, err)
		}
		name := fmt.Sprintf("%s row %d", where, row)
		if pkAt >= 0 {
			name = fmt.Sprintf("%s feature %v", where, vals[pkAt])
		}
		var g orb.Geometry
		switch v := vals[geomAt].(type) {
		case nil:
		case []byte:
			if g, err = decodeGPKGGeometry(v); err != nil {
				return nil, placeplan.Wrap(placeplan.ErrorCode(err), err, "%s", name)
			}
		default:
			return nil, placeplan.Errorf(placeplan.EINVALID, "%s: geometry is a %T, not a blob", name, v)
		}
		switch g := g.(type) {
		case nil, orb.Point, orb.MultiPoint:
		case orb.Polygon:
			rewindRFC7946(g)
		case orb.MultiPolygon:
			for _, p := range g {
				rewindRFC7946(p)
			}
		default:
			return nil, placeplan.Errorf(placeplan.EUNSUPPORTED,
				"%s: %s geometries are not supported: placeplan reads points and polygons", name, g.GeoJSONType())
		}
		props := make(map[string]any, len(cols)-1)
		for i, c := range cols {
			if i == geomAt {
				continue
			}
			switch v := vals[i].(type) {
			case nil, int64, float64, bool:
				props[c.name] = v
			case string:
				props[c.name] = strings.ToValidUTF8(v, "\uFFFD")
			case time.Time:
				if strings.EqualFold(c.declType, "DATE") {
					props[c.name] = v.Format(time.DateOnly)
				} else {
					props[c.name] = v.Format(time.RFC3339Nano)
				}
			case []byte: // a BLOB: no place in a property
			default:
				props[c.name] = fmt.Sprint(v)
			}
		}
		features = append(features, feature.Feature{Properties: props, Geometry: g})
	}
	if err := rows.Err(); err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "%s: read features: %w", where, err)
	}
	return features, nil
}

// rewindRFC7946 turns p's rings in place to RFC 7946 orientation, as
// shapefile.Read returns them: outer ring counter-clockwise, holes clockwise.
func rewindRFC7946(p orb.Polygon) {
	for i, r := range p {
		if a := feature.RingArea2(r); (i == 0 && a < 0) || (i > 0 && a > 0) {
			r.Reverse()
		}
	}
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// gpkgEnvelopeBytes is the envelope size for each envelope contents
// indicator of a GeoPackage geometry header's flags.
var gpkgEnvelopeBytes = [...]int{0, 32, 48, 48, 64}

// decodeGPKGGeometry decodes a GeoPackage binary geometry: the "GP" header
// (version, flags, srs_id, optional envelope) and its WKB body, 2D or ISO
// Z/M/ZM, dropping Z and M. An empty geometry, or an empty point, is nil.
func decodeGPKGGeometry(b []byte) (orb.Geometry, error) {
	if len(b) < 8 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "geometry: %d bytes, shorter than the 8-byte geopackage header", len(b))
	}
	if b[0] != 'G' || b[1] != 'P' {
		return nil, placeplan.Errorf(placeplan.EINVALID, "geometry: bad magic %q, want \"GP\": not a geopackage geometry", b[:2])
	}
	if b[2] != 0 {
		return nil, placeplan.Errorf(placeplan.EINVALID, "geometry: geopackage geometry version %d, want 0", b[2])
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return nil, placeplan.Errorf(placeplan.EUNSUPPORTED, "geometry: extended geopackage geometry types are not supported")
	}
	env := int(flags>>1) & 7
	if env >= len(gpkgEnvelopeBytes) {
		return nil, placeplan.Errorf(placeplan.EINVALID, "geometry: bad envelope type %d, want 0 to 4", env)
	}
	start := 8 + gpkgEnvelopeBytes[env]
	if len(b) < start {
		return nil, placeplan.Errorf(placeplan.EINVALID, "geometry: %d bytes, shorter than the %d-byte geopackage header", len(b), start)
	}
	if flags&0x10 != 0 { // empty
		return nil, nil
	}
	w := wkbReader{b: b[start:]}
	g, err := w.geometry(0)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "geometry: wkb at byte %d: %w", start+w.pos, err)
	}
	return g, nil
}

// WKB geometry type codes (OGC Simple Features / ISO 13249-3).
const (
	wkbPoint              = 1
	wkbLineString         = 2
	wkbPolygon            = 3
	wkbMultiPoint         = 4
	wkbMultiLineString    = 5
	wkbMultiPolygon       = 6
	wkbGeometryCollection = 7

	maxWKBDepth = 32 // nesting of geometry collections
)

// wkbReader decodes well-known binary, keeping X and Y.
type wkbReader struct {
	b   []byte
	pos int
	le  bool
}

var errWKBShort = errors.New("truncated")

func (w *wkbReader) uint32() (uint32, error) {
	if len(w.b)-w.pos < 4 {
		return 0, errWKBShort
	}
	var v uint32
	if w.le {
		v = binary.LittleEndian.Uint32(w.b[w.pos:])
	} else {
		v = binary.BigEndian.Uint32(w.b[w.pos:])
	}
	w.pos += 4
	return v, nil
}

// count reads an element count and checks that count elements of at least
// minBytes each fit in the bytes left, so that no lying count allocates.
func (w *wkbReader) count(what string, minBytes int) (int, error) {
	n, err := w.uint32()
	if err != nil {
		return 0, err
	}
	if int64(n)*int64(minBytes) > int64(len(w.b)-w.pos) {
		return 0, fmt.Errorf("%d %s do not fit in the %d bytes left", n, what, len(w.b)-w.pos)
	}
	return int(n), nil
}

// point reads one coordinate of dims doubles.
func (w *wkbReader) point(dims int) orb.Point {
	var p orb.Point
	for i := range 2 {
		bits := w.b[w.pos+8*i:]
		if w.le {
			p[i] = math.Float64frombits(binary.LittleEndian.Uint64(bits))
		} else {
			p[i] = math.Float64frombits(binary.BigEndian.Uint64(bits))
		}
	}
	w.pos += 8 * dims
	return p
}

// points reads a point count and the points; rings and line strings share it.
func (w *wkbReader) points(dims int) ([]orb.Point, error) {
	n, err := w.count("points", 8*dims)
	if err != nil {
		return nil, err
	}
	ps := make([]orb.Point, n)
	for i := range ps {
		ps[i] = w.point(dims)
		if !feature.Finite(ps[i]) {
			return nil, fmt.Errorf("point %d is not finite", i+1)
		}
	}
	return ps, nil
}

// geometry reads one WKB geometry. An empty point (NaN coordinates) reads
// as nil.
func (w *wkbReader) geometry(depth int) (orb.Geometry, error) {
	if depth > maxWKBDepth {
		return nil, fmt.Errorf("geometry collections nested deeper than %d", maxWKBDepth)
	}
	if w.pos >= len(w.b) {
		return nil, errWKBShort
	}
	switch w.b[w.pos] {
	case 0:
		w.le = false
	case 1:
		w.le = true
	default:
		return nil, fmt.Errorf("bad byte order %d", w.b[w.pos])
	}
	w.pos++
	t, err := w.uint32()
	if err != nil {
		return nil, err
	}
	base, dims, err := wkbType(t)
	if err != nil {
		return nil, err
	}
	if t&0x20000000 != 0 { // EWKB SRID: skip it
		if _, err := w.uint32(); err != nil {
			return nil, err
		}
	}
	switch base {
	case wkbPoint:
		if len(w.b)-w.pos < 8*dims {
			return nil, errWKBShort
		}
		p := w.point(dims)
		if math.IsNaN(p[0]) && math.IsNaN(p[1]) {
			return nil, nil // empty point
		}
		if !feature.Finite(p) {
			return nil, errors.New("point is not finite")
		}
		return p, nil
	case wkbLineString:
		ps, err := w.points(dims)
		return orb.LineString(ps), err
	case wkbPolygon:
		return w.polygon(dims)
	}

	// collections: each member is a whole WKB geometry, at least 9 bytes
	n, err := w.count("members", 9)
	if err != nil {
		return nil, err
	}
	var mp orb.MultiPoint
	var ml orb.MultiLineString
	var mpoly orb.MultiPolygon
	var coll orb.Collection
	for i := range n {
		g, err := w.geometry(depth + 1)
		if err != nil {
			return nil, err
		}
		ok := true
		switch base {
		case wkbMultiPoint:
			switch g := g.(type) {
			case nil:
			case orb.Point:
				mp = append(mp, g)
			default:
				ok = false
			}
		case wkbMultiLineString:
			g, isLine := g.(orb.LineString)
			ml, ok = append(ml, g), isLine
		case wkbMultiPolygon:
			g, isPoly := g.(orb.Polygon)
			mpoly, ok = append(mpoly, g), isPoly
		default:
			if g != nil {
				coll = append(coll, g)
			}
		}
		if !ok {
			return nil, fmt.Errorf("member %d of a %s is a %s", i+1, wkbTypeName(base), geometryName(g))
		}
	}
	switch base {
	case wkbMultiPoint:
		if mp == nil {
			mp = orb.MultiPoint{}
		}
		return mp, nil
	case wkbMultiLineString:
		if ml == nil {
			ml = orb.MultiLineString{}
		}
		return ml, nil
	case wkbMultiPolygon:
		if mpoly == nil {
			mpoly = orb.MultiPolygon{}
		}
		return mpoly, nil
	}
	if coll == nil {
		coll = orb.Collection{}
	}
	return coll, nil
}

// polygon reads a ring count and the rings.
func (w *wkbReader) polygon(dims int) (orb.Polygon, error) {
	n, err := w.count("rings", 4)
	if err != nil {
		return nil, err
	}
	poly := make(orb.Polygon, n)
	for i := range poly {
		ps, err := w.points(dims)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i+1, err)
		}
		poly[i] = orb.Ring(ps)
	}
	return poly, nil
}

// wkbType splits a WKB geometry type into its base type (1–7) and the
// number of doubles per coordinate. It reads ISO codes (1001–1007 Z,
// 2001–2007 M, 3001–3007 ZM) and the PostGIS EWKB Z, M and SRID flags.
func wkbType(t uint32) (base uint32, dims int, err error) {
	const ewkbZ, ewkbM, ewkbSRID = 0x80000000, 0x40000000, 0x20000000
	if t&(ewkbZ|ewkbM|ewkbSRID) != 0 {
		base, dims = t&0x0FFFFFFF, 2
		if t&ewkbZ != 0 {
			dims++
		}
		if t&ewkbM != 0 {
			dims++
		}
	} else {
		base = t % 1000
		switch t / 1000 {
		case 0:
			dims = 2
		case 1, 2:
			dims = 3
		case 3:
			dims = 4
		default:
			return 0, 0, fmt.Errorf("unknown geometry type %d", t)
		}
	}
	if base < wkbPoint || base > wkbGeometryCollection {
		return 0, 0, fmt.Errorf("unknown geometry type %d", t)
	}
	return base, dims, nil
}

// wkbTypeName names a base WKB geometry type.
func wkbTypeName(base uint32) string {
	return [...]string{"", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
		"GeometryCollection"}[base]
}

// geometryName names g's type for messages.
func geometryName(g orb.Geometry) string {
	if g == nil {
		return "empty point"
	}
	return g.GeoJSONType()
}
