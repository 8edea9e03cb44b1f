#include "cutover/runbook/allowed_signers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "base/text.hpp"
#include "cutover/runbook/loader.hpp"

namespace cutover {

namespace {

// More than any team's list of people; a larger file is not an allowed_signers file.
constexpr std::uintmax_t max_signers_bytes = 1 << 20;

// Whitespace-separated fields; a double-quoted part (namespaces="a,b") stays in its field.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    if (at == line.size()) break;
    const std::size_t start = at;
    bool quoted = false;
    while (at < line.size() && (quoted || (line[at] != ' ' && line[at] != '\t'))) {
      if (line[at] == '"') quoted = !quoted;
      ++at;
    }
    fields.push_back(line.substr(start, at - start));
  }
  return fields;
}

bool is_key_type(std::string_view field) {
  return field.starts_with("ssh-") || field.starts_with("ecdsa-") || field.starts_with("sk-ssh-") ||
         field.starts_with("sk-ecdsa-");
}

bool is_base64(std::string_view text) {
  return !text.empty() && text.size() % 4 == 0 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  });
}

// Comma-separated parts; a comma between double quotes (namespaces="a,b") stays in its part.
std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '"') quoted = !quoted;
    if (text[at] == ',' && !quoted) {
      parts.push_back(text.substr(start, at - start));
      start = at + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string_view unquoted(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// The problem with a line's options, or empty. OpenSSH reads option names in any case.
std::string options_problem(std::string_view options) {
  for (const std::string_view option : split_commas(options)) {
    const std::string name = lower_case(option.substr(0, option.find('=')));
    if (name == "cert-authority") {
      return "certificate authorities are not supported: list each person's own key";
    }
    if (name == "valid-after" || name == "valid-before") {
      return fmt::format(
          "{} is not supported: `cutover verify` checks signatures later, offline, when a "
          "time-limited key may have expired",
          name);
    }
    if (name == "namespaces") {
      const auto list = split_commas(unquoted(option.substr(option.find('=') + 1)));
      if (std::find(list.begin(), list.end(), signature_namespace) == list.end()) {
        return fmt::format("this key may only sign for {}, not \"{}\"", option,
                           signature_namespace);
      }
    }
  }
  return {};
}

class SignersParser {
 public:
  ParsedSigners parse(std::string_view text) {
    int number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      std::string_view line = text.substr(start, end - start);
      if (line.ends_with('\r')) line.remove_suffix(1);
      ++number;
      parse_line(line, number);
      start = end + 1;
    }
    if (result_.signers.empty() && result_.problems.empty()) {
      problem(0, "it lists no keys", "one line per person: NAME KEY-TYPE BASE64 [COMMENT]");
    }
    return std::move(result_);
  }

 private:
  void problem(int line, std::string message, std::string hint = {}) {
    result_.problems.push_back({line, std::move(message), std::move(hint)});
  }

  void parse_line(std::string_view line, int number) {
    const auto fields = fields_of(line);
    if (fields.empty() || fields[0].starts_with('#')) return;
    // principals [options] key-type base64 [comment]
    const std::size_t type_at = fields.size() > 1 && is_key_type(fields[1]) ? 1 : 2;
    if (fields.size() < type_at + 2 || !is_key_type(fields[type_at])) {
      problem(number, "not a key line",
              "one line per person: NAME KEY-TYPE BASE64 [COMMENT], as in a .pub file with the "
              "name in front");
      return;
    }
    if (!is_base64(fields[type_at + 1])) {
      problem(number, fmt::format("the {} key is not base64", fields[type_at]),
              "copy the key from the person's .pub file whole");
      return;
    }
    if (type_at == 2) {
      if (auto why = options_problem(fields[1]); !why.empty()) return problem(number, why);
    }
    const std::string key = fmt::format("{} {}", fields[type_at], fields[type_at + 1]);
    // OpenSSH takes "alice,bob" in quotes as the two names it lists.
    for (const std::string_view name : split_commas(unquoted(fields[0]))) add(name, key, number);
  }

  void add(std::string_view name, const std::string& key, int number) {
    if (name.empty() || name.find_first_of("*?!") != std::string_view::npos) {
      problem(number, fmt::format("'{}' is not a name", name),
              "patterns are not supported: name each person, as --by gives the name");
      return;
    }
    const auto [owner, fresh] = owners_.try_emplace(key, Owner{std::string(name), number});
    if (!fresh && owner->second.name != name) {
      problem(number,
              fmt::format("the key of '{}' is also '{}''s (line {})", name, owner->second.name,
                          owner->second.line),
              "one key is one person: with two names it could approve twice");
      return;
    }
    result_.signers.push_back({std::string(name), key, number});
  }

  struct Owner {
    std::string name;
    int line = 0;
  };
  ParsedSigners result_;
  std::map<std::string, Owner> owners_;
};

std::optional<std::string> read_signers(const std::filesystem::path& path, std::string& text) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return "a folder, not an allowed_signers file";
  if (auto reason = unreadable_reason(path)) return reason;
  if (std::filesystem::file_size(path, error) > max_signers_bytes) {
    return fmt::format("larger than {} KiB: not an allowed_signers file", max_signers_bytes >> 10);
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) return "cannot be read";
  text = std::move(content).str();
  return std::nullopt;
}

// Every name that decides something in the runbook needs a key.
void check_deciders(const Runbook& runbook, const Identity& identity, Diagnostics& diagnostics) {
  const auto missing = [&](std::string_view name) { return !identity.knows(name); };
  for (const Task& task : runbook.tasks) {
    const auto* gate = std::get_if<Gate>(&task.kind);
    if (!gate) continue;
    for (const std::string& name : gate->approvals) {
      if (missing(name)) {
        diagnostics.of(task).error(task.location,
                                   fmt::format("'{}' approves {} but has no key in {}", name,
                                               task.id, identity.allowed_signers),
                                   "add a line for them: NAME followed by their .pub key");
      }
    }
  }
  if (!runbook.go_live) return;
  for (const std::string& name : runbook.go_live->signoffs) {
    if (missing(name)) {
      diagnostics.runbook().error(runbook.go_live->location,
                                  fmt::format("'{}' signs off rehearsals but has no key in {}",
                                              name, identity.allowed_signers),
                                  "add a line for them: NAME followed by their .pub key");
    }
  }
}

}  // namespace

ParsedSigners parse_allowed_signers(std::string_view text) {
  return SignersParser().parse(text);
}

void load_identity(Runbook& runbook, const std::filesystem::path& runbook_file,
                   const LoadOptions& options, Diagnostics& diagnostics) {
  if (!runbook.identity) return;
  Identity& identity = *runbook.identity;
  const std::filesystem::path path = options.allowed_signers.empty()
                                         ? runbook_file.parent_path() / identity.allowed_signers
                                         : options.allowed_signers;
  identity.file = path.string();
  if (auto why = read_signers(path, identity.text)) {
    diagnostics.runbook().error(
        identity.location, fmt::format("{}: {}", identity.file, *why),
        "identity.allowed_signers is read relative to the runbook's folder");
    return;
  }
  ParsedSigners parsed = parse_allowed_signers(identity.text);
  for (const SignersProblem& problem : parsed.problems) {
    const std::string where =
        problem.line > 0 ? fmt::format("{}:{}", identity.file, problem.line) : identity.file;
    diagnostics.runbook().error(identity.location, fmt::format("{}: {}", where, problem.message),
                                problem.hint);
  }
  identity.signers = std::move(parsed.signers);
  if (parsed.problems.empty()) check_deciders(runbook, identity, diagnostics);
}

}  // namespace cutover
