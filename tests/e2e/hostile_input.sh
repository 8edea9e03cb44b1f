# Input that would crash or hang a naive loader is refused with a located message and exit 3
# (or 2 for a path that is not a file), promptly.
source "$(dirname "$0")/lib.sh"

# Over the size limit: refused from the size alone (a sparse file, nothing is read).
truncate -s 65M huge.yaml
run_cutover 3 validate huge.yaml
expect_in out.txt "the file is 68157440 bytes, over the limit of 64 MiB"

printf 'version: 1\nid: x\x00\n' >nul.yaml
run_cutover 3 validate nul.yaml
expect_in out.txt "nul.yaml:2:6: error: the file contains a NUL byte"

head -c 4096 /bin/ls >binary.yaml
run_cutover 3 validate binary.yaml
expect_in out.txt "binary.yaml:1:"

printf 'version: 1\nid: caf\xe9\n' >latin1.yaml
run_cutover 3 validate latin1.yaml
expect_in out.txt "latin1.yaml:2:8: error: the file is not valid UTF-8"

# Deep nesting, block and flow: refused at the limit, with a location.
/usr/bin/python3 -c 'print("version: 1\nid: x\ntasks: " + "[" * 100000 + "]" * 100000)' >deep-flow.yaml
run_cutover 3 validate deep-flow.yaml
expect_in out.txt "deep-flow.yaml:3:"
expect_in out.txt "nesting deeper than 64 levels"
/usr/bin/python3 -c '
lines = ["version: 1", "id: x", "tasks:"]
lines += ["  " * i + "- a:" for i in range(1, 200)]
print("\n".join(lines))' >deep-block.yaml
run_cutover 3 validate deep-block.yaml
expect_in out.txt "nesting deeper than 64 levels"

# Billion laughs: refused before anything is expanded.
/usr/bin/python3 - >bomb.yaml <<'PY'
print("version: 1\nid: bomb\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]")
for i in range(1, 10):
    print(f"l{i}: &l{i} [" + ", ".join([f"*l{i-1}"] * 10) + "]")
print("tasks: *l9")
PY
run_cutover 3 validate bomb.yaml
expect_in out.txt "aliases expand this document by more than 1000000 nodes"

printf 'version: 1\nid: x\ntasks: []\n---\nversion: 1\n' >two-docs.yaml
run_cutover 3 validate two-docs.yaml
expect_in out.txt "two-docs.yaml:4:1: error: a second YAML document in one file"

printf 'version: 1\nid: x\ntasks: *nowhere\n' >undefined-alias.yaml
run_cutover 3 validate undefined-alias.yaml
expect_in out.txt "undefined-alias.yaml:3:8: error:"

: >empty.yaml
run_cutover 3 validate empty.yaml
expect_in out.txt "empty.yaml:1:1: error: the file is empty"

run_cutover 2 validate /dev/null
expect_in out.txt "not a regular file"
run_cutover 2 plan does-not-exist.yaml
expect_in err.txt "does-not-exist.yaml: no such file"
mkdir dir.yaml
run_cutover 2 plan dir.yaml
expect_in err.txt "is a directory"

# A file that exists but cannot be opened says why (not "no such file"). Root reads any file,
# so as root (CI) this part runs as the unprivileged user nobody, with a copy of the binary it
# can reach; where that cannot be done, the test fails rather than skip it silently.
printf 'version: 1\n' >locked.yaml
chmod 000 locked.yaml
as_user=()
binary=$CUTOVER
if [[ $(id -u) == 0 ]]; then
  command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed to test as a non-root user"
  chmod 755 "$WORK"
  cp "$CUTOVER" ./cutover-copy
  chmod 755 ./cutover-copy
  binary=$WORK/cutover-copy
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
  "${as_user[@]}" true || fail "cannot run commands as nobody with setpriv"
fi
status=0
"${as_user[@]}" "$binary" validate locked.yaml >out.txt 2>err.txt || status=$?
[[ $status == 2 ]] || { cat out.txt err.txt >&2; fail "locked.yaml: exit $status, expected 2"; }
expect_in out.txt "locked.yaml: error: Permission denied"
