package placeplan

import "time"

// AuditEntry is one entry of the audit trail: who did what, to what, when
// and from where. The trail is append-only; the store numbers entries in
// order (Seq) and refuses to change or delete one.
type AuditEntry struct {
	Seq    int64     // set by the store
	At     time.Time // UTC; the store's clock when zero
	Actor  string    // who: a user name, or "cli:" and the OS user for the command line
	Action string    // what, from the Audit… constants: "user.add", "token.revoke", …
	Target string    // to what: a user name, a token id, a scenario id
	Detail string    // a short description of the change, in words ("role analyst → admin")
	Remote string    // from where: the client's address for HTTP, "" on the command line
}

// Actor is who makes a change and from where, as the audit trail records
// them.
type Actor struct {
	Name   string // a user name, or "cli:" and the OS user
	Remote string // the client's address, "" on the command line
}

// The actions of the audit trail.
const (
	AuditUserAdd         = "user.add"
	AuditUserRole        = "user.role"
	AuditUserDisable     = "user.disable"
	AuditUserPassword    = "user.password"
	AuditTokenCreate     = "token.create"
	AuditTokenRevoke     = "token.revoke"
	AuditSignIn          = "signin"
	AuditSignInFailure   = "signin.failed"
	AuditSignOut         = "signout"
	AuditIngest          = "ingest"
	AuditScenarioCreate  = "scenario.create"
	AuditScenarioUpdate  = "scenario.update"
	AuditScenarioArchive = "scenario.archive"
	AuditScenarioApprove = "scenario.approve"
	AuditExport          = "export"
)
