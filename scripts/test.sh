#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and end-to-end) with ctest, on
# cutover and on cutover-sanitized (AddressSanitizer and UBSan); ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh --sanitize
ctest --test-dir build --output-on-failure --parallel 2
