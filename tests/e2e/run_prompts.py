"""cutover run with people at a terminal: a pseudo-terminal stands in for the operator.

Run by run_prompts.sh as `python3 run_prompts.py CUTOVER_BINARY` in a fresh temporary
directory. Every wait polls with a deadline; every process started here is gone at the end.
"""

import codecs
import errno
import fcntl
import json
import os
import pty
import pwd
import random
import re
import select
import signal
import socket
import subprocess
import struct
import sys
import termios
import time

CUTOVER = os.path.abspath(sys.argv[1])
MARK = f"marker-{os.getpid()}-{random.randrange(1 << 30)}"
DEADLINE = 20.0
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Failure(Exception):
    pass


LATE_FAILURES = []


def plain(text):
    """The terminal output without escape sequences and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")


def status_draws(output):
    """Each drawing of the live status line (it starts "[n/N done"), without escape sequences:
    a carriage return or a line end comes before and after each."""
    pieces = (ANSI.sub("", piece) for piece in re.split(r"[\r\n]+", output))
    return [piece for piece in pieces if re.match(r"\[\d+/\d+ done", piece)]


class Terminal:
    """cutover on the slave side of a pseudo-terminal (its controlling terminal, in a session
    of its own); the test reads and types on the master side."""

    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is already stdin, stdout and stderr
            try:
                os.execve(CUTOVER, [CUTOVER, *args], env)
            finally:
                os._exit(127)
        self.output = ""  # everything read so far, raw
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.cursor = 0  # expect() looks only after this, in plain(output)
        self.status = None

    def resize(self, columns, rows=24):
        """The window's size, as a terminal emulator sets it when its window is resized."""
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def read_some(self, timeout):
        """Reads what is there within timeout; False once the terminal is closed."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError as error:  # Linux: EIO once the slave side is closed
            if error.errno != errno.EIO:
                raise
            data = b""
        if not data:
            return False
        self.output += self.decoder.decode(data)
        return True

    def expect(self, text, what=None):
        """Waits until the output after the cursor, escape sequences removed, holds text;
        moves the cursor past it."""
        deadline = time.monotonic() + DEADLINE
        while True:
            # The cursor counts characters of the plain output: what lies before it is final.
            seen = plain(self.output)[self.cursor :]
            index = seen.find(text)
            if index >= 0:
                self.cursor += index + len(text)
                return
            if time.monotonic() > deadline:
                raise Failure(f"no {what or repr(text)} within {DEADLINE:.0f} s; the terminal "
                              f"showed after the last match:\n{seen}")
            if not self.read_some(0.1):
                raise Failure(f"cutover closed the terminal before {what or repr(text)}; "
                              f"it showed after the last match:\n{seen}")

    def type(self, line):
        os.write(self.fd, (line + "\n").encode())

    def finish(self):
        """Reads to the end and returns cutover's exit code."""
        deadline = time.monotonic() + DEADLINE
        while self.read_some(0.1):
            if time.monotonic() > deadline:
                raise Failure("cutover did not finish within %.0f s:\n%s"
                              % (DEADLINE, plain(self.output[-3000:])))
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                raise Failure("cutover closed its terminal but did not exit")
            time.sleep(0.05)
        self.pid = None
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def kill(self):
        if self.pid:
            for kill in (os.killpg, os.kill):
                try:
                    kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None


def check(condition, message):
    if not condition:
        raise Failure(message)


def check_status_line_cleared(output):
    """At exit the live status line is gone (or ends with a newline): the shell's prompt must
    not land on a stale "[4/4 done]" line."""
    last_line = output[output.rfind("\n") + 1 :]
    visible = plain(last_line.split("\r")[-1])
    if visible.strip():
        # Reported at the end, so that the checks after this one still run.
        LATE_FAILURES.append(f"cutover exited leaving the status line {visible!r} on the "
                             f"terminal (the output ends with {output[-80:]!r})")


def terminal_env(colour):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env["TERM"] = "xterm"
    if not colour:
        env["NO_COLOR"] = "1"
    return env


def the_run(runbook_id):
    runs = os.path.join(".cutover", "runs", runbook_id)
    found = sorted(os.listdir(runs)) if os.path.isdir(runs) else []
    check(len(found) == 1, f"expected one run under {runs}, found {found}")
    return os.path.join(runs, found[0])


