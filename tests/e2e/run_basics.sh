# cutover run: order, output, logs, environment, workdir, the run directory and its files.
source "$(dirname "$0")/lib.sh"

mkdir -p book/scripts
cat >book/scripts/show-env.sh <<'SH'
#!/bin/sh
echo "id=$CUTOVER_TASK_ID attempt=$CUTOVER_ATTEMPT region=$REGION"
echo "run_id=$CUTOVER_RUN_ID"
echo "run_dir=$CUTOVER_RUN_DIR"
echo "pwd=$(pwd)"
printf 'no newline at the end'
SH
chmod +x book/scripts/show-env.sh
runbook book/runbook.yaml <<'EOF2'
version: 1
id: basics
vars: { REGION: eu-west }
defaults: { env: { REGION: "{{ REGION }}" } }
tasks:
  - id: first
    estimate: 1m
    run: echo "first ran" >> order.txt
  - id: second
    estimate: 1m
    depends_on: first
    workdir: scripts
    run: ./show-env.sh; echo "on stderr" >&2; echo "second ran" >> ../order.txt
  - id: third
    estimate: 1m
    depends_on: [second]
    run: echo "third ran" >> order.txt
EOF2

run_cutover 0 run --label rehearsal-1 book/runbook.yaml
dir=$(ls -d .cutover/runs/basics/*-rehearsal-1)
[[ $(basename "$dir") =~ ^[0-9]{8}T[0-9]{6}Z-rehearsal-1$ ]] || fail "run directory name: $dir"

# Order, output prefixes, the environment and the workdir.
[[ $(cat book/order.txt) == $'first ran\nsecond ran\nthird ran' ]] || fail "order: $(cat book/order.txt)"
expect_in out.txt "[second] id=second attempt=1 region=eu-west"
expect_in out.txt "[second] run_id=basics/$(basename "$dir")"
expect_in out.txt "[second] run_dir=$PWD/$dir"
expect_in out.txt "[second] pwd=$PWD/book/scripts"
expect_in out.txt "[second] on stderr"
expect_in out.txt "[second] no newline at the end"
expect_in out.txt "run succeeded: 3 of 3 tasks done"
# Paths under the current folder are shown relative to it; others in full (below).
expect_in out.txt "journal: $dir/journal.jsonl"
expect_in out.txt "timing:  $dir/timing.csv"

# The files of the run.
cmp book/runbook.yaml "$dir/runbook.yaml" || fail "the frozen runbook differs"
expect_in "$dir/logs/second.log" " out id=second attempt=1 region=eu-west"
expect_in "$dir/logs/second.log" " err on stderr"
expect_in "$dir/logs/second.log" " out no newline at the end"
expect_in "$dir/logs/second.log" " --- exit code 0"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z out ' "$dir/logs/second.log" || fail "log timestamps"
head -1 "$dir/timing.csv" | grep -q '^task,title,phase,kind,owner,estimate_s,start,end,duration_s,variance_s,status,attempts' ||
  fail "timing.csv header"
grep -q '^second,,,run,,60.000,.*,succeeded,1' "$dir/timing.csv" || fail "timing.csv row: $(cat "$dir/timing.csv")"

run_cutover 0 verify "$dir"
/usr/bin/python3 - "$dir/journal.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
header, events = lines[0], lines[1:]
assert header["label"] == "rehearsal-1" and header["format"] == "cutover-journal", header
kinds = [e["event"] for e in events]
assert kinds[0] == "run_started" and kinds[-1] == "run_finished", kinds
assert events[-1]["outcome"] == "succeeded" and events[-1]["exit_code"] == 0, events[-1]
started = [e["task"] for e in events if e["event"] == "task_started"]
assert started == ["first", "second", "third"], started
finished = [e for e in events if e["event"] == "task_finished"]
assert all(e["status"] == "succeeded" and e["exit_code"] == 0 for e in finished), finished
PY

# --run-dir: used as given; a folder holding a run is refused and left alone.
run_cutover 0 run --run-dir given book/runbook.yaml
expect_in out.txt "journal: given/journal.jsonl"
(cd book && run_cutover 0 run --run-dir ../elsewhere runbook.yaml && cp out.txt ../elsewhere.txt)
expect_in elsewhere.txt "in $PWD/elsewhere"
expect_in elsewhere.txt "journal: $PWD/elsewhere/journal.jsonl"
[[ -f given/journal.jsonl && -f given/timing.csv && -d given/logs ]] || fail "--run-dir files"
cp given/journal.jsonl before.jsonl
run_cutover 2 run --run-dir given book/runbook.yaml
expect_in err.txt "given already holds a run; continue it with \`cutover resume given\`"
cmp before.jsonl given/journal.jsonl || fail "the refused run touched the journal"
mkdir full && touch full/notes.txt
run_cutover 2 run --run-dir full book/runbook.yaml
expect_in err.txt "the folder is not empty (notes.txt is there)"

# Usage errors.
run_cutover 2 run --label "../escape" book/runbook.yaml
expect_in err.txt "--label '../escape': use letters, digits"
run_cutover 2 run -j 0 book/runbook.yaml
expect_in err.txt "-j takes a whole number from 1 to 1024, not '0'"
# Negative and huge numbers are refused, not wrapped around to 18446744073709551613.
run_cutover 2 run -j -3 book/runbook.yaml
expect_in err.txt "-j takes a whole number from 1 to 1024, not '-3'"
run_cutover 2 run -j 99999999999999999999 book/runbook.yaml
expect_in err.txt "not '99999999999999999999'"
run_cutover 2 resume -j -1 run-that-need-not-exist
expect_in err.txt "-j takes a whole number from 1 to 1024, not '-1'"
run_cutover 2 run missing.yaml
expect_in err.txt "missing.yaml"
