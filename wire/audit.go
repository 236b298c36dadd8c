package wire

import (
	"time"

	"placeplan"
)

// AuditEntry is one entry of the audit trail, as placeplan audit --format
// json and GET /api/v1/audit give it; At is RFC 3339 in UTC.
type AuditEntry struct {
	Seq    int64  `json:"seq"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Detail string `json:"detail"`
	Remote string `json:"remote"`
}

// NewAudit converts the audit trail, never nil.
func NewAudit(entries []placeplan.AuditEntry) []AuditEntry {
	out := make([]AuditEntry, len(entries))
	for i, e := range entries {
		out[i] = AuditEntry{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Target, e.Detail, e.Remote}
	}
	return out
}

// ParseSince reads the start of an audit query: a day (2026-12-01, from
// its start in UTC) or an RFC 3339 time; "" is the zero time, the whole
// trail. Anything else is EINVALID.
func ParseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, placeplan.Errorf(placeplan.EINVALID, "since %q: give a day (2026-12-01) or an RFC 3339 time (2026-12-01T09:00:00Z)", s)
}
