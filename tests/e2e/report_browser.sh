# The HTML report in a real browser (Debian's headless Chromium): it renders to a screenshot,
# the DOM holds every task, nothing is fetched from the network and the console stays quiet.
source "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || fail "chromium is not installed (./scripts/install-deps.sh installs it)"

runbook shop.yaml <<'YAML'
version: 1
id: shop-move
title: Shop <move> & "switch"
window: { start: "2026-11-28T18:00:00+01:00", duration: 2h }
phases: [prepare, switch]
tasks:
  - id: freeze
    phase: prepare
    estimate: 1s
    run: "sleep 1.2"
  - id: flaky-export
    phase: prepare
    estimate: 2s
    retries: 1
    run: "test -e done || { touch done; exit 1; }"
  - id: optional-cleanup
    phase: prepare
    on_failure: continue
    run: "exit 3"
  - id: go-no-go
    phase: switch
    depends_on: [freeze, flaky-export]
    gate:
      approvals: [lead]
  - id: switch
    phase: switch
    depends_on: [go-no-go]
    point_of_no_return: true
    estimate: 5s
    run: "echo switched"
YAML
run_cutover 0 run shop.yaml --auto
run_cutover 0 report --format html -o report.html

page="file://$PWD/report.html"
browser=(timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$PWD/profile")
"${browser[@]}" --window-size=1280,1600 --screenshot="$PWD/shot.png" "$page" >/dev/null 2>&1 ||
  fail "chromium could not take a screenshot"
"${browser[@]}" --enable-logging=stderr --v=0 --log-net-log="$PWD/net.json" --dump-dom "$page" \
  >dom.html 2>console.txt || fail "chromium could not load the page: $(tail -5 console.txt)"

/usr/bin/python3 - shot.png dom.html console.txt net.json <<'PY'
import json, re, sys
shot, dom, console, net = sys.argv[1:]
png = open(shot, "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, f"not a real screenshot: {len(png)} bytes"
text = open(dom, encoding="utf-8").read()
tasks = set(re.findall(r'data-task="([^"]+)"', text))
assert tasks == {"freeze", "flaky-export", "optional-cleanup", "go-no-go", "switch"}, tasks
assert "Shop &lt;move&gt; &amp; \"switch\"" in text or "Shop &lt;move&gt; &amp; &quot;switch&quot;" in text, "title not escaped"
assert "✗ " in text and "↻ " in text and "★ " in text, "marks for failed, retried and critical"
messages = [line for line in open(console, encoding="utf-8", errors="replace") if ":CONSOLE" in line]
assert not messages, f"console messages: {messages}"
log = json.load(open(net))
types = {value: name for name, value in log["constants"]["logEventTypes"].items()}
fetched = sorted({e["params"]["url"] for e in log["events"]
                  if types.get(e["type"]) == "URL_REQUEST_START_JOB"
                  and "file://" in e["params"].get("network_isolation_key", "")
                  and not e["params"]["url"].startswith(("file:", "data:"))})
assert not fetched, f"the page fetched: {fetched}"
PY