def journal(run_dir):
    with open(os.path.join(run_dir, "journal.jsonl")) as file:
        lines = [json.loads(line) for line in file if line.strip()]
    return lines[0], lines[1:]


def events(run_dir, **fields):
    return [e for e in journal(run_dir)[1] if all(e.get(k) == v for k, v in fields.items())]


def verify(run_dir):
    result = subprocess.run([CUTOVER, "verify", run_dir], capture_output=True, text=True,
                            timeout=60)
    check(result.returncode == 0 and "intact" in result.stdout,
          f"cutover verify {run_dir}: exit {result.returncode}\n{result.stdout}{result.stderr}")


def write(path, text):
    with open(path, "w") as file:
        file.write(text)


def wait_for_file(name):
    """A shell loop that waits, at most 20 s, for the file name to exist."""
    return f"i=0; while [ ! -e {name} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"


# --- a manual task and a gate, answered at the prompt ------------------------------------------

def answered_run():
    os.mkdir("answered")
    os.chdir("answered")
    window_start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write("rb.yaml", f"""\
version: 1
id: prompts
window: {{ start: "{window_start}", duration: 2h }}
tasks:
  - id: build
    estimate: 1s
    run: |
      echo "hello {MARK}"
      {wait_for_file("release")}
      echo "built {MARK}"
  - id: confirm
    owner: ops
    estimate: 5m
    depends_on: build
    manual: |
      Check the dashboard {MARK}.
  - id: go-no-go
    depends_on: confirm
    gate:
      approvals: [lead, owner]
  - id: switch
    estimate: 1s
    depends_on: go-no-go
    run: echo "switched {MARK}"
""")
    term = Terminal(["run", "rb.yaml"], terminal_env(colour=True))
    term.resize(80)
    try:
        # The live view: task output with its prefix, and a status line under it.
        term.expect(f"[build] hello {MARK}", "build's first line, prefixed [build]")
        term.expect("done]", "the live status line ([0/4 done] ...)")
        # ... ending with the next gate's deadline; its middle elided to fit 80 columns, so that
        # a redraw never wraps and leaves a half line behind. (A time on another day than now
        # has its date too, and the elision then reaches into "| no-go".)
        term.expect("go at go-no-go by ", "the next gate's deadline in the live view")
        draws = status_draws(term.output)
        check(draws and all(len(draw) <= 79 for draw in draws),
              f"a status line wider than 79 columns: {draws!r}")
        check(any("..." in draw for draw in draws), f"no elided status line: {draws!r}")
        # Resized wider, the whole line: the forecast (P50 and P90), the window, the deadline.
        term.resize(200)
        term.expect("window ends", "the whole status line once the window is wider")
        clock = r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2} )?[0-9:]{8}"
        check(re.search(rf"\| forecast end {clock} \(P90 {clock}\), window ends {clock} "
                        rf"\| no-go at go-no-go by {clock}", plain(term.output)),
              f"the live view's forecast:\n{term.output!r}")
        check(re.search(r"\x1b\[[0-9;]*3[0-9]m\[build\]", term.output),
              f"no colour on [build] on a terminal without NO_COLOR:\n{term.output!r}")
        write("release", "")
        term.expect(f"[build] built {MARK}", "build's second line, prefixed [build]")

        # The manual task: its instructions, a wrong answer asked again, then done by alice.
        term.expect(f"Check the dashboard {MARK}.", "confirm's instructions")
        term.expect("[confirm] done, failed or skipped? [d/f/s]: ", "confirm's question")
        term.type("x")
        term.expect("x\n", "the echo of 'x'")
        term.expect("[confirm] done, failed or skipped? [d/f/s]: ", "confirm's question again after 'x'")
        check(not events(the_run("prompts"), event="task_finished", task="confirm"),
              "'x' was taken as an answer")
        term.type("d dashboard is green")
        term.expect("[confirm] your name (asked once): ", "the question for a name")
        term.type("alice")
        term.expect("ok     confirm", "confirm done")

        # The gate: every approver in turn; a name not on the list is asked again.
        term.expect("[go-no-go] go, no-go or hold? [g/n/h]: ", "the gate's question")
        term.type("g")
        term.expect("[go-no-go] who decides? (lead, owner): ", "the approvers listed")
        term.type("mallory")
        term.expect("mallory\n", "the echo of 'mallory'")
        term.expect("'mallory' is not one of: lead, owner", "the refusal of an unknown name")
        term.expect("[go-no-go] who decides? (lead, owner): ", "the approvers listed again")
        term.type("lead")
        term.expect("[go-no-go] go, no-go or hold? [g/n/h]: ", "the gate's question for the second approver")
        term.type("g")
        term.expect("[go-no-go] who decides? (owner): ", "the approver still missing")
        term.type("owner")
        term.expect(f"[switch] switched {MARK}", "the task after the gate, prefixed [switch]")
        status = term.finish()
    finally:
        term.kill()
    check(status == 0, f"exit {status}, expected 0:\n{plain(term.output)}")
    check_status_line_cleared(term.output)

    run_dir = the_run("prompts")
    header, _ = journal(run_dir)
    user, host = pwd.getpwuid(os.getuid()).pw_name, socket.gethostname()
    check(header["user"] == user and header["host"] == host, f"header: {header}")
    confirm = events(run_dir, event="task_finished", task="confirm")
    check(len(confirm) == 1 and confirm[0].get("status") == "succeeded"
          and confirm[0].get("by") == "alice" and confirm[0].get("user") == user
          and confirm[0].get("host") == host and confirm[0].get("note") == "dashboard is green",
          f"confirm's task_finished: {confirm}")
    approved = events(run_dir, event="gate_approved", task="go-no-go")
    check([(e.get("approver"), e.get("by")) for e in approved] == [("lead", "lead"), ("owner", "owner")],
          f"gate_approved events: {approved}")
    check(all(e.get("user") == user and e.get("host") == host for e in approved),
          f"gate_approved without user and host: {approved}")
    check(not events(run_dir, event="gate_rejected"), "a gate_rejected")
    check(events(run_dir, event="task_finished", task="go-no-go", status="succeeded"),
          "the gate did not succeed")
    check(events(run_dir, event="run_finished", outcome="succeeded", exit_code=0),
          "no run_finished succeeded")
    verify(run_dir)
    with open(os.path.join(run_dir, "logs", "build.log")) as file:
        check(f"hello {MARK}" in file.read(), "build's log lacks its output")
    os.chdir("..")


