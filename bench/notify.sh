#!/usr/bin/env bash
# What notify hooks cost a run: COUNT independent tasks that each fail (on_failure: continue),
# run with -j2 without hooks and with a hook (`true`) hearing task_failed, so COUNT notices
# (default 1,000); beside them, what COUNT `/bin/sh -c true` cost by themselves, run one after
# another as the hook's notices are. Prints best-of-3 wall and CPU times. Run on demand, not in
# CI:
#   ./bench/notify.sh [build/cutover] [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
cutover=${1:-build/cutover}
count=${2:-1000}
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "count must be a positive integer: $count" >&2; exit 2; }
[[ -x $cutover ]] || ./scripts/build.sh >/dev/null
cutover=$(realpath "$cutover")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

tasks() {
  awk -v n="$count" 'BEGIN {
    for (i = 0; i < n; i++) printf "  - id: t%05d\n    estimate: 1s\n    on_failure: continue\n    run: exit 1\n", i
  }'
}
{ printf 'version: 1\nid: quiet\ntasks:\n'; tasks; } >quiet.yaml
{ printf 'version: 1\nid: told\ntasks:\n'; tasks; printf 'notify:\n  - on: [task_failed]\n    run: "true"\n'; } >told.yaml

# best_of_3 LABEL COMMAND...: the best wall time of three, with its user+sys CPU.
best_of_3() {
  local label=$1 best="" cpu=""
  shift
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o time.txt "$@" >/dev/null 2>&1 || true
    read -r seconds user sys <time.txt
    if [[ -z $best ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
  done
  printf "%-34s %6.2f s wall  %6.2f s CPU\n" "$label" "$best" "$cpu"
}

echo "$count tasks that fail, -j2 (best of 3):"
best_of_3 "run without hooks" "$cutover" run quiet.yaml -j2
best_of_3 "run with a hook hearing each" "$cutover" run told.yaml -j2
best_of_3 "$count x /bin/sh -c true, serially" \
  sh -c "i=0; while [ \$i -lt $count ]; do /bin/sh -c true </dev/null; i=\$((i + 1)); done"
run=$(ls -d .cutover/runs/told/* | tail -1)
echo "notify_sent in the last run's journal: $(grep -c '"event":"notify_sent"' "$run/journal.jsonl")"
