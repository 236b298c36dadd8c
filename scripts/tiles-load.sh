#!/usr/bin/env bash
# tiles-load.sh — cached vector-tile throughput with a real load generator
# (wrk) on loopback, and an optional soak, against "placeplan serve" with
# all of England loaded.
#
#   scripts/tiles-load.sh [--db FILE] [--duration 20] [--connections 32]
#                         [--zooms "12 13 14"] [--soak SECONDS]
#
# Without --db it ingests ../shared/data's IoD2019 and LSOA 2011 England
# boundaries into a temporary database first (about 6 s). It builds
# placeplan, starts "placeplan serve --addr 127.0.0.1:0", requests a set of
# tiles once to warm the cache (a block of 5 × 4 tiles around each of 16
# English cities at each zoom given), then runs wrk with two threads for
# --duration seconds, rotating through those tiles with Accept-Encoding:
# gzip, as browsers send it. It reports wrk's figures, the server's peak
# resident memory (VmHWM) and any 5xx the server counted (from /metrics).
#
# --soak SECONDS then runs wrk that long over a larger set (7 × 5 tiles per
# city at zooms 8–14, not warmed, so the cache fills as it goes), sampling
# the server's resident memory, Go heap and tile cache size every 15 s.
#
# Needs: go, wrk (apt-get install wrk), curl, awk. The server's access log
# goes to a file in the work directory, lines above INFO only.
set -euo pipefail

cd "$(dirname "$0")/.."
DB=""
DURATION=20
CONNECTIONS=32
ZOOMS="12 13 14"
SOAK=0
while [ $# -gt 0 ]; do
	case "$1" in
	--db) DB="$2"; shift 2 ;;
	--duration) DURATION="$2"; shift 2 ;;
	--connections) CONNECTIONS="$2"; shift 2 ;;
	--zooms) ZOOMS="$2"; shift 2 ;;
	--soak) SOAK="$2"; shift 2 ;;
	*) echo "usage: $0 [--db FILE] [--duration S] [--connections N] [--zooms \"Z …\"] [--soak S]" >&2; exit 2 ;;
	esac
done
for tool in go wrk curl awk; do
	command -v "$tool" >/dev/null || { echo "$tool not found (wrk: apt-get install -y wrk)" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tiles-load.XXXXXX")
SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -INT "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

BIN="$WORK/placeplan"
go build -o "$BIN" ./cmd/placeplan

if [ -z "$DB" ]; then
	IOD=../shared/data/iod2019_lsoa11/iod2019_lsoa11_england.csv.gz
	BGC=../shared/data/lsoa2011_boundaries/lsoa2011_bgc_england_wgs84_6dp.geojson.gz
	[ -f "$IOD" ] && [ -f "$BGC" ] || { echo "shared England data absent ($IOD, $BGC): give --db" >&2; exit 1; }
	DB="$WORK/england.db"
	echo "ingesting England into $DB …"
	"$BIN" ingest --quiet --db "$DB" "$IOD" "$BGC"
fi

# Start the server; its first stdout line is "listening on URL".
"$BIN" serve --db "$DB" --addr 127.0.0.1:0 >"$WORK/serve.out" 2> >(grep -v '"level":"INFO"' >"$WORK/serve.log") &
SERVER_PID=$!
for _ in $(seq 600); do
	[ -s "$WORK/serve.out" ] && break
	sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -1)
[ -n "$URL" ] || { echo "serve did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
echo "serving $DB at $URL (pid $SERVER_PID)"

# tiles ZOOMS W H: tile paths of a W × H block around each city centre at
# each zoom (Web Mercator XYZ).
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

cat >"$WORK/rotate.lua" <<'EOF'
-- Each wrk thread walks the tile list from its own starting point.
local paths = {}
for line in io.lines(os.getenv("TILES_FILE")) do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
	thread:set("id", threads)
	threads = threads + 1
end
local i
function init(args)
	i = (id * 7919) % #paths
end
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], { ["Accept-Encoding"] = "gzip" })
end
EOF

rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
metric() { curl -s "$URL/metrics" | awk -v m="$1" '$1 == m { printf "%.0f", $2 }'; }
errors5xx() { curl -s "$URL/metrics" | awk '/^placeplan_http_requests_total\{/ && /status="5/ { s += $2 } END { printf "%d", s }'; }

tiles "$ZOOMS" 5 4 >"$WORK/tiles.txt"
echo "warming $(wc -l <"$WORK/tiles.txt") tiles at zooms $ZOOMS …"
start=$(date +%s.%N)
sed "s#^#$URL#" "$WORK/tiles.txt" |
	xargs -P 2 -n 1 curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{http_code} %{size_download}\n' >"$WORK/warm.txt"
awk -v t="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" '{ n[$1]++; if ($1 == 200) { b += $2; k++ } }
	END { printf "warm-up: %.1f s;", t; for (s in n) printf " %s×%d", s, n[s]; if (k) printf "; mean %.1f KB gzipped per 200", b / k / 1024; print "" }' "$WORK/warm.txt"
echo "after warm-up: RSS $(rss) MiB, tile cache $(($(metric placeplan_tile_cache_bytes) / 1048576)) MiB in $(metric placeplan_tile_cache_entries) tiles"

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s over those tiles (cached) …"
TILES_FILE="$WORK/tiles.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/rotate.lua" "$URL" | tee "$WORK/wrk.txt"
echo "server: peak RSS (VmHWM) $(hwm) MiB, RSS now $(rss) MiB, 5xx counted $(errors5xx), tile cache hits $(metric placeplan_tile_cache_hits_total), misses $(metric placeplan_tile_cache_misses_total)"

if [ "$SOAK" -gt 0 ]; then
	tiles "8 9 10 11 12 13 14" 7 5 >"$WORK/soak.txt"
	echo "soak: wrk -t2 -c$CONNECTIONS -d${SOAK}s over $(wc -l <"$WORK/soak.txt") tiles at zooms 8–14 (not warmed) …"
	TILES_FILE="$WORK/soak.txt" wrk -t2 -c"$CONNECTIONS" -d"${SOAK}s" --latency -s "$WORK/rotate.lua" "$URL" >"$WORK/soak-wrk.txt" &
	WRK_PID=$!
	echo "  t/s  RSS MiB  Go heap in use MiB  tile cache MiB  tiles cached"
	t=0
	while kill -0 "$WRK_PID" 2>/dev/null; do
		printf "%5d  %7s  %18s  %14s  %12s\n" "$t" "$(rss)" "$(($(metric go_memstats_heap_inuse_bytes) / 1048576))" \
			"$(($(metric placeplan_tile_cache_bytes) / 1048576))" "$(metric placeplan_tile_cache_entries)"
		sleep 15
		t=$((t + 15))
	done
	wait "$WRK_PID"
	cat "$WORK/soak-wrk.txt"
	echo "after the soak: peak RSS (VmHWM) $(hwm) MiB, RSS $(rss) MiB, 5xx counted $(errors5xx)"
fi

if [ -s "$WORK/serve.log" ]; then
	echo "server log above INFO:"
	head -20 "$WORK/serve.log"
fi
