# Failure policies, retries, rollback in reverse dependency order, the point of no return.
source "$(dirname "$0")/lib.sh"

# The newest run of a runbook (by time: "...Z-2" sorts before "...Z" by name).
journal_of() { echo "$(ls -td .cutover/runs/"$1"/*/ | head -1)journal.jsonl"; }

# Retries: fails twice, then succeeds; each attempt is journaled.
runbook retry.yaml <<'EOF2'
version: 1
id: retry
tasks:
  - id: flaky
    retries: 2
    run: n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; [ "$n" -ge 2 ]
EOF2
run_cutover 0 run retry.yaml
[[ $(cat count) == 3 ]] || fail "flaky ran $(cat count) times"
expect_in out.txt "retry  flaky: attempt 1 of 3: exit code 1"
[[ $(grep -c '"event":"attempt_failed"' "$(journal_of retry)") == 2 ]] || fail "attempt_failed count"
grep -q '"event":"task_finished","task":"flaky","status":"succeeded","attempt":3' "$(journal_of retry)" ||
  fail "the third attempt succeeded"
grep -q '^flaky,.*,succeeded,3' "$(dirname "$(journal_of retry)")/timing.csv" || fail "timing attempts"

# stop: nothing new starts; exit 1.
runbook stop.yaml <<'EOF2'
version: 1
id: stop
tasks:
  - id: breaks
    on_failure: stop
    run: exit 3
  - id: after
    depends_on: breaks
    run: touch after.ran
EOF2
run_cutover 1 run stop.yaml
[[ ! -e after.ran ]] || fail "a task after a stop ran"
expect_in out.txt "FAILED breaks"
expect_in out.txt "exit code 3"
expect_in out.txt "run failed: 0 of 2 tasks done"

# continue: dependents run and the run succeeds, the failure listed.
runbook continue.yaml <<'EOF2'
version: 1
id: continue
tasks:
  - id: optional
    on_failure: continue
    run: exit 1
  - id: after
    depends_on: optional
    run: touch continued.ran
EOF2
run_cutover 0 run continue.yaml
[[ -e continued.ran ]] || fail "continue did not let the dependent run"
expect_in out.txt "failed: optional (exit code 1)"

# rollback: every succeeded task's step, a task only after its dependents, the failed one not.
runbook rollback.yaml <<'EOF2'
version: 1
id: rollback
tasks:
  - id: a
    run: "true"
    rollback: echo a >> undone.txt
  - id: b
    depends_on: a
    run: "true"
  - id: c
    depends_on: b
    run: "true"
    rollback: echo c >> undone.txt
  - id: d
    depends_on: c
    run: exit 1
    rollback: echo d >> undone.txt
EOF2
run_cutover 1 run rollback.yaml
[[ $(cat undone.txt) == $'c\na' ]] || fail "rollback order: $(cat undone.txt)"
expect_in out.txt "task d failed: running tasks finish, then rollback"
expect_in out.txt "run rolled back: 2 tasks undone (a, c) in "
expect_in out.txt "; 3 of 4 tasks had run; failed: d (exit code 1)"
grep -q '"outcome":"rolled_back","exit_code":1' "$(journal_of rollback)" || fail "outcome"

# The order holds through a task without a rollback step, with slots to spare: a's step waits
# for c's (slow) although b, between them, has nothing to undo.
rm -f undone.txt
sed 's/rollback: echo c >> undone.txt/rollback: sleep 0.5; echo c >> undone.txt/' rollback.yaml \
  >transitive.yaml
run_cutover 1 run -j 4 transitive.yaml
[[ $(cat undone.txt) == $'c\na' ]] || fail "transitive rollback order: $(cat undone.txt)"

# A rollback step that fails: exit 4, a person must take over.
sed -i 's/rollback: echo a >> undone.txt/rollback: exit 7/' rollback.yaml
rm undone.txt
run_cutover 4 run rollback.yaml
expect_in out.txt "ROLLBACK FAILED  a: exit code 7"
grep -q '"outcome":"rollback_failed","exit_code":4' "$(journal_of rollback)" || fail "outcome"
# What to type next names the step and a command that works: rollback, not resume.
failed_run=$(dirname "$(journal_of rollback)")
expect_in out.txt "next:    the rollback step of a failed: once a person has dealt with it, 'cutover rollback $failed_run' runs it again"
run_cutover 0 status "$failed_run"
expect_in out.txt "the rollback step of a failed: once a person has dealt with it, 'cutover rollback $failed_run' runs it again"
run_cutover 2 resume "$failed_run"
expect_in err.txt "'cutover rollback $PWD/$failed_run' runs it again"
# A decision queued now is applied by that rollback, not by resume, which refuses the run.
run_cutover 0 mark "$failed_run" a done --by al --note "undone by hand"
expect_in out.txt "no executor runs: \`cutover rollback $PWD/$failed_run\` applies it"
run_cutover 0 status "$failed_run"
expect_in out.txt "queued decisions (the next \`cutover rollback $failed_run\` applies them)"

# After a point of no return has started, rollback means stop: fix forward.
runbook ponr.yaml <<'EOF2'
version: 1
id: ponr
tasks:
  - id: prepare
    run: "true"
    rollback: touch prepare.undone
  - id: switch
    depends_on: prepare
    point_of_no_return: true
    run: "true"
    rollback: touch switch.undone
  - id: verify
    depends_on: switch
    run: exit 2
EOF2
run_cutover 1 run ponr.yaml
[[ ! -e prepare.undone && ! -e switch.undone ]] || fail "rolled back past a point of no return"
expect_in out.txt "task verify failed: a point of no return has started, so there is no rollback: fix forward."
ponr_run=$(dirname "$(journal_of ponr)")
expect_in out.txt "next:    switch (a point of no return) has started: fix forward, then 'cutover resume $ponr_run' continues the run; 'cutover rollback --force $ponr_run' rolls back past it"
run_cutover 0 status "$ponr_run"
expect_in out.txt "switch (a point of no return) has started: fix forward, then 'cutover resume $ponr_run'"
expect_not_in out.txt "rolls it back"
grep -q '"event":"run_stopping","reason":"task verify failed","rollback":false,"fix_forward":true' \
  "$(journal_of ponr)" || fail "run_stopping"

# A command that cannot start (no such workdir) fails clearly.
runbook nodir.yaml <<'EOF2'
version: 1
id: nodir
tasks:
  - id: somewhere
    workdir: does-not-exist
    run: "true"
EOF2
run_cutover 1 run nodir.yaml
expect_in out.txt "could not start"
expect_in out.txt "does-not-exist"
