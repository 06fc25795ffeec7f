#!/usr/bin/env bash
# What allocation tracking (heapdog hunt --allocations) costs the target: the demo service
# (src/Heapdog.Cli/Demo/leaky-service.js) under closed-loop HTTP load between the two snapshots of a hunt, once
# without and once with --allocations, each in a fresh process. Reports requests/s during the load and the target's
# RSS before and after it, and before that the target's CPU over 5 s of its own light traffic (200 requests/s, which the
# demo sends itself). Usage: run.sh [load seconds=10] [connections=8]
# Needs a Release build: dotnet build -c Release src/Heapdog.Cli
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
heapdog="$here/../../src/Heapdog.Cli/bin/Release/net10.0/heapdog"
demo="$here/../../src/Heapdog.Cli/Demo/leaky-service.js"
seconds=${1:-10}
connections=${2:-8}
rss() { awk '/^VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Waits up to 120 s for a line matching $2 in file $1.
wait_for() {
  for _ in $(seq 1 600); do grep -q "$2" "$1" && return 0; sleep 0.2; done
  echo "gave up waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

measure() {
  local label=$1; shift
  local out; out=$(mktemp -d)
  # SIGUSR1 opens the inspector on a free port, never 9229, so parallel work on the machine is not disturbed.
  node --inspect-port=0 "$demo" > "$out/target.out" 2>&1 &
  local target=$!
  trap 'kill $target 2>/dev/null || true; rm -rf "$out"' RETURN
  wait_for "$out/target.out" '^port '
  local port; port=$(awk '/^port / {print $2; exit}' "$out/target.out")
  node "$here/load.js" "$port" 3 "$connections" > /dev/null # warm-up: let V8 optimise the handler first
  "$heapdog" hunt --pid "$target" --snapshots 2 --interval "$((seconds + 20))s" --json "$@" > "$out/hunt.json" 2> "$out/hunt.err" &
  local hunt=$!
  # Tracking (if asked) starts right after attach; the load runs in the wait between the two snapshots.
  wait_for "$out/hunt.err" 'waiting'
  local ticks; ticks=$(cpu_ticks "$target")
  sleep 5
  local light; light=$(awk -v a="$ticks" -v b="$(cpu_ticks "$target")" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f %%", (b - a) / hz / 5 * 100}')
  local before; before=$(rss "$target")
  local result; result=$(node "$here/load.js" "$port" "$seconds" "$connections")
  local after; after=$(rss "$target")
  wait "$hunt"
  echo "$label: target CPU at 200 requests/s: $light of a core; under load: $result; target RSS $before before the load, $after after"
}

echo "node $(node --version), ${seconds} s of load over ${connections} connections, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "without tracking"
measure "with --allocations" --allocations
