package placeplan

import "time"

// The records of the scenario registry, as the store keeps them and the
// registry use cases (package scenario) read them.

// ScenarioRecord is one scenario of the registry as it stands now.
type ScenarioRecord struct {
	ID       string // the slug that names the scenario in URLs and on the command line
	Name     string // the name at the current revision
	Revision int    // the current revision, 1 for a scenario never updated
	Archived bool
	// ArchivedAt, ArchivedBy and ArchiveNote say when, by whom and why the
	// scenario was archived; they are zero unless Archived.
	ArchivedAt  time.Time
	ArchivedBy  string
	ArchiveNote string
	CreatedAt   time.Time // when revision 1 was saved (UTC)
	UpdatedAt   time.Time // when the current revision was saved (UTC)
	Author      string    // who saved the current revision
}

// ScenarioRevision is one immutable revision of a scenario: the document as
// the caller saved it (the exact bytes), the scenario's name at that
// revision, who saved it and when, their note, and their summary of what
// changed from the revision before ("created" for revision 1).
type ScenarioRevision struct {
	ScenarioID string
	Revision   int
	Name       string
	Document   []byte // JSON, byte for byte as saved
	Author     string
	Note       string
	Changes    string
	CreatedAt  time.Time // UTC
}

// Approval is a scenario revision approved for a board: by whom, when, for
// which committee and meeting. Approvals are never changed or withdrawn; a
// change to the scenario makes a new revision without one.
type Approval struct {
	ScenarioID  string
	Revision    int
	Committee   string    // such as "Health and Wellbeing Board"
	MeetingDate time.Time // the meeting's day, UTC midnight
	By          string    // the approver
	At          time.Time // UTC
	Note        string
}
