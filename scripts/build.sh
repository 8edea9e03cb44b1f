#!/usr/bin/env bash
# Installs what is missing, then builds cutover and its tests into build/ with Ninja.
#   ./scripts/build.sh              cutover and unit_tests (RelWithDebInfo: -O2 -g1)
#   ./scripts/build.sh --sanitize   also cutover-sanitized and unit_tests-sanitized (ASan +
#                                   UBSan), which ctest then runs every test on too
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=()
case "${1:-}" in
  "") ;;
  --sanitize) sanitize=(-DCUTOVER_SANITIZE=ON) ;;
  *)
    echo "usage: $0 [--sanitize]" >&2
    exit 2
    ;;
esac
./scripts/install-deps.sh
# -g1: line tables (backtraces, perf) without the full debug information that would make the
# build a third slower.
first_time=$([[ -f build/build.ninja ]] || echo yes)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" "${sanitize[@]}" >/dev/null
if [[ -n $first_time ]]; then
  # Ninja's own progress, so that a fresh machine is not silent for minutes.
  echo "building cutover (first time: a few minutes on 2 cores)..."
  cmake --build build
else
  # Later builds are quiet, unless one fails.
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  cmake --build build >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
