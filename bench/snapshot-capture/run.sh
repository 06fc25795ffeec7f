#!/usr/bin/env bash
# Peak RSS of `heapdog snapshot` while it streams a large snapshot to disk. Usage: run.sh edges 70 | run.sh objects 2500000
# Needs a Release build: dotnet build -c Release src/Heapdog.Cli
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
heapdog="$here/../../src/Heapdog.Cli/bin/Release/net10.0/heapdog"
out=$(mktemp -d)
node --max-old-space-size=8192 "$here/big-heap.js" "$1" "$2" > "$out/target.out" &
target=$!
trap 'kill $target 2>/dev/null; rm -rf "$out"' EXIT
until grep -q port "$out/target.out"; do sleep 0.5; done
/usr/bin/time -f "heapdog peak RSS %M kB, wall %e s, cpu user %U s sys %S s" "$heapdog" snapshot "$target" -o "$out/bench.heapsnapshot" --force 2>&1 | grep -v '^\(snapshot\|attaching\|estimating\|Debugger\|For help\)'
ls -l "$out/bench.heapsnapshot" | awk '{print "file " $5 " bytes"}'
grep -E 'VmHWM' /proc/$target/status | sed 's/^/target /'
