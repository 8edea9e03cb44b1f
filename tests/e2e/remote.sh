# examples/remote: runbooks that reach other machines through ssh, Ansible and kubectl. Each
# validates --strict and dry-runs. Where sshd is installed (the install script brings it), the
# ssh runbook really runs against a throwaway sshd on 127.0.0.1 with a throwaway key: its output
# comes back into the task logs, and a task's timeout stops the remote command too.
source "$(dirname "$0")/lib.sh"

cp -r "$SRC/examples" .
for runbook in examples/remote/*.yaml; do
  run_cutover 0 validate --strict "$runbook"
  run_cutover 0 run --dry-run "$runbook"
done
run_cutover 0 run --dry-run examples/remote/kubernetes.yaml
expect_in out.txt "kubectl -n default wait --for=condition=complete job/erp-migrate --timeout=2h"
run_cutover 0 run --dry-run --auto examples/remote/ansible.yaml
expect_in out.txt "switch.yml --tags drain --check --diff"

sshd=/usr/sbin/sshd
if [[ ! -x $sshd ]]; then
  # CI installs openssh-server; elsewhere the real-ssh half needs it.
  [[ ${CI:-} != true ]] || fail "sshd is not installed (openssh-server): the ssh example cannot be tested"
  echo "sshd is not installed: the ssh example was validated and dry-run only"
  exit 0
fi

# A throwaway sshd on a free port, for this user, with a throwaway key.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f hostkey
ssh-keygen -q -t ed25519 -N '' -f userkey
cp userkey.pub authorized_keys
cat >sshd_config <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $WORK/hostkey
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
EOF
[[ $(id -u) != 0 ]] || mkdir -p /run/sshd  # its privilege separation folder, when run as root
"$sshd" -D -e -f "$WORK/sshd_config" 2>sshd.log &
PIDS+=($!)
options="-i $WORK/userkey -p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
poll "sshd to accept a login" ssh -o BatchMode=yes -o ConnectTimeout=2 -o LogLevel=ERROR $options 127.0.0.1 true

run_cutover 0 run examples/remote/ssh.yaml --label e2e --var HOST=127.0.0.1 \
  --var "SSH_OPTIONS=$options" --var "APP_DIR=$WORK/app"
expect_in out.txt "run succeeded: 4 of 4 tasks done"
run_dir=$(ls -d .cutover/runs/remote-ssh/*-e2e)
expect_in "$run_dir/logs/start-app.log" "release 2.0"
[[ $(cat app/state) == running && $(cat app/release) == "release 2.0" ]] ||
  fail "the remote steps did not happen: $(cat app/state app/release)"

# A remote step that outlives its timeout: stopped here, and on the host through -tt.
marker=$((RANDOM + 40000))
sed -e "s/'echo release 2.0 > {{ APP_DIR }}\/release && cat {{ APP_DIR }}\/release'/'echo deploying; sleep $marker'/" \
  -e 's/^    estimate: 2m$/    estimate: 2m\n    timeout: 2s\n    on_failure: stop/' \
  examples/remote/ssh.yaml >slow.yaml
run_cutover 1 run slow.yaml --label slow --var HOST=127.0.0.1 --var "SSH_OPTIONS=$options" \
  --var "APP_DIR=$WORK/app"
expect_in out.txt "deploy"
expect_in out.txt "timed out after 2s"
remote_gone() { ! pgrep -f "sleep $marker" >/dev/null; }
poll "the remote sleep $marker to stop with its ssh session" remote_gone
