#!/usr/bin/env bash
# The README's test command: makes sure the tools the tests drive are on this machine, then runs every test project.
# What is missing is installed with apt-get when this runs as root on Debian or Ubuntu (as CI does); otherwise the
# script stops before any test with the one line that installs it, so no test fails for a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null 2>&1 || { echo "test: the .NET 10 SDK is needed (https://dotnet.microsoft.com/download), 'dotnet' is not on PATH" >&2; exit 1; }

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The dashboard's browser tests drive Debian's Chromium; its /metrics test is scraped by a real Prometheus.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
# The store contract and fleet tests start a real PostgreSQL from Debian's package (initdb + pg_ctl in a temp directory).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The packaging check's NativeAOT binary links with gcc (clang is not needed).
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
# The container tests run node in namespaces of its own (unshare, nsenter, setpriv) and bring up its loopback (ip); the
# fleet's tests put agents in network namespaces of their own (ip netns, veth pairs).
command -v nsenter >/dev/null 2>&1 || need_apt+=(util-linux)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else
    echo "test: the tests need: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
fi
# The namespace and cgroup tests (containers, fleet) need root; as another user they skip and say so.
[ "$(id -u)" -eq 0 ] || echo "test: not root: the container and fleet tests that need namespaces and cgroups will be skipped"

npm ci --prefix tests/reference --no-audit --no-fund --loglevel=error
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test Heapdog.slnx -c Release -m:1 2>&1 | tee "$log" || status=$?
# One closing line over all test projects ("Passed!  - Failed: 0, Passed: 39, …" per project).
awk '/(Passed|Failed)! +- Failed: /{ gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
