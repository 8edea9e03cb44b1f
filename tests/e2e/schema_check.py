#!/usr/bin/python3
"""Checks the runbook JSON Schema printed by `cutover schema` (called by tests/e2e/schema.sh).

usage: /usr/bin/python3 schema_check.py SCHEMA_JSON WORKSTREAM_SCHEMA_JSON SOURCE_DIR

- both schemas are valid Draft 2020-12 schemas;
- every *.yaml under SOURCE_DIR/examples/ and SOURCE_DIR/runbooks/ validates (there must be
  at least one), but for the tour's deliberate mistakes (examples/typo.yaml), which must not:
  a file another one names in `include` against the workstream schema, any other against the
  runbook schema;
- every SOURCE_DIR/tests/schema-invalid/*.yaml is rejected by the runbook schema, and every
  SOURCE_DIR/tests/schema-invalid/workstreams/*.yaml by the workstream schema (each starts with
  a comment line saying why it is invalid).

Needs the Debian packages python3-jsonschema and python3-yaml: run it with /usr/bin/python3.
Prints one line per file, FAIL lines for failures; exits 1 if anything failed.
"""

import json
import re
import sys
from pathlib import Path

try:
    import yaml
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError, best_match
except ImportError as error:
    print(f"FAIL missing Python module ({error}): install the Debian packages "
          "python3-jsonschema and python3-yaml, and run with /usr/bin/python3")
    sys.exit(1)

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
BOOL_TAG = "tag:yaml.org,2002:bool"


class RunbookLoader(yaml.SafeLoader):
    """A SafeLoader that reads plain scalars as editors (YAML 1.2) and cutover do.

    PyYAML follows YAML 1.1: an unquoted 2026-11-28T18:00:00+01:00 would become a datetime,
    and yes/no/on/off booleans, where cutover and yaml-language-server see strings.
    """


RunbookLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (TIMESTAMP_TAG, BOOL_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RunbookLoader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_yaml(path):
    with open(path, encoding="utf-8-sig") as stream:
        return yaml.load(stream, Loader=RunbookLoader)


def location(error):
    return "/" + "/".join(str(part) for part in error.absolute_path)


def shorten(text, limit=200):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(error):
    """One line for an error; for oneOf/anyOf, the closest alternative's reason too."""
    text = f"{location(error)}: {shorten(error.message)}"
    if error.context:
        closest = best_match(error.context)
        text += f" (closest: {location(closest)}: {shorten(closest.message)})"
    return text


def read_schema(path):
    """The validator of a schema file, or None after printing why it is not a valid schema."""
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"FAIL {path}: not readable JSON: {error}")
        return None
    if not isinstance(schema, dict) or schema.get("$schema") != DRAFT_2020_12:
        print(f"FAIL {path}: \"$schema\" is not {DRAFT_2020_12}")
        return None
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        print(f"FAIL {path}: not a valid Draft 2020-12 schema: {describe(error)}")
        return None
    print(f"ok   {path}: a valid Draft 2020-12 schema")
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def included_files(documents):
    """The files that any of `documents` (path -> parsed YAML) names in `include`, resolved
    relative to the file that names them, as cutover resolves them."""
    included = set()
    for path, document in documents.items():
        if not isinstance(document, dict):
            continue
        entries = document.get("include", [])
        for entry in [entries] if isinstance(entries, str) else entries:
            if isinstance(entry, str):
                included.add((path.parent / entry).resolve())
    return included


def main(argv):
    if len(argv) != 4:
        print("usage: schema_check.py SCHEMA_JSON WORKSTREAM_SCHEMA_JSON SOURCE_DIR",
              file=sys.stderr)
        return 2
    source = Path(argv[3])
    runbook_validator = read_schema(Path(argv[1]))
    workstream_validator = read_schema(Path(argv[2]))
    if runbook_validator is None or workstream_validator is None:
        return 1
    failures = 0

    def fail(message):
        nonlocal failures
        failures += 1
        print(f"FAIL {message}")

    def load(path):
        """The parsed file, or None (after reporting a FAIL) if it is not YAML."""
        try:
            return load_yaml(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            fail(f"{path.relative_to(source)}: cannot be read as YAML: {shorten(str(error))}")
            return None

    def errors_of(validator, document):
        return sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))

    # Every runbook and workstream file in the repository must validate, but for the README
    # tour's typos.
    deliberately_invalid = {Path("examples/typo.yaml")}
    paths = sorted({path for folder in ("examples", "runbooks")
                    for path in (source / folder).rglob("*.yaml") if path.is_file()})
    documents = {}
    for path in paths:
        document = load(path)
        if document is not None:
            documents[path] = document
    workstreams = included_files(documents)
    for path, document in documents.items():
        workstream = path.resolve() in workstreams
        what = "workstream file" if workstream else "runbook"
        errors = errors_of(workstream_validator if workstream else runbook_validator, document)
        name = path.relative_to(source)
        if name in deliberately_invalid:
            if errors:
                print(f"ok   {name}: rejected, as the tour shows: {describe(best_match(errors))}")
            else:
                fail(f"{name}: accepted by the schema, but the tour's typos are invalid")
        elif errors:
            for error in errors:
                fail(f"{name}: rejected by the {what} schema: {describe(error)}")
        else:
            print(f"ok   {name}: a valid {what}")
    if not paths:
        fail("no *.yaml under examples/ or runbooks/: nothing to validate")
    if not workstreams:
        fail("no runbook under examples/ or runbooks/ includes a workstream file")
    print(f"checked {len(paths)} file(s) under examples/ and runbooks/, "
          f"{len(workstreams)} of them workstream files")

    # Every known-invalid file must be rejected.
    for folder, validator in ((source / "tests" / "schema-invalid", runbook_validator),
                              (source / "tests" / "schema-invalid" / "workstreams",
                               workstream_validator)):
        invalid = sorted(folder.glob("*.yaml"))
        for path in invalid:
            name = path.relative_to(source)
            first_line = path.read_text(encoding="utf-8").partition("\n")[0]
            if not first_line.startswith("#"):
                fail(f"{name}: must start with a comment line saying why it is invalid")
            reason = re.sub(r"^#\s*(?:invalid:\s*)?", "", first_line).strip()
            document = load(path)
            if document is None:
                continue
            errors = errors_of(validator, document)
            if errors:
                print(f"ok   {name}: rejected ({reason}): {describe(best_match(errors))}")
            else:
                fail(f"{name}: accepted by the schema, but it is invalid: {reason}")
        if not invalid:
            fail(f"no {folder.relative_to(source)}/*.yaml: nothing to check the schema rejects")
        print(f"checked {len(invalid)} invalid file(s) under {folder.relative_to(source)}/")

    if failures:
        print(f"{failures} failure(s)")
        return 1
    print("all schema checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