# --- a rejection: no-go, the run stops -----------------------------------------------------------

def rejected_run():
    os.mkdir("rejected")
    os.chdir("rejected")
    write("rb.yaml", f"""\
version: 1
id: prompts
tasks:
  - id: prepare
    estimate: 1s
    run: echo "prepared {MARK}"
  - id: go-no-go
    depends_on: prepare
    on_failure: stop
    gate:
      approvals: [lead, owner]
  - id: switch
    estimate: 1s
    depends_on: go-no-go
    run: touch switch.started
""")
    term = Terminal(["run", "rb.yaml"], terminal_env(colour=False))
    try:
        term.expect(f"[prepare] prepared {MARK}", "prepare's output, prefixed [prepare]")
        term.expect("[go-no-go] go, no-go or hold? [g/n/h]: ", "the gate's question")
        term.type("n")
        term.expect("[go-no-go] who decides? (lead, owner): ", "the approvers listed")
        term.type("lead")
        # A no-go is not one keystroke: a reason, then a confirmation; anything else takes it
        # back and the gate goes on waiting.
        term.expect("[go-no-go] why no-go? ", "the question for a reason")
        term.type("")
        term.expect("a no-go needs its reason", "a reason asked again")
        term.expect("[go-no-go] why no-go? ", "the question for a reason again")
        term.type("smoke test failed")
        term.expect("Type no-go to confirm: ", "the confirmation")
        term.type("n")
        term.expect("not confirmed: go-no-go goes on waiting", "a no-go taken back")
        check(not events(the_run("prompts"), event="gate_rejected"), "an unconfirmed no-go counted")
        term.expect("[go-no-go] go, no-go or hold? [g/n/h]: ", "the gate's question again")
        term.type("n")
        term.expect("[go-no-go] who decides? (lead, owner): ", "the approvers listed again")
        term.type("lead")
        term.expect("[go-no-go] why no-go? ", "the reason, asked again")
        term.type("smoke test failed")
        term.expect("Type no-go to confirm: ", "the confirmation again")
        term.type("no-go")
        status = term.finish()
    finally:
        term.kill()
    check(status == 1, f"exit {status}, expected 1:\n{plain(term.output)}")
    check_status_line_cleared(term.output)
    check("\x1b[3" not in term.output and "\x1b[1" not in term.output,
          f"colour with NO_COLOR set:\n{term.output!r}")
    check(not os.path.exists("switch.started"), "the task after a rejected gate ran")

    run_dir = the_run("prompts")
    user, host = pwd.getpwuid(os.getuid()).pw_name, socket.gethostname()
    rejected = events(run_dir, event="gate_rejected", task="go-no-go")
    check(len(rejected) == 1 and rejected[0].get("approver") == "lead"
          and rejected[0].get("by") == "lead" and rejected[0].get("user") == user
          and rejected[0].get("host") == host and rejected[0].get("note") == "smoke test failed",
          f"gate_rejected: {rejected}")
    check(not events(run_dir, event="gate_approved"), "a gate_approved")
    check(events(run_dir, event="task_finished", task="go-no-go", status="failed"),
          "the gate is not failed")
    check(not events(run_dir, event="task_started", task="switch"), "switch started")
    check(events(run_dir, event="run_finished", outcome="failed", exit_code=1),
          "no run_finished failed with exit_code 1")
    verify(run_dir)
    os.chdir("..")


