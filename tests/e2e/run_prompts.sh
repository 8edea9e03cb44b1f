# cutover run and people: without a terminal to ask at (and without --auto) a run that needs
# a person is refused before anything starts; output that is not a terminal has no escape
# sequences. The prompts themselves, on a pseudo-terminal, are in run_prompts.py.
source "$(dirname "$0")/lib.sh"

MARK=marker-$$-$RANDOM
trap 'pkill -KILL -f -- "$MARK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# --- stdin is not a terminal: refused (exit 2), naming the task and suggesting --auto --------
mkdir refused && cd refused
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
EOF2
run_cutover 2 run rb.yaml </dev/null
expect_in err.txt "confirm-backup"
expect_in err.txt "stdin is not a terminal"
expect_in err.txt "--auto"
[[ ! -e prepare.ran ]] || fail "a task ran before the refusal"

# A gate's approvals wait for people just as well.
runbook gate.yaml <<EOF2
version: 1
id: prompts
tasks:
  - id: prepare
    estimate: 1s
    run: touch prepare.ran
  - id: go-no-go
    estimate: 1m
    depends_on: prepare
    gate:
      approvals: [lead]
EOF2
run_cutover 2 run gate.yaml </dev/null
expect_in err.txt "go-no-go"
expect_in err.txt "--auto"
[[ ! -e prepare.ran ]] || fail "a task ran before the refusal"
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
