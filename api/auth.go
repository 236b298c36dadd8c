package api

import (
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"placeplan"
	"placeplan/accounts"
	"placeplan/auth"
)

// Who may use the server. Every route in the route table names the role
// it needs; authorize, the one middleware every route passes through,
// finds who is asking (an API token, a session cookie, a trusted proxy's
// header, or the local user) and refuses what their role or token may not
// do: 401 without credentials, 403 with the wrong role. It also refuses
// writes that a browser could be tricked into sending from another site.

// AuthMode is how the server knows who is asking.
type AuthMode int

// The modes. The zero value requires sign-in: a server is secure unless
// told otherwise.
const (
	// AuthSignIn: everything but the public routes needs credentials — a
	// session from signing in, an API token, or a trusted proxy's header.
	AuthSignIn AuthMode = iota
	// AuthLocal: one local user, an admin, with no sign-in — for a server
	// bound to a loopback address on a laptop with no users defined. It
	// answers only requests addressed to a loopback name, so that a web
	// page cannot reach it by rebinding its own DNS name to 127.0.0.1.
	AuthLocal
	// AuthPublic: anonymous visitors, read-only, over a store that hides
	// every confidential dataset (data.OpenOptions.Public): a public map of
	// open data. There is no sign-in; every write is refused.
	AuthPublic
)

// String names the mode as GET /api/v1/session reports it.
func (m AuthMode) String() string {
	switch m {
	case AuthLocal:
		return "local"
	case AuthPublic:
		return "public"
	}
	return "sign-in"
}

// AuthConfig configures who may use the server.
type AuthConfig struct {
	Mode AuthMode
	// Accounts are the users, tokens and sessions (AuthSignIn needs them).
	Accounts *accounts.Service
	// LocalUser is the name AuthLocal records changes under; default
	// "local".
	LocalUser string
	// TrustedProxies are the addresses of the reverse proxies whose
	// X-Forwarded-For, X-Forwarded-Proto and TrustedUserHeader are
	// believed; from anyone else those headers are ignored.
	TrustedProxies []netip.Prefix
	// TrustedUserHeader names the header (such as X-Forwarded-User) in
	// which an authenticating proxy passes the signed-in user's name; ""
	// for none. The user must exist, enabled; their role is theirs.
	TrustedUserHeader string
	// OIDC, when set, signs users in with single sign-on (NewOIDC).
	OIDC *OIDC
	// SecureCookies marks the session cookie Secure even on plain HTTP,
	// for TLS ended by a proxy that does not send X-Forwarded-Proto.
	SecureCookies bool
}

// Names of the session cookie and the anti-forgery header.
const (
	sessionCookie = "placeplan_session"
	csrfHeader    = "X-CSRF-Token"
)

// principal is who is asking, once authenticated.
type principal struct {
	User  string
	Role  auth.Role
	Via   string     // "session", "token", "proxy" or "local"
	Scope auth.Scope // what a token may do; write for the others
	// session is the session cookie's id, for the anti-forgery check and
	// sign-out; "" unless Via is "session".
	session string
}

const ctxPrincipal = "placeplan.principal"

// principalOf returns who is asking, when the request carried good
// credentials (or the server is local).
func principalOf(c echo.Context) (principal, bool) {
	p, ok := c.Get(ctxPrincipal).(principal)
	return p, ok
}

// actorOf is who the audit trail and a revision record for this request:
// the authenticated user and the client's address.
func actorOf(c echo.Context) placeplan.Actor {
	p, _ := principalOf(c)
	return placeplan.Actor{Name: p.User, Remote: c.RealIP()}
}

