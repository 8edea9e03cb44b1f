# cutover logs [RUN] TASK [-f]: a task's logged output, secrets redacted; -f follows it while
# the task runs and ends when it has ended; unknown tasks and tasks that have not run are
# usage errors.
source "$(dirname "$0")/lib.sh"

before_cleanup() { touch release 2>/dev/null; }

runbook rb.yaml <<'YAML'
version: 1
id: logs
secrets: [API_TOKEN]
tasks:
  - id: fetch
    estimate: 1m
    env: { TOKEN: "{{ API_TOKEN }}" }
    run: |
      echo "calling with $TOKEN"
      echo "first half done"
      while [ ! -e release ]; do sleep 0.05; done
      echo "second half done"
      echo "a warning" >&2
  - id: after
    estimate: 1s
    depends_on: fetch
    run: "true"
YAML

API_TOKEN=s3cr3t-value "$CUTOVER" run rb.yaml --label night --non-interactive </dev/null >run.out 2>&1 &
PIDS+=("$!")
run_pid=$!
fetch_logged() { grep -qsF "first half done" .cutover/runs/logs/*/logs/fetch.log; }
poll "fetch's first lines in its log" fetch_logged

# Without RUN: the run whose executor is alive.
run_cutover 0 logs fetch
expect_in out.txt " out calling with ***"
# The attempt's marker quotes the command on one line.
grep -qF -- '--- task attempt 1: /bin/sh -c echo "calling with $TOKEN"\necho "first half done"' out.txt ||
  fail "the attempt marker: $(cat out.txt)"
expect_in out.txt " out first half done"
expect_not_in out.txt "s3cr3t-value"
expect_not_in out.txt " out second half done"

# -f: what is there, then what comes, until fetch has ended.
"$CUTOVER" logs night fetch -f >follow.txt 2>follow.err &
follow=$!
PIDS+=("$follow")
poll "-f to print what is there" grep -qF "first half done" follow.txt
touch release
wait "$follow" || fail "logs -f exited $?: $(cat follow.err)"
expect_in follow.txt " out second half done"
expect_in follow.txt " err a warning"
wait "$run_pid" || fail "the run failed: $(cat run.out)"

# Bad input.
run_cutover 2 logs night fecth
expect_in err.txt "runbook logs has no task 'fecth'; did you mean 'fetch'?"
runbook other.yaml <<'YAML'
version: 1
id: other
tasks:
  - id: first
    estimate: 1s
    run: "false"
  - id: never
    estimate: 1s
    depends_on: first
    run: "true"
YAML
run_cutover 1 run other.yaml --label broken
# status shows the last lines of a failed task's log, and where the log is.
run_cutover 0 status broken
expect_in out.txt "log: .cutover/runs/other/"
expect_in out.txt "/logs/first.log (last lines)"
expect_in out.txt "--- task attempt 1: /bin/sh -c false"
run_cutover 2 logs broken never
expect_in err.txt "never has no log yet: it has not run (looked for .cutover/runs/other/"
run_cutover 2 logs nosuch first
expect_in err.txt "nosuch: neither a run directory nor the label of a run"
