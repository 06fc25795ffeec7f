#!/usr/bin/env bash
# What a capture costs the target and what it leaves behind: RSS, JS heap and event-loop delay of a service-shaped
# target (service.js) before, during and after `heapdog snapshot`, a `heapdog hunt`, and a second snapshot.
# Usage: RUNS=3 bench/footprint/run.sh [TARGET_MB]   (needs root for the peak RSS: /proc/PID/clear_refs)
# SETTLE=10 seconds waited before each reading of the "after" phases; TRIM=0 skips the last, diagnostic phase (gdb).
# Needs a Release build: dotnet build -c Release src/Heapdog.Cli (or HEAPDOG=/path/to/heapdog)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
heapdog=${HEAPDOG:-"$here/../../src/Heapdog.Cli/bin/Release/net10.0/heapdog"}
mb=${1:-100}
runs=${RUNS:-3}
settle=${SETTLE:-10}
work=$(mktemp -d)
target=
trap '[ -n "$target" ] && kill $target 2>/dev/null; rm -rf "$work"' EXIT

mb_of() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
stats() { curl -sf "http://127.0.0.1:$port/stats"; }
field() { node -e "process.stdout.write(String(JSON.parse(process.argv[1])['$2']))" "$1"; }
peak_kb() { awk '/VmHWM/ { print $2 }' "/proc/$target/status"; }
# The target's CPU time (user + system, all threads) in ms: a phase's share of it is what the capture made the target
# do, which unlike the wall-clock pause does not depend on how busy the machine is.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$target/stat"; }
reset_peak() { echo 5 > "/proc/$target/clear_refs"; }
# One line per phase: run phase rss_MB heap_MB delay_max_ms peak_rss_MB target_cpu_ms
record() {
  local s; s=$(stats)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$1" "$(mb_of "$(field "$s" rss)")" "$(mb_of "$(field "$s" heapUsed)")" \
    "$(printf '%.0f' "$(field "$s" delayMaxMs)")" "${2:-}" "${3:-}" >> "$work/results.tsv"
}

for run in $(seq 1 "$runs"); do
  node --inspect-port=0 "$here/service.js" "$mb" > "$work/target.out" 2>"$work/target.err" &
  target=$!
  until grep -qs '^port' "$work/target.out"; do sleep 0.5; done
  port=$(awk '/^port/ { print $2 }' "$work/target.out")
  sleep "$settle"; stats > /dev/null; sleep "$settle"
  record before

  reset_peak; cpu=$(cpu_ms)
  "$heapdog" snapshot "$target" -o "$work/s1.heapsnapshot" 2>/dev/null > /dev/null
  record "during snapshot" "$(mb_of $(( $(peak_kb) * 1024 )))" "$(( $(cpu_ms) - cpu ))"
  sleep "$settle"; record "after snapshot"

  reset_peak; cpu=$(cpu_ms)
  "$heapdog" hunt "$target" --snapshots 3 --interval 5s --json 2>/dev/null > /dev/null
  record "during hunt" "$(mb_of $(( $(peak_kb) * 1024 )))" "$(( $(cpu_ms) - cpu ))"
  sleep "$settle"; record "after hunt"

  reset_peak; cpu=$(cpu_ms)
  "$heapdog" snapshot "$target" -o "$work/s2.heapsnapshot" 2>/dev/null > /dev/null
  record "during 2nd snapshot" "$(mb_of $(( $(peak_kb) * 1024 )))" "$(( $(cpu_ms) - cpu ))"
  sleep "$settle"; record "after 2nd snapshot"

  # Diagnosis, not something Heapdog does: ask the target's glibc to return the free memory it keeps (gdb calls
  # malloc_trim(0) in the target). What is left is what V8 and Node still hold.
  if [ "${TRIM:-1}" = 1 ] && command -v gdb > /dev/null; then
    gdb -p "$target" -batch -ex 'call (int)malloc_trim(0)' > /dev/null 2>&1
    record "after malloc_trim(0)"
  fi

  kill "$target"; wait "$target" 2>/dev/null || true; target=
  rm -f "$work"/*.heapsnapshot
done

echo "target: $mb MB of JS heap; $runs runs; medians (RSS and heap when the phase ends, event-loop delay max over the phase)"
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(l => l.split("\t"));
const median = xs => { const s = xs.filter(x => x !== undefined && x !== "").map(Number).sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : ""; };
console.log("| phase | RSS (MB) | JS heap used (MB) | event-loop delay max (ms) | peak RSS in phase (MB) | target CPU in phase (ms) | runs: RSS |");
console.log("|---|---:|---:|---:|---:|---:|---|");
for (const phase of [...new Set(rows.map(r => r[1]))]) {
  const of = rows.filter(r => r[1] === phase);
  console.log(`| ${phase} | ${median(of.map(r => r[2]))} | ${median(of.map(r => r[3]))} | ${median(of.map(r => r[4]))} | ${median(of.map(r => r[5]))} | ${median(of.map(r => r[6]))} | ${of.map(r => r[2]).join(", ")} |`);
}' "$work/results.tsv"
