# cutover report: one real run reported in every format, while nothing holds it and after a
# crash, and every bad input: not a run, a torn or edited journal, a missing frozen runbook,
# an unwritable -o.
source "$(dirname "$0")/lib.sh"

runbook billing.yaml <<'YAML'
version: 1
id: billing-move
title: Billing migration
window: { start: "2026-11-28T18:00:00+01:00", duration: 4h }
phases: [prepare, switch]
tasks:
  - id: freeze
    phase: prepare
    owner: alice
    estimate: 1s
    run: "echo freezing; sleep 1.5; echo frozen for good"
  - id: export
    phase: prepare
    estimate: 10s
    run: "echo exported"
  - id: go-no-go
    phase: switch
    depends_on: [freeze, export]
    gate:
      checks:
        - name: ping
          run: "true"
      approvals: [lead]
  - id: switch-dns
    phase: switch
    depends_on: [go-no-go]
    point_of_no_return: true
    estimate: 5s
    run: "echo switched"
YAML

run_cutover 0 run billing.yaml --auto --label rehearsal-1
run=$(ls -d .cutover/runs/billing-move/*)

# text, the default; RUN_DIR left out means the latest run
run_cutover 0 report
cp out.txt report.txt
expect_in report.txt "Report: billing-move — Billing migration"
expect_in report.txt "(rehearsal-1)"
expect_in report.txt "Status    succeeded"
expect_in report.txt "Started   2026-"
expect_in report.txt "UTC+01:00 ("
expect_in report.txt "Tasks     4: 4 succeeded, 0 failed, 0 skipped, 0 in doubt"
expect_in report.txt "People    auto"
expect_in report.txt "Planned   export -> go-no-go -> switch-dns"
expect_in report.txt "Actual    freeze -> go-no-go -> switch-dns"
expect_in report.txt "Differs   not on the planned path: freeze"
expect_in report.txt "Largest overruns"
expect_in report.txt "out frozen for good"
expect_in report.txt "Point of no return"
grep -qE "^  freeze \* +prepare +run +1s +\+[0-9:]+ +1\.[5-9]s +\+0\.[5-9]s \(\+[5-9][0-9]%\) +succeeded" report.txt ||
  fail "no freeze row with its overrun: $(cat report.txt)"
grep -qE "^  go-no-go +ping +1 +passed" report.txt || fail "no passed check: $(cat report.txt)"
grep -qE "^  go-no-go +approved +auto" report.txt || fail "no approval: $(cat report.txt)"
awk 'length > 100 { exit 1 }' report.txt || fail "a line of the text report is wider than 100 columns"
run_cutover 0 report "$run"
cmp -s out.txt report.txt || fail "report RUN_DIR differs from report of the latest run"

# markdown
run_cutover 0 report "$run" --format markdown
expect_in out.txt "# Report: billing-move — Billing migration"
expect_in out.txt "## Tasks"
expect_in out.txt "| task | phase | kind | estimate | start | duration | variance | status | by |"
expect_in out.txt "- **Status**: succeeded"

# csv: timing.csv's columns first, one row per task
run_cutover 0 report "$run" --format csv
[[ $(wc -l <out.txt) == 5 ]] || fail "csv: expected a header and 4 rows: $(cat out.txt)"
timing_header=$(head -1 "$run/timing.csv" | tr -d '\r')
head -1 out.txt | tr -d '\r' | grep -qF "$timing_header,variance_pct," ||
  fail "csv header does not start with timing.csv's: $(head -1 out.txt)"

# json: the whole model
run_cutover 0 report "$run" --format json
/usr/bin/python3 - out.txt <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["format"] == "cutover-report" and r["version"] == 1, r
assert r["status"] == "succeeded" and r["label"] == "rehearsal-1", r
assert [t["id"] for t in r["tasks"]][0] in ("freeze", "export"), r["tasks"]
freeze = next(t for t in r["tasks"] if t["id"] == "freeze")
assert freeze["estimate_s"] == 1.0 and freeze["duration_s"] >= 1.5, freeze
assert freeze["variance_s"] > 0.4 and freeze["actual_critical"] and not freeze["planned_critical"], freeze
assert r["actual_critical_path"] == ["freeze", "go-no-go", "switch-dns"], r["actual_critical_path"]
assert r["planned_critical_path"] == ["export", "go-no-go", "switch-dns"], r["planned_critical_path"]
assert r["overruns"][0]["task"] == "freeze" and any(l.endswith("out frozen for good") for l in r["overruns"][0]["log_tail"]), r["overruns"]
assert r["checks"][0]["gate"] == "go-no-go" and r["checks"][0]["passed"], r["checks"]
assert r["decisions"][0]["verdict"] == "approved" and r["decisions"][0]["person"]["by"] == "auto", r["decisions"]
assert r["point_of_no_return"]["task"] == "switch-dns", r["point_of_no_return"]
assert [p["name"] for p in r["phases"]] == ["prepare", "switch"], r["phases"]
assert r["window_s"] == 14400 and r["counts"]["succeeded"] == 4, r
PY

# html: one self-contained page; every task in the chart, nothing fetched
run_cutover 0 report "$run" --format html -o report.html
/usr/bin/python3 - report.html <<'PY'
import html.parser, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert text.startswith("<!DOCTYPE html>"), text[:40]
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tasks, self.external, self.scripts = set(), [], 0
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-task" in attrs:
            self.tasks.add(attrs["data-task"])
        for name in ("src", "href"):
            if name in attrs:
                self.external.append((tag, attrs[name]))
        if tag in ("script", "link", "img", "iframe"):
            self.scripts += 1
page = Page()
page.feed(text)
assert page.tasks == {"freeze", "export", "go-no-go", "switch-dns"}, page.tasks
assert not page.external and page.scripts == 0, (page.external, page.scripts)
for part in ("<svg", "Timeline", "prepare", "Largest overruns", "frozen for good", "★ freeze"):
    assert part in text, part
PY

# -o: written whole; an unwritable one is exit 5 and leaves nothing
run_cutover 0 report "$run" --format json -o report.json
[[ ! -s out.txt ]] || fail "-o also wrote to stdout"
/usr/bin/python3 -c 'import json,sys; json.load(open("report.json"))' || fail "report.json is not JSON"
run_cutover 5 report "$run" -o no-such-dir/report.txt
[[ ! -e no-such-dir ]] || fail "-o into a missing folder created something"
expect_in err.txt "no-such-dir/"

# a torn last line is left out with a warning; the report still comes
cp "$run/journal.jsonl" pristine.jsonl
printf '{"seq":99,"time":"2026-11-2' >>"$run/journal.jsonl"
run_cutover 0 report "$run"
expect_in err.txt "is incomplete"
expect_in out.txt "Status    succeeded"
cp pristine.jsonl "$run/journal.jsonl"

# an edited line: the chain is broken, said on stderr and in the report, which still comes
sed -i '3s/"elapsed_ms":/"elapsed_ms":1/' "$run/journal.jsonl"
run_cutover 0 report "$run"
expect_in err.txt "hash chain is broken at line"
expect_in out.txt "Warning   the journal's hash chain is broken at line"
cp pristine.jsonl "$run/journal.jsonl"

# several runs: rehearsals compared task by task; an edited runbook matched by id
sed -i 's/sleep 1.5; //' billing.yaml
cat >>billing.yaml <<'YAML'
  - id: smoke-test
    phase: switch
    depends_on: [switch-dns]
    estimate: 2s
    run: "echo smoke"
YAML
sleep 1  # run directories are named by the second they start
run_cutover 0 run billing.yaml --auto --label rehearsal-2
run2=$(ls -d .cutover/runs/billing-move/*rehearsal-2)
run_cutover 0 report "$run2" "$run"
expect_in out.txt "Rehearsals compared: billing-move"
grep -qE "^  task +rehearsal-1 +rehearsal-2 +trend +spread +estimate +suggested" out.txt ||
  fail "no comparison header, runs oldest first: $(cat out.txt)"
grep -qE "^  freeze +1\.[5-9]s +0\.[0-9]s +faster .* 1s +2s !" out.txt ||
  fail "no freeze row faster with a suggestion: $(cat out.txt)"
grep -qE "^  smoke-test +- +0\.[0-9]s" out.txt || fail "smoke-test not marked missing: $(cat out.txt)"
expect_in out.txt "task 'smoke-test' is not in run billing-move/"
expect_in out.txt "rehearsal-1: freeze -> go-no-go -> switch-dns"
awk 'length > 100 { exit 1 }' out.txt || fail "a line of the comparison is wider than 100 columns"
run_cutover 0 report "$run" "$run2" --format json
/usr/bin/python3 - out.txt <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["format"] == "cutover-comparison" and [r["label"] for r in c["runs"]] == ["rehearsal-1", "rehearsal-2"], c["runs"]
smoke = next(t for t in c["tasks"] if t["id"] == "smoke-test")
assert smoke["durations_s"][0] == "missing" and smoke["durations_s"][1] >= 0, smoke
PY
run_cutover 0 report "$run" "$run2" --format csv
head -1 out.txt | grep -q "^task,phase,estimate_s,run1_s,run2_s,fastest_s,slowest_s,suggested_s,trend" ||
  fail "comparison csv header: $(head -1 out.txt)"
run_cutover 0 report "$run" "$run2" --format markdown
expect_in out.txt "# Rehearsals compared: billing-move"
run_cutover 0 report "$run" "$run2" --format html
expect_in out.txt "<!DOCTYPE html>"
expect_in out.txt "Rehearsals compared: billing-move"
expect_in out.txt "not in this run"
# runs of another runbook are refused
sed 's/^id: billing-move/id: other-move/' billing.yaml >other.yaml
run_cutover 0 run other.yaml --auto
other=$(ls -d .cutover/runs/other-move/*)
run_cutover 2 report "$run" "$other"
expect_in err.txt "only runs of one runbook can be compared"

# a run cut off by a crash: what was running is in doubt
crashed=.cutover/runs/billing-move/crashed
mkdir -p "$crashed"
cp "$run/runbook.yaml" "$crashed/"
[[ -f "$run/run.json" ]] && cp "$run/run.json" "$crashed/"
grep -m1 -n '"task_started"' "$run/journal.jsonl" | cut -d: -f1 | {
  read -r upto
  head -n "$upto" "$run/journal.jsonl" >"$crashed/journal.jsonl"
}
run_cutover 0 report "$crashed"
expect_in out.txt "Status    interrupted"
expect_in out.txt "1 in doubt"

# bad input
run_cutover 2 report nowhere
expect_in err.txt "nowhere: neither a run directory nor the label of a run"
rm "$crashed/runbook.yaml"
run_cutover 5 report "$crashed"
expect_in err.txt "runbook.yaml"
run_cutover 2 report "$run" --format pdf
# an empty journal, and one from a newer cutover
mkdir -p odd/empty odd/newer
cp "$run/runbook.yaml" odd/empty/ && : >odd/empty/journal.jsonl
run_cutover 5 report odd/empty
expect_in err.txt "odd/empty/journal.jsonl:1: the journal has no header"
cp "$run/runbook.yaml" "$run/journal.jsonl" odd/newer/
sed -i '1s/"version":1/"version":2/' odd/newer/journal.jsonl
run_cutover 5 report odd/newer -o newer.txt
expect_in err.txt "journal format version 2 is not the 1 this cutover reads"
[[ ! -e newer.txt ]] || fail "a refused report left a file at -o"
