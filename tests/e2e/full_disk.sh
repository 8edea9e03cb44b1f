# A full disk under the run directory (a real 1 MiB tmpfs): the run stops with exit 5 naming the
# file and the error, nothing new starts, the journal stays intact (verify is green), and once
# space is freed `cutover resume` finishes the run. Mounting needs root (as in CI); where mount
# is not allowed the test says so and passes without running.
source "$(dirname "$0")/lib.sh"

mkdir disk
if ! mount -t tmpfs -o size=1m cutover-full-disk disk 2>mount.err; then
  echo "SKIP: cannot mount a tmpfs here ($(cat mount.err)); the full-disk test needs root"
  exit 0
fi
trap 'umount "$WORK/disk" 2>/dev/null; rm -rf "$WORK"' EXIT

mkdir book
# `fill` prints 3,000 lines of 100 bytes at once: its log (timestamps added) needs ~390 KB. It
# often ends before the executor has written its output, so the failure comes while its end is
# taken up: that end must still be shown, and be in doubt.
runbook book/runbook.yaml <<'YAML'
version: 1
id: full-disk
tasks:
  - id: fill
    estimate: 1m
    idempotent: true
    run: >-
      seq -f '%0100g' 3000;
      echo fill >> effects
  - id: after
    estimate: 1m
    depends_on: fill
    run: echo after >> effects
YAML

# Ballast leaves about 200 KB free on the 1 MiB disk.
head -c 800K /dev/zero >disk/ballast
run_cutover 5 run --non-interactive --run-dir disk/run book/runbook.yaml
expect_in err.txt "logs/fill.log: cannot be written: No space left on device"
expect_in err.txt "the run stopped safely: nothing new was started"
expect_in err.txt "continue with \`cutover resume "
expect_not_in err.txt "internal error"
# The running task was seen to its end, not killed, and nothing after it started.
expect_in out.txt "ended  fill: succeeded (not journaled: it is in doubt)"
[[ $(cat book/effects) == fill ]] || fail "effects after the full disk: $(cat book/effects)"
expect_not_in disk/run/journal.jsonl '"task":"after"'
# The log holds whole lines only.
[[ $(tail -c 1 disk/run/logs/fill.log | od -An -c | tr -d ' ') == '\n' ]] ||
  fail "the log ends in a torn line"

run_cutover 0 verify disk/run
expect_not_in err.txt "warning"

# Space freed: resume reruns the task in doubt (it is idempotent), then the rest.
rm disk/ballast
run_cutover 0 resume --non-interactive disk/run
expect_in out.txt "in doubt fill"
[[ $(cat book/effects) == $'fill\nfill\nafter' ]] || fail "effects after resume: $(cat book/effects)"
run_cutover 0 verify disk/run
expect_in disk/run/journal.jsonl '"event":"run_finished","outcome":"succeeded"'
[[ -s disk/run/timing.csv ]] || fail "no timing.csv after the resumed run"
