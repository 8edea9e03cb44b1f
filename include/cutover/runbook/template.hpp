#pragma once
// `{{ NAME }}` references in commands and texts, and the redaction of secret values from
// everything cutover writes or prints.

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cutover/runbook/model.hpp"

namespace cutover {

struct TemplateReference {
  std::string_view name;
  std::size_t offset = 0;  // of the opening "{{"
  std::size_t length = 0;  // through the closing "}}"
};

// Only `{{ NAME }}` with NAME an identifier ([A-Za-z_][A-Za-z0-9_]*) is a reference, so that
// Go templates in commands (`docker ps --format '{{.Names}}'`) pass through untouched.
std::vector<TemplateReference> find_references(std::string_view text);

bool is_identifier(std::string_view name);

// Replaces each reference by lookup(name). A name the lookup does not know stays as written:
// the loader has already refused unknown names, and a total function cannot fail mid-run.
std::string expand_template(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view name)>& lookup);

// The same with the runbook's vars, then the secrets' values (name -> value), as commands get
// them.
std::string expand_template(std::string_view text,
                            const std::vector<std::pair<std::string, std::string>>& vars,
                            const std::vector<std::pair<std::string, std::string>>& secrets);

// Replaces every occurrence of a secret value by "***" in a stream that arrives in chunks,
// also when a value is split across two chunks. At every position the longest secret that
// matches there is replaced (leftmost, then longest), so feeding a stream in any chunks and
// then calling finish() gives exactly redact(whole stream).
//
// Only a tail that could still become a secret is held back - at most the longest secret's
// length minus one bytes - so output is never delayed beyond what a split secret requires.
// Time is linear in the input for a handful of short secrets: positions whose byte starts
// no secret are skipped with a table lookup.
class Redactor {
 public:
  explicit Redactor(std::vector<std::string> secrets);  // empty values are ignored
  std::string feed(std::string_view chunk);             // what is safe to emit now
  std::string finish();                                 // the held-back rest, at end of stream
  bool empty() const { return secrets_.empty(); }       // no secrets: feed returns its input

  // The bytes fed but not emitted yet, for tests: empty, or a proper prefix of a secret.
  std::string_view held_back() const { return pending_; }

 private:
  // Appends the redaction of `text` to `out` and returns how much of `text` it consumed; stops
  // early (unless at_end) where more input could still complete a longer secret.
  std::size_t scan(std::string_view text, bool at_end, std::string& out) const;

  enum class Decision { undecided, no_match, match };
  Decision decide(std::string_view rest, bool at_end, std::size_t& match_length) const;

  std::vector<std::string> secrets_;  // longest first, no duplicates, none empty
  std::array<bool, 256> starts_secret_{};
  std::string pending_;
};

// The whole text at once.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace cutover
