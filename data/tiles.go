package data

import (
	"context"
	"fmt"

	"placeplan"
	"placeplan/geo/tile"
)

// Encoded tiles kept across restarts (migration 0003_tiles.sql): the tile
// layers' zooms that take longest to encode, stored per data revision in
// whole sets, so that the first tile after a start is read, not built.
// Tiles are named by tile.CacheKey: layer, data revision, fields filter
// and z/x/y; a scenario's tiles are never stored (scenario revisions are
// not data revisions).

// Tile returns the stored tile of k and true when a set of its layer,
// revision and fields covers its zoom: the tile's bytes, or an empty,
// non-nil slice for a tile of the set with no features. It returns nil
// and false when no set covers k (and for a scenario's tile).
func (s *Store) Tile(ctx context.Context, k tile.CacheKey) ([]byte, bool, error) {
	if s.public {
		return nil, false, nil // made with every indicator, confidential ones included
	}
	if k.Scenario != "" {
		return nil, false, nil
	}
	var out []byte
	var covered bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tile_sets
			WHERE layer = ?1 AND data_revision = ?2 AND fields = ?3 AND ?4 BETWEEN min_zoom AND max_zoom),
		(SELECT tile FROM tiles WHERE layer = ?1 AND data_revision = ?2 AND fields = ?3 AND z = ?4 AND x = ?5 AND y = ?6)`,
		k.Layer, k.Revision, k.Fields, k.Z, k.X, k.Y).Scan(&covered, &out)
	if err != nil {
		return nil, false, fmt.Errorf("stored tile %s %d/%d/%d: %w", k.Layer, k.Z, k.X, k.Y, err)
	}
	if !covered {
		return nil, false, nil
	}
	if out == nil {
		out = []byte{}
	}
	return out, true, nil
}

// TileSets returns the sets of tiles stored for layer ("" for every
// layer), by layer, revision and fields.
func (s *Store) TileSets(ctx context.Context, layer string) ([]tile.StoredSet, error) {
	if s.public {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT s.layer, s.data_revision, s.fields, s.min_zoom, s.max_zoom,
			(SELECT count(*) FROM tiles t WHERE t.layer = s.layer AND t.data_revision = s.data_revision AND t.fields = s.fields)
		FROM tile_sets s WHERE ?1 = '' OR s.layer = ?1 ORDER BY s.layer, s.data_revision, s.fields`, layer)
	if err != nil {
		return nil, fmt.Errorf("stored tile sets: %w", err)
	}
	defer rows.Close()
	var out []tile.StoredSet
	for rows.Next() {
		var ts tile.StoredSet
		if err := rows.Scan(&ts.Layer, &ts.Revision, &ts.Fields, &ts.MinZoom, &ts.MaxZoom, &ts.Tiles); err != nil {
			return nil, fmt.Errorf("stored tile sets: %w", err)
		}
		out = append(out, ts)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stored tile sets: %w", err)
	}
	return out, nil
}

// PutTileSet stores one whole set of tiles in one transaction: set names
// its layer, revision, fields and zooms (its Tiles is ignored), and tiles
// are every tile of those zooms that holds features (an empty one may be
// given: it is left out, as every tile of the set without a row is empty).
// It replaces a set stored under the same name and deletes every set of
// an older data revision. The revision must be the store's current one: a
// set encoded before an ingest and put after it is refused with
// ECONFLICT, so no tile of older data is kept for a newer revision. A
// tile outside the set, or any key of a scenario, is EINVALID.
func (s *Store) PutTileSet(ctx context.Context, set tile.StoredSet, tiles []tile.Stored) error {
	if set.Layer == "" || set.MinZoom > set.MaxZoom || set.MaxZoom > tile.MaxZoom || set.Revision < 0 {
		return placeplan.Errorf(placeplan.EINVALID, "store tiles: no tile set %q zooms %d to %d", set.Layer, set.MinZoom, set.MaxZoom)
	}
	for _, t := range tiles {
		switch k := t.Key; {
		case k.Scenario != "":
			return placeplan.Errorf(placeplan.EINVALID, "store tiles: tile %s %d/%d/%d is of scenario %q; scenario tiles are not stored",
				k.Layer, k.Z, k.X, k.Y, k.Scenario)
		case k.Layer != set.Layer || k.Revision != set.Revision || k.Fields != set.Fields || k.Z < set.MinZoom || k.Z > set.MaxZoom:
			return placeplan.Errorf(placeplan.EINVALID, "store tiles: tile %s %d/%d/%d of revision %d is not of the set %s at revision %d",
				k.Layer, k.Z, k.X, k.Y, k.Revision, set.Layer, set.Revision)
		case k.X >= 1<<k.Z || k.Y >= 1<<k.Z:
			return placeplan.Errorf(placeplan.EINVALID, "store tiles: no tile %d/%d/%d", k.Z, k.X, k.Y)
		}
	}
	what := fmt.Sprintf("store tiles of %s at revision %d", set.Layer, set.Revision)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	var current int64
	if err := tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'`).Scan(&current); err != nil {
		return fmt.Errorf("%s: read data revision: %w", what, err)
	}
	if current != set.Revision {
		return placeplan.Errorf(placeplan.ECONFLICT, "%s: the data is at revision %d", what, current)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tile_sets
		WHERE data_revision < ? OR (layer = ? AND data_revision = ? AND fields = ?)`, set.Revision, set.Layer, set.Revision, set.Fields); err != nil {
		return fmt.Errorf("%s: delete older sets: %w", what, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tile_sets (layer, data_revision, fields, min_zoom, max_zoom, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, set.Layer, set.Revision, set.Fields, set.MinZoom, set.MaxZoom, s.now().Format(scenarioTime)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO tiles (layer, data_revision, fields, z, x, y, tile) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer stmt.Close()
	for _, t := range tiles {
		if len(t.Data) == 0 {
			continue
		}
		k := t.Key
		if _, err := stmt.ExecContext(ctx, k.Layer, k.Revision, k.Fields, k.Z, k.X, k.Y, t.Data); err != nil {
			return fmt.Errorf("%s: tile %d/%d/%d: %w", what, k.Z, k.X, k.Y, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// DeleteTiles deletes every stored tile set. They are a cache of what the
// tile layers give: without them a server encodes its first tiles again,
// and stores them again once its layers are built.
func (s *Store) DeleteTiles(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tile_sets`); err != nil {
		return fmt.Errorf("delete stored tiles: %w", err)
	}
	return nil
}
