# cutover estimates: two real rehearsals, the table and the JSON, --write (byte for byte but for
# the estimates, a diff GNU diff agrees with, a valid result), and every bad input: --write
# without --runbook, --percentile 0 and 101, runs of another runbook, runs with no succeeded
# task, an estimate that cannot be placed, an invalid --runbook.
source "$(dirname "$0")/lib.sh"

runbook billing.yaml <<'YAML'
version: 1
id: billing-move
tasks:
  # Takes longer than its estimate says.
  - id: export
    estimate: 1s        # a first guess
    run: sleep 1.2
  - title: Load the balances
    id: load
    depends_on: export
    run: "true"
  - {id: verify, run: "true", estimate: "30s", depends_on: load}
YAML
cp billing.yaml before.yaml

run_cutover 0 run billing.yaml --label rehearsal-1
run_cutover 0 run billing.yaml --label rehearsal-2
runs=(.cutover/runs/billing-move/*)
[[ ${#runs[@]} == 2 ]] || fail "expected two runs, found ${#runs[@]}"

run_cutover 0 estimates "${runs[@]}"
expect_in out.txt "Estimates for billing-move, learned from 2 runs (suggested: the P80"
expect_in out.txt "1  rehearsal-1  .cutover/runs/billing-move/"
expect_in out.txt "2  rehearsal-2  .cutover/runs/billing-move/"
grep -qE "^  export +1\.[2-9]s, 1\.[2-9]s +1\.[2-9]s .* 1s +2s +\+100%  off$" out.txt ||
  { cat out.txt; fail "the export row"; }
grep -qE "^  load .* 1s +new  off$" out.txt || { cat out.txt; fail "the load row"; }
grep -qE "^  verify .* 30s +1s +-97%  off$" out.txt || { cat out.txt; fail "the verify row"; }
expect_in out.txt "3 of 3 measured estimates are off by more than 25% (marked off)."
cmp -s billing.yaml before.yaml || fail "estimates without --write changed the runbook"

run_cutover 0 estimates "${runs[@]}" --format json --percentile 50
python3 - <<'PY'
import json
doc = json.load(open("out.txt"))
assert doc["format"] == "cutover-estimates" and doc["percentile"] == 50, doc
assert [r["label"] for r in doc["runs"]] == ["rehearsal-1", "rehearsal-2"], doc["runs"]
export = doc["tasks"][0]
assert export["id"] == "export" and export["estimate_s"] == 1.0 and export["suggested_s"] == 2.0
assert len(export["measured_s"]) == 2 and all(1.2 <= m < 2 for m in export["measured_s"])
assert doc["tasks"][1]["estimate_s"] is None and doc["tasks"][1]["off"] is True
assert doc["off"] == 3 and doc["not_in_runbook"] == [], doc
PY

# --write: only the estimate values change; the diff is GNU diff's, but for its first lines.
run_cutover 0 estimates "${runs[@]}" --runbook billing.yaml --write
cp out.txt write.txt
expect_in write.txt "billing.yaml: 3 estimates written"
cat >expected.yaml <<'YAML'
version: 1
id: billing-move
tasks:
  # Takes longer than its estimate says.
  - id: export
    estimate: 2s        # a first guess
    run: sleep 1.2
  - title: Load the balances
    id: load
    estimate: 1s
    depends_on: export
    run: "true"
  - {id: verify, run: "true", estimate: "1s", depends_on: load}
YAML
cmp billing.yaml expected.yaml || { diff billing.yaml expected.yaml; fail "the written runbook"; }
diff -u before.yaml billing.yaml | tail -n +3 >gnu.diff || true
sed -n '/^@@/,/^billing.yaml: /p' write.txt | sed '$d' >ours.diff
cmp gnu.diff ours.diff || { diff gnu.diff ours.diff; fail "the diff is not GNU diff's"; }
run_cutover 0 validate billing.yaml
# Written again: nothing is left to change.
run_cutover 0 estimates "${runs[@]}" --runbook billing.yaml --write
expect_in out.txt "billing.yaml: every estimate already is its suggestion"
cmp -s billing.yaml expected.yaml || fail "a second --write changed the runbook"

# CRLF line ends stay.
sed 's/$/\r/' before.yaml >crlf.yaml
run_cutover 0 estimates "${runs[@]}" --runbook crlf.yaml --write
cmp crlf.yaml <(sed 's/$/\r/' expected.yaml) || fail "CRLF line ends were not kept"

# Bad input.
run_cutover 2 estimates "${runs[@]}" --write
expect_in err.txt "--write needs --runbook FILE"
run_cutover 2 estimates "${runs[@]}" --percentile 0
expect_in err.txt "--percentile"
run_cutover 2 estimates "${runs[@]}" --percentile 101
run_cutover 2 estimates
expect_in err.txt "run_dir is required"
run_cutover 2 estimates not-a-run
expect_in err.txt "not-a-run: not a run directory"

runbook other.yaml <<'YAML'
version: 1
id: payroll
tasks:
  - id: pay
    estimate: 1m
    run: "false"
YAML
run_cutover 1 run other.yaml
other=$(ls -d .cutover/runs/payroll/*)
run_cutover 2 estimates "${runs[0]}" "$other"
expect_in err.txt "is a run of runbook 'billing-move', not of 'payroll'"
run_cutover 2 estimates "$other"
expect_in err.txt "no task succeeded in .cutover/runs/payroll/"

# An estimate that cannot be placed: nothing is written.
cat >flow.yaml <<'YAML'
version: 1
id: billing-move
tasks:
  - id: export
    estimate: 1s
    run: sleep 1.2
  - {id: load, depends_on: export, run: "true"}
  - id: verify
    estimate: 30s
    depends_on: load
    run: "true"
YAML
cp flow.yaml flow-before.yaml
run_cutover 2 estimates "${runs[@]}" --runbook flow.yaml --write
expect_in err.txt "flow.yaml:7:6: the estimate of task 'load' cannot be placed: it is written as a flow mapping"
cmp -s flow.yaml flow-before.yaml || fail "a refused --write changed the runbook"

# An invalid --runbook: exit 3, nothing written.
printf 'version: 1\nid: billing-move\ntasks:\n  - id: export\n    run: [\n' >broken.yaml
run_cutover 3 estimates "${runs[@]}" --runbook broken.yaml --write
expect_in err.txt "broken.yaml is not a valid runbook"
