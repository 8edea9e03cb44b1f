#include "cutover/runbook/loader.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <system_error>

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

}  // namespace

LoadResult load_runbook_text(std::string text, const std::string& file,
                             const LoadOptions& options) {
  LoadResult result{{}, FileDiagnostics(file)};
  auto& diagnostics = result.diagnostics;
  // The parser would skip a byte-order mark and count columns after it; so do the excerpts.
  if (std::string_view(text).starts_with(utf8_bom)) text.erase(0, utf8_bom.size());
  diagnostics.set_source(std::move(text));
  const std::string_view source = diagnostics.source();
  result.runbook.file = file;

  if (!check_encoding(source, diagnostics)) return result;
  {
    // Scoped: the tree is gone before the graph checks allocate theirs.
    yaml::Limits limits;
    limits.max_depth = max_nesting_depth;
    limits.max_alias_expansion = max_expanded_nodes;
    auto parsed = yaml::parse(source, limits);
    if (auto* error = std::get_if<yaml::SyntaxError>(&parsed)) {
      diagnostics.error(error->location, error->message, error->hint);
      return result;
    }
    result.runbook = read_runbook(std::get<yaml::Tree>(parsed), options, diagnostics);
  }
  result.runbook.file = file;
  load_identity(result.runbook, file, options, diagnostics);
  check_runbook(result.runbook, diagnostics);
  diagnostics.sort();
  return result;
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
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > max_file_bytes) {
    LoadResult result{{}, FileDiagnostics(path.string())};
    result.diagnostics.error(
        {},
        fmt::format("the file is {} bytes, over the limit of {} MiB", size, max_file_bytes >> 20),
        "a runbook is text; this is too large to be one");
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in || in.gcount() != static_cast<std::streamsize>(text.size())) {
    throw UsageError(fmt::format("{}: cannot be read: {}", path.string(), std::strerror(errno)));
  }
  return load_runbook_text(std::move(text), path.string(), options);
}

}  // namespace cutover
