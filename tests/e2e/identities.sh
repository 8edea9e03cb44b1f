# Identities: with identity.allowed_signers every decision by a person is signed with their
# OpenSSH key (the real ssh-keygen) and verified before the executor acts. A bad people file
# fails validation; an unsigned decision, the wrong key, a forged or replayed inbox file, an
# override without the right key are refused and change nothing; an ssh-agent key works;
# sign-offs are signed; `verify` re-checks every signature offline against the run's frozen
# copy of the file; no private key reaches the run directory.
source "$(dirname "$0")/lib.sh"

command -v ssh-keygen >/dev/null || fail "ssh-keygen is not installed (openssh-client)"

before_cleanup() {
  [[ -n ${SSH_AGENT_PID:-} ]] && kill "$SSH_AGENT_PID" 2>/dev/null
  return 0
}

for name in alice bob lead mallory; do ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$name"; done
ssh-keygen -q -t ed25519 -N 'correct horse' -C carol -f carol
signer_line() { echo "$1 $(cut -d' ' -f1,2 "$2.pub")"; }
{
  echo "# the people who decide in erp"
  signer_line alice alice
  signer_line bob bob
  signer_line lead lead
} >people.allowed_signers

runbook erp.yaml <<'EOF'
version: 1
id: erp
identity:
  allowed_signers: people.allowed_signers
tasks:
  - id: load
    estimate: 1s
    run: echo loaded
  - id: go
    estimate: 1m
    depends_on: load
    gate:
      approvals: { by: [alice, bob, lead], min: 2 }
  - id: finish
    owner: ops
    estimate: 1m
    depends_on: go
    manual: Tell the business.
go_live:
  signoffs: [lead]
EOF
run_cutover 0 validate erp.yaml --strict

# ----- a people file cutover cannot rely on: located load errors (exit 3) -----------------------
sed 's/people.allowed_signers/nobody.allowed_signers/' erp.yaml >missing.yaml
run_cutover 3 validate missing.yaml
expect_in out.txt "missing.yaml:4:20: error: nobody.allowed_signers: no such file"
{ cat people.allowed_signers; signer_line carol alice; } >twice.allowed_signers
sed 's/people.allowed_signers/twice.allowed_signers/' erp.yaml >twice.yaml
run_cutover 3 validate twice.yaml
expect_in out.txt "twice.allowed_signers:5: the key of 'carol' is also 'alice''s (line 2)"
expect_in out.txt "one key is one person: with two names it could approve twice"
{ echo "alice ssh-ed25519 not-base64!"; signer_line bob bob; signer_line lead lead; } >bad.allowed_signers
sed 's/people.allowed_signers/bad.allowed_signers/' erp.yaml >bad.yaml
run_cutover 3 validate bad.yaml
expect_in out.txt "bad.allowed_signers:1: the ssh-ed25519 key is not base64"
grep -v '^lead ' people.allowed_signers >nolead.allowed_signers
sed 's/people.allowed_signers/nolead.allowed_signers/' erp.yaml >nolead.yaml
run_cutover 3 validate nolead.yaml
expect_in out.txt "'lead' approves go but has no key in nolead.allowed_signers"
expect_in out.txt "'lead' signs off rehearsals but has no key in nolead.allowed_signers"

# `auto` has no key; ssh-keygen missing stops the run before anything starts (exit 5).
run_cutover 2 run erp.yaml --auto
expect_in err.txt "--auto: decisions in this runbook are signed (people.allowed_signers)"
run_cutover 0 run erp.yaml --dry-run --auto
status=0
timeout 60 env PATH=/nonexistent "$CUTOVER" run erp.yaml --non-interactive >out.txt 2>err.txt || status=$?
[[ $status == 5 ]] || fail "a run without ssh-keygen exited $status, expected 5"
expect_in err.txt "ssh-keygen is not installed"
[[ ! -e .cutover ]] || fail "a run refused for ssh-keygen left a folder"

