# cutover plan --start: a start inside the window plans quietly; one before it opens or after it
# closes still plans, with a warning on stderr, so that nobody takes it for the night's plan.
source "$(dirname "$0")/lib.sh"

runbook rb.yaml <<'YAML'
version: 1
id: rb
window: { start: "2026-12-12T18:00:00+01:00", duration: 2h }
tasks:
  - id: only
    estimate: 30m
    run: "true"
YAML

run_cutover 0 plan rb.yaml --start 2026-12-12T19:00:00+01:00
expect_not_in err.txt "warning"
expect_in out.txt "Estimated length:  30m (the critical path)"
run_cutover 0 plan rb.yaml --start 2026-12-12T16:00:00Z
expect_in err.txt "warning: --start 2026-12-12T17:00:00+01:00 is before the window opens (2026-12-12T18:00:00+01:00 to 2026-12-12T20:00:00+01:00): this plan starts outside the window"
expect_in out.txt "Start:             2026-12-12T17:00:00+01:00 (Sat 17:00)"
run_cutover 0 plan rb.yaml --start 2026-12-12T20:00:00+01:00
expect_in err.txt "is after the window has closed"
run_cutover 2 plan rb.yaml --start tomorrow
