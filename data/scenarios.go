package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"placeplan"
)

// The scenario registry stores scenario documents opaquely: package data
// never parses them (package scenario, which imports data, owns the format
// and validates documents against the data before saving them). A scenario
// is a slug id with a chain of immutable revisions numbered 1, 2, 3…; every
// saved change is a new revision, and the scenario row points at the
// current one. Scenario writes never change the data revision (Revision):
// the two counters are separate, and results computed from a scenario are
// cached per (scenario revision, data revision, kind).
//
// Writes open one transaction each; the store's transactions begin
// IMMEDIATE, so a check and the write that depends on it cannot interleave
// with another writer, across connections and across processes sharing the
// database file. Reads are single statements.

// maxScenarioName is the longest scenario name accepted, in characters.
const maxScenarioName = 200

// scenarioTime is how scenario timestamps are stored (UTC).
const scenarioTime = time.RFC3339Nano

// ValidateScenarioID returns nil when id can name a scenario: 1 to 64
// lower-case ASCII letters, digits and hyphens, starting and ending with a
// letter or digit (so an id is never taken for a command-line flag), such as
// "shropshire-five-teams". Otherwise it returns an EINVALID error that says
// why. The same rule applies to result kinds.
func ValidateScenarioID(id string) error {
	return validSlug("scenario id", id)
}

func validSlug(what, s string) error {
	switch {
	case s == "":
		return placeplan.Errorf(placeplan.EINVALID, "empty %s", what)
	case len(s) > 64:
		return placeplan.Errorf(placeplan.EINVALID, "%s %.20q… is %d characters long: at most 64", what, s, len(s))
	case s[0] == '-' || s[len(s)-1] == '-':
		return placeplan.Errorf(placeplan.EINVALID, "%s %q starts or ends with a hyphen", what, s)
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return placeplan.Errorf(placeplan.EINVALID,
				"%s %q: only lower-case letters, digits and hyphens are allowed (like shropshire-five-teams)", what, s)
		}
	}
	return nil
}

// validScenarioName checks a scenario's name and returns it trimmed.
func validScenarioName(id, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", placeplan.Errorf(placeplan.EINVALID, "scenario %q: empty name", id)
	}
	if n := utf8.RuneCountInString(name); n > maxScenarioName || !utf8.ValidString(name) {
		return "", placeplan.Errorf(placeplan.EINVALID, "scenario %q: the name must be UTF-8 text of at most %d characters", id, maxScenarioName)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", placeplan.Errorf(placeplan.EINVALID, "scenario %q: the name contains a control character", id)
	}
	return name, nil
}

// validScenarioDocument checks that doc is a JSON object in UTF-8.
func validScenarioDocument(id string, doc []byte) error {
	switch {
	case len(bytes.TrimSpace(doc)) == 0:
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q: empty document", id)
	case !utf8.Valid(doc):
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q: the document is not UTF-8", id)
	case !json.Valid(doc):
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q: the document is not valid JSON", id)
	case bytes.TrimSpace(doc)[0] != '{':
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q: the document is not a JSON object", id)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx share, so a read can run on its own
// or inside a write's transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// CreateScenario saves a new scenario as revision 1 and returns that
// revision. doc is the scenario document as canonical JSON (a JSON object),
// stored and returned byte for byte; name is trimmed. It returns EINVALID
// for an id that ValidateScenarioID refuses, an empty name or a document
// that is not a JSON object, and ECONFLICT when the id is taken, archived
// scenarios included.
func (s *Store) CreateScenario(ctx context.Context, id, name string, doc []byte, by placeplan.Actor, note string) (placeplan.ScenarioRevision, error) {
	rev, err := s.newScenarioRevision(id, name, doc, by.Name, note)
	if err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("create scenario %q: %w", id, err)
	}
	defer tx.Rollback()
	cur, err := scenarioRecord(ctx, tx, id)
	switch {
	case err == nil:
		archived := ""
		if cur.Archived {
			archived = ", archived"
		}
		return placeplan.ScenarioRevision{}, placeplan.Errorf(placeplan.ECONFLICT,
			"scenario %q already exists (%q, revision %d%s): choose another id", id, cur.Name, cur.Revision, archived)
	case placeplan.ErrorCode(err) != placeplan.ENOTFOUND:
		return placeplan.ScenarioRevision{}, err
	}
	if err := insertScenario(ctx, tx, rev); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if err := s.auditScenario(ctx, tx, by, placeplan.AuditScenarioCreate, rev.CreatedAt, rev, rev.Name); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if err := tx.Commit(); err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("create scenario %q: commit: %w", id, err)
	}
	return rev, nil
}

