#!/usr/bin/env bash
# Builds Heapdog's packages into artifacts/, all of one version (Directory.Build.props):
#   heapdog-VERSION-RID.tar.gz     the single-file binary with README.md and LICENSE, per platform
#   heapdog-linux-*-VERSION.tgz    npm platform packages @heapdog/RID (the binary; `os`/`cpu` fields)
#   heapdog-VERSION.tgz            the npm package `heapdog`: a launcher with the platform packages as optionalDependencies
#   heapdog.VERSION.nupkg          the dotnet tool (framework-dependent: needs the ASP.NET Core 10 runtime), which points
#   heapdog.RID.VERSION.nupkg      at its platform packages: linux-x64 and linux-arm64 precompiled (ReadyToRun), and
#   heapdog.any.VERSION.nupkg      any other platform (JIT only)
# Usage: build/pack.sh [RID…]   (default: linux-x64, and linux-arm64 where its cross linker, aarch64-linux-gnu-gcc, is installed)
# The binaries are NativeAOT: it links with clang, or with gcc where clang is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

rids=("$@")
if [ ${#rids[@]} -eq 0 ]; then
  rids=(linux-x64)
  if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then rids+=(linux-arm64)
  else echo "pack: leaving out linux-arm64: its cross linker (Debian: gcc-aarch64-linux-gnu) is not installed"; fi
fi

# The native linker for a RID, as publish properties.
linker() {
  case "$1" in
    linux-arm64) echo "-p:CppCompilerAndLinker=$PWD/build/aarch64-linux-gnu-gcc.sh -p:ObjCopyName=aarch64-linux-gnu-objcopy" ;;
    *) command -v clang >/dev/null 2>&1 || echo "-p:CppCompilerAndLinker=gcc" ;;
  esac
}
out=artifacts
cli=src/Heapdog.Cli

version="$(dotnet msbuild "$cli" -getProperty:Version)"
echo "pack: heapdog $version into $out/"
rm -rf "$out"
mkdir -p "$out/publish" "$out/npm"

built=()
for rid in "${rids[@]}"; do
  echo "pack: publishing the $rid binary (slow: the native compiler)"
  # shellcheck disable=SC2046 # the linker properties are separate words
  dotnet publish "$cli" -c Release -r "$rid" -o "$out/publish/$rid" -nologo -v:q $(linker "$rid") \
    || { echo "pack: publishing $rid failed" >&2; exit 1; }
  bin="$out/publish/$rid/heapdog"
  [ -x "$bin" ] || { echo "pack: $bin is missing" >&2; exit 1; }
  # The one file is the whole program; debug symbols stay out of the packages.
  extra="$(find "$out/publish/$rid" -type f ! -name heapdog ! -name '*.dbg' ! -name '*.pdb')"
  [ -z "$extra" ] || { echo "pack: the $rid publish is not a single file:" >&2; echo "$extra" >&2; exit 1; }

  stage="$out/stage/heapdog-$version-$rid"
  mkdir -p "$stage"
  cp "$bin" README.md LICENSE "$stage/"
  tar -C "$out/stage" -czf "$out/heapdog-$version-$rid.tar.gz" "heapdog-$version-$rid"

  pkg="$out/npm/$rid"
  mkdir -p "$pkg/bin"
  cp "$bin" "$pkg/bin/heapdog"
  cp LICENSE "$pkg/"
  node build/npm/package-json.js platform "$version" "$rid" > "$pkg/package.json"
  printf '# @heapdog/%s\n\nThe %s binary of the npm package `heapdog`: install that, not this.\n' "$rid" "$rid" > "$pkg/README.md"
  npm pack "$pkg" --pack-destination "$out" --silent >/dev/null
  built+=("$rid")
done

echo "pack: the npm launcher package"
pkg="$out/npm/heapdog"
cp -r build/npm/heapdog "$pkg"
cp LICENSE "$pkg/"
node build/npm/package-json.js launcher "$version" "${built[@]}" > "$pkg/package.json"
npm pack "$pkg" --pack-destination "$out" --silent >/dev/null

echo "pack: the dotnet tool package"
dotnet pack "$cli" -c Release -o "$out" -nologo -v:q

rm -rf "$out/stage"
echo "pack: done:"
ls -l "$out" | awk 'NR > 1 && $1 !~ /^d/ { printf "  %-40s %6.1f MB\n", $9, $5 / 1048576 }'
