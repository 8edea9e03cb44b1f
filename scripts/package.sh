#!/usr/bin/env bash
# Installs what is missing, builds, and makes the Debian package in dist/ (cpack -G DEB):
# cutover, its manual page and shell completions, the docs, examples and runbooks.
#   sudo apt install ./dist/cutover_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cpack --config build/CPackConfig.cmake -G DEB -B dist >/dev/null
rm -rf dist/_CPack_Packages
ls dist/*.deb
