# People deciding from other terminals: cutover mark / approve / reject against a running,
# a finished and a stopped run. Every refusal (exit 2, with its reason), a mark with a note,
# two approvers at once, the same approver twice at once, a decision queued while no executor
# runs and applied by `cutover resume`. At a terminal (a pseudo-terminal, operators.py): a
# question answered from elsewhere before anyone types, and a typed answer that wins the race.
source "$(dirname "$0")/lib.sh"

before_cleanup() {
  touch release 2>/dev/null || true
  # The task processes (each in its own process group, journaled as process_started).
  local pid
  for pid in $(sed -n 's/.*"event":"process_started".*"pid":\([0-9]*\).*/\1/p' r1/journal.jsonl \
    2>/dev/null); do kill -KILL -- "-$pid" 2>/dev/null || true; done
}

# in_journal JOURNAL TEXT: the journal has a line with TEXT (its events keep this field order).
in_journal() {
  grep -qsF -- "$2" "$1"
}

inbox_files() {  # the decisions waiting in a run's inbox
  find "$1/inbox" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l
}

# ----- a --non-interactive run: refusals while it goes on ----------------------------------------
runbook ops.yaml <<'EOF2'
version: 1
id: ops
tasks:
  - id: prepare
    estimate: 1s
    run: touch prepare.started; while [ ! -e release ]; do sleep 0.05; done
  - id: confirm-backup
    owner: ops
    estimate: 5m
    depends_on: prepare
    manual: Check that the backup finished.
  - id: go-no-go
    estimate: 1m
    depends_on: confirm-backup
    gate:
      approvals: [lead, owner]
  - id: final-check
    estimate: 1m
    depends_on: go-no-go
    gate:
      approvals: [lead, owner]
  - id: switch
    estimate: 1s
    depends_on: final-check
    run: touch switch.ran
EOF2
"$CUTOVER" run --non-interactive --run-dir r1 ops.yaml >run.out 2>&1 </dev/null &
executor=$!
PIDS+=("$executor")
R1=$PWD/r1
poll "prepare to start" test -e prepare.started

run_cutover 2 mark r1 confirm-bakup done --by alice
expect_in err.txt "cutover: runbook ops has no task 'confirm-bakup'; did you mean 'confirm-backup'?"
run_cutover 2 mark r1 confirm-backup done --by alice
expect_in err.txt "cutover: confirm-backup has not started yet (it waits for prepare)"
run_cutover 2 mark r1 prepare done --by alice
expect_in err.txt "cutover: prepare is running, not waiting for a decision"
run_cutover 2 approve r1 go-no-go --by lead
expect_in err.txt "cutover: go-no-go has not started yet (it waits for confirm-backup)"
run_cutover 2 approve r1 prepare --by lead
expect_in err.txt "cutover: prepare is not a gate with approvals: use cutover mark"
run_cutover 2 mark r1 confirm-backup finished --by alice
expect_in err.txt "cutover: 'finished' is not a verdict: done, failed, skipped or retry"
run_cutover 2 mark r1 confirm-backup done
expect_in err.txt "--by is required"
run_cutover 2 mark r1 confirm-backup done --by " "
expect_in err.txt "--by: must be a name of 1 to 100 printable characters"
run_cutover 2 approve r1 go-no-go
expect_in err.txt "--by is required"
[[ $(inbox_files r1) == 0 ]] || fail "a refused decision was left in the inbox: $(ls r1/inbox)"

# ----- the manual task, marked done with a note from here ----------------------------------------
touch release
poll "confirm-backup to wait for a person" grep -qsF \
  "answer with: cutover mark $R1 confirm-backup done|failed|skipped --by NAME" run.out
run_cutover 0 mark r1 confirm-backup done --by alice --note "backup 42 checked"
expect_in out.txt "recorded: confirm-backup done by alice (journal line "
line=$(sed -n 's/.*(journal line \([0-9]*\)).*/\1/p' out.txt)
sed -n "${line}p" r1/journal.jsonl | grep -q '"event":"task_finished","task":"confirm-backup"' ||
  fail "journal line $line is not confirm-backup's task_finished: $(sed -n "${line}p" r1/journal.jsonl)"
journal_check r1/journal.jsonl <<'PY'
[marked] = expect(1, event="task_finished", task="confirm-backup")
assert (marked["status"], marked["by"], marked["user"], marked["host"], marked["note"]) == (
    "succeeded", "alice", USER, HOST, "backup 42 checked"), marked
assert marked["decision"], marked
PY
run_cutover 2 mark r1 confirm-backup done --by bob
expect_in err.txt "cutover: confirm-backup already finished: succeeded (by alice)"

# ----- the gate: refusals, then two approvers at once ---------------------------------------------
poll "go-no-go to wait for approvals" in_journal r1/journal.jsonl \
  '"event":"gate_waiting","task":"go-no-go"'
