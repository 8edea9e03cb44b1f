# cutover run and signals: the first SIGINT (Ctrl-C) starts no new task and lets the running
# ones finish; a second terminates them, process groups and all; either way the exit is 130,
# timing.csv is written and the journal verifies. SIGHUP (a lost terminal) does not stop the
# run. Nothing here sleeps for a fixed time: every wait polls with a deadline.
source "$(dirname "$0")/lib.sh"

MARK=marker-$$-$RANDOM
# The sleeps of case (b) carry no marker but a unique length: sleep 300.<pid><n>.
SLEEPS="^sleep 300\\.$$[123]\$"
PID=

# Whatever happens, no cutover and no task process of this test outlives it.
cleanup() {
  if [[ -n $PID ]]; then kill -KILL "$PID" 2>/dev/null || true; fi
  pkill -KILL -f -- "$SLEEPS|$MARK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# poll DESCRIPTION COMMAND...: runs COMMAND until it succeeds; fails after 20 s.
poll() {
  local what=$1
  shift
  local deadline=$((SECONDS + 20))
  until "$@"; do
    if ((SECONDS >= deadline)) || { [[ -n $PID ]] && ! alive "$PID"; }; then
      # cutover gone (or time up): one last look, since it may have got there just before
      # exiting, between the look above and this one.
      "$@" && break
      echo "--- stdout" >&2; cat out.txt >&2 2>/dev/null || true
      echo "--- stderr" >&2; cat err.txt >&2 2>/dev/null || true
      fail "cutover exited or 20 s passed before: $what"
    fi
    sleep 0.05
  done
}

# start ARGS...: cutover in the background, as a shell would start it in the foreground: SIGINT
# at its default disposition (a non-interactive bash ignores it in background jobs), no
# terminal (stdin from /dev/null, stdout and stderr in files).
if env --default-signal=INT true 2>/dev/null; then
  DEFAULT_SIGINT=(env --default-signal=INT,QUIT)
else  # coreutils before 9.0
  DEFAULT_SIGINT=(/usr/bin/python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGQUIT): signal.signal(s, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])')
fi
start() {
  "${DEFAULT_SIGINT[@]}" "$CUTOVER" "$@" </dev/null >out.txt 2>err.txt &
  PID=$!
}

# finish EXPECTED_EXIT: waits (20 s at most) for cutover to exit with EXPECTED_EXIT.
finish() {
  poll "cutover (pid $PID) to exit" eval '! alive "$PID"'
  local status=0
  wait "$PID" || status=$?
  PID=
  if [[ $status != "$1" ]]; then
    echo "--- stdout" >&2; cat out.txt >&2
    echo "--- stderr" >&2; cat err.txt >&2
    fail "cutover exited $status, expected $1"
  fi
}

# in_journal DIR KEY=VALUE...: the journal of run DIR has an event with all these fields.
in_journal() {
  local dir=$1
  shift
  /usr/bin/python3 - "$dir/journal.jsonl" "$@" <<'PY'
import json, sys
path, wanted = sys.argv[1], sys.argv[2:]
events = [json.loads(line) for line in open(path) if line.strip()][1:]
want = {}
for item in wanted:
    key, value = item.split("=", 1)
    want[key] = value
for event in events:
    if all(str(event.get(key)) == value for key, value in want.items()):
        sys.exit(0)
print(f"{path}: no event with {want}", file=sys.stderr)
sys.exit(1)
PY
}

