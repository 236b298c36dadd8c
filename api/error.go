package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/data"
)

// problemContentType is the media type of RFC 9457 problem documents.
const problemContentType = "application/problem+json"

// problem is an RFC 9457 problem document. Type is always "about:blank",
// so Title is the HTTP status phrase; Code and RequestID are extension
// members that let a client branch on the error and quote the request.
// Extensions are further members from the error's Details (such as the
// current revision of a stale scenario), written beside the others.
type problem struct {
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Status     int            `json:"status"`
	Detail     string         `json:"detail,omitempty"`
	Instance   string         `json:"instance,omitempty"`
	Code       string         `json:"code,omitempty"`
	RequestID  string         `json:"request_id,omitempty"`
	Extensions map[string]any `json:"-"`
}

// MarshalJSON writes the problem's members, then its extension members
// in name order; an extension never replaces a member of the problem's own.
func (p problem) MarshalJSON() ([]byte, error) {
	type members problem // without this method
	base, err := marshalNoEscape(members(p))
	if err != nil {
		return nil, err
	}
	ext := make(map[string]any, len(p.Extensions))
	for k, v := range p.Extensions {
		switch k {
		case "type", "title", "status", "detail", "instance", "code", "request_id":
		default:
			ext[k] = v
		}
	}
	if len(ext) == 0 {
		return base, nil
	}
	more, err := marshalNoEscape(ext)
	if err != nil {
		return nil, err
	}
	// Splice {"type":…} and {"changed_by":…} into one object.
	return append(append(base[:len(base)-1], ','), more[1:]...), nil
}

// marshalNoEscape is json.Marshal without HTML escaping and without the
// trailing newline of an Encoder.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// statusOf maps a placeplan error code to its HTTP status. It is the only
// place that does.
func statusOf(code string) int {
	switch code {
	case placeplan.EINVALID:
		return http.StatusBadRequest
	case placeplan.ENOTFOUND:
		return http.StatusNotFound
	case placeplan.ECONFLICT:
		return http.StatusConflict
	case placeplan.EPRECONDITION:
		return http.StatusPreconditionFailed
	case placeplan.EUNSUPPORTED:
		return http.StatusUnprocessableEntity
	case placeplan.EBUSY, placeplan.ESTORAGE:
		return http.StatusServiceUnavailable
	case placeplan.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case placeplan.EFORBIDDEN:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// codeOfStatus is the code of a problem whose status was chosen without a
// placeplan error (the router's 404 and 405, a handler's 428, the body
// limit's 413), so that every problem has one: the code statusOf maps to
// that status (the first, for 503), else the nearest of the codes.
func codeOfStatus(status int) string {
	for _, code := range []string{placeplan.EINVALID, placeplan.ENOTFOUND, placeplan.ECONFLICT, placeplan.EPRECONDITION,
		placeplan.EUNSUPPORTED, placeplan.EBUSY, placeplan.EUNAUTHORIZED, placeplan.EFORBIDDEN} {
		if statusOf(code) == status {
			return code
		}
	}
	switch {
	case status == http.StatusPreconditionRequired:
		return placeplan.EPRECONDITION
	case status == http.StatusMethodNotAllowed, status == http.StatusUnsupportedMediaType, status == http.StatusNotAcceptable:
		return placeplan.EUNSUPPORTED
	case status == http.StatusTooManyRequests:
		return placeplan.EBUSY
	case status >= 500:
		return placeplan.EINTERNAL
	}
	return placeplan.EINVALID // 413 and any other 4xx: the request is at fault
}

// handleError is the router's one error handler: it turns any error a
// handler, middleware or the router returns into a problem document, and
// logs server-side failures (once, here).
func (s *Server) handleError(err error, c echo.Context) {
	req := c.Request()
	if c.Response().Committed {
		// Too late for a problem document: the status line has gone.
		s.logger.LogAttrs(req.Context(), slog.LevelError, "error after response started",
			slog.String("request_id", requestIDOf(c)), slog.Any("err", err))
		return
	}
	p := problem{Type: "about:blank", Instance: req.URL.Path, RequestID: requestIDOf(c)}

	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		// The router's 404 and 405, or a status chosen by a handler.
		p.Status = he.Code
		p.Code = codeOfStatus(he.Code)
		switch he.Code {
		case http.StatusNotFound:
			p.Detail = fmt.Sprintf("nothing at %s", req.URL.Path)
		case http.StatusMethodNotAllowed:
			p.Detail = fmt.Sprintf("%s is not allowed on %s", req.Method, req.URL.Path)
			if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
				p.Detail += "; allowed: " + allow
			}
		default:
			if msg, ok := he.Message.(string); ok && msg != http.StatusText(he.Code) {
				p.Detail = msg
			}
		}
		if he.Code >= 500 {
			s.logger.LogAttrs(req.Context(), slog.LevelError, "request failed",
				slog.String("request_id", p.RequestID), slog.Int("status", he.Code), slog.Any("err", he.Internal))
		}
	case errors.Is(err, context.Canceled) && req.Context().Err() != nil:
		// The client went away; nobody will read the answer.
		p.Status = http.StatusServiceUnavailable
		p.Detail = "request cancelled"
	default:
		err = data.StorageError(err)
		code := placeplan.ErrorCode(err)
		p.Status = statusOf(code)
		p.Code = code
		p.Detail = placeplan.ErrorMessage(err)
		switch {
		case p.Status < 500:
			p.Extensions = placeplan.ErrorDetails(err)
		case code == placeplan.EBUSY || code == placeplan.ESTORAGE:
			// Storage the operator must look at, or a server busy with
			// other work: said plainly; worth a retry when busy.
			if code == placeplan.EBUSY {
				c.Response().Header().Set("Retry-After", "2")
			}
			s.logger.LogAttrs(req.Context(), slog.LevelWarn, "unavailable",
				slog.String("request_id", p.RequestID), slog.String("code", code), slog.Any("err", err))
		default:
			p.Detail = "internal error; quote request id " + p.RequestID
			s.logger.LogAttrs(req.Context(), slog.LevelError, "request failed",
				slog.String("request_id", p.RequestID), slog.Any("err", err))
		}
	}
	p.Title = http.StatusText(p.Status)
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="placeplan"`)
	}

	h := c.Response().Header()
	h.Del("ETag") // an error is not the representation the tag names
	h.Set("Cache-Control", "no-store")
	// For HEAD the same headers; the server drops the body.
	h.Set(echo.HeaderContentType, problemContentType)
	if err := c.JSON(p.Status, p); err != nil {
		s.logger.LogAttrs(req.Context(), slog.LevelWarn, "write problem", slog.Any("err", err))
	}
}

// invalidf returns a placeplan EINVALID error: the request is at fault.
func invalidf(format string, args ...any) error {
	return placeplan.Errorf(placeplan.EINVALID, format, args...)
}

// notFoundf returns a placeplan ENOTFOUND error.
func notFoundf(format string, args ...any) error {
	return placeplan.Errorf(placeplan.ENOTFOUND, format, args...)
}
