#!/usr/bin/env bash
# Start-up of the published single binary next to `dotnet heapdog.dll`: median wall time of `heapdog --version` and of
# `heapdog analyze SNAPSHOT` over RUNS runs (default 7), after one unmeasured warm-up run of each.
# Usage: RUNS=7 bench/install/run.sh BINARY HEAPDOG_DLL SNAPSHOT
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: bench/install/run.sh BINARY HEAPDOG_DLL SNAPSHOT" >&2; exit 2; }
binary="$1" dll="$2" snapshot="$3" runs="${RUNS:-7}"

median_ms() { # COMMAND…: runs it RUNS times (output discarded), prints the median wall time in ms
  "$@" >/dev/null 2>&1
  local times=() i start
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

printf '| command | published binary | dotnet heapdog.dll | runs |\n|---|---:|---:|---:|\n'
printf '| `heapdog --version` | %s ms | %s ms | %s |\n' "$(median_ms "$binary" --version)" "$(median_ms dotnet "$dll" --version)" "$runs"
printf '| `heapdog analyze` (%s MB) | %s ms | %s ms | %s |\n' "$(( $(stat -c %s "$snapshot") / 1000000 ))" \
  "$(median_ms "$binary" analyze "$snapshot")" "$(median_ms dotnet "$dll" analyze "$snapshot")" "$runs"
