package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"placeplan"
	"placeplan/accounts"
	"placeplan/api"
	"placeplan/auth"
	"placeplan/data"
	"placeplan/scenario"
)

func serveSpec() spec {
	return spec{
		name: "serve",
		synopsis: []string{
			"[--db FILE [--create]] [--addr HOST:PORT] [--suppress-below N] [--cors-origin ORIGIN]",
			"[--tile-cache-mb N] [--basemap-style URL] [--frontend-dir DIR]",
			"[--trusted-proxy CIDR] [--trusted-user-header NAME] [--secure-cookies] [--session-idle DURATION] [--session-max DURATION]",
			"[--public] [--max-analyses N] [--analysis-queue N] [--analysis-timeout DURATION] [--memory-budget SIZE]",
			"[--oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE --oidc-redirect-url URL [--oidc-roles-claim NAME --oidc-role VALUE=ROLE] [--oidc-scope SCOPE] [--oidc-name NAME]]",
		},
		about: `Serve serves the web map at /, the HTTP API under /api/v1 (described at
/api/openapi.json), vector tiles under /tiles and OGC API - Features under
/ogc. Without --db it serves the embedded default dataset in memory, and
nothing saved is kept after it stops; --db FILE --create creates FILE from
the embedded default dataset when it does not exist. Its first line on
stdout is "listening on http://HOST:PORT" (--addr 127.0.0.1:0 picks a free
port); the second says which database it serves. The log goes to stderr.
--frontend-dir serves the web map from a directory on disk instead of the
files built into the binary, for working on the map: run "npm run dev" in
frontend/ and serve --frontend-dir frontend/dist/app.

Everything but /healthz, /readyz and the web page with its sign-in needs
a signed-in user (placeplan user add) or an API token (placeplan token
create), each with a role. With no users, bound to a loopback address (as
by default), it runs in local single-user mode: no sign-in, everything
allowed to whoever is at this computer, and it says so on its third line;
bound to any other address with no users it refuses to start. --public
(with --db) serves a public, read-only map of the open data instead: no
sign-in, anonymous visitors, every write refused, and no confidential
indicator, value or dataset — nor any stored tile or result made with one —
ever read from the database.
--trusted-proxy names the reverse proxies whose X-Forwarded-For and
X-Forwarded-Proto are believed (and --trusted-user-header, the header in
which such a proxy names an already signed-in user). --oidc-issuer and
its companions sign users in with OpenID Connect single sign-on (such as
Microsoft Entra ID): the redirect URL registered with the provider ends in
/auth/oidc/callback; --oidc-role maps a value of the roles claim (a group)
to a role, and a user with no mapped role needs an account here.`,
		make: newServeCmd,
	}
}

// defaultSuppressBelow is --suppress-below when not given: confidential
// counts from 1 to 4 are withheld. Ingest stores the map's first tiles
// under it (persistTiles).
const defaultSuppressBelow = 5

// goMemoryPercent is the share of --memory-budget given to the Go runtime
// as its memory limit; the rest is for SQLite's caches (a few MiB a
// connection) and cgo.
const goMemoryPercent = 85

// minMemoryBudget is the smallest --memory-budget: the embedded default
// served with its caches needs about a hundred MiB.
const minMemoryBudget = 128 << 20

