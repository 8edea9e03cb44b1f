#pragma once
// Shared by the loader's, the runbook reader's and the diagnostics' unit tests: a runbook loaded
// from text, its diagnostics listed for one comparison, the texts that many expected messages
// share, and diagnostics of a given source text.

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>

#include "cutover/runbook/loader.hpp"

namespace cutover::testing {

// Diagnostics of a file whose text is `source`, for the excerpts of the text format.
inline FileDiagnostics with_source(std::string file, std::string source) {
  FileDiagnostics diagnostics(std::move(file));
  diagnostics.set_source(std::move(source));
  return diagnostics;
}

inline LoadResult load(std::string text, const LoadOptions& options = {}) {
  return load_runbook_text(std::move(text), "rb.yaml", options);
}

// Every diagnostic on its own line, "error 3:1: message [hint]", so that one comparison checks
// the severity, location, message and hint of each, their order, and that there are no others.
inline std::string list(const FileDiagnostics& diagnostics, std::string_view prefix = {}) {
  std::string out;
  for (const auto& item : diagnostics.items()) {
    out += prefix;
    out += item.severity == Severity::error ? "error " : "warning ";
    out += std::to_string(item.location.line) + ":" + std::to_string(item.location.column) + ": ";
    out += item.message;
    if (!item.hint.empty()) out += " [" + item.hint + "]";
    out += "\n";
  }
  return out;
}

// The runbook's own first; then each included file's, its lines starting with its name.
inline std::string list(const LoadResult& result) {
  const auto& files = result.diagnostics.files();
  std::string out = list(files.front());
  for (std::size_t i = 1; i < files.size(); ++i) out += list(files[i], files[i].file() + " ");
  return out;
}

// Two lines; what follows starts on line 3.
inline const std::string header = "version: 1\nid: rb\n";
// A task that draws no diagnostic, three lines.
inline const std::string task_a = "  - id: a\n    run: echo\n    estimate: 1m\n";

inline const Task& task(const LoadResult& result, std::string_view id) {
  const auto index = result.runbook.find_task(id);
  REQUIRE_MESSAGE(index.has_value(), "no task " << id);
  return result.runbook.tasks[*index];
}

inline const std::string known_task_keys =
    "known keys: id, title, phase, owner, estimate, depends_on, run, manual, gate, timeout, "
    "retries, retry_delay, env, workdir, rollback, on_failure, idempotent, point_of_no_return, "
    "shell";
inline const std::string duration_hint =
    "whole numbers with units d, h, m, s in that order: 45s, 15m, 1h30m, 2d";
inline const std::string name_hint = "names are letters, digits and '_', not starting with a digit";

}  // namespace cutover::testing
