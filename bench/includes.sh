#!/usr/bin/env bash
# Times `cutover validate` of one generated runbook of 10,000 tasks (by default) against the same
# tasks split across 50 workstream files that the runbook includes: the two in turn, 9 times
# each, and prints the median of each and their ratio (the target: at most 1.2x).
# Run on demand, not in CI:  ./bench/includes.sh [build/cutover] [TASKS] [FILES]
set -euo pipefail
cd "$(dirname "$0")/.."
cutover=$(realpath "${1:-build/cutover}")
tasks=${2:-10000}
files=${3:-50}
[[ -x $cutover ]] || ./scripts/build.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen_runbook.py "$tasks" >"$work/one.yaml"
mkdir -p "$work/split/workstreams"
# The runbook's header stays; its tasks go to FILES workstream files of equal size, in order.
python3 - "$work/one.yaml" "$work/split" "$files" <<'PY'
import sys
source, folder, files = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(source).read().split("\n")
at = lines.index("tasks:")
header, body = lines[:at], lines[at + 1:]
starts = [i for i, line in enumerate(body) if line.startswith("  - id: ")] + [len(body)]
per_file = -(-(len(starts) - 1) // files)
names = []
for n in range(files):
    chunk = starts[n * per_file:(n + 1) * per_file + 1]
    if len(chunk) < 2:
        break
    name = f"workstreams/ws-{n:02d}.yaml"
    names.append(name)
    with open(f"{folder}/{name}", "w") as out:
        out.write("tasks:\n" + "\n".join(body[chunk[0]:chunk[-1]]).rstrip("\n") + "\n")
with open(f"{folder}/runbook.yaml", "w") as out:
    out.write("\n".join(header) + "\ninclude:\n" + "".join(f"  - {name}\n" for name in names))
PY
"$cutover" validate "$work/one.yaml" >/dev/null
"$cutover" validate "$work/split/runbook.yaml" >"$work/split.txt"
echo "one file:   $(wc -c <"$work/one.yaml") bytes, $tasks tasks"
echo "split:      $(tail -1 "$work/split.txt")"

# seconds CMD...: one wall time.
seconds() {
  /usr/bin/time -f '%e' -o "$work/time" "$@" >/dev/null
  cat "$work/time"
}
one=() split=()
for _ in 1 2 3 4 5 6 7 8 9; do
  one+=("$(seconds "$cutover" validate "$work/one.yaml")")
  split+=("$(seconds "$cutover" validate "$work/split/runbook.yaml")")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 5p; }
m1=$(median "${one[@]}")
m2=$(median "${split[@]}")
printf 'validate, one file:          %s s (median of 9)\n' "$m1"
printf 'validate, %d files:          %s s (median of 9)\n' "$((files + 1))" "$m2"
printf 'ratio:                       %.2fx (target: at most 1.2x)\n' "$(awk "BEGIN{print $m2/$m1}")"