def confirm_then_after(extra=""):
    """A manual task `confirm`, then `after` printing the marker; `extra` top-level keys."""
    return f"""\
version: 1
id: prompts
{extra}tasks:
  - id: confirm
    owner: ops
    estimate: 5m
    manual: Check the dashboard.
  - id: after
    estimate: 1s
    depends_on: confirm
    run: echo "after {MARK}"
"""


# --- the terminal's input closes (Ctrl-D): the question waits for cutover mark ------------------

def closed_terminal_run():
    os.mkdir("closed")
    os.chdir("closed")
    write("rb.yaml", confirm_then_after())
    term = Terminal(["run", "rb.yaml"], terminal_env(colour=False))
    try:
        term.expect("[confirm] done, failed or skipped? [d/f/s]: ", "confirm's question")
        run_dir = os.path.abspath(the_run("prompts"))
        os.write(term.fd, b"\x04")  # Ctrl-D at the start of a line: end of input
        term.expect("the terminal's input closed: answer from another terminal",
                    "the notice that nobody is asked here any more")
        term.expect(f"cutover mark {run_dir} confirm done|failed|skipped --by NAME",
                    "the command that answers")
        marked = subprocess.run([CUTOVER, "mark", run_dir, "confirm", "done", "--by", "carol"],
                                capture_output=True, text=True, timeout=60)
        check(marked.returncode == 0 and "recorded: confirm done by carol" in marked.stdout,
              f"cutover mark: exit {marked.returncode}\n{marked.stdout}{marked.stderr}")
        term.expect(f"[after] after {MARK}", "the task after confirm")
        status = term.finish()
    finally:
        term.kill()
    check(status == 0, f"exit {status}, expected 0:\n{plain(term.output)}")
    confirm = events(run_dir, event="task_finished", task="confirm")
    check(len(confirm) == 1 and confirm[0].get("status") == "succeeded"
          and confirm[0].get("by") == "carol", f"confirm's task_finished: {confirm}")
    verify(run_dir)
    os.chdir("..")


# --- identities: an answer typed at the prompt is refused; the command with --key answers ----------

