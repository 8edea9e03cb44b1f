#include "cutover/runbook/template.hpp"

#include <algorithm>

namespace cutover {

namespace {

bool identifier_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool identifier_char(char c) {
  return identifier_start(c) || (c >= '0' && c <= '9');
}

std::size_t skip_spaces(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at;
}

}  // namespace

bool is_identifier(std::string_view name) {
  if (name.empty() || !identifier_start(name.front())) return false;
  for (const char c : name) {
    if (!identifier_char(c)) return false;
  }
  return true;
}

std::vector<TemplateReference> find_references(std::string_view text) {
  std::vector<TemplateReference> references;
  std::size_t open = text.find("{{");
  while (open != std::string_view::npos) {
    const std::size_t name_begin = skip_spaces(text, open + 2);
    std::size_t name_end = name_begin;
    while (name_end < text.size() && identifier_char(text[name_end])) ++name_end;
    const std::size_t close = skip_spaces(text, name_end);
    const std::string_view name = text.substr(name_begin, name_end - name_begin);
    if (is_identifier(name) && text.substr(close, 2) == "}}") {
      references.push_back({name, open, close + 2 - open});
      open = text.find("{{", close + 2);
    } else {
      open = text.find("{{", open + 1);
    }
  }
  return references;
}

std::string expand_template(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view name)>& lookup) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (const auto& reference : find_references(text)) {
    out.append(text.substr(copied, reference.offset - copied));
    const std::string_view written = text.substr(reference.offset, reference.length);
    if (auto value = lookup(reference.name)) {
      out.append(*value);
    } else {
      out.append(written);
    }
    copied = reference.offset + reference.length;
  }
  out.append(text.substr(copied));
  return out;
}

std::string expand_template(std::string_view text,
                            const std::vector<std::pair<std::string, std::string>>& vars,
                            const std::vector<std::pair<std::string, std::string>>& secrets) {
  return expand_template(text, [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& [var, value] : vars) {
      if (var == name) return value;
    }
    for (const auto& [secret, value] : secrets) {
      if (secret == name) return value;
    }
    return std::nullopt;
  });
}

Redactor::Redactor(std::vector<std::string> secrets) : secrets_(std::move(secrets)) {
  std::erase_if(secrets_, [](const std::string& secret) { return secret.empty(); });
  // Longest first, so that the first secret that matches at a position is the longest one.
  std::sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
  for (const auto& secret : secrets_) starts_secret_[static_cast<unsigned char>(secret[0])] = true;
}

Redactor::Decision Redactor::decide(std::string_view rest, bool at_end,
                                    std::size_t& match_length) const {
  for (const auto& secret : secrets_) {
    if (secret.size() > rest.size()) {
      // Every longer secret is checked before a shorter one may match: "abc" must wait while
      // "abcdef" can still arrive.
      if (!at_end && std::string_view(secret).starts_with(rest)) return Decision::undecided;
    } else if (rest.starts_with(secret)) {
      match_length = secret.size();
      return Decision::match;
    }
  }
  return Decision::no_match;
}

std::size_t Redactor::scan(std::string_view text, bool at_end, std::string& out) const {
  std::size_t copied = 0;  // text[copied, at) is plain text not yet appended to out
  std::size_t at = 0;
  while (at < text.size()) {
    if (!starts_secret_[static_cast<unsigned char>(text[at])]) {
      ++at;
      continue;
    }
    std::size_t length = 0;
    const Decision decision = decide(text.substr(at), at_end, length);
    if (decision == Decision::undecided) break;
    if (decision == Decision::no_match) {
      ++at;
      continue;
    }
    out.append(text.substr(copied, at - copied));
    out.append("***");
    at += length;
    copied = at;
  }
  out.append(text.substr(copied, at - copied));
  return at;
}

std::string Redactor::feed(std::string_view chunk) {
  if (empty()) return std::string(chunk);
  pending_.append(chunk);
  std::string out;
  out.reserve(pending_.size());
  pending_.erase(0, scan(pending_, false, out));
  return out;
}

std::string Redactor::finish() {
  std::string out;
  scan(pending_, true, out);
  pending_.clear();
  return out;
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  Redactor redactor(secrets);
  std::string out = redactor.feed(text);
  out.append(redactor.finish());
  return out;
}

}  // namespace cutover
