#!/usr/bin/env bash
# Measures heapdog watch's own cost: CPU share and RSS while watching N Node processes at a 1 s interval.
# Usage: bench/watch/run.sh [N=50] [SECONDS=60]
# Builds the CLI in Release, starts N idle Node processes, runs `heapdog watch --all --interval 1s`, and reads the
# watcher's CPU ticks and RSS from /proc over the steady part of the run (after a 60 s start-up).
set -euo pipefail
N=${1:-50}
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
for _ in $(seq "$N"); do node "$HERE/idle.js" & PIDS+=($!); done
sleep 2

"$WORK/cli/heapdog" watch --all --interval 1s --duration $((SECONDS_RUN + 65))s --db "$WORK/bench.db" > "$WORK/watch.log" 2>&1 &
WATCH=$!
ticks() { awk '{print $14 + $15}' "/proc/$WATCH/stat"; }
# Skip the first minute: the JIT recompiles hot methods (tiered compilation) during it.
sleep 60
T0=$(ticks); S0=$(date +%s.%N)
RSS_MAX=0
for _ in $(seq "$SECONDS_RUN"); do
  sleep 1
  RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$WATCH/status")
  (( RSS > RSS_MAX )) && RSS_MAX=$RSS
done
T1=$(ticks); S1=$(date +%s.%N)
HWM=$(awk '/^VmHWM/ {print $2}' "/proc/$WATCH/status")
PARTS=$(awk '/^Rss(Anon|File|Shmem)/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$WATCH/status")
HZ=$(getconf CLK_TCK)
WATCHED=$(grep -c "(written)" "$WORK/watch.log" || true)
awk -v t0="$T0" -v t1="$T1" -v s0="$S0" -v s1="$S1" -v hz="$HZ" -v rss="$RSS_MAX" -v hwm="$HWM" -v n="$N" -v lines="$WATCHED" 'BEGIN {
  cpu = (t1 - t0) / hz; wall = s1 - s0;
  printf "processes watched: %d (sample lines so far: %d)\n", n, lines;
  printf "watcher CPU: %.2f s over %.1f s = %.2f %% of one core\n", cpu, wall, 100 * cpu / wall;
  printf "watcher RSS: max %.1f MB during the run, peak (VmHWM) %.1f MB\n", rss / 1024, hwm / 1024;
}'
echo "watcher RSS at the end: $PARTS"
