# cutover status: after a finished run, during a run (without taking its lock), after a crash;
# --format json, --watch, a torn journal, a folder that is not a run, --help.
source "$(dirname "$0")/lib.sh"

GROUPS_TO_KILL=()
before_cleanup() {
  touch release crash-release 2>/dev/null || true
  local pid
  for pid in "${GROUPS_TO_KILL[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}

# ----- a finished run ---------------------------------------------------------------------------
runbook quick.yaml <<'EOF2'
version: 1
id: quick
window: { start: 2026-11-28T18:00:00+01:00, duration: 48h }
tasks:
  - id: one
    estimate: 1m
    run: "true"
  - id: two
    estimate: 1m
    depends_on: one
    run: "true"
EOF2
run_cutover 0 run --auto --label rehearsal-1 quick.yaml
done_dir=$(ls -d .cutover/runs/quick/*-rehearsal-1)
run_cutover 0 status "$done_dir"
expect_in out.txt "run quick/$(basename "$done_dir") (rehearsal-1)"
expect_in out.txt "executor: not running; the run finished: succeeded (exit 0)"
expect_in out.txt "progress: 2/2 done"
expect_in out.txt "times in UTC+01:00, the window's zone"
expect_not_in out.txt "forecast"
[[ ! -s err.txt ]] || fail "unexpected stderr: $(cat err.txt)"
# RUN_DIR left out: the latest run.
run_cutover 0 status
expect_in out.txt "run quick/$(basename "$done_dir") (rehearsal-1)"

run_cutover 0 status --format json "$done_dir"
json_check out.txt 'd["format"] == "cutover-status" and d["version"] == 1'
json_check out.txt 'd["phase"] == "finished" and d["outcome"] == "succeeded" and d["exit_code"] == 0'
json_check out.txt 'd["executor"] is None and d["forecast"] is None and d["finished"].endswith("Z")'
json_check out.txt 'd["counts"]["total"] == 2 and d["counts"]["done"] == 2'
json_check out.txt '[t["id"] for t in d["tasks"]] == ["one", "two"]'
json_check out.txt 'all(t["status"] == "succeeded" and t["estimate_s"] == 60 and not t["in_doubt"] for t in d["tasks"])'

# --watch on a finished run: one snapshot, exit 0.
run_cutover 0 status --watch "$done_dir"
[[ $(grep -c '^run quick/' out.txt) == 1 ]] || fail "--watch of a finished run: $(cat out.txt)"

# ----- during a run -----------------------------------------------------------------------------
runbook live.yaml <<'EOF2'
version: 1
id: live
tasks:
  - id: first
    estimate: 1m
    run: "true"
  - id: hold
    estimate: 10m
    depends_on: first
    run: touch started; while [ ! -e release ]; do sleep 0.05; done
EOF2
"$CUTOVER" run --auto --run-dir live-run live.yaml >live.out 2>&1 </dev/null &
live=$!
PIDS+=("$live")
poll "the task to start" test -e started
# --watch without a terminal: a snapshot per change, JSON one object a line; it ends with the run.
"$CUTOVER" status --watch --format json live-run >watch.jsonl 2>watch.err </dev/null &
watcher=$!
PIDS+=("$watcher")

shows_running() {
  "$CUTOVER" status live-run >out.txt 2>err.txt && grep -qF "running as pid $live" out.txt
}
poll "status to show the executor" shows_running
expect_in out.txt "progress: 1/2 done, 1 running"
grep -qE '^  hold  [0-9.]+s of 10m' out.txt || fail "running task line: $(cat out.txt)"
expect_in out.txt "forecast: P50 end "
expect_in out.txt "  no window"
run_cutover 0 status --format json live-run
json_check out.txt "d['executor']['pid'] == $live and d['phase'] == 'running' and d['outcome'] is None"
json_check out.txt '[t["status"] for t in d["tasks"]] == ["succeeded", "running"]'
json_check out.txt 'd["tasks"][1]["in_doubt"] is False and d["forecast"]["p50_remaining_s"] > 0'

# status took no lock: the run finishes normally.
touch release
wait "$live" || fail "the run failed while status looked at it: $(cat live.out)"
wait "$watcher" || fail "status --watch did not end with exit 0 after the run finished: $(cat watch.err)"
python3 - watch.jsonl <<'PY' || fail "status --watch snapshots: $(cat watch.jsonl)"
import json, sys
snapshots = [json.loads(line) for line in open(sys.argv[1])]
assert len(snapshots) >= 2, len(snapshots)
assert snapshots[-1]["phase"] == "finished" and snapshots[-1]["outcome"] == "succeeded"
assert any(s["tasks"][1]["status"] == "running" for s in snapshots)
PY
run_cutover 0 verify live-run

# ----- after a crash ----------------------------------------------------------------------------
runbook crash.yaml <<'EOF2'
version: 1
id: crash
tasks:
  - id: stuck
    estimate: 5m
    run: touch crash-started; while [ ! -e crash-release ]; do sleep 0.05; done
EOF2
"$CUTOVER" run --auto --run-dir crash-run crash.yaml >crash.out 2>&1 </dev/null &
crashing=$!
PIDS+=("$crashing")
poll "the crash task to start" test -e crash-started
pgid() {
  python3 -c 'import json,sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "process_started": print(e["pid"])' crash-run/journal.jsonl
}
poll "the process to be journaled" grep -q process_started crash-run/journal.jsonl
GROUPS_TO_KILL+=("$(pgid)")
kill -KILL "$crashing"
wait "$crashing" 2>/dev/null || true

run_cutover 0 status crash-run
expect_in out.txt "executor: not running: it stopped without finishing the run"
expect_in out.txt "'cutover resume crash-run' continues it"
expect_in out.txt "in doubt"
expect_in out.txt "stuck  was running when the executor stopped"
expect_in out.txt "\$ cutover mark crash-run stuck done|failed|retry --by NAME"
expect_in out.txt "1 in doubt"
run_cutover 0 status --format json crash-run
json_check out.txt 'd["executor"] is None and d["phase"] == "running"'
json_check out.txt 'd["tasks"][0]["in_doubt"] is True and d["tasks"][0]["waiting_for"] == "decision"'
json_check out.txt 'd["counts"]["in_doubt"] == 1'

# --watch of a run that does not finish: Ctrl-C ends it with 130.
"$CUTOVER" status --watch crash-run >watch.txt 2>&1 </dev/null &
watcher=$!
PIDS+=("$watcher")
poll "the watch's first snapshot" grep -q "in doubt" watch.txt
kill -INT "$watcher"
status=0
wait "$watcher" || status=$?
[[ $status == 130 ]] || fail "status --watch after Ctrl-C exited $status"
[[ $(grep -c '^run crash/' watch.txt) == 1 ]] || fail "--watch printed an unchanged snapshot again"

# ----- a torn last line: a warning on stderr, the status still shown ------------------------------
cp -r "$done_dir" torn
printf '{"seq":99,"time":"2026-11-28T17:00:0' >>torn/journal.jsonl
run_cutover 0 status torn
expect_in err.txt "is incomplete (a write cut short by a crash) and is ignored"
expect_in out.txt "progress: 2/2 done"

# ----- not a run; --help ------------------------------------------------------------------------
mkdir not-a-run
run_cutover 2 status not-a-run
expect_in err.txt "not-a-run"
expect_in err.txt "not a run directory"
run_cutover 2 status no-such-dir
run_cutover 2 status --format xml "$done_dir"
run_cutover 0 status --help
expect_in out.txt "--watch"
expect_in out.txt "--format"
