-- The scenario registry (issue 6). A scenario is a slug id with a chain of
-- immutable revisions numbered 1, 2, 3…; each revision holds the whole
-- scenario document as the caller's canonical JSON, stored as TEXT so the
-- bytes read back are the bytes written (SQLite reads a BLOB given to its
-- JSON functions as JSONB). Scenario writes never touch meta.revision: the
-- data revision and scenario revisions are separate counters.

-- One row per scenario. revision is the current revision; it must name a
-- stored revision when a transaction commits. Scenarios are archived (with
-- who, when and why), never deleted.
CREATE TABLE scenarios (
	id           TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
	revision     INTEGER NOT NULL CHECK (revision >= 1),
	created_at   TEXT NOT NULL,
	archived_at  TEXT,
	archived_by  TEXT NOT NULL DEFAULT '',
	archive_note TEXT NOT NULL DEFAULT '',
	FOREIGN KEY (id, revision) REFERENCES scenario_revisions (scenario_id, revision)
		DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;

-- Every revision ever saved: the scenario's name at that revision, the
-- document, who saved it, when, a short note and a summary of what changed.
CREATE TABLE scenario_revisions (
	scenario_id TEXT NOT NULL REFERENCES scenarios (id),
	revision    INTEGER NOT NULL CHECK (revision >= 1),
	name        TEXT NOT NULL,
	document    TEXT NOT NULL CHECK (json_valid(document)),
	author      TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	changes     TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	PRIMARY KEY (scenario_id, revision)
);

-- Revisions are immutable and numbered without gaps; the database refuses
-- anything else, whatever client writes to it.
CREATE TRIGGER scenario_revisions_numbered BEFORE INSERT ON scenario_revisions
WHEN NEW.revision <> COALESCE((SELECT max(revision) FROM scenario_revisions WHERE scenario_id = NEW.scenario_id), 0) + 1
BEGIN
	SELECT RAISE(ABORT, 'scenario revisions are numbered 1, 2, 3… without gaps');
END;

CREATE TRIGGER scenario_revisions_no_update BEFORE UPDATE ON scenario_revisions
BEGIN
	SELECT RAISE(ABORT, 'scenario revisions are immutable');
END;

CREATE TRIGGER scenario_revisions_no_delete BEFORE DELETE ON scenario_revisions
BEGIN
	SELECT RAISE(ABORT, 'scenario revisions are immutable');
END;

CREATE TRIGGER scenarios_no_delete BEFORE DELETE ON scenarios
BEGIN
	SELECT RAISE(ABORT, 'scenarios are archived, never deleted');
END;

-- Results computed from one scenario revision against one data revision
-- (meta.revision): kind names what was computed ("score", "plan"); result is
-- the caller's bytes (JSON by convention), kept opaque. A cache: rows may be
-- recomputed or pruned, and the first stored for a key is kept.
CREATE TABLE scenario_results (
	scenario_id   TEXT NOT NULL,
	revision      INTEGER NOT NULL,
	data_revision INTEGER NOT NULL CHECK (data_revision >= 0),
	kind          TEXT NOT NULL,
	result        BLOB NOT NULL,
	created_at    TEXT NOT NULL,
	PRIMARY KEY (scenario_id, revision, data_revision, kind),
	FOREIGN KEY (scenario_id, revision) REFERENCES scenario_revisions (scenario_id, revision)
) WITHOUT ROWID;
