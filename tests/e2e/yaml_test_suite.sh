# The public YAML test suite: none of its 402 streams is a runbook, so every one must be
# answered with exit 3 and a located message, promptly, never a crash or a hang.
source "$(dirname "$0")/lib.sh"

cases="$SRC/tests/yaml-test-suite/cases"

count=0
for stream in "$cases"/*.yaml; do
  status=0
  timeout 10 "$CUTOVER" validate "$stream" >out.txt 2>err.txt || status=$?
  [[ $status == 3 ]] || { cat out.txt err.txt >&2; fail "$(basename "$stream"): exit $status, expected 3"; }
  [[ ! -s err.txt ]] || { cat err.txt >&2; fail "$(basename "$stream"): wrote to stderr"; }
  grep -qE '^[^ ]+:[0-9]+:[0-9]+: error: ' out.txt || { cat out.txt >&2; fail "$(basename "$stream"): no located error"; }
  count=$((count + 1))
done
[[ $count -ge 400 ]] || fail "only $count streams found"
echo "$count streams answered with exit 3 and a located error"
