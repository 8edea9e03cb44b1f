# Every example in examples/ rehearses end to end with --auto, as examples/README.md says.
source "$(dirname "$0")/lib.sh"

cp -r "$SRC/examples" .
# rehearse EXIT NAME TEXT...: runs the example, expects each TEXT in its output and a sound
# run dir.
rehearse() {
  local expected=$1 name=$2 text
  shift 2
  run_cutover "$expected" run --auto --label e2e "examples/$name/runbook.yaml"
  for text in "$@"; do expect_in out.txt "$text"; done
  local dir
  dir=$(ls -td .cutover/runs/*/*-e2e/ | head -1)
  [[ -s $dir/timing.csv ]] || fail "$name: no timing.csv"
  run_cutover 0 verify "$dir"
}

# --auto approves: the terminal says so, as the journal does (by: auto), not the approver alone.
rehearse 0 quickstart "run succeeded: 9 of 9 tasks done" \
  "go-no-go: approved for cutover-lead (by auto)"
rehearse 0 gate "'replica has caught up' not yet"
rehearse 0 manual "run succeeded"
rehearse 1 rollback "run rolled back"
DEMO_API_TOKEN=s3cr3t-demo-token-2026 rehearse 0 secrets "run succeeded"
# No chat to post to: the chat hook fails, says so once, and the cutover goes on.
CHAT_WEBHOOK_URL=http://127.0.0.1:9/hook rehearse 0 notify "run succeeded: 4 of 4 tasks done" \
  "notify hook #1 failed on run_started: exit code 7"
# (The frozen runbook.yaml quotes the demo value in a comment, as the example does.)
if grep -rqF --exclude=runbook.yaml "s3cr3t-demo-token-2026" .cutover; then fail "the demo token leaked"; fi
