#!/usr/bin/env python3
"""Applies each mutant of tests/mutants/mutants.txt to a scratch copy of the sources, rebuilds
incrementally, runs the mutant's tests, and prints whether they noticed (killed) or not
(survived). Run through scripts/mutants.sh; arguments name the mutants to try (default: all).
`--check` only checks the list against the checkout (each text found exactly once), quickly:
the test suite runs it. Exit status: 0 every mutant killed (or the list is right), 1 one
survived, 2 the list or the build is broken."""
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRATCH = ROOT / "build-mutants"
SOURCE = SCRATCH / "source"
BUILD = SCRATCH / "build"
KEYS = ("name", "file", "find", "replace", "tests", "breaks")


def read_mutants(path):
    mutants, block = [], {}
    for number, line in enumerate(path.read_text().splitlines() + [""], start=1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if block:
                missing = [key for key in KEYS if key not in block]
                if missing:
                    sys.exit(f"{path}:{number}: mutant {block.get('name', '?')} lacks {missing}")
                mutants.append(block)
                block = {}
            continue
        key, _, value = line.partition(": ")
        if key not in KEYS:
            sys.exit(f"{path}:{number}: unknown key {key!r}")
        block[key] = value.replace("\\n", "\n") if key in ("find", "replace") else value
    return mutants


def sync_sources():
    """Copies the checkout's files into the scratch tree, rewriting only what changed, so
    that ninja rebuilds only what a mutant (or an edit since the last run) touched."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        source, copy = ROOT / name, SOURCE / name
        if not source.is_file():
            continue
        data = source.read_bytes()
        if not copy.exists() or copy.read_bytes() != data:
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(data)
            copy.chmod(source.stat().st_mode)


def build():
    return subprocess.run(["cmake", "--build", str(BUILD)], capture_output=True, text=True)


def tests_pass(regex):
    result = subprocess.run(["ctest", "--test-dir", str(BUILD), "-R", regex, "--parallel", "2"],
                            capture_output=True, text=True)
    ran = "No tests were found" not in result.stdout + result.stderr
    return result.returncode == 0, ran


def misplaced(mutants, root):
    """The mutants whose text is not found exactly once in their file under root."""
    problems = []
    for mutant in mutants:
        found = (root / mutant["file"]).read_text().count(mutant["find"])
        if found != 1:
            problems.append(f"{mutant['name']}: its text is found {found} times in "
                            f"{mutant['file']}, not once: update tests/mutants/mutants.txt")
    return problems


def main():
    mutants = read_mutants(ROOT / "tests/mutants/mutants.txt")
    if sys.argv[1:] == ["--check"]:
        problems = misplaced(mutants, ROOT)
        print("\n".join(problems) or f"{len(mutants)} mutants, each found once", file=sys.stderr)
        return 2 if problems else 0
    wanted = set(sys.argv[1:])
    unknown = wanted - {m["name"] for m in mutants}
    if unknown:
        sys.exit(f"no such mutant: {', '.join(sorted(unknown))}")
    mutants = [m for m in mutants if not wanted or m["name"] in wanted]

    print(f"building an unmutated copy in {SCRATCH.relative_to(ROOT)}/ ...", flush=True)
    sync_sources()
    subprocess.run(["cmake", "-S", str(SOURCE), "-B", str(BUILD), "-G", "Ninja",
                    "-DCMAKE_BUILD_TYPE=Release"], check=True, capture_output=True)
    if build().returncode != 0:
        print("the unmutated sources do not build", file=sys.stderr)
        return 2
    for mutant in mutants:
        passed, ran = tests_pass(mutant["tests"])
        if not ran or not passed:
            print(f"{mutant['name']}: its tests {'fail' if ran else 'match nothing'} "
                  "without the mutant", file=sys.stderr)
            return 2

    survivors = 0
    for mutant in mutants:
        path = SOURCE / mutant["file"]
        original = path.read_text()
        problems = misplaced([mutant], SOURCE)
        if problems:
            print(problems[0], file=sys.stderr)
            return 2
        started = time.monotonic()
        try:
            path.write_text(original.replace(mutant["find"], mutant["replace"]))
            built = build()
            if built.returncode != 0:
                print(f"{mutant['name']}: the mutant does not build:\n{built.stdout[-2000:]}",
                      file=sys.stderr)
                return 2
            passed, _ = tests_pass(mutant["tests"])
        finally:
            path.write_text(original)
        verdict = "SURVIVED" if passed else "killed"
        survivors += passed
        print(f"{verdict:8}  {mutant['name']:34} {time.monotonic() - started:5.0f} s  "
              f"({mutant['breaks']})", flush=True)
    build()
    print(f"{len(mutants) - survivors} of {len(mutants)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
