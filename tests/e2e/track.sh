# cutover track: a cutover done by hand. Nothing is executed; every task (commands too, secrets
# as ***) is an instruction that people mark with cutover mark / approve; the journal and
# timing.csv are written as for a run. A failure rolls back with the rollback commands shown
# as manual steps. And track --help.
source "$(dirname "$0")/lib.sh"


# waits_for OUTPUT TEXT: polls until the executor's output shows TEXT.
waits_for() {
  poll "$2" grep -qsF -- "$2" "$1"
}

SECRET=s3cr3t-$$-$RANDOM-value
export DB_PASSWORD=$SECRET

runbook tr.yaml <<'EOF2'
version: 1
id: tracked
secrets: [DB_PASSWORD]
vars: { TARGET: created.txt }
tasks:
  - id: create
    estimate: 1m
    run: touch {{ TARGET }}
    rollback: rm keep.txt
  - id: load
    owner: dba
    estimate: 2m
    depends_on: create
    run: touch loaded.txt; load --password {{ DB_PASSWORD }} --into db
  - id: confirm
    owner: ops
    estimate: 5m
    depends_on: load
    manual: Check the dashboard.
  - id: go-no-go
    estimate: 1m
    depends_on: confirm
    gate:
      approvals: [lead]
  - id: checked
    estimate: 1m
    depends_on: go-no-go
    gate:
      checks:
        - name: ping
          run: touch check.ran
EOF2
touch keep.txt

