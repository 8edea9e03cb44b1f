#!/usr/bin/env bash
# Installs what is missing, builds, and rehearses the quickstart example runbook: check it,
# plan it against its window, run it for real (--auto answers for the people), then show the
# run's journal and timing log.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cutover=build/cutover
runbook=examples/quickstart/runbook.yaml

bold='' plain=''
if [[ -t 1 && -z ${NO_COLOR:-} && ${TERM:-} != dumb ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

step $cutover validate "$runbook"
step $cutover plan "$runbook"
step $cutover run --auto --label demo "$runbook"
run_dir=$(ls -td .cutover/runs/quickstart/*-demo | head -1)
step $cutover verify "$run_dir"
step cat "$run_dir/timing.csv"
printf '\nThe run directory %s holds the frozen runbook.yaml, journal.jsonl, logs/ and timing.csv.\n' "$run_dir"
