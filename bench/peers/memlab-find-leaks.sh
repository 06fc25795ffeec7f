#!/usr/bin/env bash
# Usage: bench/peers/memlab-find-leaks.sh BASELINE TARGET FINAL
# Times memlab's three-snapshot leak finder on Node snapshots. --trace-all-objects is needed for Node heaps:
# without it memlab only reports browser-specific leaks (detached DOM / React fibers) and finds nothing.
# memlab writes its results into a work directory; a temporary one is used and removed afterwards.
set -euo pipefail
if [ "$#" -ne 3 ]; then
  echo "usage: $0 BASELINE TARGET FINAL" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s%N)
"$here/node_modules/.bin/memlab" find-leaks --baseline "$1" --target "$2" --final "$3" \
  --trace-all-objects --work-dir "$work" >"$work/memlab.log" 2>&1 || { tail -20 "$work/memlab.log" >&2; exit 1; }
end=$(date +%s%N)
leaks=$(grep -o 'MemLab found [0-9]* leak' "$work/memlab.log" | grep -o '[0-9]*' || echo 0)
echo "{\"tool\":\"memlab-find-leaks\",\"baseline\":\"$1\",\"target\":\"$2\",\"final\":\"$3\",\"leakClusters\":$leaks,\"totalMs\":$(( (end - start) / 1000000 ))}"