# ----- every task marked from here; nothing runs ------------------------------------------------
"$CUTOVER" track --non-interactive --label hand-1 tr.yaml >track.out 2>&1 </dev/null &
tracker=$!
PIDS+=("$tracker")
journal_exists() { compgen -G ".cutover/runs/tracked/*-hand-1/journal.jsonl" >/dev/null; }
poll "the run directory" journal_exists
dir=$(echo .cutover/runs/tracked/*-hand-1)
T=$PWD/$dir

waits_for track.out "answer with: cutover mark $T create done|failed|skipped --by NAME"
expect_in track.out "tracking tracked/"
expect_in track.out "do     create: create, estimate 1m"
expect_in track.out "    \$ touch created.txt"
run_cutover 0 mark "$dir" create done --by alice
expect_in out.txt "recorded: create done by alice"

waits_for track.out "answer with: cutover mark $T load done|failed|skipped --by NAME"
expect_in track.out "do     load: load (owner dba), estimate 2m"
expect_in track.out "    \$ touch loaded.txt; load --password *** --into db"
run_cutover 2 approve "$dir" load --by lead
expect_in err.txt "load is not a gate with approvals: use cutover mark"
run_cutover 0 mark "$dir" load done --by bob --note "loaded by hand"

waits_for track.out "answer with: cutover mark $T confirm done|failed|skipped --by NAME"
expect_in track.out "    Check the dashboard."
run_cutover 0 mark "$dir" confirm done --by carol

waits_for track.out "answer with: cutover approve $T go-no-go --by "
run_cutover 2 mark "$dir" go-no-go done --by lead
expect_in err.txt "go-no-go is a gate: approve or reject it"
run_cutover 0 approve "$dir" go-no-go --by lead

# A gate without approvals: its checks are instructions, and it is marked like a manual task.
waits_for track.out "answer with: cutover mark $T checked done|failed|skipped --by NAME"
expect_in track.out "    check 'ping': \$ touch check.ran"
run_cutover 0 mark "$dir" checked done --by dave

status=0
wait "$tracker" || status=$?
[[ $status == 0 ]] || fail "track exited $status: $(cat track.out)"
expect_in track.out "run succeeded: 5 of 5 tasks done"
for file in created.txt loaded.txt check.ran; do
  [[ ! -e $file ]] || fail "track executed a command: $file exists"
done
if grep -rqF -- "$SECRET" track.out "$dir"; then fail "the secret's value was written or shown"; fi

python3 - "$dir/journal.jsonl" "$dir/timing.csv" <<'PY' || fail "the journal or timing.csv of the tracked run"
import csv, json, os, pwd, socket, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
header, events = lines[0], lines[1:]
user, host = pwd.getpwuid(os.getuid()).pw_name, socket.gethostname()
assert header["label"] == "hand-1", header
def find(**fields):
    return [e for e in events if all(e.get(k) == v for k, v in fields.items())]
[started] = find(event="run_started")
assert started["track"] is True, started
assert not find(event="process_started"), "a process was started"
tasks = ["create", "load", "confirm", "go-no-go", "checked"]
assert [e["task"] for e in find(event="task_started")] == tasks, find(event="task_started")
assert find(event="task_started", task="load")[0]["command"] == \
    "touch loaded.txt; load --password *** --into db"
finished = {e["task"]: e for e in find(event="task_finished")}
assert sorted(finished) == sorted(tasks), finished
assert all(e["status"] == "succeeded" for e in finished.values()), finished
marked_by = {"create": "alice", "load": "bob", "confirm": "carol", "checked": "dave"}
for task, by in marked_by.items():
    e = finished[task]
    assert (e["by"], e["user"], e["host"]) == (by, user, host) and e["decision"], e
assert finished["load"]["note"] == "loaded by hand", finished["load"]
[approved] = find(event="gate_approved", task="go-no-go")
assert (approved["approver"], approved["by"], approved["user"]) == ("lead", "lead", user), approved
assert find(event="run_finished")[-1]["outcome"] == "succeeded"

rows = list(csv.DictReader(open(sys.argv[2])))
assert [r["task"] for r in rows] == tasks, rows
assert all(r["status"] == "succeeded" and r["attempts"] == "1" and r["start"] and r["end"]
           for r in rows), rows
assert [r["kind"] for r in rows] == ["run", "run", "manual", "gate", "gate"], rows
assert rows[0]["estimate_s"] == "60.000" and rows[1]["owner"] == "dba", rows
PY
run_cutover 0 verify "$dir"
expect_in out.txt "intact"
run_cutover 2 mark "$dir" create done --by alice
expect_in err.txt "the run already finished (succeeded)"

# ----- a task marked failed: the rollback command becomes a manual step -------------------------
# Nothing runs, so the secrets need not be set: this run goes without DB_PASSWORD.
env -u DB_PASSWORD "$CUTOVER" track --non-interactive --run-dir failing tr.yaml >failing.out 2>&1 </dev/null &
failing=$!
PIDS+=("$failing")
F=$PWD/failing
waits_for failing.out "answer with: cutover mark $F create done|failed|skipped --by NAME"
run_cutover 0 mark failing create done --by alice
waits_for failing.out "answer with: cutover mark $F load done|failed|skipped --by NAME"
run_cutover 0 mark failing load failed --by bob --note "the load broke"
waits_for failing.out "answer with: cutover mark $F create done|failed --by NAME"
expect_in failing.out "FAILED load"
expect_in failing.out "manual rollback create:"
expect_in failing.out "    \$ rm keep.txt"

run_cutover 0 mark failing create done --by alice --note "removed by hand"
expect_in out.txt "recorded: create done by alice"
status=0
wait "$failing" || status=$?
[[ $status == 1 ]] || fail "a tracked run rolled back cleanly exited $status: $(cat failing.out)"
python3 - failing/journal.jsonl <<'PY' || fail "the journal of the tracked rollback"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])][1:]
[load] = [e for e in events if e["event"] == "task_finished" and e["task"] == "load"]
assert (load["status"], load["by"], load["note"]) == ("failed", "bob", "the load broke"), load
steps = [e for e in events if e["event"] == "rollback_step_finished"]
assert len(steps) == 1 and steps[0]["task"] == "create" and steps[0]["status"] == "succeeded", steps
assert steps[0]["by"] == "alice" and steps[0]["note"] == "removed by hand", steps
assert not [e for e in events if e["event"] == "process_started"], "a process was started"
assert events[-1]["event"] == "run_finished" and events[-1]["outcome"] == "rolled_back", events[-1]
PY
[[ -e keep.txt ]] || fail "track executed the rollback command"
run_cutover 0 verify failing

# ----- --help and usage ---------------------------------------------------------------------------
run_cutover 0 track --help
expect_in out.txt "Usage: cutover track"
expect_in out.txt "--non-interactive"
expect_in out.txt "--label"
expect_in out.txt "--run-dir"
expect_in out.txt "Nothing is executed."
run_cutover 2 track
run_cutover 2 track missing.yaml
expect_in err.txt "missing.yaml"