# ----- a rehearsal with signed decisions -----------------------------------------------------------
"$CUTOVER" run erp.yaml --run-dir r1 --non-interactive >r1.out 2>&1 &
PIDS+=($!)
executor=$!
show_outputs() { cat r1.out >&2; }
poll "the gate to wait for its approvers" grep -qsF "approve $PWD/r1 go --by alice --key KEY" r1.out
[[ $(stat -c %a r1/allowed_signers) == 444 ]] || fail "the people file is not frozen read-only"
cmp -s r1/allowed_signers people.allowed_signers || fail "the frozen people file differs"
head -1 r1/journal.jsonl >header.json
json_check header.json "d['allowed_signers_sha256'] == '$(sha256sum people.allowed_signers | cut -d' ' -f1)'"

inbox_files() { find "$1/inbox" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l; }
refused() {  # refused EXPECTED-TEXT ARGS...: exit 2 with the text, and nothing queued
  local text=$1
  shift
  run_cutover 2 "$@"
  expect_in err.txt "$text"
  [[ $(inbox_files r1) == 0 ]] || fail "a refused decision reached the inbox: $(ls r1/inbox)"
}
refused "decisions in this run are signed (people.allowed_signers): give --key FILE, your OpenSSH key listed there under 'alice'" \
  approve r1 go --by alice
refused "refused: the signature is not alice's (ssh-keygen: Could not verify signature.)" \
  approve r1 go --by alice --key bob
refused "refused: the signature is not alice's" approve r1 go --by alice --key mallory
refused "carol is protected by a passphrase: add it to ssh-agent (\`ssh-add carol\`) and give --key carol.pub" \
  approve r1 go --by alice --key carol
refused "--key nowhere: no such key file" approve r1 go --by alice --key nowhere
chmod 600 erp.yaml
refused "erp.yaml is not an OpenSSH private key" approve r1 go --by alice --key erp.yaml
(
  unset SSH_AUTH_SOCK
  refused "SSH_AUTH_SOCK is not set" approve r1 go --by bob --key bob.pub
)

run_cutover 0 approve r1 go --by alice --key alice --note "numbers reconciled"
expect_in out.txt "recorded: go approved by alice"
journal_check r1/journal.jsonl <<'PY'
[approval] = expect(1, event="gate_approved", by="alice")
statement = json.loads(approval["signature"]["statement"])
assert statement["action"] == "approve" and statement["task"] == "go" and statement["by"] == "alice"
assert statement["note"] == "numbers reconciled" and statement["decision"] == approval["decision"]
assert approval["signature"]["sshsig"].startswith("-----BEGIN SSH SIGNATURE-----")
PY

# Inbox files written by hand: unsigned, forged (alice's signature as bob's), and a replay of
# alice's approval. The executor refuses the first two and takes the replay in once only.
python3 - r1 <<'PY'
import json, sys
run = sys.argv[1]
lines = [json.loads(l) for l in open(f"{run}/journal.jsonl")]
approval = next(e for e in lines if e.get("event") == "gate_approved")
statement = json.loads(approval["signature"]["statement"])
base = {"run_id": statement["run"], "run_started": statement["run_started"], "kind": "approve", "task": "go", "user": "x", "host": "y",
        "time": statement["time"]}
def drop(name, **fields):
    with open(f"{run}/inbox/.{name}", "w") as out:
        json.dump({**base, **fields}, out)
    import os
    os.rename(f"{run}/inbox/.{name}", f"{run}/inbox/{name}")
drop("20990101T000000001Z-1-unsigned.json", id="unsigned-1", by="bob")
drop("20990101T000000002Z-1-forged.json", id="forged-1", by="bob",
     signature=approval["signature"]["sshsig"])
drop("20990101T000000003Z-1-replayed.json", id=statement["decision"], by="alice",
     note=statement["note"], signature=approval["signature"]["sshsig"])
PY
inbox_empty() { [[ $(inbox_files "$1") == 0 ]]; }
poll "the hand-written inbox files to be taken in" inbox_empty r1
poll "the forged decision to be refused" grep -qsF '"decision":"forged-1"' r1/journal.jsonl
journal_check r1/journal.jsonl <<'PY'
[unsigned] = expect(1, event="decision_refused", decision="unsigned-1")
assert unsigned["reason"] == "it is not signed", unsigned
[forged] = expect(1, event="decision_refused", decision="forged-1")
assert forged["reason"].startswith("the signature is not bob's"), forged
expect(1, event="gate_approved")  # the replay changed nothing
PY
expect_in r1.out "was taken in already: its file is removed"

