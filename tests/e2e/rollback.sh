# cutover rollback: a stopped run rolled back in reverse dependency order, a second rollback
# refused; a failed rollback step (exit 4) run again once fixed; a point of no return (refused,
# --force without a terminal, --force confirmed or not at a pty); a kill -9 during rollback
# steps (the idempotent one runs again, the other waits for `mark`); a locked run; a rollback
# of a crashed run (a task in doubt waits for done|failed; retry is refused). Rollback
# steps record their side effect by appending a line to `effects`; nothing sleeps for a fixed
# time: every wait polls with a deadline.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/e2e/background.bash"

# pids DIR TASK PURPOSE: process ids the journal recorded (PURPOSE: None for the task itself).
pids() {
  python3 - "$1/journal.jsonl" "$2" "$3" <<'PY'
import json, sys
for line in list(open(sys.argv[1]))[1:]:
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if (event.get("event") == "process_started" and event.get("task") == sys.argv[2]
            and str(event.get("purpose")) == sys.argv[3]):
        print(event["pid"])
PY
}

count() { grep -cx -- "$1" effects || true; }
expect_count() {
  local got
  got=$(count "$1")
  [[ $got == "$2" ]] || { cat effects >&2; fail "side effect $1 happened $got times, expected $2"; }
}

WAIT='while [ ! -e release ]; do sleep 0.05; done'

# confirm ANSWER ARGS...: runs cutover ARGS at a pseudo-terminal, types ANSWER after the
# question "Type its id to confirm", and exits with cutover's exit code; everything cutover
# printed goes to pty.txt.
confirm() {
  python3 - "$@" <<'PY'
import os, pty, select, sys, time
answer, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen, typed, deadline = b"", False, time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    if not typed and b"Type its id to confirm" in seen:
        os.write(fd, answer.encode() + b"\n")
        typed = True
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
open("pty.txt", "wb").write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
PY
}

# ----- (a) a stopped run rolled back in reverse dependency order; a second rollback refused ----
mkdir a && cd a
#        base
#       /    \
#   left      right      (right has no rollback step)
#       \    /
#        join
#         |
#        bad  (fails, on_failure: stop)
runbook rb.yaml <<'EOF'
version: 1
id: back
tasks:
  - id: base
    run: echo base >> effects
    rollback: echo undo-base >> effects
  - id: left
    depends_on: base
    run: echo left >> effects
    rollback: echo undo-left >> effects
  - id: right
    depends_on: base
    run: echo right >> effects
  - id: mid
    depends_on: base
    run: echo mid >> effects
    rollback: echo undo-mid >> effects
  - id: join
    depends_on: [left, right, mid]
    run: echo join >> effects
    rollback: echo undo-join >> effects
  - id: bad
    depends_on: join
    on_failure: stop
    run: exit 3
    rollback: echo undo-bad >> effects
EOF
run_cutover 1 run --run-dir run -j 4 rb.yaml
for task in join left mid base; do expect_count "undo-$task" 0; done
run_cutover 0 rollback --non-interactive -j 4 run
for task in join left mid base; do expect_count "undo-$task" 1; done
expect_count undo-bad 0  # it failed: nothing to undo
in_journal run event=run_resumed mode=rollback || fail "(a) no run_resumed mode=rollback"
in_journal run event=rollback_started || fail "(a) no rollback_started"
in_journal run event=run_finished outcome=rolled_back || fail "(a) run_finished"
python3 - run/journal.jsonl <<'PY' || fail "(a) the rollback order in the journal"
import json, sys
events = [json.loads(l) for l in list(open(sys.argv[1]))[1:]]
started = [e["task"] for e in events if e["event"] == "rollback_step_started"]
assert sorted(started) == ["base", "join", "left", "mid"], started
position = {task: started.index(task) for task in started}
assert position["join"] < position["left"] < position["base"], started
assert position["join"] < position["mid"] < position["base"], started
# A task is rolled back only after all its dependents' rollback steps finished.
def seq(kind, task):
    return next(e["seq"] for e in events if e["event"] == kind and e.get("task") == task)
for before, after in [("join", "left"), ("join", "mid"), ("left", "base"), ("mid", "base")]:
    assert seq("rollback_step_finished", before) < seq("rollback_step_started", after), (before, after)
