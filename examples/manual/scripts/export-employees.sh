#!/usr/bin/env bash
# Simulated: export employee master data from the old payroll provider.
set -euo pipefail
out="${CUTOVER_RUN_DIR:-/tmp}/employees-export.csv"
if [[ "${1:-}" == --delete ]]; then
  echo "deleted the employee export ${out} (it holds personal data)"
  exit 0
fi
provider="${1:?usage: export-employees.sh PROVIDER | --delete}"
echo "requesting the employee master data report from ${provider}"
sleep 0.8
echo "downloaded 214 employees, 31 columns"
echo "file: ${out}"
