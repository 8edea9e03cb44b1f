# Which run a command means: RUN as a directory or as a label (the newest run with it); left out,
# the newest run whose executor is alive, else the newest run. A second run of a runbook whose
# executor is alive is refused (exit 5) unless --concurrent.
source "$(dirname "$0")/lib.sh"


runbook quick.yaml <<'YAML'
version: 1
id: quick
tasks:
  - id: only
    estimate: 1s
    run: "true"
YAML
runbook night.yaml <<'YAML'
version: 1
id: night
tasks:
  - id: confirm
    owner: ops
    estimate: 1m
    manual: Check the dashboard.
YAML

run_cutover 0 run quick.yaml --label rehearsal-1
first=$(ls -d .cutover/runs/quick/*-rehearsal-1)
"$CUTOVER" run night.yaml --label go-live --non-interactive </dev/null >night.out 2>&1 &
live=$!
PIDS+=("$live")
poll "the manual task to wait" grep -qF "answer with: cutover mark" night.out
run_cutover 0 run quick.yaml --label rehearsal-2  # the newest run, finished

# Left out: the run whose executor is alive, though another started since.
run_cutover 0 status
expect_in out.txt "run night/"
expect_in out.txt "(go-live)"
# A label: the newest run with it; a directory as it is.
run_cutover 0 status rehearsal-1
expect_in out.txt "$(basename "$first") (rehearsal-1)"
run_cutover 0 report "$first" --format json
json_check out.txt 'd["label"] == "rehearsal-1"'
run_cutover 2 status dress-rehearsal
expect_in err.txt "dress-rehearsal: neither a run directory nor the label of a run under .cutover/runs (labels: rehearsal-2, go-live, rehearsal-1)"

# A second run of the runbook whose executor is alive is refused; --concurrent starts it.
run_cutover 5 run night.yaml --label again --non-interactive
expect_in err.txt "runbook 'night' already has a run in progress: night/"
expect_in err.txt "(executor pid $live on $(hostname)"
expect_in err.txt "follow it with \`cutover status go-live\`, or start another one anyway with --concurrent"
[[ $(ls .cutover/runs/night | wc -l) == 1 ]] || fail "the refused run left a folder"

# mark without RUN answers the live run.
run_cutover 0 mark confirm done --by ann
expect_in out.txt "recorded: confirm done by ann"
wait "$live" || fail "the night run did not succeed"
# With a label before the task: that run, which has finished now.
run_cutover 2 mark go-live confirm done --by ann
expect_in err.txt "the run already finished (succeeded)"
# Now no executor is alive: the newest run.
run_cutover 0 status
expect_in out.txt "(rehearsal-2)"
