#!/usr/bin/env bash
# Simulated: stop or resume the application's writes against a database.
set -euo pipefail
mode="${1:?usage: app-writes.sh on|off DB_HOST}"
db="${2:?usage: app-writes.sh on|off DB_HOST}"
case "$mode" in
  off)
    echo "pausing 4 queue consumers and setting the API to read-only"
    sleep 0.6
    echo "writes to ${db} stopped; last transaction committed at 21:59:58"
    ;;
  on)
    echo "DATABASE_HOST=${db}; restarting the API in read-write mode"
    sleep 0.6
    echo "4 queue consumers resumed; writes are going to ${db}"
    ;;
  *) echo "app-writes.sh: expected on or off, got '${mode}'" >&2; exit 2 ;;
esac