PY
cp run/journal.jsonl rolled.jsonl
run_cutover 2 rollback --non-interactive run
expect_in err.txt "already rolled back"
run_cutover 2 resume --non-interactive run
expect_in err.txt "rolled back"
cmp rolled.jsonl run/journal.jsonl || fail "(a) a refused command wrote to the journal"
for task in join left mid base; do expect_count "undo-$task" 1; done
verified run
cd ..

# ----- (b) a rollback step fails (exit 4); fixed, rollback again runs it again ------------------
mkdir b && cd b
runbook rb.yaml <<'EOF'
version: 1
id: back
tasks:
  - id: one
    run: echo one >> effects
    rollback: echo undo-one >> effects
  - id: two
    depends_on: one
    run: echo two >> effects
    rollback: if [ -e fixed ]; then echo undo-two >> effects; else echo "not fixed" >&2; exit 1; fi
  - id: three
    depends_on: two
    on_failure: stop
    run: exit 1
EOF
run_cutover 1 run --run-dir run rb.yaml
run_cutover 4 rollback --non-interactive run
in_journal run event=rollback_step_finished task=two status=failed || fail "(b) two's rollback"
expect_count undo-two 0
expect_count undo-one 0  # one waits for its dependent two to be rolled back
run_cutover 2 resume --non-interactive run
expect_in err.txt "cutover rollback"
touch fixed
run_cutover 0 rollback --non-interactive run
expect_count undo-two 1
expect_count undo-one 1
expect_events 2 run event=rollback_step_started task=two
expect_events 1 run event=rollback_step_started task=one
in_journal run event=task_reset task=two rollback=True || fail "(b) no task_reset of two's rollback"
run_cutover 2 rollback --non-interactive run
expect_in err.txt "already rolled back"
verified run
cd ..

# ----- (c) past a point of no return ----------------------------------------------------------
mkdir c && cd c
runbook rb.yaml <<'EOF'
version: 1
id: back
tasks:
  - id: prepare
    run: echo prepare >> effects
    rollback: echo undo-prepare >> effects
  - id: switch
    depends_on: prepare
    point_of_no_return: true
    run: echo switch >> effects
    rollback: echo undo-switch >> effects
  - id: check
    depends_on: switch
    on_failure: stop
    run: exit 1
EOF
run_cutover 1 run --run-dir run rb.yaml
cp run/journal.jsonl before.jsonl
run_cutover 2 rollback --non-interactive run
expect_in err.txt "switch (a point of no return) has started"
expect_in err.txt "--force"
run_cutover 2 rollback --force --non-interactive run
expect_in err.txt "must be confirmed at a terminal"
status=0
confirm prepare "$CUTOVER" rollback --force run || status=$?
[[ $status == 2 ]] || { cat pty.txt >&2; fail "(c) a wrong confirmation exited $status, expected 2"; }
expect_in pty.txt "Roll back past the point of no return switch? Type its id to confirm:"
expect_in pty.txt "not confirmed"
cmp before.jsonl run/journal.jsonl || fail "(c) a refused rollback wrote to the journal"
expect_count undo-switch 0
expect_count undo-prepare 0
status=0
confirm switch "$CUTOVER" rollback --force run || status=$?
[[ $status == 0 ]] || { cat pty.txt >&2; fail "(c) a confirmed rollback exited $status, expected 0"; }
expect_count undo-switch 1
expect_count undo-prepare 1
in_journal run event=rollback_started forced=True || fail "(c) rollback_started is not marked forced"
verified run
cd ..

# ----- (d) kill -9 during rollback steps; rollback again; a locked run -------------------------
mkdir d && cd d
runbook rb.yaml <<EOF
version: 1
id: back
tasks:
  - id: idem
    idempotent: true
    run: echo idem >> effects
    rollback: touch idem.rolling; $WAIT; echo undo-idem >> effects
  - id: once
    run: echo once >> effects
    rollback: touch once.rolling; $WAIT; echo undo-once >> effects
  - id: bad
    depends_on: [idem, once]
    on_failure: stop
    run: exit 1
EOF
run_cutover 1 run --run-dir run rb.yaml
start rollback rollback --non-interactive -j 2 run
poll "idem's rollback process in the journal" \
  eval '[[ -n $(pids run idem rollback) && -n $(pids run once rollback) ]]'
