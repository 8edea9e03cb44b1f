# The communication plan: notify hooks hear the events they listen for, with the event as JSON
# on stdin and in their environment, secrets redacted; hooks that fail, hang, flood or leave
# processes behind change nothing about the run; `cutover notify test`.
source "$(dirname "$0")/lib.sh"

run_dir_of() { realpath "$(ls -td .cutover/runs/"$1"/*/ | head -1)"; }
show_outputs() { cat run.out run.err >&2 || true; }

# A hook that keeps what it is told: the JSON lines, and its environment's view of them.
hook_keeping='cat >> events.jsonl; printf "%s|%s|%s\n" "$CUTOVER_EVENT" "$CUTOVER_TASK_ID" "$CUTOVER_MESSAGE" >> env.txt; echo told with {{ HOOK_TOKEN }}'
export HOOK_TOKEN=s3cret-value

# --- a run that goes well, with people: gate_waiting, waiting, the point of no return. The
# gate and the manual step are answered from another terminal.
runbook go.yaml <<EOF
version: 1
id: go
title: Move s3cret-value
secrets: [HOOK_TOKEN]
tasks:
  - id: prep
    run: "true"
  - id: decide
    depends_on: [prep]
    gate:
      approvals: [ann]
  - id: announce
    depends_on: [decide]
    manual: Tell the business.
  - id: switch
    title: Switch DNS
    depends_on: [announce]
    point_of_no_return: true
    run: "true"
notify:
  - on: [run_started, waiting, gate_waiting, point_of_no_return, task_failed, rollback_started, run_finished]
    run: '$hook_keeping'
EOF
timeout 60 "$CUTOVER" run go.yaml --non-interactive >run.out 2>run.err &
PIDS+=($!)
poll "the gate waits" grep -qs '"event":"waiting"' events.jsonl
run_cutover 0 approve decide --by ann
poll "the manual step waits" grep -qs '"task":"announce"' events.jsonl
run_cutover 0 mark announce done --by bob
wait "${PIDS[-1]}" || fail "the run failed: $(cat run.out run.err)"
dir=$(run_dir_of go)
python3 - "$dir" <<'PY' || fail "what the hook was told"
import json, sys
events = [json.loads(line) for line in open("events.jsonl")]
kinds = [(e["event"], e["task"]) for e in events]
assert kinds == [("run_started", None), ("gate_waiting", "decide"), ("waiting", "decide"),
                 ("waiting", "announce"), ("point_of_no_return", "switch"),
                 ("run_finished", None)], kinds
first = events[0]
assert list(first)[:8] == ["event", "time", "runbook", "title", "run_id", "run_dir", "task",
                           "message"], list(first)
assert first["runbook"] == "go" and first["title"] == "Move ***", first
assert first["run_dir"] == sys.argv[1], (first["run_dir"], sys.argv[1])
assert events[2]["waiting_on"] == ["ann"] and events[2]["answers"] == ["go", "no-go", "hold"]
assert events[4]["message"] == "go — Move ***: 'switch' (Switch DNS) started: the point of no return"
assert events[5]["outcome"] == "succeeded" and events[5]["exit_code"] == 0
PY
expect_in env.txt "waiting|announce|go — Move ***: 'announce' waits for a person (done, failed or skipped)"
expect_in env.txt "run_finished||go — Move ***: the run ended: succeeded"
expect_not_in events.jsonl "s3cret-value"
expect_not_in env.txt "s3cret-value"
expect_in "$dir/logs/notify.log" "#1 out told with ***"
expect_not_in "$dir/logs/notify.log" "s3cret-value"
[[ $(grep -c '"event":"notify_sent"' "$dir/journal.jsonl") == 6 ]] || fail "six notify_sent"
run_cutover 0 verify "$dir"

# --- a failure and its rollback: task_failed, rollback_started, run_finished rolled_back. With
# --auto nothing waits on a person, so nothing is told about waiting.
rm -f events.jsonl env.txt
runbook back.yaml <<EOF
version: 1
id: back
secrets: [HOOK_TOKEN]
tasks:
  - id: prep
    run: "true"
    rollback: "true"
  - id: check
    depends_on: [prep]
    manual: Look at it.
  - id: load
    depends_on: [check]
    run: exit 3
notify:
  - on: [waiting, task_failed, rollback_started, run_finished]
    run: '$hook_keeping'
