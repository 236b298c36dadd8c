-- Approvals for a board (issue 14): an approver marks one scenario
-- revision "approved for <committee> on <date>". A revision is immutable,
-- so what was approved is exactly what the board saw; a change makes a new
-- revision, which has no approval until someone gives it one. Approvals
-- are never changed or withdrawn (the audit trail records each).
CREATE TABLE scenario_approvals (
	scenario_id  TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	committee    TEXT NOT NULL CHECK (length(committee) BETWEEN 1 AND 200),
	meeting_date TEXT NOT NULL CHECK (meeting_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	approved_by  TEXT NOT NULL CHECK (approved_by <> ''),
	approved_at  TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (scenario_id, revision, committee),
	FOREIGN KEY (scenario_id, revision) REFERENCES scenario_revisions (scenario_id, revision)
);

CREATE TRIGGER scenario_approvals_no_update BEFORE UPDATE ON scenario_approvals
BEGIN
	SELECT RAISE(ABORT, 'approvals are never changed');
END;

CREATE TRIGGER scenario_approvals_no_delete BEFORE DELETE ON scenario_approvals
BEGIN
	SELECT RAISE(ABORT, 'approvals are never withdrawn');
END;
