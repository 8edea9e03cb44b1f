# cutover verify: a journal written by an independent implementation of the documented format
# (Python, below) verifies; an edited, removed or inserted line is named; a torn tail warns.
source "$(dirname "$0")/lib.sh"

run=.cutover/runs/demo/20261128T170000Z-rehearsal-1
mkdir -p "$run"
/usr/bin/python3 - "$run/journal.jsonl" <<'PY'
import hashlib, json, sys
lines = [json.dumps({"format": "cutover-journal", "version": 1, "run_id": "demo/20261128T170000Z",
                     "label": "rehearsal-1", "runbook_sha256": "0" * 64, "cutover_version": "0.1.0",
                     "host": "h", "user": "u", "time": "2026-11-28T17:00:00.000Z"},
                    separators=(",", ":"))]
for seq, event in enumerate(["run_started", "task_started", "task_finished", "run_finished"], 1):
    prev = hashlib.sha256(lines[-1].encode()).hexdigest()
    lines.append(json.dumps({"seq": seq, "time": "2026-11-28T17:00:0%d.000Z" % seq,
                             "elapsed_ms": seq * 1000, "event": event, "prev": prev},
                            separators=(",", ":")))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
journal=$run/journal.jsonl
cp "$journal" pristine.jsonl

run_cutover 0 verify "$run"
expect_in out.txt "$journal: intact (5 lines, hash chain verified)"
# RUN_DIR left out: the latest run.
run_cutover 0 verify
expect_in out.txt "intact (5 lines"

sed -i '3s/task_started/task_skipped/' "$journal"
run_cutover 1 verify "$run"
expect_in out.txt "$journal:4: broken: its prev is not the SHA-256 of line 3"

cp pristine.jsonl "$journal"
sed -i '3d' "$journal"
run_cutover 1 verify "$run"
expect_in out.txt "$journal:3: broken:"

cp pristine.jsonl "$journal"
sed -i '2a {"seq":2,"time":"2026-11-28T17:00:01.500Z","elapsed_ms":1500,"event":"approved","prev":"x"}' "$journal"
run_cutover 1 verify "$run"
expect_in out.txt "$journal:3: broken: its prev is not the SHA-256 of line 2"

cp pristine.jsonl "$journal"
printf '{"seq":5,"time":"2026-11-2' >>"$journal"
run_cutover 0 verify "$run"
expect_in err.txt "warning: $journal: line 6 is incomplete (a write cut short by a crash) and is ignored"

run_cutover 2 verify nowhere
expect_in err.txt "nowhere: neither a run directory nor the label of a run"
mkdir empty-dir
run_cutover 2 verify empty-dir
expect_in err.txt "no journal.jsonl in it"