// EnsureScenario saves a new scenario as revision 1 when no scenario has
// this id, and reports whether it did. It never changes an existing
// scenario, archived or not, so it suits seeding the shipped scenarios at
// every start. Arguments are checked as by CreateScenario even when the
// scenario exists.
func (s *Store) EnsureScenario(ctx context.Context, id, name string, doc []byte, author, note string) (created bool, err error) {
	rev, err := s.newScenarioRevision(id, name, doc, author, note)
	if err != nil {
		return false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("ensure scenario %q: %w", id, err)
	}
	defer tx.Rollback()
	switch _, err := scenarioRecord(ctx, tx, id); {
	case err == nil:
		return false, nil
	case placeplan.ErrorCode(err) != placeplan.ENOTFOUND:
		return false, err
	}
	if err := insertScenario(ctx, tx, rev); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("ensure scenario %q: commit: %w", id, err)
	}
	return true, nil
}

// newScenarioRevision checks a new scenario's arguments and returns its
// revision 1, stamped with the store's clock.
func (s *Store) newScenarioRevision(id, name string, doc []byte, author, note string) (placeplan.ScenarioRevision, error) {
	if err := ValidateScenarioID(id); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	name, err := validScenarioName(id, name)
	if err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if err := validScenarioDocument(id, doc); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	return placeplan.ScenarioRevision{ScenarioID: id, Revision: 1, Name: name, Document: bytes.Clone(doc),
		Author: author, Note: note, Changes: "created", CreatedAt: s.now()}, nil
}

// now is the store's clock in UTC, rounded to what is stored.
func (s *Store) now() time.Time {
	t, _ := time.Parse(scenarioTime, s.Now().UTC().Format(scenarioTime))
	return t
}

// insertScenario inserts a scenario row and its revision 1.
func insertScenario(ctx context.Context, tx *sql.Tx, rev placeplan.ScenarioRevision) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO scenarios (id, revision, created_at) VALUES (?, 1, ?)`,
		rev.ScenarioID, rev.CreatedAt.Format(scenarioTime)); err != nil {
		return fmt.Errorf("create scenario %q: %w", rev.ScenarioID, err)
	}
	return insertScenarioRevision(ctx, tx, rev)
}

// insertScenarioRevision inserts one revision.
func insertScenarioRevision(ctx context.Context, tx *sql.Tx, rev placeplan.ScenarioRevision) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO scenario_revisions
		(scenario_id, revision, name, document, author, note, changes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		rev.ScenarioID, rev.Revision, rev.Name, string(rev.Document), rev.Author, rev.Note, rev.Changes,
		rev.CreatedAt.Format(scenarioTime)); err != nil {
		return fmt.Errorf("scenario %q: save revision %d: %w", rev.ScenarioID, rev.Revision, err)
	}
	return nil
}

// Scenario returns one scenario as it stands, archived or not; ENOTFOUND
// when no scenario has this id.
func (s *Store) Scenario(ctx context.Context, id string) (placeplan.ScenarioRecord, error) {
	return scenarioRecord(ctx, s.db, id)
}

// Scenarios lists the scenarios ordered by id, leaving out archived ones
// unless includeArchived.
func (s *Store) Scenarios(ctx context.Context, includeArchived bool) ([]placeplan.ScenarioRecord, error) {
	rows, err := s.db.QueryContext(ctx, scenarioSelect+` WHERE ? OR s.archived_at IS NULL ORDER BY s.id`, includeArchived)
	if err != nil {
		return nil, fmt.Errorf("list scenarios: %w", err)
	}
	defer rows.Close()
	var out []placeplan.ScenarioRecord
	for rows.Next() {
		r, err := scanScenarioRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("list scenarios: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list scenarios: %w", err)
	}
	return out, nil
}

const scenarioSelect = `SELECT s.id, r.name, s.revision, s.archived_at, s.archived_by, s.archive_note,
	s.created_at, r.created_at, r.author
	FROM scenarios s JOIN scenario_revisions r ON r.scenario_id = s.id AND r.revision = s.revision`

// scenarioRecord reads one scenario; ENOTFOUND when there is none.
func scenarioRecord(ctx context.Context, q querier, id string) (placeplan.ScenarioRecord, error) {
	r, err := scanScenarioRecord(q.QueryRowContext(ctx, scenarioSelect+` WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return placeplan.ScenarioRecord{}, placeplan.Errorf(placeplan.ENOTFOUND, "no scenario %q", id)
	}
	if err != nil {
		return placeplan.ScenarioRecord{}, fmt.Errorf("scenario %q: %w", id, err)
	}
	return r, nil
}

