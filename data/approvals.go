package data

import (
	"context"
	"fmt"
	"time"

	"placeplan"
)

// Approvals of scenario revisions for a board (migration 0007).

// ApproveScenario records that a revision was approved, and appends by's
// audit entry in the same transaction. ENOTFOUND for an unknown scenario
// or revision, ECONFLICT for an archived scenario or a revision already
// approved for this committee, EINVALID for an empty committee or approver.
func (s *Store) ApproveScenario(ctx context.Context, a placeplan.Approval, by placeplan.Actor) (placeplan.Approval, error) {
	if a.Committee == "" || len(a.Committee) > 200 {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.EINVALID, "scenario %q revision %d: the committee must be 1 to 200 bytes", a.ScenarioID, a.Revision)
	}
	if by.Name == "" {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.EINVALID, "scenario %q revision %d: an approval must say who gives it", a.ScenarioID, a.Revision)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return placeplan.Approval{}, fmt.Errorf("approve scenario %q: %w", a.ScenarioID, err)
	}
	defer tx.Rollback()
	cur, err := scenarioRecord(ctx, tx, a.ScenarioID)
	if err != nil {
		return placeplan.Approval{}, err
	}
	if cur.Archived {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.ECONFLICT, "scenario %q is archived: it cannot be approved", a.ScenarioID)
	}
	if a.Revision < 1 || a.Revision > cur.Revision {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.ENOTFOUND, "scenario %q has no revision %d (its latest is %d)", a.ScenarioID, a.Revision, cur.Revision)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM scenario_approvals WHERE scenario_id = ? AND revision = ? AND committee = ?`,
		a.ScenarioID, a.Revision, a.Committee).Scan(&n); err != nil {
		return placeplan.Approval{}, fmt.Errorf("approve scenario %q: %w", a.ScenarioID, err)
	}
	if n > 0 {
		return placeplan.Approval{}, placeplan.Errorf(placeplan.ECONFLICT, "scenario %q revision %d is already approved for %s", a.ScenarioID, a.Revision, a.Committee)
	}
	a.By, a.At = by.Name, s.now()
	a.MeetingDate = time.Date(a.MeetingDate.Year(), a.MeetingDate.Month(), a.MeetingDate.Day(), 0, 0, 0, 0, time.UTC)
	if _, err := tx.ExecContext(ctx, `INSERT INTO scenario_approvals (scenario_id, revision, committee, meeting_date, approved_by, approved_at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ScenarioID, a.Revision, a.Committee, a.MeetingDate.Format(time.DateOnly), a.By, a.At.Format(scenarioTime), a.Note); err != nil {
		return placeplan.Approval{}, fmt.Errorf("approve scenario %q revision %d: %w", a.ScenarioID, a.Revision, err)
	}
	detail := fmt.Sprintf("revision %d approved for %s on %s", a.Revision, a.Committee, a.MeetingDate.Format(time.DateOnly))
	if a.Note != "" {
		detail += " (" + a.Note + ")"
	}
	if _, err := s.appendAudit(ctx, tx, placeplan.AuditEntry{At: a.At, Actor: by.Name, Remote: by.Remote,
		Action: placeplan.AuditScenarioApprove, Target: a.ScenarioID, Detail: detail}); err != nil {
		return placeplan.Approval{}, err
	}
	if err := tx.Commit(); err != nil {
		return placeplan.Approval{}, fmt.Errorf("approve scenario %q: commit: %w", a.ScenarioID, err)
	}
	return a, nil
}

// ScenarioApprovals returns the approvals of a scenario's revisions (rev 0
// for every revision's), oldest first. ENOTFOUND for an unknown scenario.
func (s *Store) ScenarioApprovals(ctx context.Context, id string, rev int) ([]placeplan.Approval, error) {
	if _, err := scenarioRecord(ctx, s.db, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT revision, committee, meeting_date, approved_by, approved_at, note
		FROM scenario_approvals WHERE scenario_id = ? AND (? = 0 OR revision = ?) ORDER BY approved_at, revision, committee`, id, rev, rev)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: approvals: %w", id, err)
	}
	defer rows.Close()
	var out []placeplan.Approval
	for rows.Next() {
		a := placeplan.Approval{ScenarioID: id}
		var meeting, at string
		if err := rows.Scan(&a.Revision, &a.Committee, &meeting, &a.By, &at, &a.Note); err != nil {
			return nil, fmt.Errorf("scenario %q: approvals: %w", id, err)
		}
		if a.MeetingDate, err = time.Parse(time.DateOnly, meeting); err != nil {
			return nil, fmt.Errorf("scenario %q: approval of revision %d: %w", id, a.Revision, err)
		}
		if a.At, err = time.Parse(scenarioTime, at); err != nil {
			return nil, fmt.Errorf("scenario %q: approval of revision %d: %w", id, a.Revision, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
