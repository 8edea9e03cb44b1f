# Shared by resume.sh and rollback.sh: one cutover in the background at a time, killed
# with SIGKILL to simulate a crash, and questions put to its journal. Sourced after lib.sh.

PID=      # the cutover in the background, if any
PIDS=()   # every cutover this test started in the background
cleanup() {
  local pid dir
  for dir in "$WORK"/*/; do touch "$dir/release" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  # The orphans of killed executors: their process groups, as the journals recorded them.
  for pid in $(cat "$WORK"/*/run*/journal.jsonl 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("event") == "process_started": print(e["pid"])' 2>/dev/null); do
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  cd / && rm -rf "$WORK"
}
trap 'cleanup || true' EXIT

show_outputs() {
  local file
  for file in *.out *.err; do
    [[ -e $file ]] || continue
    echo "--- $file" >&2
    cat "$file" >&2
  done
}

# start NAME ARGS...: cutover in the background, stdout in NAME.out, stderr in NAME.err.
start() {
  local name=$1
  shift
  "$CUTOVER" "$@" </dev/null >"$name.out" 2>"$name.err" &
  PID=$!
  PIDS+=("$PID")
}

# finish EXPECTED_EXIT: waits (30 s at most) for the background cutover to exit with it.
finish() {
  poll "cutover (pid $PID) to exit" eval '! alive "$PID"'
  local status=0
  wait "$PID" || status=$?
  if [[ $status != "$1" ]]; then
    show_outputs
    fail "cutover (pid $PID) exited $status, expected $1"
  fi
  PID=
}

# crash: kill -9 the background cutover (not its children) and reap it.
crash() {
  kill -KILL "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
}

# events DIR KEY=VALUE...: how many events of the journal of run DIR have all these fields.
events() {
  local dir=$1
  shift
  python3 - "$dir/journal.jsonl" "$@" <<'PY'
import json, sys
path, wanted = sys.argv[1], sys.argv[2:]
count = 0
for line in list(open(path))[1:]:
    try:
        event = json.loads(line)
    except ValueError:
        continue  # a torn last line
    if all(str(event.get(k)) == v for k, v in (w.split("=", 1) for w in wanted)):
        count += 1
print(count)
PY
}

# in_journal DIR KEY=VALUE...: the journal has such an event (a condition, for poll).
in_journal() { [[ $(events "$@") -ge 1 ]]; }

# expect_events N DIR KEY=VALUE...: the journal has exactly N such events.
expect_events() {
  local n=$1 got
  shift
  got=$(events "$@")
  [[ $got == "$n" ]] || fail "$1/journal.jsonl: $got events with ${*:2}, expected $n"
}

# gone PID...: none of them runs any more.
gone() {
  local pid
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null && alive "$pid"; then return 1; fi
  done
}

# verified DIR: `cutover verify` finds the run's journal intact.
verified() {
  run_cutover 0 verify "$1"
  expect_in out.txt "intact"
}
