#!/usr/bin/env bash
# The linux-arm64 cross linker for NativeAOT: Debian's aarch64-linux-gnu-gcc, less the clang-only --target= flag that the
# NativeAOT targets pass when cross-compiling (gcc is built for one target and rejects it).
set -euo pipefail
args=()
for arg in "$@"; do [[ $arg == --target=* ]] || args+=("$arg"); done
exec aarch64-linux-gnu-gcc "${args[@]}"
