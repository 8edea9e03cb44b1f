#!/usr/bin/env bash
# Simulated: promote a streaming replica to primary.
set -euo pipefail
db="${1:?usage: promote.sh DB_HOST}"
echo "psql -h ${db} -c 'SELECT pg_promote(wait => true)'"
sleep 0.8
echo "${db} is now primary on timeline 2; accepting writes"
