# Shared by the end-to-end tests: each runs as `bash test.sh CUTOVER_BINARY SOURCE_DIR` in a
# fresh temporary directory that is removed afterwards.
set -euo pipefail

CUTOVER=$1
SRC=$2
WORK=$(mktemp -d)
# cutovers a test starts in the background: their pids go into PIDS, and they are killed at
# the end, after the test's own before_cleanup if it defines one (releasing what its tasks
# wait for, killing task process groups).
PIDS=()
cleanup() {
  if declare -F before_cleanup >/dev/null; then before_cleanup || true; fi
  local pid
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  cd / && rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
export NO_COLOR=1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run_cutover EXPECTED_EXIT ARGS...: runs the binary, keeping stdout in out.txt and stderr in
# err.txt, and fails unless it exits with EXPECTED_EXIT.
run_cutover() {
  local expected=$1
  shift
  local status=0
  timeout 60 "$CUTOVER" "$@" >out.txt 2>err.txt || status=$?
  if [[ $status != "$expected" ]]; then
    echo "--- stdout" >&2; cat out.txt >&2
    echo "--- stderr" >&2; cat err.txt >&2
    fail "cutover $* exited $status, expected $expected"
  fi
}

# expect_in FILE TEXT: FILE contains TEXT literally.
expect_in() {
  grep -qF -- "$2" "$1" || {
    cat "$1" >&2
    fail "$1 does not contain: $2"
  }
}

expect_not_in() {
  if grep -qF -- "$2" "$1"; then
    cat "$1" >&2
    fail "$1 contains: $2"
  fi
}

# expect_block FILE TEXT: FILE holds TEXT, several lines in a row (grep -F takes each line of a
# pattern as a pattern of its own).
expect_block() {
  python3 -c 'import sys; text = open(sys.argv[1]).read(); assert sys.argv[2] in text, text' "$1" "$2" ||
    fail "$1 does not hold: $2"
}

# journal_check JOURNAL <<'PY' ... PY: Python asserts over the journal's `events`, with
# find(**fields), expect(N, **fields), and USER and HOST (the OS user and host name).
journal_check() {
  python3 -c 'import json, os, socket, pwd, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()][1:]
USER, HOST = pwd.getpwuid(os.getuid()).pw_name, socket.gethostname()
def find(**fields):
    return [e for e in events if all(e.get(k) == v for k, v in fields.items())]
def expect(n, **fields):
    found = find(**fields)
    assert len(found) == n, f"{len(found)} events with {fields}, expected {n}: {found}"
    return found
'"$(cat)" "$1" || fail "$1: the journal check above failed"
}

# runbook NAME <<'EOF' ... EOF: writes a runbook file from stdin.
runbook() {
  cat >"$1"
}

json_check() {  # json_check FILE PYTHON-EXPRESSION-ON-d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert eval(sys.argv[2]), d' "$1" "$2" ||
    fail "$1: $2"
}

# alive PID: the process exists and is not a zombie.
alive() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# poll WHAT COMMAND...: runs COMMAND until it succeeds; after 30 s it fails, naming WHAT (and
# showing the background cutover's outputs where the script defines show_outputs).
poll() {
  local what=$1
  shift
  local deadline=$((SECONDS + 30))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      if declare -F show_outputs >/dev/null; then show_outputs; fi
      fail "30 s passed before: $what"
    fi
    sleep 0.05
  done
}
