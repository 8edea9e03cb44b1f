#!/usr/bin/env bash
# Simulated: export one kind of record from the legacy database (or discard that export).
set -euo pipefail
if [[ "${1:-}" == --discard ]]; then
  echo "removed the ${2:?} export from the staging area"
  exit 0
fi
what="${1:?usage: export.sh orders|customers DB_HOST}"
db="${2:?usage: export.sh orders|customers DB_HOST}"
case "$what" in
  orders)    total="12,408"; label="open orders";  steps=3 ;;
  customers) total="3,112";  label="customers";    steps=2 ;;
  *) echo "export.sh: unknown export '$what'" >&2; exit 2 ;;
esac
echo "exporting ${label} from ${db}"
for ((i = 1; i <= steps; i++)); do
  sleep 0.5
  echo "  batch ${i}/${steps} written"
done
echo "exported ${total} ${label}"
