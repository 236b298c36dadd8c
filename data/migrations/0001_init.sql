-- Datasets: one row per ingested file, with its licence and attribution.
CREATE TABLE datasets (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	format      TEXT NOT NULL,
	vintage     TEXT NOT NULL DEFAULT '',
	geography   TEXT NOT NULL DEFAULT '',
	source      TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	publisher   TEXT NOT NULL DEFAULT '',
	licence     TEXT NOT NULL DEFAULT '',
	attribution TEXT NOT NULL DEFAULT '',
	records     INTEGER NOT NULL,
	ingested_at TEXT NOT NULL
);

-- Small areas. Geometry is WKB in WGS84 (EPSG:4326, lon/lat).
CREATE TABLE areas (
	geography      TEXT NOT NULL CHECK (geography IN ('lsoa11', 'lsoa21')),
	code           TEXT NOT NULL,
	name           TEXT NOT NULL DEFAULT '',
	msoa_code      TEXT NOT NULL DEFAULT '',
	lad_code       TEXT NOT NULL DEFAULT '',
	lad_name       TEXT NOT NULL DEFAULT '',
	geometry       BLOB,
	min_lon        REAL,
	min_lat        REAL,
	max_lon        REAL,
	max_lat        REAL,
	point_lon      REAL,
	point_lat      REAL,
	point_kind     TEXT NOT NULL DEFAULT '',
	geometry_issue TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (geography, code)
) WITHOUT ROWID;
CREATE INDEX areas_lad ON areas (geography, lad_code);
CREATE INDEX areas_msoa ON areas (geography, msoa_code);

-- MSOAs with their ONS and House of Commons Library names.
CREATE TABLE msoas (
	geography TEXT NOT NULL,
	code      TEXT NOT NULL,
	name      TEXT NOT NULL DEFAULT '',
	hcl_name  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (geography, code)
) WITHOUT ROWID;

CREATE TABLE indicators (
	id           INTEGER PRIMARY KEY,
	dataset_id   INTEGER NOT NULL REFERENCES datasets (id),
	geography    TEXT NOT NULL,
	key          TEXT NOT NULL,
	name         TEXT NOT NULL,
	unit         TEXT NOT NULL DEFAULT '',
	direction    INTEGER NOT NULL CHECK (direction IN (-1, 1)),
	kind         TEXT NOT NULL,
	denominator  TEXT NOT NULL DEFAULT 'none',
	iod_index    TEXT NOT NULL DEFAULT '',
	vintage      TEXT NOT NULL DEFAULT '',
	confidential INTEGER NOT NULL DEFAULT 0,
	UNIQUE (geography, key)
);

CREATE TABLE indicator_values (
	indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
	area_code    TEXT NOT NULL,
	value        REAL NOT NULL,
	PRIMARY KEY (indicator_id, area_code)
) WITHOUT ROWID;

-- Point layers: candidate and existing sites.
CREATE TABLE sites (
	layer      TEXT NOT NULL,
	id         TEXT NOT NULL,
	dataset_id INTEGER NOT NULL REFERENCES datasets (id),
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT '',
	capacity   REAL,
	lon        REAL NOT NULL,
	lat        REAL NOT NULL,
	properties TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (layer, id)
) WITHOUT ROWID;

CREATE TABLE localities (
	id         INTEGER PRIMARY KEY,
	dataset_id INTEGER NOT NULL REFERENCES datasets (id),
	scheme     TEXT NOT NULL,
	name       TEXT NOT NULL,
	geography  TEXT NOT NULL,
	definition TEXT NOT NULL DEFAULT '',
	UNIQUE (scheme, name, geography)
);

CREATE TABLE locality_areas (
	locality_id INTEGER NOT NULL REFERENCES localities (id) ON DELETE CASCADE,
	geography   TEXT NOT NULL,
	area_code   TEXT NOT NULL,
	PRIMARY KEY (locality_id, area_code),
	FOREIGN KEY (geography, area_code) REFERENCES areas (geography, code)
) WITHOUT ROWID;

-- ONS LSOA 2011 → LSOA 2021 best-fit lookup (change U, S, M, X).
CREATE TABLE lsoa_changes (
	lsoa11 TEXT NOT NULL,
	lsoa21 TEXT NOT NULL,
	change TEXT NOT NULL CHECK (change IN ('U', 'S', 'M', 'X')),
	PRIMARY KEY (lsoa11, lsoa21)
) WITHOUT ROWID;

-- The data revision: incremented by every ingest, so derived responses can
-- carry an ETag that changes when the data does.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('revision', '0');
