#!/usr/bin/env bash
# Times `cutover forecast` (10,000 samples) of generated runbooks of 100 and 10,000 tasks, and
# `cutover estimates` over 10 runs of a 10,000-task runbook (one real run, copied: reading is
# what is timed). Targets: forecast 0.2 s at 100 tasks and 5 s at 10,000; estimates 1 s.
# Prints best-of-3 wall times and max RSS. Run on demand, not in CI:
#   ./bench/forecast.sh [build/cutover]
set -euo pipefail
cd "$(dirname "$0")/.."
cutover=${1:-build/cutover}
[[ -x $cutover ]] || ./scripts/build.sh >/dev/null
cutover=$(realpath "$cutover")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Layers of 100 tasks, each depending on two of the layer before; a 10-hour window.
generate() {
  awk -v n="$1" 'BEGIN {
    print "version: 1\nid: bench-forecast\nwindow: { start: \"2026-12-12T18:00:00Z\", duration: 10h }\ntasks:"
    for (i = 0; i < n; i++) {
      printf "  - id: t%06d\n    estimate: %ds\n    run: \"true\"\n", i, 1 + i % 7
      if (i >= 100) printf "    depends_on: [t%06d, t%06d]\n", i - 100, i - 99 + (i * 7) % 99
    }
  }'
}

best_of_3() {
  local label=$1 best="" rss=""
  shift
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null 2>&1
    read -r seconds kb <time.txt
    if [[ -z $best ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
    fi
    rss=$kb
  done
  printf "%-40s %6.2f s  %7d KiB max RSS\n" "$label" "$best" "$rss"
}

generate 100 >small.yaml
generate 10000 >large.yaml
best_of_3 "forecast, 100 tasks, 10,000 samples" "$cutover" forecast small.yaml
best_of_3 "forecast, 10,000 tasks, 10,000 samples" "$cutover" forecast large.yaml

echo "making a run of 10,000 tasks ..." >&2
"$cutover" run large.yaml -j2 --label bench >/dev/null 2>&1
run=$(ls -d .cutover/runs/bench-forecast/*)
for i in 2 3 4 5 6 7 8 9 10; do cp -r "$run" "$run-copy$i"; done
best_of_3 "estimates, 10 runs of 10,000 tasks" "$cutover" estimates .cutover/runs/bench-forecast/*
best_of_3 "forecast, 10,000 tasks, 10 runs" "$cutover" forecast large.yaml \
  --runs .cutover/runs/bench-forecast/*
