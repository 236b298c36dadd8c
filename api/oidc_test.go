package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"placeplan"
	"placeplan/auth"
)

// oidcFixture is a sign-in server with single sign-on against a mock
// OpenID Connect provider (github.com/oauth2-proxy/mockoidc): members of
// the group hwb-analysts are analysts, of hwb-admins admins.
func oidcFixture(t *testing.T) (*authFixture, *mockoidc.MockOIDC) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	mc := m.Config()
	o, err := NewOIDC(context.Background(), OIDCConfig{Issuer: m.Issuer(), ClientID: mc.ClientID, ClientSecret: mc.ClientSecret,
		RedirectURL: "http://placeplan.test/auth/oidc/callback", RolesClaim: "groups", Scopes: []string{"groups"}, Name: "Council sign-in",
		Roles: map[string]auth.Role{"hwb-analysts": auth.Analyst, "hwb-admins": auth.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	return newAuthFixture(t, loadDefault(t), Config{Auth: AuthConfig{OIDC: o}}), m
}

// ssoSignIn runs the authorisation code flow as a browser would: our
// login route, the provider's authorisation endpoint (which signs in the
// queued user at once), and our callback with the state cookie. It
// returns the callback's answer.
func ssoSignIn(t *testing.T, h http.Handler, returnTo string, tamper func(q url.Values, cookie *string)) *httptest.ResponseRecorder {
	t.Helper()
	login := get(t, h, "/auth/oidc/login?return="+url.QueryEscape(returnTo))
	if login.Code != http.StatusFound {
		t.Fatalf("login: %d %s", login.Code, login.Body)
	}
	var state string
	for _, c := range login.Result().Cookies() {
		if c.Name == oidcStateCookie {
			state = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("state cookie %+v", c)
			}
		}
	}
	to, err := url.Parse(login.Header().Get("Location"))
	if err != nil || to.Query().Get("code_challenge_method") != "S256" || to.Query().Get("code_challenge") == "" || to.Query().Get("nonce") == "" {
		t.Fatalf("authorisation URL %s: want PKCE S256 and a nonce", login.Header().Get("Location"))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(to.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || back.Path != "/auth/oidc/callback" {
		t.Fatalf("the provider answered %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := back.Query()
	cookie := oidcStateCookie + "=" + state
	if tamper != nil {
		tamper(q, &cookie)
	}
	return get(t, h, "/auth/oidc/callback?"+q.Encode(), "Cookie", cookie)
}

// TestSingleSignOn signs in end to end against the mock provider: the
// user's group gives their role (and adds them on first sign-in), they
// read and write, and sign out; a forged or replayed answer, one without
// the state cookie and a user without a role here are refused.
func TestSingleSignOn(t *testing.T) {
	f, m := oidcFixture(t)
	h := f.h
	var doc sessionDoc
	decode(t, get(t, h, "/api/v1/session"), http.StatusOK, "application/json", &doc)
	if strings.Join(doc.Methods, ",") != "password,oidc,token" || doc.SSOName != "Council sign-in" || doc.SSOLogin != "/auth/oidc/login" {
		t.Errorf("session document: %+v", doc)
	}

	m.QueueUser(&mockoidc.MockUser{Subject: "s-1", Email: "Jo.Bloggs@Shropshire.gov.uk", EmailVerified: true, Groups: []string{"staff", "hwb-analysts"}})
	rec := ssoSignIn(t, h, "/#/scenario/shropshire-five-teams", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/#/scenario/shropshire-five-teams" {
		t.Fatalf("callback: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			cookie = sessionCookie + "=" + c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v", c)
			}
		}
	}
	if cookie == "" {
		t.Fatal("no session cookie after single sign-on")
	}
	decode(t, get(t, h, "/api/v1/session", "Cookie", cookie), http.StatusOK, "application/json", &doc)
	if doc.User != "jo.bloggs@shropshire.gov.uk" || doc.Role != "analyst" || doc.Via != "session" {
		t.Fatalf("signed in as %+v", doc)
	}
	if r := get(t, h, "/api/v1/datasets", "Cookie", cookie); r.Code != http.StatusOK {
		t.Errorf("read: %d", r.Code)
	}
	decodeProblem(t, get(t, h, "/api/v1/audit", "Cookie", cookie), http.StatusForbidden)
	body := `{"committee":"Board","meeting":"2027-01-14"}`
	decodeProblem(t, request(t, h, http.MethodPost, "/api/v1/scenarios/shropshire-five-teams/revisions/1/approvals", "application/json", body,
		"Cookie", cookie, csrfHeader, doc.CSRFToken), http.StatusForbidden)
	if r := request(t, h, http.MethodPost, "/api/v1/breaks?field=need_score", "application/yaml", "placeplan_scenario: 1\nname: x\n",
		"Cookie", cookie, csrfHeader, doc.CSRFToken); r.Code == http.StatusUnauthorized || r.Code == http.StatusForbidden {
		t.Errorf("an analyst's analysis refused: %d %s", r.Code, r.Body)
	}
	if r := request(t, h, http.MethodDelete, "/api/v1/session", "", "", "Cookie", cookie, csrfHeader, doc.CSRFToken); r.Code != http.StatusNoContent {
		t.Fatalf("sign out: %d", r.Code)
	}
	decodeProblem(t, get(t, h, "/api/v1/datasets", "Cookie", cookie), http.StatusUnauthorized)

	// The group changed at the provider: the role follows at next sign-in.
	m.QueueUser(&mockoidc.MockUser{Subject: "s-1", Email: "jo.bloggs@shropshire.gov.uk", Groups: []string{"hwb-admins"}})
	if rec := ssoSignIn(t, h, "/", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d %s", rec.Code, rec.Body)
	}
	u, err := f.acc.ActiveUser(context.Background(), "jo.bloggs@shropshire.gov.uk")
	if err != nil || u.Role != auth.Admin {
		t.Errorf("after the group change: %+v, %v", u, err)
	}

	for name, tc := range map[string]struct {
		user   *mockoidc.MockUser
		tamper func(q url.Values, cookie *string)
		want   int
	}{
		"no state cookie":    {nil, func(_ url.Values, c *string) { *c = "" }, http.StatusUnauthorized},
		"another state":      {nil, func(q url.Values, _ *string) { q.Set("state", "forged") }, http.StatusUnauthorized},
		"a wrong code":       {nil, func(q url.Values, _ *string) { q.Set("code", "nonsense") }, http.StatusUnauthorized},
		"the provider fails": {nil, func(q url.Values, _ *string) { q.Set("error", "access_denied") }, http.StatusUnauthorized},
		"no role here":       {&mockoidc.MockUser{Subject: "s-2", Email: "visitor@example.org", Groups: []string{"staff"}}, nil, http.StatusForbidden},
		"an open redirect":   {&mockoidc.MockUser{Subject: "s-1", Email: "jo.bloggs@shropshire.gov.uk", Groups: []string{"hwb-analysts"}}, nil, http.StatusSeeOther},
	} {
		if tc.user != nil {
			m.QueueUser(tc.user)
		}
		returnTo := "/"
		if name == "an open redirect" {
			returnTo = "//evil.example/steal"
		}
		rec := ssoSignIn(t, h, returnTo, tc.tamper)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, rec.Code, tc.want, rec.Body)
		}
		if rec.Code == http.StatusSeeOther && rec.Header().Get("Location") != "/" {
			t.Errorf("%s: sent to %q", name, rec.Header().Get("Location"))
		}
	}

	// A replayed answer: the state is used once.
	m.QueueUser(&mockoidc.MockUser{Subject: "s-1", Email: "jo.bloggs@shropshire.gov.uk", Groups: []string{"hwb-analysts"}})
	var replay url.Values
	var replayCookie string
	if rec := ssoSignIn(t, h, "/", func(q url.Values, c *string) {
		replay, replayCookie = url.Values{}, *c
		for k, v := range q {
			replay[k] = v
		}
	}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in before the replay: %d", rec.Code)
	}
	if r := get(t, h, "/auth/oidc/callback?"+replay.Encode(), "Cookie", replayCookie); r.Code != http.StatusUnauthorized {
		t.Errorf("a replayed answer: %d, want 401", r.Code)
	}

	trail, err := f.acc.Audit(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range trail {
		if strings.HasPrefix(e.Actor, "cli:") {
			continue
		}
		got = append(got, e.Actor+" "+e.Action+" "+e.Detail)
	}
	want := []string{
		"oidc:Council sign-in user.add role analyst from oidc:Council sign-in, on first sign-in",
		"jo.bloggs@shropshire.gov.uk signin oidc:Council sign-in",
		"jo.bloggs@shropshire.gov.uk signout ",
		"oidc:Council sign-in user.role role analyst → admin from oidc:Council sign-in",
		"jo.bloggs@shropshire.gov.uk signin oidc:Council sign-in",
	}
	if len(got) < len(want) || strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("audit trail:\n%s\nwant it to start:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_ = placeplan.AuditSignIn
}
