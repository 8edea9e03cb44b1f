# One executor per run directory: a second is refused naming the holder; a lock left by a
# dead executor is taken over.
source "$(dirname "$0")/lib.sh"

runbook slow.yaml <<'EOF2'
version: 1
id: slow
tasks:
  - id: wait
    run: touch started; while [ ! -e release ]; do sleep 0.05; done
EOF2
"$CUTOVER" run --run-dir shared slow.yaml >first.out 2>&1 </dev/null &
first=$!
# Whatever happens below, the first run must not outlive the test.
trap 'touch release; kill $first 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 400); do [[ -e started ]] && break; sleep 0.05; done
[[ -e started ]] || fail "the first run did not start"

run_cutover 5 run --run-dir shared slow.yaml
expect_in err.txt "run directory shared is locked by another executor: pid $first on host $(hostname) since 20"
touch release
wait "$first" || fail "the first run failed: $(cat first.out)"
run_cutover 0 verify shared

# A lock record left behind by a process that is gone: taken over, and said so.
mkdir stale
echo "999999 old-host 2026-11-28T17:00:00.000Z" >stale/lock
run_cutover 0 run --run-dir stale slow.yaml
expect_in out.txt "took over the lock left by pid 999999 on old-host (since 2026-11-28T17:00:00.000Z), which is gone"
