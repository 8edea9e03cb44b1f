#!/bin/sh
# One line per notice in the run's folder: when, what, and the message.
set -eu
printf '%s %-18s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$CUTOVER_EVENT" "$CUTOVER_MESSAGE" \
  >>"${CUTOVER_RUN_DIR:-/tmp}/comms-timeline.txt"
