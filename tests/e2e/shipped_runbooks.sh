# Every runbook we ship passes `validate --strict`, and plans and graphs without complaint.
source "$(dirname "$0")/lib.sh"

count=0
for runbook in "$SRC"/examples/*/runbook.yaml "$SRC"/runbooks/*.yaml; do
  run_cutover 0 validate --strict "$runbook"
  expect_in out.txt ": ok ("
  for format in text json csv markdown; do
    run_cutover 0 plan --format "$format" "$runbook"
    [[ -s out.txt && ! -s err.txt ]] || fail "plan --format $format $runbook"
  done
  for format in dot mermaid; do
    run_cutover 0 graph --format "$format" "$runbook"
    [[ -s out.txt && ! -s err.txt ]] || fail "graph --format $format $runbook"
  done
  count=$((count + 1))
done
[[ $count -ge 8 ]] || fail "only $count runbooks found"

# The ERP template is the big one a team starts from.
run_cutover 0 plan --format json "$SRC/runbooks/erp-go-live.yaml"
tasks=$(/usr/bin/python3 -c 'import json; print(len(json.load(open("out.txt"))["tasks"]))')
[[ $tasks -ge 40 ]] || fail "erp-go-live has $tasks tasks, expected at least 40"
