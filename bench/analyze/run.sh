#!/usr/bin/env bash
# Times `heapdog analyze` end to end next to Chrome DevTools' worker and memlab on the same snapshots, in one run.
# Usage: bench/analyze/run.sh [SIZE...]
#   SIZE: "300" = a Node heap of about 300 MB from bench/generate-snapshot.js (50 .. 1200);
#         "41M" = a synthetic snapshot of about 41 million nodes from bench/synth/SynthSnapshot (~100 bytes per node:
#         41M ≈ 4 GB, 100M ≈ 10 GB). Default: 50 300 1200.
# Env: BENCH_DIR (default: a "heapdog-bench" folder in the temp dir; snapshots are cached there), RUNS (default 3),
#      BIG_RUNS (runs on synthetic snapshots, default 1),
#      NATIVE=1 to also time the NativeAOT binary (what the tarball and the npm package ship; slow to publish) as
#      "heapdog (native)", PEERS=0 to skip the peers, README=1 to also replace the table in bench/README.md (between its
#      "analyze-table" markers), TABLE_ONLY=1 to print the table of the last run's results again without running.
# Peers are not run on synthetic snapshots over 2 GB: DevTools' worker keeps the string table in one JS string and
# stops with "Invalid string length" once the strings pass ~512 MB (these files have more), and memlab needs 3–5×
# the file in JS heap, more than this machine has. The table says so.
# Prints a Markdown table: median wall time, median CPU time (user + system), median peak RSS per tool and size, and
# the speed-up over the fastest peer (in wall time and in CPU time). Needs: node, npm, dotnet, GNU time (/usr/bin/time).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(50 300 1200)
runs="${RUNS:-3}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/heapdog-bench}"
mkdir -p "$dir"

if [ "${TABLE_ONLY:-0}" != 1 ]; then
  dotnet publish "$root/src/Heapdog.Cli" -c Release -o "$dir/heapdog" --nologo -v q >/dev/null
  heapdog="$dir/heapdog/heapdog"
  if [ "${NATIVE:-0}" = 1 ]; then
    linker=(); command -v clang >/dev/null 2>&1 || linker=(-p:CppCompilerAndLinker=gcc)
    dotnet publish "$root/src/Heapdog.Cli" -c Release -r linux-x64 -o "$dir/heapdog-native" --nologo -v q "${linker[@]}" >/dev/null
  fi
  if [[ " ${sizes[*]} " == *M\ * ]]; then
    dotnet build "$root/bench/synth/SynthSnapshot" -c Release -o "$dir/synth" --nologo -v q >/dev/null
  fi
  if [ "${PEERS:-1}" = 1 ]; then npm ci --prefix "$root/bench/peers" --no-audit --no-fund --loglevel=error >/dev/null; fi

  # measure LABEL CMD...: runs CMD $runs times; appends "label wall_s rss_kb cpu_s" per run to $dir/results.txt
  measure() {
    local label="$1"; shift
    local n="$runs"; [[ "$label" == *M ]] && n="${BIG_RUNS:-1}"
    for ((i = 1; i <= n; i++)); do
      if /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt"; then
        echo "$label $(awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }' "$dir/time.txt")" >> "$dir/results.txt"
      else
        echo "$label FAILED $(tail -n 1 "$dir/stderr.txt")" >> "$dir/results.txt"
      fi
    done
  }

  : > "$dir/results.txt"
  for size in "${sizes[@]}"; do
    if [[ "$size" == *M ]]; then
      snap="$dir/synth-$size.heapsnapshot"
      [ -f "$snap" ] || "$dir/synth/SynthSnapshot" "$snap" "${size%M}" >&2
    else
      snap="$dir/bench-$size.heapsnapshot"
      [ -f "$snap" ] || node "$root/bench/generate-snapshot.js" "$snap" "$size" >&2
    fi
    bytes=$(stat -L -c %s "$snap")
    echo "snapshot $size $bytes" >> "$dir/results.txt"
    # Read once first, so that every tool starts with the file in the page cache (the first would pay for the disk).
    cat "$snap" > /dev/null
    measure "heapdog $size" "$heapdog" analyze "$snap" --json
    if [ "${NATIVE:-0}" = 1 ]; then measure "native $size" "$dir/heapdog-native/heapdog" analyze "$snap" --json; fi
    if [ "${PEERS:-1}" = 1 ]; then
      if [[ "$size" == *M ]] && [ "$bytes" -gt 2000000000 ]; then
        echo "devtools $size SKIPPED strings over 512 MB: fails with \"Invalid string length\"" >> "$dir/results.txt"
        echo "memlab $size SKIPPED needs 3–5× the file in JS heap" >> "$dir/results.txt"
        continue
      fi
      heap=$(( (bytes / 1048576) * 6 + 4096 ))
      measure "devtools $size" node --max-old-space-size=$heap "$root/bench/peers/devtools-analyze.mjs" "$snap"
      measure "memlab $size" node --max-old-space-size=$heap "$root/bench/peers/memlab-analyze.mjs" "$snap"
    fi
  done

fi

table=$(awk "$(cat "$root/bench/median.awk")"'
  $1 == "snapshot" { bytes[$2] = $3; order[++n] = $2; next }
  $3 == "FAILED" || $3 == "SKIPPED" { why[$1 " " $2] = $3 ": " substr($0, index($0, $3) + length($3) + 1); next }
  { key = $1 " " $2; k = ++cnt[key]; wall[key, k] = $3; rss[key, k] = $4; cpu[key, k] = $5 }
  END {
    tool["heapdog"] = "heapdog"; tool["native"] = "heapdog (native)"; tool["devtools"] = "devtools"; tool["memlab"] = "memlab"
    print "| snapshot | tool | median wall | median CPU | median peak RSS | RSS / file | runs |"
    print "|---|---|---:|---:|---:|---:|---:|"
    for (s = 1; s <= n; s++) {
      size = order[s]; best = 0; bestc = 0; label = size ~ /M$/ ? "synthetic " size " nodes" : size " MB"
      file = bytes[size] >= 2e9 ? sprintf("%.2f GB", bytes[size] / 1e9) : sprintf("%.0f MB", bytes[size] / 1e6)
      split("heapdog native devtools memlab", names, " ")
      for (t = 1; t <= 4; t++) {
        key = names[t] " " size
        if (!cnt[key]) {
          if (why[key] != "") printf "| %s (%s) | %s | %s | | | | |\n", label, file, tool[names[t]], why[key]
          continue
        }
        w = median(wall, key, cnt[key]); r = median(rss, key, cnt[key]); c = median(cpu, key, cnt[key])
        med[key] = w; medc[key] = c
        if (t > 2 && (best == 0 || w < best)) best = w
        if (t > 2 && (bestc == 0 || c < bestc)) bestc = c
        printf "| %s (%s) | %s | %.2f s | %.2f s | %.0f MiB | %.2f× | %d |\n", label, file, tool[names[t]], w, c, r / 1024, r * 1024 / bytes[size], cnt[key]
      }
      for (t = 1; t <= 2; t++)
        if (best > 0 && med[names[t] " " size] > 0)
          printf "| | **%s speed-up over the fastest peer** | **%.1f×** | **%.1f×** | | | |\n", tool[names[t]], best / med[names[t] " " size], bestc / medc[names[t] " " size]
    }
  }' "$dir/results.txt")
echo "$table"
if [ "${README:-0}" = 1 ]; then
  printf '%s\n' "$table" | python3 "$root/bench/readme-table.py" "$root/bench/README.md" analyze
fi
