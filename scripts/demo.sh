#!/usr/bin/env bash
# Installs what is missing, builds, and shows cutover on the quickstart example runbook.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh >/dev/null
cutover=build/cutover
runbook=examples/quickstart/runbook.yaml

bold='' plain=''
if [[ -t 1 && -z ${NO_COLOR:-} && ${TERM:-} != dumb ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

step $cutover validate "$runbook"
step $cutover plan "$runbook"
step $cutover graph --format mermaid "$runbook"
