#!/usr/bin/env bash
# Simulated: compare row counts between the old and the new database.
# The gate expects exit code 0 and a first line starting with "COUNTS MATCH".
set -euo pipefail
old="${1:?usage: compare-counts.sh OLD_DB NEW_DB}"
new="${2:?usage: compare-counts.sh OLD_DB NEW_DB}"
sleep 0.5
echo "COUNTS MATCH: orders 12,408 = 12,408, customers 3,112 = 3,112 (${old} vs ${new})"
