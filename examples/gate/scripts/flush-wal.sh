#!/usr/bin/env bash
# Simulated: force a WAL segment switch so the replica gets everything.
set -euo pipefail
db="${1:?usage: flush-wal.sh DB_HOST}"
echo "psql -h ${db} -c 'SELECT pg_switch_wal()'"
sleep 0.3
echo "switched to WAL segment 00000001000004A20000003C"
