#!/usr/bin/env bash
# Usage: bench/leaks/run.sh DIR [REPEAT]
# Times, on DIR/s1..s3.heapsnapshot (three snapshots of one process, from generate-series.js), REPEAT times each
# (default 3): heapdog leaks on the three; heapdog analyze on each one separately (the "analyse each snapshot
# once" baseline); memlab find-leaks (baseline s1, target s2, final s3); DevTools' Comparison of s1 and s3.
# Prints one line per run: tool and elapsed milliseconds. Peers come from bench/peers (npm ci there first).
set -euo pipefail
dir="$1"; repeat="${2:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
heapdog="$root/src/Heapdog.Cli/bin/Release/net10.0/heapdog"
peers="${PEERS:-$root/bench/peers}"
ms() { local s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }; echo $(( ($(date +%s%N) - s) / 1000000 )); }
for i in $(seq "$repeat"); do
  echo "heapdog-leaks $(ms "$heapdog" leaks "$dir/s1.heapsnapshot" "$dir/s2.heapsnapshot" "$dir/s3.heapsnapshot" --json)"
  a1=$(ms "$heapdog" analyze "$dir/s1.heapsnapshot" --json); a2=$(ms "$heapdog" analyze "$dir/s2.heapsnapshot" --json); a3=$(ms "$heapdog" analyze "$dir/s3.heapsnapshot" --json)
  echo "heapdog-analyze-each $(( a1 + a2 + a3 ))"
  echo "memlab-find-leaks $(ms "$peers/memlab-find-leaks.sh" "$dir/s1.heapsnapshot" "$dir/s2.heapsnapshot" "$dir/s3.heapsnapshot")"
  echo "devtools-diff $(ms node --max-old-space-size=16000 "$peers/devtools-diff.mjs" "$dir/s1.heapsnapshot" "$dir/s3.heapsnapshot")"
done
