#!/usr/bin/env bash
# Peak memory and first-answer time of a snapshot opened through MCP (`heapdog mcp`: analyze, then a follow-up inspect
# on the same file), beside memlab loading the same file in the same run.
# Usage: bench/mcp/run.sh [SIZES_MB...]   (default: 300 1200; snapshots are cached in $BENCH_DIR)
# Env: BENCH_DIR (default: a "heapdog-bench" folder in the temp dir), RUNS (default 3).
# memlab's own MCP server (@memlab/mcp-server) is not published on the npm registry this bench installs from, so its
# side is memlab's full single-snapshot load (bench/peers/memlab-analyze.mjs): the work its server does before any
# answer. Prints one JSON line per run; bench/README.md holds the medians.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(300 1200)
runs="${RUNS:-3}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/heapdog-bench}"
mkdir -p "$dir"

dotnet publish "$root/src/Heapdog.Cli" -c Release -o "$dir/heapdog" --nologo -v q >/dev/null
npm ci --prefix "$root/bench/peers" --no-audit --no-fund --loglevel=error >/dev/null

for mb in "${sizes[@]}"; do
  snap="$dir/bench-$mb.heapsnapshot"
  [ -f "$snap" ] || node "$root/bench/generate-snapshot.js" "$snap" "$mb" >&2
  for ((i = 1; i <= runs; i++)); do
    node "$root/bench/mcp/client.mjs" "$dir/heapdog/heapdog" "$snap"
    heap=$(( ($(stat -c %s "$snap") / 1048576) * 6 + 4096 ))
    /usr/bin/time -f '{"tool":"memlab-load","wallS":%e,"peakRssKb":%M}' node --max-old-space-size=$heap "$root/bench/peers/memlab-analyze.mjs" "$snap" 2>&1 >/dev/null | tail -n 1
  done
done
