#!/usr/bin/env bash
# End-to-end: `cutover schema` prints a valid Draft 2020-12 JSON Schema that accepts every
# runbook under examples/ and runbooks/ and rejects every file in tests/schema-invalid/;
# `cutover schema --workstream` one that accepts every file those runbooks include and rejects
# every file in tests/schema-invalid/workstreams/.
# usage: bash tests/e2e/schema.sh CUTOVER_BINARY SOURCE_DIR
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 CUTOVER_BINARY SOURCE_DIR" >&2
  exit 2
fi
CUTOVER=$(realpath "$1")
SRC=$(realpath "$2")

# The Debian interpreter: python3-jsonschema and python3-yaml are installed for it, not for
# whatever `python3` comes first on PATH.
PYTHON=/usr/bin/python3
if [[ ! -x $PYTHON ]]; then
  echo "FAIL $PYTHON not found: install the Debian packages python3, python3-jsonschema, python3-yaml"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

status=0
"$CUTOVER" schema >schema.json || status=$?
if ((status != 0)); then
  echo "FAIL \`cutover schema\` exited with status $status"
  exit 1
fi

status=0
"$CUTOVER" schema --workstream >workstream.json || status=$?
if ((status != 0)); then
  echo "FAIL \`cutover schema --workstream\` exited with status $status"
  exit 1
fi

"$PYTHON" "$SRC/tests/e2e/schema_check.py" schema.json workstream.json "$SRC"
