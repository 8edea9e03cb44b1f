# The mutants' list (tests/mutants/mutants.txt) still fits the sources: each mutant's text is
# found exactly once in its file, so `./scripts/mutants.sh` can apply every one of them.
source "$(dirname "$0")/lib.sh"

python3 "$SRC/tests/mutants/run.py" --check 2>check.txt || { cat check.txt; fail "the mutants' list is out of date"; }
expect_in check.txt "mutants, each found once"