// authorize is the middleware of every route: it authenticates the
// request and refuses it unless the caller's role allows need and, for a
// write, the write is one the caller meant to send.
func (s *Server) authorize(need Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := s.checkHost(c); err != nil {
				return err
			}
			p, ok, authErr := s.authenticate(c)
			if ok {
				c.Set(ctxPrincipal, p)
			}
			if need == RolePublic {
				return next(c)
			}
			if authErr != nil {
				return authErr
			}
			if !ok {
				return placeplan.Errorf(placeplan.EUNAUTHORIZED,
					"sign in first, or send an API token (Authorization: Bearer TOKEN): %s %s needs the %s role", c.Request().Method, c.Path(), need)
			}
			if !p.Role.Allows(auth.Role(need)) {
				return placeplan.Errorf(placeplan.EFORBIDDEN, "%s %s needs the %s role; %s is %s %s",
					c.Request().Method, c.Path(), need, p.User, article(string(p.Role)), p.Role)
			}
			if unsafeMethod(c.Request().Method) {
				if err := s.checkWrite(c, p); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}

// authenticate finds who is asking. ok is false when the request carries
// no credentials; err is set when it carries ones that are refused (a bad
// token is never taken for no token).
func (s *Server) authenticate(c echo.Context) (p principal, ok bool, err error) {
	cfg := s.cfg.Auth
	if cfg.Mode == AuthLocal {
		name := cfg.LocalUser
		if name == "" {
			name = "local"
		}
		return principal{User: name, Role: auth.Admin, Via: "local", Scope: auth.ScopeWrite}, true, nil
	}
	if cfg.Mode == AuthPublic {
		return principal{User: "public", Role: auth.Viewer, Via: "public", Scope: auth.ScopeRead}, true, nil
	}
	if cfg.Accounts == nil {
		return principal{}, false, nil
	}
	req := c.Request()
	ctx := req.Context()
	if h := req.Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return principal{}, false, placeplan.Errorf(placeplan.EUNAUTHORIZED, "Authorization: want Bearer and an API token")
		}
		u, t, err := cfg.Accounts.TokenUser(ctx, strings.TrimSpace(token))
		if err != nil {
			return principal{}, false, err
		}
		return principal{User: u.Name, Role: u.Role, Via: "token", Scope: t.Scope}, true, nil
	}
	if cfg.TrustedUserHeader != "" && s.fromTrustedProxy(req) {
		if name := req.Header.Get(cfg.TrustedUserHeader); name != "" {
			u, err := cfg.Accounts.ActiveUser(ctx, name)
			if err != nil {
				return principal{}, false, err
			}
			return principal{User: u.Name, Role: u.Role, Via: "proxy", Scope: auth.ScopeWrite}, true, nil
		}
	}
	if ck, err := req.Cookie(sessionCookie); err == nil && ck.Value != "" {
		u, _, err := cfg.Accounts.SessionUser(ctx, ck.Value)
		if err != nil {
			s.clearSessionCookie(c)
			return principal{}, false, err
		}
		return principal{User: u.Name, Role: u.Role, Via: "session", Scope: auth.ScopeWrite, session: ck.Value}, true, nil
	}
	return principal{}, false, nil
}

// checkWrite refuses a write the caller may not have meant: one sent by
// a read-only token, one from a page of another site (the browser's
// Sec-Fetch-Site and Origin say so), a cookie-authenticated one without the
// session's anti-forgery token, and one whose body is a form or plain text
// — the kinds a page of another site can send without asking.
func (s *Server) checkWrite(c echo.Context, p principal) error {
	req := c.Request()
	if p.Via == "public" {
		return placeplan.Errorf(placeplan.EFORBIDDEN, "this server is a public, read-only map of open data: %s %s is refused", req.Method, c.Path())
	}
	if !p.Scope.Allows(auth.ScopeWrite) {
		return placeplan.Errorf(placeplan.EFORBIDDEN, "this API token is read-only: %s %s needs a token with scope write", req.Method, c.Path())
	}
	if p.Via == "session" {
		got := req.Header.Get(csrfHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(auth.CSRFToken(p.session))) != 1 {
			return placeplan.Errorf(placeplan.EFORBIDDEN, "%s %s refused: send the session's anti-forgery token in %s (GET /api/v1/session gives it)", req.Method, c.Path(), csrfHeader)
		}
	}
	return s.checkBrowserWrite(req, req.Method+" "+c.Path())
}