func scanScenarioRecord(row interface{ Scan(...any) error }) (placeplan.ScenarioRecord, error) {
	var r placeplan.ScenarioRecord
	var archivedAt sql.NullString
	var created, updated string
	if err := row.Scan(&r.ID, &r.Name, &r.Revision, &archivedAt, &r.ArchivedBy, &r.ArchiveNote,
		&created, &updated, &r.Author); err != nil {
		return placeplan.ScenarioRecord{}, err
	}
	var err error
	if r.CreatedAt, err = time.Parse(scenarioTime, created); err != nil {
		return placeplan.ScenarioRecord{}, fmt.Errorf("scenario %q: created_at: %w", r.ID, err)
	}
	if r.UpdatedAt, err = time.Parse(scenarioTime, updated); err != nil {
		return placeplan.ScenarioRecord{}, fmt.Errorf("scenario %q: revision %d: created_at: %w", r.ID, r.Revision, err)
	}
	if archivedAt.Valid {
		r.Archived = true
		if r.ArchivedAt, err = time.Parse(scenarioTime, archivedAt.String); err != nil {
			return placeplan.ScenarioRecord{}, fmt.Errorf("scenario %q: archived_at: %w", r.ID, err)
		}
	}
	return r, nil
}

// ScenarioRevision returns one revision of a scenario with its document;
// rev 0 means the current revision. It returns ENOTFOUND, naming the id and
// the revision, when either does not exist, and EINVALID for a negative rev.
// Archived scenarios' revisions stay readable.
func (s *Store) ScenarioRevision(ctx context.Context, id string, rev int) (placeplan.ScenarioRevision, error) {
	if rev < 0 {
		return placeplan.ScenarioRevision{}, placeplan.Errorf(placeplan.EINVALID, "scenario %q: revision %d: revisions start at 1 (0 means the current one)", id, rev)
	}
	r, err := scanScenarioRevision(s.db.QueryRowContext(ctx, revisionSelect+`
		JOIN scenarios s ON s.id = r.scenario_id
		WHERE r.scenario_id = ? AND r.revision = CASE WHEN ? = 0 THEN s.revision ELSE ? END`, id, rev, rev))
	if errors.Is(err, sql.ErrNoRows) {
		cur, err := scenarioRecord(ctx, s.db, id)
		if err != nil {
			return placeplan.ScenarioRevision{}, err
		}
		return placeplan.ScenarioRevision{}, placeplan.Errorf(placeplan.ENOTFOUND,
			"scenario %q has no revision %d: it is at revision %d", id, rev, cur.Revision)
	}
	if err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("scenario %q: revision %d: %w", id, rev, err)
	}
	return r, nil
}

// ScenarioRevisions returns every revision of a scenario, oldest first,
// each with its document: documents are small, and the history is what a
// revision comparison or an audit reads. ENOTFOUND when no scenario has
// this id.
func (s *Store) ScenarioRevisions(ctx context.Context, id string) ([]placeplan.ScenarioRevision, error) {
	rows, err := s.db.QueryContext(ctx, revisionSelect+` WHERE r.scenario_id = ? ORDER BY r.revision`, id)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: revisions: %w", id, err)
	}
	defer rows.Close()
	var out []placeplan.ScenarioRevision
	for rows.Next() {
		r, err := scanScenarioRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("scenario %q: revisions: %w", id, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scenario %q: revisions: %w", id, err)
	}
	if len(out) == 0 {
		return nil, placeplan.Errorf(placeplan.ENOTFOUND, "no scenario %q", id)
	}
	return out, nil
}

