package data

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"placeplan"
	"placeplan/data/record"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is placeplan's SQLite database: datasets, small areas, indicators,
// point layers and localities. Exported methods open their own transaction.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	// public hides every confidential indicator, its values and the
	// datasets that hold one, and everything made from them that the store
	// keeps (stored tiles, scenario results): a store for anonymous
	// visitors (OpenOptions.Public).
	public bool
	// Now is the clock used to stamp ingests; tests may replace it.
	Now func() time.Time
}

// Open opens (creating if needed) the SQLite database at path and applies
// any migrations it has not seen. The path ":memory:" opens a private
// in-memory database. A database file that cannot be written (a read-only
// file or mount) is opened read-only: it is read and served, and changes
// are refused (ReadOnly). A directory, a missing directory and a busy or
// damaged database each get their own error code (StorageError).
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, OpenOptions{})
}

// OpenOptions tune Open.
type OpenOptions struct {
	// BusyTimeout is how long a write waits for another writer to finish
	// before it fails with EBUSY. Zero means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// ReadOnly opens the database read-only even when it could be written.
	ReadOnly bool
	// AsIs neither applies migrations nor requires them: for looking at a
	// database made by another version (placeplan check).
	AsIs bool
	// Public opens the database read-only for anonymous visitors: no
	// confidential indicator, value or dataset is ever read from it, nor
	// any tile or result the store kept (they may hold confidential
	// figures).
	Public bool
}

