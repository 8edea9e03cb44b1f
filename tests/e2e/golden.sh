# Every output format, byte for byte, against tests/golden/. After an intended change,
# regenerate with:  UPDATE_GOLDEN=1 ctest -R e2e.golden   (then review the diff).
source "$(dirname "$0")/lib.sh"

golden="$SRC/tests/golden"
cp "$golden/runbook.yaml" "$golden/invalid.yaml" .
failures=0

# compare NAME EXPECTED_EXIT ARGS...: stdout of `cutover ARGS` must equal tests/golden/NAME.
compare() {
  local name=$1 expected=$2
  shift 2
  run_cutover "$expected" "$@"
  if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
    cp out.txt "$golden/$name"
  elif ! diff -u "$golden/$name" out.txt >&2; then
    echo "golden mismatch: $name (cutover $*)" >&2
    failures=$((failures + 1))
  fi
}

compare plan.txt 0 plan runbook.yaml
compare plan-start.txt 0 plan --start 2026-11-28T19:00:00Z runbook.yaml
compare plan.json 0 plan --format json runbook.yaml
compare plan.csv 0 plan --format csv runbook.yaml
compare plan.md 0 plan --format markdown runbook.yaml
compare graph.dot 0 graph runbook.yaml
compare graph.mmd 0 graph --format mermaid runbook.yaml
compare validate.txt 0 validate runbook.yaml
compare validate-strict.txt 3 validate --strict runbook.yaml
compare validate-invalid.txt 3 validate invalid.yaml
compare validate.json 3 validate --format json runbook.yaml invalid.yaml
compare validate.junit.xml 3 validate --format junit runbook.yaml invalid.yaml
compare validate.github.txt 3 validate --format github runbook.yaml invalid.yaml

# plan on an invalid runbook: diagnostics on stderr, nothing on stdout.
run_cutover 3 plan invalid.yaml
[[ ! -s out.txt ]] || fail "plan of an invalid runbook wrote to stdout"
expect_in err.txt "invalid.yaml:5:15: error: 'HOTS' is not a var, a secret or a --var"
expect_in err.txt "cutover: invalid.yaml is not a valid runbook (4 errors)"

((failures == 0)) || fail "$failures golden file(s) differ"
