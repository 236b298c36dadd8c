#!/usr/bin/env bash
# mixed-load.sh — mixed traffic on "placeplan serve" with all of England
# loaded, with a real load generator (wrk) on loopback: one wrk per kind
# of request, all at once, for --duration seconds (default 300).
#
#   scripts/mixed-load.sh [--db FILE] [--duration 300] [--kinds "KIND …"]
#                         [--max-analyses N] [--analysis-queue N]
#                         [--profile-connections N]
#
# The kinds (all of them by default), with their connections:
#   profiles        32  GET /api/v1/areas/lsoa11/CODE, every LSOA of England in turn (shuffled);
#                       --profile-connections sets how many (fewer: the latency at a rate
#                       below saturation, as a target "at 1,000 req/s" means)
#   tiles-cached     8  the 960 tiles at zoom 12–14 around 16 cities that tiles-load.sh uses, warmed first
#   tiles-uncached   4  tiles at zoom 10–14 at LSOAs' points, shuffled, never asked for before
#   scenario-reads   4  the scenario list, two scenarios' documents and one's history
#   scenario-edits   4  four editors saving one scenario with If-Match (412 when another saved first)
#   analyses        12  POST /api/v1/scores of a scenario over England's 317 districts, scored anew
#                       each time: more than the analyses' turns and queue (--max-analyses,
#                       --analysis-queue: by default one turn a core and 8 places), so some are
#                       answered 503 with Retry-After, which the client then waits
#
# It reports per kind requests/s, wrk's p50 and p99 latency and the
# answers by status; the 5xx the server counted, busy analyses (503 on an
# analysis route, an expected answer at the limit) apart from the rest;
# lost updates (the edits answered 200 against the revisions the
# scenario gained: they must match); the server's resident memory every
# 15 s and at its peak (VmHWM); the load average before and after.
#
# Without --db it ingests ../shared/data's IoD2019, LSOA 2011 England
# boundaries and LSOA → MSOA → district lookup, with the districts as a
# locality scheme made from the lookup; with --db it works on a copy (the
# edits write), adding that scheme when the copy lacks it. The scenarios
# are created at the start: scripts/load/england-need.json.
#
# Needs: go, wrk (apt-get install wrk), curl, awk.
set -euo pipefail

cd "$(dirname "$0")/.."
DB=""
DURATION=300
PROFILE_CONNECTIONS=32
KINDS="profiles tiles-cached tiles-uncached scenario-reads scenario-edits analyses"
SERVE_FLAGS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--db) DB="$2"; shift 2 ;;
	--duration) DURATION="$2"; shift 2 ;;
	--kinds) KINDS="$2"; shift 2 ;;
	--profile-connections) PROFILE_CONNECTIONS="$2"; shift 2 ;;
	--max-analyses | --analysis-queue) SERVE_FLAGS+=("$1" "$2"); shift 2 ;;
	*) echo "usage: $0 [--db FILE] [--duration S] [--kinds \"KIND …\"] [--max-analyses N] [--analysis-queue N] [--profile-connections N]" >&2; exit 2 ;;
	esac
done

. scripts/load-lib.sh
load_setup mixed-load
export LOAD_LUA="$PWD/scripts/load"
SCHEME="England local authority districts (2019)"

# districts FILE: the districts of England as localities of $SCHEME, one
# per LAD19 code of the ONS lookup (LAD19CD, LAD19NM: its 8th and 9th
# fields, some quoted).
districts() {
	gzip -dc "$LOOKUP" | awk -v scheme="$SCHEME" '
		function field(line, k,   i, c, n, q, cur) {
			n = 1; q = 0; cur = ""
			for (i = 1; i <= length(line); i++) {
				c = substr(line, i, 1)
				if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ } else q = 0 } else cur = cur c }
				else if (c == "\"") q = 1
				else if (c == ",") { if (n == k) return cur; n++; cur = "" }
				else cur = cur c
			}
			return n == k ? cur : ""
		}
		NR == 1 { print "scheme,locality,code"; next }
		{ code = field($0, 8); if (!(code in seen)) { seen[code] = 1; name = field($0, 9); gsub(/"/, "\"\"", name)
			printf "%s,\"%s\",%s\n", scheme, name, code } }' >"$1"
}

if [ -n "$DB" ]; then
	cp "$DB" "$WORK/england.db"
	DB="$WORK/england.db"
	"$BIN" localities --db "$DB" --format csv >"$WORK/localities.csv"
	if ! grep -qF "$SCHEME," "$WORK/localities.csv"; then
		[ -f "$LOOKUP" ] || { echo "$DB has no scheme \"$SCHEME\" and $LOOKUP is absent" >&2; exit 1; }
		districts "$WORK/districts.csv"
		"$BIN" ingest --quiet --db "$DB" "$WORK/districts.csv"
	fi
