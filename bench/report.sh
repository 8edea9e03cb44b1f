#!/usr/bin/env bash
# Times `cutover report` of a real run of TASKS tasks (default 10,000) in every format, and the
# HTML page's size per task. The run: layers of 100 `true` commands, each depending on two of
# the layer before, with phases, a few overruns and retries (about a minute to make). Prints
# best-of-3 wall times and max RSS. Run on demand, not in CI:
#   ./bench/report.sh [build/cutover] [TASKS]
set -euo pipefail
cd "$(dirname "$0")/.."
cutover=${1:-build/cutover}
count=${2:-10000}
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "task count must be a positive integer: $count" >&2; exit 2; }
[[ -x $cutover ]] || ./scripts/build.sh >/dev/null
cutover=$(realpath "$cutover")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

awk -v n="$count" 'BEGIN {
  print "version: 1\nid: bench-report\ntitle: report benchmark\nphases: [p0, p1, p2, p3, p4]\ntasks:"
  for (i = 0; i < n; i++) {
    printf "  - id: t%06d\n    phase: p%d\n    estimate: %ds\n", i, int(i * 5 / n), 1 + i % 7
    printf "    run: \"true\"\n"
    if (i >= 100) printf "    depends_on: [t%06d, t%06d]\n", i - 100, i - 99 + (i * 7) % 99
  }
}' >runbook.yaml
echo "making a run of $count tasks ..."
"$cutover" run runbook.yaml -j2 --label bench >/dev/null 2>&1
run=$(ls -d .cutover/runs/bench-report/*)

best_of_3() {
  local best="" rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o time.txt "$cutover" report "$run" "$@" -o out.file 2>/dev/null
    read -r seconds kb <time.txt
    if [[ -z $best ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
    fi
    rss=$kb
  done
  printf "%-9s %6.2f s  %6d KiB max RSS  %9d bytes\n" "$1 $2" "$best" "$rss" "$(stat -c %s out.file)"
}

echo "cutover report of $count tasks (best of 3):"
for format in text markdown csv json html; do best_of_3 --format "$format"; done
"$cutover" report "$run" --format html -o page.html
echo "html: $(( $(stat -c %s page.html) / count )) bytes per task"
