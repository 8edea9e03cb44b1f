# cutover resume: after a kill -9 of the executor (orphans finished, or still running), a
# second resume on a held run, a torn last journal line, refusals, a stopped run (marked retry,
# or resumed as is), a run interrupted with two SIGINTs, a crash between a gate's last approval
# and its end, and `mark retry` while
# the orphaned process still runs. Tasks record their side effect by
# appending a line to `effects`, so "exactly once" can be checked; they wait on a `release`
# file that the test creates. Nothing sleeps for a fixed time: every wait polls with a deadline.
source "$(dirname "$0")/lib.sh"
source "$SRC/tests/e2e/background.bash"

# pids DIR TASK: the process (group) ids the journal of DIR recorded for TASK.
pids() {
  python3 - "$1/journal.jsonl" "$2" <<'PY'
import json, sys
for line in list(open(sys.argv[1]))[1:]:
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("event") == "process_started" and event.get("task") == sys.argv[2]:
        print(event["pid"])
PY
}

# count NAME: how many times NAME's side effect happened.
count() { grep -cx -- "$1" effects || true; }

# expect_count NAME N
expect_count() {
  local got
  got=$(count "$1")
  [[ $got == "$2" ]] || { cat effects >&2; fail "side effect of $1 happened $got times, expected $2"; }
}

# in_order DEPENDENCY:DEPENDENT...: in `effects`, every line of the dependent comes after every
# line of its dependency.
in_order() {
  python3 - effects "$@" <<'PY' || fail "side effects out of order: $(cat effects)"
import sys
lines = [l.strip() for l in open(sys.argv[1])]
for pair in sys.argv[2:]:
    before, after = pair.split(":")
    last = max(i for i, l in enumerate(lines) if l == before)
    first = min(i for i, l in enumerate(lines) if l == after)
    assert last < first, f"{after} (line {first + 1}) before {before} (line {last + 1})"
PY
}

# A command that waits for the test to create `release`.
WAIT='while [ ! -e release ]; do sleep 0.05; done'

# The crash runbook: two slow tasks in parallel after `first`, one idempotent and one not, each
# with a dependent, and a last task after both. A side effect is recorded when a task ends.
crash_runbook() {
  runbook rb.yaml <<EOF
version: 1
id: crash
tasks:
  - id: first
    estimate: 1s
    run: echo first >> effects
  - id: slow-idem
    estimate: 1m
    depends_on: first
    idempotent: true
    run: touch slow-idem.started; $WAIT; echo slow-idem >> effects
  - id: slow-once
    estimate: 1m
    depends_on: first
    run: touch slow-once.started; $WAIT; echo slow-once >> effects
  - id: after-idem
    estimate: 1s
    depends_on: slow-idem
    run: echo after-idem >> effects
  - id: after-once
    estimate: 1s
    depends_on: slow-once
    run: echo after-once >> effects
  - id: last
    estimate: 1s
    depends_on: [after-idem, after-once]
    run: echo last >> effects
EOF
}

# crash_while_running: starts the crash runbook in run/, kills the executor with SIGKILL once
# both slow tasks are journaled as started processes.
crash_while_running() {
  crash_runbook
  start run run --run-dir run --non-interactive -j 4 rb.yaml
  poll "slow-idem's process in the journal" in_journal run event=process_started task=slow-idem
  poll "slow-once's process in the journal" in_journal run event=process_started task=slow-once
  poll "both slow tasks to run" eval 'test -e slow-idem.started && test -e slow-once.started'
  crash
}

