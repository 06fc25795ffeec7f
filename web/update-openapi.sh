#!/usr/bin/env bash
# Writes web/openapi.json, the API contract the web UI's TypeScript types are generated from, from the server itself.
# Run it after changing an API shape; a test fails while the committed file and the served document differ.
# The server is built without the web UI, in a folder of its own (the build of the UI needs this very file, and the
# usual output must keep its UI).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build src/Heapdog.Cli -c Release -p:SkipWebUi=true --artifacts-path "$work/artifacts" -nologo -v:q >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
"$work/artifacts/bin/Heapdog.Cli/release/heapdog" serve --urls "http://127.0.0.1:$port" --db "$work/store.db" --snapshots "$work/snapshots" --pid $$ --no-token >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$work/openapi.json"; then break; fi
  sleep 0.2
done
[ -s "$work/openapi.json" ] || { cat "$work/serve.log" >&2; echo "the server did not answer on port $port" >&2; exit 1; }
mv "$work/openapi.json" web/openapi.json
echo "web/openapi.json updated"
