package auth

import (
	"fmt"

	"placeplan"
)

// Role is what a user may do. Roles are ordered, each including the ones
// below it: admin ⊇ approver ⊇ analyst ⊇ viewer.
//
//   - viewer: maps, layers, scenarios and reports — reading only.
//   - analyst: also ingests data, creates and edits scenarios and runs
//     analyses.
//   - approver: also approves a scenario revision for a board.
//   - admin: also manages users, tokens, settings and the audit trail.
//
// An approver includes analyst: in a council the person who puts a
// scenario to a board (a head of service, a public-health consultant) is
// the one who reviews and adjusts it first, and one ordered scale keeps
// every route's check a single comparison (Allows). Keeping an approver
// from approving a revision they saved themselves, where a council wants
// that separation, is a rule of the approval use case, not of the roles.
type Role string

// The roles, from least to most.
const (
	Viewer   Role = "viewer"
	Analyst  Role = "analyst"
	Approver Role = "approver"
	Admin    Role = "admin"
)

// Roles returns every role, from least to most.
func Roles() []Role { return []Role{Viewer, Analyst, Approver, Admin} }

// rank is the role's place in the order, 0 for a role that is not one.
func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Analyst:
		return 2
	case Approver:
		return 3
	case Admin:
		return 4
	}
	return 0
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether a user with role r may do what needs role
// required. An invalid role allows nothing and an invalid requirement is
// allowed to no one.
func (r Role) Allows(required Role) bool {
	return r.Valid() && required.Valid() && r.rank() >= required.rank()
}

// String returns the role's name.
func (r Role) String() string { return string(r) }

// ParseRole returns the role named s ("viewer", "analyst", "approver" or
// "admin", exactly so), or an EINVALID error naming the roles.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Valid() {
		return r, nil
	}
	return "", placeplan.Errorf(placeplan.EINVALID, "role %q: use %s", s, roleNames())
}

func roleNames() string {
	rs := Roles()
	out := ""
	for i, r := range rs {
		switch {
		case i == 0:
		case i == len(rs)-1:
			out += " or "
		default:
			out += ", "
		}
		out += fmt.Sprint(r)
	}
	return out
}
