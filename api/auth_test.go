package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"placeplan"
	"placeplan/accounts"
	"placeplan/auth"
	"placeplan/data"
	"placeplan/internal/testclock"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery"

// authFixture is a server that requires sign-in, with one user per role
// (named after it), a write token and a read token for each.
type authFixture struct {
	srv    *Server
	h      http.Handler
	store  *data.Store
	acc    *accounts.Service
	clock  *testclock.Clock
	write  map[auth.Role]string
	read   map[auth.Role]string
	logs   *logBuffer
	config Config
}

func newAuthFixture(t *testing.T, store *data.Store, cfg Config) *authFixture {
	t.Helper()
	ctx := context.Background()
	clock := testclock.New(time.Now().UTC())
	acc := accounts.New(store, accounts.Options{Hashing: auth.Params{MemoryKiB: 64, Iterations: 1, Threads: 1}, Now: clock.Now,
		Sessions: auth.SessionPolicy{Idle: 30 * time.Minute, Absolute: 10 * time.Hour}})
	f := &authFixture{store: store, acc: acc, clock: clock, write: map[auth.Role]string{}, read: map[auth.Role]string{}}
	admin := placeplan.Actor{Name: "cli:test"}
	for _, r := range auth.Roles() {
		if _, err := acc.AddUser(ctx, admin, accounts.NewUser{Name: string(r), Role: r, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		for _, scope := range []auth.Scope{auth.ScopeWrite, auth.ScopeRead} {
			tok, _, err := acc.CreateToken(ctx, admin, accounts.NewToken{User: string(r), Scope: scope, Lifetime: 24 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if scope == auth.ScopeWrite {
				f.write[r] = tok
			} else {
				f.read[r] = tok
			}
		}
	}
	cfg.Auth.Mode = AuthSignIn
	cfg.Auth.Accounts = acc
	f.config = cfg
	f.srv, f.logs = newServer(t, cfg, store)
	f.h = f.srv.Handler()
	return f
}

// request sends one request with an optional JSON or YAML body; headers
// come in name, value pairs.
func request(t *testing.T, h http.Handler, method, target, contentType, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// fillPath turns a route pattern into a path: each parameter gets a value
// that names nothing, so that an allowed request ends quickly (404, 400),
// never in a long computation.
func fillPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		switch {
		case s == "*":
			parts[i] = "no-such-file.txt"
		case strings.HasPrefix(s, ":"):
			switch s {
			case ":z", ":x", ":y", ":rev":
				parts[i] = "1"
			default:
				parts[i] = "nothing"
			}
		}
	}
	return strings.Join(parts, "/")
}

// TestEveryRouteRefusesWhatItShould walks the route table with no
// credentials and with every role: a route that needs a role answers 401
// without credentials and 403 to a role below it, and lets every role at
// or above it through (whatever it then answers). Public routes let
// everyone through. Writes are tried with write tokens; a read-only token
// is refused every write.
func TestEveryRouteRefusesWhatItShould(t *testing.T) {
	f := newAuthFixture(t, newStore(t), Config{})
	routes := f.srv.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, r := range routes {
		path := fillPath(r.Path)
		body, ct := "", ""
		if unsafeMethod(r.Method) {
			body, ct = "{}", "application/json"
		}
		anon := request(t, f.h, r.Method, path, ct, body)
		if r.Role == RolePublic {
			signIn := r.Method == http.MethodPost && r.Path == "/api/v1/session" // 401 is its answer to a wrong password
			if anon.Code == http.StatusForbidden || anon.Code == http.StatusUnauthorized && !signIn {
				t.Errorf("%s %s is public but answered %d without credentials: %s", r.Method, r.Path, anon.Code, anon.Body)
			}
			continue
		}
		if anon.Code != http.StatusUnauthorized {
			t.Errorf("%s %s without credentials: %d, want 401", r.Method, r.Path, anon.Code)
		} else if anon.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: a 401 without WWW-Authenticate", r.Method, r.Path)
		}
		for _, role := range auth.Roles() {
			rec := request(t, f.h, r.Method, path, ct, body, bearer(f.write[role])...)
			allowed := role.Allows(auth.Role(r.Role))
			switch {
			case !allowed && rec.Code != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d, want 403 (it needs %s)", r.Method, r.Path, role, rec.Code, r.Role)
			case allowed && (rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden):
				t.Errorf("%s %s as %s: %d, want it let through: %s", r.Method, r.Path, role, rec.Code, rec.Body)
			}
			if unsafeMethod(r.Method) && allowed {
				if ro := request(t, f.h, r.Method, path, ct, body, bearer(f.read[role])...); ro.Code != http.StatusForbidden {
					t.Errorf("%s %s as %s with a read-only token: %d, want 403", r.Method, r.Path, role, ro.Code)
				}
			}
		}
	}
}

// TestSignInSessionAndForgery: a user signs in with a password, gets an
// HttpOnly SameSite=Lax cookie, writes only with the session's
// anti-forgery token and a JSON or YAML body, is recorded as the author,
// and signs out, after which the cookie is worthless. The audit trail has
// it all, with the client's address.
func TestSignInSessionAndForgery(t *testing.T) {
	f := newAuthFixture(t, loadDefault(t), Config{})
	h := f.h

	var doc sessionDoc
	decode(t, get(t, h, "/api/v1/session"), http.StatusOK, "application/json", &doc)
	if doc.SignedIn || doc.Mode != "sign-in" || strings.Join(doc.Methods, ",") != "password,token" {
		t.Errorf("before sign-in: %+v", doc)
	}
	decodeProblem(t, get(t, h, "/api/v1/datasets"), http.StatusUnauthorized)

	// A wrong password, a form body, and a page of another site are refused.
	p := decodeProblem(t, request(t, h, http.MethodPost, "/api/v1/session", "application/json", `{"name":"analyst","password":"wrong password!"}`), http.StatusUnauthorized)
	if p.Detail != "wrong user name or password" {
		t.Errorf("wrong password: %q", p.Detail)
	}
	decodeProblem(t, request(t, h, http.MethodPost, "/api/v1/session", "application/x-www-form-urlencoded", "name=analyst&password=x"), http.StatusUnsupportedMediaType)
	decodeProblem(t, request(t, h, http.MethodPost, "/api/v1/session", "application/json",
		`{"name":"analyst","password":"`+testPassword+`"}`, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)

	rec := request(t, h, http.MethodPost, "/api/v1/session", "application/json", `{"name":"Analyst","password":"`+testPassword+`"}`)
	decode(t, rec, http.StatusCreated, "application/json", &doc)
	if !doc.SignedIn || doc.User != "analyst" || doc.Role != "analyst" || doc.Via != "session" || doc.CSRFToken == "" {
		t.Fatalf("signed in: %+v", doc)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != sessionCookie || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode || cookies[0].Secure {
		t.Fatalf("session cookie: %+v", cookies)
	}
	cookie := sessionCookie + "=" + cookies[0].Value
	if strings.Contains(doc.CSRFToken, cookies[0].Value) {
		t.Error("the anti-forgery token repeats the session id")
	}
	if r := get(t, h, "/api/v1/datasets", "Cookie", cookie); r.Code != http.StatusOK {
		t.Errorf("read with the cookie: %d %s", r.Code, r.Body)
	}
	decode(t, get(t, h, "/api/v1/session", "Cookie", cookie), http.StatusOK, "application/json", &doc)
	if doc.User != "analyst" || doc.CSRFToken == "" {
		t.Errorf("session: %+v", doc)
	}

	base, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	scenarioDoc := strings.Replace(string(base), "name: Shropshire — five integrated teams (Oswestry live)", "name: Signed in", 1)
	for name, tc := range map[string]struct {
		ct      string
		headers []string
		want    int
	}{
		"no anti-forgery token":    {"application/yaml", []string{"Cookie", cookie}, http.StatusForbidden},
		"a wrong one":              {"application/yaml", []string{"Cookie", cookie, csrfHeader, "x" + doc.CSRFToken}, http.StatusForbidden},
		"a form body":              {"application/x-www-form-urlencoded", []string{"Cookie", cookie, csrfHeader, doc.CSRFToken}, http.StatusUnsupportedMediaType},
		"a text/plain body":        {"text/plain", []string{"Cookie", cookie, csrfHeader, doc.CSRFToken}, http.StatusUnsupportedMediaType},
		"no content type":          {"", []string{"Cookie", cookie, csrfHeader, doc.CSRFToken}, http.StatusUnsupportedMediaType},
		"from a page of elsewhere": {"application/yaml", []string{"Cookie", cookie, csrfHeader, doc.CSRFToken, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	} {
		if r := request(t, h, http.MethodPost, "/api/v1/scenarios", tc.ct, scenarioDoc, tc.headers...); r.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, r.Code, tc.want, r.Body)
		}
	}
	recs, err := f.store.Scenarios(context.Background(), true)
	if err != nil || len(recs) != 0 {
		t.Fatalf("refused writes stored %d scenarios (%v)", len(recs), err)
	}
	rec = request(t, h, http.MethodPost, "/api/v1/scenarios?author=mallory", "application/yaml", scenarioDoc,
		"Cookie", cookie, csrfHeader, doc.CSRFToken, "Sec-Fetch-Site", "same-origin")
	var saved savedResponse
	decode(t, rec, http.StatusCreated, "application/json", &saved)
	var hist []scenarioRevisionItem
	decode(t, get(t, h, "/api/v1/scenarios/"+saved.ID+"/revisions", "Cookie", cookie), http.StatusOK, "application/json", &hist)
	if len(hist) != 1 || hist[0].Author != "analyst" {
		t.Errorf("the revision's author: %+v, want the signed-in analyst (not ?author=)", hist)
	}

	// Sign out: the server forgets the session.
	decodeProblem(t, request(t, h, http.MethodDelete, "/api/v1/session", "", "", "Cookie", cookie), http.StatusForbidden)
	out := request(t, h, http.MethodDelete, "/api/v1/session", "", "", "Cookie", cookie, csrfHeader, doc.CSRFToken)
	if out.Code != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", out.Code, out.Body)
	}
	if c := out.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("sign-out cookie: %+v", c)
	}
	decodeProblem(t, get(t, h, "/api/v1/datasets", "Cookie", cookie), http.StatusUnauthorized)

	// The audit trail, for admins only.
	decodeProblem(t, get(t, h, "/api/v1/audit", bearer(f.write[auth.Approver])...), http.StatusForbidden)
	var trail []struct{ Actor, Action, Target, Remote string }
	decode(t, get(t, h, "/api/v1/audit", bearer(f.read[auth.Admin])...), http.StatusOK, "application/json", &trail)
	var got []string
	for _, e := range trail {
		if !strings.HasPrefix(e.Actor, "cli:") {
			got = append(got, e.Actor+" "+e.Action+" "+e.Target+" "+e.Remote)
		}
	}
	want := []string{"analyst signin.failed analyst 192.0.2.1", "analyst signin analyst 192.0.2.1",
		"analyst scenario.create " + saved.ID + " 192.0.2.1", "analyst signout analyst 192.0.2.1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	csv := get(t, h, "/api/v1/audit?format=csv&since=2000-01-01", bearer(f.read[auth.Admin])...)
	if csv.Code != http.StatusOK || !strings.HasPrefix(csv.Body.String(), "seq,at,actor,action,target,detail,remote\n") ||
		!strings.Contains(csv.Body.String(), ",analyst,signout,analyst,") {
		t.Errorf("audit CSV: %d %s", csv.Code, csv.Body)
	}
	decodeProblem(t, get(t, h, "/api/v1/audit?since=yesterday", bearer(f.read[auth.Admin])...), http.StatusBadRequest)
}

// TestSessionTimeoutsAndLockout: a session ends after its idle timeout and
// its absolute one; five wrong passwords lock the account even against the
// right one; a disabled user's session and tokens stop working at once.
func TestSessionTimeoutsAndLockout(t *testing.T) {
	f := newAuthFixture(t, newStore(t), Config{})
	h := f.h
	signIn := func(name, password string) (string, int) {
		rec := request(t, h, http.MethodPost, "/api/v1/session", "application/json", `{"name":"`+name+`","password":"`+password+`"}`)
		if rec.Code != http.StatusCreated {
			return "", rec.Code
		}
		return sessionCookie + "=" + rec.Result().Cookies()[0].Value, rec.Code
	}
	cookie, _ := signIn("viewer", testPassword)
	f.clock.Add(29 * time.Minute)
	if r := get(t, h, "/api/v1/config", "Cookie", cookie); r.Code != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", r.Code)
	}
	f.clock.Add(29 * time.Minute) // used 29 minutes ago: still on
	if r := get(t, h, "/api/v1/config", "Cookie", cookie); r.Code != http.StatusOK {
		t.Fatalf("used every 29 minutes: %d", r.Code)
	}
	f.clock.Add(31 * time.Minute)
	p := decodeProblem(t, get(t, h, "/api/v1/config", "Cookie", cookie), http.StatusUnauthorized)
	if !strings.Contains(p.Detail, "unused for 30m") {
		t.Errorf("idle: %q", p.Detail)
	}
	cookie, _ = signIn("viewer", testPassword)
	for range 21 { // 10 h 9 min, never 30 minutes idle
		f.clock.Add(29 * time.Minute)
		get(t, h, "/api/v1/config", "Cookie", cookie)
	}
	p = decodeProblem(t, get(t, h, "/api/v1/config", "Cookie", cookie), http.StatusUnauthorized)
	if !strings.Contains(p.Detail, "signed in more than 10h0m0s ago") {
		t.Errorf("absolute: %q", p.Detail)
	}

	for range 5 {
		if _, code := signIn("analyst", "not the password"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", code)
		}
	}
	if _, code := signIn("analyst", testPassword); code != http.StatusUnauthorized {
		t.Errorf("the right password during a lockout: %d, want 401", code)
	}
	f.clock.Add(16 * time.Minute)
	if _, code := signIn("analyst", testPassword); code != http.StatusCreated {
		t.Errorf("the right password after the lockout: %d", code)
	}

	cookie, _ = signIn("approver", testPassword)
	if err := f.acc.Disable(context.Background(), placeplan.Actor{Name: "cli:test"}, "approver"); err != nil {
		t.Fatal(err)
	}
	decodeProblem(t, get(t, h, "/api/v1/config", "Cookie", cookie), http.StatusUnauthorized)
	decodeProblem(t, get(t, h, "/api/v1/config", bearer(f.read[auth.Approver])...), http.StatusUnauthorized)
}

// TestTokensAndProxies: an expired or revoked token, a malformed one and
// another scheme are refused with 401; a trusted proxy's user header is
// believed from the proxy only, and its X-Forwarded-Proto makes the
// cookie Secure.
func TestTokensAndProxies(t *testing.T) {
	proxy := netip.MustParsePrefix("10.1.2.0/24")
	f := newAuthFixture(t, newStore(t), Config{Auth: AuthConfig{TrustedProxies: []netip.Prefix{proxy}, TrustedUserHeader: "X-Forwarded-User"}})
	h := f.h
	ctx := context.Background()
	if r := get(t, h, "/api/v1/config", bearer(f.read[auth.Viewer])...); r.Code != http.StatusOK {
		t.Fatalf("a good token: %d", r.Code)
	}
	for name, value := range map[string]string{
		"malformed": "Bearer pp_nothing",
		"basic":     "Basic dmlld2VyOnBhc3M=",
		"empty":     "Bearer ",
	} {
		if r := get(t, h, "/api/v1/config", "Authorization", value); r.Code != http.StatusUnauthorized {
			t.Errorf("%s Authorization: %d, want 401", name, r.Code)
		}
	}
	toks, err := f.acc.Tokens(ctx, "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.RevokeToken(ctx, placeplan.Actor{Name: "cli:test"}, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	revoked := f.write[auth.Analyst]
	if toks[0].Scope != auth.ScopeWrite {
		revoked = f.read[auth.Analyst]
	}
	if p := decodeProblem(t, get(t, h, "/api/v1/config", bearer(revoked)...), http.StatusUnauthorized); !strings.Contains(p.Detail, "revoked") {
		t.Errorf("revoked token: %q", p.Detail)
	}
	f.clock.Add(25 * time.Hour)
	if p := decodeProblem(t, get(t, h, "/api/v1/config", bearer(f.read[auth.Viewer])...), http.StatusUnauthorized); !strings.Contains(p.Detail, "expired") {
		t.Errorf("expired token: %q", p.Detail)
	}

	fromProxy := func(remote string, headers ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/session", nil)
		req.RemoteAddr = remote
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var doc sessionDoc
	decode(t, fromProxy("10.1.2.3:5000", "X-Forwarded-User", "Analyst"), http.StatusOK, "application/json", &doc)
	if doc.User != "analyst" || doc.Via != "proxy" {
		t.Errorf("from the proxy: %+v", doc)
	}
	decode(t, fromProxy("203.0.113.9:5000", "X-Forwarded-User", "admin"), http.StatusOK, "application/json", &doc)
	if doc.SignedIn {
		t.Errorf("the user header from a stranger was believed: %+v", doc)
	}
	if r := fromProxy("10.1.2.3:5000", "X-Forwarded-User", "nobody"); r.Code != http.StatusOK {
		t.Errorf("GET /api/v1/session with an unknown proxy user: %d", r.Code)
	}

	signIn := func(remote string, headers ...string) *http.Cookie {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/session", strings.NewReader(`{"name":"viewer","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = remote
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("sign in from %s: %d %s", remote, rec.Code, rec.Body)
		}
		return rec.Result().Cookies()[0]
	}
	if c := signIn("10.1.2.3:5000", "X-Forwarded-Proto", "https", "X-Forwarded-For", "198.51.100.7"); !c.Secure {
		t.Error("behind the https proxy, the cookie is not Secure")
	}
	if c := signIn("203.0.113.9:5000", "X-Forwarded-Proto", "https"); c.Secure {
		t.Error("a stranger's X-Forwarded-Proto was believed")
	}
	trail, err := f.acc.Audit(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	remotes := map[string]bool{}
	for _, e := range trail {
		if e.Action == placeplan.AuditSignIn {
			remotes[e.Remote] = true
		}
	}
	if !remotes["198.51.100.7"] || !remotes["203.0.113.9"] || remotes["10.1.2.3"] {
		t.Errorf("sign-in remotes %v: want the client behind the proxy and the stranger, never the proxy", remotes)
	}
}

// TestLocalModeAnswersOnlyLocalhost: on a real loopback listener in local
// mode, a request addressed to another host name (a DNS-rebinding page)
// is refused, and one to localhost is served as the local admin.
func TestLocalModeAnswersOnlyLocalhost(t *testing.T) {
	srv, _ := newServer(t, Config{Addr: "127.0.0.1:0", Auth: AuthConfig{Mode: AuthLocal, LocalUser: "jo"}}, newStore(t))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	for host, want := range map[string]int{"evil.example:8080": http.StatusForbidden, "localhost:8080": http.StatusOK, "127.0.0.1": http.StatusOK, "[::1]:8080": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/api/v1/session", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var doc sessionDoc
		json.NewDecoder(res.Body).Decode(&doc)
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, res.StatusCode, want)
		}
		if want == http.StatusOK && (doc.User != "jo" || doc.Role != "admin" || doc.Mode != "local") {
			t.Errorf("Host %s: %+v", host, doc)
		}
	}
}

// TestApprovalForABoard: an approver approves a revision for a committee's
// meeting (an analyst may not); the history and the board paper show it;
// a change makes a new revision, whose paper is a draft again.
func TestApprovalForABoard(t *testing.T) {
	f := newAuthFixture(t, loadDefault(t), Config{})
	analyst, approver := withToken(f.h, f.write[auth.Analyst]), withToken(f.h, f.write[auth.Approver])
	base, err := os.ReadFile(filepath.Join("..", "scenario", "defaults", "shropshire-five-teams.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(base), "name: Shropshire — five integrated teams (Oswestry live)", "name: For the board", 1)
	var saved savedResponse
	decode(t, send(t, analyst, http.MethodPost, "/api/v1/scenarios", doc), http.StatusCreated, "application/json", &saved)
	url := "/api/v1/scenarios/" + saved.ID
	body := `{"committee":"Health and Wellbeing Board","meeting":"2027-01-14","note":"item 7"}`
	decodeProblem(t, request(t, analyst, http.MethodPost, url+"/revisions/1/approvals", "application/json", body), http.StatusForbidden)
	decodeProblem(t, request(t, approver, http.MethodPost, url+"/revisions/1/approvals", "application/json", `{"committee":"Board","meeting":"next week"}`), http.StatusBadRequest)
	decodeProblem(t, request(t, approver, http.MethodPost, url+"/revisions/1/approvals", "application/json", `{"committee":"Board","meeting":"2027-01-14","by":"someone else"}`), http.StatusBadRequest)
	var a approvalItem
	decode(t, request(t, approver, http.MethodPost, url+"/revisions/1/approvals", "application/json", body), http.StatusCreated, "application/json", &a)
	if a.By != "approver" || a.Committee != "Health and Wellbeing Board" || a.Meeting != "2027-01-14" || a.Revision != 1 {
		t.Errorf("approval %+v", a)
	}
	decodeProblem(t, request(t, approver, http.MethodPost, url+"/revisions/1/approvals", "application/json", body), http.StatusConflict)

	paper := func(ref string) string {
		t.Helper()
		for range 100 {
			rec := get(t, f.h, "/api/v1/scenarios/"+ref+"/report.html", bearer(f.read[auth.Viewer])...)
			if rec.Code == http.StatusOK {
				return rec.Body.String()
			}
			if rec.Code != http.StatusAccepted {
				t.Fatalf("report of %s: %d %s", ref, rec.Code, rec.Body)
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("report of %s not made in 20 s", ref)
		return ""
	}
	if html := paper(saved.ID + "@1"); !strings.Contains(html, "Approved for Health and Wellbeing Board, 14 January 2027, by approver (revision 1)") {
		t.Errorf("the paper of revision 1 does not show its approval")
	}
	four := strings.Replace(doc, "teams: 5", "teams: 4", 1)
	decode(t, send(t, analyst, http.MethodPut, url, four, "If-Match", `"r1"`), http.StatusOK, "application/json", &saved)
	var hist []scenarioRevisionItem
	decode(t, get(t, analyst, url+"/revisions"), http.StatusOK, "application/json", &hist)
	if len(hist) != 2 || len(hist[0].Approvals) != 1 || hist[0].Approvals[0].Note != "item 7" || len(hist[1].Approvals) != 0 {
		t.Errorf("history %+v: revision 1 approved, revision 2 not", hist)
	}
	if html := paper(saved.ID + "@2"); !strings.Contains(html, "Draft: this revision has not been approved for a board") {
		t.Errorf("the paper of the changed revision is not a draft")
	}
	trail, err := f.acc.Audit(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var exports []string
	for _, e := range trail {
		if e.Action == placeplan.AuditExport || e.Action == placeplan.AuditScenarioApprove {
			exports = append(exports, e.Actor+" "+e.Action+" "+e.Target)
		}
	}
	want := []string{"approver scenario.approve " + saved.ID, "viewer export " + saved.ID + "@1", "viewer export " + saved.ID + "@2"}
	if strings.Join(exports, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit of approvals and exports:\n%s\nwant:\n%s", strings.Join(exports, "\n"), strings.Join(want, "\n"))
	}
}

// TestPublicModeServesNoConfidentialData: a database holding a confidential
// count, served in public mode, answers anonymous visitors with the open
// data only — the indicator, its values and its dataset are nowhere, on
// any route that reads indicators — and refuses every write.
func TestPublicModeServesNoConfidentialData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "public.db")
	st, err := data.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := data.LoadDefault(ctx, st); err != nil {
		t.Fatal(err)
	}
	ingestConfidential(t, st)
	// A server that may see it has answered, and kept, tiles and a layer.
	open, _ := newServer(t, Config{}, st)
	if r := get(t, open.Handler(), "/api/v1/indicators?geography=lsoa11"); !strings.Contains(r.Body.String(), "referrals") {
		t.Fatalf("the confidential indicator is not loaded: %s", r.Body)
	}
	if err := open.PersistTiles(ctx, nil); err != nil {
		t.Fatal(err)
	}
	st.Close()

	pub, err := data.OpenWith(ctx, path, data.OpenOptions{Public: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	if !pub.ReadOnly() || !pub.Public() {
		t.Error("a public store must be read-only and public")
	}
	srv, _ := newServer(t, Config{Auth: AuthConfig{Mode: AuthPublic}}, pub)
	h := srv.Handler()
	var doc sessionDoc
	decode(t, get(t, h, "/api/v1/session"), http.StatusOK, "application/json", &doc)
	if doc.Mode != "public" || doc.Role != "viewer" || len(doc.Methods) != 0 {
		t.Errorf("session: %+v", doc)
	}
	for _, url := range []string{
		"/api/v1/indicators?geography=lsoa11", "/api/v1/datasets", "/api/v1/areas/lsoa11/E01028826",
		"/api/v1/layers/areas?geography=lsoa11&lad=E06000051", "/ogc/collections/areas/items?limit=500&geography=lsoa11",
		"/ogc/collections/areas/queryables", "/tiles/areas.json", "/api/v1/config",
	} {
		rec := get(t, h, url)
		if rec.Code >= 500 {
			t.Errorf("%s: %d %s", url, rec.Code, rec.Body)
		}
		if b := rec.Body.String(); strings.Contains(b, "referrals") || strings.Contains(b, "Early help") {
			t.Errorf("%s shows the confidential indicator to the public: %.300s", url, b)
		}
	}
	if r := get(t, h, "/api/v1/values?field=referrals&geography=lsoa11"); r.Code != http.StatusNotFound && r.Code != http.StatusBadRequest {
		t.Errorf("values of the confidential indicator: %d, want it unknown", r.Code)
	}
	if r := get(t, h, "/api/v1/values?field=imd_score&geography=lsoa11"); r.Code != http.StatusOK {
		t.Errorf("values of an open indicator: %d", r.Code)
	}
	// The stored tiles were made with every indicator: none is served.
	if sets, err := pub.TileSets(ctx, ""); err != nil || len(sets) != 0 {
		t.Errorf("a public store lists stored tile sets: %v, %v", sets, err)
	}
	for _, w := range []struct{ method, url, ct, body string }{
		{http.MethodPost, "/api/v1/scenarios", "application/yaml", "placeplan_scenario: 1\nname: x\n"},
		{http.MethodPost, "/api/v1/plans", "application/yaml", "placeplan_scenario: 1\nname: x\n"},
		{http.MethodPost, "/api/v1/session", "application/json", `{"name":"a","password":"b"}`},
	} {
		rec := request(t, h, w.method, w.url, w.ct, w.body)
		if rec.Code != http.StatusForbidden && rec.Code != http.StatusConflict {
			t.Errorf("%s %s in public mode: %d, want it refused", w.method, w.url, rec.Code)
		}
	}
}
