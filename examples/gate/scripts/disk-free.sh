#!/usr/bin/env bash
# Simulated: the replica's data volume must have at least 20% free.
set -euo pipefail
db="${1:?usage: disk-free.sh DB_HOST}"
sleep 0.2
echo "OK ${db}:/var/lib/postgresql 61% free (412 GB of 675 GB)"
