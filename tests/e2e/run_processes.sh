# Processes: timeouts kill the whole group, background holders of the pipes do not hang the
# run, stdin is /dev/null, no file descriptor leaks into a task.
source "$(dirname "$0")/lib.sh"

marker="cutover-e2e-marker-$$-$RANDOM"
survivors() { pgrep -f "$marker" || true; }

runbook timeout.yaml <<EOF2
version: 1
id: timeout
tasks:
  - id: slow
    timeout: 1s
    on_failure: stop
    run: |
      sh -c 'sleep 300; : $marker-child' & sleep 300; echo "never $marker"
EOF2
run_cutover 1 run timeout.yaml
expect_in out.txt "FAILED slow"
expect_in out.txt "timed out after 1s (killed by SIGTERM)"
grep -q '"status":"failed".*"signal":"SIGTERM","timed_out":true' .cutover/runs/timeout/*/journal.jsonl ||
  fail "the journal records the timeout"
[[ -z $(survivors) ]] || fail "processes survived the timeout: $(survivors)"

# A task that ignores SIGTERM is killed after the grace period.
runbook stubborn.yaml <<EOF2
version: 1
id: stubborn
tasks:
  - id: ignores-term
    timeout: 1s
    run: |
      trap '' TERM; sleep 300; echo $marker
EOF2
run_cutover 1 run stubborn.yaml
expect_in out.txt "timed out after 1s (killed by SIGKILL)"
[[ -z $(survivors) ]] || fail "processes survived SIGKILL: $(survivors)"

# A background grandchild that keeps stdout open: the task still ends, its group is killed.
runbook holder.yaml <<EOF2
version: 1
id: holder
tasks:
  - id: leaves-a-daemon
    run: |
      (sleep 300; echo $marker) & echo started
  - id: next
    depends_on: leaves-a-daemon
    run: echo next ran
EOF2
run_cutover 0 run holder.yaml
expect_in out.txt "[next] next ran"
[[ -z $(survivors) ]] || fail "the background holder survived: $(survivors)"

# stdin is /dev/null; only 0, 1 and 2 are open in a task; signals are at their defaults.
runbook hygiene.yaml <<'EOF2'
version: 1
id: hygiene
tasks:
  - id: inspect
    run: |
      cat; echo "stdin done"
      # In a subshell: neither a pipe's ends nor a saved descriptor are in the shell's list
      # while ls looks (`ls | sed` and `ls > file` would put them there).
      (ls -1 /proc/$$/fd > fds.txt); sed 's/^/fd /' fds.txt
      grep SigIgn /proc/$$/status
EOF2
exec 7>leaked.txt
run_cutover 0 run hygiene.yaml
exec 7>&-
expect_in out.txt "[inspect] stdin done"
# The task's shell has 0, 1 and 2 only: not fd 7 (inherited by cutover without close-on-exec),
# nor the journal, the lock or other tasks' pipes.
fds=$(sed -n 's/^\[inspect\] fd //p' out.txt | sort -n | tr '\n' ' ')
[[ $fds == "0 1 2 " ]] || fail "open descriptors in a task: $fds"
expect_in out.txt "[inspect] SigIgn:	0000000000000000"