def signed_run():
    os.mkdir("signed")
    os.chdir("signed")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "carol", "-f", "carol"],
                   check=True)
    with open("carol.pub") as public:
        key = " ".join(public.read().split()[:2])
    write("people.allowed_signers", f"carol {key}\n")
    write("rb.yaml", confirm_then_after("identity:\n  allowed_signers: people.allowed_signers\n"))
    term = Terminal(["run", "rb.yaml"], terminal_env(colour=False))
    try:
        term.expect("Check the dashboard.", "confirm's instructions")
        run_dir = os.path.abspath(the_run("prompts"))
        command = f"cutover mark {run_dir} confirm done|failed|skipped --by NAME --key KEY"
        term.expect(command, "the command that answers, with --key, instead of a question")
        check("[d/f/s]" not in plain(term.output), "a signed run asked at its prompt")
        term.type("d")
        term.expect("not taken: decisions in this run are signed (people.allowed_signers); "
                    "answer from a terminal with your key:", "the refusal of a typed answer")
        term.expect(command, "the command again")
        check(not events(run_dir, event="task_finished", task="confirm"),
              "a typed answer was taken in a signed run")
        marked = subprocess.run([CUTOVER, "mark", run_dir, "confirm", "done", "--by", "carol",
                                 "--key", "carol"], capture_output=True, text=True, timeout=60)
        check(marked.returncode == 0 and "recorded: confirm done by carol" in marked.stdout,
              f"cutover mark: exit {marked.returncode}\n{marked.stdout}{marked.stderr}")
        term.expect(f"[after] after {MARK}", "the task after confirm")
        status = term.finish()
    finally:
        term.kill()
    check(status == 0, f"exit {status}, expected 0:\n{plain(term.output)}")
    verify(run_dir)
    os.chdir("..")


# --- --by, and task output while a question waits -----------------------------------------------

def screen_lines(output):
    """The lines as a terminal leaves them: a carriage return goes back to the line's start,
    ESC[K erases to its end, and other escape sequences draw nothing."""
    lines = []
    for raw in output.split("\n"):
        line, column = [], 0
        for piece in re.split(r"(\r|\x1b\[[0-9;?]*[A-Za-z])", raw):
            if piece == "\r":
                column = 0
            elif piece == "\x1b[K":
                del line[column:]
            elif piece.startswith("\x1b["):
                continue
            else:
                for char in piece:
                    if column < len(line):
                        line[column] = char
                    else:
                        line.append(char)
                    column += 1
        lines.append("".join(line))
    return lines


def busy_run(term_name):
    """A person answers while a task writes output: the output never lands in the middle of the
    question's line, with the live view or without (TERM=dumb)."""
    os.mkdir(f"busy-{term_name}")
    os.chdir(f"busy-{term_name}")
    write("rb.yaml", f"""\
version: 1
id: busy
tasks:
  - id: ticker
    estimate: 2s
    run: |
      {wait_for_file("go")}
      for i in 1 2 3 4 5; do echo "tick $i {MARK}"; sleep 0.1; done
  - id: confirm
    estimate: 5m
    manual: Check the dashboard.
  - id: second
    estimate: 5m
    depends_on: confirm
    manual: Check it again.
""")
    env = terminal_env(colour=True)
    env["TERM"] = term_name
    term = Terminal(["run", "--by", "dana", "rb.yaml"], env)
    try:
        term.expect("[confirm] done, failed or skipped? [d/f/s]: ", "confirm's question")
        write("go", "")
        term.expect(f"tick 5 {MARK}", "the ticker's last line")
        term.type("d")
        term.expect("[second] done, failed or skipped? [d/f/s]: ", "second's question")
        term.type("s not needed today")
        status = term.finish()
    finally:
        term.kill()
    check(status == 0, f"exit {status}, expected 0:\n{plain(term.output)}")
    lines = screen_lines(term.output)
    ticks = [line for line in lines if "tick " in line]
    check(len(ticks) == 5 and all(line.startswith("[ticker] tick ") for line in ticks),
          f"task output not at the start of its own line (TERM={term_name}):\n" + "\n".join(lines))
    check("your name" not in plain(term.output), "a name was asked despite --by")
    run_dir = the_run("busy")
    finished = {e["task"]: e for e in events(run_dir, event="task_finished")}
    check(finished["confirm"].get("by") == "dana" and finished["second"].get("by") == "dana"
          and finished["second"].get("status") == "skipped"
          and finished["second"].get("note") == "not needed today",
          f"the answers' task_finished: {finished}")
    os.chdir("..")


def main():
    try:
        answered_run()
        rejected_run()
        closed_terminal_run()
        signed_run()
        busy_run("xterm")
        busy_run("dumb")
        if LATE_FAILURES:
            raise Failure("\n".join(LATE_FAILURES))
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    finally:
        subprocess.run(["pkill", "-KILL", "-f", "--", MARK], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