EOF
run_cutover 1 run back.yaml --auto
python3 - <<'PY' || fail "what the hook was told of a rollback"
import json
events = [json.loads(line) for line in open("events.jsonl")]
assert [(e["event"], e["task"]) for e in events] == [
    ("task_failed", "load"), ("rollback_started", None), ("run_finished", None)], events
assert events[0]["reason"] == "exit code 3"
assert events[1]["message"] == "back: rollback started: task load failed", events[1]
assert events[2]["outcome"] == "rolled_back"
PY

# --- hooks that fail, cannot start, hang, flood their output or leave a process behind: the
# run goes on and succeeds, every attempt is journaled, each failing hook is shown once, and no
# hook's process outlives the run.
marker="cutover-notify-e2e-$$"
runbook faults.yaml <<EOF
version: 1
id: faults
tasks:
  - id: a
    run: "true"
  - id: b
    depends_on: [a]
    run: "true"
notify:
  - on: [run_started, run_finished]
    run: exit 7
  - on: [run_started]
    run: /no/such/hook
  - on: [run_started, run_finished]
    run: "sleep 600; true $marker-hang"
    timeout: 1s
  - on: [run_started]
    run: yes flood | head -c 3000000
  - on: [run_started]
    run: "(sleep 600; true $marker-background) & echo left behind"
EOF
run_cutover 0 run faults.yaml
dir=$(run_dir_of faults)
journal="$dir/journal.jsonl"
[[ $(grep -c '"event":"notify_failed","hook":1' "$journal") == 2 ]] || fail "hook 1 fails twice"
[[ $(grep -c 'notify hook #1 failed' out.txt) == 1 ]] || fail "hook 1 is shown once"
expect_in out.txt "notify hook #1 failed on run_started: exit code 7"
expect_in out.txt "notify hook #2 failed on run_started: exit code 127"
expect_in out.txt "notify hook #3 failed on run_started: timed out after 1s"
grep -q '"event":"notify_failed","hook":3,"notice":"run_finished"' "$journal" ||
  fail "the hanging hook's run_finished is journaled as failed"
grep -q '"event":"notify_sent","hook":4' "$journal" || fail "the flooding hook ends well"
grep -q '"event":"notify_sent","hook":5' "$journal" || fail "the hook that leaves a process"
expect_in out.txt "run succeeded: 2 of 2 tasks done"
# The run finished before its hanging hook had even timed out once.
python3 - "$journal" <<'PY' || fail "the run waited for a hook"
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if '"event"' in line]
order = [e["event"] + ":" + str(e.get("hook", "")) for e in events]
assert order.index("task_finished:") < order.index("notify_failed:3"), order
PY
flood_lines=$(grep -c '^[^ ]* #4 out flood$' "$dir/logs/notify.log")
((flood_lines > 1000 && flood_lines < 20000)) || fail "the flood is kept up to its cap: $flood_lines lines"
expect_in "$dir/logs/notify.log" "#4 --- output beyond 64 KiB is not kept"
expect_in "$dir/logs/notify.log" "#5 out left behind"
if pgrep -f "$marker" >/dev/null; then
  pkill -f "$marker" || true
  fail "a hook's process outlived the run"
fi
run_cutover 0 verify "$dir"

# --- overrun: a task active 50% past its estimate is told once, while it still runs.
runbook slow.yaml <<'EOF'
version: 1
id: slow
tasks:
  - id: crawl
    estimate: 2s
    run: sleep 6
  - id: quick
    estimate: 2s
    depends_on: [crawl]
    run: "true"
notify:
  - on: [overrun]
    run: cat >> overrun.jsonl
EOF
run_cutover 0 run slow.yaml
json_check overrun.jsonl 'd["task"] == "crawl" and d["estimate_ms"] == 2000 and 3000 <= d["elapsed_ms"] < 6000'
json_check overrun.jsonl 'd["message"].startswith("slow: ") and " has taken " in d["message"] and d["message"].endswith(", estimated 2s")'

# --- the next gate's no-go deadline: told 15 minutes ahead, and when it has passed. The
# window began 70 minutes ago and ends in 20: undoing prep takes 10, so the gate must decide
# within 10 minutes; in a window that ended, its deadline has passed.
deadline_runbook() {
  cat >"$1" <<YAML
version: 1
id: $2
window:
  start: $(date -u -d "$3" +%Y-%m-%dT%H:%M:%SZ)
  duration: 1h30m
tasks:
  - id: prep
    run: "true"
    estimate: 1m
    rollback:
      run: "true"
      estimate: 10m
  - id: go
    depends_on: [prep]
    estimate: 1m
    gate:
      approvals: [ann]
notify:
  - on: [deadline]
    run: cat >> $2.jsonl
YAML
}
deadline_runbook soon.yaml soon "-70 min"
deadline_runbook late.yaml late "-3 hours"
for id in soon late; do
  timeout 60 "$CUTOVER" run "$id.yaml" --non-interactive >run.out 2>run.err &
  PIDS+=($!)
  poll "the deadline of $id is told" grep -qs '"event":"deadline"' "$id.jsonl"
  run_cutover 0 approve "$(run_dir_of "$id")" go --by ann
  wait "${PIDS[-1]}" || fail "the run of $id failed: $(cat run.out run.err)"