# latest_run: the run directory of the only run under .cutover/runs/sig/
latest_run() {
  local dirs=(.cutover/runs/sig/*/)
  [[ ${#dirs[@]} == 1 && -d ${dirs[0]} ]] || fail "expected one run directory, found: ${dirs[*]}"
  echo "${dirs[0]%/}"
}

# verified DIR: timing.csv is there and `cutover verify` finds the hash chain intact.
verified() {
  local dir=$1
  [[ -s $dir/timing.csv ]] || fail "$dir/timing.csv is missing"
  "$CUTOVER" verify "$dir" >verify.txt 2>&1 || { cat verify.txt >&2; fail "cutover verify $dir"; }
  expect_in verify.txt "intact"
}

# wait_for FILE: shell code that waits, at most 20 s, for the test to create FILE.
wait_for() {
  echo "i=0; while [ ! -e $1 ] && [ \$i -lt 400 ]; do sleep 0.05; i=\$((i+1)); done"
}

# --- (a) one SIGINT: the running task finishes, its dependent never starts -------------------
mkdir a && cd a
runbook rb.yaml <<EOF
version: 1
id: sig
tasks:
  - id: first
    estimate: 2s
    run: |
      touch first.started; $(wait_for release); echo $MARK; touch first.done
  - id: second
    estimate: 1s
    depends_on: first
    run: touch second.started
EOF
start run rb.yaml --auto
poll "task first to start" test -e first.started
kill -INT "$PID"
# Only once cutover has taken the interrupt in does the running task finish.
poll "the interrupt in the journal" grep -qs '"action":"drain"' .cutover/runs/sig/*/journal.jsonl
touch release
finish 130
run=$(latest_run)
[[ -e first.done ]] || fail "(a) the running task did not finish after one SIGINT"
[[ ! -e second.started ]] || fail "(a) a new task started after SIGINT"
in_journal "$run" event=signal_received signal=SIGINT action=drain
in_journal "$run" event=task_finished task=first status=succeeded
in_journal "$run" event=run_finished outcome=interrupted exit_code=130
if in_journal "$run" event=task_started task=second 2>/dev/null; then
  fail "(a) the journal says task second started"
fi
verified "$run"
expect_in "$run/timing.csv" "first,"
expect_in "$run/timing.csv" "second,"
expect_in "$run/logs/first.log" "$MARK"
expect_in out.txt "run interrupted"
expect_not_in out.txt $'\x1b'
cd ..

# --- (b) two SIGINTs: the running task's whole process group is terminated ---------------------
mkdir b && cd b
# Two grandchildren, one with the task's pipes and one without, and a child in the
# foreground: each has the marker in its command line (a unique sleep length).
runbook rb.yaml <<EOF
version: 1
id: sig
tasks:
  - id: long
    estimate: 5m
    run: |
      sh -c 'sleep 300.$$1 & sleep 300.$$2 >/dev/null 2>&1 & touch long.started; sleep 300.$$3; : $MARK'
  - id: after
    estimate: 1s
    depends_on: long
    run: touch after.started
EOF
start run rb.yaml --auto -j 2
poll "task long to start" test -e long.started
poll "the three sleeps to run" eval '[[ $(pgrep -f -- "$SLEEPS" | wc -l) == 3 ]]'
kill -INT "$PID"
poll "the first interrupt in the journal" grep -qs '"action":"drain"' .cutover/runs/sig/*/journal.jsonl
began=$SECONDS
kill -INT "$PID"
finish 130
((SECONDS - began <= 15)) || fail "(b) cutover took $((SECONDS - began)) s to exit after the second SIGINT"
run=$(latest_run)
# Nothing of the task survives: give the kernel a moment to finish the killed, then insist.
deadline=$((SECONDS + 5))
while pgrep -f -- "$SLEEPS|$MARK" >/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
if pgrep -af -- "$SLEEPS|$MARK" >survivors.txt; then
  cat survivors.txt >&2
  fail "(b) task processes survived the second SIGINT"
fi
[[ ! -e after.started ]] || fail "(b) a new task started after SIGINT"
in_journal "$run" event=signal_received signal=SIGINT action=drain
in_journal "$run" event=signal_received signal=SIGINT action=terminate
in_journal "$run" event=task_finished task=long status=interrupted
in_journal "$run" event=run_finished outcome=interrupted exit_code=130
verified "$run"
expect_in "$run/timing.csv" "long,"
expect_in "$run/timing.csv" "interrupted"
cd ..

# --- (c) SIGHUP: the run carries on to the end ---------------------------------------------------
mkdir c && cd c
runbook rb.yaml <<EOF
version: 1
id: sig
tasks:
  - id: one
    estimate: 2s
    run: |
      touch one.started; $(wait_for release); echo "one $MARK"; touch one.done
  - id: two
    estimate: 1s
    depends_on: one
    run: |
      echo "two $MARK"; touch two.done
  - id: three
    estimate: 1s
    depends_on: two
    run: touch three.done
EOF
start run rb.yaml --auto
poll "task one to start" test -e one.started
kill -HUP "$PID"
poll "the SIGHUP in the journal" grep -qs '"signal":"SIGHUP"' .cutover/runs/sig/*/journal.jsonl
touch release
finish 0
run=$(latest_run)
for task in one two three; do
  [[ -e $task.done ]] || fail "(c) task $task did not run after SIGHUP"
  in_journal "$run" event=task_finished task=$task status=succeeded
done
in_journal "$run" event=signal_received signal=SIGHUP action=continue
in_journal "$run" event=run_finished outcome=succeeded exit_code=0
verified "$run"
expect_in "$run/logs/one.log" "one $MARK"
expect_in "$run/logs/two.log" "two $MARK"
cd ..
