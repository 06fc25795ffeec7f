#!/usr/bin/env bash
# Times `heapdog leaks` on three snapshots of one process next to memlab find-leaks and DevTools' Comparison view on
# the same files, in one run.
# Usage: bench/leaks/run.sh [SIZE...]
#   SIZE: about SIZE MB per snapshot; the series is written once by bench/leaks/generate-series.js (one Node process,
#         s1..s3 over time) into BENCH_DIR/series-SIZE. Default: 50.
# Env: BENCH_DIR (default: a "heapdog-bench" folder in the temp dir; series are cached there), RUNS (default 3),
#      HEAPDOG (a heapdog to time instead of publishing this tree's), BASELINE (another heapdog, e.g. a build of the
#      commit before a change, timed as "baseline" in the same runs), PEERS=0 to skip the peers, README=1 to also
#      replace the table in bench/README.md (between its "leaks-table" markers), TABLE_ONLY=1 to print the table of
#      the last run's results again without running.
# Each run times, one after the other: heapdog leaks s1 s2 s3 --json; the baseline the same way; heapdog analyze on
# s1, s2 and s3 in three processes (the "analyse each snapshot once" floor: leak detection cannot read less);
# bench/peers/memlab-find-leaks.sh s1 s2 s3 (--trace-all-objects); DevTools' worker comparing s1 and s3.
# Prints a Markdown table: median wall time, median CPU time (user + system, all threads and children), median peak
# RSS per tool, and memlab's time over heapdog leaks'. Needs: node, npm, dotnet, GNU time (/usr/bin/time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(50)
runs="${RUNS:-3}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/heapdog-bench}"
mkdir -p "$dir"
results="$dir/leaks-results.txt"

if [ "${TABLE_ONLY:-0}" != 1 ]; then
  heapdog="${HEAPDOG:-}"
  if [ -z "$heapdog" ]; then
    dotnet publish "$root/src/Heapdog.Cli" -c Release -o "$dir/heapdog" --nologo -v q >/dev/null
    heapdog="$dir/heapdog/heapdog"
  fi
  if [ "${PEERS:-1}" = 1 ]; then npm ci --prefix "$root/bench/peers" --no-audit --no-fund --loglevel=error >/dev/null; fi

  # measure LABEL CMD...: runs CMD once; appends "label size wall_s rss_kb cpu_s" to the results
  measure() {
    local label="$1"; shift
    if /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt"; then
      echo "$label $size $(awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }' "$dir/time.txt")" >> "$results"
    else
      echo "$label $size FAILED $(tail -n 1 "$dir/stderr.txt")" >> "$results"
    fi
  }

  : > "$results"
  for size in "${sizes[@]}"; do
    series="$dir/series-$size"
    [ -f "$series/s3.heapsnapshot" ] || node "$root/bench/leaks/generate-series.js" "$series" "$size" >&2
    s=("$series/s1.heapsnapshot" "$series/s2.heapsnapshot" "$series/s3.heapsnapshot")
    echo "series $size $(stat -L -c %s "${s[@]}" | paste -sd/)" >> "$results"
    heap=$(( $(stat -L -c %s "${s[2]}") / 1048576 * 8 + 4096 ))
    for ((i = 1; i <= runs; i++)); do
      measure heapdog-leaks "$heapdog" leaks "${s[@]}" --json
      if [ -n "${BASELINE:-}" ]; then measure baseline-leaks "$BASELINE" leaks "${s[@]}" --json; fi
      measure analyze-each sh -c 'for f in "$@"; do "$0" analyze "$f" --json || exit 1; done' "$heapdog" "${s[@]}"
      if [ "${PEERS:-1}" = 1 ]; then
        measure memlab "$root/bench/peers/memlab-find-leaks.sh" "${s[@]}"
        measure devtools node --max-old-space-size=$heap "$root/bench/peers/devtools-diff.mjs" "${s[0]}" "${s[2]}"
      fi
    done
  done
fi

table=$(awk "$(cat "$root/bench/median.awk")"'
  $1 == "series" { files[$2] = $3; order[++n] = $2; next }
  $3 == "FAILED" { why[$1 " " $2] = substr($0, index($0, "FAILED")); next }
  { key = $1 " " $2; k = ++cnt[key]; wall[key, k] = $3; rss[key, k] = $4; cpu[key, k] = $5 }
  END {
    print "| series | tool | median wall | median CPU | median peak RSS | runs |"
    print "|---|---|---:|---:|---:|---:|"
    split("heapdog-leaks baseline-leaks analyze-each memlab devtools", names, " ")
    split("heapdog leaks|heapdog leaks, baseline build|heapdog analyze s1, s2, s3 (3 processes)|memlab find-leaks|DevTools comparison s1 → s3", titles, "|")
    for (s = 1; s <= n; s++) {
      size = order[s]; split(files[size], b, "/")
      label = sprintf("3 × %s MB (%.1f / %.1f / %.1f MB)", size, b[1] / 1e6, b[2] / 1e6, b[3] / 1e6)
      for (t = 1; t <= 5; t++) {
        key = names[t] " " size
        if (!cnt[key]) {
          if (why[key] != "") printf "| %s | %s | %s | | | |\n", label, titles[t], why[key]
          continue
        }
        w = median(wall, key, cnt[key]); r = median(rss, key, cnt[key]); c = median(cpu, key, cnt[key])
        med[key] = w; medc[key] = c
        printf "| %s | %s | %.2f s | %.2f s | %.0f MiB | %d |\n", label, titles[t], w, c, r / 1024, cnt[key]
      }
      h = "heapdog-leaks " size
      if (cnt["baseline-leaks " size]) printf "| | **baseline / heapdog leaks** | **%.2f×** | **%.2f×** | | |\n", med["baseline-leaks " size] / med[h], medc["baseline-leaks " size] / medc[h]
      if (cnt["memlab " size]) printf "| | **memlab / heapdog leaks** | **%.1f×** | **%.1f×** | | |\n", med["memlab " size] / med[h], medc["memlab " size] / medc[h]
    }
  }' "$results")
echo "$table"
if [ "${README:-0}" = 1 ]; then
  printf '%s\n' "$table" | python3 "$root/bench/readme-table.py" "$root/bench/README.md" leaks
fi
