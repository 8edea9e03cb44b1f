#pragma once
// Errors and warnings about a runbook, located like a compiler's, and their output formats.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cutover/runbook/model.hpp"

namespace cutover {

enum class Severity { error, warning };

// Where a known offset is, so that locating a later offset on the same line starts there.
struct LocationHint {
  std::size_t offset = 0;
  Location location{1, 1};
};

struct Diagnostic {
  Severity severity = Severity::error;
  Location location;
  std::string message;
  std::string hint;  // "did you mean 'depends_on'?", "known keys: ..."; may be empty
};

// The diagnostics of one file, with the text they point into (for the caret excerpts).
class FileDiagnostics {
 public:
  // Like a compiler's error limit: past it, problems are counted but not shown, so that a
  // hostile file cannot make the report itself huge or slow. Ten times as many are kept
  // until sort(), so that the ones shown are the first in file order.
  static constexpr std::size_t max_items = 1000;
  static constexpr std::size_t max_kept = 10 * max_items;

  explicit FileDiagnostics(std::string file = {}) : file_(std::move(file)) {}

  void error(Location location, std::string message, std::string hint = {});
  void warning(Location location, std::string message, std::string hint = {});

  // --strict: every warning becomes an error.
  void promote_warnings();
  // Stable order by location, so that a file's problems read top to bottom; exact
  // repetitions removed; then cut to max_items.
  void sort();
  // No further problem would be kept: callers may skip the work of describing one.
  bool full() const { return items_.size() >= max_kept; }

  const std::string& file() const { return file_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::size_t error_count() const;  // kept and omitted
  std::size_t warning_count() const;
  std::size_t omitted() const { return omitted_errors_ + omitted_warnings_; }
  bool has_errors() const { return error_count() > 0; }

  // The source text the locations refer to; lines are looked up for excerpts.
  void set_source(std::string text);
  std::string_view source_line(int line) const;  // without its line break; empty if unknown
  std::string_view source() const { return source_; }
  // Byte offset of a location in the source (npos if outside), and back.
  std::size_t offset_of(Location location) const;
  Location location_at(std::size_t offset) const;
  Location location_at(std::size_t offset, const LocationHint& hint) const;

 private:
  void add(Diagnostic diagnostic);

  std::string file_;
  std::vector<Diagnostic> items_;
  std::size_t omitted_errors_ = 0;
  std::size_t omitted_warnings_ = 0;
  std::string source_;
  std::vector<std::uint32_t> line_starts_;  // sources are at most 64 MiB
};

// The diagnostics of a runbook and of every file it includes: one FileDiagnostics per file,
// the runbook's first, then the included files in include order, as Task::file counts them.
class Diagnostics {
 public:
  explicit Diagnostics(std::string runbook_file = {});

  // References to the other files' diagnostics do not survive it.
  FileDiagnostics& add_file(std::string file);
  FileDiagnostics& of(std::size_t file) { return files_[file]; }
  FileDiagnostics& of(const Task& task) { return files_[task.file]; }
  FileDiagnostics& runbook() { return files_.front(); }
  const FileDiagnostics& runbook() const { return files_.front(); }
  const std::vector<FileDiagnostics>& files() const { return files_; }
  std::vector<FileDiagnostics> take_files() && { return std::move(files_); }

  std::size_t error_count() const;
  std::size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  bool empty() const;  // no file has a problem
  void promote_warnings();
  void sort();

 private:
  std::vector<FileDiagnostics> files_;
};

struct RenderOptions {
  bool colour = false;
};

// Compiler style: "file:line:col: error: message", the source line, a caret, the hint.
std::string render_text(const FileDiagnostics& diagnostics, const RenderOptions& options);
// Every file's, in order.
std::string render_text(const Diagnostics& diagnostics, const RenderOptions& options);

// Formats covering several files, for `validate`.
std::string render_json(const std::vector<FileDiagnostics>& files);
std::string render_junit(const std::vector<FileDiagnostics>& files);
std::string render_github(const std::vector<FileDiagnostics>& files);

// Text safe to show on a terminal or in a report: control characters (but tabs, and newlines
// when kept) and invalid UTF-8 become '?', one per byte.
std::string printable(std::string_view text, bool keep_newlines = false);

// Edit-distance suggestion among candidates, or empty when nothing is close enough.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// "runbook erp has no task 'lod'; did you mean 'load'?": a task named on a command line that is
// not in the runbook.
std::string no_such_task(const Runbook& runbook, std::string_view id);

}  // namespace cutover
