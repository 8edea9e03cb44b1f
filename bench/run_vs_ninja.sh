#!/usr/bin/env bash
# Times `cutover run -j2` against `ninja -j2` on the same DAG of `true` commands, in three
# shapes: wide (independent tasks), chain (each task depends on the one before) and layered
# (layers of 100, each task depending on two of the layer before), at each size given (1,000
# and 10,000 tasks by default), and beside both the durable floor (bench/durable_floor.cpp:
# the same DAG, one fdatasync'ed journal line per start, nothing else). All run every command
# as `/bin/sh -c true`. Prints best-of-3 µs per task, cutover against ninja (target: at most
# 1.2) and against the floor, and cutover's max RSS; with strace installed, also the
# fdatasync/fsync calls of one cutover run of each shape at the last size.
# Run on demand, not in CI (about 20 minutes on 2 cores with the default sizes):
#   ./bench/run_vs_ninja.sh [build/cutover] [TASKS...]
set -euo pipefail
cd "$(dirname "$0")/.."
cutover=${1:-build/cutover}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000)
for count in "${sizes[@]}"; do
  [[ $count =~ ^[1-9][0-9]*$ ]] || { echo "task count must be a positive integer: $count" >&2; exit 2; }
done
[[ -x $cutover ]] || ./scripts/build.sh >/dev/null
command -v ninja >/dev/null || { echo "ninja is not installed (apt-get install ninja-build)" >&2; exit 2; }
cutover=$(realpath "$cutover")
floor=$(dirname "$cutover")/durable_floor
[[ -x $floor ]] || cmake --build "$(dirname "$cutover")" --target durable_floor >/dev/null
work=$(mktemp -d)
mkdir "$work/runs"
trap 'rm -rf "$work"' EXIT

# generate SHAPE: a runbook and an equivalent build.ninja of $count tasks in $work/SHAPE/. The
# ninja outputs are never created, so every edge runs exactly once per invocation.
generate() {
  local shape=$1
  rm -rf "${work:?}/$shape"
  mkdir -p "$work/$shape/ninja"
  awk -v n="$count" -v shape="$shape" \
    -v yaml="$work/$shape/runbook.yaml" -v ninja="$work/$shape/ninja/build.ninja" '
    function need(a, b) {
      if (a == b) { printf "    depends_on: [t%06d]\n", a > yaml; return sprintf(" t%06d", a) }
      printf "    depends_on: [t%06d, t%06d]\n", a, b > yaml
      return sprintf(" t%06d t%06d", a, b)
    }
    BEGIN {
      print "version: 1\nid: bench\ntitle: run_vs_ninja\ntasks:" > yaml
      print "rule r\n  command = true" > ninja
      for (i = 0; i < n; i++) {
        printf "  - id: t%06d\n    run: \"true\"\n    estimate: 1s\n", i > yaml
        inputs = ""
        if (shape == "chain" && i > 0) inputs = need(i - 1, i - 1)
        if (shape == "layered" && i >= 100) {
          first = i - 100 - i % 100                # the previous layer starts here
          inputs = need(first + i % 100, first + (i % 100 + 1) % 100)
        }
        printf "build t%06d: r%s\n", i, inputs > ninja
      }
    }'
  "$cutover" validate "$work/$shape/runbook.yaml" >/dev/null
}

# timed CMD...: runs CMD with stdout to /dev/null; sets $seconds (wall) and $kib (max RSS).
timed() {
  local begin end
  begin=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/time" "$@" >/dev/null
  end=$(date +%s.%N)
  seconds=$(awk "BEGIN{printf \"%.3f\", $end - $begin}")
  kib=$(tail -n 1 "$work/time")
}

# Fails unless exactly $count commands ran.
check_count() {
  local what=$1 ran=$2
  if ((ran != count)); then
    echo "$what ran $ran commands, expected $count" >&2
    exit 1
  fi
}

