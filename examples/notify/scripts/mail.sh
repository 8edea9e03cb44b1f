#!/bin/sh
# Mails the event to $1 with sendmail: the message as the subject, the event's JSON as the
# body. Where no sendmail is installed (a laptop rehearsal), it says what it would have sent.
set -eu
to=$1
event=$(cat)
mail=$(printf 'To: %s\nSubject: [cutover] %s\nContent-Type: text/plain; charset=utf-8\n\n%s\n' \
  "$to" "$CUTOVER_MESSAGE" "$event")
if command -v sendmail >/dev/null 2>&1; then
  printf '%s\n' "$mail" | sendmail -t
else
  echo "sendmail is not installed; not sent:"
  printf '%s\n' "$mail"
fi