// parseSize reads a size such as 2GiB, 512MiB, 1.5GB or 1048576 (bytes).
func parseSize(v string) (int64, error) {
	units := []struct {
		name  string
		bytes float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	num, unit := strings.TrimSpace(v), 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(num, u.name); ok {
			num, unit = strings.TrimSpace(rest), u.bytes
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || !(f >= 0) || f*unit >= math.MaxInt64 {
		return 0, fmt.Errorf("%q: want a size such as 2GiB, 512MiB or 1.5GB", v)
	}
	return int64(f * unit), nil
}

// formatSize writes a size in MiB or GiB.
func formatSize(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%dGiB", n>>30)
	}
	return fmt.Sprintf("%gMiB", math.Round(float64(n)/(1<<20)*10)/10)
}

// serveCmd is "placeplan serve": the web map and the HTTP API over a
// database, until ctx is cancelled.
type serveCmd struct {
	cmdLine
	db            string // SQLite database; "" for the embedded default in memory
	create        bool   // create db from the embedded default when it does not exist
	addr          string
	suppressBelow float64 // small-number suppression threshold for confidential counts
	corsOrigins   []string
	tileCacheMB   int64
	basemapStyle  string // a MapLibre style URL for the web map's basemap
	frontendDir   string // serve the web map from here instead of the embedded files
	proxies       []netip.Prefix
	userHeader    string
	secureCookies bool
	sessionIdle   time.Duration
	sessionMax    time.Duration
	public        bool
	maxAnalyses   int
	analysisQueue int
	analysisTime  time.Duration
	memoryBudget  int64 // bytes
	oidc          api.OIDCConfig
	oidcSecret    string // the file holding the client secret
}

func newServeCmd() command {
	c := &serveCmd{cmdLine: newCmdLine("serve")}
	fs := c.fs
	fs.StringVar(&c.db, "db", "", "SQLite database `FILE` (default: the embedded default dataset, in memory, kept nowhere)")
	fs.BoolVar(&c.create, "create", false, "with --db: when FILE does not exist, create it (and its folder) holding the embedded default dataset")
	fs.StringVar(&c.addr, "addr", api.DefaultAddr, "`HOST:PORT` to listen on (port 0 picks a free port)")
	fs.Float64Var(&c.suppressBelow, "suppress-below", defaultSuppressBelow, "withhold confidential counts from 1 to `N`-1 (0 switches suppression off)")
	fs.StringVar(&c.basemapStyle, "basemap-style", "", "absolute http(s) `URL` of a MapLibre style for the web map's basemap (default: drawn from placeplan's own layers; nothing leaves the machine)")
	fs.Int64Var(&c.tileCacheMB, "tile-cache-mb", 0, "memory bound of the vector-tile cache: `N` MiB (default: an eighth of --memory-budget, at most 256)")
	fs.Func("cors-origin", "allow browser pages from this `ORIGIN` (e.g. https://maps.example.org, or *) to read the API; repeatable", func(v string) error {
		c.corsOrigins = append(c.corsOrigins, v)
		return nil
	})
	fs.Func("trusted-proxy", "believe X-Forwarded-For, X-Forwarded-Proto and --trusted-user-header only from this proxy `CIDR` (such as 10.0.0.5/32); repeatable", func(v string) error {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return fmt.Errorf("want an address or CIDR such as 10.0.0.5 or 10.0.0.0/24")
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.proxies = append(c.proxies, p.Masked())
		return nil
	})
	fs.StringVar(&c.userHeader, "trusted-user-header", "", "the header `NAME` (such as X-Forwarded-User) in which a --trusted-proxy names the signed-in user")
	fs.BoolVar(&c.secureCookies, "secure-cookies", false, "mark the session cookie Secure even on plain HTTP (TLS ended by a proxy that sends no X-Forwarded-Proto)")
	def := auth.DefaultSessionPolicy()
	fs.DurationVar(&c.sessionIdle, "session-idle", def.Idle, "sign a browser out after `DURATION` unused")
	fs.DurationVar(&c.sessionMax, "session-max", def.Absolute, "sign a browser out `DURATION` after it signed in")
	fs.IntVar(&c.maxAnalyses, "max-analyses", 0, "run at most `N` analyses (scores, site selections, plans, comparisons) at once (default: one per core)")
	fs.IntVar(&c.analysisQueue, "analysis-queue", api.DefaultAnalysisQueue, "let `N` more analyses wait their turn; beyond that answer 503 with Retry-After")
	fs.DurationVar(&c.analysisTime, "analysis-timeout", api.DefaultAnalysisTimeout, "stop an analysis after `DURATION` and answer 422")
	c.memoryBudget = api.DefaultMemoryBudgetBytes
	fs.Func("memory-budget", "keep the server within `SIZE` of memory (such as 2GiB or 512MiB; default 2GiB): half is for analyses, and it bounds what one may ask for", func(v string) error {
		n, err := parseSize(v)
		if err != nil {
			return err
		}
		c.memoryBudget = n
		return nil
	})
	fs.BoolVar(&c.public, "public", false, "with --db: a public, read-only map for anonymous visitors, without any confidential data")
	fs.StringVar(&c.oidc.Issuer, "oidc-issuer", "", "single sign-on: the OpenID Connect issuer `URL` (such as https://login.microsoftonline.com/TENANT/v2.0)")
	fs.StringVar(&c.oidc.ClientID, "oidc-client-id", "", "single sign-on: this server's client `ID` at the provider")
	fs.StringVar(&c.oidcSecret, "oidc-client-secret-file", "", "single sign-on: a `FILE` holding the client secret (kept off the command line, which others can read)")
	fs.StringVar(&c.oidc.RedirectURL, "oidc-redirect-url", "", "single sign-on: this server's callback `URL` as registered, https://HOST/auth/oidc/callback")
	fs.StringVar(&c.oidc.RolesClaim, "oidc-roles-claim", "", "single sign-on: the ID token claim `NAME` holding groups or roles (such as groups or roles)")
	fs.StringVar(&c.oidc.Name, "oidc-name", "", "single sign-on: the provider's `NAME` on the sign-in page (default: single sign-on)")
	fs.Func("oidc-scope", "single sign-on: also ask for this `SCOPE` (such as groups); repeatable", func(v string) error {
		c.oidc.Scopes = append(c.oidc.Scopes, v)
		return nil
	})
	fs.Func("oidc-role", "single sign-on: members of `VALUE=ROLE` (a value of the roles claim) get that role; repeatable", func(v string) error {
		group, role, ok := strings.Cut(v, "=")
		r, err := auth.ParseRole(role)
		if !ok || group == "" || err != nil {
			return fmt.Errorf("want VALUE=ROLE, such as hwb-analysts=analyst (roles: viewer, analyst, approver, admin)")
		}
		if c.oidc.Roles == nil {
			c.oidc.Roles = map[string]auth.Role{}
		}
		c.oidc.Roles[group] = r
		return nil
	})
	fs.StringVar(&c.frontendDir, "frontend-dir", "", "serve the web map from this `DIR` on disk (such as frontend/dist/app) instead of the files built in, for front-end work")
	return c
}

func (c *serveCmd) validate() error {
	if err := c.noArgs(); err != nil {
		return err
	}
	switch {
	case c.tileCacheMB < 0:
		return usageError{msg: "--tile-cache-mb must not be negative"}
	case c.suppressBelow < 0:
		return usageError{msg: "--suppress-below must not be negative"}
	case c.create && c.db == "":
		return usageError{msg: "--create needs --db FILE: the database file to create from the embedded default dataset"}
	case c.sessionIdle <= 0 || c.sessionMax <= 0:
		return usageError{msg: "--session-idle and --session-max must be positive"}
	case c.sessionIdle > c.sessionMax:
		return usageError{msg: "--session-idle must not be longer than --session-max"}
	case c.maxAnalyses < 0 || c.analysisQueue < 0:
		return usageError{msg: "--max-analyses and --analysis-queue must not be negative"}
	case c.analysisTime <= 0:
		return usageError{msg: "--analysis-timeout must be positive"}
	case c.tileCacheMB<<20 > c.memoryBudget/4:
		return usageError{msg: fmt.Sprintf("--tile-cache-mb %d is more than a quarter of --memory-budget %s", c.tileCacheMB, formatSize(c.memoryBudget))}
	case c.memoryBudget < minMemoryBudget:
		return usageError{msg: fmt.Sprintf("--memory-budget %s is too small: at least %s", formatSize(c.memoryBudget), formatSize(minMemoryBudget))}
	case c.public && c.db == "":
		return usageError{msg: "--public needs --db FILE: the database whose open data it serves"}
	case c.public && c.create:
		return usageError{msg: "--public serves a database as it is: drop --create"}
	case c.public && (c.oidc.Issuer != "" || c.userHeader != ""):
		return usageError{msg: "--public has no sign-in: drop --oidc-… and --trusted-user-header"}
	case c.oidc.Issuer != "" && (c.oidc.ClientID == "" || c.oidc.RedirectURL == ""):
		return usageError{msg: "--oidc-issuer needs --oidc-client-id and --oidc-redirect-url (and usually --oidc-client-secret-file)"}
	case c.oidc.Issuer == "" && (c.oidc.ClientID != "" || c.oidc.RedirectURL != "" || c.oidcSecret != "" || c.oidc.RolesClaim != "" || len(c.oidc.Roles) > 0):
		return usageError{msg: "the --oidc-… flags need --oidc-issuer"}
	case len(c.oidc.Roles) > 0 && c.oidc.RolesClaim == "":
		return usageError{msg: "--oidc-role needs --oidc-roles-claim: the claim whose values it maps"}
	case c.userHeader != "" && len(c.proxies) == 0:
		return usageError{msg: "--trusted-user-header needs --trusted-proxy: the header is believed only from the proxies named"}
	case c.basemapStyle != "":
		return checkBasemapStyle(c.basemapStyle)
	}
	return nil
}

// authConfig decides who may use the server: sign-in when the store has
// users; local single-user mode when it has none and the server listens
// only on a loopback address; and otherwise an error, since anyone who
// can reach the port could read confidential data and change everything.
// It returns the line that says which.
func (c *serveCmd) authConfig(ctx context.Context, s *data.Store) (api.AuthConfig, string, error) {
	if c.public {
		return api.AuthConfig{Mode: api.AuthPublic, TrustedProxies: c.proxies, SecureCookies: c.secureCookies},
			"public mode: anonymous visitors, read-only, open data only (no confidential dataset is served)", nil
	}
	svc := accounts.New(s, accounts.Options{Sessions: auth.SessionPolicy{Idle: c.sessionIdle, Absolute: c.sessionMax}})
	cfg := api.AuthConfig{Accounts: svc, TrustedProxies: c.proxies, TrustedUserHeader: c.userHeader, SecureCookies: c.secureCookies}
	if c.oidc.Issuer != "" {
		o := c.oidc
		if c.oidcSecret != "" {
			b, err := os.ReadFile(c.oidcSecret)
			if err != nil {
				return cfg, "", placeplan.Errorf(placeplan.ENOTFOUND, "--oidc-client-secret-file: %v", err)
			}
			o.ClientSecret = strings.TrimSpace(string(b))
		}
		dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		p, err := api.NewOIDC(dctx, o)
		if err != nil {
			return cfg, "", err
		}
		cfg.OIDC = p
	}
	users, err := svc.Users(ctx)
	if err != nil {
		return cfg, "", err
	}
	enabled := 0
	for _, u := range users {
		if !u.Disabled {
			enabled++
		}
	}
	if enabled > 0 || cfg.OIDC != nil {
		cfg.Mode = api.AuthSignIn
		how := fmt.Sprintf("%d users may sign in", enabled)
		if cfg.OIDC != nil {
			how += ", and single sign-on at " + c.oidc.Issuer
		}
		return cfg, "sign-in required: " + how + "; /healthz, /readyz and the sign-in page are open to all", nil
	}
	if !loopbackAddr(c.addr) {
		return cfg, "", placeplan.Errorf(placeplan.EINVALID, "serve on %s with no users: anyone who can reach it could read and change everything. "+
			"Add an admin first (placeplan user add --db FILE --name NAME --role admin), or serve on 127.0.0.1", c.addr)
	}
	cfg.Mode = api.AuthLocal
	cfg.LocalUser = cliActor().Name
	return cfg, "local single-user mode: no users, so no sign-in and everything is allowed to whoever uses this computer; " +
		"placeplan user add --db FILE … makes the server require sign-in", nil
}

// loopbackAddr reports whether addr (host:port) listens only on a
// loopback address: 127.0.0.0/8, ::1 or localhost. An empty host is every
// address.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// checkBasemapStyle refuses a basemap style that is not an absolute http
// or https URL: the browser fetches it, so a file path or a relative URL
// could only fail there, later and less clearly.
func checkBasemapStyle(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{msg: fmt.Sprintf("--basemap-style %q: want the absolute http or https URL of a MapLibre style, such as https://tiles.example.org/styles/basic.json", v)}
	}
	return nil
}

