-- Encoded vector tiles kept across restarts (issue 10, item 8), as an
-- MBTiles file keeps them: the low zooms of the areas cover most of
-- England in a few tiles, and the basemap's layers wait for a dissolve of
-- every district, so a map's first tiles after a start would take seconds
-- to encode. A tile set is one layer ("areas/lsoa11/suppress-below-5") at
-- one data revision with one property filter (fields, "" for every
-- property) over a range of zooms, stored whole or not at all: every tile
-- of the range that holds a feature has a row (gzipped MVT), and a tile of
-- the range without a row has no features (answered 204). Sets of older
-- data revisions are never served and are deleted when a newer revision's
-- are stored.
CREATE TABLE tile_sets (
	layer         TEXT NOT NULL CHECK (length(layer) BETWEEN 1 AND 200),
	data_revision INTEGER NOT NULL CHECK (data_revision >= 0),
	fields        TEXT NOT NULL,
	min_zoom      INTEGER NOT NULL CHECK (min_zoom BETWEEN 0 AND 24),
	max_zoom      INTEGER NOT NULL CHECK (max_zoom BETWEEN min_zoom AND 24),
	created_at    TEXT NOT NULL,
	PRIMARY KEY (layer, data_revision, fields)
) WITHOUT ROWID;

CREATE TABLE tiles (
	layer         TEXT NOT NULL,
	data_revision INTEGER NOT NULL,
	fields        TEXT NOT NULL,
	z             INTEGER NOT NULL CHECK (z BETWEEN 0 AND 24),
	x             INTEGER NOT NULL CHECK (x >= 0 AND x < (1 << z)),
	y             INTEGER NOT NULL CHECK (y >= 0 AND y < (1 << z)),
	tile          BLOB NOT NULL CHECK (length(tile) > 0),
	PRIMARY KEY (layer, data_revision, fields, z, x, y),
	FOREIGN KEY (layer, data_revision, fields) REFERENCES tile_sets (layer, data_revision, fields) ON DELETE CASCADE
) WITHOUT ROWID;
