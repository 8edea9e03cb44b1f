#!/usr/bin/env bash
# Simulated: stop or start the background workers.
set -euo pipefail
case "${1:?usage: workers.sh stop|start}" in
  stop)
    echo "draining 6 workers (38 jobs in flight)"
    sleep 0.7
    echo "all workers stopped; 0 jobs in flight" ;;
  start)
    echo "rollback: starting 6 workers again"
    sleep 0.3
    echo "rollback: 6/6 workers running, queue depth 212" ;;
  *) echo "workers.sh: expected stop or start" >&2; exit 2 ;;
esac
