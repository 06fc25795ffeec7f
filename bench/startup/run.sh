#!/usr/bin/env bash
# Start-up and end-to-end time of each form Heapdog ships in, on the same files in one run:
#   dll   `dotnet heapdog.dll`, the framework-dependent build (`dotnet build -c Release src/Heapdog.Cli`)
#   tool  the dotnet tool, installed from artifacts/ (`dotnet tool install --tool-path … --add-source artifacts heapdog`)
#   aot   the NativeAOT single binary from artifacts/publish/linux-x64 (what the tarball and the npm package hold)
# Commands: `heapdog --version` (runtime start and the command line alone), `heapdog analyze SNAPSHOT --json` of a
# ~50 MB Node heap (bench/generate-snapshot.js) and `heapdog leaks s1 s2 s3 --json` of three ~10 MB snapshots of one
# process (bench/leaks/generate-series.js).
# Usage: bench/startup/run.sh [FORM...]   (default: dll tool aot)
# Env: RUNS (default 7; one unmeasured warm-up run first), BENCH_DIR (default: a "heapdog-startup" folder in the temp
#      dir; snapshots and the installed tool are kept there), PACK=1 to run build/pack.sh linux-x64 first (otherwise
#      the packages already in artifacts/ are used, and built only when missing).
# Prints a Markdown table: median wall time, median CPU time (user + system), median peak RSS, from GNU time.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
forms=("$@"); [ ${#forms[@]} -gt 0 ] || forms=(dll tool aot)
runs="${RUNS:-7}"
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/heapdog-startup}"
mkdir -p "$dir"

snap="$dir/bench-50.heapsnapshot"
[ -f "$snap" ] || node "$root/bench/generate-snapshot.js" "$snap" 50 >&2
[ -f "$dir/series-10/s3.heapsnapshot" ] || node "$root/bench/leaks/generate-series.js" "$dir/series-10" 10 >&2
version="$(dotnet msbuild "$root/src/Heapdog.Cli" -getProperty:Version)"

command_of() { # FORM: prints the command line that runs heapdog in that form
  case "$1" in
    dll)
      dotnet build "$root/src/Heapdog.Cli" -c Release --nologo -v q >/dev/null
      echo "dotnet $root/src/Heapdog.Cli/bin/Release/net10.0/heapdog.dll" ;;
    tool)
      rm -rf "$dir/tool"
      dotnet tool install --tool-path "$dir/tool" --add-source "$root/artifacts" --version "$version" heapdog >/dev/null
      echo "$dir/tool/heapdog" ;;
    aot) echo "$root/artifacts/publish/linux-x64/heapdog" ;;
    *) echo "bench/startup: unknown form '$1' (dll, tool, aot)" >&2; exit 2 ;;
  esac
}

if [ "${PACK:-0}" = 1 ] || { [[ " ${forms[*]} " =~ \ (tool|aot)\  ]] && [ ! -x "$root/artifacts/publish/linux-x64/heapdog" ]; }; then
  bash "$root/build/pack.sh" linux-x64 >&2
fi

# measure FORM LABEL CMD...: RUNS runs after a warm-up; one "form label wall_s cpu_s rss_kb" line per run
measure() {
  local form="$1" label="$2"; shift 2
  "$@" >/dev/null 2>&1 || { echo "bench/startup: $form $label failed: $*" >&2; "$@" >/dev/null; exit 1; }
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1
    echo "$form $label $(awk '{ printf "%s %.2f %s", $1, $2 + $3, $4 }' "$dir/time.txt")"
  done
}

: > "$dir/results.txt"
for form in "${forms[@]}"; do
  read -r -a heapdog <<< "$(command_of "$form")"
  {
    measure "$form" version "${heapdog[@]}" --version
    measure "$form" analyze "${heapdog[@]}" analyze "$snap" --json
    measure "$form" leaks "${heapdog[@]}" leaks "$dir"/series-10/s{1,2,3}.heapsnapshot --json
  } >> "$dir/results.txt"
done

echo "analyze: $(( $(stat -L -c %s "$snap") / 1000000 )) MB; leaks: 3 × $(( $(stat -L -c %s "$dir/series-10/s2.heapsnapshot") / 1000000 )) MB; $runs runs each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
awk "$(cat "$root/bench/median.awk")"'
  { key = $1 " " $2; if (!(key in cnt)) order[++n] = key; k = ++cnt[key]; wall[key, k] = $3; cpu[key, k] = $4; rss[key, k] = $5 }
  END {
    print "| form | command | median wall | median CPU | median peak RSS | runs |"
    print "|---|---|---:|---:|---:|---:|"
    for (i = 1; i <= n; i++) {
      split(order[i], p, " ")
      printf "| %s | %s | %.2f s | %.2f s | %.0f MiB | %d |\n", p[1], p[2], median(wall, order[i], cnt[order[i]]),
        median(cpu, order[i], cnt[order[i]]), median(rss, order[i], cnt[order[i]]) / 1024, cnt[order[i]]
    }
  }' "$dir/results.txt"
