# --dry-run executes nothing: the order, the commands as they would run, a simulated timeline.
source "$(dirname "$0")/lib.sh"

runbook dry.yaml <<'EOF2'
version: 1
id: dry
window: { start: "2026-11-28T18:00:00+01:00", duration: 2h }
vars: { HOST: db-1 }
tasks:
  - id: backup
    estimate: 30m
    run: touch would-have-run && echo backing up {{ HOST }}
  - id: check
    estimate: 5m
    depends_on: backup
    manual: Look at the dashboard for {{ HOST }}.
    owner: ops
  - id: go
    estimate: 10m
    depends_on: [check]
    gate:
      checks:
        - name: healthy
          run: touch would-have-run-too
      approvals: [lead]
EOF2
run_cutover 0 run --dry-run dry.yaml
[[ ! -e would-have-run && ! -e would-have-run-too ]] || fail "a dry run executed a command"
[[ ! -e .cutover ]] || fail "a dry run created a run directory"
expect_in out.txt "dry run of dry: nothing is executed"
expect_in out.txt '+00:00 start  backup (estimate 30m)'
expect_in out.txt '    $ touch would-have-run && echo backing up db-1'
expect_in out.txt '+00:30 start  check (estimate 5m)'
expect_in out.txt '    Look at the dashboard for db-1.'
expect_in out.txt "+00:35 start  go (estimate 10m)"
expect_in out.txt "    check 'healthy': \$ touch would-have-run-too"
expect_in out.txt "    approvals: lead"
expect_in out.txt "simulated end: +00:45 (2026-11-28T18:45:00+01:00; the window ends 2026-11-28T20:00:00+01:00)"
