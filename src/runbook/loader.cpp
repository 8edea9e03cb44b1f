#include "cutover/runbook/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <system_error>

#include "base/sha256.hpp"
#include "base/text.hpp"
#include "cutover/base/errors.hpp"
#include "cutover/runbook/allowed_signers.hpp"
#include "cutover/runbook/checks.hpp"
#include "runbook/runbook_reader.hpp"
#include "runbook/yaml_tree.hpp"

namespace cutover {

namespace {

// Length of the UTF-8 sequence starting at text[at], or 0 when it is not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(at + i) & 0x3F);
  }
  constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  const bool overlong = code_point < smallest[length];
  const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  return overlong || surrogate || code_point > 0x10FFFF ? 0 : length;
}

// Eight bytes at once: runbooks are mostly ASCII.
bool all_ascii(const char* bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  return (word & 0x8080808080808080ULL) == 0;
}

// Binary data and broken encodings are refused before the YAML parser sees them.
bool check_encoding(std::string_view text, FileDiagnostics& diagnostics) {
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    const auto at = static_cast<std::size_t>(static_cast<const char*>(nul) - text.data());
    diagnostics.error(diagnostics.location_at(at), "the file contains a NUL byte",
                      "this looks like binary data, not a YAML runbook");
    return false;
  }
  for (std::size_t at = 0; at < text.size();) {
    if (at + 8 <= text.size() && all_ascii(text.data() + at)) {
      at += 8;
      continue;
    }
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      diagnostics.error(diagnostics.location_at(at), "the file is not valid UTF-8",
                        "save the runbook as UTF-8");
      return false;
    }
    at += length;
  }
  return true;
}

struct ReadProblem {
  bool too_large = false;  // a problem of the runbook; any other is the path's
  std::string message;
};

// The whole file into `text`, or why not.
std::optional<ReadProblem> read_text(const std::filesystem::path& path, std::string& text) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > max_file_bytes) {
    return ReadProblem{true, fmt::format("the file is {} bytes, over the limit of {} MiB", size,
                                         max_file_bytes >> 20)};
  }
  std::ifstream in(path, std::ios::binary);
  text.assign(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in || in.gcount() != static_cast<std::streamsize>(text.size())) {
    return ReadProblem{false, fmt::format("cannot be read: {}", std::strerror(errno))};
  }
  return std::nullopt;
}

// Parses one file of the runbook into `diagnostics`, which keeps its text for the excerpts;
// nothing when it is not YAML.
std::optional<yaml::Tree> parse_file(std::string text, FileDiagnostics& diagnostics) {
  // The parser would skip a byte-order mark and count columns after it; so do the excerpts.
  if (std::string_view(text).starts_with(utf8_bom)) text.erase(0, utf8_bom.size());
  diagnostics.set_source(std::move(text));
  const std::string_view source = diagnostics.source();
  if (!check_encoding(source, diagnostics)) return std::nullopt;
  yaml::Limits limits;
  limits.max_depth = max_nesting_depth;
  limits.max_alias_expansion = max_expanded_nodes;
  auto parsed = yaml::parse(source, limits);
  if (auto* error = std::get_if<yaml::SyntaxError>(&parsed)) {
    diagnostics.error(error->location, error->message, error->hint);
    return std::nullopt;
  }
  return std::move(std::get<yaml::Tree>(parsed));
}

// Includes nested deeper than this are a mistake, and would deepen the loader's recursion.
constexpr std::size_t max_include_depth = 64;

// Reads the workstream files a runbook includes, each once, depth first: a file's tasks come
// after those of the file that includes it, before those of the next file it includes.
class IncludeLoader {
 public:
  IncludeLoader(const std::string& runbook_file, std::size_t runbook_bytes,
                const LoadOptions& options, LoadResult& result)
      : shown_folder_(std::filesystem::path(runbook_file).parent_path()),
        folder_(shown_folder_.empty() ? std::filesystem::path(".") : shown_folder_),
        options_(options),
        result_(result),
        total_bytes_(runbook_bytes) {
    std::error_code error;
    canonical_folder_ = std::filesystem::weakly_canonical(folder_, error);
    chain_.push_back(std::filesystem::path(runbook_file).filename().string());
  }

