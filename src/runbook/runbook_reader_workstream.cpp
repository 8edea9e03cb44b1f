// The reader's workstream files (docs/runbook-format.md §10): their three keys, and the
// `include` lists of both kinds of file.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "runbook/runbook_reader_impl.hpp"

namespace cutover {
namespace reader {

namespace {

const MappingKeys workstream_keys = {.names = {"include", "defaults", "tasks"}, .extensions = true};
constexpr std::string_view workstream_content =
    "a workstream file holds include, defaults and tasks";

}  // namespace

// Only a workstream file's keys, and neither version nor id: a workstream file given where a
// runbook was expected (`cutover validate workstreams/finance.yaml`).
bool Reader::looks_like_workstream(const std::vector<Entry>& top) {
  const auto& keys = workstream_keys.names;
  bool has_content = false;
  for (const Entry& entry : top) {
    if (entry.key.starts_with("x-")) continue;
    if (std::find(keys.begin(), keys.end(), entry.key) == keys.end()) return false;
    has_content = has_content || entry.key != "defaults";
  }
  return has_content;
}

WorkstreamFile Reader::read_workstream() {
  WorkstreamFile file;
  if (tree_.empty()) {
    out_.error({1, 1}, "the file is empty", std::string(workstream_content));
    return file;
  }
  const Node& root = tree_.node(tree_.root());
  if (root.type != NodeType::mapping) {
    out_.error(root.location,
               fmt::format("a workstream file must be a mapping, found {}", found(root)),
               std::string(workstream_content));
    return file;
  }
  auto top = entries(tree_.root(), "the workstream file");
  // The runbook's own keys get a message of their own rather than "unknown key".
  std::erase_if(top, [&](const Entry& entry) {
    const auto& names = runbook_keys.names;
    const bool runbook_only = std::find(names.begin(), names.end(), entry.key) != names.end() &&
                              std::find(workstream_keys.names.begin(), workstream_keys.names.end(),
                                        entry.key) == workstream_keys.names.end();
    if (runbook_only) {
      out_.error(entry.key_location,
                 fmt::format("'{}' belongs in the runbook, not in a workstream file", entry.key),
                 fmt::format("{}; the runbook's version, id, vars, secrets and phases apply to it",
                             workstream_content));
    }
    return runbook_only;
  });
  check_keys(top, workstream_keys, "the workstream file");
  const Entry* include = find(top, "include");
  require(top, include ? KeyList{} : KeyList{"tasks"}, root.location, "the workstream file");
  if (include) file.includes = read_includes(*include);
  if (const Entry* defaults = find(top, "defaults")) read_defaults(*defaults);
  if (const Entry* tasks = find(top, "tasks")) file.tasks = read_tasks(*tasks);
  return file;
}

std::vector<Include> Reader::read_includes(const Entry& entry) {
  std::vector<Include> includes;
  const auto items = text_list(entry, "a list of workstream files", true);
  if (!items) return includes;
  std::unordered_set<std::string_view> seen;
  for (const auto& [path, location] : *items) {
    if (path.empty()) {
      out_.error(location, "an empty path in 'include'", "e.g. workstreams/finance.yaml");
    } else if (!seen.insert(path).second) {
      out_.error(location, fmt::format("{} is listed twice in 'include'", shown(path)));
    } else {
      includes.push_back({path, location});
    }
  }
  return includes;
}

}  // namespace reader

WorkstreamFile read_workstream(const yaml::Tree& tree, const LoadOptions& options,
                               const RunbookContext& runbook, std::size_t file,
                               FileDiagnostics& diagnostics) {
  return reader::Reader(tree, options, runbook, file, diagnostics).read_workstream();
}

}  // namespace cutover