func (c *serveCmd) run(ctx context.Context, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	frontendDir, err := checkFrontendDir(c.frontendDir)
	if err != nil {
		return err
	}
	s, serving, err := c.openServed(ctx, logger)
	if err != nil {
		return err
	}
	defer s.Close()
	if c.db != "" {
		// A damaged database is refused before anyone is served from it.
		start := time.Now()
		rep, err := s.Check(ctx, true)
		if err != nil {
			return err
		}
		if !rep.OK() {
			return placeplan.Errorf(placeplan.ESTORAGE, "database %s is damaged (%s…): run placeplan check --db %s, and restore a backup (placeplan restore)",
				c.db, rep.Integrity[0], c.db)
		}
		logger.Info("checked the database", "path", c.db, "check", "quick_check", "took_ms", time.Since(start).Milliseconds())
	}
	// The shipped scenarios, so a new user sees plans and comparisons at
	// once; stored ones are never overwritten.
	if s.ReadOnly() {
		logger.Info("the database is read-only: the shipped scenarios are not stored, and saves are refused")
	} else if added, err := scenario.SeedBuiltins(ctx, s); err != nil {
		return err
	} else if len(added) > 0 {
		logger.Info("stored the shipped scenarios", "ids", added)
	}
	authCfg, access, err := c.authConfig(ctx, s)
	if err != nil {
		return err
	}
	queue := c.analysisQueue
	if queue == 0 {
		queue = -1 // none: api.Config's 0 is its default
	}
	// The runtime collects harder as its memory nears the limit (a soft
	// one), which leaves room within the budget for SQLite's page caches
	// and other C memory it does not count; the analyses' bounds keep
	// what is live within it.
	debug.SetMemoryLimit(c.memoryBudget / 100 * goMemoryPercent)
	srv := api.NewServer(api.Config{Addr: c.addr, Auth: authCfg, MaxAnalyses: c.maxAnalyses, AnalysisQueue: queue,
		AnalysisTimeout: c.analysisTime, MemoryBudgetBytes: c.memoryBudget, Version: version, CORSOrigins: c.corsOrigins, TileCacheBytes: c.tileCacheMB << 20,
		Disclosure: placeplan.Disclosure{MinCount: c.suppressBelow}, Persistent: c.db != "", BasemapStyle: c.basemapStyle,
		FrontendDir: frontendDir}, s, logger)
	if err := srv.Start(); err != nil {
		return placeplan.Errorf(placeplan.EINVALID, "serve on %s: %w", c.addr, err)
	}
	if frontendDir != "" {
		logger.Info("serving the web map from a directory", "dir", frontendDir)
	}
	fmt.Fprintf(stdout, "listening on %s\n%s\n%s\n", srv.URL(), serving, access)
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	logger.Info("shutting down")
	return srv.Shutdown(shutdownCtx)
}