const revisionSelect = `SELECT r.scenario_id, r.revision, r.name, r.document, r.author, r.note, r.changes, r.created_at
	FROM scenario_revisions r`

func scanScenarioRevision(row interface{ Scan(...any) error }) (placeplan.ScenarioRevision, error) {
	var r placeplan.ScenarioRevision
	var created string
	if err := row.Scan(&r.ScenarioID, &r.Revision, &r.Name, &r.Document, &r.Author, &r.Note, &r.Changes, &created); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	var err error
	if r.CreatedAt, err = time.Parse(scenarioTime, created); err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("revision %d: created_at: %w", r.Revision, err)
	}
	return r, nil
}

// UpdateScenario saves a new revision of a scenario, started from
// baseRevision (the revision the caller read: the HTTP If-Match), and
// returns it. An empty name keeps the current name; changes is the caller's
// short summary of what changed, note their reason.
//
// The check and the write are one transaction: when baseRevision is not
// the current revision it returns EPRECONDITION and stores nothing, so of
// two updates from the same revision exactly one succeeds. It returns
// ENOTFOUND for an unknown id, ECONFLICT for an archived scenario, and
// EINVALID for a baseRevision below 1 or a document that is not a JSON
// object. When doc and the name equal the current revision's, nothing is
// stored and the current revision is returned (a repeated PUT makes no new
// revision).
func (s *Store) UpdateScenario(ctx context.Context, id string, baseRevision int, name string, doc []byte, by placeplan.Actor, note, changes string) (placeplan.ScenarioRevision, error) {
	if err := ValidateScenarioID(id); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if baseRevision < 1 {
		return placeplan.ScenarioRevision{}, placeplan.Errorf(placeplan.EINVALID,
			"scenario %q: an update must name the revision it starts from (1 or more, not %d)", id, baseRevision)
	}
	if name != "" {
		var err error
		if name, err = validScenarioName(id, name); err != nil {
			return placeplan.ScenarioRevision{}, err
		}
	}
	if err := validScenarioDocument(id, doc); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("update scenario %q: %w", id, err)
	}
	defer tx.Rollback()
	cur, err := writableScenario(ctx, tx, id, baseRevision, "updated")
	if err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if name == "" {
		name = cur.Name
	}
	var curDoc []byte
	if err := tx.QueryRowContext(ctx, `SELECT document FROM scenario_revisions WHERE scenario_id = ? AND revision = ?`,
		id, cur.Revision).Scan(&curDoc); err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("scenario %q: revision %d: %w", id, cur.Revision, err)
	}
	if name == cur.Name && bytes.Equal(curDoc, doc) {
		same, err := scanScenarioRevision(tx.QueryRowContext(ctx, revisionSelect+` WHERE r.scenario_id = ? AND r.revision = ?`, id, cur.Revision))
		if err != nil {
			return placeplan.ScenarioRevision{}, fmt.Errorf("scenario %q: revision %d: %w", id, cur.Revision, err)
		}
		return same, nil
	}
	rev := placeplan.ScenarioRevision{ScenarioID: id, Revision: cur.Revision + 1, Name: name, Document: bytes.Clone(doc),
		Author: by.Name, Note: note, Changes: changes, CreatedAt: s.now()}
	if err := advanceScenario(ctx, tx, id, baseRevision, `revision = ?`, rev.Revision); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if err := insertScenarioRevision(ctx, tx, rev); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if err := s.auditScenario(ctx, tx, by, placeplan.AuditScenarioUpdate, rev.CreatedAt, rev, changes); err != nil {
		return placeplan.ScenarioRevision{}, err
	}
	if err := tx.Commit(); err != nil {
		return placeplan.ScenarioRevision{}, fmt.Errorf("update scenario %q: commit: %w", id, err)
	}
	return rev, nil
}