run_ninja() {
  local dir=$work/$1/ninja
  rm -f "$dir/.ninja_log" "$dir/.ninja_deps"
  timed ninja -C "$dir" -j2
  # .ninja_log: a version line, then one line per finished edge.
  check_count "ninja ($1)" $(($(wc -l <"$dir/.ninja_log") - 1))
}

# Every run gets a folder of its own, kept until the end: on ext4 without a journal (as on
# the project's VM), creating a file right after many were deleted makes the inode allocator
# skip each recently deleted inode, which cost up to 0.3 ms per log file when the runs before
# were removed here between repetitions. (At 10,000 tasks that keeps about 130,000 small files
# in the temporary folder until the script ends.)
run_cutover() {
  local shape=$1 dir
  dir=$(mktemp -d "$work/runs/$shape.XXXX")
  rmdir "$dir"
  timed "$cutover" run -j2 --run-dir "$dir" "$work/$shape/runbook.yaml" </dev/null
  check_count "cutover ($shape)" "$(grep -c '"event":"task_finished".*"status":"succeeded"' "$dir/journal.jsonl")"
  grep -q -- '--- task attempt 1: /bin/sh -c true$' "$dir/logs/t000000.log" ||
    { echo "cutover did not run through /bin/sh -c" >&2; exit 1; }
}

printf 'cutover run -j2 against ninja -j2 (%s), tasks of /bin/sh -c true, best of 3\n' \
  "$(ninja --version)"
printf 'machine: %s cores, load average %s\n\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
# floor: build/durable_floor, the same DAG with one fdatasync'ed journal line per start and
# nothing else (bench/durable_floor.cpp): what any executor with a durable journal pays.
# Columns are µs per task; "ratio" is cutover against ninja, "/ floor" against the floor.
printf '%-8s %7s %8s %8s %8s %7s %8s %16s\n' shape tasks ninja floor cutover ratio "/ floor" \
  "cutover max RSS"

for count in "${sizes[@]}"; do
  for shape in wide chain layered; do
    generate "$shape"
    ninja_best="" floor_best="" cutover_best="" rss=0
    # Alternated, so that other load on the machine falls on both alike.
    for _ in 1 2 3; do
      run_ninja "$shape"
      if [[ -z $ninja_best ]] || awk "BEGIN{exit !($seconds < $ninja_best)}"; then ninja_best=$seconds; fi
      timed "$floor" "$shape" "$count" 2 "$work/floor.journal"
      if [[ -z $floor_best ]] || awk "BEGIN{exit !($seconds < $floor_best)}"; then floor_best=$seconds; fi
      run_cutover "$shape"
      if [[ -z $cutover_best ]] || awk "BEGIN{exit !($seconds < $cutover_best)}"; then cutover_best=$seconds; fi
      ((kib > rss)) && rss=$kib
    done
    awk -v shape="$shape" -v n="$count" -v ns="$ninja_best" -v fs="$floor_best" \
      -v cs="$cutover_best" -v rss="$rss" 'BEGIN {
      printf "%-8s %7d %8.0f %8.0f %8.0f %7.2f %8.2f %12.1f MiB\n", shape, n, ns * 1e6 / n,
        fs * 1e6 / n, cs * 1e6 / n, cs / ns, cs / fs, rss / 1024 }'
  done
done

# The journal's durable writes in one run (cutover's own calls, so no -f: children make none).
if command -v strace >/dev/null; then
  echo
  for shape in wide chain layered; do
    generate "$shape"
    dir=$(mktemp -d "$work/runs/$shape.XXXX")
    rmdir "$dir"
    strace -w -c -e trace=fdatasync,fsync -o "$work/strace" \
      "$cutover" run -j2 --run-dir "$dir" "$work/$shape/runbook.yaml" </dev/null >/dev/null
    awk -v shape="$shape" -v n="$count" '
      $NF == "fdatasync" || $NF == "fsync" { calls += $4; secs += $2 }
      END { printf "%-8s %d tasks, fdatasync+fsync: %d calls (%.2f per task), %.2f s of wall time in them\n",
              shape, n, calls, calls / n, secs }' "$work/strace"
  done
fi
