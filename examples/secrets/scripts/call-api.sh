#!/usr/bin/env bash
# Demo: pretends to call an API with the token (nothing leaves this machine).
set -euo pipefail
url="${1:?usage: call-api.sh API_URL}"
echo "POST ${url}/v1/cutovers"
echo "Authorization: Bearer ${API_TOKEN}"
sleep 0.6
echo "201 Created: cutover ct-20261128 registered"
