#!/usr/bin/env bash
# Builds the packages (build/pack.sh [RID…]) and installs them as a user would, from artifacts/ only: the npm packages into an
# empty project (`npx heapdog --version`, `npx heapdog demo`) and the dotnet tool into an empty folder (`heapdog --version`).
# Fails on the first step that fails. CI runs it after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

# Arguments are the platforms to pack (build/pack.sh's defaults without); SKIP_PACK=1 checks the packages already in
# artifacts/.
[ "${SKIP_PACK:-}" = 1 ] || bash build/pack.sh "$@"
version="$(dotnet msbuild src/Heapdog.Cli -getProperty:Version)"
artifacts="$PWD/artifacts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() { echo "check-packages: $*" >&2; exit 1; }
expect_version() { # NAME OUTPUT
  [ "$2" = "$version" ] || fail "$1 --version printed '$2', expected '$version'"
  echo "check-packages: $1 --version: $2"
}

echo "check-packages: the tarball's binary, alone in an empty folder"
mkdir "$work/tar"
tar -C "$work/tar" -xzf "$artifacts/heapdog-$version-linux-x64.tar.gz"
expect_version "tarball heapdog" "$("$work/tar/heapdog-$version-linux-x64/heapdog" --version)"

echo "check-packages: npm install of the local packages into an empty project"
mkdir "$work/npm"
(cd "$work/npm" && npm init -y >/dev/null)
# Every platform package is first given as a local file, so npm fetches none of @heapdog/* from a registry; as optional
# dependencies, so the one for another CPU is skipped (as the launcher's optionalDependencies are) rather than refused.
platforms=("$artifacts"/heapdog-linux-*-"$version".tgz)
(cd "$work/npm" && npm install --no-audit --no-fund --loglevel=error --save-optional "${platforms[@]}" \
  && npm install --no-audit --no-fund --loglevel=error "$artifacts/heapdog-$version.tgz")
expect_version "npx heapdog" "$(cd "$work/npm" && npx --no-install heapdog --version)"
echo "check-packages: npx heapdog demo"
(cd "$work/npm" && npx --no-install heapdog demo) > "$work/demo.txt" 2> "$work/demo.err" \
  || { cat "$work/demo.txt" "$work/demo.err"; fail "npx heapdog demo failed"; }
grep -q "Leak suspects from" "$work/demo.txt" || { cat "$work/demo.txt" "$work/demo.err"; fail "npx heapdog demo printed no leak report"; }
head -n 5 "$work/demo.txt"

echo "check-packages: dotnet tool install from artifacts/"
dotnet tool install --tool-path "$work/tool" --add-source "$artifacts" --version "$version" heapdog >/dev/null
expect_version "dotnet tool heapdog" "$("$work/tool/heapdog" --version)"

echo "check-packages: all passed in $((SECONDS - start)) s"
