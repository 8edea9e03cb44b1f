#!/usr/bin/env bash
# Simulated: an integrity check that FAILS on purpose, to trigger the rollback.
set -euo pipefail
db="${1:?usage: verify-data.sh DB_HOST}"
echo "checking foreign keys and address lines on ${db}"
sleep 0.8
echo "orders.address_line_1: 0 empty values"
echo "ERROR: 17 orders reference a customer that does not exist (e.g. order 88231 -> customer 40017)" >&2
echo "verification failed" >&2
exit 1
