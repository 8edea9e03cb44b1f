#!/usr/bin/env bash
# Simulated: load the exports into the new database (or drop what was loaded).
set -euo pipefail
if [[ "${1:-}" == --undo ]]; then
  echo "dropped schema shop_import on ${2:?}; the new database is empty again"
  exit 0
fi
db="${1:?usage: import.sh [--undo] DB_HOST}"
echo "importing into ${db}"
sleep 0.6
echo "  customers: 3,112 rows"
sleep 0.8
echo "  orders:    12,408 rows"
echo "rebuilding 6 indexes"
sleep 0.4
echo "import finished"
