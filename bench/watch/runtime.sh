#!/usr/bin/env bash
# Measures what --runtime adds to heapdog watch: the watcher's CPU share and the watched processes' CPU share, with and
# without --runtime, watching N idle Node processes at a 1 s interval.
# Usage: bench/watch/runtime.sh [N=10] [SECONDS=60]
# Builds the CLI in Release, starts N idle Node processes with --inspect-port=0 (so each opens its own inspector port
# on SIGUSR1), then runs `heapdog watch --pid ... --interval 1s` twice, without and with --runtime, and reads CPU ticks
# from /proc over the steady part of each run (after a 30 s start-up).
set -euo pipefail
N=${1:-10}
SECONDS_RUN=${2:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n "${WATCH:-}" ]] && kill "$WATCH" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet publish "$ROOT/src/Heapdog.Cli" -c Release -o "$WORK/cli" --nologo -v quiet >/dev/null
for _ in $(seq "$N"); do node --inspect-port=0 "$HERE/idle.js" 2>/dev/null & PIDS+=($!); done
sleep 2
PID_ARGS=()
for p in "${PIDS[@]}"; do PID_ARGS+=(--pid "$p"); done
HZ=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
target_ticks() { local t=0; for p in "${PIDS[@]}"; do t=$((t + $(ticks "$p"))); done; echo "$t"; }

measure() {
  local label=$1; shift
  "$WORK/cli/heapdog" watch "${PID_ARGS[@]}" --interval 1s --duration $((SECONDS_RUN + 35))s --db "$WORK/$label.db" "$@" > "$WORK/$label.log" 2>&1 &
  WATCH=$!
  # Skip the start-up: the JIT recompiles hot methods (tiered compilation) and --runtime opens its sessions.
  sleep 30
  local w0 t0 s0 w1 t1 s1
  w0=$(ticks "$WATCH"); t0=$(target_ticks); s0=$(date +%s.%N)
  sleep "$SECONDS_RUN"
  w1=$(ticks "$WATCH"); t1=$(target_ticks); s1=$(date +%s.%N)
  wait "$WATCH" || true
  WATCH=
  awk -v l="$label" -v w0="$w0" -v w1="$w1" -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$HZ" -v n="$N" 'BEGIN {
    wall = s1 - s0;
    printf "%-10s watcher CPU %.2f %% of one core; %d targets together %.2f %% (%.1f s)\n", l, 100 * (w1 - w0) / hz / wall, n, 100 * (t1 - t0) / hz / wall, wall;
  }'
}

measure plain
measure runtime --runtime
grep -c "(written)" "$WORK/runtime.log" | xargs echo "sample lines with --runtime:"
grep "heapdog:" "$WORK/runtime.log" || true