else
	[ -f "$LOOKUP" ] || { echo "shared England data absent ($LOOKUP): give --db" >&2; exit 1; }
	districts "$WORK/districts.csv"
	ingest_england "$LOOKUP" "$WORK/districts.csv"
fi
start_server "${SERVE_FLAGS[@]}"

# The scenarios: one scored and read, one edited.
json() { sed "s/@WEIGHT@/$1/" scripts/load/england-need.json; }
create() {
	json 3 | curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/scenarios" |
		sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
}
NEED_ID=$(create)
EDIT_ID=$(create)
[ -n "$NEED_ID" ] && [ -n "$EDIT_ID" ] || { echo "could not create the scenarios" >&2; exit 1; }
json @WEIGHT@ >"$WORK/england-need.json"
echo "scenarios: $NEED_ID (read, scored), $EDIT_ID (edited)"
# revision ID: the scenario's current revision, from its ETag ("r3").
revision() { curl -sf -D - -o /dev/null "$URL/api/v1/scenarios/$1" | tr -d '\r' | awk 'tolower($1) == "etag:" { gsub(/[^0-9]/, "", $2); print $2 }'; }
# saves STATUS: the scenario saves the server answered with STATUS, by its
# own count (a save whose answer wrk never read, as its run ended, is
# counted here: 200 when the answer was written, 499 when the client had
# gone first).
saves() { curl -s "$URL/metrics" | awk -v st="status=\"$1\"" '/^placeplan_http_requests_total\{/ && /method="PUT"/ && /route="\/api\/v1\/scenarios\/:id"/ && index($0, st) { s += $2 } END { printf "%d", s }'; }

# What each kind asks for.
curl -sf "$URL/api/v1/areas?geography=lsoa11" >"$WORK/areas.json"
tr '{' '\n' <"$WORK/areas.json" | sed -n 's/.*"code":"\([^"]*\)".*"lon":\([-0-9.e]*\),"lat":\([-0-9.e]*\).*/\1 \2 \3/p' >"$WORK/points.txt"
awk 'BEGIN { srand(15) } { print rand(), "/api/v1/areas/lsoa11/" $1 }' "$WORK/points.txt" | sort -k1,1 | cut -d' ' -f2 >"$WORK/profiles.txt"
tiles "12 13 14" 5 4 >"$WORK/tiles-cached.txt"
# Uncached: the tile holding each area's point and its eight neighbours
# at each zoom from 10 to 14 (the layers' deepest), once each, leaving out
# the cached set, shuffled: more than a run asks for.
awk 'BEGIN { srand(15); pi = atan2(0, -1) }
	NR == FNR { cached[$0] = 1; next }
	{ lat = $3 * pi / 180
	  for (z = 10; z <= 14; z++) { n = 2 ^ z
		x = int(($2 + 180) / 360 * n); y = int((1 - log(sin(lat) / cos(lat) + 1 / cos(lat)) / pi) / 2 * n)
		for (d = 0; d < 9; d++) { p = sprintf("/tiles/areas/%d/%d/%d.mvt", z, x + d % 3 - 1, y + int(d / 3) - 1)
			if (!(p in cached) && !(p in seen)) { seen[p] = 1; print rand(), p } } } }' "$WORK/tiles-cached.txt" "$WORK/points.txt" |
	sort -k1,1 | cut -d' ' -f2 >"$WORK/tiles-uncached.txt"
echo "$(wc -l <"$WORK/points.txt") areas; $(wc -l <"$WORK/tiles-uncached.txt") tiles never asked for"
printf '%s\n' /api/v1/scenarios "/api/v1/scenarios/$NEED_ID" "/api/v1/scenarios/$EDIT_ID" "/api/v1/scenarios/$NEED_ID/revisions" >"$WORK/scenario-reads.txt"

echo "warming $(wc -l <"$WORK/tiles-cached.txt") cached tiles …"
warm "$WORK/tiles-cached.txt"
start=$(date +%s%N)
curl -sf -o /dev/null "$URL$(head -1 "$WORK/profiles.txt")"
echo "first profile (what profiles need, built once per data revision): $((($(date +%s%N) - start) / 1000000)) ms"
start=$(date +%s%N)
json 3 | curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @- "$URL/api/v1/scores"
echo "one analysis alone (POST /api/v1/scores, 317 districts, 200 draws): $((($(date +%s%N) - start) / 1000000)) ms"

