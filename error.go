// Package placeplan holds what every part of placeplan shares: the application
// error type and its codes. Domain packages (geo, scoring, data) return
// *Error values so that the CLI and the HTTP layer can each map one code to
// an exit status or an HTTP status in one place.
package placeplan

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status; the CLI maps each to
// one exit code.
const (
	EINVALID      = "invalid"      // bad input: a file, a flag or a request body
	ENOTFOUND     = "not_found"    // a dataset, area, locality or layer that does not exist
	ECONFLICT     = "conflict"     // the request clashes with what is stored
	EPRECONDITION = "precondition" // a stale revision (If-Match)
	EINTERNAL     = "internal"     // a bug or an environment failure; details are never shown to clients
	EUNSUPPORTED  = "unsupported"  // a recognised format or option placeplan does not handle
	EBUSY         = "busy"         // the database is locked by another writer past the wait, or the server has all the analyses it takes: try again
	ESTORAGE      = "storage"      // the database cannot be read or written: disk full, read-only, I/O error, damaged
	EUNAUTHORIZED = "unauthorized" // no credentials, or ones that are wrong, expired or revoked
	EFORBIDDEN    = "forbidden"    // credentials that are good but whose role or scope does not allow this
)

// Error is placeplan's application error: a code, a lower-case message that
// names what was wrong (file, line, column, area code), and optionally the
// error it wraps.
type Error struct {
	Code    string
	Message string
	Err     error
	// Details are facts about the error that a program can act on, by
	// name: for a stale revision, the current one and who saved it. The
	// HTTP layer sends them as extension members of the problem document;
	// values are strings, numbers or booleans. Nil for most errors.
	Details map[string]any

	// included is set when Message already contains Err's text (Errorf
	// with %w), so Error does not repeat it.
	included bool
}

// Error returns the message followed by the wrapped error, if any.
func (e *Error) Error() string {
	switch {
	case e.Message == "" && e.Err != nil:
		return e.Err.Error()
	case e.Err != nil && !e.included:
		return e.Message + ": " + e.Err.Error()
	default:
		return e.Message
	}
}

// Unwrap returns the wrapped error so errors.Is and errors.As see through it.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code. A %w verb in format wraps
// its operand as usual.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	inner := errors.Unwrap(err)
	return &Error{Code: code, Message: err.Error(), Err: inner, included: inner != nil}
}

// Wrap returns err as an *Error with the given code and a context message.
// It returns nil when err is nil.
func Wrap(code string, err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorDetails returns the Details of the first *Error in err's chain that
// has any, or nil. Details set on an inner error survive wrapping.
func ErrorDetails(err error) map[string]any {
	for ; err != nil; err = errors.Unwrap(err) {
		if e, ok := err.(*Error); ok && len(e.Details) > 0 {
			return e.Details
		}
	}
	return nil
}

// ErrorMessage returns the message that may be shown to a user: the full
// text for application errors, a fixed text for internal ones.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if ErrorCode(err) != EINTERNAL {
		return err.Error()
	}
	return "internal error"
}
