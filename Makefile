# placeplan — make run serves the embedded default dataset at
# http://localhost:8080; make test runs every test.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/placeplan
ADDR    ?= 127.0.0.1:8080

.PHONY: all build run test vet fmt-check fuzz bench generate clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/placeplan

run: build
	$(BIN) serve --addr $(ADDR)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Every test: unit, table, golden, real-data, GDAL-oracle and end-to-end.
test: fmt-check vet
	$(GO) test -count=1 -timeout 20m ./...

# A short run of every fuzz target (go test -fuzz takes one target at a time).
FUZZTIME ?= 20s
fuzz:
	@for pkg in ./data ./geo; do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Benchmarks, recorded in docs/BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./data
	$(GO) test -run '^$$' -bench . -benchmem ./geo

# Rebuild the embedded default dataset from ../shared/data.
generate:
	$(GO) generate ./data

clean:
	rm -rf bin
