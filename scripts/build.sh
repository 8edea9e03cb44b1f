#!/usr/bin/env bash
# Installs what is missing, then builds cutover and its tests with Ninja.
#   ./scripts/build.sh            into build/           (RelWithDebInfo)
#   ./scripts/build.sh sanitize   into build-sanitize/  (AddressSanitizer + UBSan, -O1)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
case "${1:-}" in
  "")
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build
    ;;
  sanitize)
    # -O1 -g1: fast enough to run every test, line numbers in the reports, and a quicker
    # compile than full debug information.
    cmake -S . -B build-sanitize -G Ninja -DCUTOVER_SANITIZE=ON -DCMAKE_BUILD_TYPE=Sanitize \
      -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" >/dev/null
    cmake --build build-sanitize
    ;;
  *)
    echo "usage: $0 [sanitize]" >&2
    exit 2
    ;;
esac
