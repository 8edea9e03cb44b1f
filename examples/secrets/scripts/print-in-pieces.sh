#!/usr/bin/env bash
# Demo: writes the token in two separate writes with a pause in between, so cutover reads it
# in two chunks. The redaction still holds: the line shows *** as a whole.
set -euo pipefail
half=$(( ${#API_TOKEN} / 2 ))
printf 'the token is %s' "${API_TOKEN:0:half}"
sleep 0.5
printf '%s, printed in two pieces\n' "${API_TOKEN:half}"