// checkBrowserWrite refuses what a page of another site could make a
// browser send: a request from that page (Sec-Fetch-Site, Origin), and a
// body that is a form, plain text or untyped. what names the request in the
// message. Every write passes it, and so does signing in, which carries no
// credentials yet.
func (s *Server) checkBrowserWrite(req *http.Request, what string) error {
	if err := s.crossOrigin.Check(req); err != nil {
		return placeplan.Errorf(placeplan.EFORBIDDEN, "%s refused: a cross-origin request from a browser", what)
	}
	return checkBodyType(req)
}

// checkBodyType refuses a request body that is a form or plain text, or
// says nothing of what it is: a page of another site can make a browser
// send those without a preflight.
func checkBodyType(req *http.Request) error {
	if req.ContentLength == 0 {
		return nil
	}
	ct := req.Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "a request body must say what it is: send Content-Type: application/json (or application/yaml for a scenario document)")
	}
	switch mt {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, fmt.Sprintf(
			"a %s body is refused: send Content-Type: application/json (or application/yaml for a scenario document)", mt))
	}
	return nil
}

// checkHost refuses, in local mode, a request on a loopback connection
// addressed to any name but a loopback one: a page whose DNS name was
// rebound to 127.0.0.1 would otherwise read and change the local user's
// data. Requests not from a real connection (tests) are not checked.
func (s *Server) checkHost(c echo.Context) error {
	if s.cfg.Auth.Mode != AuthLocal {
		return nil
	}
	if _, ok := c.Request().Context().Value(http.LocalAddrContextKey).(net.Addr); !ok {
		return nil
	}
	host := c.Request().Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.IsLoopback() {
		return nil
	}
	return placeplan.Errorf(placeplan.EFORBIDDEN, "host %q refused: this server runs in local single-user mode and answers only to localhost", c.Request().Host)
}

// fromTrustedProxy reports whether the request's peer is a trusted proxy.
func (s *Server) fromTrustedProxy(req *http.Request) bool {
	if len(s.cfg.Auth.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(req.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range s.cfg.Auth.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// secureRequest reports whether the client reached the server over TLS:
// directly, or through a trusted proxy that says so.
func (s *Server) secureRequest(req *http.Request) bool {
	if req.TLS != nil || s.cfg.Auth.SecureCookies {
		return true
	}
	return s.fromTrustedProxy(req) && strings.EqualFold(req.Header.Get(echo.HeaderXForwardedProto), "https")
}

// startSession signs the browser in as u: any session it had ends, a new
// one starts, and its cookie is set. It returns the new session's id.
func (s *Server) startSession(c echo.Context, u auth.User) (string, error) {
	acc, req := s.cfg.Auth.Accounts, c.Request()
	if old, err := req.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := acc.EndSession(req.Context(), placeplan.Actor{Name: u.Name, Remote: c.RealIP()}, old.Value); err != nil {
			return "", err
		}
	}
	id, _, err := acc.StartSession(req.Context(), u)
	if err != nil {
		return "", err
	}
	s.setSessionCookie(c, id)
	c.Response().Header().Set("Cache-Control", "no-store")
	return id, nil
}

// setSessionCookie gives the browser its session: HttpOnly (no script
// reads it), SameSite=Lax (no other site's subrequest or form post sends
// it), Secure over TLS, and a session cookie (gone when the browser
// closes; the server ends it sooner by its timeouts).
func (s *Server) setSessionCookie(c echo.Context, id string) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(c.Request())})
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(c.Request())})
}

// ipExtractor is how the client's address is found: the peer, or, from a
// trusted proxy, the last address in X-Forwarded-For that is not a
// trusted proxy. No private or loopback range is trusted unless listed.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// unsafeMethod reports whether method may change state (RFC 9110 §9.2.1).
func unsafeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// article is "an" before a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
