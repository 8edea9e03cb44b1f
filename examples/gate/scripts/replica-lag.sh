#!/usr/bin/env bash
# Simulated replication-lag probe: not caught up on the first two calls, caught up on the
# third. It counts its calls in a small file: in the run directory when cutover runs it
# ($CUTOVER_RUN_DIR), else in /tmp (one file per user). The file is removed once the lag
# reaches 0, so the next run starts counting from 1 again.
set -euo pipefail
replica="${1:?usage: replica-lag.sh REPLICA_HOST}"
if [[ -n "${CUTOVER_RUN_DIR:-}" && -d "${CUTOVER_RUN_DIR}" ]]; then
  counter="${CUTOVER_RUN_DIR}/gate-demo-replica-lag.count"
else
  counter="/tmp/cutover-gate-demo-$(id -u).count"
fi
calls=0
if [[ -f "$counter" && ! -L "$counter" ]]; then
  calls="$(cat "$counter")"
  [[ "$calls" =~ ^[0-9]+$ ]] || calls=0
fi
calls=$((calls + 1))

case "$calls" in
  1) echo "${replica}: replay lag 48,211,456 bytes (about 6 s behind), not caught up yet" ;;
  2) echo "${replica}: replay lag 1,204,224 bytes (catching up)" ;;
  *) echo "${replica}: replay lag 0 bytes, caught up at LSN 4A2/3C000148"
     rm -f "$counter"
     exit 0 ;;
esac
tmp="$(mktemp "${counter}.XXXXXX")"
printf '%s\n' "$calls" > "$tmp"
mv -f "$tmp" "$counter"
exit 1
