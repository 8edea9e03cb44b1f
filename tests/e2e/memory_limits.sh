# Limits on memory a service manager or a shell may set (LimitAS=, LimitDATA=, ulimit -v/-d):
# cutover works under them. At start it asks for a gigabyte of address space for its heap
# (base/heap.hpp) only where that is free; under a limit below it, every command must still
# run. The sanitized build is left out: AddressSanitizer's shadow memory needs terabytes of
# address space.
source "$(dirname "$0")/lib.sh"

if [[ $CUTOVER == *sanitized* ]]; then
  echo "SKIP: AddressSanitizer cannot run under an address-space limit"
  exit 0
fi

runbook rb.yaml <<'YAML'
version: 1
id: limits
tasks:
  - id: a
    run: echo a
    estimate: 1m
  - id: b
    run: echo b
    estimate: 1m
    depends_on: a
YAML

# 800 MiB: far more than these commands use, less than the heap's gigabyte.
for limit in "ulimit -v 819200" "ulimit -d 819200"; do
  for command in "--version" "validate rb.yaml" "plan rb.yaml" "run --run-dir run rb.yaml" \
    "status run" "report run"; do
    [[ $command == status* || $command == report* ]] || rm -rf run
    if ! (eval "$limit" && timeout 60 "$CUTOVER" $command) >out.txt 2>err.txt; then
      fail "under '$limit', 'cutover $command' failed: $(cat err.txt)"
    fi
    expect_not_in err.txt "out of memory"
  done
done
expect_in out.txt "limits"
