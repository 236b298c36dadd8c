# load-lib.sh — what the load scripts (tiles-load.sh, mixed-load.sh)
# share, sourced by them: a work directory removed on exit, the placeplan
# binary built into it, England ingested from ../shared/data when no
# database is given, "placeplan serve" started on a free loopback port,
# the server's memory and metrics, and tile addresses around English
# cities. The caller sets -euo pipefail and cds to the repository first.

# load_setup NAME: checks the tools, makes $WORK (removed on exit, the
# server stopped first) and builds placeplan into $BIN (or, with
# LOAD_BIN set, uses that binary: one built with a profiler, say).
load_setup() {
	for tool in go wrk curl awk; do
		command -v "$tool" >/dev/null || { echo "$tool not found (wrk: apt-get install -y wrk)" >&2; exit 1; }
	done
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	SERVER_PID=""
	trap load_cleanup EXIT
	BIN=${LOAD_BIN:-$WORK/placeplan}
	[ -n "${LOAD_BIN:-}" ] || go build -o "$BIN" ./cmd/placeplan
}

load_cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -INT "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}

# The England files of ../shared/data the load runs ingest.
SHARED=../shared/data
IOD=$SHARED/iod2019_lsoa11/iod2019_lsoa11_england.csv.gz
BGC=$SHARED/lsoa2011_boundaries/lsoa2011_bgc_england_wgs84_6dp.geojson.gz
LOOKUP=$SHARED/lsoa2011_lookups/lsoa11_msoa11_lad_lookup_england.csv.gz

# ingest_england [FILE…]: when $DB is empty, ingests IoD2019 and the LSOA
# 2011 boundaries of England (and FILE…) into $WORK/england.db and sets
# DB to it.
ingest_england() {
	[ -z "$DB" ] || return 0
	[ -f "$IOD" ] && [ -f "$BGC" ] || { echo "shared England data absent ($IOD, $BGC): give --db" >&2; exit 1; }
	DB="$WORK/england.db"
	echo "ingesting England into $DB …"
	"$BIN" ingest --quiet --db "$DB" "$IOD" "$BGC" "$@"
}

# start_server [FLAG…]: starts "placeplan serve --db $DB" on a free
# loopback port with FLAG…, its log above INFO in $WORK/serve.log, and
# sets URL and SERVER_PID.
start_server() {
	# Its first stdout line is "listening on URL".
	"$BIN" serve --db "$DB" --addr 127.0.0.1:0 "$@" >"$WORK/serve.out" 2> >(grep -v '"level":"INFO"' >"$WORK/serve.log") &
	SERVER_PID=$!
	for _ in $(seq 600); do
		[ -s "$WORK/serve.out" ] && break
		sleep 0.1
	done
	URL=$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -1)
	[ -n "$URL" ] || { echo "serve did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
	echo "serving $DB at $URL (pid $SERVER_PID)"
}

# The server's resident memory now and at its peak (VmHWM), in MiB.
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
# metric NAME: one unlabelled metric of /metrics.
metric() { curl -s "$URL/metrics" | awk -v m="$1" '$1 == m { printf "%.0f", $2 }'; }
# errors5xx: the 5xx answers the server counted, every route.
errors5xx() { curl -s "$URL/metrics" | awk '/^placeplan_http_requests_total\{/ && /status="5/ { s += $2 } END { printf "%d", s }'; }

# tiles ZOOMS W H: tile paths of a W × H block around each of 16 English
# city centres at each zoom (Web Mercator XYZ).
tiles() {
	awk -v zooms="$1" -v w="$2" -v h="$3" 'BEGIN {
		pi = atan2(0, -1)
		split("-0.1276 51.5072 -1.8904 52.4862 -2.2426 53.4808 -1.5491 53.8008 -2.9916 53.4084 " \
		      "-2.5879 51.4545 -1.6178 54.9783 -1.4701 53.3811 -1.1581 52.9548 -1.1398 52.6369 " \
		      "-1.2577 51.7520 -2.7527 52.7073 1.2974 52.6309 -4.1427 50.3755 0.1218 52.2053 -1.0873 53.9600", c, " ")
		nz = split(zooms, zs, " ")
		for (i = 1; i < 32; i += 2) {
			lon = c[i]; lat = c[i + 1] * pi / 180
			for (k = 1; k <= nz; k++) {
				z = zs[k]; n = 2 ^ z
				x = int((lon + 180) / 360 * n)
				y = int((1 - log(sin(lat) / cos(lat) + 1 / cos(lat)) / pi) / 2 * n)
				for (dx = -int(w / 2); dx < w - int(w / 2); dx++)
					for (dy = -int(h / 2); dy < h - int(h / 2); dy++)
						printf "/tiles/areas/%d/%d/%d.mvt\n", z, x + dx, y + dy
			}
		}
	}'
}

# warm FILE: requests each path of FILE once (two at a time) and says how
# long that took and what came back.
warm() {
	local start
	start=$(date +%s.%N)
	sed "s#^#$URL#" "$1" |
		xargs -P 2 -n 1 curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{http_code} %{size_download}\n' >"$WORK/warm.txt"
	awk -v t="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" '{ n[$1]++; if ($1 == 200) { b += $2; k++ } }
		END { printf "warm-up: %.1f s;", t; for (s in n) printf " %s×%d", s, n[s]; if (k) printf "; mean %.1f KB gzipped per 200", b / k / 1024; print "" }' "$WORK/warm.txt"
}
