#!/usr/bin/env bash
# Times `cutover validate` and `cutover plan` on generated runbooks of 2,000, 10,000 and 100,000
# tasks, beside a bare yaml-cpp event parse of the same file (build/yaml_events, the floor), and
# prints wall time, max RSS, validate's cost over the parse and RSS over the file size.
# Run on demand, not in CI:  ./bench/load.sh [build/cutover]
set -euo pipefail
cd "$(dirname "$0")/.."
cutover=${1:-build/cutover}
[[ -x $cutover ]] || ./scripts/build.sh >/dev/null
cmake --build build --target yaml_events >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure LABEL CMD...: best of 5 wall times, and the max RSS of that run.
measure() {
  local label=$1
  shift
  local best="" rss=""
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
    read -r seconds kib <"$work/time"
    if [[ -z $best ]] || awk "BEGIN{exit !($seconds < $best)}"; then
      best=$seconds
      rss=$kib
    fi
  done
  printf '%-34s %7.3f s   max RSS %7.1f MiB\n' "$label" "$best" "$(awk "BEGIN{print $rss/1024}")"
  last_seconds=$best
  last_kib=$rss
}

for n in 2000 10000 100000; do
  file="$work/runbook-$n.yaml"
  python3 bench/gen_runbook.py "$n" >"$file"
  size=$(stat -c %s "$file")
  printf '\n%d tasks, %.1f MiB of YAML\n' "$n" "$(awk "BEGIN{print $size/1048576}")"
  measure "yaml-cpp events only (the floor)" build/yaml_events "$file"
  parse=$last_seconds
  measure "validate" "$cutover" validate "$file"
  printf '%-34s %7.2fx the parse, max RSS %.1fx the file\n' "" \
    "$(awk "BEGIN{print $last_seconds/$parse}")" "$(awk "BEGIN{print $last_kib*1024/$size}")"
  ((n >= 10000)) || continue
  measure "plan --format json" "$cutover" plan --format json "$file"
  measure "plan (text)" "$cutover" plan "$file"
done

# Hostile shapes that once went quadratic: a million nodes on one line.
file="$work/long-line.yaml"
python3 -c "import sys; sys.stdout.write('version: 1\nid: x\nx-big: [' + '1,' * 1000000 + '1]\ntasks:\n  - id: a\n    run: x\n')" >"$file"
printf '\none line of 1,000,000 flow items\n'
measure "validate" "$cutover" validate "$file"
