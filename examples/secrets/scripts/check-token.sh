#!/usr/bin/env bash
# Demo: prints the token on purpose; cutover shows *** instead.
set -euo pipefail
if [[ -z "${API_TOKEN:-}" ]]; then
  echo "API_TOKEN is empty" >&2
  exit 1
fi
echo "token: ${API_TOKEN}"
echo "warning: token ${API_TOKEN} expires in 3 days" >&2
sleep 0.3
echo "token accepted by the format check"
