#!/usr/bin/env bash
# Times `heapdog analyze` end to end next to Chrome DevTools' worker and memlab on the same snapshots, in one run.
# Usage: bench/analyze/run.sh [SIZES_MB...]   (default: 50 300 1200; snapshots are cached in $BENCH_DIR)
# Env: BENCH_DIR (default: a "heapdog-bench" folder in the temp dir), RUNS (default 3), PEERS=0 to skip the peers.
# Prints a Markdown table of median wall time and median peak RSS per tool and size, and the speed-up over the
# fastest peer. Needs: node, npm, dotnet, GNU time (/usr/bin/time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(50 300 1200)
runs="${RUNS:-3}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/heapdog-bench}"
mkdir -p "$dir"

dotnet publish "$root/src/Heapdog.Cli" -c Release -o "$dir/heapdog" --nologo -v q >/dev/null
heapdog="$dir/heapdog/heapdog"
if [ "${PEERS:-1}" = 1 ]; then npm ci --prefix "$root/bench/peers" --no-audit --no-fund --loglevel=error >/dev/null; fi

# measure LABEL CMD...: runs CMD $runs times; appends "label wall_s rss_kb" per run to $dir/results.txt
measure() {
  local label="$1"; shift
  for ((i = 1; i <= runs; i++)); do
    if /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt"; then
      echo "$label $(cat "$dir/time.txt")" >> "$dir/results.txt"
    else
      echo "$label FAILED $(tail -n 1 "$dir/stderr.txt")" >> "$dir/results.txt"
    fi
  done
}

: > "$dir/results.txt"
for mb in "${sizes[@]}"; do
  snap="$dir/bench-$mb.heapsnapshot"
  [ -f "$snap" ] || node "$root/bench/generate-snapshot.js" "$snap" "$mb" >&2
  bytes=$(stat -c %s "$snap")
  echo "snapshot $mb $bytes" >> "$dir/results.txt"
  measure "heapdog $mb" "$heapdog" analyze "$snap" --json
  if [ "${PEERS:-1}" = 1 ]; then
    heap=$(( (bytes / 1048576) * 6 + 4096 ))
    measure "devtools $mb" node --max-old-space-size=$heap "$root/bench/peers/devtools-analyze.mjs" "$snap"
    measure "memlab $mb" node --max-old-space-size=$heap "$root/bench/peers/memlab-analyze.mjs" "$snap"
  fi
done

awk '
  $1 == "snapshot" { bytes[$2] = $3; order[++n] = $2; next }
  $3 == "FAILED" { failed[$1 " " $2] = 1; next }
  { key = $1 " " $2; k = ++cnt[key]; wall[key, k] = $3; rss[key, k] = $4; tools[$1] = 1 }
  function median(arr, key, c,    i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = arr[key, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
  }
  END {
    print "| snapshot | tool | median wall | median peak RSS | RSS / file | runs |"
    print "|---|---|---:|---:|---:|---:|"
    for (s = 1; s <= n; s++) {
      mb = order[s]; best = 0
      split("heapdog devtools memlab", names, " ")
      for (t = 1; t <= 3; t++) {
        key = names[t] " " mb
        if (failed[key] && !cnt[key]) { printf "| %s MB (%.0f MB) | %s | failed | | | |\n", mb, bytes[mb] / 1e6, names[t]; continue }
        if (!cnt[key]) continue
        w = median(wall, key, cnt[key]); r = median(rss, key, cnt[key])
        med[key] = w
        if (names[t] != "heapdog" && (best == 0 || w < best)) best = w
        printf "| %s MB (%.0f MB) | %s | %.2f s | %.0f MB | %.2f× | %d |\n", mb, bytes[mb] / 1e6, names[t], w, r / 1024, r * 1024 / bytes[mb], cnt[key]
      }
      if (best > 0) printf "| | **heapdog speed-up over the fastest peer** | **%.1f×** | | | |\n", best / med["heapdog " mb]
    }
  }' "$dir/results.txt"