expect_in run.out "answer with: cutover approve $R1 go-no-go --by "
# status offers a no-go beside each go.
run_cutover 0 status r1
expect_in out.txt "cutover approve r1 go-no-go --by lead"
expect_in out.txt "cutover reject r1 go-no-go --by NAME --note REASON"
run_cutover 2 mark r1 go-no-go done --by lead
expect_in err.txt "cutover: go-no-go is a gate: approve or reject it"
run_cutover 2 approve r1 go-no-go --by bob
expect_in err.txt "cutover: 'bob' is not an approver of go-no-go; its approvers are: lead, owner"
run_cutover 2 reject r1 go-no-go --by bob --note "not ready"
expect_in err.txt "'bob' is not an approver of go-no-go"
# A no-go says why: without --note it is refused before anything is sent.
run_cutover 2 reject r1 go-no-go --by lead
expect_in err.txt "a no-go needs its reason: --note REASON (it goes into the journal and the report)"

status_lead=0 status_owner=0
timeout 60 "$CUTOVER" approve r1 go-no-go --by lead >lead.out 2>lead.err &
approve_lead=$!
timeout 60 "$CUTOVER" approve r1 go-no-go --by owner >owner.out 2>owner.err &
approve_owner=$!
wait "$approve_lead" || status_lead=$?
wait "$approve_owner" || status_owner=$?
[[ $status_lead == 0 && $status_owner == 0 ]] ||
  fail "concurrent approvals exited $status_lead and $status_owner: $(cat lead.* owner.*)"
expect_in lead.out "recorded: go-no-go approved by lead"
expect_in owner.out "recorded: go-no-go approved by owner"
journal_check r1/journal.jsonl <<'PY'
approvals = expect(2, event="gate_approved", task="go-no-go")
assert sorted((e["approver"], e["by"]) for e in approvals) == [("lead", "lead"), ("owner", "owner")]
assert all(e["user"] == USER and e["host"] == HOST and e["decision"] for e in approvals), approvals
expect(1, event="task_finished", task="go-no-go", status="succeeded")
expect(0, event="decision_refused", task="go-no-go")
PY

# ----- the same approver twice at once: one is recorded, the other refused ------------------------
poll "final-check to wait for approvals" in_journal r1/journal.jsonl \
  '"event":"gate_waiting","task":"final-check"'
first=0 second=0
timeout 60 "$CUTOVER" approve r1 final-check --by lead >first.out 2>first.err &
approve_first=$!
timeout 60 "$CUTOVER" approve r1 final-check --by lead >second.out 2>second.err &
approve_second=$!
wait "$approve_first" || first=$?
wait "$approve_second" || second=$?
[[ "$first $second" == "0 2" || "$first $second" == "2 0" ]] ||
  fail "the same approver twice at once exited $first and $second: $(cat first.* second.*)"
if [[ $first == 2 ]]; then refused=first.err; else refused=second.err; fi
expect_in "$refused" "lead already approved final-check"
# ...and once more, one after the other.
run_cutover 2 approve r1 final-check --by lead
expect_in err.txt "cutover: lead already approved final-check"
run_cutover 0 approve r1 final-check --by owner --note "numbers match"
expect_in out.txt "recorded: final-check approved by owner"
journal_check r1/journal.jsonl <<'PY'
expect(1, event="gate_approved", task="final-check", approver="lead", by="lead")
expect(1, event="gate_approved", task="final-check", approver="owner", note="numbers match")
expect(2, event="gate_approved", task="final-check")
PY

status=0
wait "$executor" || status=$?
[[ $status == 0 ]] || fail "the run exited $status: $(cat run.out)"
[[ -e switch.ran ]] || fail "the task after the gates did not run"
expect_in run.out "run succeeded: 5 of 5 tasks done"

# ----- a decision on a finished run ---------------------------------------------------------------
run_cutover 2 mark r1 confirm-backup done --by alice
expect_in err.txt "cutover: the run already finished (succeeded)"
run_cutover 2 approve r1 final-check --by lead
expect_in err.txt "cutover: the run already finished (succeeded)"
run_cutover 2 mark r1 nope done --by alice
expect_in err.txt "runbook ops has no task 'nope'"
[[ $(inbox_files r1) == 0 ]] || fail "decisions left in the inbox: $(ls r1/inbox)"
run_cutover 0 verify r1
expect_in out.txt "intact"

# interrupt_twice PID OUTPUT: Ctrl-C once (nothing new starts, questions still wait), then
# twice (the run stops): the executor must exit 130.
interrupt_twice() {
  kill -INT "$1"
  poll "the first Ctrl-C to be taken" grep -qsF "interrupted: no new tasks start" "$2"
  kill -INT "$1"
  local status=0
  wait "$1" || status=$?
  [[ $status == 130 ]] || fail "the interrupted run exited $status: $(cat "$2")"
}

# ----- a mark while no executor runs: queued, then applied by resume ------------------------------
runbook stop.yaml <<'EOF2'
version: 1
id: stop
tasks:
  - id: confirm
    owner: ops
    estimate: 5m
    manual: Check the dashboard.
  - id: after
    estimate: 1s
    depends_on: confirm
    run: touch after.ran