// DefaultBusyTimeout is how long a write waits for another writer.
const DefaultBusyTimeout = 10 * time.Second

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, opts OpenOptions) (*Store, error) {
	if path == "" {
		return nil, placeplan.Errorf(placeplan.EINVALID, "empty database path")
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = DefaultBusyTimeout
	}
	memory := path == ":memory:"
	readOnly := opts.ReadOnly || opts.Public
	dsn := "file::memory:?_foreign_keys=on&_txlock=immediate"
	if !memory {
		ro, err := checkPath(path)
		if err != nil {
			return nil, err
		}
		readOnly = readOnly || ro
		dsn = fileURI(path) + "?_foreign_keys=on&_busy_timeout=" + strconv.FormatInt(busy.Milliseconds(), 10) +
			"&_txlock=immediate&_journal_mode=WAL&_synchronous=NORMAL"
		switch {
		case ro:
			// immutable: no locks or journal files, which a read-only
			// file or mount could not hold; nothing can write it meanwhile.
			dsn = fileURI(path) + "?mode=ro&immutable=1&_foreign_keys=on"
		case readOnly:
			// Read-only by choice: with locks, so a writer elsewhere is seen.
			dsn = fileURI(path) + "?mode=ro&_foreign_keys=on&_busy_timeout=" + strconv.FormatInt(busy.Milliseconds(), 10)
		}
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if memory {
		// Every connection to :memory: is a new database: keep exactly one.
		db.SetMaxOpenConns(1)
	}
	s := &Store{db: db, path: path, readOnly: readOnly, public: opts.Public, Now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, StorageError(fmt.Errorf("open %s: %w", path, err))
	}
	switch {
	case opts.AsIs:
	case readOnly:
		err = s.checkMigrated(ctx)
	default:
		err = s.migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, StorageError(fmt.Errorf("migrate %s: %w", path, err))
	}
	return s, nil
}

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Public reports whether the store hides confidential data
// (OpenOptions.Public).
func (s *Store) Public() bool { return s.public }

// checkMigrated refuses a read-only database that lacks a migration this
// version needs, which it cannot apply.
func (s *Store) checkMigrated(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	for _, name := range names {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return placeplan.Wrap(placeplan.ESTORAGE, err, "%s is read-only and not a placeplan database", s.path)
		}
		if n == 0 {
			return placeplan.Errorf(placeplan.ESTORAGE, "%s is read-only and was made by an older placeplan: it needs %s, which cannot be applied to a read-only file; open it once writable", s.path, name)
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the path the store was opened with.
func (s *Store) Path() string { return s.path }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// migrate applies the embedded migrations in file-name order, each in its
// own transaction, recording each in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
			name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Migrations returns the names of the migrations applied, in order.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Revision returns the data revision, which every ingest increments.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'revision'`).Scan(&v); err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// Datasets lists every ingested dataset, oldest first.
func (s *Store) Datasets(ctx context.Context) ([]placeplan.Dataset, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, format, vintage, geography, source, sha256,
		publisher, licence, attribution, records, ingested_at FROM datasets d
		WHERE ? = 0 OR NOT EXISTS (SELECT 1 FROM indicators i WHERE i.dataset_id = d.id AND i.confidential = 1) ORDER BY id`, s.public)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []placeplan.Dataset
	for rows.Next() {
		var d placeplan.Dataset
		var geog, at string
		if err := rows.Scan(&d.ID, &d.Kind, &d.Format, &d.Vintage, &geog, &d.Source, &d.SHA256,
			&d.Publisher, &d.Licence, &d.Attribution, &d.Records, &at); err != nil {
			return nil, err
		}
		d.Geography = placeplan.Geography(geog)
		d.IngestedAt, _ = time.Parse(time.RFC3339, at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Areas returns the small areas matching q, ordered by geography and code.
func (s *Store) Areas(ctx context.Context, q placeplan.AreaQuery) ([]placeplan.Area, error) {
	return queryAreas(ctx, s.db, q)
}

// queryAreas is Areas on db, which may be an ingest's transaction.
func queryAreas(ctx context.Context, db querier, q placeplan.AreaQuery) ([]placeplan.Area, error) {
	geomCol := "NULL"
	if q.WithGeometry {
		geomCol = "a.geometry"
	}
	var where []string
	var args []any
	if q.Geography != "" {
		where = append(where, "a.geography = ?")
		args = append(args, string(q.Geography))
	}
	if q.LAD != "" {
		where = append(where, "a.lad_code = ?")
		args = append(args, q.LAD)
	}
	if q.Bound != nil {
		where = append(where, "a.max_lon >= ? AND a.min_lon <= ? AND a.max_lat >= ? AND a.min_lat <= ?")
		args = append(args, q.Bound.Min[0], q.Bound.Max[0], q.Bound.Min[1], q.Bound.Max[1])
	}
	if len(q.Codes) > 0 {
		where = append(where, "a.code IN (SELECT value FROM json_each(?))")
		b, _ := json.Marshal(q.Codes)
		args = append(args, string(b))
	}
	query := `SELECT a.geography, a.code, a.name, a.msoa_code, COALESCE(NULLIF(m.hcl_name, ''), m.name, ''),
		a.lad_code, a.lad_name, ` + geomCol + `, a.min_lon, a.min_lat, a.max_lon, a.max_lat, a.point_lon, a.point_lat, a.point_kind
		FROM areas a LEFT JOIN msoas m ON m.geography = a.geography AND m.code = a.msoa_code`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY a.geography, a.code"
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []placeplan.Area
	for rows.Next() {
		var a placeplan.Area
		var geog string
		var geom []byte
		var minLon, minLat, maxLon, maxLat, lon, lat sql.NullFloat64
		if err := rows.Scan(&geog, &a.Code, &a.Name, &a.MSOACode, &a.MSOAName, &a.LADCode, &a.LADName,
			&geom, &minLon, &minLat, &maxLon, &maxLat, &lon, &lat, &a.PointKind); err != nil {
			return nil, err
		}
		a.Geography = placeplan.Geography(geog)
		if minLon.Valid && minLat.Valid && maxLon.Valid && maxLat.Valid {
			a.Bound = orb.Bound{Min: orb.Point{minLon.Float64, minLat.Float64}, Max: orb.Point{maxLon.Float64, maxLat.Float64}}
		}
		if lon.Valid && lat.Valid {
			a.Point = orb.Point{lon.Float64, lat.Float64}
		}
		if len(geom) > 0 {
			g, err := wkb.Unmarshal(geom)
			if err != nil {
				return nil, fmt.Errorf("area %s: stored geometry: %w", a.Code, err)
			}
			a.Geometry = record.AsMultiPolygon(g)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Area returns one small area with its boundary.
func (s *Store) Area(ctx context.Context, geog placeplan.Geography, code string) (placeplan.Area, error) {
	as, err := s.Areas(ctx, placeplan.AreaQuery{Geography: geog, Codes: []string{code}, WithGeometry: true})
	if err != nil {
		return placeplan.Area{}, err
	}
	if len(as) == 0 {
		return placeplan.Area{}, placeplan.Errorf(placeplan.ENOTFOUND, "no %s area %q", geog.Label(), code)
	}
	return as[0], nil
}

// Extent returns the bounding box of every loaded area's boundary, of
// every geography (WGS84), and false when no boundary is loaded.
func (s *Store) Extent(ctx context.Context) (orb.Bound, bool, error) {
	var minLon, minLat, maxLon, maxLat sql.NullFloat64
	if err := s.db.QueryRowContext(ctx, `SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat)
		FROM areas WHERE min_lon IS NOT NULL`).Scan(&minLon, &minLat, &maxLon, &maxLat); err != nil {
		return orb.Bound{}, false, fmt.Errorf("extent of the areas: %w", err)
	}
	if !minLon.Valid {
		return orb.Bound{}, false, nil
	}
	return orb.Bound{Min: orb.Point{minLon.Float64, minLat.Float64}, Max: orb.Point{maxLon.Float64, maxLat.Float64}}, true, nil
}

// Geographies returns the geographies that have areas, with their counts.
func (s *Store) Geographies(ctx context.Context) (map[placeplan.Geography]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT geography, count(*) FROM areas GROUP BY geography`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[placeplan.Geography]int{}
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return nil, err
		}
		out[placeplan.Geography(g)] = n
	}
	return out, rows.Err()
}

// Indicators lists the indicators held for a geography ("" for all),
// ordered by geography and key.
func (s *Store) Indicators(ctx context.Context, geog placeplan.Geography) ([]placeplan.Indicator, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, dataset_id, geography, key, name, unit, direction, kind,
		denominator, iod_index, vintage, confidential FROM indicators
		WHERE (? = '' OR geography = ?) AND (? = 0 OR confidential = 0) ORDER BY geography, key`, string(geog), string(geog), s.public)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []placeplan.Indicator
	for rows.Next() {
		var ind placeplan.Indicator
		var g string
		var dir int
		if err := rows.Scan(&ind.ID, &ind.DatasetID, &g, &ind.Key, &ind.Name, &ind.Unit, &dir, &ind.Kind,
			&ind.Denominator, &ind.Index, &ind.Vintage, &ind.Confidential); err != nil {
			return nil, err
		}
		ind.Geography = placeplan.Geography(g)
		ind.Direction = placeplan.Direction(dir)
		out = append(out, ind)
	}
	return out, rows.Err()
}

// Values returns every value of one indicator, ordered by area code.
func (s *Store) Values(ctx context.Context, indicatorID int64) ([]placeplan.Value, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT area_code, value FROM indicator_values
		WHERE indicator_id = ? AND (? = 0 OR indicator_id IN (SELECT id FROM indicators WHERE confidential = 0)) ORDER BY area_code`, indicatorID, s.public)
	if err != nil {
		return nil, fmt.Errorf("values of indicator %d: %w", indicatorID, err)
	}
	defer rows.Close()
	var out []placeplan.Value
	var v placeplan.Value
	for rows.Next() {
		if err := rows.Scan(&v.Area, &v.Value); err != nil {
			return nil, fmt.Errorf("values of indicator %d: %w", indicatorID, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ValuesByArea returns every value of one indicator keyed by area code:
// the one call every use case that joins an indicator to areas makes.
func (s *Store) ValuesByArea(ctx context.Context, indicatorID int64) (map[string]float64, error) {
	vals, err := s.Values(ctx, indicatorID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(vals))
	for _, v := range vals {
		out[v.Area] = v.Value
	}
	return out, nil
}

// AreaValues returns every indicator value held for one area, keyed by
// indicator key.
func (s *Store) AreaValues(ctx context.Context, geog placeplan.Geography, code string) (map[string]float64, error) {
	byKey, err := s.ValuesOfAreas(ctx, geog, []string{code})
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(byKey))
	for k, m := range byKey {
		out[k] = m[code]
	}
	return out, nil
}

// ValuesOfAreas returns every indicator value held for the areas codes of
// geog, keyed by indicator key and then area code: one query for a tile's
// or a page's areas, looked up by the (indicator, area) key.
func (s *Store) ValuesOfAreas(ctx context.Context, geog placeplan.Geography, codes []string) (map[string]map[string]float64, error) {
	out := map[string]map[string]float64{}
	if len(codes) == 0 {
		return out, nil
	}
	list, err := json.Marshal(codes)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.key, v.area_code, v.value FROM indicators i
		JOIN indicator_values v ON v.indicator_id = i.id
		WHERE i.geography = ? AND v.area_code IN (SELECT value FROM json_each(?)) AND (? = 0 OR i.confidential = 0)`, string(geog), string(list), s.public)
	if err != nil {
		return nil, fmt.Errorf("values of %d %s areas: %w", len(codes), geog, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, code string
		var v float64
		if err := rows.Scan(&k, &code, &v); err != nil {
			return nil, fmt.Errorf("values of %d %s areas: %w", len(codes), geog, err)
		}
		m := out[k]
		if m == nil {
			m = make(map[string]float64, len(codes))
			out[k] = m
		}
		m[code] = v
	}
	return out, rows.Err()
}

// Localities lists the localities of a geography ("" for all) with their
// member areas, ordered by scheme and name.
func (s *Store) Localities(ctx context.Context, geog placeplan.Geography) ([]placeplan.Locality, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.id, l.scheme, l.name, l.geography, l.definition,
		COALESCE((SELECT json_group_array(area_code) FROM (SELECT area_code FROM locality_areas
			WHERE locality_id = l.id ORDER BY area_code)), '[]')
		FROM localities l WHERE ? = '' OR l.geography = ? ORDER BY l.scheme, l.name`, string(geog), string(geog))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []placeplan.Locality
	for rows.Next() {
		var l placeplan.Locality
		var g, members string
		if err := rows.Scan(&l.ID, &l.Scheme, &l.Name, &g, &l.Definition, &members); err != nil {
			return nil, err
		}
		l.Geography = placeplan.Geography(g)
		if err := json.Unmarshal([]byte(members), &l.Areas); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// PointLayers returns the names of the point layers held, with their sizes.
func (s *Store) PointLayers(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT layer, count(*) FROM sites GROUP BY layer`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var l string
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		out[l] = n
	}
	return out, rows.Err()
}

// Sites returns the points of one layer ("" for every layer), ordered by
// layer and id.
func (s *Store) Sites(ctx context.Context, layer string) ([]placeplan.Site, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT layer, id, name, kind, status, capacity, lon, lat, properties
		FROM sites WHERE ? = '' OR layer = ? ORDER BY layer, id`, layer, layer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []placeplan.Site
	for rows.Next() {
		var st placeplan.Site
		var capacity sql.NullFloat64
		var props string
		if err := rows.Scan(&st.Layer, &st.ID, &st.Name, &st.Kind, &st.Status, &capacity,
			&st.Point[0], &st.Point[1], &props); err != nil {
			return nil, err
		}
		st.Capacity = math.NaN()
		if capacity.Valid {
			st.Capacity = capacity.Float64
		}
		if err := json.Unmarshal([]byte(props), &st.Properties); err != nil {
			return nil, fmt.Errorf("site %s/%s: properties: %w", st.Layer, st.ID, err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// LSOAChanges returns the ONS LSOA 2011 → 2021 lookup as ingested.
func (s *Store) LSOAChanges(ctx context.Context) ([]record.LSOAChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT lsoa11, lsoa21, change FROM lsoa_changes ORDER BY lsoa11, lsoa21`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.LSOAChange
	for rows.Next() {
		var c record.LSOAChange
		if err := rows.Scan(&c.LSOA11, &c.LSOA21, &c.Change); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
