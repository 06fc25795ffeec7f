#!/usr/bin/env bash
# Reopening analysed snapshots from their analysis index (`.hdx`) against analysing them again: index size and load
# time (wall and CPU, page cache warm and dropped), in one process, per snapshot. See bench/README.md, "analysis cache".
# Usage: bench/cache/run.sh [SIZE...]
#   SIZE: "300" = a Node heap of about 300 MB from bench/generate-snapshot.js (50 .. 1200). Default: 300 1200.
# Env: BENCH_DIR (default: a "heapdog-bench" folder in the temp dir; snapshots are cached there and shared with
#      bench/analyze/run.sh), RUNS (loads per snapshot and page-cache state, default 7).
# Prints a Markdown table (medians) on stdout and every run on stderr. Needs: node, dotnet, dd.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(300 1200)
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/heapdog-bench}"
mkdir -p "$dir"

snapshots=()
for size in "${sizes[@]}"; do
  snap="$dir/bench-$size.heapsnapshot"
  [ -f "$snap" ] || node "$root/bench/generate-snapshot.js" "$snap" "$size" >&2
  snapshots+=("$snap")
done
dotnet run -c Release --project "$root/bench/cache/CacheBench" -- "${RUNS:-7}" "${snapshots[@]}"