done
json_check soon.jsonl 'd["task"] == "go" and d["passed"] is False and "must decide by" in d["message"]'
json_check late.jsonl 'd["passed"] is True and "has passed" in d["message"]'

# --- examples/notify: the chat hook posts {"text": ...} to a webhook (a local stand-in here),
# the mail hook mails (or says what it would have), the timeline hook keeps every notice.
cp -r "$SRC/examples/notify" example
python3 "$SRC/tests/e2e/webhook_receiver.py" port posted.txt &
PIDS+=($!)
poll "the webhook listens" test -s port
CHAT_WEBHOOK_URL="http://127.0.0.1:$(cat port)/services/T0/B0/s3cret-path" \
  run_cutover 0 run example/runbook.yaml --auto
dir=$(run_dir_of notify-demo)
python3 - posted.txt <<'PY' || fail "what the chat hook posted"
import json, sys
lines = [line.rstrip("\n").split(" ", 2) for line in open(sys.argv[1])]
assert all(path == "/services/T0/B0/s3cret-path" for path, _, _ in lines), lines
assert all(kind == "application/json" for _, kind, _ in lines), lines
texts = [json.loads(body)["text"] for _, _, body in lines]
head = "notify-demo \u2014 Switch www to the new load balancer: "
assert texts[0] == ":information_source: " + head + "the run started", texts
assert ":warning: " + head + "'switch-dns' (Point www at lb-new) started: the point of no return" in texts, texts
assert texts[-1] == ":checkered_flag: " + head + "the run ended: succeeded", texts
PY
grep -q '"event":"notify_sent","hook":2' "$dir/journal.jsonl" || fail "the mail hook ran"
expect_in "$dir/comms-timeline.txt" "run_finished       notify-demo"
expect_not_in "$dir/logs/notify.log" "s3cret-path"
expect_in "$dir/logs/notify.log" "#1 out ok"

# --- a dry run tells nobody.
rm -f events.jsonl
run_cutover 0 run go.yaml --dry-run
[[ ! -e events.jsonl ]] || fail "a dry run told a hook"

# --- cutover notify test: one `test` event to every hook, and how each did.
runbook plan.yaml <<EOF
version: 1
id: plan
secrets: [HOOK_TOKEN]
tasks:
  - id: a
    run: "true"
notify:
  - on: [run_finished]
    run: '$hook_keeping'
  - on: [task_failed]
    run: echo no webhook >&2; exit 4
EOF
run_cutover 1 notify test plan.yaml
expect_in out.txt "hook #1: cat >> events.jsonl;"
expect_in out.txt "echo told with *** (hears run_finished)"
expect_in out.txt "  #1 out: told with ***"
expect_in out.txt "hook #1: sent in"
expect_in out.txt "  #2 err: no webhook"
expect_in out.txt "hook #2: FAILED: exit code 4"
expect_in out.txt "1 of 2 hooks failed"
expect_not_in out.txt "s3cret-value"
json_check events.jsonl 'd["event"] == "test" and d["run_id"] is None and d["task"] is None'
expect_in env.txt "test||plan: a test of the communication plan (cutover notify test)"
rm -f events.jsonl
run_cutover 0 notify test plan.yaml --dry-run
expect_in out.txt "dry run: nothing sent"
[[ ! -e events.jsonl ]] || fail "notify test --dry-run sent something"
(unset HOOK_TOKEN && run_cutover 5 notify test plan.yaml)
expect_in err.txt "HOOK_TOKEN"
run_cutover 0 notify test back.yaml --dry-run
runbook quiet.yaml <<'EOF'
version: 1
id: quiet
tasks:
  - id: a
    run: "true"
EOF
run_cutover 0 notify test quiet.yaml
expect_in out.txt "quiet.yaml has no notify hooks: nothing to test"
run_cutover 2 notify test
echo "notify: ok"
