#!/usr/bin/env bash
# The dashboard's benchmark (bench/README.md, "serve"): 7 days of 5 s samples answered by `heapdog serve` and drawn
# with uPlot in headless Chromium, and the samples API under a paced 100 requests/s load (wrk).
# Usage: bench/serve/run.sh [RUNS=25] [LOAD_SECONDS=30]
# Needs: dotnet, node, /usr/bin/chromium, wrk, sqlite3. Builds, makes a store in a temp directory, starts heapdog serve
# watching two live Node processes, writes the store while serve runs (so every row stays raw: the watcher rolls raw
# samples older than a day into per-minute rows only when it starts), measures, then restarts serve (which applies
# retention) and measures the realistic store. Every process and file it made is removed at the end.
set -euo pipefail
RUNS=${1:-25}
LOAD_SECONDS=${2:-30}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
PIDS=()
SERVER=
stop_server() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi
}
cleanup() {
  stop_server
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build "$ROOT/Heapdog.slnx" -c Release --nologo -v quiet >/dev/null
(cd "$HERE" && npm ci --no-audit --no-fund --silent)
CLI="$ROOT/src/Heapdog.Cli/bin/Release/net10.0/heapdog.dll"
GEN="$HERE/StoreGen/bin/Release/net10.0/StoreGen.dll"
DB="$WORK/store.db"
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
BASE="http://127.0.0.1:$PORT"

for _ in 1 2; do node "$HERE/service.js" & PIDS+=($!); done

start_server() {
  dotnet exec "$CLI" serve --db "$DB" --snapshots "$WORK/snapshots" --urls "$BASE" --interval 5s \
    --pid "${PIDS[0]}" --pid "${PIDS[1]}" > "$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do
    curl -fs "$BASE/api/health" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "heapdog serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1
}

# Medians of the sqlite3 shell running the same SQL, RUNS times, output discarded.
sqlite_peer() { # process from to points
  local step=$(( ($3 - $2 + $4 - 1) / $4 ))
  local sql
  sql=$(sed -e "s/@P/$1/g" -e "s/@FROM/$2/g" -e "s/@TO/$3/g" -e "s/@STEP/$step/g" -e '/^--/d' "$HERE/series.sql" | tr '\n' ' ')
  { echo ".output /dev/null"; echo ".timer on"; for _ in $(seq "$RUNS"); do echo "$sql"; done; } \
    | sqlite3 -readonly "$DB" 2>&1 | awk '/Run Time/ { print $4 * 1000 }' | sort -n \
    | awk -v n="$4" '{ t[NR] = $1 } END { printf "sqlite3\t%s\t\t\t%.1f\n", n, t[int(NR / 2) + 1] }'
}

load() { # label path
  printf 'wrk\t%s\t' "$1"
  DELAY_MS=100 URL_PATH="$2" wrk -t2 -c10 -d"${LOAD_SECONDS}s" --latency -s "$HERE/paced.lua" "$BASE" > "$WORK/wrk.txt"
  awk '/^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2} /Latency +[0-9]/ {max = $4} /Requests\/sec/ {rate = $2}
       /Non-2xx/ {bad = $NF} END { printf "p50 %s\tp99 %s\tmax %s\t%s req/s\tnon-2xx %s\n", p50, p99, max, rate, bad + 0 }' "$WORK/wrk.txt"
}

measure() { # label process
  local to from_week from_hour
  to=$(date +%s%3N); from_week=$((to - 7 * 86400000)); from_hour=$((to - 3600000))
  echo "== $1: rows of process $2: $(sqlite3 -readonly "$DB" "SELECT (SELECT COUNT(*) FROM samples WHERE process_id = $2) || ' raw, ' || (SELECT COUNT(*) FROM samples_minute WHERE process_id = $2) || ' per-minute'")"
  echo "-- in-process DashboardStore.Series (kind, range, points asked, returned, median ms, p99 ms)"
  dotnet exec "$GEN" "$DB" --time "$2" "$RUNS" 1000 2000 5000
  echo "-- sqlite3 shell, same SQL, 7 days (points asked, median ms)"
  for n in 1000 2000 5000; do sqlite_peer "$2" "$from_week" "$to" "$n"; done
  echo "-- HTTP, sequential, 7 days then 1 hour (points asked, returned, bytes, median ms, p99 ms)"
  node "$HERE/query.mjs" "$BASE" "$2" "$from_week" "$to" "$RUNS" 1000 2000 5000
  node "$HERE/query.mjs" "$BASE" "$2" "$from_hour" "$to" "$RUNS" 600 5000
  echo "-- Chromium fetch + parse + uPlot draw, 7 days (points asked, returned, bytes, median ms: fetch, parse, draw, total)"
  node "$HERE/draw.mjs" "$BASE" "$2" "$from_week" "$to" 7 1000 2000 5000
  echo "-- wrk, 10 connections each pausing 100 ms between answers, ${LOAD_SECONDS} s"
  load "1 hour, 600 points" "/api/processes/$2/samples?from=$from_hour&to=$to&points=600"
  load "7 days, 2000 points" "/api/processes/$2/samples?from=$from_week&to=$to&points=2000"
}

start_server
IDS=$(dotnet exec "$GEN" "$DB" 3 7)
FIRST=$(echo "$IDS" | head -1)
measure "all raw (7 days x 5 s)" "$FIRST"
stop_server
start_server
measure "after retention (1 day raw, then per-minute)" "$FIRST"
echo "watched live: $(curl -fs "$BASE/api/health")"