// ArchiveScenario archives a scenario that is at baseRevision, recording
// who archived it, when and why. Every revision is kept and stays readable;
// an archived scenario leaves the default list, cannot be updated and is
// never unarchived by this API. It makes no new revision. It returns
// EPRECONDITION when baseRevision is not the current revision, ENOTFOUND
// for an unknown id, ECONFLICT when the scenario is already archived, and
// EINVALID for a baseRevision below 1.
func (s *Store) ArchiveScenario(ctx context.Context, id string, baseRevision int, by placeplan.Actor, note string) error {
	if baseRevision < 1 {
		return placeplan.Errorf(placeplan.EINVALID,
			"scenario %q: archiving must name the revision it starts from (1 or more, not %d)", id, baseRevision)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive scenario %q: %w", id, err)
	}
	defer tx.Rollback()
	if _, err := writableScenario(ctx, tx, id, baseRevision, "archived"); err != nil {
		return err
	}
	now := s.now()
	if err := advanceScenario(ctx, tx, id, baseRevision, `archived_at = ?, archived_by = ?, archive_note = ?`,
		now.Format(scenarioTime), by.Name, note); err != nil {
		return err
	}
	if err := s.auditScenario(ctx, tx, by, placeplan.AuditScenarioArchive, now, placeplan.ScenarioRevision{ScenarioID: id, Revision: baseRevision, Note: note}, "archived"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive scenario %q: commit: %w", id, err)
	}
	return nil
}

// auditScenario appends the audit entry of a change to a scenario inside
// the change's transaction: the revision it made or ended at, in words.
func (s *Store) auditScenario(ctx context.Context, tx *sql.Tx, by placeplan.Actor, action string, at time.Time, rev placeplan.ScenarioRevision, what string) error {
	detail := fmt.Sprintf("revision %d: %s", rev.Revision, what)
	if rev.Note != "" {
		detail += " (" + rev.Note + ")"
	}
	if _, err := s.appendAudit(ctx, tx, placeplan.AuditEntry{At: at, Actor: by.Name, Remote: by.Remote, Action: action, Target: rev.ScenarioID, Detail: detail}); err != nil {
		return fmt.Errorf("scenario %q: %w", rev.ScenarioID, err)
	}
	return nil
}

// writableScenario reads a scenario inside a write's transaction and
// refuses the write (what says which: "updated", "archived") when the
// scenario is archived or not at baseRevision.
func writableScenario(ctx context.Context, tx *sql.Tx, id string, baseRevision int, what string) (placeplan.ScenarioRecord, error) {
	cur, err := scenarioRecord(ctx, tx, id)
	if err != nil {
		return placeplan.ScenarioRecord{}, err
	}
	if cur.Archived {
		return placeplan.ScenarioRecord{}, placeplan.Errorf(placeplan.ECONFLICT,
			"scenario %q is archived (since %s): it cannot be %s", id, cur.ArchivedAt.Format(time.DateOnly), what)
	}
	if baseRevision == cur.Revision {
		return cur, nil
	}
	latest, err := scanScenarioRevision(tx.QueryRowContext(ctx, revisionSelect+` WHERE r.scenario_id = ? AND r.revision = ?`, id, cur.Revision))
	if err != nil {
		return placeplan.ScenarioRecord{}, fmt.Errorf("scenario %q: revision %d: %w", id, cur.Revision, err)
	}
	return placeplan.ScenarioRecord{}, staleRevision(latest, baseRevision)
}

// staleRevision is the EPRECONDITION error of a change started from
// revision base when latest is the current revision: it says in words who
// saved which revision when, and carries the current revision, its author,
// time (RFC 3339, UTC), note and changes as Details, so that a client can
// show the other person's change.
func staleRevision(latest placeplan.ScenarioRevision, base int) error {
	var err *placeplan.Error
	if base > latest.Revision {
		err = placeplan.Errorf(placeplan.EPRECONDITION,
			"scenario %q is at revision %d: there is no revision %d to start from; reload it", latest.ScenarioID, latest.Revision, base)
	} else {
		who := "someone else"
		if latest.Author != "" {
			who += " (" + latest.Author + ")"
		}
		err = placeplan.Errorf(placeplan.EPRECONDITION,
			"%s saved revision %d of %q at %s since you opened revision %d: reload and reapply your change",
			who, latest.Revision, latest.ScenarioID, latest.CreatedAt.UTC().Format("15:04 UTC on 2 January 2006"), base)
	}
	err.Details = map[string]any{
		"current_revision": latest.Revision,
		"changed_by":       latest.Author,
		"changed_at":       latest.CreatedAt.UTC().Format(time.RFC3339),
		"note":             latest.Note,
		"changes":          latest.Changes,
	}
	return err
}

