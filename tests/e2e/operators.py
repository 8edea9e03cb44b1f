"""cutover run at a terminal while other people decide from theirs: a pseudo-terminal stands in
for the operator at the executor, `cutover mark` / `approve` for the others.

Run by operators.sh as `python3 operators.py CUTOVER_BINARY` in a fresh temporary directory.
The terminal helpers come from run_prompts.py. Every wait polls with a deadline; every process
started here is gone at the end.
"""

import glob
import os
import pwd
import signal
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_prompts import (CUTOVER, DEADLINE, MARK, Failure, Terminal, check,  # noqa: E402
                         events, plain, terminal_env, the_run, verify, write)

USER = pwd.getpwuid(os.getuid()).pw_name
HOST = socket.gethostname()


def cutover(*args):
    return subprocess.run([CUTOVER, *args], capture_output=True, text=True, timeout=60)


def expect_exit(result, code, text, what):
    check(result.returncode == code and text in result.stdout + result.stderr,
          f"{what}: exit {result.returncode}, expected {code} with {text!r}\n"
          f"stdout: {result.stdout}\nstderr: {result.stderr}")


def inbox(run_dir):
    return glob.glob(os.path.join(run_dir, "inbox", "*.json"))


# --- questions at the terminal answered from another one before anyone types -----------------

def answered_elsewhere():
    os.mkdir("elsewhere")
    os.chdir("elsewhere")
    write("rb.yaml", f"""\
version: 1
id: operators
tasks:
  - id: confirm
    owner: ops
    estimate: 5m
    manual: Check the dashboard {MARK}.
  - id: go-no-go
    estimate: 1m
    depends_on: confirm
    gate:
      approvals: [lead, owner]
  - id: switch
    estimate: 1s
    depends_on: go-no-go
    run: echo "switched {MARK}"
""")
    term = Terminal(["run", "rb.yaml"], terminal_env(colour=False))
    try:
        term.expect(f"Check the dashboard {MARK}.", "confirm's instructions")
        term.expect("[confirm] done, failed or skipped? [d/f/s]: ", "confirm's question")
        run_dir = os.path.abspath(the_run("operators"))

        # Nobody typed yet: alice marks it from elsewhere; the terminal says so and goes on.
        marked = cutover("mark", run_dir, "confirm", "done", "--by", "alice")
        expect_exit(marked, 0, "recorded: confirm done by alice", "cutover mark")
        term.expect(f"[confirm] answered at another terminal by alice ({USER}@{HOST})",
                    "the question taken back, naming who answered")
        term.expect("ok     confirm", "confirm done")

        # The gate: lead approves from elsewhere; the terminal asks the one still missing.
        term.expect("[go-no-go] go, no-go or hold? [g/n/h]: ", "the gate's question")
        approved = cutover("approve", run_dir, "go-no-go", "--by", "lead")
        expect_exit(approved, 0, "recorded: go-no-go approved by lead", "cutover approve")
        term.expect("go-no-go: approved by lead", "lead's approval shown")
        term.expect("[go-no-go] go, no-go or hold? [g/n/h]: ", "the gate's question again")
        term.type("g")
        term.expect("[go-no-go] who decides? (owner): ", "only the approver still missing")
        term.type("owner")
        term.expect(f"[switch] switched {MARK}", "the task after the gate")
        status = term.finish()
    finally:
        term.kill()
    check(status == 0, f"exit {status}, expected 0:\n{plain(term.output)}")

    finished = events(run_dir, event="task_finished", task="confirm")
    check(len(finished) == 1 and finished[0].get("status") == "succeeded"
          and finished[0].get("by") == "alice" and finished[0].get("user") == USER
          and finished[0].get("host") == HOST and finished[0].get("decision"),
          f"confirm's task_finished: {finished}")
    approvals = events(run_dir, event="gate_approved", task="go-no-go")
    check([(e.get("approver"), e.get("by"), bool(e.get("decision"))) for e in approvals]
          == [("lead", "lead", True), ("owner", "owner", False)],
          f"gate_approved (lead from the inbox, owner at the prompt): {approvals}")
    check(not events(run_dir, event="decision_refused"), "a decision was refused")
    check(not inbox(run_dir), f"decisions left in the inbox: {inbox(run_dir)}")
    verify(run_dir)
    os.chdir("..")


# --- the reverse race: the answer typed first, then cutover mark ---------------------------------

def typed_first():
    os.mkdir("typed")
    os.chdir("typed")
    write("rb.yaml", f"""\
version: 1
id: operators
tasks:
  - id: confirm
    owner: ops
    estimate: 5m
    manual: Check the dashboard.
  - id: after
    estimate: 1s
    depends_on: confirm
    run: echo "after {MARK}"
""")
    term = Terminal(["run", "rb.yaml"], terminal_env(colour=False))
    mark = None
    try:
        term.expect("[confirm] done, failed or skipped? [d/f/s]: ", "confirm's question")
        run_dir = os.path.abspath(the_run("operators"))
        term.type("d")
        term.expect("[confirm] your name (asked once): ", "the question for a name")
        # The executor is held still while bob types his name and then carol, who still sees
        # the task waiting, marks it: both reach it at once, bob's answer first.
        os.kill(term.pid, signal.SIGSTOP)
        try:
            term.type("bob")
            mark = subprocess.Popen([CUTOVER, "mark", run_dir, "confirm", "done", "--by", "carol"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + DEADLINE
            while not inbox(run_dir):
                if mark.poll() is not None:
                    raise Failure(f"cutover mark ended before it queued its decision: exit "
                                  f"{mark.returncode}: {mark.communicate()}")
                check(time.monotonic() < deadline, "cutover mark queued nothing within 20 s")
                time.sleep(0.02)
        finally:
            os.kill(term.pid, signal.SIGCONT)
        stdout, stderr = mark.communicate(timeout=60)
        check(mark.returncode == 2
              and "cutover: refused: confirm already finished: succeeded (by bob)" in stderr,
              f"cutover mark after the typed answer: exit {mark.returncode}, expected 2 "
              f"refused\nstdout: {stdout}\nstderr: {stderr}")
        term.expect("refused: mark confirm done by carol", "carol's refusal at the terminal")
        term.expect(f"[after] after {MARK}", "the task after confirm")
        status = term.finish()
    finally:
        term.kill()
        if mark and mark.poll() is None:
            mark.kill()
            mark.wait()
    check(status == 0, f"exit {status}, expected 0:\n{plain(term.output)}")

    finished = events(run_dir, event="task_finished", task="confirm")
    check(len(finished) == 1 and finished[0].get("by") == "bob"
          and finished[0].get("status") == "succeeded" and "decision" not in finished[0],
          f"confirm's task_finished (bob at the prompt): {finished}")
    refused = events(run_dir, event="decision_refused", task="confirm")
    check(len(refused) == 1 and refused[0].get("by") == "carol" and refused[0].get("user") == USER
          and refused[0].get("verdict") == "done"
          and refused[0].get("reason") == "confirm already finished: succeeded (by bob)",
          f"decision_refused: {refused}")
    check(not inbox(run_dir), f"decisions left in the inbox: {inbox(run_dir)}")
    verify(run_dir)
    os.chdir("..")


def main():
    try:
        answered_elsewhere()
        typed_first()
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