  void load(const std::vector<Include>& includes, std::size_t from, const RunbookContext& context) {
    const std::filesystem::path from_folder =
        from == 0 ? std::filesystem::path() : std::filesystem::path(chain_.back()).parent_path();
    for (const Include& include : includes) {
      FileDiagnostics& out = result_.diagnostics.of(from);
      const auto relative = included_path(include, from_folder, out);
      if (!relative || already_loaded(*relative)) continue;
      auto text = read(include, *relative, out);
      if (!text) continue;
      total_bytes_ += text->size();
      if (total_bytes_ > max_file_bytes) {
        out.error(include.location,
                  fmt::format("cannot include '{}': the runbook's files together are over the "
                              "limit of {} MiB",
                              include.path, max_file_bytes >> 20),
                  "a runbook is text; this is too large to be one");
        return;
      }
      // `out` is not used past here: adding a file may move the others' diagnostics.
      const std::size_t file = result_.runbook.included.size() + 1;
      result_.runbook.included.push_back(*relative);
      result_.included.push_back({*relative, *text});
      FileDiagnostics& diagnostics =
          result_.diagnostics.add_file((shown_folder_ / *relative).string());
      const auto tree = parse_file(std::move(*text), diagnostics);
      if (!tree) continue;
      WorkstreamFile workstream = read_workstream(*tree, options_, context, file, diagnostics);
      auto& tasks = result_.runbook.tasks;
      tasks.insert(tasks.end(), std::make_move_iterator(workstream.tasks.begin()),
                   std::make_move_iterator(workstream.tasks.end()));
      if (workstream.includes.empty()) continue;
      if (chain_.size() >= max_include_depth) {
        diagnostics.error(workstream.includes.front().location,
                          fmt::format("includes are nested more than {} deep", max_include_depth),
                          "include the files from the runbook instead");
        continue;
      }
      chain_.push_back(*relative);
      load(workstream.includes, file, context);
      chain_.pop_back();
    }
  }

 private:
  // The include's path relative to the runbook's folder, '/'-separated, or nothing when it may
  // not be included (reported).
  std::optional<std::string> included_path(const Include& include,
                                           const std::filesystem::path& from_folder,
                                           FileDiagnostics& out) const {
    const std::filesystem::path written(include.path);
    const auto refuse = [&](std::string message, std::string hint) {
      out.error(include.location, std::move(message), std::move(hint));
      return std::nullopt;
    };
    if (written.is_absolute()) {
      return refuse(fmt::format("cannot include '{}': the path is absolute", include.path),
                    "write it relative to this file");
    }
    const std::filesystem::path relative = (from_folder / written).lexically_normal();
    if (relative.empty() || *relative.begin() == ".." || relative.filename().empty()) {
      return refuse(
          fmt::format("cannot include '{}': it is outside the runbook's folder", include.path),
          "a runbook's files live in its folder and the folders below it, so that a run can "
          "freeze them all");
    }
    const std::string path = relative.generic_string();
    if (const auto cycle = std::find(chain_.begin(), chain_.end(), path); cycle != chain_.end()) {
      std::string loop;
      for (auto at = cycle; at != chain_.end(); ++at) loop += *at + " -> ";
      return refuse(fmt::format("include cycle: {}{}", loop, path),
                    "a file cannot include a file that includes it");
    }
    const std::string first = relative.begin()->string();
    const auto& reserved = run_folder_names;
    if (std::find(std::begin(reserved), std::end(reserved), first) != std::end(reserved)) {
      return refuse(fmt::format("cannot include '{}': a run's folder keeps the name '{}' for its "
                                "own files, and freezes included files at their paths",
                                include.path, first),
                    "move or rename it");
    }
    if (escapes_by_link(relative)) {
      return refuse(
          fmt::format("cannot include '{}': a symbolic link leads outside the runbook's folder",
                      include.path),
          "copy the file into the runbook's folder");
    }
    return path;
  }

