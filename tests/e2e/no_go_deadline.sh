# The no-go deadline (SPEC §4): `plan` shows each gate's planned start and deadline in every
# format, `validate` warns about a gate planned after it (an error with --strict), and a
# rollback step's estimate moves it.
source "$(dirname "$0")/lib.sh"

# migrate (2h, undone in 1h30m) -> go-no-go at +02:00; the window is 3h: a no-go must come by
# +01:30, half an hour before the gate.
write_runbook() {
  runbook late.yaml <<YAML
version: 1
id: erp
window: { start: "2026-12-12T18:00:00+01:00", duration: 3h }
tasks:
  - id: migrate
    estimate: 2h
    run: "true"
    rollback: { run: "true", estimate: $1 }
  - id: go-no-go
    depends_on: migrate
    estimate: 10m
    gate: { approvals: [lead] }
  - id: switch
    depends_on: go-no-go
    estimate: 20m
    run: "true"
    point_of_no_return: true
YAML
}

write_runbook 1h30m
run_cutover 0 validate late.yaml
expect_in out.txt "warning: a no-go at gate 'go-no-go' could not be rolled back inside the window"
expect_in out.txt "it is planned at +02:00, 30m after its no-go deadline +01:30 (rolling back what comes before it takes 1h30m)"
expect_in out.txt "late.yaml:9:9: warning"
run_cutover 3 validate --strict late.yaml

run_cutover 0 plan late.yaml
expect_in out.txt "No-go deadlines (the latest moment a no-go can still be rolled back inside the window):"
expect_in out.txt "  go-no-go  +02:00 Sat 20:00  +01:30 Sat 19:30     1h30m  LATE by 30m"
run_cutover 0 plan late.yaml --format json
json_check out.txt 'd["gates"] == [{"id": "go-no-go", "planned_start_s": 7200, "no_go_deadline_s": 5400, "rollback_s": 5400, "too_late": True}]'
run_cutover 0 plan late.yaml --format csv
expect_in out.txt ",no_go_deadline_s,no_go_deadline"
expect_in out.txt ",migrate,5400,2026-12-12T19:30:00+01:00"
run_cutover 0 plan late.yaml --format markdown
expect_in out.txt "| go-no-go | +02:00 Sat 20:00 | +01:30 Sat 19:30 | 1h30m | LATE by 30m |"

# A faster rollback: the deadline moves past the gate and the warning goes.
write_runbook 45m
run_cutover 0 validate late.yaml
expect_not_in out.txt "could not be rolled back"
run_cutover 0 plan late.yaml
expect_in out.txt "  go-no-go  +02:00 Sat 20:00  +02:15 Sat 20:15       45m  15m to spare"
