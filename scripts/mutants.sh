#!/usr/bin/env bash
# Mutation check, on demand (not in CI): applies each mutant of tests/mutants/mutants.txt to a
# scratch copy of the sources in build-mutants/, rebuilds incrementally, runs the tests named
# for it, and prints killed or survived. Exit 1 when a mutant survives.
#   ./scripts/mutants.sh [NAME...]      (all by default; about 15 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
exec python3 tests/mutants/run.py "$@"
