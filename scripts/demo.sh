#!/usr/bin/env bash
# Installs what is missing, builds, and shows cutover on the quickstart example runbook.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh >/dev/null
cutover=build/cutover
runbook=examples/quickstart/runbook.yaml

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step $cutover validate "$runbook"
step $cutover plan "$runbook"
step $cutover graph --format mermaid "$runbook"
