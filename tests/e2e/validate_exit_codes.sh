# validate: exit codes, several files, formats and --strict, as CI uses them.
source "$(dirname "$0")/lib.sh"

runbook good.yaml <<'YAML'
version: 1
id: good
tasks:
  - id: a
    run: echo a
    estimate: 1m
  - id: b
    run: echo b
    estimate: 1m
    depends_on: a
YAML

runbook warned.yaml <<'YAML'
version: 1
id: warned
tasks:
  - id: a
    run: echo a
YAML

runbook bad.yaml <<'YAML'
version: 1
id: bad
tasks:
  - id: a
    run: echo a
    depends-on: [b]
  - id: b
    run: echo b
    depends_on: [a, c]
YAML

run_cutover 0 validate good.yaml
expect_in out.txt "good.yaml: ok (2 tasks, 0 warnings)"

run_cutover 0 validate warned.yaml
expect_in out.txt "warned.yaml:4:9: warning: task 'a' has no estimate"
run_cutover 3 validate --strict warned.yaml
expect_in out.txt "warned.yaml:4:9: error: task 'a' has no estimate"

run_cutover 3 validate bad.yaml
expect_in out.txt "bad.yaml:6:5: error: unknown key 'depends-on' in task 'a'"
expect_in out.txt "hint: did you mean 'depends_on'?"
expect_in out.txt "bad.yaml:9:21: error: task 'b' depends on 'c', which is not a task"
expect_in out.txt "bad.yaml: invalid (2 errors, 0 warnings)"

# Every file is checked even when one is invalid; the exit says the worst.
run_cutover 3 validate good.yaml bad.yaml warned.yaml
expect_in out.txt "good.yaml: ok"
expect_in out.txt "warned.yaml: ok"

# A missing path or a directory is a usage error (2), and the other files are still checked.
run_cutover 2 validate good.yaml missing.yaml
expect_in out.txt "missing.yaml: error: no such file"
expect_in out.txt "good.yaml: ok"
mkdir folder.yaml
run_cutover 2 validate folder.yaml
expect_in out.txt "is a directory"

# Usage errors are 2, never CLI11's own codes.
run_cutover 2 validate
run_cutover 2 validate --format yaml good.yaml
run_cutover 2 frobnicate
expect_in err.txt "unknown command 'frobnicate'; the commands are: validate, plan, graph, schema, import, run, track, resume, rollback, mark, approve, reject, hold, signoff, verify, status, logs, notify, report, estimates, forecast, completion"
run_cutover 2 validate --var 9X=1 good.yaml
expect_in err.txt "--var 9X=1: expected NAME=VALUE"
run_cutover 2
run_cutover 0 --help
expect_in out.txt "validate"
for command in validate plan graph schema run track resume rollback mark approve reject verify status; do
  run_cutover 0 "$command" --help
  expect_in out.txt "Usage:"
  # An option the command does not have is a usage error (2), not CLI11's own code.
  run_cutover 2 "$command" --no-such-option
done
for command in mark approve reject; do
  run_cutover 0 "$command" --help
  expect_in out.txt "--by NAME"
  expect_in out.txt "--note TEXT"
done

# Machine formats.
run_cutover 3 validate --format json good.yaml bad.yaml
/usr/bin/python3 - <<'PY'
import json
report = json.load(open("out.txt"))
assert report["errors"] == 2, report
files = {f["file"]: f for f in report["files"]}
assert files["good.yaml"]["valid"] is True
bad = files["bad.yaml"]
assert bad["valid"] is False
first = bad["diagnostics"][0]
assert (first["line"], first["column"], first["severity"]) == (6, 5, "error"), first
assert first["hint"] == "did you mean 'depends_on'?", first
PY

run_cutover 3 validate --format junit good.yaml bad.yaml
/usr/bin/python3 - <<'PY'
import xml.etree.ElementTree as ET
root = ET.parse("out.txt").getroot()
assert root.tag == "testsuites" and root.get("tests") == "2" and root.get("failures") == "1"
cases = {c.get("name"): c for c in root.iter("testcase")}
assert cases["good.yaml"].find("failure") is None
assert "bad.yaml:6:5: error: unknown key 'depends-on'" in cases["bad.yaml"].find("failure").text
PY

run_cutover 3 validate --format github bad.yaml warned.yaml
expect_in out.txt "::error file=bad.yaml,line=6,col=5,title=cutover::unknown key 'depends-on' in task 'a' (did you mean 'depends_on'?)"
expect_in out.txt "::warning file=warned.yaml,line=4,col=9,title=cutover::task 'a' has no estimate"
# Only workflow commands on stdout.
if grep -qv '^::' out.txt; then fail "non-command line in github output"; fi

# --var supplies a template value that the runbook does not define.
runbook templated.yaml <<'YAML'
version: 1
id: templated
tasks:
  - id: a
    run: ping {{ HOST }}
    estimate: 1m
YAML
run_cutover 3 validate templated.yaml
expect_in out.txt "templated.yaml:5:15: error: 'HOST' is not a var, a secret or a --var"
run_cutover 0 validate --var HOST=db1 templated.yaml

# Output that cannot be written is an environment error, never a silent empty report...
for args in "validate --format junit good.yaml" "plan good.yaml" "schema"; do
  status=0
  # shellcheck disable=SC2086
  "$CUTOVER" $args >/dev/full 2>err.txt || status=$?
  [[ $status == 5 ]] || fail "cutover $args >/dev/full exited $status, expected 5"
  expect_in err.txt "cutover: cannot write the output: No space left on device"
done
# ...but a reader that stops early (EPIPE) is not an error.
status=0
"$CUTOVER" schema 2>err.txt | head -1 >/dev/null || status=$?
[[ $status == 0 && ! -s err.txt ]] || fail "cutover schema | head: exit $status, $(cat err.txt)"

# Bytes from file names never reach a terminal or a report raw: no escape sequences, and
# JUnit stays well-formed XML even for a name that is not UTF-8.
cp warned.yaml $'esc\e[31m.yaml'
run_cutover 0 validate --format github $'esc\e[31m.yaml'
expect_in out.txt "::warning file=esc?[31m.yaml,line=4,col=9"
if grep -q $'\e' out.txt; then fail "escape sequence in github output"; fi

run_cutover 0 validate $'esc\e[31m.yaml'
if grep -q $'\e' out.txt; then fail "escape sequence in text output"; fi
cp good.yaml $'bad\xffname.yaml'
run_cutover 0 validate --format junit $'bad\xffname.yaml'
/usr/bin/python3 -c 'import xml.etree.ElementTree as ET; ET.parse("out.txt")' || fail "junit is not XML"
