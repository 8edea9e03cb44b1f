#!/usr/bin/env bash
# Crash loop: kill -9 the executor at random moments, resume, kill again, until a resume
# finishes; then check what the guarantees promise. Not part of the default test run.
#
#   tests/stress/crash_loop.sh [CUTOVER] [ITERATIONS=200]
#
# Each iteration, in a fresh temporary folder: a runbook of 8 tasks (two chains after a first
# task, idempotent and not, a manual task and a gate with approvals, a last task after both
# chains). Every command appends "start ID ATTEMPT" when it begins and "done ID ATTEMPT" when
# its side effect is complete to `effects` (and prints a line just before the latter, so a task
# whose executor died is killed by SIGPIPE before its side effect: the crash cut it off). A
# background operator does what people do: it marks the manual task done (doing it first, if
# `effects` says it is not done yet), approves the gate, and answers every task in doubt once
# none of its processes runs: `done` when its side effect is in `effects`, else `retry`.
#
# `cutover run --non-interactive` is killed with SIGKILL after 0-1.5 s; then, until a resume
# finishes: wait for the orphaned task processes to end, `cutover resume --non-interactive`,
# and with probability 1/2 kill it too after 0-1.5 s. Then the invariants:
#   - the run succeeded (the last resume exited 0; run_finished says succeeded);
#   - `cutover verify` finds the journal intact;
#   - the side effect of every task happened at least once, of every non-idempotent command
#     task exactly once;
#   - no task started before its dependencies' side effects were complete (the order in
#     `effects`), nor before their task_finished succeeded (the order in the journal);
#   - timing.csv has one row per task.
# A summary line per iteration and a final tally; exit 1 if any invariant failed, keeping the
# failing iteration's folder (its path is printed). CRASH_LOOP_KEEP=1 keeps every folder.
set -uo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
CUTOVER=${1:-$SOURCE_DIR/build/cutover}
ITERATIONS=${2:-200}
[[ -x $CUTOVER ]] || { echo "usage: $0 [CUTOVER] [ITERATIONS=200]; $CUTOVER is not executable" >&2; exit 2; }
CUTOVER=$(cd "$(dirname "$CUTOVER")" && pwd)/$(basename "$CUTOVER")
export NO_COLOR=1

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/cutover-crash-loop.XXXXXX")
KEEP=()       # folders of failing iterations, kept for inspection
EXECUTOR=     # the cutover run/resume in the background
OPERATOR=     # the operator in the background
ITERATION_DIR=

stop_background() {
  if [[ -n $OPERATOR ]]; then
    touch "$ITERATION_DIR/operator.stop" 2>/dev/null || true
    kill "$OPERATOR" 2>/dev/null || true
    wait "$OPERATOR" 2>/dev/null || true
    OPERATOR=
  fi
  if [[ -n $EXECUTOR ]]; then
    kill -KILL "$EXECUTOR" 2>/dev/null || true
    wait "$EXECUTOR" 2>/dev/null || true
    EXECUTOR=
  fi
  # Task processes of this iteration's run, found by their environment.
  if [[ -n $ITERATION_DIR ]]; then
    local pid
    for pid in $(task_processes "$ITERATION_DIR/run"); do kill -KILL "$pid" 2>/dev/null || true; done
  fi
}

