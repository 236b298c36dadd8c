# placeplan — make run serves http://localhost:8080 from a database file
# (created from the embedded default dataset on first start, so what you
# save is kept: DB=path to use another); make test runs every test.

GO      ?= go
# The Go toolchain every build and gate uses: go1.26.10 fixes the standard
# library's published vulnerabilities (docs/SECURITY.md). The go command
# fetches it from the module proxy on first use.
export GOTOOLCHAIN := go1.26.10
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/placeplan
ADDR    ?= 127.0.0.1:8080
# Where make run keeps its database: $XDG_DATA_HOME/placeplan, else
# ~/.local/share/placeplan (the XDG base directory default).
DB      ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/placeplan/placeplan.db

# The CI gates' tools and data, at pinned versions, are built once into
# CACHE (never committed): $XDG_CACHE_HOME/placeplan, else
# ~/.cache/placeplan. Tools are kept per Go version, since staticcheck and
# govulncheck must be built by the Go that builds the code they check.
CACHE               ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/placeplan
GOVERSION           := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOVERSION)
STATICCHECK_VERSION := v0.8.2
GOVULNCHECK_VERSION := v1.9.0
# The Go vulnerability database is built from its source module,
# golang.org/x/vulndb, pinned to its commit of 2026-11-05 23:49:57 UTC, so
# govulncheck runs offline and every run judges against the same advisories.
VULNDB_VERSION      := v0.0.0-20261105234957-e22db6528018
STATICCHECK         := $(CACHE)/tools/$(GOVERSION)/staticcheck@$(STATICCHECK_VERSION)/staticcheck
GOVULNCHECK         := $(CACHE)/tools/$(GOVERSION)/govulncheck@$(GOVULNCHECK_VERSION)/govulncheck
VULNDB              := $(CACHE)/vulndb/$(VULNDB_VERSION)
# The packages that run goroutines, tested again under the race detector.
RACE_PKGS           := ./api ./data ./scenario ./geo/tile ./cmd/placeplan

.PHONY: all build frontend run bench-browser screenshots test test-go test-race test-fuzz test-frontend test-browser deps deps-deb deps-tools vet fmt-check staticcheck vulncheck fuzz bench load load-tiles generate clean

all: build

# The binary embeds the web map (frontend/dist/app), so it is built first.
# go build alone also works (no Node needed): that binary serves a page
# saying how to build the map.
build: frontend
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/placeplan

# The web map: TypeScript built by Vite, with npm packages pinned by
# frontend/package-lock.json. Rebuilt only when a source file changes.
FRONTEND_SRC := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json
frontend: frontend/dist/app/index.html

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

frontend/dist/app/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build --silent

run: build
	$(BIN) serve --addr $(ADDR) --db "$(DB)" --create

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Every gate and every test: gofmt, vet, staticcheck, govulncheck; unit,
# table, golden, real-data, GDAL-oracle and end-to-end tests, again under
# the race detector; a short run of every fuzz target; the web map's unit
# and browser tests. It installs what they need first (see deps).
test: fmt-check vet deps staticcheck vulncheck test-go test-race test-fuzz test-frontend test-browser

test-go:
	$(GO) test -count=1 -timeout 20m ./...

# The race detector makes tests several times slower and hungrier, so this
# pass is -short: it skips the tests over the national (England) files,
# which test-go runs and which run no goroutine the smaller tests do not.
test-race:
	$(GO) test -race -short -count=1 -timeout 30m $(RACE_PKGS)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...

# govulncheck against the pinned database snapshot, offline. A reachable
# vulnerability fails the gate unless .ci/vulncheck.allow names it with the
# reason it is tolerated; a named one that is no longer found fails it too.
vulncheck: $(GOVULNCHECK) $(VULNDB)/index/db.json
	.ci/vulncheck $(GOVULNCHECK) $(VULNDB) .ci/vulncheck.allow

# The web map's logic (vitest) and the web map in headless Debian Chromium
# against the real server, driven by playwright-core and checked by axe-core.
test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run test:unit --silent

test-browser: build
	cd frontend && PLACEPLAN_BIN=$(CURDIR)/$(BIN) npm run test:browser --silent

# Debian packages the tests use — GDAL (the oracle for shapefiles,
# GeoPackages and reprojection; its Python bindings check tiles' polygons
# with GEOS), Chromium, and CBC (the exact MILP oracle for
# site selection) — installed with apt-get when
# missing and we are root; and the npm packages of the browser test.
DEB_NEEDED = $(if $(shell command -v ogr2ogr),,gdal-bin) $(if $(shell /usr/bin/python3 -c 'import osgeo' 2>/dev/null && echo y),,python3-gdal) $(if $(wildcard /usr/bin/chromium),,chromium) $(if $(shell command -v cbc),,coinor-cbc) $(if $(shell command -v sqlite3),,sqlite3) \
	$(if $(shell command -v pdftotext),,poppler-utils) $(if $(shell command -v pandoc),,pandoc) $(if $(wildcard /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf),,fonts-noto-core)
