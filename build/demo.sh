#!/usr/bin/env bash
# The README's first command: builds heapdog from this clone, showing the build's progress, then runs `heapdog demo`
# (arguments are passed on: `build/demo.sh --interval 5s`). Needs what the README's set-up names: the .NET 10 SDK and
# Node.js with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null 2>&1 || { echo "demo: the .NET 10 SDK is needed (https://dotnet.microsoft.com/download), 'dotnet' is not on PATH" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "demo: Node.js 20 with npm is needed, 'node' is not on PATH" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "demo: npm is needed (it comes with Node.js), 'npm' is not on PATH" >&2; exit 1; }

echo "demo: building heapdog (a first build restores packages and the web UI's npm modules: a minute or two)"
# -v:minimal prints a line per project as it is built, also when the output is not a terminal (where the terminal
# logger would draw its live progress instead).
dotnet build src/Heapdog.Cli -c Release -nologo -v:minimal -clp:NoSummary
echo "demo: running heapdog demo (about half a minute: three snapshots 10 s apart)"
exec dotnet src/Heapdog.Cli/bin/Release/net10.0/heapdog.dll demo "$@"
