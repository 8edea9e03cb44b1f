#include "cutover/runbook/schema.hpp"

namespace cutover {

namespace {

// Keep in step with the format in SPEC §1 and the loader: tests/schema_test.cpp compares the
// key sets, and tests/e2e/schema.sh validates every example and runbook against this text.
constexpr std::string_view schema_text = R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://cutover.dev/schema/runbook-v1.json",
  "title": "cutover runbook (format version 1)",
  "description": "A cutover runbook: the ordered, timed steps that move a business from a legacy system to a new one, executed by `cutover run`. This schema checks structure only: keys, types, ids, durations and timestamps. The rules that need the whole runbook are checked by the loader, not here: duplicate task ids, a depends_on naming no task, a task depending on itself, dependency cycles, a phase not listed in `phases`, a {{ NAME }} that is neither a var nor a secret, invalid regular expressions in gate expectations. Run `cutover validate RUNBOOK` for the full check.",
  "type": "object",
  "additionalProperties": false,
  "patternProperties": {
    "^x-": {
      "description": "An extension field, ignored by cutover: a place for anchors to reuse with aliases and merge keys."
    }
  },
  "required": [
    "version",
    "id",
    "tasks"
  ],
  "properties": {
    "version": {
      "description": "The runbook format version. Always 1.",
      "const": 1
    },
    "id": {
      "description": "The runbook's identifier, e.g. erp-go-live: lower-case letters, digits, '.', '_' and '-', starting with a letter or a digit. Runs are stored under .cutover/runs/<id>/.",
      "$ref": "#/$defs/id"
    },
    "title": {
      "description": "A human-readable name for the cutover, shown in plans, status and reports.",
      "type": "string"
    },
    "window": {
      "description": "The cutover window: when the cutover starts and how long the business can be without its system. `cutover plan` warns when the estimated critical path does not fit.",
      "$ref": "#/$defs/window"
    },
    "vars": {
      "description": "Values used as {{ NAME }} in commands, instructions, titles and env values. `--var NAME=VALUE` on the command line overrides them.",
      "type": "object",
      "propertyNames": {
        "description": "A var name: letters, digits and '_', not starting with a digit, e.g. LEGACY_DB.",
        "type": "string",
        "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
      },
      "additionalProperties": {
        "description": "The value substituted for {{ NAME }}: a text, a number or a boolean, as written; nothing means an empty text.",
        "type": [
          "string",
          "number",
          "boolean",
          "null"
        ]
      }
    },
    "secrets": {
      "description": "Names of environment variables read when the run starts, usable as {{ NAME }} like vars. Their values are never written anywhere: cutover prints and records them as ***. A secret missing from the environment stops the run before anything executes.",
      "type": "array",
      "uniqueItems": true,
      "items": {
        "description": "An environment variable name, e.g. ERP_DB_PASSWORD.",
        "type": "string",
        "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
      }
    },
    "defaults": {
      "description": "Values every task gets unless it sets its own.",
      "$ref": "#/$defs/defaults"
    },
    "phases": {
      "description": "Optional list of phase names, in order (e.g. prepare, cutover, verify, go-live). If given, every task's phase must be one of them.",
      "type": "array",
      "uniqueItems": true,
      "items": {
        "description": "A phase name.",
        "type": "string",
        "minLength": 1
      }
    },
    "tasks": {
      "description": "The steps of the cutover. The order of execution comes from depends_on, not from the order in this list.",
      "type": "array",
      "minItems": 1,
      "items": {
        "$ref": "#/$defs/task"
      }
    }
  },
  "$defs": {
    "id": {
      "description": "An identifier of 1 to 128 characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or a digit.",
      "type": "string",
      "pattern": "^[a-z0-9][a-z0-9._-]*$",
      "maxLength": 128
    },
    "duration": {
      "description": "A duration: whole numbers with units d, h, m, s, in that order, each at most once. Examples: 45s, 15m, 1h30m, 2d, 1d12h.",
      "type": "string",
      "minLength": 2,
      "pattern": "^(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?$"
    },
    "timestamp": {
      "description": "An RFC 3339 timestamp with a UTC offset, e.g. 2026-11-28T18:00:00+01:00 or 2026-11-28T17:00:00Z.",
      "type": "string",
      "format": "date-time",
      "pattern": "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
    },
    "window": {
      "description": "The cutover window: a start, and either a duration or an end.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "start"
      ],
      "properties": {
        "start": {
          "description": "When the cutover starts, e.g. 2026-11-28T18:00:00+01:00. Plans and forecasts are shown against it, in this offset.",
          "$ref": "#/$defs/timestamp"
        },
        "duration": {
          "description": "How long the window is, e.g. 48h. Give either duration or end, not both.",
          "$ref": "#/$defs/duration"
        },
        "end": {
          "description": "When the window closes, e.g. 2026-11-30T18:00:00+01:00. Give either end or duration, not both.",
          "$ref": "#/$defs/timestamp"
        }
      },
      "oneOf": [
        {
          "required": [
            "duration"
          ]
        },
        {
          "required": [
            "end"
          ]
        }
      ]
    },
    "depends_on": {
      "description": "The id of a task, or a list of task ids, that must succeed before this task starts.",
      "oneOf": [
        {
          "$ref": "#/$defs/id"
        },
        {
          "type": "array",
          "items": {
            "$ref": "#/$defs/id"
          }
        }
      ]
    },
    "env": {
      "description": "Environment variables for the command, added to cutover's own environment: NAME: value.",
      "type": "object",
      "propertyNames": {
        "description": "An environment variable name: letters, digits and '_', not starting with a digit, e.g. PGHOST.",
        "type": "string",
        "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"
      },
      "additionalProperties": {
        "description": "The variable's value, as written (5432 and true are passed as the texts \"5432\" and \"true\"); nothing means an empty value. May use {{ NAME }}.",
        "type": [
          "string",
          "number",
          "boolean",
          "null"
        ]
      }
    },
    "shell": {
      "description": "The program and arguments that run commands; the command is appended as the last argument. Default: [/bin/sh, -c]. Example: [/bin/bash, -euo, pipefail, -c].",
      "type": "array",
      "minItems": 1,
      "items": {
        "description": "The program, then its arguments.",
        "type": "string"
      }
    },
    "on_failure": {
      "description": "What happens when this task fails, or a gate says no-go: rollback (the default) stops new work and rolls back every succeeded task in reverse order; stop halts new work and leaves the run resumable; continue records the failure and carries on. After a point of no return has started, rollback acts as stop: fix forward.",
      "enum": [
        "rollback",
        "stop",
        "continue"
      ]
    },
    "rollback": {
      "description": "How to undo this task if the run rolls back: a shell command, { run: ..., timeout: ..., estimate: ... }, or { manual: ..., estimate: ... } for a person to do.",
      "oneOf": [
        {
          "description": "A shell command that undoes the task.",
          "type": "string"
        },
        {
          "description": "A shell command that undoes the task, with its own timeout and estimate.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "run"
          ],
          "properties": {
            "run": {
              "description": "The shell command that undoes the task. May use {{ NAME }}.",
              "type": "string"
            },
            "timeout": {
              "description": "How long the rollback command may run before it is killed, e.g. 10m.",
              "$ref": "#/$defs/duration"
            },
            "estimate": {
              "description": "How long the rollback step is expected to take, e.g. 10m: it sets how late a no-go can still be rolled back inside the window. Without it, the task's own estimate counts.",
              "$ref": "#/$defs/duration"
            }
          }
        },
        {
          "description": "Instructions for a person who undoes the task and marks it done.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "manual"
          ],
          "properties": {
            "manual": {
              "description": "What the person must do to undo the task. May use {{ NAME }} (never a secret: it would be shown).",
              "type": "string"
            },
            "estimate": {
              "description": "How long the rollback step is expected to take, e.g. 10m: it sets how late a no-go can still be rolled back inside the window. Without it, the task's own estimate counts.",
              "$ref": "#/$defs/duration"
            }
          }
        }
      ]
    },
    "expect": {
      "description": "What a passing check looks like. Default: exit code 0, any output.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "exit_code": {
          "description": "The exit code the check must return, 0 to 255. Default: 0.",
          "type": "integer",
          "minimum": 0,
          "maximum": 255
        },
        "stdout": {
          "description": "A regular expression the check's standard output must match, e.g. ^RECONCILED.",
          "type": "string"
        },
        "stderr": {
          "description": "A regular expression the check's standard error must match.",
          "type": "string"
        }
      }
    },
    "check": {
      "description": "An automated go / no-go check: a command and what its result must be.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "run"
      ],
      "properties": {
        "name": {
          "description": "What the check verifies, as shown to the people deciding, e.g. trial balance reconciles.",
          "type": "string"
        },
        "run": {
          "description": "The shell command that performs the check. May use {{ NAME }}.",
          "type": "string"
        },
        "expect": {
          "description": "The exit code and output that make the check pass. Default: exit code 0.",
          "$ref": "#/$defs/expect"
        },
        "retries": {
          "description": "How many more times to run the check while it does not hold, to poll until it does. Default: 0.",
          "type": "integer",
          "minimum": 0,
          "maximum": 1000
        },
        "retry_delay": {
          "description": "How long to wait between attempts of the check, e.g. 1m.",
          "$ref": "#/$defs/duration"
        },
        "timeout": {
          "description": "How long one attempt of the check may run before it is killed and counts as failed.",
          "$ref": "#/$defs/duration"
        }
      }
    },
    "gate": {
      "description": "A go / no-go decision: every check must pass, then every named approver must approve. A failed check or a rejection is a no-go, and the task's on_failure applies.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "checks": {
          "description": "Automated checks, run before approvals are asked for.",
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/$defs/check"
          }
        },
        "approvals": {
          "description": "The names who must each approve, at the prompt or with `cutover approve RUN_DIR GATE --by NAME`.",
          "type": "array",
          "minItems": 1,
          "uniqueItems": true,
          "items": {
            "description": "An approver's name, e.g. cutover-lead.",
            "type": "string",
            "minLength": 1
          }
        }
      },
      "anyOf": [
        {
          "required": [
            "checks"
          ]
        },
        {
          "required": [
            "approvals"
          ]
        }
      ]
    },
    "task": {
      "description": "One step of the cutover. Exactly one of run (automated), manual (done by a person) or gate (go / no-go).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id"
      ],
      "properties": {
        "id": {
          "description": "The task's unique identifier, used in depends_on, in `cutover mark` and `cutover approve`, and in logs/<id>.log.",
          "$ref": "#/$defs/id"
        },
        "title": {
          "description": "A human-readable name shown in plans, status and reports. Default: the id.",
          "type": "string"
        },
        "phase": {
          "description": "The phase the task belongs to; one of `phases` when those are given.",
          "type": "string"
        },
        "owner": {
          "description": "The team or person responsible, e.g. finance-ops.",
          "type": "string"
        },
        "estimate": {
          "description": "How long the task is expected to take, e.g. 20m. Used for the plan, the critical path and the forecast; compared with the actual time in reports.",
          "$ref": "#/$defs/duration"
        },
        "depends_on": {
          "description": "The task or tasks that must succeed before this one starts: an id or a list of ids.",
          "$ref": "#/$defs/depends_on"
        },
        "run": {
          "description": "Makes this an automated task: the shell command to run. May use {{ NAME }}.",
          "type": "string"
        },
        "manual": {
          "description": "Makes this a manual task: instructions for the person who does it and marks it done. May use {{ NAME }} (never a secret: it would be shown).",
          "type": "string"
        },
        "gate": {
          "description": "Makes this a go / no-go gate: automated checks and/or named approvals.",
          "$ref": "#/$defs/gate"
        },
        "timeout": {
          "description": "How long the command may run before its whole process group is terminated and the attempt counts as failed, e.g. 10m.",
          "$ref": "#/$defs/duration"
        },
        "retries": {
          "description": "How many more attempts after the first when the command fails. Default: 0.",
          "type": "integer",
          "minimum": 0,
          "maximum": 1000
        },
        "retry_delay": {
          "description": "How long to wait between attempts, e.g. 30s.",
          "$ref": "#/$defs/duration"
        },
        "env": {
          "description": "Environment variables for the command, on top of defaults.env.",
          "$ref": "#/$defs/env"
        },
        "workdir": {
          "description": "The directory the command runs in; a relative path is relative to the runbook file's folder.",
          "type": "string"
        },
        "rollback": {
          "description": "How to undo this task if the run rolls back: a command, { run: ..., timeout: ..., estimate: ... }, or { manual: ..., estimate: ... }.",
          "$ref": "#/$defs/rollback"
        },
        "on_failure": {
          "description": "What happens when this task fails: rollback (default), stop or continue.",
          "$ref": "#/$defs/on_failure"
        },
        "idempotent": {
          "description": "True if the task is safe to run again after an interruption; otherwise a person decides on resume. Default: false.",
          "type": "boolean"
        },
        "point_of_no_return": {
          "description": "True if, once this task has started, failures are fixed forward and never rolled back. Default: false.",
          "type": "boolean"
        },
        "shell": {
          "description": "The shell that runs this task's command, e.g. [/bin/bash, -euo, pipefail, -c]; the command is appended.",
          "$ref": "#/$defs/shell"
        }
      },
      "oneOf": [
        {
          "required": [
            "run"
          ]
        },
        {
          "required": [
            "manual"
          ]
        },
        {
          "required": [
            "gate"
          ]
        }
      ]
    },
    "defaults": {
      "description": "Values every task gets unless it sets its own.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "owner": {
          "description": "The owner of tasks that name none.",
          "type": "string"
        },
        "timeout": {
          "description": "The timeout of commands in tasks that set none, e.g. 1h.",
          "$ref": "#/$defs/duration"
        },
        "retries": {
          "description": "How many more attempts after the first, for tasks that set none.",
          "type": "integer",
          "minimum": 0,
          "maximum": 1000
        },
        "retry_delay": {
          "description": "How long to wait between attempts, for tasks that set none.",
          "$ref": "#/$defs/duration"
        },
        "env": {
          "description": "Environment variables for every command; a task's own env adds to and overrides these.",
          "$ref": "#/$defs/env"
        },
        "workdir": {
          "description": "The directory commands run in, for tasks that set none; relative to the runbook file's folder.",
          "type": "string"
        },
        "on_failure": {
          "description": "The failure policy of tasks that set none: rollback (the default), stop or continue.",
          "$ref": "#/$defs/on_failure"
        },
        "idempotent": {
          "description": "Whether tasks that do not say are safe to run again after an interruption.",
          "type": "boolean"
        },
        "shell": {
          "description": "The shell for every command, e.g. [/bin/bash, -euo, pipefail, -c]. Default: [/bin/sh, -c].",
          "$ref": "#/$defs/shell"
        }
      }
    }
  }
})json";

}  // namespace

std::string_view runbook_json_schema() {
  return schema_text;
}

}  // namespace cutover
