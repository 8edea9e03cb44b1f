#!/usr/bin/env bash
# Simulated: create or release a volume snapshot of the database.
set -euo pipefail
action="${1:?usage: snapshot.sh create|keep DB_HOST}"
db="${2:?usage: snapshot.sh create|keep DB_HOST}"
case "$action" in
  create)
    echo "creating snapshot pre-release-4.2 of ${db}:/var/lib/postgresql"
    sleep 0.6
    echo "snapshot pre-release-4.2 ready (184 GB, copy-on-write)" ;;
  keep)
    echo "rollback: nothing to undo for the snapshot; keeping pre-release-4.2 of ${db} for 7 days, just in case" ;;
  *) echo "snapshot.sh: unknown action '${action}'" >&2; exit 2 ;;
esac