// advanceScenario updates the scenario row only while it is still at
// baseRevision and not archived: a second guard, in the statement itself,
// against a concurrent writer.
func advanceScenario(ctx context.Context, tx *sql.Tx, id string, baseRevision int, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE scenarios SET `+set+` WHERE id = ? AND revision = ? AND archived_at IS NULL`,
		append(args, id, baseRevision)...)
	if err != nil {
		return fmt.Errorf("scenario %q: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("scenario %q: %w", id, err)
	}
	if n != 1 {
		return placeplan.Errorf(placeplan.EPRECONDITION,
			"scenario %q changed since revision %d: someone else changed it; reload and reapply your change", id, baseRevision)
	}
	return nil
}

// PutScenarioResult caches a result computed from revision rev (1 or more:
// never "current", which may move while the result is computed) of a
// scenario against data revision dataRevision (Revision, read before the
// computation started). kind names what was computed ("score", "plan") and
// follows ValidateScenarioID's rule; result is opaque bytes, JSON by
// convention. Results are deterministic for their key, so a Put for a key
// already stored does nothing and the first result stays. It returns
// ENOTFOUND when the scenario or revision does not exist (archived ones
// may be cached), and EINVALID for bad arguments or an empty result. On a
// read-only store it keeps nothing and returns nil.
func (s *Store) PutScenarioResult(ctx context.Context, id string, rev int, dataRevision int64, kind string, result []byte) error {
	if err := validResultKey(id, rev, dataRevision, kind); err != nil {
		return err
	}
	if len(result) == 0 {
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q revision %d: empty %s result", id, rev, kind)
	}
	if s.readOnly {
		return nil // a cache: a read-only database keeps none
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("scenario %q revision %d: cache %s result: %w", id, rev, kind, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM scenario_revisions WHERE scenario_id = ? AND revision = ?`,
		id, rev).Scan(&n); err != nil {
		return fmt.Errorf("scenario %q revision %d: cache %s result: %w", id, rev, kind, err)
	}
	if n == 0 {
		if _, err := scenarioRecord(ctx, tx, id); err != nil {
			return err
		}
		return placeplan.Errorf(placeplan.ENOTFOUND, "scenario %q has no revision %d", id, rev)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO scenario_results
		(scenario_id, revision, data_revision, kind, result, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, rev, dataRevision, kind, result, s.now().Format(scenarioTime)); err != nil {
		return fmt.Errorf("scenario %q revision %d: cache %s result: %w", id, rev, kind, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("scenario %q revision %d: cache %s result: commit: %w", id, rev, kind, err)
	}
	return nil
}

// ScenarioResult returns the cached result of kind for revision rev of a
// scenario against data revision dataRevision, and whether there is one. A
// miss, including for an unknown scenario or revision, is (nil, false, nil).
// It returns EINVALID for arguments PutScenarioResult would refuse.
func (s *Store) ScenarioResult(ctx context.Context, id string, rev int, dataRevision int64, kind string) ([]byte, bool, error) {
	if s.public {
		return nil, false, nil // computed from every indicator, confidential ones included
	}
	if err := validResultKey(id, rev, dataRevision, kind); err != nil {
		return nil, false, err
	}
	var out []byte
	err := s.db.QueryRowContext(ctx, `SELECT result FROM scenario_results
		WHERE scenario_id = ? AND revision = ? AND data_revision = ? AND kind = ?`, id, rev, dataRevision, kind).Scan(&out)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("scenario %q revision %d: cached %s result: %w", id, rev, kind, err)
	}
	return out, true, nil
}

// validResultKey checks the key of a cached result.
func validResultKey(id string, rev int, dataRevision int64, kind string) error {
	if err := ValidateScenarioID(id); err != nil {
		return err
	}
	if rev < 1 {
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q: results are cached per revision (1 or more), not %d", id, rev)
	}
	if dataRevision < 0 {
		return placeplan.Errorf(placeplan.EINVALID, "scenario %q revision %d: negative data revision %d", id, rev, dataRevision)
	}
	if err := validSlug("result kind", kind); err != nil {
		return fmt.Errorf("scenario %q revision %d: %w", id, rev, err)
	}
	return nil
}
