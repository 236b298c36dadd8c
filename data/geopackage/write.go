package geopackage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"placeplan"
)

// Layer is one table Write writes: a feature table when Geometry is set
// (one geometry per row, nil for none, in the file's CRS), else an
// attributes table.
type Layer struct {
	Name        string // the table name: lower case, digits and _
	Title       string // gpkg_contents.identifier
	Description string
	Columns     []Column
	Rows        [][]any // per column: string, float64, int64, or nil for NULL
	Geometry    []orb.Geometry
	// GeometryType is the geometry_type_name of a feature table: POINT,
	// MULTIPOLYGON or GEOMETRY.
	GeometryType string
}

// Column is a column of a layer: its name and SQL type (TEXT, REAL,
// INTEGER or DATE, a "YYYY-MM-DD" string).
type Column struct {
	Name, Type string
}

// The CRSs Write can declare.
const (
	EPSG4326  = 4326  // WGS 84 longitude, latitude
	EPSG27700 = 27700 // OSGB 1936 / British National Grid, metres
)

// srsRows are the spatial reference systems a GeoPackage 1.3 must hold
// (-1 and 0, undefined; 4326) and the British National Grid.
var srsRows = []struct {
	name, org, def, desc string
	id, code             int
}{
	{"Undefined cartesian SRS", "NONE", "undefined", "undefined cartesian coordinate reference system", -1, -1},
	{"Undefined geographic SRS", "NONE", "undefined", "undefined geographic coordinate reference system", 0, 0},
	{"WGS 84 geodetic", "EPSG", `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`,
		"longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid", EPSG4326, EPSG4326},
	{"OSGB 1936 / British National Grid", "EPSG", `PROJCS["OSGB 1936 / British National Grid",GEOGCS["OSGB 1936",DATUM["OSGB_1936",SPHEROID["Airy 1830",6377563.396,299.3249646,AUTHORITY["EPSG","7001"]],TOWGS84[446.448,-125.157,542.06,0.15,0.247,0.842,-20.489],AUTHORITY["EPSG","6277"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4277"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",49],PARAMETER["central_meridian",-2],PARAMETER["scale_factor",0.9996012717],PARAMETER["false_easting",400000],PARAMETER["false_northing",-100000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","27700"]]`,
		"British National Grid, metres", EPSG27700, EPSG27700},
}

// Write writes layers to a new OGC GeoPackage 1.3 file at path, with
// coordinates in srsID (EPSG4326 or EPSG27700). It fails if path exists.
// The whole file is written in one transaction.
func Write(ctx context.Context, path string, srsID int, layers []Layer) error {
	if srsID != EPSG4326 && srsID != EPSG27700 {
		return placeplan.Errorf(placeplan.EUNSUPPORTED, "geopackage: EPSG:%d: write EPSG:27700 or EPSG:4326", srsID)
	}
	if _, err := os.Stat(path); err == nil {
		return placeplan.Errorf(placeplan.ECONFLICT, "geopackage %s: already exists", path)
	}
	db, err := sql.Open("sqlite3", "file:"+escapeURIPath(path)+"?_txlock=immediate")
	if err != nil {
		return fmt.Errorf("geopackage %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := write(ctx, db, srsID, layers); err != nil {
		db.Close()
		os.Remove(path)
		return fmt.Errorf("geopackage %s: %w", path, err)
	}
	return db.Close()
}

func write(ctx context.Context, db *sql.DB, srsID int, layers []Layer) error {
	// application_id "GPKG" and user_version 10300 say GeoPackage 1.3.
	for _, pragma := range []string{"PRAGMA application_id = 1196444487", "PRAGMA user_version = 10300"} {
		if _, err := db.ExecContext(ctx, pragma); err != nil {
			return err
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range []string{
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
			organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
			description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
			min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
			CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
			srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
			CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
			CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
			CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	for _, s := range srsRows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)`, s.name, s.id, s.org, s.code, s.def, s.desc); err != nil {
			return err
		}
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	for _, l := range layers {
		if err := writeLayer(ctx, tx, srsID, l, now); err != nil {
			return fmt.Errorf("layer %s: %w", l.Name, err)
		}
	}
	return tx.Commit()
}

func writeLayer(ctx context.Context, tx *sql.Tx, srsID int, l Layer, now string) error {
	cols := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"}
	spatial := l.Geometry != nil
	if spatial {
		cols = append(cols, "geom "+l.GeometryType)
	}
	for _, c := range l.Columns {
		cols = append(cols, quoteIdent(c.Name)+" "+c.Type)
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE "+quoteIdent(l.Name)+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return err
	}
	names := make([]string, 0, len(l.Columns)+1)
	marks := make([]string, 0, len(l.Columns)+1)
	if spatial {
		names, marks = append(names, "geom"), append(marks, "?")
	}
	for _, c := range l.Columns {
		names, marks = append(names, quoteIdent(c.Name)), append(marks, "?")
	}
	ins, err := tx.PrepareContext(ctx, "INSERT INTO "+quoteIdent(l.Name)+" ("+strings.Join(names, ", ")+") VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, row := range l.Rows {
		args := make([]any, 0, len(row)+1)
		if spatial {
			var blob []byte
			if g := l.Geometry[i]; g != nil {
				if blob, err = encodeGeometry(g, srsID); err != nil {
					return fmt.Errorf("row %d: %w", i+1, err)
				}
				bound = bound.Union(g.Bound())
			}
			args = append(args, blob)
		}
		args = append(args, row...)
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	kind := "attributes"
	var minX, minY, maxX, maxY, srs any
	if spatial {
		kind, srs = "features", srsID
		if !math.IsInf(bound.Min[0], 1) {
			minX, minY, maxX, maxY = bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,
		min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.Name, kind, l.Title, l.Description, now, minX, minY, maxX, maxY, srs); err != nil {
		return err
	}
	if spatial {
		if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, l.Name, l.GeometryType, srsID); err != nil {
			return err
		}
	}
	return nil
}

// encodeGeometry encodes g as GeoPackage binary: the "GP" header with
// version 0, little-endian flags, an xy envelope and srsID, then ISO WKB.
func encodeGeometry(g orb.Geometry, srsID int) ([]byte, error) {
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	b := g.Bound()
	out := make([]byte, 0, 8+32+len(body))
	out = append(out, 'G', 'P', 0, 0b0000_0011) // envelope [minx, maxx, miny, maxy]; little-endian
	out = binary.LittleEndian.AppendUint32(out, uint32(int32(srsID)))
	for _, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	return append(out, body...), nil
}