EOF2
"$CUTOVER" run --non-interactive --run-dir r2 stop.yaml >r2.out 2>&1 </dev/null &
stopped=$!
PIDS+=("$stopped")
R2=$PWD/r2
poll "confirm to wait for a person" grep -qsF \
  "answer with: cutover mark $R2 confirm done|failed|skipped --by NAME" r2.out
interrupt_twice "$stopped" r2.out
[[ ! -e after.ran ]] || fail "a task started after Ctrl-C"

# Nothing was executing: confirm still waits for its person, it is not in doubt.
run_cutover 0 status r2
expect_not_in out.txt "in doubt"
expect_in out.txt "cutover mark r2 confirm done|failed|skipped --by NAME"

run_cutover 0 mark r2 confirm done --by alice --note "checked by phone"
expect_in out.txt "queued: confirm done by alice; no executor runs: \`cutover resume $R2\` applies it"
[[ $(inbox_files r2) == 1 ]] || fail "the queued decision is not in the inbox: $(ls -A r2/inbox)"
! in_journal r2/journal.jsonl '"by":"alice"' || fail "a queued decision was journaled without an executor"
# Bob says otherwise, also queued: the first decision resume takes in wins, and bob learns why
# his was refused from the resume and from status.
run_cutover 0 mark r2 confirm failed --by bob
expect_in out.txt "should it refuse it, \`cutover status $R2\` says why"

run_cutover 0 resume r2 </dev/null
expect_in out.txt "run succeeded: 2 of 2 tasks done"
[[ -e after.ran ]] || fail "the task after the marked one did not run"
[[ $(inbox_files r2) == 0 ]] || fail "the inbox is not empty after resume: $(ls -A r2/inbox)"
expect_in out.txt "refused: mark confirm failed by bob"
run_cutover 0 status r2
expect_in out.txt "refused decisions"
expect_in out.txt "mark failed confirm by bob"
expect_in out.txt "confirm already finished: succeeded (by alice)"
journal_check r2/journal.jsonl <<'PY'
expect(0, event="task_finished", task="confirm", status="interrupted")
expect(1, event="run_resumed", mode="resume")
[marked] = expect(1, event="task_finished", task="confirm", status="succeeded")
assert (marked["by"], marked["user"], marked["host"], marked["note"]) == (
    "alice", USER, HOST, "checked by phone"), marked
assert marked["decision"], marked
assert [e["outcome"] for e in find(event="run_finished")] == ["interrupted", "succeeded"]
PY
run_cutover 2 mark r2 confirm done --by alice
expect_in err.txt "the run already finished (succeeded)"
run_cutover 0 verify r2
expect_in out.txt "intact"

# ----- a gate interrupted while it waited: approvals still count, resume goes on -------------------
runbook gate.yaml <<'EOF2'
version: 1
id: gated
tasks:
  - id: go-no-go
    gate:
      approvals: [lead, owner]
  - id: after
    estimate: 1s
    depends_on: go-no-go
    run: touch gated.ran
EOF2
"$CUTOVER" run --non-interactive --run-dir r3 gate.yaml >r3.out 2>&1 </dev/null &
gated=$!
PIDS+=("$gated")
poll "the gate to wait for its approvers" grep -qsF "approve $PWD/r3 go-no-go --by lead" r3.out
# A hold keeps the gate waiting; it says who and why, and needs an approver and a reason.
run_cutover 2 hold r3 go-no-go --by owner
expect_in err.txt "a hold needs its reason: --note REASON"
run_cutover 2 hold r3 go-no-go --by mallory --note "not sure"
expect_in err.txt "'mallory' is not an approver of go-no-go; its approvers are: lead, owner"
run_cutover 0 hold r3 go-no-go --by owner --note "the bank has not confirmed"
expect_in out.txt "recorded: go-no-go held by owner"
poll "the hold on the executor's terminal" grep -qsF "held by owner: the bank has not confirmed" r3.out
run_cutover 0 status r3
expect_in out.txt "held by owner at "
expect_in out.txt ": the bank has not confirmed"
expect_in out.txt "cutover hold r3 go-no-go --by NAME --note REASON"
interrupt_twice "$gated" r3.out
run_cutover 0 approve r3 go-no-go --by lead
expect_in out.txt "queued: go-no-go approved by lead"
run_cutover 0 approve r3 go-no-go --by owner
run_cutover 0 resume r3 </dev/null
expect_in out.txt "run succeeded"
[[ -e gated.ran ]] || fail "the task after the approved gate did not run"
journal_check r3/journal.jsonl <<'PY'
assert [e["approver"] for e in find(event="gate_approved")] == ["lead", "owner"]
[held] = expect(1, event="gate_held", task="go-no-go")
assert (held["by"], held["note"], held["user"]) == ("owner", "the bank has not confirmed", USER), held
assert held["decision"], held
expect(0, event="task_in_doubt", task="go-no-go")
expect(1, event="task_finished", task="go-no-go", status="succeeded")
PY

# ----- at a terminal: answered from elsewhere, and the reverse race ------------------------------
/usr/bin/python3 "$SRC/tests/e2e/operators.py" "$CUTOVER"
