#!/usr/bin/env bash
# The fleet benchmark (bench/README.md, "fleet"): starts a throw-away PostgreSQL from Debian's package in a temporary
# directory (as the postgres user when run as root; default settings, fsync on), runs FleetBench against it, and
# deletes it. Arguments go to FleetBench: [--hosts 500] [--processes 20] [--seconds 120] [--prefill 200] [--writers 8]
# Or give your own server: FLEET_URL=postgresql://USER@HOST:PORT/DB bench/fleet/run.sh ...
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build bench/fleet/FleetBench -c Release -nologo -v:q >/dev/null
bench=(dotnet bench/fleet/FleetBench/bin/Release/net10.0/FleetBench.dll)
if [ -n "${FLEET_URL:-}" ]; then exec "${bench[@]}" "$FLEET_URL" "$@"; fi

bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
dir="$(mktemp -d)"
as=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; as=(runuser -u postgres --); fi
port=$(( 20000 + RANDOM % 20000 ))
export PGPASSWORD="bench-$RANDOM$RANDOM"
trap '"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
echo "$PGPASSWORD" > "$dir/pw"; [ ${#as[@]} -eq 0 ] || chown postgres: "$dir/pw"
"${as[@]}" "$bin/initdb" -D "$dir/data" -U heapdog --pwfile "$dir/pw" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
"${as[@]}" "$bin/psql" -h "$dir" -p "$port" -U heapdog -d postgres -qc "CREATE DATABASE fleet"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"${bench[@]}" "postgresql://heapdog@127.0.0.1:$port/fleet" "$@"
