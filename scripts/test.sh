#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and end-to-end) with ctest:
# first on a build with AddressSanitizer and UBSan (build-sanitize/), then on the normal build
# (build/), whose summary is the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
./scripts/build.sh sanitize
echo "== every test, under AddressSanitizer and UBSan (build-sanitize/) =="
ctest --test-dir build-sanitize --output-on-failure --parallel 2
echo "== every test (build/) =="
ctest --test-dir build --output-on-failure --parallel 2
