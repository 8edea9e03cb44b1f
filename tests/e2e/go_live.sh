# The go-live rule: a run labelled as the real thing starts only after enough succeeded
# rehearsals of the very same runbook, signed off; an edited byte starts the count again; an
# override is journaled with who and why; `cutover signoff` and its refusals.
source "$(dirname "$0")/lib.sh"

run_dir_of() { ls -td .cutover/runs/erp/*"$1"*/ | head -1; }

runbook erp.yaml <<'EOF'
version: 1
id: erp
tasks:
  - id: load
    estimate: 1m
    run: echo loaded
go_live:
  labels: [go-live, prod]
  rehearsals: 2
  signoffs: [cutover-lead, business-owner]
EOF

# No rehearsal yet: refused before anything starts, saying what is missing.
run_cutover 5 run erp.yaml --label go-live
expect_in err.txt "a run labelled 'go-live' is the real thing: the runbook's go_live rule asks for 2 succeeded rehearsals of this exact runbook"
expect_in err.txt "  2 more succeeded rehearsals"
expect_in err.txt "  a sign-off by cutover-lead"
expect_in err.txt "  a sign-off by business-owner"
expect_block err.txt "
runs of this runbook:
  none
rehearse again"
[[ ! -e .cutover/runs/erp ]] || fail "a refused go-live run left a folder"
# Another label is a rehearsal: no rule.
run_cutover 0 run erp.yaml --label rehearsal-1
run_cutover 0 run erp.yaml --label rehearsal-2
first=$(run_dir_of rehearsal-1)
second=$(run_dir_of rehearsal-2)

# Sign-offs: a name the rule lists, once; refusals change nothing.
run_cutover 0 signoff "$first" --by cutover-lead --note "timings within 5%"
expect_in out.txt "signed off: ${first%/} by cutover-lead"
run_cutover 0 signoff "$first" --by cutover-lead
expect_in out.txt "cutover-lead signed off ${first%/} already: nothing changed"
run_cutover 2 signoff "$first" --by mallory
expect_in err.txt "mallory does not sign off runs of erp: its go_live rule names cutover-lead, business-owner"
run_cutover 2 signoff "$first"
run_cutover 0 verify "$first"
run_cutover 0 status "$first"
expect_in out.txt "signed off (for the go-live rule)"
expect_in out.txt "  cutover-lead ("
expect_in out.txt "timings within 5%"
run_cutover 0 status "$first" --format json
json_check out.txt 'd["signoffs"][0]["by"] == "cutover-lead" and d["signoffs"][0]["note"] == "timings within 5%" and d["go_live"] is None'

# One sign-off is missing: still refused, naming it and the runs there are.
run_cutover 5 run erp.yaml --label prod
expect_block err.txt "
missing:
  a sign-off by business-owner
runs of this runbook:
"
expect_in err.txt "succeeded  sha256 "
expect_in err.txt "signed off by cutover-lead"

# A failed run cannot be signed off; a run whose executor is alive cannot be signed at all.
runbook broken.yaml <<'EOF'
version: 1
id: erp
tasks:
  - id: load
    estimate: 1m
    run: exit 1
go_live:
  signoffs: [business-owner]
EOF
run_cutover 1 run broken.yaml --label broken
run_cutover 2 signoff "$(run_dir_of broken)" --by business-owner
expect_in err.txt "-broken rolled back: only a succeeded rehearsal is signed off"
runbook slow.yaml <<'EOF'
version: 1
id: erp
tasks:
  - id: load
    estimate: 1m
    manual: Wait.
go_live:
  signoffs: [business-owner]
EOF
timeout 60 "$CUTOVER" run slow.yaml --label waiting --non-interactive >run.out 2>run.err &
PIDS+=($!)
waiting_started() {
  local dir
  dir=$(run_dir_of waiting 2>/dev/null) && grep -qs '"event":"task_started"' "${dir}journal.jsonl"
}
poll "the slow run waits" waiting_started
run_cutover 5 signoff "$(run_dir_of waiting)" --by business-owner
expect_in err.txt "pid"
kill -TERM "${PIDS[-1]}" 2>/dev/null || true
wait "${PIDS[-1]}" || true

# The second sign-off: the go-live run starts, and its header names what it relied on.
run_cutover 0 signoff "$second" --by business-owner
run_cutover 0 run erp.yaml --label go-live
live=$(run_dir_of go-live)
head -1 "$live/journal.jsonl" >header.json
json_check header.json 'len(d["go_live"]["rehearsals"]) == 2 and d["go_live"]["override"] is None'
json_check header.json 'sorted(s["by"] for s in d["go_live"]["signoffs"]) == ["business-owner", "cutover-lead"]'
run_cutover 0 status "$live"
expect_in out.txt "go-live after erp/"
expect_in out.txt "signed off by "
run_cutover 0 verify "$live"

# One edited byte is another runbook: its rehearsals start again from none.
sed -i 's/echo loaded/echo  loaded/' erp.yaml
run_cutover 5 run erp.yaml --label go-live
expect_in err.txt "  2 more succeeded rehearsals"
expect_in err.txt "(another version of the runbook)"

# An override runs anyway, with who and why in the header, status and the terminal.
run_cutover 2 run erp.yaml --label go-live --override-go-live "board decision"
expect_in err.txt "--override-go-live needs --by NAME"
run_cutover 0 run erp.yaml --label go-live --override-go-live "board decision" --by cio --non-interactive
overridden=$(run_dir_of go-live)
head -1 "$overridden/journal.jsonl" >header.json
json_check header.json 'd["go_live"]["override"] == {"by": "cio", "reason": "board decision"}'
run_cutover 0 status "$overridden"
expect_in out.txt "go-live rule overridden by cio: board decision"
run_cutover 0 status "$overridden" --format json
json_check out.txt 'd["go_live"]["override"]["by"] == "cio"'
echo "go_live: ok"
