# Secrets: read from the environment, never written or printed, also when a value is split
# across two reads of a child's output; a missing one stops the run before anything starts.
source "$(dirname "$0")/lib.sh"

secret="s3cr3t-$$-$RANDOM-value"
runbook secrets.yaml <<'EOF2'
version: 1
id: secrets
secrets: [API_TOKEN]
tasks:
  - id: split
    env: { TOKEN: "{{ API_TOKEN }}" }
    run: |
      half=$((${#TOKEN} / 2))
      printf 'token: %s' "$(printf %s "$TOKEN" | cut -c1-$half)"
      sleep 0.3
      printf '%s end\n' "$(printf %s "$TOKEN" | cut -c$((half + 1))-)"
      printf 'on stderr %s\n' "$TOKEN" >&2
  - id: in-command
    depends_on: split
    run: echo "argument {{ API_TOKEN }}" | tr a-z A-Z | tr A-Z a-z
  - id: gate
    depends_on: in-command
    gate:
      checks:
        - name: sees the token
          run: echo "{{ API_TOKEN }}"
          expect: { stdout: "(?m)^\\*\\*\\*$" }
EOF2

# Missing: exit 5 before anything starts, no run directory.
run_cutover 5 run secrets.yaml
expect_in err.txt "secret not set in the environment: API_TOKEN; nothing was started"
[[ ! -e .cutover ]] || fail "a run directory was created without the secret"

API_TOKEN=$secret run_cutover 0 run secrets.yaml
dir=$(ls -d .cutover/runs/secrets/*)
expect_in out.txt "[split] token: *** end"
expect_in out.txt "[split] on stderr ***"
expect_in out.txt "[in-command] argument ***"
expect_in "$dir/logs/split.log" "out token: *** end"
grep -q '"command":"echo \\"argument \*\*\*\\"' "$dir/journal.jsonl" || fail "journal command not redacted"
for file in out.txt err.txt "$dir"/journal.jsonl "$dir"/timing.csv "$dir"/logs/*; do
  if grep -qF -- "$secret" "$file"; then fail "the secret leaked into $file"; fi
  # Halves of it neither: the split was redacted as a whole, not each read on its own.
  if grep -qF -- "${secret:0:12}" "$file"; then fail "part of the secret leaked into $file"; fi
done

# A dry run needs no secret and shows it as ***.
run_cutover 0 run --dry-run secrets.yaml
expect_in out.txt '$ echo "argument ***"'
