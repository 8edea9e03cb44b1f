# Workstream files (SPEC §7): a runbook that includes others validates, plans, draws and runs as
# one; problems in an included file name that file in every output format; a run freezes every
# file, and status, resume and the go-live rule read the frozen set, never the live files; an
# edited workstream file is another runbook to the go-live rule; estimates --write edits the
# file a task is written in.
source "$(dirname "$0")/lib.sh"

mkdir -p plan/workstreams
runbook plan/erp.yaml <<'EOF'
version: 1
id: erp
include: [workstreams/finance.yaml, workstreams/logistics.yaml]
defaults: { owner: cutover-team, on_failure: stop }
tasks:
  - id: go-no-go
    depends_on: [reconcile, count-stock]
    estimate: 5m
    gate: { approvals: [cutover-lead] }
go_live:
  rehearsals: 1
EOF
runbook plan/workstreams/finance.yaml <<'EOF'
defaults: { owner: finance-ops }
tasks:
  - id: reconcile
    estimate: 10m
    run: test -e ../ledger-ready
EOF
runbook plan/workstreams/logistics.yaml <<'EOF'
include: [shared.yaml]
tasks:
  - id: count-stock
    estimate: 1m
    run: echo counted
    depends_on: [freeze]
EOF
runbook plan/workstreams/shared.yaml <<'EOF'
tasks:
  - id: freeze
    estimate: 1m
    run: echo frozen
EOF

run_cutover 0 validate --strict plan/erp.yaml
expect_in out.txt "plan/erp.yaml: ok (4 tasks in 4 files, 0 warnings)"
run_cutover 0 plan plan/erp.yaml
grep -qE "^  0  reconcile +finance-ops" out.txt || { cat out.txt; fail "the workstream's owner"; }
grep -qE "^  0  freeze +cutover-team" out.txt || { cat out.txt; fail "the runbook's owner"; }
run_cutover 0 graph plan/erp.yaml --cluster file
expect_in out.txt 'label="workstreams/shared.yaml";'
run_cutover 2 graph plan/erp.yaml --cluster owner
expect_in err.txt "--cluster"

# Problems in included files, in each format, at their own file.
cp -r plan broken
cat >broken/workstreams/shared.yaml <<'EOF'
id: shared
tasks:
  - id: freeze
    estimate: 1m
    run: echo frozen
    depends_on: [reconcil]
EOF
sed -i 's/include: \[shared.yaml\]/include: [shared.yaml, ..\/..\/plan\/erp.yaml]/' broken/workstreams/logistics.yaml
run_cutover 3 validate broken/erp.yaml
expect_block out.txt "broken/workstreams/logistics.yaml:1:24: error: cannot include '../../plan/erp.yaml': it is outside the runbook's folder"
expect_block out.txt "broken/workstreams/shared.yaml:1:1: error: 'id' belongs in the runbook, not in a workstream file"
expect_block out.txt "broken/workstreams/shared.yaml:6:18: error: task 'freeze' depends on 'reconcil', which is not a task
    6 |     depends_on: [reconcil]
      |                  ^
hint: did you mean 'reconcile'?"
expect_in out.txt "broken/erp.yaml: invalid (3 errors in 4 files, 0 warnings)"
run_cutover 3 validate broken/erp.yaml --format github
expect_in out.txt "::error file=broken/workstreams/shared.yaml,line=6,col=18,title=cutover::task 'freeze' depends on 'reconcil'"
run_cutover 3 validate broken/erp.yaml --format json
json_check out.txt '[f["file"] for f in d["files"]] == ["broken/erp.yaml", "broken/workstreams/finance.yaml", "broken/workstreams/logistics.yaml", "broken/workstreams/shared.yaml"]'
json_check out.txt '[f["errors"] for f in d["files"]] == [0, 0, 1, 2] and d["errors"] == 3'
run_cutover 3 validate broken/erp.yaml --format junit
expect_in out.txt 'name="broken/workstreams/shared.yaml"'
run_cutover 3 run broken/erp.yaml
expect_in err.txt "broken/erp.yaml is not a valid runbook (3 errors)"

# A run freezes every file at its path; the journal's hash covers them all.
run_cutover 1 run plan/erp.yaml --auto --label rehearsal-1
run=$(ls -d .cutover/runs/erp/*/)
for file in runbook.yaml workstreams/finance.yaml workstreams/logistics.yaml workstreams/shared.yaml; do
  [[ -f $run/$file && ! -w $run/$file ]] || [[ $(id -u) == 0 && -f $run/$file ]] ||
    fail "$file is not frozen in the run"
done
cmp "$run/workstreams/shared.yaml" plan/workstreams/shared.yaml || fail "the frozen copy differs"
[[ $(stat -c %a "$run/workstreams/finance.yaml") == 444 ]] || fail "the frozen copy is writable"
header_sha=$(head -1 "$run/journal.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runbook_sha256"])')
[[ $header_sha != $(sha256sum plan/erp.yaml | cut -d' ' -f1) ]] || fail "the hash covers the runbook's file only"

# The live files change; status and resume read the frozen ones.
cat >plan/workstreams/finance.yaml <<'EOF'
tasks:
  - id: reconcile
    estimate: 1s
    run: echo the live file ran; false
EOF
run_cutover 0 status "$run"
expect_in out.txt "reconcile"
touch ledger-ready
run_cutover 0 resume "$run" --auto
grep -q "the live file ran" "$run/logs/reconcile.log" && fail "resume ran the live workstream file"
expect_in out.txt "run succeeded"

# The go-live rule: that rehearsal was of another runbook than the live files now make.
run_cutover 5 run plan/erp.yaml --label go-live
expect_in err.txt "asks for 1 succeeded rehearsal of this exact runbook"
# The frozen set, copied back, is the rehearsed runbook again.
cp "$run/workstreams/finance.yaml" plan/workstreams/finance.yaml
chmod u+w plan/workstreams/finance.yaml
run_cutover 0 run plan/erp.yaml --auto --label go-live

# estimates --write puts a task's estimate in the file it is written in.
cp -r plan edit
chmod -R u+w edit
run_cutover 0 estimates "$run" --runbook edit/erp.yaml --write
expect_in out.txt "--- edit/workstreams/finance.yaml"
expect_in out.txt "edit/workstreams/finance.yaml: 1 estimate written"
expect_in out.txt "edit/erp.yaml: 1 estimate written"
grep -q "estimate: 10m" edit/workstreams/finance.yaml && fail "the estimate was not written"
# Each file changes at its own task's estimate only.
for file in erp.yaml workstreams/finance.yaml workstreams/shared.yaml; do
  diff "plan/$file" "edit/$file" >changes.diff || true
  [[ $(grep -c '^>' changes.diff) == 1 ]] && grep -q '^>     estimate: ' changes.diff ||
    { cat changes.diff; fail "$file: more than its task's estimate changed"; }
done
run_cutover 0 validate edit/erp.yaml
