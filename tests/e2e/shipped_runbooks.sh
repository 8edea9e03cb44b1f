# Every runbook we ship passes `validate --strict`, and plans and graphs without complaint; the
# README tour's outputs of examples/typo.yaml and of the ERP template with its workstream files
# are the real ones.
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

# The README tour's first command, as shipped: the output shown there is the real one.
cd "$SRC"
status=0
"$CUTOVER" validate examples/typo.yaml >"$WORK/typo.txt" 2>&1 || status=$?
cd "$WORK"
[[ $status == 3 ]] || fail "examples/typo.yaml: exit $status, expected 3"
sed -n '/^\$ cutover validate examples\/typo.yaml$/,/^```$/p' "$SRC/README.md" | sed '1d;$d' >tour.txt
[[ -s tour.txt ]] || fail "the README has no tour block for examples/typo.yaml"
diff tour.txt typo.txt || fail "the README tour's output of examples/typo.yaml is not what cutover prints"

# The README tour's workstream files, as shipped: the ERP template and the files it includes.
cd "$SRC"
"$CUTOVER" validate runbooks/erp-go-live.yaml >"$WORK/erp.txt"
"$CUTOVER" graph --cluster file --format mermaid runbooks/erp-go-live.yaml | grep subgraph >>"$WORK/erp.txt"
cd "$WORK"
sed -n '/^\$ cutover validate runbooks\/erp-go-live.yaml$/,/^```$/p' "$SRC/README.md" |
  sed '1d;$d' | grep -v '^\$ ' >erp-tour.txt
[[ -s erp-tour.txt ]] || fail "the README has no tour block for runbooks/erp-go-live.yaml"
diff erp-tour.txt erp.txt || fail "the README tour's output of the ERP template is not what cutover prints"
