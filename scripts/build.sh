#!/usr/bin/env bash
# Installs what is missing, then builds cutover and its tests into build/ with Ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