  bool escapes_by_link(const std::filesystem::path& relative) const {
    std::error_code error;
    const auto file = std::filesystem::weakly_canonical(folder_ / relative, error);
    if (error || canonical_folder_.empty()) return false;  // reading it says what is wrong
    const auto inside = file.lexically_relative(canonical_folder_);
    return inside.empty() || *inside.begin() == "..";
  }

  bool already_loaded(const std::string& path) const {
    const auto& included = result_.runbook.included;
    return std::find(included.begin(), included.end(), path) != included.end();
  }

  std::optional<std::string> read(const Include& include, const std::string& relative,
                                  FileDiagnostics& out) const {
    if (const auto given = options_.included_texts.find(relative);
        given != options_.included_texts.end()) {
      return given->second;
    }
    const auto path = folder_ / relative;
    if (auto reason = unreadable_reason(path)) {
      out.error(include.location, fmt::format("cannot include '{}': {}", include.path, *reason));
      return std::nullopt;
    }
    std::string text;
    if (auto problem = read_text(path, text)) {
      out.error(include.location,
                fmt::format("cannot include '{}': {}", include.path, problem->message));
      return std::nullopt;
    }
    return text;
  }

  std::filesystem::path shown_folder_;  // as the runbook's path was given: how messages name files
  std::filesystem::path folder_;
  std::filesystem::path canonical_folder_;  // symbolic links resolved: includes stay inside it
  const LoadOptions& options_;
  LoadResult& result_;
  std::vector<std::string> chain_;  // the files being read, outermost first: cycles are refused
  std::size_t total_bytes_;         // of every file read: the set has the one file's limit
};

}  // namespace

LoadResult load_runbook_text(std::string text, const std::string& file,
                             const LoadOptions& options) {
  LoadResult result{{}, Diagnostics(file), {}};
  auto& diagnostics = result.diagnostics;
  {
    // Scoped: the tree is gone before the graph checks allocate theirs.
    const std::size_t bytes = text.size();
    const auto tree = parse_file(std::move(text), diagnostics.runbook());
    if (!tree) {
      result.runbook.file = file;
      return result;
    }
    RunbookFile read = read_runbook(*tree, options, diagnostics.runbook());
    result.runbook = std::move(read.runbook);
    result.runbook.file = file;
    IncludeLoader(file, bytes, options, result).load(read.includes, 0, read.context);
  }
  load_identity(result.runbook, file, options, diagnostics);
  check_runbook(result.runbook, diagnostics);
  diagnostics.sort();
  return result;
}

std::string runbook_sha256(std::string_view text, const std::vector<IncludedFile>& included) {
  if (included.empty()) return sha256_hex(text);  // as every run recorded before includes
  std::string all;
  const auto add = [&](std::string_view path, std::string_view bytes) {
    all += fmt::format("{}\n{}\n", path, bytes.size());
    all += bytes;
  };
  add("", text);
  for (const IncludedFile& file : included) add(file.path, file.text);
  return sha256_hex(all);
}

std::optional<std::string> unreadable_reason(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error && error != std::errc::no_such_file_or_directory) return error.message();
  if (!std::filesystem::exists(status)) return "no such file";
  if (std::filesystem::is_directory(status)) return "is a directory, not a runbook file";
  if (!std::filesystem::is_regular_file(status)) return "not a regular file";
  if (std::ifstream(path, std::ios::binary).fail()) return std::strerror(errno);
  return std::nullopt;
}

LoadResult load_runbook(const std::filesystem::path& path, const LoadOptions& options) {
  if (auto reason = unreadable_reason(path)) {
    throw UsageError(fmt::format("{}: {}", path.string(), *reason));
  }
  std::string text;
  if (auto problem = read_text(path, text)) {
    if (!problem->too_large) {
      throw UsageError(fmt::format("{}: {}", path.string(), problem->message));
    }
    LoadResult result{{}, Diagnostics(path.string()), {}};
    result.diagnostics.runbook().error({}, problem->message,
                                       "a runbook is text; this is too large to be one");
    return result;
  }
  return load_runbook_text(std::move(text), path.string(), options);
}

}  // namespace cutover
