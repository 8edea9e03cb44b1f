# Colour only on a terminal, never with NO_COLOR set or TERM=dumb (driven through a pty).
source "$(dirname "$0")/lib.sh"

runbook bad.yaml <<'YAML'
version: 1
id: bad
tasks:
  - id: a
    run: echo
    depends-on: [b]
YAML

# on_pty ENV...: runs `cutover validate bad.yaml` on a pseudo-terminal with the given
# environment changes, printing what the terminal received.
on_pty() {
  /usr/bin/python3 - "$CUTOVER" "$@" <<'PY'
import os, pty, sys
binary, changes = sys.argv[1], sys.argv[2:]
env = dict(os.environ, TERM="xterm-256color")
env.pop("NO_COLOR", None)
for change in changes:
    name, _, value = change.partition("=")
    env[name] = value
pid, fd = pty.fork()
if pid == 0:
    os.execve(binary, [binary, "validate", "bad.yaml"], env)
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
PY
}

on_pty >tty.txt
grep -q $'\e\[' tty.txt || fail "no colour on a terminal"
expect_in tty.txt "unknown key 'depends-on'"

on_pty NO_COLOR=1 >no-color.txt
if grep -q $'\e\[' no-color.txt; then fail "colour despite NO_COLOR"; fi
# An empty NO_COLOR does not count as set.
on_pty NO_COLOR= >empty-no-color.txt
grep -q $'\e\[' empty-no-color.txt || fail "no colour with an empty NO_COLOR"

on_pty TERM=dumb >dumb.txt
if grep -q $'\e\[' dumb.txt; then fail "colour with TERM=dumb"; fi

# Not a terminal: plain text.
env -u NO_COLOR TERM=xterm "$CUTOVER" validate bad.yaml >piped.txt || true
if grep -q $'\e\[' piped.txt; then fail "colour into a pipe"; fi