deps: deps-deb deps-tools frontend/node_modules/.package-lock.json

# staticcheck, govulncheck and the vulnerability database, at the versions
# pinned above, from the Go module proxy.
deps-tools: $(STATICCHECK) $(GOVULNCHECK) $(VULNDB)/index/db.json

$(STATICCHECK):
	GOBIN=$(@D) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(GOVULNCHECK):
	GOBIN=$(@D) $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)

# The database index govulncheck -db file://… reads, built by vulndb's own
# indexdb from the OSV files of the pinned module (about 40 MB).
$(VULNDB)/index/db.json:
	@src=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	  test -d "$$src/data/osv" || { echo "golang.org/x/vulndb@$(VULNDB_VERSION) has no data/osv"; exit 1; }; \
	  rm -rf "$(VULNDB).tmp" && mkdir -p "$(dir $(VULNDB))" && \
	  echo "building the vulnerability database index of $(VULNDB_VERSION) into $(VULNDB)" && \
	  $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$src/data/osv" -out "$(VULNDB).tmp" && \
	  rm -rf "$(VULNDB)" && mv "$(VULNDB).tmp" "$(VULNDB)"

deps-deb:
	@if [ -n "$(strip $(DEB_NEEDED))" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $(strip $(DEB_NEEDED))"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_NEEDED) >/dev/null; \
	  else echo "the tests need: $(strip $(DEB_NEEDED)) (sudo apt-get install $(strip $(DEB_NEEDED)))"; exit 1; fi; \
	fi

# Every fuzz target of every package for FUZZTIME each (whole seconds, as
# 20s), found in each package's test files (.ci/fuzz) so that a new one
# cannot be left out. test-fuzz is the short run make test makes:
# TEST_FUZZTIME each, 3 to 4½ minutes for the 29 targets on the 2-core
# machine of docs/BENCHMARKS.md, as its load goes. A crasher's input is written under the package's
# testdata/fuzz/FuzzX/: fix the bug and commit it as a regression test.
FUZZTIME           ?= 20s
FUZZMINIMIZETIME   ?= 10s
TEST_FUZZTIME      ?= 3s
fuzz:
	GO=$(GO) .ci/fuzz $(FUZZTIME) $(FUZZMINIMIZETIME)

test-fuzz:
	GO=$(GO) .ci/fuzz $(TEST_FUZZTIME) 2s

# Benchmarks, recorded in docs/BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./data
	$(GO) test -run '^$$' -bench . -benchmem ./geo ./scoring ./scoring/classify ./scoring/rollout
	$(GO) test -run '^$$' -bench 'England' -benchtime 1x -benchmem ./scoring/siting
	$(GO) test -run '^$$' -bench 'ShropshireExact|PlanShropshire' -benchtime 5x -benchmem ./scenario
	$(GO) test -run '^$$' -bench '^BenchmarkTilesEngland$$/^(uncached|cached)$$' -benchtime 2000x ./api
	$(GO) test -run '^$$' -bench '^BenchmarkTilesEngland$$/breaks' -benchtime 20x ./api
	$(GO) test -run '^$$' -bench '^Benchmark(Draft|SearchEngland)$$' -benchmem ./api
	$(GO) test -run '^$$' -bench '^BenchmarkAreaProfileEngland$$' -benchtime 2000x ./api
	$(GO) test -run '^$$' -bench '^BenchmarkFirstTileEngland$$' -benchtime 5x ./api
	$(GO) test -run '^TestTileSizesEngland$$' -v ./api

# The web map as a user feels it (first paint, a weight change, a
# re-solve) in headless Chromium; see docs/BENCHMARKS.md.
bench-browser: build
	cd frontend && PLACEPLAN_BIN=$(CURDIR)/$(BIN) node test/perf/interactive.mjs 9

# The README's reference screenshots, docs/screenshots/*.png.
screenshots: build
	cd frontend && PLACEPLAN_BIN=$(CURDIR)/$(BIN) node scripts/screenshots.mjs

# Five minutes of mixed traffic on England with a real load generator
# (wrk: apt-get install wrk): tiles cached and not, area profiles,
# scenario reads and concurrent edits, analyses at the concurrency limit;
# LOAD_FLAGS="--duration 20" for a short run. See docs/BENCHMARKS.md.
LOAD_FLAGS ?=
load:
	scripts/mixed-load.sh --duration 300 $(LOAD_FLAGS)

# Cached-tile throughput and a 5-minute tile soak against England.
load-tiles:
	scripts/tiles-load.sh --duration 20 --connections 64
	scripts/tiles-load.sh --duration 20 --connections 64 --soak 300

# Rebuild the embedded default dataset from ../shared/data.
generate:
	$(GO) generate ./data

clean:
	rm -rf bin frontend/dist/app
