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
. scripts/load-lib.sh
load_setup tiles-load
ingest_england
start_server

export LOAD_LUA="$PWD/scripts/load"

tiles "$ZOOMS" 5 4 >"$WORK/tiles.txt"
echo "warming $(wc -l <"$WORK/tiles.txt") tiles at zooms $ZOOMS …"
warm "$WORK/tiles.txt"
echo "after warm-up: RSS $(rss) MiB, tile cache $(($(metric placeplan_tile_cache_bytes) / 1048576)) MiB in $(metric placeplan_tile_cache_entries) tiles"

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s over those tiles (cached) …"
PATHS_FILE="$WORK/tiles.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LOAD_LUA/paths.lua" "$URL" | tee "$WORK/wrk.txt"
echo "server: peak RSS (VmHWM) $(hwm) MiB, RSS now $(rss) MiB, 5xx counted $(errors5xx), tile cache hits $(metric placeplan_tile_cache_hits_total), misses $(metric placeplan_tile_cache_misses_total)"

if [ "$SOAK" -gt 0 ]; then
	tiles "8 9 10 11 12 13 14" 7 5 >"$WORK/soak.txt"
	echo "soak: wrk -t2 -c$CONNECTIONS -d${SOAK}s over $(wc -l <"$WORK/soak.txt") tiles at zooms 8–14 (not warmed) …"
	PATHS_FILE="$WORK/soak.txt" wrk -t2 -c"$CONNECTIONS" -d"${SOAK}s" --latency -s "$LOAD_LUA/paths.lua" "$URL" >"$WORK/soak-wrk.txt" &
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
