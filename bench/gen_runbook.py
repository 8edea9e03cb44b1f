#!/usr/bin/env python3
"""Writes a valid N-task runbook to stdout, shaped like a real one: phases, owners, estimates,
1-3 dependencies on recent tasks, commands with {{ VAR }} references, rollbacks, some manual
tasks and gates. Deterministic for a given N and seed."""
import random
import sys


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    phases = ["prepare", "freeze", "migrate", "verify", "go-live"]
    out = [
        "version: 1",
        f"id: bench-{count}",
        f"title: Generated runbook with {count} tasks",
        "window:",
        "  start: 2026-11-28T18:00:00+01:00",
        "  duration: 3650d",
        "vars:",
        "  TARGET_HOST: db.internal",
        "  BATCH: nightly",
        "secrets: [BENCH_TOKEN]",
        "defaults:",
        "  owner: cutover-team",
        "  timeout: 30m",
        f"phases: [{', '.join(phases)}]",
        "tasks:",
    ]
    for i in range(count):
        phase = phases[min(len(phases) - 1, i * len(phases) // count)]
        out.append(f"  - id: task-{i:06d}")
        out.append(f"    title: Step {i} of the {phase} phase")
        out.append(f"    phase: {phase}")
        out.append(f"    estimate: {rng.randint(1, 90)}m")
        if i > 0:
            deps = sorted({rng.randint(max(0, i - 50), i - 1) for _ in range(rng.randint(1, 3))})
            out.append("    depends_on: [" + ", ".join(f"task-{d:06d}" for d in deps) + "]")
        kind = rng.random()
        if kind < 0.05:
            out.append("    gate:")
            out.append("      checks:")
            out.append(f"        - name: rows reconcile for batch {i}")
            out.append(f"          run: ./check.sh --batch {{{{ BATCH }}}} --step {i}")
            out.append("          expect: { exit_code: 0, stdout: \"^OK\" }")
            out.append("      approvals: [cutover-lead]")
        elif kind < 0.20:
            out.append(f"    manual: Confirm step {i} on {{{{ TARGET_HOST }}}} and tick it off.")
            out.append("    rollback: { manual: Undo the confirmation. }")
        else:
            out.append(f"    run: ./step.sh --host {{{{ TARGET_HOST }}}} --step {i}")
            out.append("    env: { API_TOKEN: \"{{ BENCH_TOKEN }}\" }")
            out.append(f"    rollback: ./undo.sh --step {i}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
