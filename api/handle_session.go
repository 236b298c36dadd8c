package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/auth"
	"placeplan/wire"
)

// sessionDoc answers GET and POST /api/v1/session: who is signed in, and
// what the page needs to act for them.
type sessionDoc struct {
	SignedIn bool   `json:"signed_in"`
	User     string `json:"user,omitempty"`
	Role     string `json:"role,omitempty"`
	Via      string `json:"via,omitempty"` // session, token, proxy, local or public
	Mode     string `json:"mode"`          // sign-in, local or public
	// CSRFToken is what the page sends in X-CSRF-Token with every write
	// while signed in by cookie.
	CSRFToken string   `json:"csrf_token,omitempty"`
	Methods   []string `json:"methods"` // the ways to sign in here: password, oidc, token
	// SSOName names the single sign-on provider for the sign-in page's
	// button ("Sign in with Shropshire Council"); SSOLogin is where it
	// goes (add return=PATH to come back there).
	SSOName  string   `json:"sso_name,omitempty"`
	SSOLogin string   `json:"sso_login,omitempty"`
	Roles    []string `json:"roles"` // every role, from least to most
}

func (s *Server) sessionDocOf(p principal, ok bool) sessionDoc {
	d := sessionDoc{Mode: s.cfg.Auth.Mode.String(), Methods: []string{}, Roles: []string{}}
	for _, r := range auth.Roles() {
		d.Roles = append(d.Roles, string(r))
	}
	if s.cfg.Auth.Mode == AuthSignIn && s.cfg.Auth.Accounts != nil {
		d.Methods = append(d.Methods, "password")
		if o := s.cfg.Auth.OIDC; o != nil {
			d.Methods = append(d.Methods, "oidc")
			d.SSOName, d.SSOLogin = o.cfg.Name, "/auth/oidc/login"
		}
		d.Methods = append(d.Methods, "token")
	}
	if ok {
		d.SignedIn, d.User, d.Role, d.Via = true, p.User, string(p.Role), p.Via
		if p.Via == "session" {
			d.CSRFToken = auth.CSRFToken(p.session)
		}
	}
	return d
}

// handleSession answers GET /api/v1/session: who is signed in, if anyone
// (never 401: the page asks to know whether to show the sign-in form).
func (s *Server) handleSession(c echo.Context) error {
	p, ok := principalOf(c)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, s.sessionDocOf(p, ok))
}

// signInRequest is the body of POST /api/v1/session.
type signInRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// maxSignInBytes bounds a sign-in body: a name and a password.
const maxSignInBytes = 4 << 10

// handleSignIn answers POST /api/v1/session with {"name", "password"} as
// JSON: on success a new session (any old one of this browser ended), its
// cookie and the session document (201); a wrong name or password, or a
// locked account, is 401 and says nothing of which.
func (s *Server) handleSignIn(c echo.Context) error {
	req := c.Request()
	if err := s.checkBrowserWrite(req, "sign-in"); err != nil {
		return err
	}
	acc := s.cfg.Auth.Accounts
	if s.cfg.Auth.Mode != AuthSignIn || acc == nil {
		return placeplan.Errorf(placeplan.ECONFLICT, "this server has no sign-in: it runs in %s mode", s.cfg.Auth.Mode)
	}
	var in signInRequest
	if err := readJSONBody(c, &in, maxSignInBytes); err != nil {
		return err
	}
	u, err := acc.SignIn(req.Context(), in.Name, in.Password, c.RealIP())
	if err != nil {
		return err
	}
	id, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.sessionDocOf(principal{User: u.Name, Role: u.Role, Via: "session", session: id}, true))
}

// handleSignOut answers DELETE /api/v1/session: the server forgets the
// session, so the cookie is worthless even if kept, and the browser is
// told to drop it (204). Signed in another way, there is nothing to end.
func (s *Server) handleSignOut(c echo.Context) error {
	p, _ := principalOf(c)
	if p.Via == "session" {
		if err := s.cfg.Auth.Accounts.EndSession(c.Request().Context(), actorOf(c), p.session); err != nil {
			return err
		}
		s.clearSessionCookie(c)
	}
	return c.NoContent(http.StatusNoContent)
}

// handleAudit answers GET /api/v1/audit[?since=DATE][&f=json|csv]:
// the audit trail, oldest first, for admins.
func (s *Server) handleAudit(c echo.Context) error {
	acc := s.cfg.Auth.Accounts
	if acc == nil {
		return notFoundf("this server keeps no audit trail: it runs without accounts")
	}
	since, err := wire.ParseSince(c.QueryParam("since"))
	if err != nil {
		return err
	}
	csv, err := wantsCSV(c)
	if err != nil {
		return err
	}
	entries, err := acc.Audit(c.Request().Context(), since)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if csv {
		return writeCSV(c, "audit", wire.AuditTable(wire.NewAudit(entries)))
	}
	return c.JSON(http.StatusOK, wire.NewAudit(entries))
}

// readJSONBody decodes a small JSON object body of at most limit bytes
// into v; unknown members are refused, so that a typo is not ignored.
func readJSONBody(c echo.Context, v any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, limit))
	if err != nil {
		return invalidf("the body must be JSON of at most %d bytes: %v", limit, err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalidf("the body is not the JSON object wanted: %v", err)
	}
	return nil
}