// checkFrontendDir returns the absolute path of --frontend-dir, which must
// be a directory holding the web map's index.html ("" when not given).
func checkFrontendDir(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", placeplan.Errorf(placeplan.EINVALID, "--frontend-dir %s: %v", dir, err)
	}
	switch fi, err := os.Stat(abs); {
	case errors.Is(err, fs.ErrNotExist):
		return "", placeplan.Errorf(placeplan.ENOTFOUND, "--frontend-dir %s does not exist", dir)
	case err != nil:
		return "", placeplan.Errorf(placeplan.EINVALID, "--frontend-dir %s: %v", dir, err)
	case !fi.IsDir():
		return "", placeplan.Errorf(placeplan.EINVALID, "--frontend-dir %s is not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(abs, "index.html")); err != nil {
		return "", placeplan.Errorf(placeplan.ENOTFOUND, "--frontend-dir %s has no index.html (build the web map into it: in frontend/, npm run dev "+
			"rebuilds frontend/dist/app whenever a source file changes)", dir)
	}
	return abs, nil
}

// openServed opens the store serve serves: the embedded default in
// memory without --db; with --db the file, created first from the
// embedded default when --create asks and it does not exist. It returns
// the line that tells the user what is served and whether their work is
// kept.
func (c *serveCmd) openServed(ctx context.Context, logger *slog.Logger) (*data.Store, string, error) {
	if c.db == "" {
		s, err := data.Open(ctx, ":memory:")
		if err != nil {
			return nil, "", err
		}
		rep, err := data.LoadDefault(ctx, s)
		if err != nil {
			s.Close()
			return nil, "", err
		}
		logger.Info("loaded the embedded default dataset", "files", len(rep.Loaded))
		return s, "serving the embedded default dataset in memory: nothing saved (scenarios, revisions) is kept after placeplan stops; " +
			"to keep your work, serve a database file: placeplan serve --db FILE --create", nil
	}
	path := c.db
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	created := false
	if _, err := os.Stat(c.db); errors.Is(err, fs.ErrNotExist) {
		if !c.create {
			return nil, "", placeplan.Errorf(placeplan.ENOTFOUND, "database %s does not exist (placeplan serve --db %s --create creates it "+
				"from the embedded default dataset; placeplan ingest --db %s FILE... from your own files)", c.db, c.db, c.db)
		}
		rep, err := data.CreateDefault(ctx, c.db)
		switch {
		case placeplan.ErrorCode(err) == placeplan.ECONFLICT: // created meanwhile by another placeplan: serve it
		case err != nil:
			return nil, "", err
		default:
			created = true
			logger.Info("created the database from the embedded default dataset", "path", path, "files", len(rep.Loaded))
		}
	}
	if c.public {
		if _, err := os.Stat(c.db); err != nil {
			return nil, "", placeplan.Errorf(placeplan.ENOTFOUND, "database %s does not exist", c.db)
		}
		s, err := data.OpenWith(ctx, c.db, data.OpenOptions{Public: true})
		if err != nil {
			return nil, "", err
		}
		return s, "serving database " + path + " read-only, its open data only", nil
	}
	s, err := openExisting(ctx, c.db)
	if err != nil {
		return nil, "", err
	}
	if created {
		return s, "serving database " + path + " (created now from the embedded default dataset): what you save is kept there", nil
	}
	if s.ReadOnly() {
		return s, "serving database " + path + " read-only (the file or its mount cannot be written): maps, layers and reports work; " +
			"saving scenarios is refused", nil
	}
	return s, "serving database " + path + ": what you save is kept there", nil
}