# ----- (a) crash; the orphans finish; resume ---------------------------------------------------
mkdir a && cd a
crash_while_running
run=$PWD/run
orphans=($(pids run slow-idem) $(pids run slow-once))
[[ ${#orphans[@]} == 2 ]] || fail "(a) expected two process ids in the journal: ${orphans[*]}"
touch release
poll "the orphaned tasks to end" gone "${orphans[@]}"
expect_count slow-idem 1
expect_count slow-once 1
rm release  # a rerun of slow-idem must wait for the test again

start resume resume --non-interactive run
poll "slow-once to be in doubt" in_journal run event=task_in_doubt task=slow-once action=wait
poll "slow-idem to be in doubt" in_journal run event=task_in_doubt task=slow-idem action=rerun
poll "the answer command" grep -qF "cutover mark $run slow-once done|failed|retry --by NAME" resume.out
expect_in resume.out "in doubt slow-once: it is not idempotent: a person decides whether it finished"
expect_in resume.out "in doubt slow-idem: it is idempotent: it runs again"
expect_events 1 run event=run_resumed mode=resume
poll "slow-idem to run again" eval '[[ $(events run event=task_started task=slow-idem) == 2 ]]'
touch release
poll "the rerun of slow-idem to finish" in_journal run event=task_finished task=slow-idem status=succeeded
poll "after-idem to run" in_journal run event=task_finished task=after-idem status=succeeded
# slow-once waits for a person: nothing after it has started.
expect_count after-once 0
expect_count last 0
expect_events 0 run event=task_started task=after-once
alive "$PID" || { show_outputs; fail "(a) resume exited while slow-once is in doubt"; }

run_cutover 0 mark run slow-once done --by carol --note "the orders are there"
expect_in out.txt "recorded: slow-once done by carol"
finish 0
expect_in resume.out "run succeeded"
# Nothing that finished ran again; the one in doubt and not idempotent neither.
for task in first slow-once after-idem after-once last; do expect_count "$task" 1; done
expect_count slow-idem 2  # allowed: it is idempotent
expect_events 1 run event=task_started task=first
expect_events 1 run event=task_started task=slow-once
in_journal run event=task_finished task=slow-once status=succeeded by=carol ||
  fail "(a) slow-once's task_finished does not say by carol"
in_order first:slow-idem first:slow-once slow-idem:after-idem slow-once:after-once \
  after-idem:last after-once:last
in_journal run event=run_finished outcome=succeeded exit_code=0 || fail "(a) run_finished"
verified run
# Durations are by the clock: slow-once's runs from its start before the crash to its end
# after the resume, the time no executor ran included, and the summary tells that time apart.
grep -qE "run succeeded: 6 of 6 tasks done in [0-9.ms]+ \(executor down [0-9.ms]+\)" resume.out ||
  { show_outputs; fail "(a) the summary does not tell the executor's downtime"; }
python3 - run/timing.csv <<'PY' || fail "(a) timing.csv: a duration is not end - start"
import csv, datetime, sys
rows = {r["task"]: r for r in csv.DictReader(open(sys.argv[1]))}
at = lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
once = rows["slow-once"]
took = (at(once["end"]) - at(once["start"])).total_seconds()
assert abs(float(once["duration_s"]) - took) < 0.002, (once, took)
PY
cd ..

# ----- (b) crash; resume while the orphans still run; a second resume is refused ---------------
mkdir b && cd b
crash_while_running
run=$PWD/run
once_pid=$(pids run slow-once)
idem_pid=$(pids run slow-idem)
start resume resume --non-interactive run
poll "slow-once in doubt" in_journal run event=task_in_doubt task=slow-once action=wait
poll "slow-idem in doubt" in_journal run event=task_in_doubt task=slow-idem action=wait
poll "the report of slow-once's live process" \
  grep -qE "in doubt slow-once: .*\(still running: pid ([0-9]+, )*$once_pid[,;]" resume.out
expect_in resume.out "it is not started again"
# Even the idempotent one is not started a second time while its process lives.
grep -qE "in doubt slow-idem: .*\(still running: pid ([0-9]+, )*$idem_pid[,;]" resume.out ||
  { show_outputs; fail "(b) slow-idem's live process is not reported"; }
expect_in resume.out "cutover mark $run slow-once done|failed|retry --by NAME"
python3 - run/journal.jsonl "$once_pid" <<'PY' || fail "(b) task_in_doubt of slow-once: no alive pid"
import json, sys
events = [json.loads(l) for l in list(open(sys.argv[1]))[1:]]
doubt = [e for e in events if e["event"] == "task_in_doubt" and e["task"] == "slow-once"]
assert int(sys.argv[2]) in doubt[-1]["alive"], doubt
PY

# A second executor on the same run: refused, naming the holder.
resumer=$PID
run_cutover 5 resume --non-interactive run
expect_in err.txt "is locked by another executor: pid $resumer on host $(hostname)"
alive "$resumer" || fail "(b) the refused second resume stopped the first"

touch release
poll "the orphaned tasks to end" gone "$once_pid" "$idem_pid"
expect_events 1 run event=task_started task=slow-once
expect_events 1 run event=task_started task=slow-idem
expect_count slow-once 1
expect_count slow-idem 1
expect_count after-once 0
run_cutover 0 mark run slow-once done --by carol
run_cutover 0 mark run slow-idem done --by carol
finish 0
for task in first slow-idem slow-once after-idem after-once last; do expect_count "$task" 1; done
in_order first:slow-idem first:slow-once slow-idem:after-idem slow-once:after-once \
  after-idem:last after-once:last
verified run
cd ..

# ----- (c) a torn last line: a warning, the line cut off, the run continued --------------------
mkdir c && cd c
runbook rb.yaml <<EOF
version: 1
id: torn
tasks:
  - id: one
    estimate: 1s
    run: echo one >> effects
  - id: slow
    estimate: 1m
    depends_on: one
    idempotent: true
    run: touch slow.started; $WAIT; echo slow >> effects
  - id: two
    estimate: 1s
    depends_on: slow
    run: echo two >> effects
EOF
start run run --run-dir run --non-interactive rb.yaml
poll "slow's process in the journal" in_journal run event=process_started task=slow
crash
touch release
poll "the orphan to end" gone $(pids run slow)
printf '{"seq":99,"time":"2026-11-28T17:00:0' >>run/journal.jsonl
run_cutover 0 resume --non-interactive run
expect_in err.txt "warning: $PWD/run/journal.jsonl: line "
expect_in err.txt "is incomplete (a write cut short by a crash) and is ignored"
expect_in out.txt "run succeeded"
expect_not_in run/journal.jsonl '{"seq":99,"time":"2026-11-28T17:00:0'
expect_count one 1
expect_count two 1
verified run
cd ..

# ----- (d) refusals; a stopped run: mark retry, or resume as is --------------------------------
mkdir d && cd d
runbook ok.yaml <<'EOF'
version: 1
id: ok
tasks:
  - id: one
    run: echo one >> effects
EOF
run_cutover 0 run --run-dir done-run ok.yaml
cp done-run/journal.jsonl done.jsonl
run_cutover 2 resume --non-interactive done-run
expect_in err.txt "the run succeeded; there is nothing to resume"
cmp done.jsonl done-run/journal.jsonl || fail "(d) a refused resume wrote to the journal"
expect_count one 1

# flaky fails the first time (it leaves a flag) and succeeds the second time.
runbook stop.yaml <<'EOF'
version: 1
id: stop
tasks:
  - id: before
    run: echo before >> effects
  - id: flaky
    depends_on: before
    on_failure: stop
    run: if [ -e flag ]; then echo flaky >> effects; else touch flag; exit 1; fi
  - id: after
    depends_on: flaky
    run: echo after >> effects
EOF
run_cutover 1 run --run-dir stopped stop.yaml
in_journal stopped event=task_finished task=flaky status=failed || fail "(d) flaky did not fail"
expect_count flaky 0
run_cutover 2 mark stopped flaky failed --by dave
expect_in err.txt "flaky already failed"
run_cutover 0 mark stopped flaky retry --by dave
expect_in out.txt "queued"
run_cutover 0 resume --non-interactive stopped
expect_in out.txt "run succeeded"
in_journal stopped event=task_reset task=flaky by=dave || fail "(d) the retry decision is not journaled"
expect_events 2 stopped event=task_started task=flaky
expect_count before 1
expect_count flaky 1
expect_count after 1
in_order before:flaky flaky:after
verified stopped

# Plain resume of a stopped run: the failed task runs again.
rm flag effects
run_cutover 1 run --run-dir stopped-2 stop.yaml
run_cutover 0 resume --non-interactive stopped-2
expect_in out.txt "flaky: it failed before; it runs again"
in_journal stopped-2 event=task_reset task=flaky || fail "(d) no task_reset for flaky"
expect_count before 1
expect_count flaky 1
expect_count after 1
verified stopped-2
cd ..

# ----- (e) two SIGINTs: the interrupted tasks are in doubt --------------------------------------
mkdir e && cd e
if env --default-signal=INT true 2>/dev/null; then
  DEFAULT_SIGINT=(env --default-signal=INT,QUIT)
else  # coreutils before 9.0
  DEFAULT_SIGINT=(python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT): signal.signal(s, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])')
fi
crash_runbook
"${DEFAULT_SIGINT[@]}" "$CUTOVER" run --run-dir run --non-interactive -j 4 rb.yaml \
  </dev/null >run.out 2>run.err &
PID=$!
PIDS+=("$PID")
poll "slow-idem's process in the journal" in_journal run event=process_started task=slow-idem
poll "slow-once's process in the journal" in_journal run event=process_started task=slow-once
kill -INT "$PID"
poll "the first interrupt in the journal" in_journal run event=signal_received action=drain
kill -INT "$PID"
finish 130
in_journal run event=task_finished task=slow-once status=interrupted || fail "(e) slow-once"
in_journal run event=task_finished task=slow-idem status=interrupted || fail "(e) slow-idem"
expect_count slow-once 0
expect_count slow-idem 0
run=$PWD/run
start resume resume --non-interactive run
poll "slow-once in doubt" in_journal run event=task_in_doubt task=slow-once action=wait
poll "slow-idem in doubt" in_journal run event=task_in_doubt task=slow-idem action=rerun
expect_in resume.out "cutover mark $run slow-once done|failed|retry --by NAME"
expect_not_in resume.out "still running"
touch release
poll "slow-idem to finish" in_journal run event=task_finished task=slow-idem status=succeeded
expect_events 1 run event=task_started task=slow-once
run_cutover 0 mark run slow-once retry --by erin
finish 0
expect_events 2 run event=task_started task=slow-once
for task in first slow-idem slow-once after-idem after-once last; do expect_count "$task" 1; done
in_order first:slow-idem first:slow-once slow-idem:after-idem slow-once:after-once \
  after-idem:last after-once:last
verified run
cd ..

# ----- (f) a crash after a gate's last approval was journaled, before the gate finished ---------
# A journal cut after its gate_approved line is what a kill -9 between the two writes leaves.
mkdir f && cd f
runbook rb.yaml <<'EOF2'
version: 1
id: gate
tasks:
  - id: g
    estimate: 1s
    gate:
      approvals: [lead]
  - id: fin
    estimate: 1s
    depends_on: g
    run: echo fin >> effects
EOF2
run_cutover 0 run --auto --run-dir run rb.yaml
python3 - run/journal.jsonl <<'PY'
import sys
lines = open(sys.argv[1]).readlines()
last = max(i for i, line in enumerate(lines) if '"event":"gate_approved"' in line)
open(sys.argv[1], "w").writelines(lines[:last + 1])
PY
: >effects
verified run
# Every approver had approved: resume finishes the gate instead of asking nobody.
status=0
timeout 20 "$CUTOVER" resume --non-interactive run </dev/null >out.txt 2>err.txt || status=$?
[[ $status == 0 ]] || { cat out.txt err.txt >&2; fail "(f) resume exited $status, expected 0"; }
expect_events 1 run event=gate_approved task=g
in_journal run event=task_finished task=g status=succeeded || fail "(f) g did not finish"
expect_count fin 1
verified run
cd ..

# ----- (g) `mark retry` while the orphaned process still runs: refused --------------------------
mkdir g && cd g
crash_while_running
once_pid=$(pids run slow-once)
idem_pid=$(pids run slow-idem)
start resume resume --non-interactive run
poll "slow-once in doubt" in_journal run event=task_in_doubt task=slow-once action=wait
run_cutover 2 mark run slow-once retry --by carol
expect_in err.txt "processes of slow-once from before are still running (pid "
expect_in err.txt "retry once they have ended"
in_journal run event=decision_refused task=slow-once by=carol || fail "(g) no decision_refused"
expect_events 1 run event=task_started task=slow-once
touch release
poll "the orphaned tasks to end" gone "$once_pid" "$idem_pid"
expect_events 1 run event=task_started task=slow-once
run_cutover 0 mark run slow-once done --by carol
run_cutover 0 mark run slow-idem done --by carol
finish 0
for task in first slow-idem slow-once after-idem after-once last; do expect_count "$task" 1; done
verified run
cd ..