# An ssh-agent key: --key names the .pub, the agent holds the private half.
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q bob 2>/dev/null
refused "the ssh-agent at SSH_AUTH_SOCK does not hold the key of alice.pub: \`ssh-add\` its private key first" \
  approve r1 go --by alice --key alice.pub
run_cutover 0 approve r1 go --by bob --key bob.pub
expect_in out.txt "recorded: go approved by bob"
poll "finish to wait for a person" grep -qsF "mark $PWD/r1 finish done|failed|skipped --by NAME --key KEY" r1.out
run_cutover 0 mark r1 finish done --by lead --key lead
wait "$executor" || fail "the rehearsal failed: $(cat r1.out)"

# ----- verify: every signature again, offline ------------------------------------------------------
run_cutover 0 verify r1
expect_in out.txt "signatures: 3 signed decisions verified against the run's frozen allowed_signers"
expect_in out.txt ": approve go by alice"
expect_in out.txt ": approve go by bob"
expect_in out.txt ": mark finish done by lead"
if grep -rqs "PRIVATE KEY" r1 || grep -rqsF "$(sed -n 2p alice)" r1; then
  fail "a private key reached the run directory"
fi
chmod u+w r1/allowed_signers
signer_line mallory mallory >>r1/allowed_signers
run_cutover 1 verify r1
expect_in out.txt "r1/journal.jsonl:1: signature refused: r1/allowed_signers is not the file the run started with (its SHA-256 differs)"
cp people.allowed_signers r1/allowed_signers
run_cutover 0 verify r1

# ----- sign-off and the go-live override, signed ---------------------------------------------------
run_cutover 2 signoff r1 --by lead
expect_in err.txt "decisions in this run are signed (people.allowed_signers): give --key FILE, your OpenSSH key listed there under 'lead'"
run_cutover 2 signoff r1 --by lead --key alice
expect_in err.txt "refused: the signature is not lead's"
run_cutover 0 signoff r1 --by lead --key lead --note "timings within 5%"
run_cutover 0 verify r1
expect_in out.txt "signatures: 4 signed decisions verified"
expect_in out.txt ": signoff by lead"
run_cutover 0 status r1
expect_in out.txt ", signed: timings within 5%"

# r1 ran in a folder of its own, so the go-live rule does not see it: a go-live run needs an
# override, signed by the person who gives it.
{ cat erp.yaml; echo "# edited"; } >edited.yaml
run_cutover 2 run edited.yaml --label go-live --non-interactive --override-go-live "hotfix" --by lead
expect_in err.txt "--override-go-live needs --key FILE: decisions in this runbook are signed"
run_cutover 2 run edited.yaml --label go-live --non-interactive --override-go-live "hotfix" --by lead --key alice
expect_in err.txt "refused: the signature is not lead's"
[[ -z $(ls -A .cutover/runs/erp 2>/dev/null) ]] || fail "a refused override left a run folder: $(ls .cutover/runs/erp)"
"$CUTOVER" run edited.yaml --label go-live --non-interactive --override-go-live "hotfix" \
  --by lead --key lead >live.out 2>&1 &
PIDS+=($!)
poll "the go-live run to wait at its gate" grep -qsF "waits for approval" live.out
live=$(ls -d .cutover/runs/erp/*go-live)
run_cutover 0 verify "$live"
expect_in out.txt "line 1: override-go-live by lead"
run_cutover 0 status "$live"
expect_in out.txt "go-live rule overridden by lead (signed): hotfix"

# Taken up again: resume checks signatures too, so it needs ssh-keygen; `auto` has no key.
kill -KILL "${PIDS[-1]}"
poll "the go-live executor to be gone" bash -c "! kill -0 ${PIDS[-1]} 2>/dev/null"
run_cutover 2 resume "$live" --auto --non-interactive
expect_in err.txt "--auto: decisions in this runbook are signed (people.allowed_signers), and 'auto' has no key"
status=0
timeout 60 env PATH=/nonexistent "$CUTOVER" resume "$live" --non-interactive >out.txt 2>err.txt || status=$?
[[ $status == 5 ]] || fail "a resume without ssh-keygen exited $status, expected 5"
expect_in err.txt "ssh-keygen is not installed"
