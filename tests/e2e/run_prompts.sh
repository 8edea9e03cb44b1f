# cutover run and people: without a terminal to ask at (and without --auto) nothing is asked
# here: each question says how to answer with cutover mark / approve from another terminal, and
# the run waits for that; output that is not a terminal has no escape sequences. The prompts
# themselves, on a pseudo-terminal, are in run_prompts.py.
source "$(dirname "$0")/lib.sh"

MARK=marker-$$-$RANDOM
before_cleanup() { pkill -KILL -f -- "$MARK" 2>/dev/null; }

# --- stdin is not a terminal: the questions wait for cutover mark / approve ------------------
mkdir waiting && cd waiting
runbook rb.yaml <<EOF2
version: 1
id: prompts
tasks:
  - id: prepare
    estimate: 1s
    run: touch prepare.ran
  - id: confirm-backup
    owner: ops
    estimate: 5m
    depends_on: prepare
    manual: Check that the backup finished.
  - id: go-no-go
    estimate: 1m
    depends_on: confirm-backup
    gate:
      approvals: [lead]
  - id: switch
    estimate: 1s
    depends_on: go-no-go
    run: touch switch.ran
EOF2
"$CUTOVER" run --run-dir run rb.yaml >run.out 2>&1 </dev/null &
PIDS+=($!)
RUN=$PWD/run
poll "the manual task's question" grep -qsF \
  "answer with: cutover mark $RUN confirm-backup done|failed|skipped --by NAME" run.out
[[ -e prepare.ran ]] || fail "the task before the question did not run"
expect_in run.out "manual confirm-backup: confirm-backup (owner ops), estimate 5m"
expect_in run.out "    Check that the backup finished."
run_cutover 0 mark run confirm-backup done --by alice
expect_in out.txt "recorded: confirm-backup done by alice"
# A gate's approvals wait for people just as well.
poll "the gate's question" grep -qsF "answer with: cutover approve $RUN go-no-go --by " run.out
[[ ! -e switch.ran ]] || fail "the task after the gate ran before the approval"
run_cutover 0 approve run go-no-go --by lead
expect_in out.txt "recorded: go-no-go approved by lead"
status=0
wait "${PIDS[-1]}" || status=$?
[[ $status == 0 ]] || fail "the run without a terminal exited $status: $(cat run.out)"
[[ -e switch.ran ]] || fail "the task after the gate did not run"
expect_not_in run.out "stdin is not a terminal"
expect_not_in run.out $'\x1b'
/usr/bin/python3 - run/journal.jsonl <<'PY2' || fail "the journal of the run without a terminal"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])][1:]
def has(**fields):
    return any(all(e.get(k) == v for k, v in fields.items()) for e in events)
assert has(event="run_started", non_interactive=True)
assert has(event="task_finished", task="confirm-backup", status="succeeded", by="alice")
assert has(event="gate_approved", task="go-no-go", approver="lead", by="lead")
assert has(event="run_finished", outcome="succeeded", exit_code=0)
PY2
run_cutover 0 verify run
cd ..

# --- stdout is not a terminal: no colour and no live view, even with TERM=xterm --------------
mkdir plain && cd plain
runbook rb.yaml <<EOF2
version: 1
id: prompts
tasks:
  - id: build
    estimate: 1s
    run: |
      echo "built $MARK"
      echo "warned $MARK" >&2
  - id: confirm
    owner: ops
    estimate: 5m
    depends_on: build
    manual: Check the dashboard.
  - id: go-no-go
    estimate: 1m
    depends_on: confirm
    gate:
      approvals: [lead, owner]
  - id: switch
    estimate: 1s
    depends_on: go-no-go
    run: echo "switched $MARK"
EOF2
(
  unset NO_COLOR
  export TERM=xterm
  run_cutover 0 run rb.yaml --auto </dev/null
)
expect_in out.txt "[build] built $MARK"
expect_in out.txt "[build] warned $MARK"
expect_in out.txt "[switch] switched $MARK"
expect_not_in out.txt $'\x1b'
expect_not_in err.txt $'\x1b'
expect_not_in out.txt "done]"
run=$(echo .cutover/runs/prompts/*/)
/usr/bin/python3 - "$run/journal.jsonl" <<'PY2' || fail "the journal does not record the people as auto"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])][1:]
def has(**fields):
    return any(all(e.get(k) == v for k, v in fields.items()) for e in events)
ok = (has(event="task_finished", task="confirm", status="succeeded", by="auto")
      and has(event="gate_approved", task="go-no-go", approver="lead", by="auto")
      and has(event="gate_approved", task="go-no-go", approver="owner", by="auto")
      and has(event="run_finished", outcome="succeeded", exit_code=0))
sys.exit(0 if ok else 1)
PY2
run_cutover 0 verify "$run"
cd ..

# --- people at a terminal (a pseudo-terminal) --------------------------------------------------
/usr/bin/python3 "$SRC/tests/e2e/run_prompts.py" "$CUTOVER"