cleanup() {
  stop_background || true
  if [[ -n ${CRASH_LOOP_KEEP:-} ]]; then
    echo "kept: $ROOT"
  elif ((${#KEEP[@]} == 0)); then
    rm -rf "$ROOT"
  else
    local dir
    for dir in "$ROOT"/*/; do
      [[ " ${KEEP[*]} " == *" ${dir%/} "* ]] || rm -rf "$dir"
    done
  fi
}
trap 'cleanup || true' EXIT
trap 'exit 130' INT TERM

# task_processes RUN_DIR: pids of live (not zombie) processes whose environment names the run.
task_processes() {
  python3 - "$1" <<'PY'
import os, sys
want = b"CUTOVER_RUN_DIR=" + os.path.abspath(sys.argv[1]).encode()
for name in os.listdir("/proc"):
    if not name.isdigit():
        continue
    try:
        if want not in open(f"/proc/{name}/environ", "rb").read().split(b"\0"):
            continue
        stat = open(f"/proc/{name}/stat").read()
    except OSError:
        continue
    if stat[stat.rfind(")") + 2] not in "ZX":
        print(name)
PY
}

# The operator: one Python process per iteration, polling the journal every 50 ms.
cat >"$ROOT/operator.py" <<'PY'
import json, os, subprocess, sys, time

cutover, run_dir, effects, log_path, stop = sys.argv[1:6]
run_dir = os.path.abspath(run_dir)
journal = os.path.join(run_dir, "journal.jsonl")
log = open(log_path, "a", buffering=1)

def events():
    try:
        lines = open(journal).read().split("\n")
    except OSError:
        return []
    out = []
    for line in lines[1:]:
        try:
            out.append(json.loads(line))
        except ValueError:
            pass  # a torn or unfinished last line
    return out

def effect_lines():
    try:
        return [l.split() for l in open(effects).read().splitlines()]
    except OSError:
        return []

def task_alive(task):
    want = {b"CUTOVER_RUN_DIR=" + run_dir.encode(), b"CUTOVER_TASK_ID=" + task.encode()}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            env = set(open(f"/proc/{name}/environ", "rb").read().split(b"\0"))
            stat = open(f"/proc/{name}/stat").read()
        except OSError:
            continue
        if want <= env and stat[stat.rfind(")") + 2] not in "ZX":
            return True
    return False

def pending_decisions():
    tasks = set()
    try:
        names = os.listdir(os.path.join(run_dir, "inbox"))
    except OSError:
        return tasks
    for name in names:
        if name.endswith(".json") and not name.startswith("."):
            try:
                tasks.add(json.load(open(os.path.join(run_dir, "inbox", name)))["task"])
            except (OSError, ValueError, KeyError):
                pass
    return tasks

def say(*args):
    started = time.time()
    try:
        done = subprocess.run([cutover, *args], capture_output=True, text=True, timeout=60)
        code, out = done.returncode, (done.stdout + done.stderr).strip().replace("\n", " | ")
    except subprocess.TimeoutExpired:
        code, out = "timeout", ""
    shown = " ".join("RUN" if a == run_dir else a for a in args)
    log.write(f"{time.strftime('%H:%M:%S')} cutover {shown} "
              f"-> {code} in {time.time() - started:.1f}s: {out}\n")
    if code not in (0, 2):
        log.write(f"ANOMALY: exit {code}\n")

while not os.path.exists(stop):
    state = {}       # task -> manual | approvals | doubt | other
    approved = {}    # gate -> names approved since it last started
    approvers = {}
    for e in events():
        task, kind = e.get("task"), e.get("event")
        if kind == "task_started":
            state[task] = "manual" if e.get("kind") == "manual" else "other"
            approved[task] = set()
        elif kind == "gate_waiting":
            state[task] = "approvals"
            approvers[task] = e["approvers"]
        elif kind == "gate_approved":
            approved.setdefault(task, set()).add(e["approver"])
        elif kind == "task_in_doubt" and not e.get("rollback"):
            state[task] = "doubt" if e["action"] == "wait" else "other"
        elif kind in ("task_finished", "task_reset"):
            state[task] = "other"
        elif kind == "run_finished":
            state = {}
    pending = pending_decisions()
    for task, what in sorted(state.items()):
        if task in pending:
            continue  # decided already; the executor has not taken it in yet
        done = any(l[:2] == ["done", task] for l in effect_lines())
        if what == "manual":
            if not done:  # a person does the manual task once, checking first
                with open(effects, "a") as f:
                    f.write(f"start {task} 1\ndone {task} 1\n")
            say("mark", run_dir, task, "done", "--by", "operator")
        elif what == "approvals":
            for name in approvers[task]:
                if name not in approved.get(task, set()):
                    say("approve", run_dir, task, "--by", name)
        elif what == "doubt" and not task_alive(task):
            say("mark", run_dir, task, "done" if done else "retry", "--by", "operator")
    time.sleep(0.05)
PY

# The runbook: dependencies, for the order check.
DEPS='prep: ; a1: prep; a2: a1; b1: prep; b2: b1; m: b1; g: a2 m; fin: g b2'
IDEMPOTENT='prep a2'
ONCE='a1 b1 b2 fin'   # non-idempotent commands: side effect exactly once
write_runbook() {
  local work='echo "start $CUTOVER_TASK_ID $CUTOVER_ATTEMPT" >> effects && sleep'
  local done='&& echo "working" && echo "done $CUTOVER_TASK_ID $CUTOVER_ATTEMPT" >> effects'
  cat >rb.yaml <<EOF
version: 1
id: crash-loop
tasks:
  - id: prep
    estimate: 1s
    idempotent: true
    run: $work 0.3 $done
  - id: a1
    estimate: 1s
    depends_on: prep
    run: $work 0.5 $done
  - id: a2
    estimate: 1s
    depends_on: a1
    idempotent: true
    run: $work 0.3 $done
  - id: b1
    estimate: 1s
    depends_on: prep
    run: $work 0.6 $done
  - id: b2
    estimate: 1s
    depends_on: b1
    run: $work 0.2 $done
  - id: m
    estimate: 1s
    owner: ops
    depends_on: b1
    manual: Check the b1 output by hand.
  - id: g
    estimate: 1s
    depends_on: [a2, m]
    gate:
      checks:
        - name: ready
          run: echo "start g \$CUTOVER_ATTEMPT" >> effects && echo "done g \$CUTOVER_ATTEMPT" >> effects
      approvals: [lead, owner]
  - id: fin
    estimate: 1s
    depends_on: [g, b2]
    run: $work 0.2 $done
EOF
}

# random_delay: 0 to 1.5 s, in milliseconds.
random_delay() {
  local ms=$((RANDOM % 1501))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# finished: the journal says the run finished (any outcome).
finished() { grep -qs '"event":"run_finished"' run/journal.jsonl; }

# wait_executor SECONDS: waits for the background executor to exit; its status in $STATUS
# (a sentence if it did not exit in time: then it is killed).
wait_executor() {
  local deadline=$((SECONDS + $1))
  while kill -0 "$EXECUTOR" 2>/dev/null; do
    local stat
    stat=$(cut -d' ' -f3 "/proc/$EXECUTOR/stat" 2>/dev/null) || break
    [[ $stat == Z ]] && break
    if ((SECONDS >= deadline)); then
      kill -KILL "$EXECUTOR" 2>/dev/null || true
      wait "$EXECUTOR" 2>/dev/null || true
      EXECUTOR=
      STATUS="nothing: it did not exit within $1 s (killed)"
      return
    fi
    sleep 0.05
  done
  STATUS=0
  wait "$EXECUTOR" || STATUS=$?
  EXECUTOR=
}

# start_executor NAME ARGS...: cutover in the background, output appended to NAME.out.
start_executor() {
  local name=$1
  shift
  echo "=== $(date +%T.%N) cutover $*" >>"$name.out"
  "$CUTOVER" "$@" </dev/null >>"$name.out" 2>&1 &
  EXECUTOR=$!
}

# maybe_crash: sleeps 0-1.5 s, then kills the executor with SIGKILL if it still runs.
# Sets CRASHED=1 when it did.
maybe_crash() {
  CRASHED=0
  sleep "$(random_delay)"
  if kill -0 "$EXECUTOR" 2>/dev/null && [[ $(cut -d' ' -f3 "/proc/$EXECUTOR/stat" 2>/dev/null) != Z ]]; then
    kill -KILL "$EXECUTOR" 2>/dev/null || true
    CRASHED=1
  fi
  wait "$EXECUTOR" 2>/dev/null
  STATUS=$?
  EXECUTOR=
}

# check_invariants: appends every violation to violations.txt.
check_invariants() {
  local violation=violations.txt
  [[ -s run/journal.jsonl ]] || { echo "no journal" >>$violation; return; }
  if ! "$CUTOVER" verify run >verify.txt 2>&1 || ! grep -q intact verify.txt; then
    echo "verify: $(tr '\n' ' ' <verify.txt)" >>$violation
  fi
  python3 - run/journal.jsonl effects run/timing.csv "$DEPS" "$IDEMPOTENT" "$ONCE" \
    >>$violation 2>&1 <<'PY'
import csv, json, sys
journal, effects, timing, deps_text, idempotent, once = sys.argv[1:7]
deps = {}
for item in deps_text.split(";"):
    task, _, before = item.partition(":")
    deps[task.strip()] = before.split()
events = []
for line in open(journal).read().split("\n")[1:]:
    try:
        events.append(json.loads(line))
    except ValueError:
        pass
finished = [e for e in events if e["event"] == "run_finished"]
if not finished or finished[-1]["outcome"] != "succeeded":
    print(f"the run did not succeed: {finished[-1] if finished else 'no run_finished'}")
try:
    lines = [l.split() for l in open(effects).read().splitlines()]
except OSError:
    lines = []
def where(kind, task):
    return [i for i, l in enumerate(lines) if l[:2] == [kind, task]]
for task in deps:
    if not where("done", task):
        print(f"{task}: no side effect")
for task in once.split():
    if len(where("done", task)) != 1:
        print(f"{task} (not idempotent): side effect {len(where('done', task))} times")
for task, before in deps.items():
    for dep in before:
        starts, dones = where("start", task), where("done", dep)
        if starts and (not dones or starts[0] < dones[0]):
            print(f"{task} started (effects line {starts[0] + 1}) before {dep}'s side effect")
# The journal: every task_started after a successful task_finished of each dependency.
succeeded = {}
for e in events:
    if e["event"] == "task_finished" and e.get("status") in ("succeeded", "skipped"):
        succeeded.setdefault(e["task"], e["seq"])
    if e["event"] == "task_started":
        for dep in deps[e["task"]]:
            if dep not in succeeded or succeeded[dep] > e["seq"]:
                print(f"{e['task']} started (journal seq {e['seq']}) before {dep} succeeded")
try:
    rows = list(csv.DictReader(open(timing)))
    if sorted(r["task"] for r in rows) != sorted(deps):
        print(f"timing.csv rows: {[r['task'] for r in rows]}")
except OSError:
    print("no timing.csv")
PY
  if grep -q ANOMALY operator.log 2>/dev/null; then
    echo "operator: a cutover command exited with neither 0 nor 2: $(grep -B1 ANOMALY operator.log | head -4 | tr '\n' ' ')" >>$violation
  fi
  local left
  left=$(task_processes run | tr '\n' ' ')
  [[ -z $left ]] || echo "task processes left after the run: $left" >>$violation
}

TOTAL_CRASHES=0
TOTAL_RESUMES=0
TOTAL_RETRIES=0
TOTAL_VIOLATIONS=0
FAILED_ITERATIONS=0
BEGAN=$SECONDS
MAX_RESUMES=40
for ((iteration = 1; iteration <= ITERATIONS; iteration++)); do
  ITERATION_DIR=$ROOT/$iteration
  mkdir -p "$ITERATION_DIR" && cd "$ITERATION_DIR" || exit 2
  write_runbook
  : >effects
  : >violations.txt
  python3 "$ROOT/operator.py" "$CUTOVER" run effects operator.log operator.stop &
  OPERATOR=$!
  crashes=0
  resumes=0
  restarts=0
  start_executor run run --non-interactive --run-dir run rb.yaml
  maybe_crash
  crashes=$((crashes + CRASHED))
  if ((!CRASHED)) && [[ $STATUS != 0 ]]; then
    echo "cutover run exited $STATUS" >>violations.txt
  fi
  deadline=$((SECONDS + 300))
  while ! finished && [[ ! -s violations.txt ]]; do
    if ((resumes >= MAX_RESUMES || SECONDS >= deadline)); then
      echo "no resume finished the run after $resumes resumes" >>violations.txt
      break
    fi
    # The run may have died before its journal existed: then there is no run to resume.
    if ! head -1 run/journal.jsonl 2>/dev/null | grep -q '"format":"cutover-journal"' ||
      ! grep -qs '"event":"run_started"' run/journal.jsonl; then
      echo "=== $(date +%T.%N) no journal with run_started: $(ls -A run 2>&1 | tr '\n' ' ')" >>run.out
      restarts=$((restarts + 1))
      rm -rf run
      start_executor run run --non-interactive --run-dir run rb.yaml
      maybe_crash
      crashes=$((crashes + CRASHED))
      continue
    fi
    # Orphaned task processes of the dead executor end on their own (or die of SIGPIPE).
    orphan_deadline=$((SECONDS + 30))
    while [[ -n $(task_processes run) ]]; do
      if ((SECONDS >= orphan_deadline)); then
        echo "orphaned task processes still run after 30 s: $(task_processes run | tr '\n' ' ')" >>violations.txt
        break
      fi
      sleep 0.05
    done
    [[ -s violations.txt ]] && break
    resumes=$((resumes + 1))
    start_executor resume resume --non-interactive run
    if ((RANDOM % 2)); then
      maybe_crash
      crashes=$((crashes + CRASHED))
      if ((!CRASHED)) && [[ $STATUS != 0 ]]; then
        echo "cutover resume exited $STATUS" >>violations.txt
      fi
    else
      wait_executor 60
      if [[ $STATUS != 0 ]]; then
        echo "cutover resume exited $STATUS" >>violations.txt
      fi
    fi
  done
  touch operator.stop
  wait "$OPERATOR" 2>/dev/null
  OPERATOR=
  [[ -s violations.txt ]] || check_invariants
  retries=$(grep -c 'mark .* retry .*-> 0' operator.log 2>/dev/null)
  violations=$(wc -l <violations.txt)
  TOTAL_CRASHES=$((TOTAL_CRASHES + crashes))
  TOTAL_RESUMES=$((TOTAL_RESUMES + resumes))
  TOTAL_RETRIES=$((TOTAL_RETRIES + ${retries:-0}))
  TOTAL_VIOLATIONS=$((TOTAL_VIOLATIONS + violations))
  line="iteration $iteration: crashes $crashes, resumes $resumes, restarts $restarts, in-doubt retries ${retries:-0}"
  if ((violations > 0)); then
    FAILED_ITERATIONS=$((FAILED_ITERATIONS + 1))
    KEEP+=("$ITERATION_DIR")
    echo "$line: $violations VIOLATIONS (kept in $ITERATION_DIR)"
    sed 's/^/    /' violations.txt
  else
    echo "$line: ok"
  fi
  stop_background
  cd "$ROOT" || exit 2
  ((violations > 0)) || [[ -n ${CRASH_LOOP_KEEP:-} ]] || rm -rf "$ITERATION_DIR"
  ITERATION_DIR=
done

echo "crash loop: $ITERATIONS iterations, $TOTAL_CRASHES crashes injected, $TOTAL_RESUMES resumes," \
  "$TOTAL_RETRIES in-doubt retries, $TOTAL_VIOLATIONS violations in $FAILED_ITERATIONS iterations," \
  "$((SECONDS - BEGAN)) s"
if ((FAILED_ITERATIONS > 0)); then
  echo "kept for inspection: ${KEEP[*]}"
  exit 1
fi
