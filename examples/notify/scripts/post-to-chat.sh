#!/bin/sh
# Posts the event's one-line message to a chat's incoming webhook: Slack, Mattermost and
# Microsoft Teams take {"text": "..."}. The event is on stdin as JSON; the URL comes from the
# environment (a secret of the runbook), never from the command line.
set -eu
: "${CHAT_WEBHOOK_URL:?CHAT_WEBHOOK_URL is not set}"
payload=$(python3 -c '
import json, sys
event = json.load(sys.stdin)
marks = {"task_failed": ":x:", "rollback_started": ":rewind:", "deadline": ":alarm_clock:",
         "overrun": ":hourglass:", "gate_waiting": ":raised_hand:",
         "point_of_no_return": ":warning:", "run_finished": ":checkered_flag:"}
mark = marks.get(event["event"], ":information_source:")
print(json.dumps({"text": mark + " " + event["message"]}))
')
curl --fail --silent --show-error --max-time 15 \
  -H 'Content-Type: application/json' --data-binary "$payload" "$CHAT_WEBHOOK_URL"