poll "both rollback steps to run" eval 'test -e idem.rolling && test -e once.rolling'
kill -KILL "$PID"
wait "$PID" 2>/dev/null || true
PID=
orphans=($(pids run idem rollback) $(pids run once rollback))
touch release
poll "the orphaned rollback steps to end" gone "${orphans[@]}"
expect_count undo-idem 1
expect_count undo-once 1
rm release
run=$PWD/run
start rollback2 rollback --non-interactive -j 2 run
poll "once's rollback in doubt" \
  in_journal run event=task_in_doubt task=once rollback=True action=wait
poll "idem's rollback in doubt" \
  in_journal run event=task_in_doubt task=idem rollback=True action=rerun
poll "the answer command" grep -qF "cutover mark $run once done|failed|retry --by NAME" rollback2.out
poll "idem's rollback step to run again" \
  eval '[[ $(events run event=rollback_step_started task=idem) == 2 ]]'
expect_events 1 run event=rollback_step_started task=once

# A second executor on the run: refused, naming the holder.
holder=$PID
run_cutover 5 rollback --non-interactive run
expect_in err.txt "is locked by another executor: pid $holder"
alive "$holder" || fail "(d) the refused rollback stopped the first"

touch release
poll "idem's rollback step to finish again" \
  eval '[[ $(events run event=rollback_step_finished task=idem status=succeeded) == 1 ]]'
alive "$PID" || { show_outputs; fail "(d) rollback exited while once's step is in doubt"; }
run_cutover 0 mark run once done --by carol
finish 0
expect_count undo-idem 2  # allowed: idem is idempotent
expect_count undo-once 1
in_journal run event=rollback_step_finished task=once status=succeeded by=carol ||
  fail "(d) once's rollback step is not marked done by carol"
in_journal run event=run_finished outcome=rolled_back || fail "(d) run_finished"
verified run
cd ..

# ----- (e) rollback of a run whose executor was killed while tasks ran --------------------------
# A task in doubt with a rollback step waits for a person (done: it is rolled back); one
# without a rollback step is not waited for.
mkdir e && cd e
runbook rb.yaml <<EOF2
version: 1
id: back
tasks:
  - id: first
    run: echo first >> effects
    rollback: echo undo-first >> effects
  - id: slow
    depends_on: first
    run: touch slow.started; $WAIT; echo slow >> effects
    rollback: echo undo-slow >> effects
  - id: plain
    depends_on: first
    run: touch plain.started; $WAIT; echo plain >> effects
EOF2
# crashed DIR: runs the runbook in DIR and kills the executor once slow and plain run.
crashed() {
  start "$1" run --run-dir "$1" --non-interactive rb.yaml
  poll "slow's process" in_journal "$1" event=process_started task=slow
  poll "plain's process" in_journal "$1" event=process_started task=plain
  kill -KILL "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
}
crashed run
touch release
poll "the orphans to end" gone $(pids run slow None) $(pids run plain None)
run=$PWD/run
start back rollback --non-interactive run
poll "slow in doubt" in_journal run event=task_in_doubt task=slow action=wait
poll "plain in doubt" in_journal run event=task_in_doubt task=plain action=wait
poll "the answer command" grep -qF "cutover mark $run slow done" back.out
expect_in back.out "in doubt plain: the run is rolling back and it has no rollback step"
expect_count undo-first 0  # first waits for its dependent slow
run_cutover 0 mark run slow done --by carol
finish 0
expect_count undo-slow 1
expect_count undo-first 1
python3 - effects <<'PY' || fail "(e) undo order: $(cat effects)"
import sys
lines = open(sys.argv[1]).read().split()
assert lines.index("undo-slow") < lines.index("undo-first"), lines
PY
in_journal run event=run_finished outcome=rolled_back || fail "(e) run_finished"
verified run

# While rolling back nothing runs forward: `mark slow retry` is refused; done or failed settle it.
rm -f release effects slow.started plain.started
crashed run-2
touch release
poll "the orphans to end" gone $(pids run-2 slow None) $(pids run-2 plain None)
start back-2 rollback --non-interactive run-2
poll "slow in doubt" in_journal run-2 event=task_in_doubt task=slow action=wait
run_cutover 2 mark run-2 slow retry --by carol
expect_in err.txt "the run is rolling back, so slow does not run again: mark it done (it is rolled back) or failed"
alive "$PID" || fail "(e) the rollback ended after a refused retry"
run_cutover 0 mark run-2 slow failed --by carol
finish 0
expect_count undo-slow 0  # failed: there is nothing to roll back
expect_count undo-first 1
expect_events 0 run-2 event=task_reset task=slow
verified run-2
cd ..
