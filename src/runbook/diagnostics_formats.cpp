// The machine formats of diagnostics, for CI: JSON, JUnit XML and GitHub workflow commands.
// The text format for people is in diagnostics.cpp.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/markup.hpp"
#include "cutover/runbook/diagnostics.hpp"
#include "runbook/diagnostics_shared.hpp"

namespace cutover {

std::string render_json(const std::vector<FileDiagnostics>& files) {
  nlohmann::ordered_json root;
  root["files"] = nlohmann::ordered_json::array();
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto& file : files) {
    nlohmann::ordered_json entry;
    entry["file"] = file.file();
    entry["valid"] = !file.has_errors();
    entry["errors"] = file.error_count();
    entry["warnings"] = file.warning_count();
    entry["omitted"] = file.omitted();
    entry["diagnostics"] = nlohmann::ordered_json::array();
    for (const auto& item : file.items()) {
      nlohmann::ordered_json d;
      d["severity"] = severity_name(item.severity);
      d["line"] = item.location.line;
      d["column"] = item.location.column;
      d["message"] = item.message;
      d["hint"] = item.hint;
      entry["diagnostics"].push_back(std::move(d));
    }
    errors += file.error_count();
    warnings += file.warning_count();
    root["files"].push_back(std::move(entry));
  }
  root["errors"] = errors;
  root["warnings"] = warnings;
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

std::string xml_escape(std::string_view raw) {
  return markup_escape(printable(raw, true));  // XML must be valid UTF-8, no control bytes
}

std::string one_line(const std::string& file, const Diagnostic& item) {
  std::string line = fmt::format("{}: {}: {}", location_prefix(file, item.location),
                                 severity_name(item.severity), item.message);
  if (!item.hint.empty()) line += fmt::format(" ({})", item.hint);
  return line;
}

}  // namespace

std::string render_junit(const std::vector<FileDiagnostics>& files) {
  std::size_t failures = 0;
  for (const auto& file : files) failures += file.has_errors() ? 1 : 0;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"cutover validate\" tests=\"{}\" failures=\"{}\">\n",
                     files.size(), failures);
  out += fmt::format("  <testsuite name=\"cutover validate\" tests=\"{}\" failures=\"{}\">\n",
                     files.size(), failures);
  for (const auto& file : files) {
    const std::string name = xml_escape(file.file());
    out += fmt::format("    <testcase classname=\"cutover.validate\" name=\"{}\" file=\"{}\">\n",
                       name, name);
    std::string errors;
    std::string warnings;
    for (const auto& item : file.items()) {
      (item.severity == Severity::error ? errors : warnings) += one_line(file.file(), item) + "\n";
    }
    if (file.omitted() > 0) {
      errors += fmt::format("{} more problems not shown\n", file.omitted());
    }
    if (file.has_errors()) {
      out += fmt::format(
          "      <failure message=\"{} error(s)\" type=\"invalid runbook\">{}</failure>\n",
          file.error_count(), xml_escape(errors));
    }
    if (!warnings.empty()) {
      out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(warnings));
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

namespace {

// GitHub workflow commands: data escapes %, CR, LF; properties also ':' and ','.
std::string github_escape(std::string_view raw, bool property) {
  const std::string text = printable(raw, true);  // no escape sequences into the CI log
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_github(const std::vector<FileDiagnostics>& files) {
  std::string out;
  for (const auto& file : files) {
    for (const auto& item : file.items()) {
      std::string properties = "file=" + github_escape(file.file(), true);
      if (item.location.line > 0) properties += fmt::format(",line={}", item.location.line);
      if (item.location.column > 0) properties += fmt::format(",col={}", item.location.column);
      properties += ",title=cutover";
      std::string message = item.message;
      if (!item.hint.empty()) message += " (" + item.hint + ")";
      out += fmt::format("::{} {}::{}\n", severity_name(item.severity), properties,
                         github_escape(message, false));
    }
    if (file.omitted() > 0) {
      out += fmt::format("::notice file={},title=cutover::{} more problems not shown\n",
                         github_escape(file.file(), true), file.omitted());
    }
  }
  return out;
}

}  // namespace cutover