edits_before=$(revision "$EDIT_ID")
saves_before=$(saves 200) gone_before=$(saves 499)
hits_before=$(metric placeplan_tile_cache_hits_total)
misses_before=$(metric placeplan_tile_cache_misses_total)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# run KIND THREADS CONNECTIONS SCRIPT [VAR=VALUE…]: one wrk in the
# background, its output in $WORK/KIND.out.
PIDS=()
run() {
	local kind=$1 t=$2 c=$3 script=$4
	shift 4
	env KIND="$kind" "$@" wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 60s -s "$LOAD_LUA/$script" "$URL" >"$WORK/$kind.out" 2>&1 &
	PIDS+=($!)
}
for k in $KINDS; do
	case "$k" in
	profiles) run profiles 2 "$PROFILE_CONNECTIONS" paths.lua PATHS_FILE="$WORK/profiles.txt" ;;
	tiles-cached) run tiles-cached 1 8 paths.lua PATHS_FILE="$WORK/tiles-cached.txt" ;;
	tiles-uncached) run tiles-uncached 1 4 paths.lua PATHS_FILE="$WORK/tiles-uncached.txt" ;;
	scenario-reads) run scenario-reads 1 4 paths.lua PATHS_FILE="$WORK/scenario-reads.txt" ;;
	scenario-edits) run scenario-edits 4 4 edits.lua SCENARIO_ID="$EDIT_ID" EDIT_DOC="$WORK/england-need.json" ;;
	analyses) run analyses 12 12 analyses.lua ANALYSIS_PATH=/api/v1/scores ANALYSIS_DOC="$WORK/england-need.json" ;;
	*) echo "unknown kind $k" >&2; exit 2 ;;
	esac
done
echo "mixed load for ${DURATION}s: $KINDS (load average before: $load_before)"
echo "  t/s  RSS MiB  Go heap in use MiB  tile cache MiB"
t=0
while kill -0 "${PIDS[0]}" 2>/dev/null; do
	printf "%5d  %7s  %18s  %14s\n" "$t" "$(rss)" "$(($(metric go_memstats_heap_inuse_bytes) / 1048576))" "$(($(metric placeplan_tile_cache_bytes) / 1048576))"
	sleep 15
	t=$((t + 15))
done
for p in "${PIDS[@]}"; do wait "$p"; done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
printf "%-15s %9s %10s %9s %9s %9s  %s\n" kind requests "req/s" "p50 ms" "p99 ms" "max ms" "answers (status:count), socket errors"
for k in $KINDS; do
	awk '$1 == "RESULT" { printf "%-15s %9d %10.1f %9.2f %9.2f %9.0f  %s, %d\n", $2, $3, $5, $6, $7, $8, $9, $10 }' "$WORK/$k.out"
	grep -q '^RESULT' "$WORK/$k.out" || { echo "$k: wrk said:"; cat "$WORK/$k.out"; }
done
echo
curl -s "$URL/metrics" | awk '/^placeplan_http_requests_total\{/ && /status="5/ {
		if ($0 ~ /status="503"/ && ($0 ~ /route="\/api\/v1\/(scores|plans|sites|compare|breaks)"/ || $0 ~ /revisions\/:rev\/:kind/)) busy += $2; else bad += $2 }
	END { printf "server: 5xx %d (must be 0); busy analyses (503 + Retry-After at the limit) %d\n", bad, busy }'
curl -s "$URL/metrics" | awk '/^placeplan_http_requests_total\{/ && /status="5/ { print "  " $0 }'
if [[ " $KINDS " == *" scenario-edits "* ]]; then
	edits_after=$(revision "$EDIT_ID")
	acked=$(($(saves 200) - saves_before)) gone=$(($(saves 499) - gone_before))
	read -r saved distinct < <(awk '$1 == "EDITS" { print $2, $3 }' "$WORK/scenario-edits.out")
	created=$((edits_after - edits_before))
	# A lost update is a save answered 200 that made no revision of its
	# own: every save the server answered 200 made one (and a save whose
	# client went first may have too), and the revisions the editors were
	# answered all differ. The editors may read fewer answers than the
	# server sent: wrk stops mid-request.
	verdict=$([ "$created" -ge "$acked" ] && [ "$created" -le $((acked + gone)) ] && [ "$saved" -eq "$distinct" ] && [ "$saved" -le "$acked" ] && echo "none lost" || echo "LOST UPDATES")
	echo "edits: the server answered $acked saves 200 ($gone more whose client had gone, 499) and made $created revisions (r$edits_before → r$edits_after); the editors read $saved of those answers, $distinct distinct revisions: $verdict"
fi
echo "tile cache over the run: $(($(metric placeplan_tile_cache_hits_total) - hits_before)) hits, $(($(metric placeplan_tile_cache_misses_total) - misses_before)) misses (tiles never asked for before: $(wc -l <"$WORK/tiles-uncached.txt"))"
echo "server: peak RSS (VmHWM) $(hwm) MiB, RSS now $(rss) MiB"
echo "load average: $load_before before, $load_after after ($(nproc) cores)"
# The log above INFO, less the busy analyses (queue full, or 30 s in it:
# two lines each, counted above).
grep -v -e '"code":"busy","err":"[^"]*analyses' -e '"route":"/api/v1/scores","status":503' "$WORK/serve.log" >"$WORK/serve-other.log" || true
if [ -s "$WORK/serve-other.log" ]; then
	echo "server log above INFO, busy analyses left out ($(wc -l <"$WORK/serve-other.log") lines, the first 20):"
	head -20 "$WORK/serve-other.log"
fi
