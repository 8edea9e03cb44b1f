# cutover forecast: a runbook with a window, the same seed byte for byte, --require for CI,
# durations from a real rehearsal, the JSON fields SPEC §4 names, and every bad input: --samples
# 0, --require without a window, an unknown percentile, runs of another runbook, an invalid
# runbook.
source "$(dirname "$0")/lib.sh"

runbook window.yaml <<'YAML'
version: 1
id: dns-switch
window: { start: "2026-12-12T18:00:00+01:00", duration: 2h }
tasks:
  - id: drain
    estimate: 30m
    run: "true"
  - id: copy
    estimate: 45m
    depends_on: drain
    run: "true"
  - id: index
    estimate: 40m
    depends_on: drain
    run: "true"
  - id: switch
    estimate: 30m
    depends_on: [copy, index]
    run: "true"
YAML

run_cutover 0 forecast window.yaml --seed 7
cp out.txt seven.txt
expect_in seven.txt "Forecast: dns-switch (10000 samples, seed 7)"
expect_in seven.txt "Durations: 4 drawn around their estimate (0.8x to 1.5x, most likely the estimate)"
expect_in seven.txt "Start:     2026-12-12 18:00:00 UTC+01:00; the window ends 2026-12-12 20:00:00 (2h later)"
grep -qE "^  P50 +1h5[0-9]m[0-9]+s  2026-12-12 19:5[0-9]:[0-9]{2}  yes$" seven.txt ||
  { cat seven.txt; fail "the P50 row"; }
grep -qE "^  P99 +2h1[0-9]m[0-9]+s  2026-12-12 20:1[0-9]:[0-9]{2}  NO$" seven.txt ||
  { cat seven.txt; fail "the P99 row"; }
grep -qE "^Ends inside the window in 6[0-9]\.[0-9]% of the samples\.$" seven.txt ||
  { cat seven.txt; fail "the chance of fitting"; }
grep -qE "^  copy +[67][0-9]\.[0-9]% +estimate 45m$" seven.txt || { cat seven.txt; fail "copy's criticality"; }

# The same seed: the same bytes; another seed: other numbers.
run_cutover 0 forecast window.yaml --seed 7
cmp -s out.txt seven.txt || fail "the same seed gave another forecast"
run_cutover 0 forecast window.yaml --seed 8
cmp -s out.txt seven.txt && fail "another seed gave the same forecast"

run_cutover 0 forecast window.yaml --samples 2000 --format json
python3 - <<'PY'
import json
doc = json.load(open("out.txt"))
assert doc["samples"] == 2000 and doc["window_s"] == 7200.0, doc
ends = [doc[f"p{p}_s"] for p in (50, 80, 90, 95, 99)]
assert ends == sorted(ends) and 0.8 * 105 * 60 <= ends[0] and ends[-1] <= 1.5 * 105 * 60, ends
assert 0 < doc["p_fit"] < 1, doc["p_fit"]
assert doc["ends"]["p50"].startswith("2026-12-12T19:"), doc["ends"]
tasks = {t["id"]: t for t in doc["tasks"]}
assert tasks["drain"]["criticality"] == 1.0 and tasks["switch"]["ends_last"] == 1.0, tasks
assert abs(tasks["copy"]["criticality"] + tasks["index"]["criticality"] - 1) < 1e-9, tasks
PY

# For CI: --require passes or fails on the window.
run_cutover 0 forecast window.yaml --require P50
run_cutover 3 forecast window.yaml --require P99
expect_in err.txt "the P99 end is 2h1"
expect_in err.txt "past the window (2h)"
run_cutover 0 forecast window.yaml --start 2026-12-12T16:30:00Z --require P99

# Durations measured in a rehearsal replace the estimates.
runbook quick.yaml <<'YAML'
version: 1
id: quick
window: { start: "2026-12-12T18:00:00Z", duration: 1m }
tasks:
  - id: one
    estimate: 1h
    run: "true"
  - id: two
    estimate: 1h
    depends_on: one
    run: "true"
YAML
run_cutover 3 forecast quick.yaml --require P50
run_cutover 0 run quick.yaml
run_cutover 0 forecast quick.yaml --runs .cutover/runs/quick/* --require P99
expect_in out.txt "Durations: 2 tasks resampled from 1 run"
expect_not_in out.txt "drawn around"
expect_in out.txt "Ends inside the window in 100.0% of the samples."

# Bad input.
run_cutover 2 forecast window.yaml --samples 0
expect_in err.txt "--samples"
run_cutover 2 forecast window.yaml --require P42
expect_in err.txt "--require"
run_cutover 2 forecast window.yaml --runs .cutover/runs/quick/*
expect_in err.txt "is a run of runbook 'quick', not of 'dns-switch'"
runbook nowindow.yaml <<'YAML'
version: 1
id: nowindow
tasks:
  - id: only
    estimate: 10m
    run: "true"
YAML
run_cutover 0 forecast nowindow.yaml --format json
python3 -c 'import json; d = json.load(open("out.txt")); assert d["p_fit"] is None and d["window_s"] is None, d'
run_cutover 2 forecast nowindow.yaml --require P90
expect_in err.txt "--require P90: nowindow.yaml has no window to fit"
printf 'version: 1\nid: broken\ntasks:\n  - id: a\n    depends_on: a\n    run: x\n' >broken.yaml
run_cutover 3 forecast broken.yaml
run_cutover 2 forecast missing.yaml
