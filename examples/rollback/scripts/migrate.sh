#!/usr/bin/env bash
# Simulated: apply or revert the schema migrations of a release.
set -euo pipefail
direction="${1:?usage: migrate.sh up|down RELEASE}"
release="${2:?usage: migrate.sh up|down RELEASE}"
case "$direction" in
  up)
    for m in 0412_add_delivery_slots 0413_split_order_address 0414_backfill_address_lines; do
      sleep 0.4
      echo "applied ${m}"
    done
    echo "schema is at ${release} (3 migrations)" ;;
  down)
    for m in 0414_backfill_address_lines 0413_split_order_address 0412_add_delivery_slots; do
      sleep 0.2
      echo "rollback: reverted ${m}"
    done
    echo "rollback: schema is back at the version before ${release}" ;;
  *) echo "migrate.sh: expected up or down" >&2; exit 2 ;;
esac
