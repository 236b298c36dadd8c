package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"placeplan"
	"placeplan/auth"
)

// Single sign-on with OpenID Connect: the authorisation code flow with
// PKCE (RFC 7636), as Microsoft Entra ID and other providers offer it.
// GET /auth/oidc/login sends the browser to the provider with a fresh
// state, nonce and code challenge, kept here (never in the browser beyond
// a cookie naming the state) for ten minutes; GET /auth/oidc/callback
// checks the state against that cookie, exchanges the code with the
// verifier, verifies the ID token (signature, issuer, audience, expiry,
// nonce) and signs the user in as a password does: a server-side session.

// OIDCConfig configures single sign-on.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL (its discovery document is at
	// Issuer/.well-known/openid-configuration).
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this server's callback as the provider knows it:
	// https://HOST/auth/oidc/callback.
	RedirectURL string
	// RolesClaim names the ID token claim holding the user's groups or
	// roles ("groups", "roles"); "" to take roles from the local table only.
	RolesClaim string
	// Roles maps a value of RolesClaim to a role; a user with several gets
	// the highest.
	Roles map[string]auth.Role
	// Scopes are asked for beyond openid, profile and email (such as
	// "groups", where the provider gives groups only when asked).
	Scopes []string
	// Name says what the provider is called in the audit trail and on the
	// sign-in page; default "single sign-on".
	Name string
}

// OIDC is a discovered OpenID Connect provider, ready for sign-ins.
type OIDC struct {
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier

	mu      sync.Mutex
	pending map[string]oidcPending // by state
}

// oidcPending is a sign-in sent to the provider and not yet back.
type oidcPending struct {
	nonce, verifier, returnTo string
	expires                   time.Time
}

// Bounds on sign-ins in flight: each is forgotten after oidcPendingTTL,
// and at most oidcMaxPending are kept, so that nobody can fill the
// server's memory by starting sign-ins.
const (
	oidcPendingTTL  = 10 * time.Minute
	oidcMaxPending  = 10000
	oidcStateCookie = "placeplan_oidc_state"
)

// NewOIDC discovers the provider at cfg.Issuer (an HTTP request, bounded
// by ctx) and returns it ready for sign-ins. EINVALID when the
// configuration is incomplete or the provider cannot be discovered.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	switch {
	case cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "":
		return nil, placeplan.Errorf(placeplan.EINVALID, "single sign-on needs an issuer URL, a client id and the redirect URL registered with the provider")
	case !strings.HasSuffix(cfg.RedirectURL, "/auth/oidc/callback"):
		return nil, placeplan.Errorf(placeplan.EINVALID, "the OIDC redirect URL %q must end in /auth/oidc/callback", cfg.RedirectURL)
	}
	for group, r := range cfg.Roles {
		if !r.Valid() {
			return nil, placeplan.Errorf(placeplan.EINVALID, "OIDC role for %q: %q is not a role", group, r)
		}
	}
	if cfg.Name == "" {
		cfg.Name = "single sign-on"
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, placeplan.Errorf(placeplan.EINVALID, "single sign-on: discover %s: %v", cfg.Issuer, err)
	}
	return &OIDC{
		cfg: cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID, "profile", "email"}, cfg.Scopes...)},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		pending:  map[string]oidcPending{},
	}, nil
}

// start remembers a new sign-in and returns its state and the provider's
// authorisation URL.
func (o *OIDC) start(returnTo string, now time.Time) (string, string, error) {
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	o.mu.Lock()
	defer o.mu.Unlock()
	for k, p := range o.pending {
		if now.After(p.expires) {
			delete(o.pending, k)
		}
	}
	if len(o.pending) >= oidcMaxPending {
		return "", "", placeplan.Errorf(placeplan.EBUSY, "too many sign-ins in progress: try again in a minute")
	}
	o.pending[state] = oidcPending{nonce: nonce, verifier: verifier, returnTo: returnTo, expires: now.Add(oidcPendingTTL)}
	return state, o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// finish takes the sign-in of state, once.
func (o *OIDC) finish(state string, now time.Time) (oidcPending, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p, ok := o.pending[state]
	delete(o.pending, state)
	return p, ok && now.Before(p.expires)
}

// identity works out who the ID token names and the role its claims give.
func (o *OIDC) identity(tok *oidc.IDToken) (string, auth.Role, error) {
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return "", "", fmt.Errorf("single sign-on: read the ID token's claims: %w", err)
	}
	name := ""
	for _, k := range []string{"email", "preferred_username", "upn"} {
		if v, ok := claims[k].(string); ok && v != "" {
			name = v
			break
		}
	}
	if name == "" {
		return "", "", placeplan.Errorf(placeplan.EFORBIDDEN, "single sign-on named nobody: the ID token has no email or preferred_username")
	}
	var role auth.Role
	if o.cfg.RolesClaim != "" {
		var values []string
		switch v := claims[o.cfg.RolesClaim].(type) {
		case string:
			values = []string{v}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					values = append(values, s)
				}
			}
		}
		for _, v := range values {
			if r, ok := o.cfg.Roles[v]; ok && (role == "" || r.Allows(role)) {
				role = r
			}
		}
	}
	return name, role, nil
}

// safeReturn is where to send the browser after signing in: a path on
// this server, never another site ("//host", "/\host" or a URL).
func safeReturn(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// handleOIDCLogin answers GET /auth/oidc/login[?return=PATH]: the browser
// goes to the provider (302), with a cookie naming the sign-in's state.
func (s *Server) handleOIDCLogin(c echo.Context) error {
	o := s.cfg.Auth.OIDC
	if o == nil {
		return notFoundf("single sign-on is not configured on this server")
	}
	state, to, err := o.start(safeReturn(c.QueryParam("return")), time.Now())
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: oidcStateCookie, Value: state, Path: "/auth/oidc/", MaxAge: int(oidcPendingTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(c.Request())})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusFound, to)
}

// handleOIDCCallback answers GET /auth/oidc/callback?code=&state=: the
// provider's answer. A good one signs the user in and sends the browser
// back where it started (303); anything else is refused with a problem
// saying why, and the sign-in must start again.
func (s *Server) handleOIDCCallback(c echo.Context) error {
	o, acc := s.cfg.Auth.OIDC, s.cfg.Auth.Accounts
	if o == nil || acc == nil {
		return notFoundf("single sign-on is not configured on this server")
	}
	req := c.Request()
	q := req.URL.Query()
	c.SetCookie(&http.Cookie{Name: oidcStateCookie, Value: "", Path: "/auth/oidc/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(req)})
	if e := q.Get("error"); e != "" {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on refused: %.100s %.200s", e, q.Get("error_description"))
	}
	state := q.Get("state")
	ck, err := req.Cookie(oidcStateCookie)
	if state == "" || err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(state)) != 1 {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on: this answer is not for a sign-in this browser started: sign in again")
	}
	p, ok := o.finish(state, time.Now())
	if !ok {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on: the sign-in took too long or was already used: sign in again")
	}
	ctx := req.Context()
	tok, err := o.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(p.verifier))
	if err != nil {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on: the provider refused the code: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on: the provider sent no ID token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on: the ID token is not valid: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.nonce)) != 1 {
		return placeplan.Errorf(placeplan.EUNAUTHORIZED, "single sign-on: the ID token was not made for this sign-in (nonce)")
	}
	name, role, err := o.identity(idt)
	if err != nil {
		return err
	}
	u, err := acc.SignInExternal(ctx, name, role, "oidc:"+o.cfg.Name, c.RealIP())
	if err != nil {
		return err
	}
	if _, err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, p.returnTo)
}
