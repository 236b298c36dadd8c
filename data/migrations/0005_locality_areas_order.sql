-- locality_areas again, with its primary key's columns declared first.
-- SQLite 3.40 (Debian 12's sqlite3) misreads a WITHOUT ROWID table whose
-- non-key column is declared between its key columns: its PRAGMA
-- integrity_check reports "NULL value in locality_areas.geography" on every
-- row, though none is NULL, so an operator checking a database with the
-- stock tool saw corruption. The rows are copied unchanged.
CREATE TABLE locality_areas_ordered (
	locality_id INTEGER NOT NULL REFERENCES localities (id) ON DELETE CASCADE,
	area_code   TEXT NOT NULL,
	geography   TEXT NOT NULL,
	PRIMARY KEY (locality_id, area_code),
	FOREIGN KEY (geography, area_code) REFERENCES areas (geography, code)
) WITHOUT ROWID;

INSERT INTO locality_areas_ordered (locality_id, area_code, geography)
	SELECT locality_id, area_code, geography FROM locality_areas;

DROP TABLE locality_areas;

ALTER TABLE locality_areas_ordered RENAME TO locality_areas;
